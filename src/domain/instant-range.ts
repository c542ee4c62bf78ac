import type { DateTime } from 'luxon';
import { MAX_YEAR, MIN_YEAR } from './calendar-dates.ts';

/** The offsets from UTC that zones use: from −12:00 (Baker Island) to +14:00 (Kiribati). */
const MIN_OFFSET = -12 * 60;
const MAX_OFFSET = 14 * 60;

/**
 * Why a written instant is none touchbase can work with, or undefined: a year outside the years a
 * configuration may name (a `--now 9999-12-31` recorded a touch done then, and no plan of that
 * database could be made again: QA), or an offset no zone has (`+99:00` moved an instant by four
 * days). `at` as parsed with its written offset kept (luxon's setZone).
 */
export function instantOutOfRange(at: DateTime): string | undefined {
  if (at.year < MIN_YEAR || at.year > MAX_YEAR) return `expected a year from ${MIN_YEAR} to ${MAX_YEAR}, found ${at.year}`;
  // In UTC too, a day short of the edges: 2199-12-31T23:00-12:00 is already 2200 in UTC and in Moscow (review).
  const utc = at.toUTC();
  if (utc.year > MAX_YEAR || (utc.year === MAX_YEAR && utc.ordinal > 364) || utc.year < MIN_YEAR || (utc.year === MIN_YEAR && utc.ordinal < 2)) {
    return `expected a moment from ${MIN_YEAR}-01-02 to ${MAX_YEAR}-12-30 (UTC), found ${utc.toISO()}`;
  }
  if (at.offset < MIN_OFFSET || at.offset > MAX_OFFSET) return `expected an offset from UTC between -12:00 and +14:00, found ${at.toFormat('ZZ')}`;
  return undefined;
}

/** The same for a date (YYYY-MM-DD) written by itself. */
export function dateOutOfRange(isoDate: string): string | undefined {
  const year = Number(isoDate.slice(0, 4));
  return year < MIN_YEAR || year > MAX_YEAR ? `expected a year from ${MIN_YEAR} to ${MAX_YEAR}, found ${year}` : undefined;
}
