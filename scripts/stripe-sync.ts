// npm run stripe:sync -- --account acct_… --since 2026-11-01
// Catch up on a connected account's events the webhook endpoint missed (Stripe keeps 30 days), store the
// new ones and process everything that is due. Safe to run again: stored events are skipped.
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config';
import { createDb } from '../db';
import { migrateToLatest } from '../db/migrate';
import { createLogger } from '../server/lib/logger';
import { systemClock } from '../server/lib/clock';
import { Jobs } from '../server/jobs';
import { createStripe } from '../server/stripe/client';
import { syncAccountEvents } from '../server/stripe/service';
import { createEventWorker } from '../server/stripe/worker';
import { findActiveConnectionByAccount } from '../server/connect/store';

const USAGE = 'Usage: npm run stripe:sync -- --account acct_… --since YYYY-MM-DD';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { account: { type: 'string' }, since: { type: 'string' } }, strict: true });
  const account = values.account ?? '';
  const since = new Date(/^\d{4}-\d{2}-\d{2}$/.test(values.since ?? '') ? `${values.since}T00:00:00Z` : (values.since ?? ''));
  if (!/^acct_\w+$/.test(account) || Number.isNaN(since.getTime())) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = createDb(config.databaseUrl);
  try {
    await migrateToLatest(db.kysely);
    const stripe = createStripe(config);
    if (!(await findActiveConnectionByAccount(db.kysely, account))) {
      console.warn(`Warning: ${account} is not connected to any merchant here; its events will be stored and marked "unknown_account".`);
    }
    const deps = { db: db.kysely, clock: systemClock, stripe, logger };
    const result = await syncAccountEvents(deps, account, since);
    // Handlers may kick other jobs (e.g. outbound deliveries); the running server's timers pick those up.
    const worker = createEventWorker({ ...deps, jobs: new Jobs(logger) });
    let processed = 0;
    for (let n = await worker.run(); n > 0; n = await worker.run()) processed += n;
    console.log(`${account}: ${result.fetched} events since ${result.since.toISOString().slice(0, 10)}, ${result.stored} new; ${processed} processed.`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
