// The load generator: autocannon, in this (the benchmark's own) process, pinned to another core than
// the servers. Latencies are collected per response with sub-millisecond resolution (autocannon's own
// histogram rounds to whole milliseconds).
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  /** Fixed offered load (requests per second across all connections); omitted: as fast as possible. */
  rate?: number;
  /** Stop after this many requests instead of after `durationS`. */
  amount?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Called for each request: its path, and optionally body and extra headers. */
  next: () => { path: string; body?: string; headers?: Record<string, string> };
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Responses by status class, e.g. { '3xx': 51234 }. */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let n = 0;
  const instance = autocannon({
    url: o.url,
    connections: o.connections,
    ...(o.amount ? { amount: o.amount } : { duration: o.durationS }),
    ...(o.rate ? { overallRate: o.rate } : {}),
    headers: o.headers,
    requests: [
      {
        method: o.method ?? 'GET',
        setupRequest: (req: Record<string, unknown>) => {
          const r = o.next();
          return { ...req, path: r.path, ...(r.body !== undefined ? { body: r.body } : {}), ...(r.headers ? { headers: { ...(req.headers as object), ...r.headers } } : {}) };
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    if (n === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[n++] = responseTime;
  });
  const r = (await instance) as autocannon.Result & Record<string, number>;
  const sorted = latencies.subarray(0, n).sort();
  const statuses: Record<string, number> = {};
  for (const k of ['1xx', '2xx', '3xx', '4xx', '5xx']) if (r[k]) statuses[k] = r[k];
  const total = Object.values(statuses).reduce((s, x) => s + x, 0);
  return {
    requests: total,
    seconds: r.duration,
    rps: total / r.duration,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    statuses,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}
