import { addDays, weekdayOf, yearOf } from './dates.ts';
import { publicHolidays } from './public-holidays.ts';

/**
 * Working days: the company's workdays minus the public holidays of the countries
 * involved. Lists of working days per period are memoised by (countries, period).
 */
export class WorkCalendar {
  readonly #workdays: ReadonlySet<number>;
  readonly #holidays = new Map<string, Set<string>>();
  readonly #lists = new Map<string, readonly string[]>();

  constructor(workdays: readonly number[]) {
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
      const out: string[] = [];
      for (let d = from; d <= to; d = addDays(d, 1)) if (this.isWorkday(d, a, b)) out.push(d);
      list = Object.freeze(out);
      this.#lists.set(key, list);
    }
    return list;
  }

  /** The nth working day before (n < 0) or after (n > 0) a date, not counting the date itself. */
  shiftWorkdays(iso: string, n: number, a: string, b: string): string {
    let d = iso;
    for (let left = Math.abs(n); left > 0;) {
      d = addDays(d, Math.sign(n));
      if (this.isWorkday(d, a, b)) left--;
    }
    return d;
  }
}
