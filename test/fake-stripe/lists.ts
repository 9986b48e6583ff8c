// The list filters the fake supports, per object type, with Stripe's semantics where they matter
// (subscriptions hide canceled ones unless asked, event types take a `*` wildcard, `created` ranges).
import { str, strList, type Params, type ParamValue } from './params';

export type StripeObject = { id: string; object: string; created?: number; [key: string]: unknown };

const PAGING = ['limit', 'starting_after', 'ending_before', 'expand'];

const idOf = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string' ? (v as { id: string }).id : undefined;

const dig = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((n, k) => (n && typeof n === 'object' ? (n as Record<string, unknown>)[k] : undefined), o);

/** Same id, whether the field holds an id or an expanded object. */
const byRef = (path: string) => (o: StripeObject, v: ParamValue) => idOf(dig(o, path)) === str(v);
const byValue = (path: string) => (o: StripeObject, v: ParamValue) => dig(o, path) === str(v);

function inRange(value: number | undefined, range: ParamValue): boolean {
  if (value === undefined) return false;
  if (typeof range === 'string') return value === Number(range);
  if (Array.isArray(range)) return false;
  const n = (k: string) => (typeof range[k] === 'string' ? Number(range[k]) : undefined);
  const [gt, gte, lt, lte] = [n('gt'), n('gte'), n('lt'), n('lte')];
  return (gt === undefined || value > gt) && (gte === undefined || value >= gte) && (lt === undefined || value < lt) && (lte === undefined || value <= lte);
}
const byCreated = (o: StripeObject, v: ParamValue) => inRange(o.created, v);

/** An invoice's subscription, wherever this API version or an older one put it. */
const invoiceSubscription = (o: StripeObject) => idOf(dig(o, 'parent.subscription_details.subscription')) ?? idOf(o.subscription);

type Filter = (o: StripeObject, value: ParamValue) => boolean;

const FILTERS: Record<string, Record<string, Filter>> = {
  event: {
    created: byCreated,
    type: (o, v) => {
      const want = str(v) ?? '';
      return want.endsWith('*') ? String(o.type).startsWith(want.slice(0, -1)) : o.type === want;
    },
    types: (o, v) => strList(v).includes(String(o.type)),
  },
  subscription: {
    customer: byRef('customer'),
    created: byCreated,
    status: (o, v) => {
      const want = str(v);
      if (want === 'all') return true;
      if (want === 'ended') return o.status === 'canceled' || o.status === 'incomplete_expired';
      return o.status === want;
    },
  },
  'checkout.session': {
    payment_intent: byRef('payment_intent'),
    subscription: byRef('subscription'),
    customer: byRef('customer'),
    payment_link: byRef('payment_link'),
    status: byValue('status'),
    created: byCreated,
  },
  invoice: {
    customer: byRef('customer'),
    subscription: (o, v) => invoiceSubscription(o) === str(v),
    status: byValue('status'),
    created: byCreated,
  },
  invoice_payment: {
    invoice: byRef('invoice'),
    status: byValue('status'),
    payment: (o, v) => {
      if (typeof v !== 'object' || Array.isArray(v)) return false;
      return Object.entries(v).every(([k, want]) => (k === 'type' ? dig(o, 'payment.type') === str(want) : idOf(dig(o, `payment.${k}`)) === str(want)));
    },
  },
  refund: { charge: byRef('charge'), payment_intent: byRef('payment_intent'), created: byCreated },
  charge: { customer: byRef('customer'), payment_intent: byRef('payment_intent'), created: byCreated },
  dispute: { charge: byRef('charge'), payment_intent: byRef('payment_intent'), created: byCreated },
  customer: { email: byValue('email'), created: byCreated },
  payment_intent: { customer: byRef('customer'), created: byCreated },
  balance_transaction: { source: byRef('source'), type: byValue('type'), created: byCreated },
};

/** Apply the query's filters; an unknown parameter is refused the way Stripe refuses it. */
export function filterList(type: string, items: StripeObject[], q: Params, unknown: (message: string, param: string) => Error): StripeObject[] {
  const filters = FILTERS[type] ?? {};
  for (const k of Object.keys(q)) {
    if (!PAGING.includes(k) && !filters[k]) throw unknown(`Received unknown parameter: ${k}`, k);
  }
  let out = items;
  // Stripe's default for subscriptions: everything but canceled (and expired incomplete) ones.
  if (type === 'subscription' && q.status === undefined) out = out.filter((o) => o.status !== 'canceled' && o.status !== 'incomplete_expired');
  for (const [k, v] of Object.entries(q)) {
    const f = filters[k];
    if (f) out = out.filter((o) => f(o, v));
  }
  return out;
}
