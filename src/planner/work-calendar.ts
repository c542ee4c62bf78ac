import { addDays, assertIsoDate, daysBetween, weekdayOf, yearOf } from './dates.ts';
import { publicHolidays } from './public-holidays.ts';
import type { CalendarChanges, Config } from '../domain/types.ts';

/**
 * Days a government's decree moved, known when this version was made: Russia's for 2026
 * (decree No. 1466 of 24 September 2025: 3 January to 9 January, 4 January to 31 December).
 * Later years' come with each autumn's decree: settings.calendar_changes takes them.
 */
export const DECREED_CHANGES: CalendarChanges = {
  RU: { off: ['2026-01-09', '2026-12-31'], working: [] },
};

/** The last year whose decreed changes are known here, per country (a plan or once past it ends with a note: undecreedNote). */
export const DECREES_KNOWN_UNTIL: Readonly<Record<string, number>> = { RU: 2026 };

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
  /** Per country, the days a decree made days off, and those it made working days (DECREED_CHANGES and settings.calendar_changes). */
  readonly #off = new Map<string, Set<string>>();
  readonly #working = new Map<string, Set<string>>();

  constructor(workdays: readonly number[], changes: CalendarChanges = {}) {
    if (!workdays.some((d) => Number.isInteger(d) && d >= 1 && d <= 7)) throw new RangeError(`workdays: expected at least one day of the week, found ${JSON.stringify(workdays)}`);
    this.#workdays = new Set(workdays);
    for (const source of [DECREED_CHANGES, changes]) {
      for (const [country, { off, working }] of Object.entries(source)) {
        for (const [map, days] of [[this.#off, off], [this.#working, working]] as const) {
          let set = map.get(country);
          if (!set) map.set(country, (set = new Set()));
          for (const d of days) set.add(d);
        }
      }
    }
    // A day given as working (the configuration's) is no day off, whatever the list known here says.
    for (const [country, working] of this.#working) for (const d of working) this.#off.get(country)?.delete(d);
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

  /**
   * A workday in every one of the countries: one of the company's working days of the week that
   * is no public holiday there and no day off a decree made, or a day a decree made a working
   * day there (a working Saturday in Russia is no working day with a client in Romania).
   */
  isWorkday(iso: string, ...countries: string[]): boolean {
    const weekday = this.#workdays.has(weekdayOf(iso));
    for (const c of countries) {
      if (this.#working.get(c)?.has(iso)) continue;
      if (!weekday || this.#off.get(c)?.has(iso) || this.isHoliday(c, iso)) return false;
    }
    return weekday || countries.length > 0;
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

/**
 * Said beside a plan of days whose decreed changes are not known (Russia's for a year after
 * DECREES_KNOWN_UNTIL, with none in settings.calendar_changes): touches may fall on days the
 * decree makes days off, and only the configuration can say which. Undefined when all is known.
 */
export function undecreedNote(config: Pick<Config, 'settings' | 'employees' | 'clients'>, from: string, to: string): string | undefined {
  const used = new Set([config.settings.country, ...config.employees.map((e) => e.country), ...config.clients.map((c) => c.country)]);
  const missing: string[] = [];
  for (const [country, known] of Object.entries(DECREES_KNOWN_UNTIL)) {
    if (!used.has(country)) continue;
    const given = config.settings.calendarChanges[country];
    const givenYears = new Set([...given?.off ?? [], ...given?.working ?? []].map((d) => Number(d.slice(0, 4))));
    for (let year = Math.max(yearOf(from), known + 1); year <= yearOf(to); year++) if (!givenYears.has(year)) missing.push(`${country} ${year}`);
  }
  if (missing.length === 0) return undefined;
  return `days off moved by government decree are not known to touchbase for ${missing.join(', ')} (Russia's come out each autumn for the next year): `
    + 'give them in settings.calendar_changes (off: [...], working: [...]); until then a touch may fall on such a day';
}
