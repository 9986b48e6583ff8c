// A DOM-less stand-in for a merchant's page, enough to run web/public/refcut.js in a vm sandbox.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import type { Clock } from '../../server/lib/clock';

export const SNIPPET_SOURCE = fs.readFileSync(path.join(__dirname, '../../web/public/refcut.js'), 'utf8');

export interface CookieWrite {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
}

export class FakeElement {
  attributes: Record<string, string>;
  value = '';
  constructor(
    public tag: string,
    attributes: Record<string, string> = {},
  ) {
    this.attributes = { ...attributes };
  }
  getAttribute(name: string) {
    return this.attributes[name] ?? null;
  }
  setAttribute(name: string, value: string) {
    this.attributes[name] = value;
  }
}

export type FakeFetch = (url: string, init: { method: string; headers: Record<string, string>; body: string; credentials?: string }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** Load the snippet as a page at `url` would, with a cookie jar, elements, a fetch and an optional config. */
export function runSnippet(opts: {
  url: string;
  clock: Clock;
  fetch: FakeFetch;
  programId: string;
  cookies?: Record<string, string>;
  elements?: FakeElement[];
  config?: Record<string, unknown>;
  referrer?: string;
}) {
  const jar = new Map<string, string>(Object.entries(opts.cookies ?? {}));
  const writes: CookieWrite[] = [];
  const fetches: { url: string; body: Record<string, unknown>; headers: Record<string, string>; credentials?: string }[] = [];
  const elements = opts.elements ?? [];
  const script = new FakeElement('script', { src: 'http://refcut.test/refcut.js', 'data-program': opts.programId });
  (script as unknown as { src: string }).src = 'http://refcut.test/refcut.js';

  const document = {
    currentScript: script,
    referrer: opts.referrer ?? '',
    readyState: 'complete',
    addEventListener() {},
    querySelector: (sel: string) => (sel === 'script[data-program]' ? script : null),
    querySelectorAll: (sel: string) => {
      if (sel === 'a[href]') return elements.filter((e) => e.tag === 'a' && e.getAttribute('href') !== null);
      if (sel === 'stripe-pricing-table, stripe-buy-button') return elements.filter((e) => e.tag === 'stripe-pricing-table' || e.tag === 'stripe-buy-button');
      if (sel === 'input[data-refcut-referral]') return elements.filter((e) => e.tag === 'input' && e.getAttribute('data-refcut-referral') !== null);
      throw new Error(`unexpected selector ${sel}`);
    },
    get cookie() {
      return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    },
    set cookie(text: string) {
      const [pair, ...attrs] = text.split(/;\s*/);
      const eq = pair!.indexOf('=');
      const write: CookieWrite = { name: pair!.slice(0, eq), value: pair!.slice(eq + 1), attributes: {} };
      for (const a of attrs) {
        const i = a.indexOf('=');
        write.attributes[i === -1 ? a : a.slice(0, i)] = i === -1 ? true : a.slice(i + 1);
      }
      writes.push(write);
      if (write.attributes['Max-Age'] === '0') jar.delete(write.name);
      else jar.set(write.name, write.value);
    },
  };
  const window: Record<string, unknown> = {
    location: new URL(opts.url),
    refcutConfig: opts.config,
    fetch: (url: string, init: Parameters<FakeFetch>[1]) => {
      fetches.push({ url, body: JSON.parse(init.body) as Record<string, unknown>, headers: init.headers, credentials: init.credentials });
      return opts.fetch(url, init);
    },
  };
  const clock = opts.clock;
  class ClockDate extends Date {
    static override now() {
      return clock.now().getTime();
    }
  }
  vm.runInNewContext(SNIPPET_SOURCE, { window, document, URL, URLSearchParams, Date: ClockDate, console }, { filename: 'refcut.js' });
  const refcut = window.refcut as { referral: string | null; ready(): Promise<string | null>; grantConsent(): Promise<string | null>; decorate(): number; getReferral(): string | null; version: number };
  return { refcut, jar, writes, fetches, elements };
}
