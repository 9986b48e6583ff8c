// An open-loop load at a fixed rate, evenly paced: request i is due at start + i / rate, whatever happened
// to the requests before it. autocannon's `overallRate` is not that: each connection sends its share of
// the second back to back as soon as the second starts, then waits for the next one, so its "fixed 500/s"
// is a burst of 500 requests every second and its p99 measures how long the server takes to drain that burst.
// Latency here counts from the moment a request was due, so a request that waited for a free connection or
// for a late timer in this process is charged the wait (no coordinated omission).
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { percentile, type LoadOptions, type LoadResult } from './load';

export async function runPaced(o: LoadOptions & { rate: number }): Promise<LoadResult> {
  const target = new URL(o.url);
  // Requests beyond the open connections queue in the agent, their wait counted in their latency.
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  const total = Math.round(o.rate * o.durationS);
  const interval = 1000 / o.rate;
  const latencies = new Float64Array(total);
  const statuses: Record<string, number> = {};
  let done = 0;
  let errors = 0;
  let sent = 0;
  const start = performance.now();

  await new Promise<void>((resolve) => {
    const finished = () => {
      if (++done === total) resolve();
    };
    const fire = (due: number) => {
      const r = o.next();
      const headers: Record<string, string | number> = { ...o.headers, ...r.headers };
      if (r.body !== undefined) headers['content-length'] = Buffer.byteLength(r.body);
      const req = http.request({ agent, host: target.hostname, port: target.port, path: r.path, method: o.method ?? 'GET', headers }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies[done] = performance.now() - due;
          const cls = `${String(res.statusCode).charAt(0)}xx`;
          statuses[cls] = (statuses[cls] ?? 0) + 1;
          finished();
        });
      });
      req.on('error', () => {
        errors++;
        latencies[done] = performance.now() - due;
        finished();
      });
      req.end(r.body);
    };
    // Send every request that is due, then sleep until the next one is (timers fire up to ~1 ms late; the
    // lateness is charged to the request, as a real client's would be).
    const pump = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) fire(start + sent++ * interval);
      if (sent < total) setTimeout(pump, Math.max(0, start + sent * interval - performance.now()));
    };
    pump();
  });
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  const sorted = latencies.sort();
  return {
    requests: total - errors,
    seconds,
    rps: (total - errors) / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    statuses,
    errors,
    timeouts: 0,
  };
}
