// Factories for partners, links and clicks. They call the services (the same rules as the app), not raw inserts.
import type { DB } from '../../db';
import type { Partner } from '../../db/tables/partners';
import { FixedClock, type Clock } from '../../server/lib/clock';
import { createPartner } from '../../server/partners/service';
import type { PartnerInput } from '../../server/partners/schema';
import type { TestApp } from './app';

let seq = 0;

/** A partner of `merchantId` (active unless told otherwise) with its default link. */
export async function buildPartner(db: DB, merchantId: string, overrides: Partial<PartnerInput> & { clock?: Clock } = {}): Promise<Partner> {
  seq += 1;
  const { clock, ...input } = overrides;
  return createPartner(db, clock ?? new FixedClock(), merchantId, { name: `Partner ${seq}`, email: `partner${seq}@partners.test`, ...input });
}

/** Set the program's destination URL (and optionally its cookie window and attribution model). */
export async function setProgram(t: TestApp, merchantId: string, values: { destinationUrl?: string | null; cookieDays?: number; attributionModel?: 'first_click' | 'last_click' }) {
  await t.db.kysely.updateTable('programSettings').set(values).where('merchantId', '=', merchantId).execute();
}

export const defaultLink = (db: DB, partnerId: string) =>
  db.selectFrom('links').selectAll().where('partnerId', '=', partnerId).where('isDefault', '=', 1).executeTakeFirstOrThrow();

export const clicksOf = (db: DB, partnerId: string) => db.selectFrom('clicks').selectAll().where('partnerId', '=', partnerId).orderBy('createdAt').orderBy('id').execute();
