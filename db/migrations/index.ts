// Migrations are listed here explicitly (not discovered by scanning a folder), in order.
// Add a new file named YYYYMMDDNN_topic.ts and one line below; never edit a migration that has shipped.
import type { Migration } from 'kysely';
import * as m2026112501 from './2026112501_foundation';

export const migrations: Record<string, Migration> = {
  '2026112501_foundation': m2026112501,
};
