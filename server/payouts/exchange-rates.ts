// Rates the merchant enters for converting commissions into the payout currency (audited).
import type { DB } from '../../db';
import type { Clock } from '../lib/clock';
import { newId } from '../lib/ids';
import { audit } from '../audit';
import { AppError } from '../http/errors';
import * as store from './store';
import type { ExchangeRate } from './store';
import type { RateInput } from './schema';

/** Set the rate of a pair for a day (a second entry for the same pair and day replaces the first). */
export async function setRate(deps: { db: DB; clock: Clock }, merchantId: string, actor: string, input: RateInput): Promise<ExchangeRate> {
  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const nowIso = now.toISOString();
    const existing = await store.findRateFor(trx, merchantId, input.fromCurrency, input.toCurrency, input.effectiveOn);
    await trx
      .insertInto('exchangeRates')
      .values({ id: newId('fx'), merchantId, ...input, createdBy: actor, createdAt: nowIso, updatedAt: nowIso })
      .onConflict((oc) => oc.columns(['merchantId', 'fromCurrency', 'toCurrency', 'effectiveOn']).doUpdateSet({ rate: input.rate, updatedAt: nowIso }))
      .execute();
    const saved = (await store.findRateFor(trx, merchantId, input.fromCurrency, input.toCurrency, input.effectiveOn))!;
    if (existing?.rate !== saved.rate) {
      await audit(trx, {
        merchantId,
        actor,
        action: 'exchange_rate.set',
        subjectType: 'exchange_rate',
        subjectId: saved.id,
        before: existing ? { pair: `${existing.fromCurrency}/${existing.toCurrency}`, effectiveOn: existing.effectiveOn, rate: existing.rate } : undefined,
        after: { pair: `${saved.fromCurrency}/${saved.toCurrency}`, effectiveOn: saved.effectiveOn, rate: saved.rate },
        at: now,
      });
    }
    return saved;
  });
}

/** Remove a rate. Payouts already made keep the rate they recorded on their items. */
export async function deleteRate(deps: { db: DB; clock: Clock }, merchantId: string, actor: string, id: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const existing = await store.findRate(trx, merchantId, id);
    if (!existing) throw new AppError(404, 'exchange_rate_not_found', 'No such exchange rate.');
    await trx.deleteFrom('exchangeRates').where('merchantId', '=', merchantId).where('id', '=', id).execute();
    await audit(trx, {
      merchantId,
      actor,
      action: 'exchange_rate.deleted',
      subjectType: 'exchange_rate',
      subjectId: id,
      before: { pair: `${existing.fromCurrency}/${existing.toCurrency}`, effectiveOn: existing.effectiveOn, rate: existing.rate },
      at: deps.clock.now(),
    });
  });
}
