// The partner portal, under /portal/:programPublicId: passwordless sign-in (public), then the partner's
// own links, clicks, customers, deals and settings ('partner' routes: the guard admits only a partner
// session of this program). Money pages are in ./money-routes, the merchant's side in ./merchant-routes.
import type { Request } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';
import { loadPartnerAuth, partnerAuth } from '../http/auth';
import { AppError, fieldErrors } from '../http/errors';
import { setFlash } from '../http/page-context';
import { render } from '../../web/views/render';
import { PortalEnterPage, PortalLinkPage, PortalLinksPage, PortalLoginPage, PortalMessagePage, PortalOverviewPage } from '../../web/views/pages/portal';
import { PortalCustomersPage, PortalDealsPage, PortalSettingsPage } from '../../web/views/pages/portal-account';
import { addDays } from '../lib/clock';
import { balancesOf } from '../payouts/balances';
import { clickStats, findLink, listLinks } from '../partners/store';
import { updatePartner } from '../partners/service';
import { registerDeal } from './deals';
import { listPartnerDeals } from './deals-store';
import { ClicksQuery, DealForm, EnterForm, MagicLinkForm, PageQuery, PayoutEmailForm, type DealInput } from './schema';
import { checkToken, requestMagicLink, spendToken, portalPath, type PortalDeps } from './service';
import { endSession, portalContext, startPartnerSession } from './http';
import { signInLinkSender } from './delivery';
import { fillDays, presentCustomer } from './presenters';
import * as store from './store';
import { moneyRoutes } from './money-routes';
import { merchantPortalRoutes } from './merchant-routes';

const P = '/portal/:programPublicId';
const PAGE_SIZE = 50;
const DEFAULT_BRAND = '#4f46e5';

