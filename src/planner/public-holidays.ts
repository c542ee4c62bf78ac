import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import type { EasterRule, MonthDay, ProfessionalHoliday, WeekdayRule } from '../domain/types.ts';
import { EASTER_RULE, monthDayIn } from '../domain/calendar-dates.ts';
import { ADDED_HOLIDAYS } from './holiday-corrections.ts';

/**
 * Public holidays by country, from the offline date-holidays data (no I/O), and the dates
 * of professional holidays. Results are memoised: they are pure functions of their inputs.
 */

export interface PublicHoliday {
  /** ISO date. */
  readonly date: string;
  /** Slug of the English name, usable as `campaigns[].holiday`: "new-years-day", "unity-day". */
  readonly slug: string;
  readonly name: string;
}

const countries = new Set(Object.keys(new Holidays().getCountries('en')));
const calendars = new Map<string, Holidays>();
const byYear = new Map<string, readonly PublicHoliday[]>();

export function hasHolidayCalendar(country: string): boolean {
  return countries.has(country);
}

export function slugify(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/['’]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Public (day-off) holidays of a country in a year; multi-day holidays give one entry per day. */
export function publicHolidays(country: string, year: number): readonly PublicHoliday[] {
  const key = `${country}:${year}`;
  let list = byYear.get(key);
  if (list) return list;
  let hd = calendars.get(country);
  if (!hd) {
    hd = new Holidays(country);
    calendars.set(country, hd);
  }
  const out: PublicHoliday[] = [];
  for (const h of hd.getHolidays(year, 'en')) {
    if (h.type !== 'public') continue;
    const first = DateTime.fromISO(h.date.slice(0, 10), { zone: 'utc' });
    // date-holidays gives start/end instants in the country's zone; the day count is their difference.
    const days = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / 86_400_000));
    const slug = slugify(h.name.replace(/\s*\(substitute day\)/i, ''));
    for (let i = 0; i < days; i++) out.push({ date: first.plus({ days: i }).toISODate()!, slug, name: h.name });
  }
  for (const h of ADDED_HOLIDAYS) {
    if (h.country !== country || year < h.since) continue;
    const date = monthDayIn(year, h.month, h.day);
    // Once date-holidays lists it, its own entry stands.
    if (!out.some((d) => d.date === date)) out.push({ date, slug: slugify(h.name), name: h.name });
  }
  if (country === 'RU') addRussianSubstitutes(out);
  list = Object.freeze(out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)));
  byYear.set(key, list);
  return list;
}

/**
 * Russia's Labour Code (art. 112): a holiday on a Saturday or Sunday gives its day off on the
 * next working day, but the New Year days (1–8 January). date-holidays has this for 8 March
 * only, so Victory Day on a Sunday (9 May 2027) left Monday a working day. A substitute it
 * already lists (8 March 2026 → 9 March) is not added twice. The government's yearly decree
 * may move days further; those are not known in advance.
 */
function addRussianSubstitutes(days: PublicHoliday[]): void {
  const taken = new Set(days.map((d) => d.date));
  const listedAs = (date: string, slug: string) => days.some((d) => d.date === date && d.slug === slug);
  for (const h of [...days].sort((a, b) => (a.date < b.date ? -1 : 1))) {
    const date = DateTime.fromISO(h.date, { zone: 'utc' });
    if (date.weekday < 6 || (date.month === 1 && date.day <= 8)) continue;
    // The next weekday that is no other holiday; if it is this one's own, its substitute is listed already.
    let next = date.plus({ days: 1 });
    while (next.weekday >= 6 || (taken.has(next.toISODate()!) && !listedAs(next.toISODate()!, h.slug))) next = next.plus({ days: 1 });
    const day = next.toISODate()!;
    if (listedAs(day, h.slug)) continue;
    days.push({ date: day, slug: h.slug, name: `${h.name} (substitute day)` });
    taken.add(day);
  }
}

