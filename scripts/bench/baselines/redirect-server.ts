// The redirect's bare baseline (issue 9): Express 5, better-sqlite3 with WAL and synchronous=NORMAL, two
// statements prepared once. One indexed SELECT (the same join the app does), one INSERT of the same
// row shape, a cookie, a 302. No logging, no IP hashing, no URL parsing: the floor the app is measured against.
// Usage: node redirect-server.js <port> <sqlite file>
import crypto from 'node:crypto';
import express from 'express';
import SQLite from 'better-sqlite3';

const [port, file] = process.argv.slice(2);
const db = new SQLite(file!);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');

const find = db.prepare(`select l.id, l.merchant_id, l.partner_id, l.destination_url, p.code, s.destination_url as site_url, s.cookie_days
  from links l join partners p on p.id = l.partner_id join program_settings s on s.merchant_id = l.merchant_id where l.slug = ?`);
const insert = db.prepare(`insert into clicks (id, merchant_id, partner_id, link_id, created_at, repeat_since, expires_at, referrer, user_agent,
  ip_hash, landing_url, is_bot, earning, not_earning_reason, source) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1, null, 'link')`);

type Link = { id: string; merchant_id: string; partner_id: string; destination_url: string | null; code: string; site_url: string; cookie_days: number };

const app = express();
app.disable('x-powered-by');
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.get('/r/:slug', (req, res) => {
  const link = find.get(req.params.slug.toLowerCase()) as Link | undefined;
  if (!link) return res.status(404).end();
  const id = `clk_${crypto.randomBytes(15).toString('base64url')}`;
  const now = Date.now();
  const location = `${link.destination_url ?? link.site_url}?via=${link.code}&referral=${id}`;
  insert.run(id, link.merchant_id, link.partner_id, link.id, new Date(now).toISOString(), new Date(now - 1_800_000).toISOString(), new Date(now + link.cookie_days * 86_400_000).toISOString(), req.get('referer') ?? null, req.get('user-agent') ?? null, req.ip ?? null, location);
  res.cookie('refcut_ref', id, { maxAge: link.cookie_days * 86_400_000, httpOnly: true, sameSite: 'lax' });
  res.redirect(302, location);
});
app.listen(Number(port), '127.0.0.1');
