import { ledgerWorld, type LedgerWorld } from '../helpers/ledger';
import { setProgram } from '../helpers/partners';
import { FIREFOX, SAFARI, sell, tableRows, visit } from '../helpers/dashboard';
import { LAG_MS, rollupAll } from '../../server/dashboard/rollup';
import { dayStart, localDay, localDayOf } from '../../server/dashboard/days';

let w: LedgerWorld;
beforeEach(async () => {
  w = await ledgerWorld();
  await setProgram(w.t, w.m.merchantId, { destinationUrl: 'https://shop.example.com/' });
});
afterEach(() => w.close());

const zone = (timeZone: string) => w.t.db.kysely.updateTable('programSettings').set({ timeZone }).where('merchantId', '=', w.m.merchantId).execute();
/** Day → [clicks, sales] from the overview's daily table, for the days with something. */
async function activeDays(query: string) {
  const page = await w.m.browser.agent.get(`/dashboard?${query}`);
  return tableRows(page.text, 'daily-table')
    .slice(1)
    .filter((r) => r[1] !== '0' || r[2] !== '0')
    .map((r) => [r[0], Number(r[1]), Number(r[2])]);
}

describe('days in the program’s time zone', () => {
  it('puts late-evening activity in New York on its local day, before and after the rollups', async () => {
    await zone('America/New_York');
    // 03:00 UTC on the 21st is 22:00 on the 20th in New York (UTC−5 in November).
    w.t.clock.set('2026-11-21T03:00:00Z');
    await visit(w.t, w.jane, { ip: '192.0.2.1', ua: FIREFOX });
    w.t.clock.set('2026-11-22T04:30:00Z');
    await sell(w, w.jane, 4_200, 'usd', 'cus_tz1');
    w.t.clock.set('2026-11-25T12:00:00Z');
    const expected = [
      ['2026-11-20', 1, 0],
      ['2026-11-21', 0, 1],
    ];
    expect(await activeDays('period=7')).toEqual(expected);
    w.t.clock.advance(LAG_MS + 1000);
    while ((await rollupAll(w.t.db.kysely, w.t.clock)) > 0) {
      /* until done */
    }
    const rows = await w.t.db.kysely.selectFrom('dailyStats').select(['day', 'clicks', 'sales']).where('merchantId', '=', w.m.merchantId).where('livemode', '=', 0).orderBy('day').orderBy('currency').execute();
    expect(rows).toEqual([
      { day: '2026-11-20', clicks: 1, sales: 0 },
      { day: '2026-11-21', clicks: 0, sales: 0 },
      { day: '2026-11-21', clicks: 0, sales: 1 },
    ]);
    expect(await activeDays('period=7')).toEqual(expected);
  });

  it('splits days at local midnight in half-hour zones (India, UTC+05:30)', async () => {
    await zone('Asia/Kolkata');
    w.t.clock.set('2026-11-20T18:15:00Z'); // 23:45 on the 20th
    await visit(w.t, w.jane, { ip: '192.0.2.1', ua: FIREFOX });
    w.t.clock.set('2026-11-20T18:45:00Z'); // 00:15 on the 21st
    await visit(w.t, w.jane, { ip: '192.0.2.2', ua: SAFARI });
    w.t.clock.set('2026-11-25T12:00:00Z');
    expect(await activeDays('period=custom&from=2026-11-19&to=2026-11-22')).toEqual([
      ['2026-11-20', 1, 0],
      ['2026-11-21', 1, 0],
    ]);
  });

  it('knows where local days start across daylight-saving changes', () => {
    expect(new Date(dayStart('2026-03-29', 'Europe/Berlin')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(dayStart('2026-03-30', 'Europe/Berlin')).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    // Chile moves its clocks at midnight: the 6th of September 2026 starts at 01:00 local time.
    expect(new Date(dayStart('2026-09-06', 'America/Santiago')).toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(localDay('2026-11-25T23:30:00Z', 'Europe/Berlin')).toBe('2026-11-26');
  });

  it('dates many instants by their bucket exactly as one by one (whole-hour, half-hour and DST zones)', () => {
    // Every 37 minutes across a year, which crosses each zone's daylight-saving changes, if any.
    const instants = Array.from({ length: 14_300 }, (_, i) => new Date(Date.UTC(2026, 0, 1) + i * 37 * 60_000 + (i % 60) * 1000).toISOString());
    for (const zone of ['UTC', 'Europe/Berlin', 'America/Santiago', 'Asia/Kolkata', 'Australia/Lord_Howe']) {
      const dayOf = localDayOf(instants, zone);
      const wrong = instants.filter((at) => dayOf(at) !== localDay(at, zone));
      expect([zone, wrong.slice(0, 3)]).toEqual([zone, []]);
    }
  });
});