/** Slugs of every public holiday a country has in a year (for validating campaigns). */
export function publicHolidaySlugs(country: string, year: number): Set<string> {
  return new Set(publicHolidays(country, year).map((h) => h.slug));
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** A holiday's `rule`: a weekday of a month (parseWeekdayRule) or a day from Easter (parseEasterRule). */
export function parseHolidayRule(text: string): WeekdayRule | EasterRule | undefined {
  return parseWeekdayRule(text) ?? parseEasterRule(text);
}

/** "orthodox easter" → { easter: 'orthodox', offsetDays: 0 }; "western easter - 2 days" → { easter: 'western', offsetDays: -2 }. */
export function parseEasterRule(text: string): EasterRule | undefined {
  const m = EASTER_RULE.exec(text.trim());
  if (!m) return undefined;
  const days = m[3] === undefined ? 0 : Number(m[3]);
  return { easter: m[1]!.toLowerCase() === 'orthodox' ? 'orthodox' : 'western', offsetDays: m[2] === '-' ? -days : days };
}

const easterDays = new Map<string, string>();

/** Easter Sunday of a year, by date-holidays' own computus (Orthodox: the Julian computus, in Gregorian dates; western: the Gregorian), memoised. */
function easterSunday(easter: EasterRule['easter'], year: number): string {
  const key = `${easter}|${year}`;
  let day = easterDays.get(key);
  if (day === undefined) {
    const calendar = new Holidays();
    calendar.setHoliday(easter === 'orthodox' ? 'orthodox' : 'easter', { name: { en: 'Easter' }, type: 'public' });
    day = calendar.getHolidays(year)[0]!.date.slice(0, 10);
    easterDays.set(key, day);
  }
  return day;
}

/** The day of an Easter rule in a year: its Easter and the offset (EASTER_RULE keeps it inside the year). */
function easterRuleDate(rule: EasterRule, year: number): string {
  return DateTime.fromISO(easterSunday(rule.easter, year), { zone: 'utc' }).plus({ days: rule.offsetDays }).toISODate()!;
}

/** "2nd sunday of august" → { nth: 2, weekday: 7, month: 8 }; "last friday of july" → { nth: -1, … }. */
export function parseWeekdayRule(text: string): WeekdayRule | undefined {
  const m = /^(1st|2nd|3rd|4th|5th|last)\s+(\w+)\s+of\s+(\w+)$/i.exec(text.trim());
  if (!m) return undefined;
  const weekday = WEEKDAYS.indexOf(m[2]!.toLowerCase()) + 1;
  const month = MONTHS.indexOf(m[3]!.toLowerCase()) + 1;
  if (weekday === 0 || month === 0) return undefined;
  const nth = m[1]!.toLowerCase() === 'last' ? -1 : Number(m[1]![0]);
  return { nth, weekday, month };
}

export function parseMonthDay(text: string): MonthDay {
  const [month, day] = text.split('-').map(Number) as [number, number];
  return { month, day };
}

/**
 * The holiday's date in a year, or undefined when it does not occur (a 5th weekday). A date
 * of 02-29 falls on 28 February outside leap years.
 */
export function professionalHolidayDate(holiday: ProfessionalHoliday, year: number): string | undefined {
  if (holiday.date) return monthDayIn(year, holiday.date.month, holiday.date.day);
  const rule = holiday.rule!;
  if ('easter' in rule) return easterRuleDate(rule, year);
  const first = DateTime.fromObject({ year, month: rule.month, day: 1 }, { zone: 'utc' });
  if (rule.nth > 0) {
    const d = first.plus({ days: (rule.weekday - first.weekday + 7) % 7 + (rule.nth - 1) * 7 });
    return d.month === rule.month ? d.toISODate()! : undefined;
  }
  const last = first.endOf('month').startOf('day');
  return last.minus({ days: (last.weekday - rule.weekday + 7) % 7 }).toISODate()!;
}
