// Real-browser tests: Debian's chromium driven by playwright-core (never a downloaded browser), and the
// app in this process on an ephemeral port, wired to the fake Stripe and a stand-in for Stripe's Connect
// authorize page. A missing or broken Chromium fails the suite: these tests never skip themselves.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { FakeStripe, setBuilderClock } from '../fake-stripe';
import { buildTestApp, type TestApp } from '../helpers/app';
import { startAuthorizePage, type AuthorizePage } from '../../scripts/demo/authorize-page';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Root on CI needs --no-sandbox; the rest keep Chromium off the network and quiet. `launch()` gives the
 * browser a fresh temporary --user-data-dir of its own and deletes it on close.
 */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}. Install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH; the browser tests do not skip.`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS, timeout: 60_000 });
}

export interface BrowserApp {
  t: TestApp;
  fake: FakeStripe;
  authorize: AuthorizePage;
  /** The account the authorize page grants next. */
  grant: { account: string };
  base: string;
  close(): Promise<void>;
}

/** The app listening on 127.0.0.1 with PUBLIC_URL set to that address, so redirects and cookies match what the browser sees. */
export async function startBrowserApp(): Promise<BrowserApp> {
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake = await FakeStripe.start();
  const grant = { account: fake.addAccount() };
  const authorize = await startAuthorizePage(fake, { account: () => grant.account });
  const t = await buildTestApp({ env: { PUBLIC_URL: base, STRIPE_API_BASE: fake.url, STRIPE_CONNECT_BASE: authorize.url } });
  setBuilderClock(() => t.clock.now());
  handler = t.http;
  return {
    t,
    fake,
    authorize,
    grant,
    base,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.app.jobs.stop();
      await authorize.close();
      await fake.close();
      await t.close();
    },
  };
}

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Run axe-core inside the page (evaluated, since the CSP refuses injected script tags). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
}

const RESULTS_DIR = path.resolve(__dirname, '../../test-results/screenshots');
const DOCS_DIR = path.resolve(__dirname, '../../docs/screenshots');

/**
 * Save a screenshot under test-results/ (ignored by git); with UPDATE_SCREENSHOTS=1 also into
 * docs/screenshots/, where the README shows it.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    fs.mkdirSync(DOCS_DIR, { recursive: true });
    fs.copyFileSync(file, path.join(DOCS_DIR, `${name}.png`));
  }
  return file;
}
