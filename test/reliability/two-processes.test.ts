// Two server processes on one database (a SQLite file, or one PostgreSQL schema when TEST_DATABASE_URL is
// set): every event is delivered to both at the same moment, and both run payouts for the same merchant
// again and again while the events are still arriving. No request may fail (on SQLite that means no
// SQLITE_BUSY surfacing as a 500 that Stripe would have to retry), every sale and commission is written
// once, every payable row is paid once, and the ledger equals a clean single-process run's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { Db } from '../../db';
import { createTestDb, testDialect } from '../helpers/db';
import { csrfFrom } from '../helpers/app';
import { expectLedgerConsistent } from '../helpers/reliability';
import { FixedClock } from '../../server/lib/clock';
import { generateStorm } from './storm';
import { diffSnapshots, ledgerSnapshot, stormWorld, type LedgerSnapshot } from './storm-world';
import { databaseUrlOf, startServer, type ServerProcess } from './server-process';
import type { FakeStripe } from '../fake-stripe';

let dir: string;
let db: Db | undefined;
let fake: FakeStripe | undefined;
let servers: ServerProcess[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refcut-two-'));
});
afterEach(async () => {
  for (const s of servers) await s.kill('SIGKILL');
  servers = [];
  await fake?.close();
  await db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const moneyOf = (s: LedgerSnapshot): LedgerSnapshot => ({
  ...s,
  commissions: Object.fromEntries(Object.entries(s.commissions).map(([k, v]) => [k, { ...(v as object), status: undefined, payout: undefined }])),
  events: {},
});

/** A logged-in browser on one server process: sessions live in the shared database. */
async function logIn(server: ServerProcess, email: string) {
  const agent = request.agent(`http://127.0.0.1:${server.port}`);
  const form = await agent.get('/login');
  const res = await agent.post('/login').type('form').send({ email, password: 'correct horse battery', _csrf: csrfFrom(form.text) });
  if (res.status !== 303) throw new Error(`login answered ${res.status}`);
  return {
    async runPayouts(): Promise<number> {
      const page = await agent.get('/payouts?mode=test');
      const res = await agent.post('/payouts/run').type('form').send({ mode: 'test', _csrf: csrfFrom(page.text) });
      return res.status;
    },
  };
}

describe(`two server processes on one ${testDialect} database`, () => {
  it('write every event’s effects once and pay every row once, with no failed request', async () => {
    const storm = generateStorm(99, 240, new FixedClock().now());
    const clean = await stormWorld(storm);
    await clean.deliver(storm.events);
    await clean.settle();
    const expected = await clean.snapshot();
    await clean.close();

    const file = path.join(dir, 'app.db');
    db = await createTestDb({ file });
    const world = await stormWorld(storm, { db });
    const owners = [...world.merchants.values()];
    fake = await world.detach();
    const databaseUrl = databaseUrlOf(db, file);
    // One process runs its jobs in a worker thread, the other on its request thread: both ways share the work.
    servers = await Promise.all([startServer({ databaseUrl, stripeApiBase: fake.url, backgroundJobs: 'thread' }), startServer({ databaseUrl, stripeApiBase: fake.url, backgroundJobs: 'inline' })]);
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const browsers = await Promise.all(owners.flatMap((o) => [logIn(a, o.email), logIn(b, o.email)]));

    const statuses: Record<number, number> = {};
    const count = (s: number) => (statuses[s] = (statuses[s] ?? 0) + 1);
    const payoutAnswers: number[] = [];
    let next = 0;
    const deliverer = async () => {
      while (next < storm.events.length) {
        const i = next++;
        const e = storm.events[i]!;
        const [x, y] = await Promise.all([a.deliver(e), b.deliver(e)]);
        count(x);
        count(y);
        // Every 40th event, each owner presses "Run payouts" in both processes at once.
        if (i % 40 === 39) payoutAnswers.push(...(await Promise.all(browsers.map((br) => br.runPayouts()))));
      }
    };
    await Promise.all([deliverer(), deliverer(), deliverer()]);
    expect(statuses).toEqual({ 200: storm.events.length * 2 });

    // Both processes drain (their background threads process the events as they come)…
    const until = Date.now() + 60_000;
    while ((await db.kysely.selectFrom('stripeEvents').select('id').where('status', 'in', ['pending', 'processing']).execute()).length > 0) {
      if (Date.now() > until) throw new Error('events still unprocessed after a minute');
      await new Promise((r) => setTimeout(r, 100));
    }
    // …every owner presses "Run payouts" in both processes at once, with every commission now on the books…
    payoutAnswers.push(...(await Promise.all(browsers.map((br) => br.runPayouts()))));
    expect([...new Set(payoutAnswers)]).toEqual([303]);
    // …then they stop the way a deploy stops them.
    for (const s of servers) await s.kill('SIGTERM');
    servers = [];
    for (const s of [a, b]) expect(s.lines.filter((l) => /"level":(50|60)/.test(l) || /SQLITE_BUSY|database is locked/i.test(l))).toEqual([]);

    const k = db.kysely;
    const events = await k.selectFrom('stripeEvents').select(['id', 'status']).execute();
    expect(events).toHaveLength(storm.events.length);
    expect(events.filter((e) => e.status !== 'processed' && e.status !== 'ignored')).toEqual([]);
    expect(diffSnapshots(moneyOf(expected), moneyOf(await ledgerSnapshot(db)))).toEqual([]);

    // Payouts: each row in at most one live payout, each payout the sum of its rows.
    const items = await k.selectFrom('payoutItems').select(['commissionId', 'payoutId', 'amount']).where('active', '=', 1).execute();
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items.map((i) => i.commissionId)).size).toBe(items.length);
    const payouts = await k.selectFrom('payouts').select(['id', 'amount', 'partnerId', 'runId']).execute();
    for (const p of payouts) expect([p.id, p.amount]).toEqual([p.id, items.filter((i) => i.payoutId === p.id).reduce((s, i) => s + i.amount, 0)]);
    const held = await k.selectFrom('commissions').select(['id', 'payoutId']).where('payoutId', 'is not', null).execute();
    expect(held.map((c) => `${c.id}:${c.payoutId}`).sort()).toEqual(items.map((i) => `${i.commissionId}:${i.payoutId}`).sort());
    await expectLedgerConsistent(db, { now: new Date() });
    console.log(`two processes (${testDialect}): ${storm.events.length} events delivered to both (${storm.events.length * 2} requests, all 200), ${payoutAnswers.length} payout runs, ${payouts.length} payouts holding ${items.length} rows, each once`);
  }, 180_000);
});
