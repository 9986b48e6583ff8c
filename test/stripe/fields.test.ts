import type Stripe from 'stripe';
import { build } from '../fake-stripe';
import {
  chargeInvoiceId,
  customerIdOf,
  idOf,
  invoiceChargeId,
  invoicePaymentIntentId,
  invoiceSubscriptionId,
  invoiceSubscriptionMetadata,
  isoFromUnix,
  subscriptionCurrentPeriodEnd,
} from '../../server/stripe/fields';
import { dashboardUrl } from '../../server/stripe/dashboard-links';
import { retryDelayMs } from '../../server/stripe/backoff';

/** A payload as an endpoint pinned to an API version before 2025-03-31.basil renders it. */
const older = <T>(current: T, legacyFields: Record<string, unknown>): T => ({ ...current, ...legacyFields }) as T;

describe('reading an invoice\'s subscription', () => {
  it('reads parent.subscription_details (current versions)', () => {
    const inv = build.invoice({ subscription: 'sub_1New', subscriptionMetadata: { referral: 'ANNA' } });
    expect(invoiceSubscriptionId(inv)).toBe('sub_1New');
    expect(invoiceSubscriptionMetadata(inv)).toEqual({ referral: 'ANNA' });
  });

  it('reads an expanded subscription object too', () => {
    const sub = build.subscription({ id: 'sub_1Expanded' });
    const inv = build.invoice({ parent: { type: 'subscription_details', quote_details: null, subscription_details: { metadata: null, subscription: sub } } });
    expect(invoiceSubscriptionId(inv)).toBe('sub_1Expanded');
    expect(invoiceSubscriptionMetadata(inv)).toBeNull();
  });

  it('falls back to the line items when the parent is missing', () => {
    const withSub = build.invoice({ subscription: 'sub_1Line' });
    const inv = { ...withSub, parent: null };
    expect(invoiceSubscriptionId(inv)).toBe('sub_1Line');
  });

  it('reads invoice.subscription and invoice.subscription_details from older versions', () => {
    const inv = older(build.invoice({ parent: null, lines: { object: 'list', data: [], has_more: false, url: '/v1/invoices/in_1/lines' } }), {
      subscription: 'sub_1Old',
      subscription_details: { metadata: { referral: 'BOB' } },
    });
    expect(invoiceSubscriptionId(inv)).toBe('sub_1Old');
    expect(invoiceSubscriptionMetadata(inv)).toEqual({ referral: 'BOB' });
  });

  it('says null for a one-off invoice', () => {
    const inv = build.invoice({ lines: { object: 'list', data: [], has_more: false, url: '/v1/invoices/in_1/lines' } });
    expect(invoiceSubscriptionId(inv)).toBeNull();
    expect(invoiceSubscriptionMetadata(inv)).toBeNull();
  });
});

describe('reading what paid an invoice', () => {
  it('prefers the default paid entry of invoice.payments (expand it)', () => {
    const inv = build.invoice({ id: 'in_1Pay' });
    const payments: Stripe.InvoicePayment[] = [
      build.invoicePayment({ invoice: 'in_1Pay', is_default: false, status: 'canceled', payment: { type: 'payment_intent', payment_intent: 'pi_1Canceled' } }),
      build.invoicePayment({ invoice: 'in_1Pay', is_default: true, status: 'paid', payment: { type: 'payment_intent', payment_intent: 'pi_1Paid' } }),
      build.invoicePayment({ invoice: 'in_1Pay', is_default: false, status: 'paid', payment: { type: 'charge', charge: 'ch_1OutOfBand' } }),
    ];
    const expanded = { ...inv, payments: { object: 'list' as const, data: payments, has_more: false, url: '/v1/invoice_payments' } };
    expect(invoicePaymentIntentId(expanded)).toBe('pi_1Paid');
    expect(invoiceChargeId(expanded)).toBe('ch_1OutOfBand');
  });

  it('reads invoice.payment_intent and invoice.charge from older versions', () => {
    const inv = older(build.invoice(), { payment_intent: 'pi_1Old', charge: { id: 'ch_1Old', object: 'charge' } });
    expect(invoicePaymentIntentId(inv)).toBe('pi_1Old');
    expect(invoiceChargeId(inv)).toBe('ch_1Old');
  });

  it('says null when payments were not expanded on a current invoice', () => {
    expect(invoicePaymentIntentId(build.invoice())).toBeNull();
    expect(invoiceChargeId(build.invoice())).toBeNull();
  });
});

describe('reading a charge\'s invoice', () => {
  it('reads charge.invoice from older versions, and null on current ones (ask invoicePayments.list instead)', () => {
    expect(chargeInvoiceId(older(build.charge(), { invoice: 'in_1Old' }))).toBe('in_1Old');
    expect(chargeInvoiceId(build.charge())).toBeNull();
  });
});

describe('small readers', () => {
  it('takes ids from ids or expanded objects', () => {
    expect(idOf('cus_1')).toBe('cus_1');
    expect(idOf({ id: 'cus_2', object: 'customer' })).toBe('cus_2');
    expect(idOf(null)).toBeNull();
    expect(idOf(undefined)).toBeNull();
    expect(customerIdOf(build.subscription({ customer: build.customer({ id: 'cus_3' }) }))).toBe('cus_3');
  });

  it('reads the period end from the items, or the old top-level field', () => {
    const sub = build.subscription();
    const item = sub.items.data[0]!;
    const twoItems = { ...sub, items: { ...sub.items, data: [item, { ...item, current_period_end: item.current_period_end + 100 }] } };
    expect(subscriptionCurrentPeriodEnd(twoItems)).toBe(item.current_period_end + 100);
    const old = older({ ...sub, items: { ...sub.items, data: [] } }, { current_period_end: 1_700_000_000 });
    expect(subscriptionCurrentPeriodEnd(old)).toBe(1_700_000_000);
    expect(isoFromUnix(1_700_000_000)).toBe('2023-11-14T22:13:20.000Z');
  });

  it('links objects to the right dashboard, in the right mode', () => {
    expect(dashboardUrl('in_1A', true)).toBe('https://dashboard.stripe.com/invoices/in_1A');
    expect(dashboardUrl('ch_1A', false)).toBe('https://dashboard.stripe.com/test/payments/ch_1A');
    expect(dashboardUrl('cs_test_1A', false)).toBeUndefined();
    expect(dashboardUrl('javascript:alert(1)', false)).toBeUndefined();
    expect(dashboardUrl(null, false)).toBeUndefined();
  });

  it('backs off 1, 2, 4 … minutes, capped at 6 hours', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(retryDelayMs(40)).toBe(6 * 3_600_000);
  });
});
