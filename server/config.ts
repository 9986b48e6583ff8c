// The only module that reads process.env. Everything else receives a frozen Config.
import { z } from 'zod';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const DEV_SESSION_SECRET = 'dev-only-session-secret-change-me-0123456789';
const DEV_STRIPE_KEY = 'sk_test_dev_placeholder';
const DEV_CLIENT_ID = 'ca_dev_placeholder';
const DEV_WEBHOOK_SECRET = 'whsec_dev_placeholder';

const DEFAULT_STRIPE_API_BASE = 'https://api.stripe.com';
const DEFAULT_STRIPE_CONNECT_BASE = 'https://connect.stripe.com';

// Express's own trust compiler (a dependency of express, resolved from there so it is the very copy Express
// uses): a value it rejects is reported as a config error here instead of crashing app.set() later.
const proxyAddr = createRequire(require.resolve('express'))('proxy-addr') as { compile(val: string[]): unknown };

/** Express `trust proxy`: a hop count, true/false, or the proxies' names (loopback, uniquelocal…), addresses and CIDRs. */
export type TrustProxy = number | boolean | string[];

const trustProxy = z.string().transform((v, ctx): TrustProxy => {
  const value = v.trim();
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  const list = value.split(',').map((s) => s.trim());
  try {
    proxyAddr.compile(list);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `must be a hop count, true, false, or comma-separated names/addresses/CIDRs (${(err as Error).message})` });
    return z.NEVER;
  }
  return list;
});

