// Merchant pages for partners and their links. The public side (redirect, snippet, click endpoint) is in
// server/tracking; applications and the public apply page are in ./application-routes.
import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import type { AppContext } from '../deps';
import { route, type RouteDef } from '../http/routes';
import { merchantAuth } from '../http/auth';
import { pageContext, setFlash } from '../http/page-context';
import { AppError } from '../http/errors';
import { render } from '../../web/views/render';
import { PartnersListPage } from '../../web/views/pages/partners';
import { PartnerFormPage, EMPTY_PARTNER_FORM, type PartnerFormValues } from '../../web/views/pages/partners-form';
import { PartnerDetailPage } from '../../web/views/pages/partners-detail';
import { PartnersImportPage } from '../../web/views/pages/partners-import';
import { getSettings } from '../accounts/store';
import { bpsToPercent } from '../accounts/settings-schema';
import { toMajorString } from '../lib/money';
import type { Partner } from '../../db/tables/partners';
import { PartnerListQuery, parsePartnerForm, StatusChange } from './schema';
import * as service from './service';
import { importPartnersCsv, MAX_IMPORT_ROWS } from './csv-import';
import { applicationRoutes } from './application-routes';
import { trackingRoutes } from '../tracking/routes';

const MAX_IMPORT_KB = 1024;

const formValues = (body: unknown): PartnerFormValues => {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.keys(EMPTY_PARTNER_FORM).map((k) => [k, typeof b[k] === 'string' ? (b[k] as string) : ''])) as unknown as PartnerFormValues;
};

function partnerToForm(p: Partner, currency: string): PartnerFormValues {
  const value = p.commissionOverrideValue;
  return {
    name: p.name,
    email: p.email,
    code: p.code,
    status: p.status,
    overrideType: p.commissionOverrideType ?? '',
    overrideValue: value === null ? '' : p.commissionOverrideType === 'percent' ? bpsToPercent(value) : toMajorString(value, currency),
    payoutEmail: p.payoutEmail ?? '',
  };
}

/** A conflict on a form field (duplicate email or code) is shown next to that field, not as an error page. */
const fieldConflict = (err: unknown): Record<string, string> | undefined =>
  err instanceof AppError && err.status < 500 && err.status !== 404 ? { [err.param ?? '_form']: err.message } : undefined;

