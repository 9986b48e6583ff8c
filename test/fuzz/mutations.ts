// Payload mutations for the fuzz suites: each takes a JSON value and returns a damaged copy.
import fc from 'fast-check';

export type Mutation = (value: unknown) => unknown;

type Json = Record<string, unknown> | unknown[];

/** Every path to a value inside `v` (object keys and array indexes). */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (v && typeof v === 'object') {
    for (const [k, child] of Object.entries(v as Json)) {
      const p = [...prefix, Array.isArray(v) ? Number(k) : k];
      out.push(p);
      if (out.length < 2000) paths(child, p, out);
    }
  }
  return out;
}

function setAt(root: unknown, path: (string | number)[], f: (parent: Json, key: string | number) => void): unknown {
  const copy = structuredClone(root);
  let node = copy as Json;
  for (const k of path.slice(0, -1)) node = (node as Record<string, unknown>)[k as string] as Json;
  if (node && typeof node === 'object') f(node, path[path.length - 1]!);
  return copy;
}

/** Values a careless or hostile sender could put anywhere. */
export const oddValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(-1, -5000, 0, 1e21, Number.MAX_SAFE_INTEGER + 2, 0.5, -0.0001, '', ' ', '5000', 'NaN', null, true, [], {}),
    fc.constantFrom('xyz', 'USD', 'us', 'usdd', 'btc', '€', '💶'),
    fc.string({ unit: 'grapheme', maxLength: 60 }),
    fc.constantFrom('javascript:alert(1)', '<script>alert(1)</script>', '\u0000', '\r\nSet-Cookie: a=b', '../../etc/passwd', "' or 1=1 --", 'clk_' + 'x'.repeat(300), 'aff_doesnotexist', 'JANE', ' jane '),
  );

/** One mutation: replace a value, drop a key, blow up metadata, or pick a money field and break it. */
export const mutations = (): fc.Arbitrary<Mutation> =>
  fc.oneof(
    fc.tuple(fc.nat(), oddValue()).map(([i, value]): Mutation => (v) => {
      const ps = paths(v);
      return ps.length === 0 ? value : setAt(v, ps[i % ps.length]!, (parent, key) => ((parent as Record<string, unknown>)[key as string] = value));
    }),
    fc.nat().map((i): Mutation => (v) => {
      const ps = paths(v);
      return ps.length === 0 ? v : setAt(v, ps[i % ps.length]!, (parent, key) => (Array.isArray(parent) ? parent.splice(Number(key), 1) : delete (parent as Record<string, unknown>)[key as string]));
    }),
    fc.integer({ min: 1, max: 400 }).map((n): Mutation => (v) => {
      const huge = Object.fromEntries(Array.from({ length: n }, (_, i) => [`key_${i}`, 'v'.repeat(500)]));
      return withField(v, 'metadata', { referral: 'jane', ...huge });
    }),
    fc.constantFrom('amount', 'amount_total', 'amount_paid', 'amount_refunded', 'total', 'total_excluding_tax', 'amount_subtotal').chain((field) =>
      fc.constantFrom(-5000, -1, 0, 2 ** 53, 1.5, '100', null).map((value): Mutation => (v) => withField(v, field, value)),
    ),
    fc.constantFrom('xyz', 'USD', '', 'btc', 'jpy', 'kwd', null, 5).map((currency): Mutation => (v) => withField(v, 'currency', currency)),
  );

/** Set `field` on the event's object (data.object), or on the value itself when it has no such shape. */
function withField(v: unknown, field: string, value: unknown): unknown {
  const copy = structuredClone(v) as { data?: { object?: Record<string, unknown> } } & Record<string, unknown>;
  if (copy && typeof copy === 'object' && copy.data && typeof copy.data === 'object' && copy.data.object && typeof copy.data.object === 'object') copy.data.object[field] = value;
  else if (copy && typeof copy === 'object' && !Array.isArray(copy)) copy[field] = value;
  return copy;
}

/** A stack trace or an internal error leaking into a response body. */
export function hasStackTrace(text: string): boolean {
  return /\n\s+at .+:\d+:\d+|\bat (Object|async|new|Module)\.|node_modules\/|\/work\/|TypeError|ReferenceError|SyntaxError: Unexpected|SQLITE_|relation ".*" does not exist/.test(text);
}
