import { z } from 'zod';
import type { SelectQueryBuilder } from 'kysely';
import type { DB } from '../../db';
import type { Database } from '../../db/schema';

export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 50;

/** The paging fields every list endpoint accepts; out-of-range values are a 400 naming the field. */
export const pageFields = {
  /** 1-based page number. */
  page: z.coerce
    .number('page must be a whole number.')
    .int('page must be a whole number.')
    .min(1, 'page must be 1 or more.')
    .max(1_000_000, 'page must be at most 1000000.')
    .default(1)
    .describe('Page number, starting at 1.'),
  /** Items per page. */
  limit: z.coerce
    .number('limit must be a whole number.')
    .int('limit must be a whole number.')
    .min(1, 'limit must be 1 or more.')
    .max(MAX_LIMIT, `limit must be at most ${MAX_LIMIT}.`)
    .default(DEFAULT_LIMIT)
    .describe(`Items per page, 1 to ${MAX_LIMIT} (default ${DEFAULT_LIMIT}).`),
};

/** A list endpoint's query: paging plus its own filters, unknown parameters refused. */
export function listQuery<T extends z.ZodRawShape>(filters: T) {
  return z.strictObject({ ...pageFields, ...filters });
}

export interface PageParams {
  page: number;
  limit: number;
}

export interface Page<T> {
  data: T[];
  page: number;
  limit: number;
  total: number;
}

/** The response schema of a list endpoint: `{ data, page, limit, total }`. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item).describe('The items on this page.'),
    page: z.number().int().describe('This page number (1-based).'),
    limit: z.number().int().describe('Items per page.'),
    total: z.number().int().describe('Items across all pages.'),
  });
}

/**
 * Run a list query one page at a time: the rows of the requested page and the total count of the same
 * query (counted over the query without its ORDER BY, which PostgreSQL refuses next to count()).
 */
export async function paginate<O, T>(db: DB, query: SelectQueryBuilder<Database, keyof Database, O>, params: PageParams, present: (row: O) => T): Promise<Page<T>> {
  const offset = (params.page - 1) * params.limit;
  const [rows, count] = await Promise.all([
    query.limit(params.limit).offset(offset).execute(),
    db
      .selectFrom(query.clearOrderBy().as('listed'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { data: rows.map(present), page: params.page, limit: params.limit, total: Number(count.n) };
}
