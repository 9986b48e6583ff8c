// Tables for Stripe connections, stored webhook events. Columns camelCase here, snake_case in SQL.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface StripeTables {}
