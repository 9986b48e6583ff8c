import { Migrator, PostgresAdapter, sql, type MigrationResultSet } from 'kysely';
import type { DB } from './index';
import { migrations } from './migrations';

/**
 * Bring the schema up to date. On PostgreSQL kysely's Migrator first takes a session-level
 * pg_advisory_lock on one dedicated connection, so two processes starting at once never both run a
 * migration. On SQLite it takes no lock at all: the cluster primary (server/main.ts) migrates before
 * forking workers, and nothing else should migrate the same file while a server starts.
 */
export async function migrateToLatest(db: DB): Promise<MigrationResultSet> {
  // kysely looks for its bookkeeping tables in every schema unless told which one: name ours, or another
  // schema of the same database (a parallel test file, a second program) makes it skip creating them.
  const schema = db.getExecutor().adapter instanceof PostgresAdapter ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({
    // The CamelCasePlugin would rename kysely's own bookkeeping columns, so migrate without it.
    db: db.withoutPlugins(),
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  // kysely's introspection reads the catalog of every schema; DDL in another schema meanwhile (a test
  // file migrating or dropping its own schema on the same database) can fail that read with a missing
  // schema, table or column: read again.
  const schemaVanished = (err: unknown) => ['3F000', '42P01', '42703'].includes((err as { code?: string } | undefined)?.code ?? '');
  for (let attempt = 1; ; attempt++) {
    const result = await migrator.migrateToLatest().catch((err: unknown) => ({ error: err, results: undefined }) as MigrationResultSet);
    if (attempt < 5 && schemaVanished(result.error)) continue;
    if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
    return result;
  }
}
