// Typed builders for Stripe objects and events at API 2026-10-28.endive (stripe@23). Each default object
// is checked with `satisfies Stripe.X`, so an SDK upgrade that changes a shape fails the type check.
// Sensible defaults, any field overridable. No test-runner imports: scripts (the demo) use these too.
import crypto from 'node:crypto';
import type Stripe from 'stripe';

export const API_VERSION = '2026-10-28.endive';

let clock: () => Date = () => new Date();
/** Where default `created` times come from (tests point it at their fixed clock). */
export function setBuilderClock(now: () => Date): void {
  clock = now;
}
const nowS = () => Math.floor(clock().getTime() / 1000);

/** A Stripe-looking random id: `fakeId('cus')` → `cus_Ab12…`. */
export function fakeId(prefix: string): string {
  return `${prefix}_${crypto.randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
}

const list = <T>(data: T[], url: string): Stripe.ApiList<T> => ({ object: 'list', data, has_more: false, url });

export function customer(o: Partial<Stripe.Customer> = {}): Stripe.Customer {
  const base = {
    id: fakeId('cus'),
    object: 'customer',
    balance: 0,
    created: nowS(),
    default_source: null,
    description: null,
    email: 'buyer@example.com',
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: 'Buyer',
    shipping: null,
  } satisfies Stripe.Customer;
  return { ...base, ...o };
}

export function price(o: Partial<Stripe.Price> = {}): Stripe.Price {
  const base = {
    id: fakeId('price'),
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: nowS(),
    currency: 'usd',
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: fakeId('prod'),
    recurring: { interval: 'month', interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed' },
    tax_behavior: 'exclusive',
    tiers_mode: null,
    transform_quantity: null,
    type: 'recurring',
    unit_amount: 5000,
    unit_amount_decimal: null,
  } satisfies Stripe.Price;
  return { ...base, ...o };
}

export function plan(o: Partial<Stripe.Plan> = {}): Stripe.Plan {
  const base = {
    id: fakeId('plan'),
    object: 'plan',
    active: true,
    amount: 5000,
    amount_decimal: null,
    billing_scheme: 'per_unit',
    created: nowS(),
    currency: 'usd',
    interval: 'month',
    interval_count: 1,
    livemode: false,
    metadata: {},
    meter: null,
    nickname: null,
    product: fakeId('prod'),
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  } satisfies Stripe.Plan;
  return { ...base, ...o };
}

export function subscriptionItem(o: Partial<Stripe.SubscriptionItem> & { subscription: string }): Stripe.SubscriptionItem {
  const start = nowS();
  const base = {
    id: fakeId('si'),
    object: 'subscription_item',
    billing_thresholds: null,
    created: start,
    current_period_end: start + 30 * 86_400,
    current_period_start: start,
    current_trial: null,
    discounts: [],
    metadata: {},
    plan: plan(),
    price: price(),
    quantity: 1,
    subscription: o.subscription,
    tax_rates: [],
  } satisfies Stripe.SubscriptionItem;
  return { ...base, ...o };
}

export function subscription(o: Partial<Stripe.Subscription> = {}): Stripe.Subscription {
  const id = o.id ?? fakeId('sub');
  const start = nowS();
  const base = {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: start,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'flexible' },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: null,
    collection_method: 'charge_automatically',
    created: start,
    currency: 'usd',
    customer: fakeId('cus'),
    customer_account: null,
    days_until_due: null,
    default_payment_method: null,
    default_source: null,
    description: null,
    discounts: [],
    ended_at: null,
    invoice_settings: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: { type: 'self' } },
    items: list([subscriptionItem({ subscription: id })], `/v1/subscription_items?subscription=${id}`),
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: {},
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: null,
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: start,
    status: 'active',
    test_clock: null,
    transfer_data: null,
    trial_end: null,
    trial_settings: null,
    trial_start: null,
  } satisfies Stripe.Subscription;
  return { ...base, ...o };
}

export function checkoutSession(o: Partial<Stripe.Checkout.Session> = {}): Stripe.Checkout.Session {
  const created = nowS();
  const base = {
    id: fakeId('cs_test'),
    object: 'checkout.session',
    adaptive_pricing: null,
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: null,
    amount_subtotal: 5000,
    amount_total: 5000,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: null,
    client_reference_id: null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created,
    currency: 'usd',
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: null,
    customer_account: null,
    customer_creation: 'if_required',
    customer_details: { address: null, business_name: null, email: 'buyer@example.com', individual_name: null, name: 'Buyer', phone: null, tax_exempt: 'none', tax_ids: [] },
    customer_email: null,
    discounts: [],
    expires_at: created + 86_400,
    integration_identifier: null,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata: {},
    mode: 'payment',
    origin_context: null,
    payment_intent: fakeId('pi'),
    payment_link: null,
    payment_method_collection: 'always',
    payment_method_configuration_details: null,
    payment_method_options: null,
    payment_method_types: ['card'],
    payment_status: 'paid',
    permissions: null,
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'complete',
    submit_type: null,
    subscription: null,
    success_url: 'https://shop.example/thanks',
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: null,
    wallet_options: null,
  } satisfies Stripe.Checkout.Session;
  return { ...base, ...o };
}

export function invoicePayment(o: Partial<Stripe.InvoicePayment> & { invoice: string }): Stripe.InvoicePayment {
  const created = nowS();
  const base = {
    id: fakeId('inpay'),
    object: 'invoice_payment',
    amount_paid: 5000,
    amount_requested: 5000,
    created,
    currency: 'usd',
    invoice: o.invoice,
    is_default: true,
    livemode: false,
    payment: { type: 'payment_intent', payment_intent: fakeId('pi') },
    status: 'paid',
    status_transitions: { canceled_at: null, paid_at: created },
  } satisfies Stripe.InvoicePayment;
  return { ...base, ...o };
}

export function invoiceLine(o: Partial<Stripe.InvoiceLineItem> = {}): Stripe.InvoiceLineItem {
  const start = nowS();
  const base = {
    id: fakeId('il'),
    object: 'line_item',
    amount: 5000,
    currency: 'usd',
    description: '1 × Pro (at $50.00 / month)',
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: null,
    livemode: false,
    metadata: {},
    parent: null,
    period: { start, end: start + 30 * 86_400 },
    pretax_credit_amounts: [],
    pricing: null,
    quantity: 1,
    quantity_decimal: null,
    subscription: null,
    subtotal: 5000,
    taxes: [],
  } satisfies Stripe.InvoiceLineItem;
  return { ...base, ...o };
}

/** An invoice; pass `subscription` to make it a subscription invoice (`parent.subscription_details`). */
export function invoice(o: Partial<Stripe.Invoice> & { subscription?: string; subscriptionMetadata?: Stripe.Metadata } = {}): Stripe.Invoice {
  const { subscription: sub, subscriptionMetadata, ...rest } = o;
  const id = rest.id ?? fakeId('in');
  const created = nowS();
  const base = {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Shop',
    account_tax_ids: null,
    amount_due: 5000,
    amount_overpaid: 0,
    amount_paid: 5000,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 1,
    attempted: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: sub ? 'subscription_create' : 'manual',
    collection_method: 'charge_automatically',
    created,
    currency: 'usd',
    custom_fields: null,
    customer: fakeId('cus'),
    customer_account: null,
    customer_address: null,
    customer_email: 'buyer@example.com',
    customer_name: 'Buyer',
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: created,
    ending_balance: 0,
    footer: null,
    from_invoice: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: list(
      [
        invoiceLine({
          invoice: id,
          parent: sub
            ? { type: 'subscription_item_details', invoice_item_details: null, subscription_item_details: { invoice_item: null, proration: false, proration_details: null, subscription: sub, subscription_item: fakeId('si') } }
            : null,
        }),
      ],
      `/v1/invoices/${id}/lines`,
    ),
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: 'F00D-0001',
    on_behalf_of: null,
    parent: sub ? { type: 'subscription_details', quote_details: null, subscription_details: { metadata: subscriptionMetadata ?? {}, subscription: sub } } : null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: created,
    period_start: created,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'paid',
    status_transitions: { finalized_at: created, marked_uncollectible_at: null, paid_at: created, voided_at: null },
    subtotal: 5000,
    subtotal_excluding_tax: 5000,
    test_clock: null,
    total: 5000,
    total_discount_amounts: [],
    total_excluding_tax: 5000,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: created,
  } satisfies Stripe.Invoice;
  return { ...base, ...rest };
}

export function paymentIntent(o: Partial<Stripe.PaymentIntent> = {}): Stripe.PaymentIntent {
  const base = {
    id: fakeId('pi'),
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: 5000,
    amount_capturable: 0,
    amount_received: 5000,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic',
    client_secret: null,
    confirmation_method: 'automatic',
    created: nowS(),
    currency: 'usd',
    customer: null,
    customer_account: null,
    description: null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: null,
    payment_method_types: ['card'],
    payment_record: null,
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_group: null,
  } satisfies Stripe.PaymentIntent;
  return { ...base, ...o };
}

export function charge(o: Partial<Stripe.Charge> = {}): Stripe.Charge {
  const base = {
    id: fakeId('ch'),
    object: 'charge',
    amount: 5000,
    amount_captured: 5000,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: null,
    captured: true,
    created: nowS(),
    currency: 'usd',
    customer: null,
    description: null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: null,
    paid: true,
    payment_intent: null,
    payment_method: null,
    payment_method_details: null,
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_data: null,
    transfer_group: null,
  } satisfies Stripe.Charge;
  return { ...base, ...o };
}

export function refund(o: Partial<Stripe.Refund> = {}): Stripe.Refund {
  const base = {
    id: fakeId('re'),
    object: 'refund',
    amount: 5000,
    balance_transaction: null,
    charge: fakeId('ch'),
    created: nowS(),
    currency: 'usd',
    customer: null,
    customer_account: null,
    metadata: {},
    payment_intent: null,
    payment_method: null,
    reason: 'requested_by_customer',
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  } satisfies Stripe.Refund;
  return { ...base, ...o };
}

const NO_EVIDENCE = {
  access_activity_log: null,
  billing_address: null,
  cancellation_policy: null,
  cancellation_policy_disclosure: null,
  cancellation_rebuttal: null,
  customer_communication: null,
  customer_email_address: null,
  customer_name: null,
  customer_purchase_ip: null,
  customer_signature: null,
  duplicate_charge_documentation: null,
  duplicate_charge_explanation: null,
  duplicate_charge_id: null,
  enhanced_evidence: {},
  product_description: null,
  receipt: null,
  refund_policy: null,
  refund_policy_disclosure: null,
  refund_refusal_explanation: null,
  service_date: null,
  service_documentation: null,
  shipping_address: null,
  shipping_carrier: null,
  shipping_date: null,
  shipping_documentation: null,
  shipping_tracking_number: null,
  uncategorized_file: null,
  uncategorized_text: null,
} satisfies Stripe.Dispute.Evidence;

export function dispute(o: Partial<Stripe.Dispute> = {}): Stripe.Dispute {
  const base = {
    id: fakeId('dp'),
    object: 'dispute',
    amount: 5000,
    balance_transactions: [],
    charge: fakeId('ch'),
    created: nowS(),
    currency: 'usd',
    enhanced_eligibility_types: [],
    evidence: NO_EVIDENCE,
    evidence_details: { due_by: null, enhanced_eligibility: {}, has_evidence: false, past_due: false, submission_count: 0, submission_method: 'manual' },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: null,
    reason: 'fraudulent',
    status: 'needs_response',
  } satisfies Stripe.Dispute;
  return { ...base, ...o };
}

export function balanceTransaction(o: Partial<Stripe.BalanceTransaction> = {}): Stripe.BalanceTransaction {
  const created = nowS();
  const base = {
    id: fakeId('txn'),
    object: 'balance_transaction',
    amount: 5000,
    available_on: created + 2 * 86_400,
    balance_type: 'payments',
    created,
    currency: 'usd',
    description: null,
    exchange_rate: null,
    fee: 175,
    fee_details: [],
    net: 4825,
    reporting_category: 'charge',
    source: null,
    status: 'pending',
    type: 'charge',
  } satisfies Stripe.BalanceTransaction;
  return { ...base, ...o };
}

/** A Checkout Session line item (what `checkout.sessions.listLineItems` returns); `price` carries its product. */
export function lineItem(o: Partial<Stripe.LineItem> & { product?: string; priceId?: string } = {}): Stripe.LineItem {
  const { product, priceId, ...rest } = o;
  const base = {
    id: fakeId('li'),
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: 5000,
    amount_tax: 0,
    amount_total: 5000,
    currency: 'usd',
    description: 'Item',
    metadata: null,
    price: price({ id: priceId ?? fakeId('price'), product: product ?? fakeId('prod'), type: 'one_time', recurring: null }),
    quantity: 1,
  } satisfies Stripe.LineItem;
  return { ...base, ...rest };
}

/** A Discount object, as an invoice's `discounts` name them by id; `promotion_code` says which code was used. */
export function discount(o: Partial<Stripe.Discount> = {}): Stripe.Discount {
  const base = {
    id: fakeId('di'),
    object: 'discount',
    checkout_session: null,
    customer: null,
    customer_account: null,
    end: null,
    invoice: null,
    invoice_item: null,
    promotion_code: null,
    source: { coupon: fakeId('coupon'), type: 'coupon' },
    start: nowS(),
    subscription: null,
    subscription_item: null,
  } satisfies Stripe.Discount;
  return { ...base, ...o };
}

/** The platform's application, the object of `account.application.deauthorized`. */
export function application(o: Partial<Stripe.Application> = {}): Stripe.Application {
  const base = { id: 'ca_test_platform', object: 'application', name: 'Refcut' } satisfies Stripe.Application;
  return { ...base, ...o };
}

export type EventType = Stripe.Event.Type;
export type EventFor<T extends EventType> = Extract<Stripe.Event, { type: T }>;

/** Wrap an object in a Connect event envelope, as Stripe sends it to the platform's Connect endpoint. */
export function event<T extends EventType>(
  type: T,
  object: EventFor<T>['data']['object'],
  opts: { account?: string | null; livemode?: boolean; created?: number | Date; id?: string; apiVersion?: string; previousAttributes?: Record<string, unknown> } = {},
): EventFor<T> {
  const created = opts.created instanceof Date ? Math.floor(opts.created.getTime() / 1000) : (opts.created ?? nowS());
  const base = {
    id: opts.id ?? fakeId('evt'),
    object: 'event',
    ...(opts.account === null ? {} : { account: opts.account ?? 'acct_unset' }),
    api_version: opts.apiVersion ?? API_VERSION,
    created,
    data: { object, ...(opts.previousAttributes ? { previous_attributes: opts.previousAttributes } : {}) },
    livemode: opts.livemode ?? false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  } satisfies Stripe.EventBase & { type: T };
  return base as unknown as EventFor<T>;
}
