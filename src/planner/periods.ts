import { DateTime } from 'luxon';
import type { Duration } from '../domain/types.ts';
import { approximateDays } from '../domain/duration.ts';
import { assertIsoDate } from './dates.ts';

/** One calendar-aligned period of a cadence: the touch of this period is due inside it. */
export interface Period {
  /** Stable key, part of the touch identity: "3months:2027-04-01". */
  readonly key: string;
  readonly from: string;
  readonly to: string;
  /** { from, to }, shared by every touch of the period. */
  readonly window: { readonly from: string; readonly to: string };
}

const utc = { zone: 'utc' } as const;
/** Origin of week and day blocks when nothing else anchors them (a Monday). */
const ORIGIN = DateTime.fromISO('2000-01-03', utc);
const memo = new Map<string, readonly Period[]>();
/** Validation allows cadences of a few years; anything past a century is refused here too. */
const MAX_CADENCE_DAYS = 36_600;
/** More periods than this in one window means a broken input, not a plan (a daily cadence over ten years is 3,660). */
const MAX_PERIODS = 4_000;

/**
 * The periods of `every` that overlap [from, to], aligned as the format promises:
 * months in consecutive blocks from January (a quarter, a half-year), years from
 * January 1st, weeks as ISO weeks, days in blocks from the client's `since`.
 *
 * periodsOverlapping({ n: 3, unit: 'months' }, '2027-02-10', '2027-05-01')
 *   → [2027-01-01..2027-03-31, 2027-04-01..2027-06-30]
 */
export function periodsOverlapping(every: Duration, from: string, to: string, since?: string): readonly Period[] {
  const key = `${every.n}${every.unit}|${from}|${to}|${every.unit === 'days' ? since ?? '' : ''}`;
  let periods = memo.get(key);
  if (periods) return periods;
  if (!Number.isSafeInteger(every.n) || every.n < 1 || approximateDays(every) > MAX_CADENCE_DAYS) throw new RangeError(`a cadence of 1 day to 100 years, found ${every.n} ${every.unit}`);
  assertIsoDate(from, 'first day');
  assertIsoDate(to, 'last day');
  if (since !== undefined) assertIsoDate(since, 'since');
  periods = Object.freeze(compute(every, DateTime.fromISO(from, utc), DateTime.fromISO(to, utc), since));
  memo.set(key, periods);
  return periods;
}

function compute(every: Duration, from: DateTime, to: DateTime, since?: string): Period[] {
  const out: Period[] = [];
  const push = (start: DateTime, end: DateTime) => {
    if (out.length >= MAX_PERIODS) throw new RangeError(`more than ${MAX_PERIODS} periods of ${every.n} ${every.unit} from ${from.toISODate()} to ${to.toISODate()}`);
    if (!start.isValid || !end.isValid) throw new RangeError(`no calendar period of ${every.n} ${every.unit} near ${from.toISODate()}`);
    const window = Object.freeze({ from: start.toISODate()!, to: end.minus({ days: 1 }).toISODate()! });
    out.push({ key: `${every.n}${every.unit}:${window.from}`, from: window.from, to: window.to, window });
  };
  const n = every.n;
  switch (every.unit) {
    case 'months':
    case 'years': {
      const months = every.unit === 'years' ? n * 12 : n;
      const index = (d: DateTime) => (d.year - 2000) * 12 + (d.month - 1);
      for (let b = Math.floor(index(from) / months); b * months <= index(to); b++) {
        const start = DateTime.fromObject({ year: 2000, month: 1, day: 1 }, utc).plus({ months: b * months });
        push(start, start.plus({ months }));
      }
      break;
    }
    case 'weeks':
    case 'days': {
      const length = every.unit === 'weeks' ? n * 7 : n;
      const origin = every.unit === 'days' && since ? DateTime.fromISO(since, utc) : ORIGIN;
      const offset = (d: DateTime) => Math.round(d.diff(origin, 'days').days);
      for (let b = Math.floor(offset(from) / length); b * length <= offset(to); b++) {
        const start = origin.plus({ days: b * length });
        push(start, start.plus({ days: length }));
      }
      break;
    }
    default:
      throw new Error(`a cadence of ${every.unit} cannot be aligned to the calendar`);
  }
  return out;
}
