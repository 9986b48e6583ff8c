// Servers under test run as their own processes: the app compiled as `npm start` compiles it (tsc) and
// started in production mode, and the bare baselines from the same build. Each may be pinned to a core.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { BENCH_DIR, REPO_ROOT } from './paths';

export const BUILD_DIR = path.join(BENCH_DIR, 'build');
const DIST = path.join(BUILD_DIR, 'dist');

export const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Pin this process (the load generator) to `cpus` ("1", "0-1"). */
export function pinSelf(cpus: string): void {
  if (hasTaskset) execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
}

/**
 * Compile the app, the bare baselines and the fake Stripe with the project's compiler into a private
 * folder (the repository's dist/ stays untouched). node_modules and web/ are linked, so the compiled app
 * finds its packages and static files as `npm start` does.
 */
export function build(log: (l: string) => void = console.log): void {
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  const tsconfig = path.join(BUILD_DIR, 'tsconfig.json');
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: path.join(REPO_ROOT, 'tsconfig.build.json'),
      compilerOptions: { outDir: DIST, rootDir: REPO_ROOT, sourceMap: false, noEmitOnError: false, typeRoots: [path.join(REPO_ROOT, 'node_modules/@types')] },
      include: ['server', 'db', 'web/views', 'scripts/bench', 'test/fake-stripe'].map((d) => path.join(REPO_ROOT, d)),
      exclude: [path.join(REPO_ROOT, 'node_modules'), path.join(REPO_ROOT, '**/*.test.ts')],
    }),
  );
  const t0 = Date.now();
  try {
    execFileSync(path.join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', tsconfig], { cwd: REPO_ROOT, stdio: 'pipe' });
  } catch (err) {
    // Type errors still emit JavaScript (as `npm start` does); only a missing entry point is fatal.
    const out = String((err as { stdout?: Buffer }).stdout ?? '');
    log(`  tsc reported type errors (JavaScript emitted anyway):\n${out.split('\n').slice(0, 5).join('\n')}`);
  }
  if (!fs.existsSync(path.join(DIST, 'server/main.js'))) throw new Error('build failed: no server/main.js');
  for (const name of ['node_modules', 'web']) {
    const link = path.join(BUILD_DIR, name);
    if (!fs.existsSync(link)) fs.symlinkSync(path.join(REPO_ROOT, name), link);
  }
  log(`  built in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${DIST}`);
}

export const distPath = (rel: string) => path.join(DIST, rel);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Proc {
  name: string;
  pid: number;
  url: string;
  child: ChildProcess;
  /** Resident memory (kB) of the process and its children (cluster workers). */
  rssKb(): number;
  stop(): Promise<void>;
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
function childrenOf(pid: number): number[] {
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((tid) => fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

export interface StartOptions {
  name: string;
  /** Path of the compiled entry point (relative to the build). */
  entry: string;
  args?: string[];
  env: Record<string, string>;
  /** Cores for taskset, e.g. "0". */
  cpus?: string;
  /** Where stdout and stderr go (the app logs one JSON line per request at `info`). */
  logFile: string;
  /** Answers 200 when ready. */
  readyPath: string;
  port: number;
}

export async function startProcess(o: StartOptions): Promise<Proc> {
  const out = fs.openSync(o.logFile, 'a');
  // BENCH_NODE_ARGS (say "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the started processes; unset in reported runs.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const node = [process.execPath, ...nodeArgs, distPath(o.entry), ...(o.args ?? [])];
  const argv = o.cpus && hasTaskset ? ['taskset', '-c', o.cpus, ...node] : node;
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: BUILD_DIR,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...o.env },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const url = `http://127.0.0.1:${o.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${o.name} exited with ${child.exitCode}; see ${o.logFile}`);
    try {
      const res = await fetch(url + o.readyPath);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${o.name} did not become ready; see ${o.logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const pid = child.pid!;
  return {
    name: o.name,
    pid,
    url,
    child,
    rssKb: () => [pid, ...childrenOf(pid)].reduce((s, p) => s + rssOf(p), 0),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

/** Samples a process's RSS every 100 ms while `during` runs; returns its result and the peak (kB). */
export async function withRssPeak<T>(p: Proc, during: () => Promise<T>): Promise<{ result: T; peakKb: number }> {
  let peakKb = p.rssKb();
  const timer = setInterval(() => (peakKb = Math.max(peakKb, p.rssKb())), 100);
  try {
    const result = await during();
    peakKb = Math.max(peakKb, p.rssKb());
    return { result, peakKb };
  } finally {
    clearInterval(timer);
  }
}

/** The environment the app gets in production (secrets set, logging at info), on this port and database. */
export function appEnv(o: { port: number; databaseUrl: string; webConcurrency?: number; stripeApiBase?: string; webhookSecret?: string }): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PORT: String(o.port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${o.port}`,
    DATABASE_URL: o.databaseUrl,
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef0123456789',
    STRIPE_SECRET_KEY: 'sk_test_bench_platform',
    STRIPE_CLIENT_ID: 'ca_bench_platform',
    STRIPE_WEBHOOK_SECRET: o.webhookSecret ?? 'whsec_bench_secret',
    // Production mode refuses a fake Stripe unless told this is a benchmark.
    ...(o.stripeApiBase ? { STRIPE_API_BASE: o.stripeApiBase, REFCUT_ALLOW_FAKE_STRIPE: '1' } : {}),
    LOG_LEVEL: 'info',
    WEB_CONCURRENCY: String(o.webConcurrency ?? 1),
    // To compare where background jobs run (docs/performance.md): BACKGROUND_JOBS=inline npm run bench:…
    ...(process.env.BACKGROUND_JOBS ? { BACKGROUND_JOBS: process.env.BACKGROUND_JOBS } : {}),
  };
}
