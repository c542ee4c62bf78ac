import { addDays, assertIsoDate, daysBetween, weekdayOf, yearOf } from './dates.ts';
import { publicHolidays } from './public-holidays.ts';

/**
 * How far a search for a working day goes. Validation guarantees at least one workday a week
 * and no country has a year of public holidays, so a real search ends within days; the
 * bound is there so that no input, however broken, can make it run for ever.
 */
export const MAX_WORKDAY_SEARCH_DAYS = 366;
/** The longest span of days listed at once (a plan window plus its periods: ten years is plenty). */
export const MAX_LISTED_DAYS = 3660 + 31;

/**
 * Working days: the company's workdays minus the public holidays of the countries
 * involved. Lists of working days per period are memoised by (countries, period).
 */
export class WorkCalendar {
  readonly #workdays: ReadonlySet<number>;
  readonly #holidays = new Map<string, Set<string>>();
  readonly #lists = new Map<string, readonly string[]>();

  constructor(workdays: readonly number[]) {
    if (!workdays.some((d) => Number.isInteger(d) && d >= 1 && d <= 7)) throw new RangeError(`workdays: expected at least one day of the week, found ${JSON.stringify(workdays)}`);
    this.#workdays = new Set(workdays);
  }

  isHoliday(country: string, iso: string): boolean {
    const key = `${country}:${iso.slice(0, 4)}`;
    let set = this.#holidays.get(key);
    if (!set) {
      set = new Set(publicHolidays(country, yearOf(iso)).map((h) => h.date));
      this.#holidays.set(key, set);
    }
    return set.has(iso);
  }

  /** A workday that is a public holiday in none of the countries. */
  isWorkday(iso: string, ...countries: string[]): boolean {
    if (!this.#workdays.has(weekdayOf(iso))) return false;
    for (const c of countries) if (this.isHoliday(c, iso)) return false;
    return true;
  }

  /** Working days from `from` to `to` inclusive, for all the given countries at once. */
  workdaysBetween(from: string, to: string, a: string, b: string): readonly string[] {
    const key = a < b ? `${a}${b}${from}${to}` : `${b}${a}${from}${to}`;
    let list = this.#lists.get(key);
    if (!list) {
      assertIsoDate(from, 'first day');
      assertIsoDate(to, 'last day');
      if (daysBetween(from, to) > MAX_LISTED_DAYS) throw new RangeError(`working days from ${from} to ${to}: at most ${MAX_LISTED_DAYS} days can be listed at once`);
      const out: string[] = [];
      for (let d = from; d <= to; d = addDays(d, 1)) if (this.isWorkday(d, a, b)) out.push(d);
      list = Object.freeze(out);
      this.#lists.set(key, list);
    }
    return list;
  }

  /**
   * The nth working day before (n < 0) or after (n > 0) a date, not counting the date itself.
   * Throws when no such day is within MAX_WORKDAY_SEARCH_DAYS per step (never loops for ever).
   */
  shiftWorkdays(iso: string, n: number, a: string, b: string): string {
    assertIsoDate(iso, 'date');
    if (!Number.isSafeInteger(n) || Math.abs(n) > 31) throw new RangeError(`a shift of 1 to 31 working days, found ${n}`);
    let d = iso;
    let scanned = 0;
    for (let left = Math.abs(n); left > 0;) {
      d = addDays(d, Math.sign(n));
      if (this.isWorkday(d, a, b)) left--;
      else if (++scanned > MAX_WORKDAY_SEARCH_DAYS * Math.abs(n)) {
        throw new RangeError(`no working day (${a}, ${b}) within ${MAX_WORKDAY_SEARCH_DAYS} days of ${iso}`);
      }
    }
    return d;
  }
}
