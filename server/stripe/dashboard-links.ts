// Links from an event's object id to its page in the merchant's Stripe dashboard. Pure.

const PATHS: [prefix: string, path: string][] = [
  ['cus_', 'customers'],
  ['sub_', 'subscriptions'],
  ['in_', 'invoices'],
  ['pi_', 'payments'],
  ['ch_', 'payments'],
  ['py_', 'payments'],
  ['re_', 'refunds'],
  ['dp_', 'disputes'],
  ['du_', 'disputes'],
];

/** The dashboard URL for a Stripe object id, or undefined when Stripe has no page for that kind (cs_, ca_, …). */
export function dashboardUrl(objectId: string | null, livemode: boolean): string | undefined {
  if (!objectId || !/^[a-z]+_[A-Za-z0-9]+$/.test(objectId)) return undefined;
  const hit = PATHS.find(([prefix]) => objectId.startsWith(prefix));
  if (!hit) return undefined;
  return `https://dashboard.stripe.com/${livemode ? '' : 'test/'}${hit[1]}/${objectId}`;
}
