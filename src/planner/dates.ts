import { DateTime } from 'luxon';
import type { Duration } from '../domain/types.ts';
import { epochDay } from './zoned-time.ts';

/**
 * Arithmetic on ISO calendar dates ("2027-03-15"), which carry no zone: luxon in UTC is
 * used only as a calendar here. Instants are always converted in the person's own zone.
 */

const utc = { zone: 'utc' } as const;
const weekdays = new Map<string, number>();
/** Date arithmetic is memoised: the planner asks the same few thousand questions very often. */
const shifted = new Map<string, string>();
const MEMO_LIMIT = 200_000;

function memo(key: string, compute: () => string): string {
  let v = shifted.get(key);
  if (v === undefined) {
    if (shifted.size > MEMO_LIMIT) shifted.clear();
    v = compute();
    shifted.set(key, v);
  }
  return v;
}

export function addDays(iso: string, days: number): string {
  return memo(`${iso}|${days}d`, () => isoOf(DateTime.fromISO(iso, utc).plus({ days }), iso, `${days} days`));
}

export function addDuration(iso: string, d: Duration): string {
  return memo(`${iso}|${d.n}${d.unit}`, () => isoOf(DateTime.fromISO(iso, utc).plus({ [d.unit]: d.n }), iso, `${d.n} ${d.unit}`));
}

/**
 * The last of `from`, `from` + `every`, `from` + 2 × `every`, … whose next step comes after
 * `after` (stepping one `every` at a time, as a chain does). `from` itself when its first step
 * already does; `after` when no step of a thousand does.
 */
export function lastStepBefore(from: string, every: Duration, after: string): string {
  let at = from;
  for (let steps = 0; steps < 1000; steps++) {
    const next = addDuration(at, every);
    if (next > after) return at;
    at = next;
  }
  return after;
}

/**
 * The ISO date of a computed day. A date that does not exist ("2027-02-29") or a shift past
 * year 9999 has none: that is an error here, never a null that a loop compares for ever.
 */
function isoOf(d: DateTime, from: string, shift: string): string {
  const iso = d.isValid ? d.toISODate() : null;
  if (iso === null || !/^\d{4}-\d{2}-\d{2}$/.test(iso)) throw new RangeError(`no calendar date ${shift} from ${JSON.stringify(from)}`);
  return iso;
}

/** Throws unless `iso` is a date that exists, written YYYY-MM-DD (what every planner input must be). */
export function assertIsoDate(iso: string, what: string): void {
  if (typeof iso !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(iso) || !DateTime.fromISO(iso, utc).isValid) {
    throw new RangeError(`${what}: expected a date that exists, like 2027-03-15, found ${JSON.stringify(iso)}`);
  }
}

export function daysBetween(from: string, to: string): number {
  return epochDay(to) - epochDay(from);
}

/** ISO weekday, 1 = Monday; memoised because the planner asks for the same days very often. */
export function weekdayOf(iso: string): number {
  let w = weekdays.get(iso);
  if (w === undefined) {
    w = DateTime.fromISO(iso, utc).weekday;
    weekdays.set(iso, w);
  }
  return w;
}

export function yearOf(iso: string): number {
  return Number(iso.slice(0, 4));
}

export function maxDate(a: string, b: string): string {
  return a > b ? a : b;
}

export function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

/** Whether an ISO text says its offset (`Z`, `+03:00`, `+0300`, `+03`) after its time: without one, a reader's zone decides. */
export function hasOffset(text: string): boolean {
  return /T[\d:.,]+(?:Z|[+-]\d\d(?::?\d\d)?)$/i.test(text.trim());
}

/** Today's date in a zone at an instant. */
export function localDate(now: DateTime, zone: string): string {
  return now.setZone(zone).toISODate()!;
}
