// Migrations are listed here explicitly (not discovered by scanning a folder), in order.
// Add a new file named YYYYMMDDNN_topic.ts and one line below; never edit a migration that has shipped.
import type { Migration } from 'kysely';
import * as m2026112501 from './2026112501_foundation';
import * as m2026112502 from './2026112502_partners';
import * as m2026112503 from './2026112503_stripe';
import * as m2026112504 from './2026112504_api';
import * as m2026112505 from './2026112505_ledger';
import * as m2026112506 from './2026112506_api_sales';
import * as m2026112507 from './2026112507_product_rules';
import * as m2026112508 from './2026112508_payouts';
import * as m2026112509 from './2026112509_dashboard';
import * as m2026112510 from './2026112510_portal';
import * as m2026112512 from './2026112512_performance';
import * as m2026112513 from './2026112513_fanout_pending';
import * as m2026112514 from './2026112514_partner_totals';
import * as m2026112515 from './2026112515_list_indexes';
import * as m2026112516 from './2026112516_processing';
import * as m2026112517 from './2026112517_dashboard_reads';
import * as m2026112518 from './2026112518_binding_sales';
import * as m2026112519 from './2026112519_attributed_at';
import * as m2026112520 from './2026112520_open_work';
import * as m2026112521 from './2026112521_period_stats';
import * as m2026112522 from './2026112522_covering_buckets';
import * as m2026112523 from './2026112523_events_account_index';

export const migrations: Record<string, Migration> = {
  '2026112501_foundation': m2026112501,
  '2026112502_partners': m2026112502,
  '2026112503_stripe': m2026112503,
  '2026112504_api': m2026112504,
  '2026112505_ledger': m2026112505,
  '2026112506_api_sales': m2026112506,
  '2026112507_product_rules': m2026112507,
  '2026112508_payouts': m2026112508,
  '2026112509_dashboard': m2026112509,
  '2026112510_portal': m2026112510,
  '2026112512_performance': m2026112512,
  '2026112513_fanout_pending': m2026112513,
  '2026112514_partner_totals': m2026112514,
  '2026112515_list_indexes': m2026112515,
  '2026112516_processing': m2026112516,
  '2026112517_dashboard_reads': m2026112517,
  '2026112518_binding_sales': m2026112518,
  '2026112519_attributed_at': m2026112519,
  '2026112520_open_work': m2026112520,
  '2026112521_period_stats': m2026112521,
  '2026112522_covering_buckets': m2026112522,
  '2026112523_events_account_index': m2026112523,
};
