// A test app like buildTestAppWithStripe's, but whose Stripe client gives up on a hung request after a
// short timeout (the production client waits 20 s), so hangs can be injected without slow tests.
import { Writable } from 'node:stream';
import { createApp } from '../../server/app';
import { createLogger } from '../../server/lib/logger';
import { createStripe } from '../../server/stripe/client';
import { FakeStripe, setBuilderClock } from '../fake-stripe';
import { buildTestApp } from '../helpers/app';
import type { StripeTestApp } from '../helpers/stripe';

export const STRIPE_TIMEOUT_MS = 400;

export async function buildFaultApp(): Promise<StripeTestApp> {
  const fake = await FakeStripe.start();
  // The plain test app provides the database, config and clock; the app under test is built on them.
  const base = await buildTestApp({ env: { STRIPE_API_BASE: fake.url, STRIPE_CONNECT_BASE: 'https://connect.stripe.test' } });
  await base.app.jobs.stop();
  const rawLogs: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      const line = String(chunk);
      rawLogs.push(line);
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        /* keep the raw line only */
      }
      cb();
    },
  });
  const stripe = createStripe(base.config, { maxNetworkRetries: 0, timeout: STRIPE_TIMEOUT_MS });
  const app = createApp({ db: base.db, config: base.config, clock: base.clock, stripe, logger: createLogger(base.config.logLevel, sink) });
  setBuilderClock(() => base.clock.now());
  return {
    ...base,
    app,
    http: app.express,
    stripe,
    logs,
    rawLogs,
    fake,
    close: async () => {
      await app.jobs.stop();
      await fake.close();
      await base.db.close();
    },
  };
}
