// npm run ledger:check: verify the ledger invariants on the configured database (DATABASE_URL) and exit
// 1 when any is violated. `--json` prints the full report as JSON. Reads only; changes nothing.
import { loadConfig } from '../server/config';
import { createDb } from '../db';
import { checkLedger, formatReport } from '../server/reliability/ledger-check';

async function main() {
  const config = loadConfig();
  const db = createDb(config.databaseUrl);
  try {
    const report = await checkLedger(db.kysely);
    console.log(process.argv.includes('--json') ? JSON.stringify(report, null, 2) : formatReport(report));
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}
main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(2);
});
