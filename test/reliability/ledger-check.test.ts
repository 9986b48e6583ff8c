// The ledger invariant checker: green on a busy, healthy ledger (sales, renewals, refunds, a lost dispute,
// API and manual credits, a paid payout, two merchants), and red, naming the invariant, after each kind of
// corruption it exists to catch.
import { build } from '../fake-stripe';
import { signUpMerchant } from '../helpers/app';
import { connectStripe } from '../helpers/stripe';
import { buildPartner } from '../helpers/partners';
import { createApiKey } from '../helpers/api';
import { client } from '../helpers/api-program';
import { DAY, payoutWorld, type PayoutWorld } from '../helpers/payouts';
import { expectLedgerConsistent } from '../helpers/reliability';
import { checkLedger, formatReport } from '../../server/reliability/ledger-check';
import type { Invariant } from '../../server/reliability/invariants';
import type { Partner } from '../../db/tables/partners';

const ev = build.event;
let w: PayoutWorld;
let other: { merchantId: string; partner: Partner };

/** A healthy, busy ledger in two merchants: every kind of row the checker reasons about. */
async function busyLedger(): Promise<void> {
  w = await payoutWorld();
  await w.setProgram({ minPayout: 100 });
  const db = w.t.db.kysely;
  const bob = await w.partner('Bob');
  // One-off sales: one refunded in part, one lost to a dispute.
  const refunded = await w.sell(3000);
  const pi = refunded.paymentIntentId;
  const charge = build.charge({ amount: 3000, payment_intent: pi });
  w.t.fake.put(w.account, build.paymentIntent({ id: pi, amount: 3000 }), charge, build.refund({ charge: charge.id, payment_intent: pi, amount: 1000 }));
  await w.send(ev('charge.refunded', { ...charge, amount_refunded: 1000 }, { account: w.account }));
  const disputed = await w.sell(4000, { partner: bob });
  const dispute = build.dispute({ payment_intent: disputed.paymentIntentId, amount: 4000 });
  await w.send(ev('charge.dispute.created', dispute, { account: w.account }), ev('charge.dispute.closed', { ...dispute, status: 'lost' }, { account: w.account }));
  // A subscription: the session binds, two invoices earn.
  const customer = build.customer();
  const sub = build.subscription({ customer: customer.id });
  await w.send(ev('checkout.session.completed', build.checkoutSession({ mode: 'subscription', customer: customer.id, subscription: sub.id, payment_intent: null, client_reference_id: bob.code }), { account: w.account }));
  for (const reason of ['subscription_create', 'subscription_cycle'] as const) await w.send(ev('invoice.paid', build.invoice({ customer: customer.id, subscription: sub.id, billing_reason: reason }), { account: w.account }));
  // An unattributed sale assigned by hand, and a sale reported through the API.
  const anonymous = build.checkoutSession({ amount_total: 2000 });
  w.t.fake.put(w.account, build.paymentIntent({ id: anonymous.payment_intent as string, amount: 2000 }));
  await w.send(ev('checkout.session.completed', anonymous, { account: w.account }));
  const unattributed = await db.selectFrom('conversions').select('id').where('partnerId', 'is', null).executeTakeFirstOrThrow();
  expect((await w.m.browser.submit(`/conversions/${unattributed.id}/assign`, { partner: 'jane' }, '/unattributed')).status).toBe(303);
  const api = client(w.t, await createApiKey(w.m, { mode: 'test' }));
  expect((await api.post('/api/v1/track/sale', { customerExternalId: 'user_1', amount: 10_000, clickId: 'jane', invoiceId: 'ord_1' })).status).toBe(200);
  // Past the holding period: a payout run, one payout marked paid.
  w.t.clock.advance(31 * DAY);
  const payouts = await w.run();
  expect(payouts.length).toBeGreaterThan(0);
  await w.markPaid(payouts[0]!);
  // A second merchant with its own partner and sale.
  const m2 = await signUpMerchant(w.t);
  const account2 = await connectStripe(w.t, m2);
  const partner = await buildPartner(db, m2.merchantId, { code: 'zed' });
  await w.send(ev('checkout.session.completed', build.checkoutSession({ client_reference_id: 'zed' }), { account: account2 }));
  other = { merchantId: m2.merchantId, partner };
}

beforeEach(busyLedger);
afterEach(() => w.close());

const now = () => w.t.clock.now();
const credits = () => w.t.db.kysely.selectFrom('commissions').selectAll().where('merchantId', '=', w.m.merchantId).where('kind', '=', 'credit').orderBy('createdAt').orderBy('id').execute();

