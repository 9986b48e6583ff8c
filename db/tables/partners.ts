// Tables for partners, links, clicks, applications. Columns camelCase here, snake_case in SQL.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PartnersTables {}
