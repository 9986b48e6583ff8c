// Import customer→partner bindings (and the partners they name) from another tool's CSV export.
// Every row either binds its customer, finds it already bound (left as it is: importing the same file
// twice changes nothing), only brings a partner, or fails with a reason the merchant can fix. Bindings
// bind future payments only; sales already listed as unattributed stay there for manual assignment.
import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import type { DB } from '../../db';
import type { Partner } from '../../db/tables/partners';
import type { Clock } from '../lib/clock';
import { AppError } from '../http/errors';
import { audit } from '../audit';
import { bindCustomer } from './bindings';
import { createPartner } from '../partners/service';
import { CODE_PATTERN } from '../partners/codes';
import { findPartner, findPartnerByCodeOrId, findPartnerByEmail } from '../partners/store';
import { checkRow, detectFormat, hasCustomerColumn, type ImportFormat, type ImportRow } from './import-formats';

export const MAX_IMPORT_ROWS = 5000;

export interface ImportReport {
  format: ImportFormat;
  mode: 'live' | 'test';
  /** Customers bound by this import. */
  bound: number;
  /** Customers that already had a binding: left unchanged. */
  alreadyBound: number;
  partnersCreated: number;
  failed: { line: number; label: string; reason: string }[];
  /** Informational: rows whose customer is bound to a different partner than the file says. */
  notes: { line: number; label: string; note: string }[];
}

function readRecords(csv: string): { headers: string[]; records: { line: number; record: Record<string, string> }[] } {
  try {
    let headers: string[] = [];
    const parsed = parseCsv(csv, {
      columns: (h: string[]) => (headers = h.map((x) => x.trim())),
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }) as { record: Record<string, string>; info: { lines: number } }[];
    return { headers, records: parsed.map((p) => ({ line: p.info.lines, record: p.record })) };
  } catch (err) {
    if (err instanceof CsvError) throw new AppError(400, 'invalid_request', `The file is not valid CSV: ${err.message}`, 'file');
    throw err;
  }
}

/** The partner a row names, created from the row's name and email when the export carries them. */
async function partnerFor(db: DB, clock: Clock, merchantId: string, actor: string, row: ImportRow, format: ImportFormat): Promise<{ partner?: Partner; created?: boolean; reason?: string }> {
  const p = row.partner;
  const found = (p.email ? await findPartnerByEmail(db, merchantId, p.email) : undefined) ?? (p.code ? await findPartnerByCodeOrId(db, merchantId, p.code) : undefined);
  if (found) return { partner: found };
  const named = p.email ? `the email ${p.email}` : `the code ${p.code}`;
  if (format === 'generic' || !p.email || !p.name) {
    return { reason: `No partner with ${named} in this program${format === 'generic' ? '' : ', and the row has no first and last name to create one'}.` };
  }
  const code = p.code && CODE_PATTERN.test(p.code) ? p.code : undefined;
  const attempt = (withCode: string | undefined) =>
    createPartner(db, clock, merchantId, { name: p.name!.slice(0, 100), email: p.email!, code: withCode, status: 'active', payoutEmail: p.payoutEmail }, actor);
  try {
    return { partner: await attempt(code), created: true };
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    // The old tool's token is taken here by another partner: keep the partner, with a fresh code.
    if (err.code === 'code_taken' && code) return { partner: await attempt(undefined), created: true };
    return { reason: `Could not create the partner ${p.email}: ${err.message}` };
  }
}

export async function importBindingsCsv(db: DB, clock: Clock, merchantId: string, csv: string | Buffer, opts: { mode: 'live' | 'test'; actor: string }): Promise<ImportReport> {
  const { headers, records } = readRecords(typeof csv === 'string' ? csv : csv.toString('utf8'));
  if (records.length === 0) throw new AppError(400, 'invalid_request', 'The file has no rows: the first line must be a header, each following line one customer.', 'file');
  if (records.length > MAX_IMPORT_ROWS) throw new AppError(400, 'invalid_request', `At most ${MAX_IMPORT_ROWS} rows per file; split it and import each part.`, 'file');
  const format = detectFormat(headers);
  if (!format) {
    throw new AppError(400, 'invalid_request', 'The header matches no known format: use customer_id with partner_email or partner_code, a Rewardful export (stripe_customer_id, first_name, last_name, email) or a FirstPromoter export (uid, promoter_email).', 'file');
  }
  const withCustomer = hasCustomerColumn(format, headers);
  const livemode = opts.mode === 'live' ? 1 : 0;
  const report: ImportReport = { format, mode: opts.mode, bound: 0, alreadyBound: 0, partnersCreated: 0, failed: [], notes: [] };
  const now = clock.now();

  for (const { line, record } of records) {
    const checked = checkRow(format, line, record, withCustomer, now);
    if (!checked.ok) {
      report.failed.push({ line: checked.line, label: checked.label, reason: checked.reason });
      continue;
    }
    const row = checked.row;
    const label = row.customer?.stripeCustomerId ?? row.customer?.externalCustomerId ?? row.partner.email ?? row.partner.code ?? '';
    const { partner, created, reason } = await partnerFor(db, clock, merchantId, opts.actor, row, format);
    if (!partner) {
      report.failed.push({ line, label, reason: reason! });
      continue;
    }
    if (created) report.partnersCreated += 1;
    if (!row.customer) continue;
    const { binding, created: bound } = await bindCustomer(db, clock, {
      merchantId,
      livemode,
      customerKey: row.customer.customerKey,
      stripeCustomerId: row.customer.stripeCustomerId,
      externalCustomerId: row.customer.externalCustomerId,
      customerEmail: row.customerEmail,
      partnerId: partner.id,
      referralValue: row.partner.code ?? row.partner.email,
      foundIn: `import:${format}`,
      source: 'import',
      createdAt: row.createdAt ?? undefined,
    });
    if (bound) report.bound += 1;
    else {
      report.alreadyBound += 1;
      if (binding.partnerId !== partner.id) {
        const holder = await findPartner(db, merchantId, binding.partnerId);
        report.notes.push({ line, label, note: `Already bound to ${holder?.name ?? 'another partner'}; left unchanged (re-bind it from the customer’s commission if that is wrong).` });
      }
    }
  }
  await audit(db, {
    merchantId,
    actor: opts.actor,
    action: 'referrals.imported',
    subjectType: 'program',
    subjectId: merchantId,
    after: { format, mode: opts.mode, bound: report.bound, alreadyBound: report.alreadyBound, partnersCreated: report.partnersCreated, failed: report.failed.length },
    at: clock.now(),
  });
  return report;
}
