// Stripe-style form/query parameters (`created[gte]=1`, `expand[0]=payments`, `payment[type]=…`) → nested objects.

export type Params = { [key: string]: ParamValue };
export type ParamValue = string | ParamValue[] | Params;

/** Parse `a[b][0]=v` pairs into nested objects; objects whose keys are all indexes become arrays. */
export function parseParams(search: URLSearchParams): Params {
  const root: Params = {};
  for (const [rawKey, value] of search) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    if (!m) continue;
    const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)];
    let node: Params = root;
    path.forEach((key, i) => {
      const k = key === '' ? String(Object.keys(node).length) : key;
      if (i === path.length - 1) node[k] = value;
      else {
        if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
        node = node[k] as Params;
      }
    });
  }
  return arrayify(root) as Params;
}

function arrayify(v: ParamValue): ParamValue {
  if (typeof v === 'string' || Array.isArray(v)) return v;
  const keys = Object.keys(v);
  const out: Params = {};
  for (const k of keys) out[k] = arrayify(v[k]!);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) return keys.sort((a, b) => Number(a) - Number(b)).map((k) => out[k]!);
  return out;
}

export const str = (v: ParamValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
export const strList = (v: ParamValue | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);
