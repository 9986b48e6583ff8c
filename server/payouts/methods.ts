// How money reaches partners. A run creates payouts in `processing`; the method then moves the money.
// `manual_csv` (the only method today) leaves that to the merchant: they download a CSV (PayPal
// Payouts or generic), send the money with their bank or PayPal, and mark each payout paid or failed.
//
// The seam for paying through Stripe Connect transfers to partners' own connected accounts (out of scope
// for now): a method whose `dispatch` creates one transfer per payout after the run has committed (I/O
// never happens inside the run's transaction), keyed by the payout id as Stripe idempotency key, and
// settles each payout with `markPaid`/`markFailed` from the transfer's outcome.
import type { PayoutMethodId } from '../../db/tables/payouts';
import type { Payout } from './store';

export type ExportFormat = 'paypal' | 'generic';

export interface DispatchOutcome {
  payoutId: string;
  /** `awaiting_merchant`: the merchant sends the money and marks the payout; `sent`: the method did. */
  state: 'awaiting_merchant' | 'sent';
  externalReference?: string;
}

export interface PayoutMethod {
  id: PayoutMethodId;
  label: string;
  /** The CSV files offered for payouts of this method. */
  exports: ExportFormat[];
  /** Called once a run has committed, with the payouts it created. */
  dispatch(payouts: Payout[]): Promise<DispatchOutcome[]>;
}

export const manualCsv: PayoutMethod = {
  id: 'manual_csv',
  label: 'Manual (CSV export, marked paid by you)',
  exports: ['paypal', 'generic'],
  dispatch: async (payouts) => payouts.map((p) => ({ payoutId: p.id, state: 'awaiting_merchant' })),
};

export const payoutMethods: Record<PayoutMethodId, PayoutMethod> = { manual_csv: manualCsv };

export function payoutMethod(id: PayoutMethodId): PayoutMethod {
  return payoutMethods[id];
}
