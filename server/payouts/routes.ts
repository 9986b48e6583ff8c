// Pages and downloads of the payouts feature: payouts and runs, balances and statements, commission
// review (approve early, reject, hold, release) and exchange rates.
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';
import { merchantAuth } from '../http/auth';
import { AppError, fieldErrors } from '../http/errors';
import { pageContext, setFlash } from '../http/page-context';
import { render } from '../../web/views/render';
import { PayoutsPage } from '../../web/views/pages/payouts';
import { PayoutDetailPage } from '../../web/views/pages/payouts-detail';
import { RatesPage } from '../../web/views/pages/payouts-rates';
import { ReviewPage } from '../../web/views/pages/payouts-review';
import { BalancesPage, MonthStatementPage } from '../../web/views/pages/balances';
import { findMerchant, getSettings } from '../accounts/store';
import { findActiveConnection } from '../connect/store';
import { formatMoney } from '../lib/money';
import { balancesFromTotals, partnersWithBalances } from './balances';
import { applyCommissionAction } from './actions';
import { deleteRate, setRate } from './exchange-rates';
import { genericCsv, paypalCsv, statementCsv } from './exports';
import { reviewList } from './review';
import { CommissionActionForm, MarkFailedForm, MarkPaidForm, Mode, Month, RateForm, RunForm } from './schema';
import { markFailed, markPaid, planRun, runPayouts } from './service';
import { monthStatement, payoutStatement } from './statements';
import * as store from './store';

const PAGE_SIZE = 50;
const PageNumber = z.coerce.number().int().min(1).max(100_000).catch(1);
const PageQuery = z.object({
  mode: Mode.optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  status: z.enum(['pending', 'approved', 'on_hold']).optional().catch(undefined),
});

/** Same-site relative paths only (no open redirect). */
const safeBack = (back: unknown, fallback: string) => (typeof back === 'string' && /^\/(?![/\\])/.test(back) ? back : fallback);

function sendCsv(res: Response, filename: string, body: string): void {
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.type('text/csv; charset=utf-8').send(body);
}

const thisMonth = (now: Date) => now.toISOString().slice(0, 7);
function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + by, 1)).toISOString().slice(0, 7);
}