/** The checker goes red on exactly this invariant (and names it in the report). */
async function expectRed(invariant: Invariant) {
  const report = await checkLedger(w.t.db.kysely, { now: now() });
  expect(report.ok).toBe(false);
  expect(Object.entries(report.counts).filter(([, n]) => n > 0).map(([k]) => k)).toContain(invariant);
  expect(formatReport(report)).toContain(`✗ ${invariant}`);
  return report;
}

describe('the ledger checker on a healthy ledger', () => {
  it('is green, having looked at every merchant, row and event', async () => {
    const report = await expectLedgerConsistent(w.t.db, { now: now() });
    expect(report.totals.merchants).toBe(2);
    expect(report.totals.ledgerRows).toBeGreaterThanOrEqual(9);
    expect(report.totals.events).toBeGreaterThanOrEqual(9);
    expect(await w.t.db.kysely.selectFrom('commissions').select('causeType').distinct().orderBy('causeType').execute()).toEqual([{ causeType: 'api' }, { causeType: 'manual' }, { causeType: 'stripe_event' }]);
    expect(await w.t.db.kysely.selectFrom('payouts').select('status').where('status', '=', 'paid').execute()).toHaveLength(1);
  });
});

describe('each invariant can fail', () => {
  it('catches a commission credited twice for one sale', async () => {
    const [credit] = await credits();
    await w.t.db.kysely.insertInto('commissions').values({ ...credit!, id: 'com_double', ledgerKey: `${credit!.ledgerKey}:again`, payoutId: null, status: 'pending' }).execute();
    const report = await expectRed('double_credit');
    expect(report.violations.find((v) => v.invariant === 'double_credit')).toMatchObject({ merchantId: w.m.merchantId, subject: credit!.conversionId });
  });

  it('catches one Stripe invoice recorded as two sales, each credited', async () => {
    const invoiceSale = await w.t.db.kysely.selectFrom('conversions').selectAll().where('kind', '=', 'invoice').executeTakeFirstOrThrow();
    const credit = await w.t.db.kysely.selectFrom('commissions').selectAll().where('conversionId', '=', invoiceSale.id).executeTakeFirstOrThrow();
    await w.t.db.kysely.insertInto('conversions').values({ ...invoiceSale, id: 'cnv_copy', sourceKey: `in:${invoiceSale.invoiceId}:copy` }).execute();
    await w.t.db.kysely.insertInto('commissions').values({ ...credit, id: 'com_copy', conversionId: 'cnv_copy', ledgerKey: 'credit:cnv_copy', payoutId: null, status: 'pending' }).execute();
    const report = await expectRed('double_credit');
    expect(report.violations.map((v) => v.detail)).toContain(`Stripe invoice ${invoiceSale.invoiceId} is credited 2 times`);
  });

  it('catches a reversal larger than the commission it reverses', async () => {
    const [credit] = await credits();
    await w.t.db.kysely
      .insertInto('commissions')
      .values({ ...credit!, id: 'com_big_reversal', kind: 'reversal', reversesId: credit!.id, ledgerKey: 'refund:re_huge', amount: -(credit!.amount + 1), fee: 0, net: -(credit!.amount + 1), payoutId: null, status: 'approved', stripeObjectId: 're_huge' })
      .execute();
    const report = await expectRed('reversal_exceeds_original');
    expect(report.violations.find((v) => v.invariant === 'reversal_exceeds_original')?.subject).toBe(credit!.id);
  });

  it('catches a row of one merchant credited to a partner of another merchant', async () => {
    const [credit] = await credits();
    await w.t.db.kysely.updateTable('commissions').set({ partnerId: other.partner.id }).where('id', '=', credit!.id).execute();
    const report = await expectRed('cross_merchant');
    expect(report.violations.find((v) => v.invariant === 'cross_merchant')?.detail).toContain(`partner ${other.partner.id} of merchant ${other.merchantId}`);
  });

  it('catches a balance that drifted from the rows: a row marked paid that no payout paid', async () => {
    const unpaid = (await credits()).find((c) => c.status !== 'paid' && c.status !== 'rejected' && c.net > 0)!;
    await w.t.db.kysely.updateTable('commissions').set({ status: 'paid' }).where('id', '=', unpaid.id).execute();
    const report = await expectRed('balance_mismatch');
    // The app now reports this partner's money as paid; the paid payouts say otherwise.
    expect(report.violations.map((v) => v.detail)).toContainEqual(expect.stringMatching(new RegExp(`^paid of partner ${unpaid.partnerId} in usd: recomputed \\d+, reported \\d+$`)));
  });

  it('catches a stored partner total that drifted from its rows, and one left without rows', async () => {
    const total = await w.t.db.kysely.selectFrom('partnerTotals').selectAll().where('merchantId', '=', w.m.merchantId).where('partnerId', '=', w.jane.id).where('currency', '=', 'usd').executeTakeFirstOrThrow();
    await w.t.db.kysely.updateTable('partnerTotals').set({ pending: Number(total.pending) + 1 }).where('merchantId', '=', w.m.merchantId).where('partnerId', '=', w.jane.id).where('currency', '=', 'usd').execute();
    await w.t.db.kysely.insertInto('partnerTotals').values({ merchantId: w.m.merchantId, livemode: 0, partnerId: w.jane.id, currency: 'gbp', pending: 5, onHold: 0, approved: 0, paid: 0 }).execute();
    const report = await expectRed('balance_mismatch');
    const [pending, onHold, approved, paid] = [total.pending, total.onHold, total.approved, total.paid].map(Number);
    expect(report.violations.filter((v) => v.check === 'partner totals are the sums of their rows').map((v) => v.detail).sort()).toEqual([
      `stored totals of ${w.jane.id} gbp (pending/on hold/approved/paid) are 5/0/0/0, the rows sum to no rows`,
      `stored totals of ${w.jane.id} usd (pending/on hold/approved/paid) are ${pending! + 1}/${onHold}/${approved}/${paid}, the rows sum to ${pending}/${onHold}/${approved}/${paid}`,
    ]);
  });

  it('catches a row whose net no longer equals commission minus fee', async () => {
    const [credit] = await credits();
    await w.t.db.kysely.updateTable('commissions').set({ net: credit!.net + 1 }).where('id', '=', credit!.id).execute();
    await expectRed('balance_mismatch');
  });

  it('catches an acknowledged Stripe event that was never processed', async () => {
    const event = await w.t.db.kysely.selectFrom('stripeEvents').select('id').where('merchantId', '=', w.m.merchantId).orderBy('receivedAt').executeTakeFirstOrThrow();
    await w.t.db.kysely.updateTable('stripeEvents').set({ status: 'pending', processedAt: null }).where('id', '=', event.id).execute();
    // Just stored, it is simply waiting; past the grace period it is lost.
    expect((await checkLedger(w.t.db.kysely, { now: new Date(now().getTime() - 31 * DAY) })).counts.lost_event).toBe(0);
    const report = await expectRed('lost_event');
    expect(report.violations.find((v) => v.invariant === 'lost_event')?.subject).toBe(event.id);
  });

  it('catches an event left processing by a dead worker, and one failed without an error', async () => {
    const [a, b] = await w.t.db.kysely.selectFrom('stripeEvents').select('id').where('merchantId', '=', w.m.merchantId).orderBy('receivedAt').limit(2).execute();
    await w.t.db.kysely.updateTable('stripeEvents').set({ status: 'processing', lockedUntil: new Date(now().getTime() - DAY).toISOString(), lockedBy: 'lck_dead' }).where('id', '=', a!.id).execute();
    await w.t.db.kysely.updateTable('stripeEvents').set({ status: 'failed', lastError: null, nextAttemptAt: null }).where('id', '=', b!.id).execute();
    const report = await expectRed('lost_event');
    expect(report.violations.filter((v) => v.invariant === 'lost_event').map((v) => v.subject).sort()).toEqual([a!.id, b!.id].sort());
  });

  it('catches a ledger row whose cause does not exist', async () => {
    const all = await credits();
    const byStripe = all.find((c) => c.causeType === 'stripe_event')!;
    const byApi = all.find((c) => c.causeType === 'api')!;
    const byHand = all.find((c) => c.causeType === 'manual')!;
    await w.t.db.kysely.updateTable('commissions').set({ causeId: 'evt_never_received' }).where('id', '=', byStripe.id).execute();
    await w.t.db.kysely.updateTable('commissions').set({ causeId: 'key_of_nobody/req_1' }).where('id', '=', byApi.id).execute();
    await w.t.db.kysely.updateTable('commissions').set({ causeId: 'usr_gone' }).where('id', '=', byHand.id).execute();
    const report = await expectRed('untraced_row');
    expect(report.violations.filter((v) => v.invariant === 'untraced_row').map((v) => v.detail).sort()).toEqual(
      [
        `row ${byStripe.id} names Stripe event evt_never_received, which is not stored`,
        `row ${byApi.id} names API request key_of_nobody/req_1, whose key is not the merchant's`,
        `row ${byHand.id} names user usr_gone, who does not exist`,
      ].sort(),
    );
  });
});
