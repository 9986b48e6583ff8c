// npm run migrate: bring the configured database up to date, then exit.
import { loadConfig } from '../server/config';
import { createDb } from '../db';
import { migrateToLatest } from '../db/migrate';

async function main() {
  const config = loadConfig();
  const db = createDb(config.databaseUrl);
  const result = await migrateToLatest(db.kysely);
  for (const r of result.results ?? []) console.log(`${r.status}: ${r.migrationName}`);
  if (!result.results?.length) console.log('Already up to date.');
  await db.close();
}
main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
