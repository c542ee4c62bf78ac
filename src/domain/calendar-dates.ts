/**
 * Which written dates exist. Everything downstream computes with ISO date strings, so a
 * date that does not exist ("2027-02-29") must be refused where it is written, with a
 * reason a user understands.
 */

/** The years a configuration date may name: far enough for history and plans, no further. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2199;

/**
 * A holiday's rule "orthodox easter" or "western easter", either with "+ 49 days" or "- 2 days"
 * (catholic is western). Up to 79 days either way (Clean Monday is − 48, Corpus Christi + 60):
 * never into another year, as Easter falls between 22 March and 8 May.
 */
export const EASTER_RULE = /^(orthodox|western|catholic)\s+easter(?:\s*([+-])\s*([0-7]?\d)\s*days?)?$/i;

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Why an ISO date "YYYY-MM-DD" does not exist, or undefined when it does:
 * dateProblem('2027-02-29') → "February 2027 has 28 days".
 */
export function dateProblem(iso: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return 'not a date of the form YYYY-MM-DD';
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) return `there is no month ${m[2]}`;
  if (day < 1 || day > daysInMonth(year, month)) return `${MONTH_NAMES[month - 1]} ${year} has ${daysInMonth(year, month)} days`;
  if (year < MIN_YEAR || year > MAX_YEAR) return `the year is outside ${MIN_YEAR}–${MAX_YEAR}`;
  return undefined;
}

/**
 * Why a yearly "MM-DD" never happens, or undefined when it happens at least in leap years:
 * monthDayProblem('02-30') → "February has at most 29 days"; '02-29' is fine (see isLeapDay).
 */
export function monthDayProblem(mmdd: string): string | undefined {
  const m = /^(\d{2})-(\d{2})$/.exec(mmdd);
  if (!m) return 'not a month and day of the form MM-DD';
  const [month, day] = [Number(m[1]), Number(m[2])];
  if (month < 1 || month > 12) return `there is no month ${m[1]}`;
  const most = daysInMonth(2000, month);
  if (day < 1 || day > most) return `${MONTH_NAMES[month - 1]} has at most ${most} days`;
  return undefined;
}

/** 29 February: yearly dates on it fall on 28 February in the other years. */
export function isLeapDay(month: number, day: number): boolean {
  return month === 2 && day === 29;
}

/** The date of a yearly month-day in a year: 02-29 is 28 February outside leap years. */
export function monthDayIn(year: number, month: number, day: number): string {
  const d = Math.min(day, daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