export function partnerRoutes(ctx: AppContext): RouteDef[] {
  const db = ctx.db.kysely;
  const { clock, config } = ctx;

  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_IMPORT_KB * 1024, files: 1, fields: 5, parts: 6 } }).single('file');
  const importPage = (req: Request, res: Response, extra: { error?: string; result?: Awaited<ReturnType<typeof importPartnersCsv>> }, status = 200) =>
    render(res, PartnersImportPage({ ctx: pageContext(req, res), maxRows: MAX_IMPORT_ROWS, maxKb: MAX_IMPORT_KB, ...extra }), status);
  const receiveFile: RequestHandler = (req, res, next) =>
    upload(req, res, (err: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError) {
        return importPage(req, res, { error: err.code === 'LIMIT_FILE_SIZE' ? `The file is larger than ${MAX_IMPORT_KB} KB: split it and import each part.` : 'Upload one CSV file in the "file" field.' }, err.code === 'LIMIT_FILE_SIZE' ? 413 : 400);
      }
      next(err);
    });

  const detailPage = async (req: Request, res: Response, extra: { linkValues?: Record<string, string>; linkErrors?: Record<string, string> } = {}, status = 200) => {
    const auth = merchantAuth(res);
    const detail = await service.partnerOverview(db, clock, auth.merchant.id, String(req.params.id));
    render(res, PartnerDetailPage({ ctx: pageContext(req, res), detail, canEdit: auth.role !== 'read_only', publicUrl: config.publicUrl, ...extra }), status);
  };

  return [
    route('get', '/partners', 'member', async (req, res) => {
      const auth = merchantAuth(res);
      const q = PartnerListQuery.parse({ search: req.query.search ?? '', status: req.query.status || undefined, page: req.query.page ?? 1, limit: 25 });
      const list = await service.listPartners(db, auth.merchant.id, q);
      render(res, PartnersListPage({ ctx: pageContext(req, res), list, search: q.search, status: q.status, canEdit: auth.role !== 'read_only' }));
    }),

    route('get', '/partners/new', 'editor', async (req, res) => {
      const { currency } = await getSettings(db, merchantAuth(res).merchant.id);
      render(res, PartnerFormPage({ ctx: pageContext(req, res), mode: 'create', values: EMPTY_PARTNER_FORM, currency }));
    }),
    route('post', '/partners', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const { currency } = await getSettings(db, auth.merchant.id);
      const values = formValues(req.body);
      const parsed = parsePartnerForm(req.body, currency);
      if (!parsed.ok) return render(res, PartnerFormPage({ ctx: pageContext(req, res), mode: 'create', values, errors: parsed.errors, currency }), 400);
      try {
        const partner = await service.createPartner(db, clock, auth.merchant.id, parsed.data, auth.user.id);
        setFlash(req, 'ok', `${partner.name} added with code ${partner.code}.`);
        res.redirect(303, `/partners/${partner.id}`);
      } catch (err) {
        const errors = fieldConflict(err);
        if (!errors) throw err;
        render(res, PartnerFormPage({ ctx: pageContext(req, res), mode: 'create', values, errors, currency }), (err as AppError).status);
      }
    }),

    route('get', '/partners/import', 'editor', (req, res) => importPage(req, res, {})),
    route('post', '/partners/import', 'editor', receiveFile, async (req, res) => {
      const auth = merchantAuth(res);
      if (!req.file || req.file.size === 0) return importPage(req, res, { error: 'Choose a CSV file to import.' }, 400);
      try {
        const result = await importPartnersCsv(db, clock, auth.merchant.id, req.file.buffer, auth.user.id);
        importPage(req, res, { result });
      } catch (err) {
        if (err instanceof AppError && err.status === 400) return importPage(req, res, { error: err.message }, 400);
        throw err;
      }
    }),

    route('get', '/partners/:id', 'member', (req, res) => detailPage(req, res)),
    route('get', '/partners/:id/edit', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const [partner, { currency }] = await Promise.all([service.getPartner(db, auth.merchant.id, String(req.params.id)), getSettings(db, auth.merchant.id)]);
      render(res, PartnerFormPage({ ctx: pageContext(req, res), mode: 'edit', partnerId: partner.id, values: partnerToForm(partner, currency), currency }));
    }),
    route('post', '/partners/:id', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const id = String(req.params.id);
      const [partner, { currency }] = await Promise.all([service.getPartner(db, auth.merchant.id, id), getSettings(db, auth.merchant.id)]);
      const values = formValues(req.body);
      const parsed = parsePartnerForm(req.body, currency);
      if (!parsed.ok) return render(res, PartnerFormPage({ ctx: pageContext(req, res), mode: 'edit', partnerId: id, values, errors: parsed.errors, currency }), 400);
      const { status: _ignored, ...patch } = parsed.data;
      try {
        await service.updatePartner(db, clock, auth.merchant.id, partner.id, { ...patch, code: patch.code ?? partner.code }, auth.user.id);
      } catch (err) {
        const errors = fieldConflict(err);
        if (!errors) throw err;
        return render(res, PartnerFormPage({ ctx: pageContext(req, res), mode: 'edit', partnerId: id, values, errors, currency }), (err as AppError).status);
      }
      setFlash(req, 'ok', 'Partner saved.');
      res.redirect(303, `/partners/${id}`);
    }),
    route('post', '/partners/:id/status', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const parsed = StatusChange.safeParse(req.body);
      if (!parsed.success) throw new AppError(400, 'invalid_request', 'Choose active, paused or banned.', 'status');
      const p = await service.setPartnerStatus(db, clock, auth.merchant.id, String(req.params.id), parsed.data, auth.user.id);
      setFlash(req, 'ok', `${p.name} is now ${p.status}.`);
      res.redirect(303, `/partners/${p.id}`);
    }),

    route('post', '/partners/:id/links', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const id = String(req.params.id);
      const linkValues = Object.fromEntries(['destinationUrl', 'campaign', 'slug'].map((k) => [k, String(req.body?.[k] ?? '')]));
      try {
        const link = await service.createLink(db, clock, auth.merchant.id, id, linkValues, auth.user.id);
        setFlash(req, 'ok', `Link ${config.publicUrl}/r/${link.slug} created.`);
        res.redirect(303, `/partners/${id}`);
      } catch (err) {
        const linkErrors = fieldConflict(err);
        if (!linkErrors) throw err;
        await detailPage(req, res, { linkValues, linkErrors }, (err as AppError).status);
      }
    }),
    route('post', '/partners/:id/links/:linkId/disable', 'editor', async (req, res) => {
      const auth = merchantAuth(res);
      const id = String(req.params.id);
      await service.disableLink(db, clock, auth.merchant.id, id, String(req.params.linkId), auth.user.id);
      setFlash(req, 'ok', 'Link disabled: it now answers "not active" and records no clicks.');
      res.redirect(303, `/partners/${id}`);
    }),

    ...applicationRoutes(ctx),
    ...trackingRoutes(ctx),
  ];
}
