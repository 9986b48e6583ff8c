// Import partners from CSV: every row either creates a partner, is skipped because the email already is
// one (so importing the same file twice changes nothing), or fails with a reason the merchant can fix.
import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import { AppError } from '../http/errors';
import { audit } from '../audit';
import { getSettings } from '../accounts/store';
import { CODE_PATTERN, CODE_RULE } from './codes';
import { parseOverride, PartnerInput, PARTNER_STATUSES } from './schema';
import { createPartner } from './service';

export const MAX_IMPORT_ROWS = 5000;

export interface ImportFailure {
  /** Line in the file (the header is line 1). */
  line: number;
  email: string;
  reason: string;
}

export interface ImportResult {
  created: number;
  /** Rows whose email already belongs to a partner: left as they are. */
  existing: number;
  failed: ImportFailure[];
}

const HEADER_ALIASES: Record<string, string> = { payout_email: 'payoutEmail', payoutemail: 'payoutEmail', commission_override: 'override', commission: 'override' };
const normalizeHeader = (h: string) => {
  const k = h.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return HEADER_ALIASES[k] ?? k;
};

/** Override cell: "25%" is a percentage, "10.00" a flat amount in the program currency, empty is none. */
export function parseOverrideCell(cell: string, currency: string) {
  const v = cell.trim();
  if (v === '') return parseOverride('', '', currency);
  return v.endsWith('%') ? parseOverride('percent', v.slice(0, -1), currency) : parseOverride('flat', v, currency);
}

function readRows(csv: string): { line: number; row: Record<string, string> }[] {
  try {
    const records = parseCsv(csv, { columns: (header: string[]) => header.map(normalizeHeader), bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true }) as {
      record: Record<string, string>;
      info: { lines: number };
    }[];
    return records.map((r) => ({ line: r.info.lines, row: r.record }));
  } catch (err) {
    if (err instanceof CsvError) throw new AppError(400, 'invalid_request', `The file is not valid CSV: ${err.message}`, 'file');
    throw err;
  }
}

export async function importPartnersCsv(db: DB, clock: Clock, merchantId: string, csv: string | Buffer, actor = 'system'): Promise<ImportResult> {
  const rows = readRows(typeof csv === 'string' ? csv : csv.toString('utf8'));
  if (rows.length === 0) throw new AppError(400, 'invalid_request', 'The file has no rows. The first line must be a header: name,email,code,status,override.', 'file');
  const columns = Object.keys(rows[0]!.row);
  if (!columns.includes('email') || !columns.includes('name')) throw new AppError(400, 'invalid_request', 'The header must name at least the columns name and email.', 'file');
  if (rows.length > MAX_IMPORT_ROWS) throw new AppError(400, 'invalid_request', `At most ${MAX_IMPORT_ROWS} rows per file; split it and import each part.`, 'file');

  const { currency } = await getSettings(db, merchantId);
  const result: ImportResult = { created: 0, existing: 0, failed: [] };
  const seen = new Map<string, number>();
  for (const { line, row } of rows) {
    const email = (row.email ?? '').trim().toLowerCase();
    const fail = (reason: string) => result.failed.push({ line, email, reason });
    const status = (row.status ?? '').trim().toLowerCase() || 'active';
    if (!(PARTNER_STATUSES as readonly string[]).includes(status)) {
      fail(`Unknown status "${row.status}": use active, pending, paused or banned.`);
      continue;
    }
    const code = (row.code ?? '').trim().toLowerCase();
    if (code !== '' && !CODE_PATTERN.test(code)) {
      fail(`Code "${row.code}": ${CODE_RULE}`);
      continue;
    }
    const override = parseOverrideCell(row.override ?? '', currency);
    if (!override.ok) {
      fail(`Override "${row.override}": ${override.message}`);
      continue;
    }
    const input = { name: row.name ?? '', email, code: code || undefined, status: status as (typeof PARTNER_STATUSES)[number], commissionOverride: override.value, payoutEmail: (row.payoutEmail ?? '').trim() || null };
    const checked = PartnerInput.safeParse(input);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      fail(`${issue?.path.join('.') || 'row'}: ${issue?.message ?? 'invalid'}`);
      continue;
    }
    const earlier = seen.get(checked.data.email);
    if (earlier !== undefined) {
      fail(`This email is also on line ${earlier} of this file.`);
      continue;
    }
    seen.set(checked.data.email, line);
    try {
      await createPartner(db, clock, merchantId, input, actor);
      result.created += 1;
    } catch (err) {
      if (err instanceof AppError && err.code === 'email_taken') result.existing += 1;
      else if (err instanceof AppError && err.status < 500) fail(err.message);
      else throw err;
    }
  }
  await audit(db, { merchantId, actor, action: 'partners.imported', subjectType: 'program', subjectId: merchantId, after: { created: result.created, existing: result.existing, failed: result.failed.length }, at: clock.now() });
  return result;
}
