// Tables for API keys, idempotency records, outbound webhook endpoints and deliveries. Columns camelCase here, snake_case in SQL.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ApiTables {}