export function payoutRoutes(ctx: AppContext): RouteDef[] {
  const db = ctx.db.kysely;
  const { clock } = ctx;

  /** Which ledger a page shows: ?mode= when given, else the mode Stripe is connected in, else live. */
  async function modeOf(merchantId: string, requested: unknown): Promise<'live' | 'test'> {
    const parsed = Mode.safeParse(requested);
    if (parsed.success) return parsed.data;
    const connection = await findActiveConnection(db, merchantId);
    return connection && connection.livemode === 0 ? 'test' : 'live';
  }
  const lm = (mode: 'live' | 'test') => (mode === 'live' ? 1 : 0);

  async function payoutPage(req: Request, res: Response, id: string, extra: { errors?: Record<string, string>; values?: Record<string, string> } = {}, status = 200) {
    const auth = merchantAuth(res);
    const statement = await payoutStatement(db, auth.merchant.id, id);
    if (!statement) throw new AppError(404, 'payout_not_found', 'No such payout.');
    render(res, PayoutDetailPage({ ctx: pageContext(req, res), statement, today: clock.now().toISOString().slice(0, 10), canEdit: auth.role !== 'read_only', ...extra }), status);
  }

  async function ratesPage(req: Request, res: Response, mode: 'live' | 'test', extra: { errors?: Record<string, string>; values?: Record<string, string> } = {}, status = 200) {
    const auth = merchantAuth(res);
    const [settings, rates, plan] = await Promise.all([getSettings(db, auth.merchant.id), store.listRates(db, auth.merchant.id), planRun(db, auth.merchant.id, lm(mode), clock.now())]);
    render(res, RatesPage({ ctx: pageContext(req, res), mode, currency: settings.currency, rates, needsRate: plan.needsRate, canEdit: auth.role !== 'read_only', ...extra }), status);
  }

  /** A run's payouts (the exports' rows) and, for the generic file, the commission ids of each. */
  async function runPayoutsOf(merchantId: string, runId: string) {
    const run = await store.findRun(db, merchantId, runId);
    if (!run) throw new AppError(404, 'not_found', 'No such payout run.');
    const { rows } = await store.listPayouts(db, merchantId, { livemode: run.livemode, runId, offset: 0, limit: 100_000 });
    return { run, rows: rows.sort((a, b) => a.id.localeCompare(b.id)) };
  }

  return [
    route('get', '/payouts', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const q = PageQuery.parse(req.query);
      const mode = await modeOf(auth.merchant.id, q.mode);
      const [plan, runs, list] = await Promise.all([
        planRun(db, auth.merchant.id, lm(mode), clock.now()),
        store.listRuns(db, auth.merchant.id, lm(mode), 20),
        store.listPayouts(db, auth.merchant.id, { livemode: lm(mode), offset: (q.page - 1) * PAGE_SIZE, limit: PAGE_SIZE }),
      ]);
      render(
        res,
        PayoutsPage({ ctx: pageContext(req, res), mode, plan, runs, payouts: list.rows, page: q.page, pages: Math.max(1, Math.ceil(list.total / PAGE_SIZE)), total: list.total, canEdit: auth.role !== 'read_only' }),
      );
    }),
    route('post', '/payouts/run', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const { mode } = RunForm.parse(req.body ?? {});
      const result = await runPayouts({ db, clock }, auth.merchant.id, lm(mode), auth.user.id);
      const total = result.payouts.reduce((s, p) => s + p.amount, 0);
      if (result.payouts.length === 0) setFlash(req, 'error', 'Nothing to pay: no partner reaches the minimum payout.');
      else
        setFlash(
          req,
          'ok',
          `Created ${result.payouts.length} payout${result.payouts.length > 1 ? 's' : ''} totalling ${formatMoney(total, result.plan.currency)}. Download the file, send the money, then mark each payout paid.${result.skipped.length ? ` ${result.skipped.length} partner(s) changed during the run and wait for the next one.` : ''}`,
        );
      res.redirect(303, `/payouts?mode=${mode}`);
    }),

    route('get', '/payouts/commissions', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const q = PageQuery.parse(req.query);
      const mode = await modeOf(auth.merchant.id, q.mode);
      const { rows, total } = await reviewList(db, auth.merchant.id, { livemode: lm(mode), status: q.status, offset: (q.page - 1) * PAGE_SIZE, limit: PAGE_SIZE, now: clock.now() });
      render(res, ReviewPage({ ctx: pageContext(req, res), mode, rows, status: q.status, page: q.page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), total, canEdit: auth.role !== 'read_only' }));
    }),
    route('post', '/commissions/actions', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const back = safeBack(req.body?.back, '/payouts/commissions');
      const parsed = CommissionActionForm.safeParse(req.body ?? {});
      if (!parsed.success) {
        setFlash(req, 'error', Object.values(fieldErrors(parsed.error))[0] ?? 'Check the form.');
        return res.redirect(303, back);
      }
      const { action, ids, reason } = parsed.data;
      const out = await applyCommissionAction({ db, clock }, auth.merchant.id, auth.user.id, ids, action, reason);
      const skipped = out.skipped.map((s) => `${s.id} ${s.reason}`).join('; ');
      setFlash(req, out.changed.length > 0 ? 'ok' : 'error', `${out.changed.length} commission${out.changed.length === 1 ? '' : 's'} changed.${skipped ? ` Not changed: ${skipped}.` : ''}`);
      res.redirect(303, back);
    }),

    route('get', '/payouts/rates', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      return ratesPage(req, res, await modeOf(auth.merchant.id, req.query.mode));
    }),
    route('post', '/payouts/rates', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const mode = await modeOf(auth.merchant.id, req.body?.mode);
      const parsed = RateForm.safeParse(req.body ?? {});
      if (!parsed.success) {
        const values = Object.fromEntries(['fromCurrency', 'toCurrency', 'effectiveOn', 'rate'].map((k) => [k, String(req.body?.[k] ?? '')]));
        return ratesPage(req, res, mode, { errors: fieldErrors(parsed.error), values }, 400);
      }
      const saved = await setRate({ db, clock }, auth.merchant.id, auth.user.id, parsed.data);
      setFlash(req, 'ok', `Saved ${saved.fromCurrency.toUpperCase()} → ${saved.toCurrency.toUpperCase()} at ${saved.rate} from ${saved.effectiveOn}.`);
      res.redirect(303, `/payouts/rates?mode=${mode}`);
    }),
    route('post', '/payouts/rates/:id/delete', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const mode = await modeOf(auth.merchant.id, req.body?.mode);
      await deleteRate({ db, clock }, auth.merchant.id, auth.user.id, String(req.params.id));
      setFlash(req, 'ok', 'Rate deleted.');
      res.redirect(303, `/payouts/rates?mode=${mode}`);
    }),

    route('get', '/payouts/runs/:id/paypal.csv', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const { run, rows } = await runPayoutsOf(auth.merchant.id, String(req.params.id));
      const merchant = await findMerchant(db, auth.merchant.id);
      sendCsv(res, `paypal-payouts-${run.id}.csv`, paypalCsv(rows.filter((p) => p.status === 'processing'), merchant?.name ?? auth.merchant.name));
    }),
    route('get', '/payouts/runs/:id/payouts.csv', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const { run, rows } = await runPayoutsOf(auth.merchant.id, String(req.params.id));
      const items = rows.length
        ? await db.selectFrom('payoutItems').select(['payoutId', 'commissionId']).where('merchantId', '=', auth.merchant.id).where('payoutId', 'in', rows.map((r) => r.id)).orderBy('commissionId').execute()
        : [];
      const ids = new Map<string, string[]>();
      for (const i of items) ids.set(i.payoutId, [...(ids.get(i.payoutId) ?? []), i.commissionId]);
      sendCsv(res, `payouts-${run.id}.csv`, genericCsv(rows, ids));
    }),

    route('get', '/payouts/:id', 'member', (req, res) => payoutPage(req, res, String(req.params.id))),
    route('get', '/payouts/:id/statement.csv', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const statement = await payoutStatement(db, auth.merchant.id, String(req.params.id));
      if (!statement) throw new AppError(404, 'payout_not_found', 'No such payout.');
      sendCsv(res, `statement-${statement.payout.id}.csv`, statementCsv(statement));
    }),
    route('post', '/payouts/:id/paid', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const id = String(req.params.id);
      const parsed = MarkPaidForm.safeParse(req.body ?? {});
      if (!parsed.success) return payoutPage(req, res, id, { errors: fieldErrors(parsed.error), values: { paidOn: String(req.body?.paidOn ?? ''), externalReference: String(req.body?.externalReference ?? '') } }, 400);
      await markPaid({ db, clock }, auth.merchant.id, id, parsed.data, auth.user.id);
      setFlash(req, 'ok', 'Payout marked paid.');
      res.redirect(303, `/payouts/${id}`);
    }),
    route('post', '/payouts/:id/failed', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const id = String(req.params.id);
      const parsed = MarkFailedForm.safeParse(req.body ?? {});
      if (!parsed.success) return payoutPage(req, res, id, { errors: fieldErrors(parsed.error), values: { reason: String(req.body?.reason ?? '') } }, 400);
      await markFailed({ db, clock }, auth.merchant.id, id, parsed.data.reason, auth.user.id);
      setFlash(req, 'ok', 'Payout marked failed: its commissions are payable again in the next run.');
      res.redirect(303, `/payouts/${id}`);
    }),

    route('get', '/balances', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const mode = await modeOf(auth.merchant.id, req.query.mode);
      const now = clock.now();
      const page = PageNumber.parse(req.query.page);
      const partners = await partnersWithBalances(db, auth.merchant.id, lm(mode), { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
      const balances = await balancesFromTotals(db, auth.merchant.id, lm(mode), now, partners.rows.map((p) => p.id));
      const order = new Map(partners.rows.map((p, i) => [p.id, i]));
      const names = new Map(partners.rows.map((p) => [p.id, p.name]));
      const rows = balances.map((b) => ({ ...b, partnerName: names.get(b.partnerId) ?? b.partnerId })).sort((a, b) => order.get(a.partnerId)! - order.get(b.partnerId)! || a.currency.localeCompare(b.currency));
      const pages = Math.max(1, Math.ceil(partners.total / PAGE_SIZE));
      render(res, BalancesPage({ ctx: pageContext(req, res), mode, rows, month: thisMonth(now), page, pages, total: partners.total }));
    }),
    route('get', '/balances/:partnerId/months/:month', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const mode = await modeOf(auth.merchant.id, req.query.mode);
      const month = Month.safeParse(req.params.month);
      if (!month.success) throw new AppError(404, 'not_found', 'Use a month like 2026-11.');
      const statement = await monthStatement(db, auth.merchant.id, lm(mode), String(req.params.partnerId), month.data, clock.now());
      if (!statement) throw new AppError(404, 'affiliate_not_found', 'No such partner.');
      render(res, MonthStatementPage({ ctx: pageContext(req, res), mode, statement, prev: shiftMonth(month.data, -1), next: shiftMonth(month.data, 1) }));
    }),
    route('get', '/balances/:partnerId/months/:month/statement.csv', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const mode = await modeOf(auth.merchant.id, req.query.mode);
      const month = Month.safeParse(req.params.month);
      if (!month.success) throw new AppError(404, 'not_found', 'Use a month like 2026-11.');
      const statement = await monthStatement(db, auth.merchant.id, lm(mode), String(req.params.partnerId), month.data, clock.now());
      if (!statement) throw new AppError(404, 'affiliate_not_found', 'No such partner.');
      sendCsv(res, `statement-${statement.partner.id}-${month.data}.csv`, statementCsv(statement));
    }),
  ];
}