export function portalRoutes(ctx: AppContext): RouteDef[] {
  const db = ctx.db.kysely;
  const { clock } = ctx;
  const deps: PortalDeps = { db, clock, logger: ctx.logger, publicUrl: ctx.config.publicUrl, sendSignInLink: signInLinkSender(ctx) };

  async function programOf(req: Request) {
    const program = await store.findProgram(db, String(req.params.programPublicId));
    if (!program) throw new AppError(404, 'program_not_found', 'There is no partner program at this address.');
    return program;
  }

  // Every request counts (not only failures): the answer is the same whether or not the email is a
  // partner's, so counting only some would tell them apart.
  const limited = (prefix: string, limit: number, key: (req: Request) => string) =>
    rateLimit({
      windowMs: 15 * 60_000,
      limit,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      store: ctx.shared.rateLimitStore(prefix),
      keyGenerator: key,
      handler: (req, res, next) => {
        programOf(req).then(
          (program) => render(res, PortalLoginPage({ ctx: portalContext(req, res, program), email: String(req.body?.email ?? ''), error: 'Too many sign-in requests. Wait 15 minutes and try again.' }), 429),
          next,
        );
      },
    });
  const byEmail = limited('portal-link-email', 5, (req) => `${String(req.params.programPublicId)}:${String(req.body?.email ?? '').trim().toLowerCase().slice(0, 254)}`);
  const byIp = limited('portal-link-ip', 30, (req) => ipKeyGenerator(req.ip ?? 'unknown'));

  const linksWithUrls = async (merchantId: string, partnerId: string) =>
    (await listLinks(db, merchantId, partnerId)).map((l) => ({ ...l, url: `${ctx.config.publicUrl}/r/${l.slug}` }));

  /** Since the start of the first day of a `days`-long window ending today (UTC). */
  const windowOf = (days: number) => {
    const today = clock.now().toISOString().slice(0, 10);
    const from = addDays(new Date(`${today}T00:00:00.000Z`), -(days - 1)).toISOString();
    return { from, fromDay: from.slice(0, 10), today };
  };

  return [
    // The brand colour as a stylesheet: the CSP allows no inline style.
    route('get', `${P}/brand.css`, 'redirect', async (req, res) => {
      const program = await store.findProgram(db, String(req.params.programPublicId));
      const color = program && /^#[0-9a-fA-F]{6}$/.test(program.brandColor) ? program.brandColor : DEFAULT_BRAND;
      res.set({ 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=300', 'X-Content-Type-Options': 'nosniff' });
      res.send(`:root { --brand: ${color}; }\n`);
    }),

    route('get', `${P}/login`, 'public', async (req, res) => {
      const program = await programOf(req);
      const auth = await loadPartnerAuth(db, req);
      if (auth && auth.merchant.id === program.id) return res.redirect(303, portalPath(program.publicId));
      render(res, PortalLoginPage({ ctx: portalContext(req, res, program) }));
    }),
    route('post', `${P}/login`, 'public', byIp, byEmail, async (req, res) => {
      const program = await programOf(req);
      const parsed = MagicLinkForm.safeParse({ email: String(req.body?.email ?? '') });
      if (!parsed.success) return render(res, PortalLoginPage({ ctx: portalContext(req, res, program), email: String(req.body?.email ?? ''), errors: fieldErrors(parsed.error) }), 400);
      await requestMagicLink(deps, program.publicId, parsed.data.email);
      render(res, PortalLoginPage({ ctx: portalContext(req, res, program), email: parsed.data.email, sent: true }));
    }),

    route('get', `${P}/enter`, 'public', async (req, res) => {
      const program = await programOf(req);
      const token = typeof req.query.token === 'string' ? req.query.token : '';
      const ok = token ? await checkToken(deps, program.publicId, token) : undefined;
      res.setHeader('Cache-Control', 'no-store');
      render(res, PortalEnterPage({ ctx: portalContext(req, res, program), token: ok ? token : undefined, partnerName: ok?.partnerName }), ok ? 200 : 410);
    }),
    route('post', `${P}/enter`, 'public', async (req, res) => {
      const program = await programOf(req);
      const parsed = EnterForm.safeParse(req.body ?? {});
      const partnerId = parsed.success ? await spendToken(deps, program.publicId, parsed.data.token) : undefined;
      if (!partnerId) return render(res, PortalEnterPage({ ctx: portalContext(req, res, program) }), 410);
      await startPartnerSession(req, partnerId);
      res.redirect(303, portalPath(program.publicId));
    }),
    route('post', `${P}/logout`, 'public', async (req, res) => {
      const program = await programOf(req);
      await endSession(req, res);
      res.redirect(303, `${portalPath(program.publicId)}/login`);
    }),

    route('get', P, 'partner', async (req, res) => {
      const auth = partnerAuth(res);
      const { merchant: m, partner: p } = auth;
      const livemode = await store.programLivemode(db, m.id);
      const [balances, links, clicks, customers] = await Promise.all([
        balancesOf(db, m.id, livemode, p.id, clock.now()),
        linksWithUrls(m.id, p.id),
        clickStats(db, m.id, p.id, addDays(clock.now(), -30).toISOString()),
        store.countReferredCustomers(db, m.id, livemode, p.id),
      ]);
      render(res, PortalOverviewPage({ ctx: portalContext(req, res, m, auth), livemode, code: p.code, status: p.status, balances, links, clicks, customers }));
    }),

    route('get', `${P}/links`, 'partner', async (req, res) => {
      const auth = partnerAuth(res);
      const { merchant: m, partner: p } = auth;
      const { days } = ClicksQuery.parse(req.query);
      const w = windowOf(days);
      const [links, totals, perDay] = await Promise.all([linksWithUrls(m.id, p.id), clickStats(db, m.id, p.id, w.from), store.clicksPerDay(db, m.id, p.id, w.from)]);
      render(res, PortalLinksPage({ ctx: portalContext(req, res, m, auth), days, links, totals, perDay: fillDays(perDay, w.fromDay, w.today) }));
    }),
    route('get', `${P}/links/:linkId`, 'partner', async (req, res) => {
      const auth = partnerAuth(res);
      const { merchant: m, partner: p } = auth;
      const link = await findLink(db, m.id, p.id, String(req.params.linkId));
      if (!link) return render(res, PortalMessagePage({ ctx: portalContext(req, res, m, auth), title: 'Link not found', message: 'You have no link with this id.' }), 404);
      const { days } = ClicksQuery.parse(req.query);
      const w = windowOf(days);
      const perDay = await store.clicksPerDay(db, m.id, p.id, w.from, link.id);
      render(res, PortalLinkPage({ ctx: portalContext(req, res, m, auth), days, link: { ...link, url: `${ctx.config.publicUrl}/r/${link.slug}` }, perDay: fillDays(perDay, w.fromDay, w.today) }));
    }),

    route('get', `${P}/customers`, 'partner', async (req, res) => {
      const auth = partnerAuth(res);
      const { merchant: m, partner: p } = auth;
      const { page } = PageQuery.parse(req.query);
      const livemode = await store.programLivemode(db, m.id);
      const { rows, total } = await store.referredCustomers(db, m.id, livemode, p.id, { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
      render(res, PortalCustomersPage({ ctx: portalContext(req, res, m, auth), livemode, rows: rows.map(presentCustomer), page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), total }));
    }),

    route('get', `${P}/deals`, 'partner', async (req, res) => {
      const auth = partnerAuth(res);
      render(res, PortalDealsPage({ ctx: portalContext(req, res, auth.merchant, auth), deals: await listPartnerDeals(db, auth.merchant.id, auth.partner.id) }));
    }),
    route('post', `${P}/deals`, 'partner', async (req, res) => {
      const auth = partnerAuth(res);
      const { merchant: m, partner: p } = auth;
      const values = Object.fromEntries(['email', 'name', 'notes'].map((k) => [k, String(req.body?.[k] ?? '')]));
      const parsed = DealForm.safeParse(values);
      if (!parsed.success) {
        return render(res, PortalDealsPage({ ctx: portalContext(req, res, m, auth), deals: await listPartnerDeals(db, m.id, p.id), values, errors: fieldErrors(parsed.error) }), 400);
      }
      const { deal, created } = await registerDeal(db, clock, m.id, p.id, values as DealInput);
      setFlash(req, created ? 'ok' : 'error', created ? `Lead ${deal.email} registered: ${m.name} will review it.` : `You already registered ${deal.email} on ${deal.createdAt.slice(0, 10)}.`);
      res.redirect(303, `${portalPath(m.publicId)}/deals`);
    }),

    route('get', `${P}/settings`, 'partner', (req, res) => {
      const auth = partnerAuth(res);
      render(res, PortalSettingsPage({ ctx: portalContext(req, res, auth.merchant, auth), email: auth.partner.email, payoutEmail: auth.partner.payoutEmail ?? '' }));
    }),
    route('post', `${P}/settings`, 'partner', async (req, res) => {
      const auth = partnerAuth(res);
      const { merchant: m, partner: p } = auth;
      const parsed = PayoutEmailForm.safeParse({ payoutEmail: String(req.body?.payoutEmail ?? '') });
      if (!parsed.success) {
        return render(res, PortalSettingsPage({ ctx: portalContext(req, res, m, auth), email: p.email, payoutEmail: String(req.body?.payoutEmail ?? ''), errors: fieldErrors(parsed.error) }), 400);
      }
      await updatePartner(db, clock, m.id, p.id, { payoutEmail: parsed.data.payoutEmail }, p.id);
      setFlash(req, 'ok', parsed.data.payoutEmail ? `Payouts will go to ${parsed.data.payoutEmail}.` : `Payouts will go to ${p.email}.`);
      res.redirect(303, `${portalPath(m.publicId)}/settings`);
    }),

    ...moneyRoutes(ctx),
    ...merchantPortalRoutes(ctx, deps),
  ];
}
