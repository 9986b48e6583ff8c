// The webhook intake's bare baseline (issue 9): Express 5, the raw body, the SDK's signature check, and
// the event inserted (once, keyed by its id) in one transaction on better-sqlite3 with WAL and
// synchronous=NORMAL, statement prepared once. No logging, no envelope validation, no merchant lookup.
// Usage: node webhook-server.js <port> <sqlite file> <whsec>
import express from 'express';
import SQLite from 'better-sqlite3';
import Stripe from 'stripe';

const [port, file, secret] = process.argv.slice(2);
const db = new SQLite(file!);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const stripe = new Stripe('sk_test_baseline');

const insert = db.prepare(`insert into stripe_events (id, account_id, type, object_id, livemode, api_version, created, payload, source, received_at, status, attempts)
  values (?, ?, ?, ?, ?, ?, ?, ?, 'webhook', ?, 'pending', 0) on conflict (id) do nothing`);
const store = db.transaction((e: Stripe.Event, payload: string) =>
  insert.run(e.id, e.account ?? null, e.type, (e.data.object as { id?: string }).id ?? null, e.livemode ? 1 : 0, e.api_version ?? null, new Date(e.created * 1000).toISOString(), payload, new Date().toISOString()),
);

const app = express();
app.disable('x-powered-by');
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.post('/webhooks/stripe', express.raw({ type: () => true, limit: '1mb' }), (req, res) => {
  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(req.body as Buffer, req.get('stripe-signature') ?? '', secret!);
  } catch {
    return res.status(400).end();
  }
  store(event, (req.body as Buffer).toString('utf8'));
  res.json({ received: true });
});
app.listen(Number(port), '127.0.0.1');
