// Calendar days in a merchant's time zone (pure). Days are 'YYYY-MM-DD' strings; instants are epoch ms
// or ISO strings in UTC. Intl does the zone arithmetic, so daylight-saving changes are handled by the
// platform's time zone database rather than by offsets we keep ourselves.

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

function localParts(ms: number, timeZone: string) {
  const p = Object.fromEntries(partsFormatter(timeZone).formatToParts(ms).map((x) => [x.type, x.value]));
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second) };
}

const toMs = (at: number | string): number => (typeof at === 'number' ? at : Date.parse(at));

/** Minutes the zone is ahead of UTC at that instant (Europe/Berlin in winter: 60). */
export function offsetMinutes(at: number | string, timeZone: string): number {
  const ms = toMs(at);
  const p = localParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - (ms - (ms % 1000))) / 60_000);
}

/** The local calendar day of an instant. */
export function localDay(at: number | string, timeZone: string): string {
  const p = localParts(toMs(at), timeZone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** A day `n` calendar days after `day` (negative goes back). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The first instant (epoch ms) of a local day: local midnight, or the end of a gap when midnight does not exist. */
export function dayStart(day: string, timeZone: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  let guess = wall - offsetMinutes(wall, timeZone) * 60_000;
  // A second pass settles days whose offset differs from the offset at the naive guess (DST changes).
  guess = wall - offsetMinutes(guess, timeZone) * 60_000;
  // Where a daylight-saving jump skips midnight, the day starts when the gap ends.
  while (localDay(guess, timeZone) < day) guess += 15 * 60_000;
  while (localDay(guess - 1, timeZone) === day) guess -= 15 * 60_000;
  return guess;
}

/** UTC ISO bounds [start, end) of the local days from `from` to `to`, both included. */
export function rangeBounds(from: string, to: string, timeZone: string): { startIso: string; endIso: string } {
  return { startIso: new Date(dayStart(from, timeZone)).toISOString(), endIso: new Date(dayStart(addDays(to, 1), timeZone)).toISOString() };
}

/**
 * How many leading characters of an ISO instant ('2026-11-25T13' or '2026-11-25T13:05') are enough to
 * know its local day between two instants: the hour when the zone's offset is whole hours throughout
 * (local midnights then fall on UTC hour boundaries), else the minute (India, Nepal, Newfoundland…).
 */
export function bucketWidth(timeZone: string, fromMs: number, toMs: number): 13 | 16 {
  const step = 12 * 3_600_000;
  for (let t = fromMs; t <= toMs + step; t += step) {
    if (offsetMinutes(Math.min(t, toMs), timeZone) % 60 !== 0) return 16;
  }
  return 13;
}

const bucketDays = new Map<string, string>();

/**
 * The local day of a bucket prefix produced with `bucketWidth`. Remembered: a week of hourly buckets has
 * 168 prefixes but tens of thousands of rows, and Intl's formatToParts cost 3.4 s of a 1M-click rollup.
 */
export function bucketDay(prefix: string, timeZone: string): string {
  const key = `${timeZone} ${prefix}`;
  let day = bucketDays.get(key);
  if (day === undefined) {
    if (bucketDays.size >= 50_000) bucketDays.clear();
    day = localDay(prefix.length === 13 ? `${prefix}:00:00.000Z` : `${prefix}:00.000Z`, timeZone);
    bucketDays.set(key, day);
  }
  return day;
}

/**
 * A function giving the local day of any of `instants` (ISO strings), remembered per bucket prefix (see
 * bucketWidth): the rollup's first ledger pass dates 400,000 changes, 1.6 s one by one through Intl.
 */
export function localDayOf(instants: readonly string[], timeZone: string): (at: string) => string {
  if (instants.length === 0) return (at) => localDay(at, timeZone);
  let min = instants[0]!;
  let max = min;
  for (const at of instants) {
    if (at < min) min = at;
    if (at > max) max = at;
  }
  // bucketWidth samples the offset twice a day across the span: not worth it for a few instants years apart.
  if ((Date.parse(max) - Date.parse(min)) / 43_200_000 > instants.length) return (at) => localDay(at, timeZone);
  const width = bucketWidth(timeZone, Date.parse(min), Date.parse(max));
  return (at) => bucketDay(at.slice(0, width), timeZone);
}