const url = (name: string) =>
  z.string().refine((v) => /^https?:\/\/[^\s]+$/.test(v) && URL.canParse(v), `${name} must be an http(s) URL`);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: url('PUBLIC_URL').optional(),
  DATABASE_URL: z.string().min(1).default('./data/app.db'),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_(test|live)_\S+$/, 'STRIPE_SECRET_KEY must look like sk_test_… or sk_live_…').optional(),
  STRIPE_CLIENT_ID: z.string().regex(/^ca_\S+$/, 'STRIPE_CLIENT_ID must look like ca_…').optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .refine((v) => v.split(',').every((s) => /^whsec_\S+$/.test(s.trim())), 'STRIPE_WEBHOOK_SECRET must be whsec_… values separated by commas')
    .optional(),
  STRIPE_API_BASE: url('STRIPE_API_BASE').default(DEFAULT_STRIPE_API_BASE),
  STRIPE_CONNECT_BASE: url('STRIPE_CONNECT_BASE').default(DEFAULT_STRIPE_CONNECT_BASE),
  /** Benchmarks and tests only: lets NODE_ENV=production talk to a fake Stripe. */
  REFCUT_ALLOW_FAKE_STRIPE: z.enum(['0', '1']).default('0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  TRUST_PROXY: trustProxy.default(['loopback']),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  API_RATE_LIMIT_GET: z.coerce.number().int().min(1).max(1_000_000).default(120),
  API_RATE_LIMIT_POST: z.coerce.number().int().min(1).max(1_000_000).default(30),
  SMTP_URL: z.string().refine((v) => /^smtps?:\/\/[^\s]+$/.test(v) && URL.canParse(v), 'SMTP_URL must look like smtp://user:pass@host:587 or smtps://…').optional(),
  MAIL_FROM: z.string().trim().min(3).max(200).optional(),
  OUTBOUND_ALLOW_PRIVATE: z.enum(['true', 'false'], 'OUTBOUND_ALLOW_PRIVATE must be true or false').optional(),
  REDIS_URL: z.string().refine((v) => /^rediss?:\/\/[^\s]*$/.test(v) && URL.canParse(v), 'REDIS_URL must look like redis://host:6379 or rediss://…').optional(),
  BACKGROUND_JOBS: z.enum(['thread', 'inline'], 'BACKGROUND_JOBS must be thread or inline').optional(),
  REDIS_PREFIX: z.string().regex(/^[\w.:-]{1,64}$/, 'REDIS_PREFIX must be 1-64 letters, digits, _ . : or -').default('refcut:'),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string;
  /** PostgreSQL connections per process (ignored on SQLite). */
  databasePoolSize: number;
  sessionSecret: string;
  stripe: {
    secretKey: string;
    clientId: string;
    webhookSecrets: string[];
    apiBase: string;
    connectBase: string;
  };
  logLevel: string;
  webConcurrency: number;
  trustProxy: TrustProxy;
  /** REST API requests allowed per API key per minute: reads (GET) and writes (POST/PUT/PATCH/DELETE). */
  api: { rateLimitGet: number; rateLimitPost: number };
  /** Outgoing email: SMTP server (null: emails are logged and shown on the Outbox page instead) and sender. */
  mail: { smtpUrl: string | null; from: string };
  /** Outbound webhooks: may deliveries reach loopback, private and other internal addresses? (default: only outside production) */
  outbound: { allowPrivate: boolean };
  /**
   * Where `npm start` runs background jobs: in a worker thread of each process (default on PostgreSQL) or on
   * the request thread (default on SQLite, whose single write lock the two threads would contend for:
   * docs/performance.md section 2 has the figures).
   */
  backgroundJobs: 'thread' | 'inline';
  /** Sessions and rate-limit counters in Redis instead of the database (null: the database). */
  redis: { url: string; prefix: string } | null;
  /** Secrets that fell back to development defaults (reported loudly at start-up). */
  defaultedSecrets: string[];
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parse an environment into a Config. Throws ConfigError with one line per bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`));
  }
  const e = parsed.data;
  const defaulted: string[] = [];
  const secret = <T extends string>(name: string, value: T | undefined, fallback: string) => {
    if (value) return value;
    defaulted.push(name);
    return fallback;
  };
  const config: Config = {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    sessionSecret: secret('SESSION_SECRET', e.SESSION_SECRET, DEV_SESSION_SECRET),
    stripe: {
      secretKey: secret('STRIPE_SECRET_KEY', e.STRIPE_SECRET_KEY, DEV_STRIPE_KEY),
      clientId: secret('STRIPE_CLIENT_ID', e.STRIPE_CLIENT_ID, DEV_CLIENT_ID),
      webhookSecrets: secret('STRIPE_WEBHOOK_SECRET', e.STRIPE_WEBHOOK_SECRET, DEV_WEBHOOK_SECRET)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      apiBase: e.STRIPE_API_BASE.replace(/\/+$/, ''),
      connectBase: e.STRIPE_CONNECT_BASE.replace(/\/+$/, ''),
    },
    logLevel: e.LOG_LEVEL,
    webConcurrency: e.WEB_CONCURRENCY,
    trustProxy: e.TRUST_PROXY,
    api: { rateLimitGet: e.API_RATE_LIMIT_GET, rateLimitPost: e.API_RATE_LIMIT_POST },
    mail: { smtpUrl: e.SMTP_URL ?? null, from: e.MAIL_FROM ?? `Refcut <no-reply@${new URL(e.PUBLIC_URL ?? 'http://localhost').hostname}>` },
    outbound: { allowPrivate: e.OUTBOUND_ALLOW_PRIVATE === undefined ? e.NODE_ENV !== 'production' : e.OUTBOUND_ALLOW_PRIVATE === 'true' },
    backgroundJobs: e.BACKGROUND_JOBS ?? (/^postgres(ql)?:\/\//i.test(e.DATABASE_URL) ? 'thread' : 'inline'),
    redis: e.REDIS_URL ? { url: e.REDIS_URL, prefix: e.REDIS_PREFIX } : null,
    defaultedSecrets: defaulted,
  };
  if (config.env === 'production') {
    const problems = productionProblems(e, defaulted);
    if (problems.length > 0) throw new ConfigError(problems);
  }
  return Object.freeze(config);
}

function productionProblems(e: z.infer<typeof EnvSchema>, defaulted: string[]): string[] {
  const problems = defaulted.map((name) => `${name}: required when NODE_ENV=production`);
  // The localhost fallback would put localhost in OAuth redirect URIs and links, and drop Secure cookies.
  if (!e.PUBLIC_URL) problems.push('PUBLIC_URL: required when NODE_ENV=production (the address people reach this server at)');
  if (e.REFCUT_ALLOW_FAKE_STRIPE !== '1') {
    const bases = [
      ['STRIPE_API_BASE', e.STRIPE_API_BASE, DEFAULT_STRIPE_API_BASE],
      ['STRIPE_CONNECT_BASE', e.STRIPE_CONNECT_BASE, DEFAULT_STRIPE_CONNECT_BASE],
    ] as const;
    for (const [name, value, fallback] of bases) {
      if (value.replace(/\/+$/, '') !== fallback) problems.push(`${name}: must be ${fallback} when NODE_ENV=production (other values are for test fakes)`);
    }
  }
  return problems;
}

/** Read `.env` (if present) without overriding variables already set, then parse process.env. */
export function loadConfig(envFile = '.env'): Config {
  if (fs.existsSync(envFile)) process.loadEnvFile(envFile);
  return parseConfig(process.env);
}
