// Pages of the attribution tools: product rules, promotion codes, importing referred customers, and the
// button that runs the backfill again (its result is shown on the Stripe page).
import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';
import { merchantAuth } from '../http/auth';
import { pageContext, setFlash } from '../http/page-context';
import { AppError, fieldErrors } from '../http/errors';
import { render } from '../../web/views/render';
import { ProductRulesPage, PromotionCodesPage, type ProductRuleValues, type PromotionCodeValues } from '../../web/views/pages/attribution-rules';
import { ImportReferralsPage, type ImportResultView } from '../../web/views/pages/attribution-import';
import { bpsToPercent } from '../accounts/settings-schema';
import { viewLivemode } from '../commissions/queries';
import { findActiveConnection } from '../connect/store';
import { ImportOptions, ProductRuleForm, PromotionCodeForm } from './schema';
import { importBindingsCsv, MAX_IMPORT_ROWS } from './import';
import { BACKFILL_JOB, queueBackfill } from './backfill';
import * as service from './service';
import * as store from './store';

const MAX_IMPORT_KB = 1024;

const textFields = <K extends string>(body: unknown, keys: readonly K[]): Record<K, string> => {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, typeof b[k] === 'string' ? (b[k] as string) : ''])) as Record<K, string>;
};

/** A refused change (duplicate, unknown partner) is shown next to its field instead of as an error page. */
const fieldConflict = (err: unknown): Record<string, string> | undefined =>
  err instanceof AppError && err.status >= 400 && err.status < 500 ? { [err.param ?? '_form']: err.message } : undefined;

export function attributionRoutes(ctx: AppContext): RouteDef[] {
  const db = ctx.db.kysely;
  const { clock } = ctx;

  const rulesPage = async (req: Request, res: Response, extra: { values?: ProductRuleValues; errors?: Record<string, string> } = {}, status = 200) => {
    const auth = merchantAuth(res);
    const rules = (await store.listProductRules(db, auth.merchant.id)).map((r) => ({ ...r, rate: r.rateBps === null ? null : bpsToPercent(r.rateBps) }));
    render(res, ProductRulesPage({ ctx: pageContext(req, res), rules, canEdit: auth.role !== 'read_only', ...extra }), status);
  };
  const codesPage = async (req: Request, res: Response, extra: { values?: PromotionCodeValues; errors?: Record<string, string> } = {}, status = 200) => {
    const auth = merchantAuth(res);
    const rows = await store.listPromotionCodes(db, auth.merchant.id);
    render(res, PromotionCodesPage({ ctx: pageContext(req, res), rows, canEdit: auth.role !== 'read_only', ...extra }), status);
  };

  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_IMPORT_KB * 1024, files: 1, fields: 5, parts: 6 } }).single('file');
  const importPage = async (req: Request, res: Response, extra: { result?: ImportResultView; error?: string; mode?: 'live' | 'test' }, status = 200) => {
    const mode = extra.mode ?? ((await viewLivemode(db, merchantAuth(res).merchant.id)) === 1 ? 'live' : 'test');
    render(res, ImportReferralsPage({ ctx: pageContext(req, res), maxRows: MAX_IMPORT_ROWS, maxKb: MAX_IMPORT_KB, ...extra, mode }), status);
  };
  const receiveFile: RequestHandler = (req, res, next) =>
    upload(req, res, (err: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError) {
        const tooBig = err.code === 'LIMIT_FILE_SIZE';
        return void importPage(req, res, { error: tooBig ? `The file is larger than ${MAX_IMPORT_KB} KB: split it and import each part.` : 'Upload one CSV file in the "file" field.' }, tooBig ? 413 : 400).catch(next);
      }
      next(err);
    });

  return [
    route('get', '/settings/product-rules', 'member', (req, res) => rulesPage(req, res)),
    route('post', '/settings/product-rules', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const values = textFields(req.body, ['matchType', 'matchId', 'action', 'rate'] as const);
      const parsed = ProductRuleForm.safeParse(values);
      if (!parsed.success) return rulesPage(req, res, { values, errors: fieldErrors(parsed.error) }, 400);
      try {
        const rule = await service.addProductRule(db, clock, auth.merchant.id, auth.user.id, parsed.data);
        setFlash(req, 'ok', `Rule added for ${rule.matchType} ${rule.matchId}.`);
        res.redirect(303, '/settings/product-rules');
      } catch (err) {
        const errors = fieldConflict(err);
        if (!errors) throw err;
        await rulesPage(req, res, { values, errors }, (err as AppError).status);
      }
    }),
    route('post', '/settings/product-rules/:id/delete', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      await service.removeProductRule(db, clock, auth.merchant.id, auth.user.id, String(req.params.id));
      setFlash(req, 'ok', 'Rule removed. Sales recorded from now on earn without it.');
      res.redirect(303, '/settings/product-rules');
    }),

    route('get', '/settings/promotion-codes', 'member', (req, res) => codesPage(req, res)),
    route('post', '/settings/promotion-codes', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const values = textFields(req.body, ['promotionCodeId', 'code', 'partner'] as const);
      const parsed = PromotionCodeForm.safeParse(values);
      if (!parsed.success) return codesPage(req, res, { values, errors: fieldErrors(parsed.error) }, 400);
      try {
        const partner = await service.mapPromotionCode(db, clock, auth.merchant.id, auth.user.id, parsed.data);
        setFlash(req, 'ok', `${parsed.data.code ?? parsed.data.promotionCodeId} now credits ${partner.name}.`);
        res.redirect(303, '/settings/promotion-codes');
      } catch (err) {
        const errors = fieldConflict(err);
        if (!errors) throw err;
        await codesPage(req, res, { values, errors }, (err as AppError).status);
      }
    }),
    route('post', '/settings/promotion-codes/:id/delete', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      await service.unmapPromotionCode(db, clock, auth.merchant.id, auth.user.id, String(req.params.id));
      setFlash(req, 'ok', 'Promotion code mapping removed.');
      res.redirect(303, '/settings/promotion-codes');
    }),

    route('get', '/settings/import-referrals', 'editor', (req, res) => importPage(req, res, {})),
    route('post', '/settings/import-referrals', 'editor', receiveFile, async (req, res) => {
      const auth = merchantAuth(res);
      const opts = ImportOptions.safeParse({ mode: req.body?.mode });
      if (!opts.success) return importPage(req, res, { error: 'Choose the live or test ledger.' }, 400);
      if (!req.file || req.file.size === 0) return importPage(req, res, { error: 'Choose a CSV file to import.', mode: opts.data.mode }, 400);
      try {
        const result = await importBindingsCsv(db, clock, auth.merchant.id, req.file.buffer, { mode: opts.data.mode, actor: auth.user.id });
        await importPage(req, res, { result, mode: opts.data.mode });
      } catch (err) {
        if (err instanceof AppError && err.status === 400) return importPage(req, res, { error: err.message, mode: opts.data.mode }, 400);
        throw err;
      }
    }),

    route('post', '/stripe/backfill', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const conn = await findActiveConnection(db, auth.merchant.id);
      if (!conn) throw new AppError(409, 'stripe_not_connected', 'Connect Stripe first: the backfill reads the connected account’s subscriptions.');
      const queued = await queueBackfill(db, clock, { merchantId: auth.merchant.id, accountId: conn.accountId, livemode: conn.livemode, requestedBy: auth.user.id });
      if (queued) ctx.jobs.kick(BACKFILL_JOB);
      setFlash(req, 'ok', queued ? 'Backfill started: refresh this page to see its counts.' : 'A backfill is already running.');
      res.redirect(303, '/stripe#backfill');
    }),
  ];
}
