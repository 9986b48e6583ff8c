// A merchant driven through the REST API: live and test keys, a partner with a link, and clicks on it.
import request from 'supertest';
import type { Partner } from '../../db/tables/partners';
import type { ProgramSettingsUpdate } from '../../db/schema';
import { signUpMerchant, type SignedUpMerchant, type TestApp } from './app';
import { createApiKey } from './api';
import { buildPartner, defaultLink, setProgram } from './partners';

/** supertest calls with a key, JSON bodies and an optional Idempotency-Key. */
export function client(t: TestApp, key: string) {
  const auth = `Bearer ${key}`;
  const write = (method: 'post' | 'patch', path: string, body?: unknown, idempotencyKey?: string) => {
    let r = request(t.http)[method](path).set('Authorization', auth);
    if (idempotencyKey !== undefined) r = r.set('Idempotency-Key', idempotencyKey);
    return body === undefined ? r : r.send(body as object);
  };
  return {
    key,
    get: (path: string) => request(t.http).get(path).set('Authorization', auth),
    post: (path: string, body?: unknown, idempotencyKey?: string) => write('post', path, body, idempotencyKey),
    patch: (path: string, body?: unknown, idempotencyKey?: string) => write('patch', path, body, idempotencyKey),
  };
}
export type Client = ReturnType<typeof client>;

export interface ApiProgram {
  m: SignedUpMerchant;
  live: Client;
  test: Client;
  jane: Partner;
  /** Follow a link (Jane's default one unless told) as a visitor would; returns the click id the redirect carries. */
  click(slug?: string): Promise<string>;
  /** Change program settings directly (commission, currency, duration, fee, cookie window). */
  settings(values: ProgramSettingsUpdate): Promise<void>;
}

export async function apiProgram(t: TestApp, opts: { name?: string } = {}): Promise<ApiProgram> {
  const m = await signUpMerchant(t, { name: opts.name });
  await setProgram(t, m.merchantId, { destinationUrl: 'https://shop.example.com/pricing' });
  const [liveKey, testKey] = [await createApiKey(m, { mode: 'live', name: 'live' }), await createApiKey(m, { mode: 'test', name: 'test' })];
  const jane = await buildPartner(t.db.kysely, m.merchantId, { name: 'Jane Smith', email: 'jane@partners.test', code: 'jane', clock: t.clock });
  // Slugs are unique across the server: a second program's "jane" gets a suffixed slug.
  const janeSlug = (await defaultLink(t.db.kysely, jane.id)).slug;
  return {
    m,
    live: client(t, liveKey),
    test: client(t, testKey),
    jane,
    async click(slug = janeSlug) {
      const res = await request(t.http).get(`/r/${slug}`).set('User-Agent', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0');
      if (res.status !== 302) throw new Error(`/r/${slug} answered ${res.status}`);
      const clickId = new URL(res.headers.location!).searchParams.get('referral');
      if (!clickId) throw new Error('no click id in the redirect');
      return clickId;
    },
    async settings(values) {
      await t.db.kysely.updateTable('programSettings').set(values).where('merchantId', '=', m.merchantId).execute();
    },
  };
}

/** The merchant's ledger rows, oldest first, with what matters for money. */
export const ledgerRows = (t: TestApp, merchantId: string) =>
  t.db.kysely
    .selectFrom('commissions')
    .select(['kind', 'ledgerKey', 'partnerId', 'amount', 'fee', 'net', 'currency', 'status', 'statusReason', 'livemode', 'causeType'])
    .where('merchantId', '=', merchantId)
    .orderBy('createdAt')
    .orderBy('kind')
    .orderBy('ledgerKey')
    .execute();
