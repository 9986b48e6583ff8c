import type { Request } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';
import { merchantAuth } from '../http/auth';
import { pageContext, setFlash } from '../http/page-context';
import { fieldErrors, AppError } from '../http/errors';
import { render } from '../../web/views/render';
import { SignUpPage, LoginPage, AcceptInvitePage } from '../../web/views/pages/auth';
import { SettingsPage, type SettingsValues } from '../../web/views/pages/settings';
import { TeamPage } from '../../web/views/pages/team';
import { SignUpForm, LoginForm, InviteForm, AcceptInviteForm } from './schema';
import { SettingsForm, bpsToPercent } from './settings-schema';
import * as service from './service';
import * as store from './store';
import { toMajorString } from '../lib/money';
import type { ProgramSettings } from '../../db/schema';

/** Start a fresh session for this user (a new id defeats session fixation). */
function logIn(req: Request, userId: string, merchantId: string): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.userId = userId;
      req.session.merchantId = merchantId;
      req.session.save((e) => (e ? reject(e) : resolve()));
    }),
  );
}

/** Only same-site relative paths may be a post-login destination (no open redirect). */
const safeNext = (next: unknown) => (typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/dashboard');

export function settingsToForm(s: ProgramSettings): SettingsValues {
  return {
    commissionType: s.commissionType,
    commissionValue: s.commissionType === 'percent' ? bpsToPercent(s.commissionValue) : toMajorString(s.commissionValue, s.currency),
    durationType: s.durationType,
    durationValue: s.durationValue === null ? '' : String(s.durationValue),
    cookieDays: String(s.cookieDays),
    attributionModel: s.attributionModel,
    holdingDays: String(s.holdingDays),
    minPayout: toMajorString(s.minPayout, s.currency),
    currency: s.currency,
    platformFee: bpsToPercent(s.platformFeeBps),
    destinationUrl: s.destinationUrl ?? '',
    extraMetadataKeys: (JSON.parse(s.extraMetadataKeys) as string[]).join(', '),
    timeZone: s.timeZone,
    brandColor: s.brandColor,
  };
}

export function accountRoutes(deps: AppContext): RouteDef[] {
  const db = deps.db.kysely;
  const { clock } = deps;

  // Failed logins are throttled per email and per IP, counted in the shared database.
  const throttled = (prefix: string, limit: number, key: (req: Request) => string) =>
    rateLimit({
      windowMs: 15 * 60_000,
      limit,
      skipSuccessfulRequests: true,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      store: deps.shared.rateLimitStore(prefix),
      keyGenerator: key,
      handler: (req, res) =>
        render(res, LoginPage({ ctx: pageContext(req, res), email: String(req.body?.email ?? ''), error: 'Too many failed attempts. Wait 15 minutes and try again.' }), 429),
    });
  const loginByEmail = throttled('login-email', 5, (req) => String(req.body?.email ?? '').trim().toLowerCase().slice(0, 254));
  const loginByIp = throttled('login-ip', 50, (req) => ipKeyGenerator(req.ip ?? 'unknown'));

  // Every sign-up attempt counts, not only failures: a successful one costs an scrypt hash (~32 MiB) and a
  // new merchant, and a refused one tells whether an email has an account.
  const signUpByIp = rateLimit({
    windowMs: 60 * 60_000,
    limit: 10,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: deps.shared.rateLimitStore('signup-ip'),
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
    handler: (_req, _res, next) => next(new AppError(429, 'rate_limited', 'Too many sign-ups from this address. Try again in an hour.')),
  });

  return [
    route('get', '/', 'public', (req, res) => res.redirect(303, req.session.userId ? '/dashboard' : '/login')),

    route('get', '/signup', 'public', (req, res) => render(res, SignUpPage({ ctx: pageContext(req, res) }))),
    route('post', '/signup', 'public', signUpByIp, async (req, res) => {
      const parsed = SignUpForm.safeParse(req.body);
      const values = { name: String(req.body?.name ?? ''), email: String(req.body?.email ?? '') };
      if (!parsed.success) return render(res, SignUpPage({ ctx: pageContext(req, res), values, errors: fieldErrors(parsed.error) }), 400);
      try {
        const { userId, merchantId } = await service.signUp(db, clock, parsed.data);
        await logIn(req, userId, merchantId);
        setFlash(req, 'ok', 'Welcome to Refcut! Start by connecting Stripe and setting your commission.');
        res.redirect(303, '/dashboard');
      } catch (err) {
        if (err instanceof AppError && err.code === 'email_taken') {
          return render(res, SignUpPage({ ctx: pageContext(req, res), values, errors: { email: err.message } }), 409);
        }
        throw err;
      }
    }),

    route('get', '/login', 'public', (req, res) => render(res, LoginPage({ ctx: pageContext(req, res), next: typeof req.query.next === 'string' ? req.query.next : undefined }))),
    route('post', '/login', 'public', loginByIp, loginByEmail, async (req, res) => {
      const { email, password } = LoginForm.parse({ email: String(req.body?.email ?? ''), password: String(req.body?.password ?? '') });
      const who = await service.authenticate(db, email, password);
      if (!who) return render(res, LoginPage({ ctx: pageContext(req, res), email, error: 'That email and password do not match an account.' }), 401);
      await logIn(req, who.userId, who.merchantId);
      res.redirect(303, safeNext(req.query.next));
    }),
    route('post', '/logout', 'public', (req, res, next) => {
      req.session.destroy((err) => {
        if (err) return next(err);
        res.clearCookie('refcut.sid');
        res.redirect(303, '/login');
      });
    }),

    route('get', '/settings', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const settings = await store.getSettings(db, auth.merchant.id);
      render(res, SettingsPage({ ctx: pageContext(req, res), values: settingsToForm(settings), readOnly: auth.role === 'read_only', publicId: auth.merchant.publicId }));
    }),
    route('post', '/settings', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const parsed = SettingsForm.safeParse(req.body);
      if (!parsed.success) {
        const values = Object.fromEntries(Object.entries(req.body ?? {}).map(([k, v]) => [k, String(v)])) as unknown as SettingsValues;
        return render(res, SettingsPage({ ctx: pageContext(req, res), values, errors: fieldErrors(parsed.error), readOnly: false, publicId: auth.merchant.publicId }), 400);
      }
      await service.saveSettings(db, clock, auth.merchant.id, auth.user.id, parsed.data);
      setFlash(req, 'ok', 'Settings saved.');
      res.redirect(303, '/settings');
    }),

    route('get', '/team', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const [members, invites] = await Promise.all([store.listTeam(db, auth.merchant.id), store.listOpenInvites(db, auth.merchant.id, clock.now().toISOString())]);
      render(res, TeamPage({ ctx: pageContext(req, res), members, invites, isOwner: auth.role === 'owner' }));
    }),
    route('post', '/team/invites', 'owner', async (req, res) => {
      const auth = merchantAuth(res);
      const parsed = InviteForm.safeParse(req.body);
      if (!parsed.success) throw new AppError(400, 'invalid_request', 'Choose a role for the invite.', 'role');
      const token = await service.createInvite(db, clock, auth.merchant.id, auth.user.id, parsed.data.role);
      const [members, invites] = await Promise.all([store.listTeam(db, auth.merchant.id), store.listOpenInvites(db, auth.merchant.id, clock.now().toISOString())]);
      // Shown once, on this response only: the token itself is never stored.
      render(res, TeamPage({ ctx: pageContext(req, res), members, invites, newInviteUrl: `${deps.config.publicUrl}/invite/${token}`, isOwner: true }), 201);
    }),
    route('post', '/team/:userId', 'owner', async (req, res) => {
      const auth = merchantAuth(res);
      const userId = String(req.params.userId);
      if (req.body?.remove) await service.changeMember(db, clock, auth.merchant.id, auth.user.id, userId, { remove: true });
      else {
        const parsed = InviteForm.safeParse(req.body);
        if (!parsed.success) throw new AppError(400, 'invalid_request', 'Choose a role.', 'role');
        await service.changeMember(db, clock, auth.merchant.id, auth.user.id, userId, { role: parsed.data.role });
      }
      setFlash(req, 'ok', 'Team updated.');
      res.redirect(303, '/team');
    }),

    route('get', '/invite/:token', 'public', async (req, res) => {
      const invite = await service.findUsableInvite(db, clock, String(req.params.token));
      const auth = res.locals.auth as { user: { email: string } } | undefined;
      render(res, AcceptInvitePage({ ctx: pageContext(req, res), token: String(req.params.token), merchantName: invite.merchantName, role: invite.role, loggedInAs: auth?.user.email ?? (req.session.userId ? 'your account' : undefined) }));
    }),
    route('post', '/invite/:token', 'public', async (req, res) => {
      const token = String(req.params.token);
      if (req.session.userId) {
        const joined = await service.acceptInvite(db, clock, token, { existingUserId: req.session.userId });
        await logIn(req, joined.userId, joined.merchantId);
        return res.redirect(303, '/dashboard');
      }
      const parsed = AcceptInviteForm.safeParse(req.body);
      const invite = await service.findUsableInvite(db, clock, token);
      const values = { name: String(req.body?.name ?? ''), email: String(req.body?.email ?? '') };
      if (!parsed.success) {
        return render(res, AcceptInvitePage({ ctx: pageContext(req, res), token, merchantName: invite.merchantName, role: invite.role, values, errors: fieldErrors(parsed.error) }), 400);
      }
      try {
        const joined = await service.acceptInvite(db, clock, token, { newUser: parsed.data });
        await logIn(req, joined.userId, joined.merchantId);
        res.redirect(303, '/dashboard');
      } catch (err) {
        if (err instanceof AppError && err.code === 'email_taken') {
          return render(res, AcceptInvitePage({ ctx: pageContext(req, res), token, merchantName: invite.merchantName, role: invite.role, values, errors: { email: err.message } }), 409);
        }
        throw err;
      }
    }),
  ];
}
