import { DateTime, IANAZone } from 'luxon';

/**
 * Fast, exact conversions between local wall time in an IANA zone and instants, for the
 * planner's hot path. Luxon answers every offset question; the answers are memoised per
 * zone and UTC day, because asking a zone for its offset goes through Intl and is slow.
 * A day whose offset differs between its start and end (a DST change) asks luxon directly.
 */

const DAY = 86_400_000;
const zones = new Map<string, IANAZone>();
/** zone|utcDay → offset in minutes, or NaN when the offset changes during that day. */
const dayOffsets = new Map<string, number>();
const epochDays = new Map<string, number>();
const isoDates = new Map<number, string>();

function zoneOf(name: string): IANAZone {
  let z = zones.get(name);
  if (!z) {
    z = IANAZone.create(name);
    zones.set(name, z);
  }
  return z;
}

/** The zone's UTC offset in minutes at an instant. */
export function offsetAt(zone: string, ms: number): number {
  const day = Math.floor(ms / DAY);
  const key = `${zone}|${day}`;
  let offset = dayOffsets.get(key);
  if (offset === undefined) {
    const z = zoneOf(zone);
    const a = z.offset(day * DAY);
    offset = a === z.offset(day * DAY + DAY - 1) ? a : Number.NaN;
    dayOffsets.set(key, offset);
  }
  return Number.isNaN(offset) ? zoneOf(zone).offset(ms) : offset;
}

/** Days since 1970-01-01 of an ISO calendar date. */
export function epochDay(isoDate: string): number {
  let n = epochDays.get(isoDate);
  if (n === undefined) {
    n = Math.round(DateTime.fromISO(isoDate, { zone: 'utc' }).toMillis() / DAY);
    epochDays.set(isoDate, n);
  }
  return n;
}

export function isoDateOfEpochDay(n: number): string {
  let iso = isoDates.get(n);
  if (iso === undefined) {
    iso = DateTime.fromMillis(n * DAY, { zone: 'utc' }).toISODate()!;
    isoDates.set(n, iso);
  }
  return iso;
}

/**
 * The instant of a local wall time: `minutes` after local midnight of `isoDate` in `zone`.
 * A wall time inside a DST gap moves forward by the gap, as luxon does.
 */
export function localToMs(zone: string, isoDate: string, minutes: number): number {
  const wall = epochDay(isoDate) * DAY + minutes * 60_000;
  // Offsets a day before and after bracket any transition near this wall time.
  const before = offsetAt(zone, wall - DAY);
  const after = offsetAt(zone, wall + DAY);
  const a = wall - before * 60_000;
  if (before === after) return a;
  const b = wall - after * 60_000;
  const aValid = offsetAt(zone, a) === before;
  const bValid = offsetAt(zone, b) === after;
  // In an overlap both exist: the earlier, as luxon. In a gap neither: shifted forward, as luxon.
  if (aValid && bValid) return Math.min(a, b);
  if (aValid) return a;
  if (bValid) return b;
  return Math.max(a, b);
}

/** The local calendar date of an instant in a zone. */
export function localDateOf(zone: string, ms: number): string {
  return isoDateOfEpochDay(Math.floor((ms + offsetAt(zone, ms) * 60_000) / DAY));
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * ISO text of an instant with the zone's offset there, e.g. "2027-02-09T10:00:00.000+03:00",
 * exactly as luxon's toISO() writes it (tested against it), without building a DateTime.
 */
const formatted = new Map<string, Map<number, string>>();

export function isoInZone(ms: number, zone: string): string {
  // Meetings start on a half-hour grid: the same few instants are written over and over.
  let byMs = formatted.get(zone);
  if (!byMs) {
    byMs = new Map();
    formatted.set(zone, byMs);
  }
  let text = byMs.get(ms);
  if (text === undefined) {
    if (byMs.size > 100_000) byMs.clear();
    text = formatIso(ms, zone);
    byMs.set(ms, text);
  }
  return text;
}

function formatIso(ms: number, zone: string): string {
  const offset = offsetAt(zone, ms);
  const local = ms + offset * 60_000;
  const day = Math.floor(local / DAY);
  let rest = local - day * DAY;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  const abs = Math.abs(offset);
  const sign = offset < 0 ? '-' : '+';
  // join() gives one flat string; a template literal would keep its pieces alive.
  return [isoDateOfEpochDay(day), 'T', pad2(hours), ':', pad2(minutes), ':', pad2(seconds), '.', String(millis).padStart(3, '0'), sign, pad2(Math.floor(abs / 60)), ':', pad2(abs % 60)].join('');
}
