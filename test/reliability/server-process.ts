// The real server as a child process (`tsx server/main.ts`, as `npm run dev` starts it), for the crash
// and multi-process scenarios: its port read from its start-up log line, signed deliveries to it with
// the real clock, and SIGKILL. No test-runner imports.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import Stripe from 'stripe';
import type { Db } from '../../db';
import { TEST_WEBHOOK_SECRET } from '../helpers/app';
import { testDialect } from '../helpers/db';

const ROOT = path.resolve(__dirname, '../..');
const signer = new Stripe('sk_test_signing_only');

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** Every line the process printed (its JSON logs). */
  lines: string[];
  /** POST a signed event; resolves with the status, or 0 when the connection died (the process was killed). */
  deliver(event: Stripe.Event): Promise<number>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** The URL a second process needs to reach the same database as `db` (a SQLite file, or the test's PostgreSQL schema). */
export function databaseUrlOf(db: Db, sqliteFile: string): string {
  if (testDialect === 'sqlite') return sqliteFile;
  const schema = /search_path=(\S+)/.exec(String((db.pool as unknown as { options: { options?: string } }).options.options))![1]!;
  return `${process.env.TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/** Start `server/main.ts` on a free port with this database and fake Stripe; resolves once it listens. */
export async function startServer(env: { databaseUrl: string; stripeApiBase: string; backgroundJobs?: 'thread' | 'inline' }): Promise<ServerProcess> {
  // One process (tsx as a loader, not its CLI, which would run the server in a grandchild SIGKILL cannot reach).
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      PUBLIC_URL: 'http://refcut.test',
      DATABASE_URL: env.databaseUrl,
      SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123',
      STRIPE_SECRET_KEY: 'sk_test_platform_key',
      STRIPE_CLIENT_ID: 'ca_test_platform',
      STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      STRIPE_API_BASE: env.stripeApiBase,
      LOG_LEVEL: 'info',
      ...(env.backgroundJobs ? { BACKGROUND_JOBS: env.backgroundJobs } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${lines.join('\n')}`)), 30_000);
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let i: number;
      while ((i = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        lines.push(line);
        const m = /"port":(\d+).*Refcut listening/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => lines.push(c.toString('utf8')));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${signal ?? code}) before listening:\n${lines.join('\n')}`));
    });
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  return {
    child,
    port,
    lines,
    deliver(event) {
      return new Promise<number>((resolve) => {
        const body = JSON.stringify(event);
        const signature = signer.webhooks.generateTestHeaderString({ payload: body, secret: TEST_WEBHOOK_SECRET });
        const req = http.request(
          { host: '127.0.0.1', port, path: '/webhooks/stripe', method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Stripe-Signature': signature } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
            res.on('error', () => resolve(0));
          },
        );
        req.on('error', () => resolve(0));
        req.end(body);
      });
    },
    kill(signal) {
      return new Promise<void>((resolve) => {
        agent.destroy();
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      });
    },
  };
}
