// npm run demo: Refcut with ninety days of a real-looking affiliate program, in one command.
// The real server starts on its own SQLite file (./data/demo.db, recreated each run) with the fake
// Stripe from the test suite in the same process; the seed signs up a merchant, connects Stripe through
// the OAuth round trip, and replays the Stripe history as signed webhooks. See docs/demo.md.
import fs from 'node:fs';
import net from 'node:net';
import { ConfigError, loadConfig, parseConfig, type Config } from '../server/config';
import { start } from '../server/main';
import { systemClock } from '../server/lib/clock';
import { createStripe } from '../server/stripe/client';
import { formatMoney } from '../server/lib/money';
import { FakeStripe } from '../test/fake-stripe';
import { startAuthorizePage } from './demo/authorize-page';
import { DEALS, DEMO_ACCOUNT } from './demo/cast';
import { seedDemo, type SeedResult } from './demo/seed';

const DB_FILE = './data/demo.db';

function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

function demoConfig(port: number, fake: FakeStripe, connectBase: string): Config {
  // Fixed, public secrets: fine for a local demo bound to 127.0.0.1, never for a real deployment.
  return parseConfig({
    NODE_ENV: 'development',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://localhost:${port}`,
    DATABASE_URL: DB_FILE,
    SESSION_SECRET: 'refcut-demo-session-secret-not-for-production',
    STRIPE_SECRET_KEY: 'sk_test_refcut_demo_platform',
    STRIPE_CLIENT_ID: 'ca_refcut_demo',
    STRIPE_WEBHOOK_SECRET: 'whsec_refcut_demo',
    STRIPE_API_BASE: fake.url,
    STRIPE_CONNECT_BASE: connectBase,
    LOG_LEVEL: 'warn',
  });
}

async function moneySummary(result: SeedResult, db: Parameters<typeof seedDemo>[0]['db']): Promise<string[]> {
  const rows = await db
    .selectFrom('commissions')
    .select(['currency', 'status', (eb) => eb.fn.sum<number>('net').as('net')])
    .where('merchantId', '=', result.merchantId)
    .groupBy(['currency', 'status'])
    .orderBy('currency')
    .orderBy('status')
    .execute();
  const byCurrency = new Map<string, string[]>();
  for (const r of rows) byCurrency.set(r.currency, [...(byCurrency.get(r.currency) ?? []), `${r.status} ${formatMoney(Number(r.net), r.currency)}`]);
  return [...byCurrency].map(([currency, parts]) => `${currency.toUpperCase()}: ${parts.join(', ')}`);
}

/** A one-time partner portal link, generated the way the merchant does it: the button on the partner's page. */
async function portalLink(result: SeedResult, partnerId: string): Promise<string> {
  const res = await result.client.submit(`/partners/${partnerId}/portal-link`, {}, `/partners/${partnerId}`);
  const url = /https?:\/\/[^"\s<]+\/enter\?token=[A-Za-z0-9]+/.exec(await res.text())?.[0];
  return url ?? `(no link: the portal-link page answered ${res.status})`;
}

async function main(): Promise<void> {
  const began = Date.now();
  let port: number;
  try {
    port = loadConfig().port;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  if (!(await portIsFree(port, '127.0.0.1'))) {
    console.error(`Port ${port} is already in use. Stop what runs there, or pick another port: PORT=3100 npm run demo`);
    process.exit(1);
  }

  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${DB_FILE}${suffix}`, { force: true });
  const fake = await FakeStripe.start();
  const authorize = await startAuthorizePage(fake, { account: () => DEMO_ACCOUNT });
  const config = demoConfig(port, fake, authorize.url);
  console.log(`Refcut demo: starting on ${config.publicUrl} with a fresh ${DB_FILE} and a fake Stripe at ${fake.url}`);
  const server = await start(config);

  const shutdown = async (code: number) => {
    await server.stop().catch(() => undefined);
    await authorize.close();
    await fake.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  let result: SeedResult;
  try {
    result = await seedDemo({
      baseUrl: config.publicUrl,
      db: server.db.kysely,
      clock: systemClock,
      fake,
      stripe: createStripe(config, { maxNetworkRetries: 0 }),
      webhookSecret: config.stripe.webhookSecrets[0]!,
      log: (line) => console.log(`  · ${line} (${((Date.now() - began) / 1000).toFixed(1)} s)`),
    });
  } catch (err) {
    console.error('\nThe demo could not be seeded:', err);
    await shutdown(1);
    return;
  }
  const money = await moneySummary(result, server.db.kysely);
  const maya = result.partners.find((p) => p.code === 'maya')!;
  const portalUrl = await portalLink(result, maya.id);
  const h = result.history;
  console.log(
    [
      '',
      `Refcut demo is ready in ${((Date.now() - began) / 1000).toFixed(1)} s.`,
      '',
      `  Open      ${config.publicUrl}/login`,
      `  Email     ${result.email}`,
      `  Password  ${result.password}`,
      '',
      `  Partner portal as ${maya.name} (one-time link, valid 24 hours; more from any partner's page):`,
      `  ${portalUrl}`,
      '',
      `  ${result.partners.length} partners, ${result.clicks.toLocaleString('en-US')} clicks over 90 days; ${result.applications} applications and ${DEALS.filter((d) => !d.accept).length} registered deals wait for you.`,
      `  ${result.events} signed Stripe events through POST /webhooks/stripe: ${h.referredSales} referred and ${h.unattributedSales} unattributed sales,`,
      `  ${h.subscriptions} subscriptions (${h.trials} in trial) with ${h.renewals} renewals, ${h.cancellations} cancellations, ${h.refunds} refunds, ${h.disputes} disputes, ${h.eurSales} sales in EUR.`,
      `  Commissions (net, by status): ${money.join(' · ')}`,
      `  ${result.payoutsPaid} payouts went out in earlier monthly runs; what is approved since waits on the Payouts page.`,
      `  Follow a partner link into the example store: REFCUT_PROGRAM_ID=${result.publicId} node examples/store/server.js`,
      `  then open ${config.publicUrl}/r/maya (the program's destination is http://localhost:4242/).`,
      '',
      'Press Ctrl+C to stop. The next run starts from scratch.',
    ].join('\n'),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
