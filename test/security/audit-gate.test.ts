// The CI dependency gate (scripts/audit-gate.ts) on npm audit reports: high and critical advisories fail
// unless allowlisted with a reason and an unexpired date; an unreachable audit service is reported only.
import fs from 'node:fs';
import path from 'node:path';
import { gate, type AllowlistEntry } from '../../scripts/audit-gate';

const report = (vulns: { pkg: string; severity: string; ghsa: string; title?: string }[]) =>
  JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities: Object.fromEntries(
      vulns.map((v) => [v.pkg, { name: v.pkg, severity: v.severity, via: [{ source: 1, name: v.pkg, title: v.title ?? `Bad ${v.pkg}`, url: `https://github.com/advisories/${v.ghsa}`, severity: v.severity, range: '<2' }, 'some-parent'] }]),
    ),
    metadata: {},
  });
const allow = (id: string, expires = '2027-01-31', reason = 'not reachable from our code'): AllowlistEntry => ({ id, package: 'x', reason, expires });

describe('the npm audit gate', () => {
  it('fails on a high or critical advisory that is not allowlisted, and passes on lower ones', () => {
    const r = gate(report([{ pkg: 'a', severity: 'critical', ghsa: 'GHSA-aaaa-bbbb-cccc' }, { pkg: 'b', severity: 'moderate', ghsa: 'GHSA-dddd-eeee-ffff' }]), [], '2026-11-25');
    expect(r).toMatchObject({ outcome: 'fail', blocking: [{ id: 'GHSA-aaaa-bbbb-cccc', package: 'a', severity: 'critical' }], lowerSeverity: 1 });
    expect(gate(report([{ pkg: 'b', severity: 'moderate', ghsa: 'GHSA-dddd-eeee-ffff' }]), [], '2026-11-25').outcome).toBe('pass');
  });

  it('accepts an allowlisted advisory until its expiry date, and only with a reason', () => {
    const high = report([{ pkg: 'a', severity: 'high', ghsa: 'GHSA-aaaa-bbbb-cccc' }]);
    expect(gate(high, [allow('GHSA-aaaa-bbbb-cccc')], '2026-11-25')).toMatchObject({ outcome: 'pass', allowed: [{ id: 'GHSA-aaaa-bbbb-cccc' }] });
    expect(gate(high, [allow('GHSA-aaaa-bbbb-cccc', '2026-11-24')], '2026-11-25')).toMatchObject({ outcome: 'fail', problems: [expect.stringContaining('expired on 2026-11-24')] });
    expect(gate(high, [allow('GHSA-aaaa-bbbb-cccc', '2027-01-31', ' ')], '2026-11-25')).toMatchObject({ outcome: 'fail', problems: [expect.stringContaining('needs an id, a reason and an expires date')] });
  });

  it('reports an unreachable audit service without failing', () => {
    const offline = JSON.stringify({ message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405, error: { summary: '', detail: '' } });
    expect(gate(offline, [], '2026-11-25')).toEqual({ outcome: 'unreachable', message: expect.stringContaining('405 Method Not Allowed') });
    expect(gate('', [], '2026-11-25').outcome).toBe('unreachable');
  });

  it('is wired into CI with a checked-in allowlist whose every entry is complete', () => {
    const root = path.resolve(__dirname, '../..');
    expect(fs.readFileSync(path.join(root, '.ci/run'), 'utf8')).toMatch(/npm audit --omit=dev --json[^\n]*\n[^\n]*scripts\/audit-gate\.ts "\$AUDIT_JSON" \.ci\/audit-allowlist\.json/);
    const list = JSON.parse(fs.readFileSync(path.join(root, '.ci/audit-allowlist.json'), 'utf8')) as { advisories: AllowlistEntry[] };
    for (const e of list.advisories) expect(e).toEqual({ id: expect.any(String), package: expect.any(String), reason: expect.stringMatching(/\S/), expires: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(fs.existsSync(path.join(root, 'package-lock.json'))).toBe(true);
  });
});
