import { buildTestApp, signUpMerchant, type SignedUpMerchant, type TestApp } from '../helpers/app';
import { buildPartner, defaultLink, setProgram } from '../helpers/partners';
import { hotFor, statementCache } from '../../db/hot';
import { findLinkForRedirect, insertClick } from '../../server/tracking/store';
import { insertEventIfNew, type StoredEvent } from '../../server/stripe/store';
import type { NewClick, Partner } from '../../db/tables/partners';

let t: TestApp;
let m: SignedUpMerchant;
let jane: Partner;
beforeEach(async () => {
  t = await buildTestApp();
  m = await signUpMerchant(t);
  await setProgram(t, m.merchantId, { destinationUrl: 'https://shop.example.com/pricing', cookieDays: 45 });
  jane = await buildPartner(t.db.kysely, m.merchantId, { name: 'Jane', email: 'jane@example.com', code: 'jane', clock: t.clock });
});
afterEach(() => t.close());

const click = (id: string, linkId: string | null): NewClick => ({
  id,
  merchantId: m.merchantId,
  partnerId: jane.id,
  linkId,
  createdAt: '2026-11-25T12:00:00.000Z',
  repeatSince: '2026-11-25T11:30:00.000Z',
  expiresAt: '2027-01-09T12:00:00.000Z',
  referrer: null,
  userAgent: 'Mozilla/5.0',
  ipHash: 'a'.repeat(32),
  landingUrl: 'https://shop.example.com/pricing?via=jane',
  isBot: 0,
  earning: 1,
  notEarningReason: null,
  source: 'link',
});

const event = (id: string): StoredEvent => ({
  id,
  accountId: 'acct_hot',
  merchantId: m.merchantId,
  connectionId: null,
  type: 'invoice.paid',
  objectId: 'in_1',
  livemode: 0,
  apiVersion: '2026-10-28.endive',
  created: '2026-11-25T12:00:00.000Z',
  payload: '{"id":"x"}',
  source: 'webhook',
  receivedAt: '2026-11-25T12:00:01.000Z',
  status: 'pending',
  attempts: 0,
  lastError: null,
  nextAttemptAt: null,
  lockedUntil: null,
  lockedBy: null,
  processedAt: null,
  ignoredReason: null,
});

describe('the hot statements prepared once', () => {
  it('are used on the root handle and never on a transaction', async () => {
    expect(hotFor(t.db.kysely)).toBeDefined();
    await t.db.kysely.transaction().execute(async (trx) => {
      expect(hotFor(trx)).toBeUndefined();
    });
  });

  it('read the same redirect link as the kysely query, for every link state', async () => {
    const link = await defaultLink(t.db.kysely, jane.id);
    await t.db.kysely.updateTable('partners').set({ status: 'paused' }).where('id', '=', jane.id).execute();
    const viaKysely = await t.db.kysely.transaction().execute((trx) => findLinkForRedirect(trx, 'jane'));
    const viaHot = await findLinkForRedirect(t.db.kysely, 'jane');
    expect(viaHot).toEqual(viaKysely);
    expect(viaHot).toEqual({
      id: link.id,
      merchantId: m.merchantId,
      partnerId: jane.id,
      destinationUrl: null,
      disabledAt: null,
      code: 'jane',
      status: 'paused',
      siteUrl: 'https://shop.example.com/pricing',
      cookieDays: 45,
    });
    expect(await findLinkForRedirect(t.db.kysely, 'nobody')).toBeUndefined();
  });

  it('write the same click row as the kysely insert', async () => {
    const link = await defaultLink(t.db.kysely, jane.id);
    await insertClick(t.db.kysely, click('clk_hot', link.id));
    await t.db.kysely.transaction().execute((trx) => insertClick(trx, click('clk_kysely', null)));
    const rows = await t.db.kysely.selectFrom('clicks').selectAll().orderBy('id').execute();
    expect(rows).toEqual([
      { ...click('clk_hot', link.id), id: 'clk_hot' },
      { ...click('clk_kysely', null), id: 'clk_kysely' },
    ]);
  });

  it('store an event once and report a duplicate, like the kysely insert', async () => {
    expect(await insertEventIfNew(t.db.kysely, event('evt_hot'))).toBe(true);
    expect(await insertEventIfNew(t.db.kysely, { ...event('evt_hot'), payload: '{"changed":true}' })).toBe(false);
    expect(await t.db.kysely.transaction().execute((trx) => insertEventIfNew(trx, event('evt_hot')))).toBe(false);
    expect(await t.db.kysely.transaction().execute((trx) => insertEventIfNew(trx, event('evt_other')))).toBe(true);
    const rows = await t.db.kysely.selectFrom('stripeEvents').selectAll().orderBy('id').execute();
    expect(rows).toEqual([event('evt_hot'), event('evt_other')]);
  });
});

describe('a click recorded while another request holds a transaction', () => {
  it('is committed on its own: a rollback of that transaction does not take the click with it', async () => {
    const link = await defaultLink(t.db.kysely, jane.id);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let inside!: () => void;
    const started = new Promise<void>((r) => (inside = r));
    const rolledBack = t.db.kysely
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('partners').set({ name: 'Renamed' }).where('id', '=', jane.id).execute();
        inside();
        await gate;
        throw new Error('roll back');
      })
      .catch((err: Error) => err.message);

    await started;
    // On SQLite the connection is inside that transaction now: the click must wait for it, not join it.
    const recorded = insertClick(t.db.kysely, click('clk_during', link.id));
    release();
    expect(await rolledBack).toBe('roll back');
    await recorded;
    expect((await t.db.kysely.selectFrom('clicks').select('id').execute()).map((r) => r.id)).toEqual(['clk_during']);
    expect((await t.db.kysely.selectFrom('partners').select('name').where('id', '=', jane.id).executeTakeFirstOrThrow()).name).toBe('Jane');
  });
});

describe('the SQLite statement cache kysely runs through', () => {
  it('prepares a statement once per SQL text and keeps only the most recently used', () => {
    const prepared: string[] = [];
    const fake = {
      prepare: (sql: string) => {
        prepared.push(sql);
        return { sql } as never;
      },
      close: () => prepared.push('closed'),
    };
    const cache = statementCache(fake as never, 2);
    const a1 = cache.prepare('select 1');
    cache.prepare('select 2');
    expect(cache.prepare('select 1')).toBe(a1);
    cache.prepare('select 3'); // evicts "select 2", the least recently used
    cache.prepare('select 1');
    cache.prepare('select 2');
    cache.close();
    expect(prepared).toEqual(['select 1', 'select 2', 'select 3', 'select 2', 'closed']);
  });
});
