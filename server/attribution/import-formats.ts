// The CSV formats a merchant can bring customer→partner bindings (and partners) in, recognised by their
// header. Pure: turns header names and cells into checked rows or a reason the row cannot be used.
//
// - generic:       customer_id (Stripe cus_… or your own customer id), partner_email or partner_code, created_at?
// - rewardful:     Rewardful's documented migration format, one referred customer per row:
//                  stripe_customer_id, first_name, last_name, email (the affiliate's), paypal_email?, wise_email?,
//                  token? (the ?via= token). Its affiliates-only variant has no stripe_customer_id column.
// - firstpromoter: FirstPromoter's referral fields (uid, email, created_at, customer_since, state) with the
//                  promoter's email and ref_id. FirstPromoter does not publish the export's exact header, so
//                  common spellings are accepted (see docs/ledger.md).
// Headers are matched case-insensitively, with spaces, hyphens and punctuation read as `_`.

export type ImportFormat = 'generic' | 'rewardful' | 'firstpromoter';

type Column = 'customer' | 'customerEmail' | 'partnerEmail' | 'partnerCode' | 'firstName' | 'lastName' | 'payoutEmail' | 'createdAt' | 'customerSince';

const COLUMNS: Record<ImportFormat, Record<string, Column>> = {
  generic: { customer_id: 'customer', partner_email: 'partnerEmail', partner_code: 'partnerCode', created_at: 'createdAt' },
  rewardful: {
    stripe_customer_id: 'customer',
    imported_id: 'customer',
    email: 'partnerEmail',
    affiliate_email: 'partnerEmail',
    first_name: 'firstName',
    affiliate_first_name: 'firstName',
    last_name: 'lastName',
    affiliate_last_name: 'lastName',
    paypal_email: 'payoutEmail',
    affiliate_paypal_email: 'payoutEmail',
    token: 'partnerCode',
    ref_id: 'partnerCode',
  },
  firstpromoter: {
    uid: 'customer',
    customer_id: 'customer',
    email: 'customerEmail',
    promoter_email: 'partnerEmail',
    ref_id: 'partnerCode',
    referral_id: 'partnerCode',
    promoter_ref_id: 'partnerCode',
    promoter_first_name: 'firstName',
    promoter_last_name: 'lastName',
    created_at: 'createdAt',
    customer_since: 'customerSince',
  },
};

export const normalizeHeader = (h: string): string =>
  h
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

/** Which format a header names, checked from the most specific; undefined when none fits. */
export function detectFormat(headers: string[]): ImportFormat | undefined {
  const h = new Set(headers.map(normalizeHeader));
  if (h.has('customer_id') && (h.has('partner_email') || h.has('partner_code'))) return 'generic';
  if (h.has('uid') || h.has('promoter_email')) return 'firstpromoter';
  if (h.has('stripe_customer_id') || h.has('imported_id') || h.has('affiliate_email') || (h.has('email') && h.has('first_name') && h.has('last_name'))) return 'rewardful';
  return undefined;
}

/** Does a file of this format say which customer each row is about (else it only brings partners)? */
export function hasCustomerColumn(format: ImportFormat, headers: string[]): boolean {
  return headers.map(normalizeHeader).some((k) => COLUMNS[format][k] === 'customer');
}

export interface CustomerRef {
  customerKey: string;
  stripeCustomerId: string | null;
  externalCustomerId: string | null;
}

export interface ImportRow {
  line: number;
  /** Null for a partners-only file. */
  customer: CustomerRef | null;
  customerEmail: string | null;
  partner: { email: string | null; code: string | null; name: string | null; payoutEmail: string | null };
  createdAt: string | null;
}

export type RowCheck = { ok: true; row: ImportRow } | { ok: false; line: number; label: string; reason: string };

const STRIPE_CUSTOMER = /^cus_[A-Za-z0-9]{1,250}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function customerRef(value: string, format: ImportFormat): CustomerRef | string {
  if (value === '') return 'No customer id on this row.';
  if (value.startsWith('cus_')) {
    if (!STRIPE_CUSTOMER.test(value)) return `“${value}” is not a Stripe customer id.`;
    return { customerKey: `stripe:${value}`, stripeCustomerId: value, externalCustomerId: null };
  }
  if (format === 'rewardful') return `“${value}” is not a Stripe customer id (cus_…).`;
  if (value.length > 200 || /[\u0000-\u001f]/.test(value)) return 'The customer id is longer than 200 characters or has control characters.';
  return { customerKey: `ext:${value}`, stripeCustomerId: null, externalCustomerId: value };
}

/** "2025-01-31" or an ISO time → ISO UTC; not after `now`. */
function parseWhen(value: string, now: Date): string | null | { error: string } {
  if (value === '') return null;
  const d = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? new Date(value.length === 10 ? `${value}T00:00:00Z` : value.replace(' ', 'T')) : null;
  if (!d || Number.isNaN(d.getTime())) return { error: `“${value}” is not a date: use 2025-01-31 or an ISO 8601 time.` };
  if (d.getTime() > now.getTime()) return { error: `${value} is in the future.` };
  return d.toISOString();
}

/** One record (cells keyed by the file's own header) → a checked row, or why it cannot be imported. */
export function checkRow(format: ImportFormat, line: number, record: Record<string, string>, withCustomer: boolean, now: Date): RowCheck {
  const cells: Partial<Record<Column, string>> = {};
  for (const [header, value] of Object.entries(record)) {
    const col = COLUMNS[format][normalizeHeader(header)];
    if (col && cells[col] === undefined) cells[col] = (value ?? '').trim();
  }
  const label = cells.customer || cells.partnerEmail || cells.partnerCode || '';
  const fail = (reason: string): RowCheck => ({ ok: false, line, label, reason });

  let customer: CustomerRef | null = null;
  if (withCustomer) {
    const ref = customerRef(cells.customer ?? '', format);
    if (typeof ref === 'string') return fail(ref);
    customer = ref;
  }
  const email = (cells.partnerEmail ?? '').toLowerCase();
  const code = (cells.partnerCode ?? '').toLowerCase();
  if (email === '' && code === '') return fail(format === 'generic' ? 'No partner_email or partner_code on this row.' : 'No partner email or code on this row.');
  if (email !== '' && !EMAIL.test(email)) return fail(`“${cells.partnerEmail}” is not an email address.`);
  const payoutEmail = (cells.payoutEmail ?? '').toLowerCase();
  const when = parseWhen(cells.createdAt || cells.customerSince || '', now);
  if (when && typeof when === 'object') return fail(when.error);
  const name = [cells.firstName ?? '', cells.lastName ?? ''].join(' ').trim();
  return {
    ok: true,
    row: {
      line,
      customer,
      customerEmail: (cells.customerEmail ?? '').toLowerCase() || null,
      partner: { email: email || null, code: code || null, name: name || null, payoutEmail: payoutEmail && EMAIL.test(payoutEmail) && payoutEmail !== email ? payoutEmail : null },
      createdAt: when,
    },
  };
}
