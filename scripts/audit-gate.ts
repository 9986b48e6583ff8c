// CI's dependency gate: reads `npm audit --omit=dev --json` and fails on high or critical advisories
// that are not in .ci/audit-allowlist.json with a reason and an unexpired date. An audit service that
// cannot be reached (offline CI, a registry mirror without the audit endpoint) is reported, not failed.
//   npm audit --omit=dev --json > audit.json; npx tsx scripts/audit-gate.ts audit.json [.ci/audit-allowlist.json]
import fs from 'node:fs';

export interface AllowlistEntry {
  /** The advisory: its GHSA id (https://github.com/advisories/GHSA-…) or npm's numeric source id. */
  id: string;
  package?: string;
  /** Why it does not affect us (or why we accept it for now). */
  reason: string;
  /** YYYY-MM-DD: after this day the entry no longer counts and the build fails again. */
  expires: string;
}

export interface Advisory {
  id: string;
  package: string;
  severity: string;
  title: string;
  url: string;
}

export type GateResult =
  | { outcome: 'unreachable'; message: string }
  | { outcome: 'pass' | 'fail'; blocking: Advisory[]; allowed: Advisory[]; lowerSeverity: number; problems: string[] };

const BLOCKING = new Set(['high', 'critical']);

/** The advisories of an npm audit (v7+ JSON), one per advisory and package. */
export function advisoriesOf(report: { vulnerabilities?: Record<string, { name: string; via: unknown[] }> }): Advisory[] {
  const out = new Map<string, Advisory>();
  for (const v of Object.values(report.vulnerabilities ?? {})) {
    for (const via of v.via) {
      if (!via || typeof via !== 'object') continue; // a string: "via another vulnerable package", counted there
      const a = via as { source?: number; name?: string; title?: string; url?: string; severity?: string };
      const ghsa = /GHSA-[\w-]+/.exec(a.url ?? '')?.[0];
      const id = ghsa ?? String(a.source ?? a.title ?? 'unknown');
      out.set(`${id}|${a.name ?? v.name}`, { id, package: a.name ?? v.name, severity: a.severity ?? 'unknown', title: a.title ?? '', url: a.url ?? '' });
    }
  }
  return [...out.values()];
}

export function gate(auditJson: string, allowlist: AllowlistEntry[], today: string): GateResult {
  let report: { error?: { summary?: string; code?: string }; message?: string; vulnerabilities?: Record<string, { name: string; via: unknown[] }> };
  try {
    report = JSON.parse(auditJson);
  } catch {
    return { outcome: 'unreachable', message: `npm audit gave no report (${auditJson.trim().slice(0, 120) || 'empty output'})` };
  }
  if (report.error || !report.vulnerabilities) return { outcome: 'unreachable', message: report.message || report.error?.summary || report.error?.code || 'no vulnerabilities section in the report' };

  const problems: string[] = [];
  const valid = allowlist.filter((e) => {
    if (!e.id || !e.reason?.trim() || !/^\d{4}-\d{2}-\d{2}$/.test(e.expires ?? '')) {
      problems.push(`allowlist entry ${JSON.stringify(e)} needs an id, a reason and an expires date (YYYY-MM-DD)`);
      return false;
    }
    if (e.expires < today) {
      problems.push(`allowlist entry ${e.id} expired on ${e.expires}: fix the dependency or renew the entry with a reason`);
      return false;
    }
    return true;
  });
  const all = advisoriesOf(report);
  const severe = all.filter((a) => BLOCKING.has(a.severity));
  const allowedIds = new Set(valid.map((e) => e.id));
  const allowed = severe.filter((a) => allowedIds.has(a.id));
  const blocking = severe.filter((a) => !allowedIds.has(a.id));
  return { outcome: blocking.length === 0 && problems.length === 0 ? 'pass' : 'fail', blocking, allowed, lowerSeverity: all.length - severe.length, problems };
}

function main() {
  const [auditFile, allowFile = '.ci/audit-allowlist.json'] = process.argv.slice(2);
  if (!auditFile) throw new Error('usage: audit-gate <npm audit json file> [allowlist]');
  const allowlist = (JSON.parse(fs.readFileSync(allowFile, 'utf8')) as { advisories: AllowlistEntry[] }).advisories;
  const result = gate(fs.readFileSync(auditFile, 'utf8'), allowlist, new Date().toISOString().slice(0, 10));
  if (result.outcome === 'unreachable') {
    console.log(`npm audit: the audit service could not be reached or answered no report (${result.message}). Not failing the build; run it again when the registry is reachable.`);
    return;
  }
  for (const p of result.problems) console.log(`✗ ${p}`);
  for (const a of result.allowed) console.log(`~ ${a.severity} ${a.id} in ${a.package}: allowlisted (${a.title})`);
  for (const a of result.blocking) console.log(`✗ ${a.severity} ${a.id} in ${a.package}: ${a.title} ${a.url}`);
  console.log(`npm audit: ${result.blocking.length} blocking, ${result.allowed.length} allowlisted, ${result.lowerSeverity} below high.`);
  if (result.outcome === 'fail') process.exitCode = 1;
}

if (require.main === module) main();
