import { z } from 'zod';
import { DateTime } from 'luxon';
import { validateDetailed } from 'node-cron';
import { DURATION_PATTERN, describeRange, durationProblem, formatDuration, type DurationRange } from '../domain/duration.ts';
import type { DurationUnit } from '../domain/types.ts';
import { dateProblem, EASTER_RULE, MAX_YEAR, MIN_YEAR, monthDayProblem } from '../domain/calendar-dates.ts';
import { RESERVED_KEYS } from '../domain/safe-keys.ts';
import { KINDS } from '../domain/types.ts';
import { isBaseUrl, PUBLIC_URL } from '../domain/base-url.ts';
import { UNSAFE_CHARACTERS, quote } from './config-issue.ts';
import { closest } from './suggest.ts';
import { ENCODINGS } from './decode-text.ts';
import { DELIMITED_TEXT_PATTERN, delimitedTextExtensions } from './delimited-text.ts';

/**
 * The zod schemas of the YAML configuration, field names as directors write them.
 * They check shape, syntax and the range of every value; references between sections are
 * checked in build-config.ts. A custom issue may carry `params.found`: what was found, said
 * better than the bare value ("2027-02-29": February 2027 has 28 days).
 */

const ID = /^[a-z0-9][a-z0-9_-]*$/;
export const id = z.string().max(100, { message: 'an id of at most 100 characters' }).regex(ID, { message: 'an id of lowercase letters, digits, - and _ (like "stroymash-ceo")' });

const SAFE_TEXT = 'text on one line, without control characters (NUL, tab, line breaks, U+2028, U+2029) or bidirectional overrides (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F)';
/** Names, titles, roles: one line of visible text. */
const safe = (max: number) => z.string().trim().min(1, { message: 'a non-empty text', abort: true }).max(max, { message: `a text of at most ${max} characters`, abort: true })
  .refine((v) => !UNSAFE_CHARACTERS.test(v), { message: SAFE_TEXT });
const text = safe(200);
const title = safe(300);
/** Scalars in YAML may come as numbers (tier: 1); labels are compared as text. */
const label = z.union([safe(200), z.number()]).transform((v) => String(v));
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]);

/** The lengths each duration field accepts; README (Configuration) says why. */
export const RANGES = {
  /** Calendars further ahead than three years hold nothing anyone acts on, and every year costs planning time. */
  horizon: { min: { n: 1, unit: 'days' }, max: { n: 3, unit: 'years' }, units: ['days', 'weeks', 'months', 'years'] },
  every: { min: { n: 1, unit: 'days' }, max: { n: 5, unit: 'years' }, units: ['days', 'weeks', 'months', 'years'] },
  after: { min: { n: 1, unit: 'days' }, max: { n: 5, unit: 'years' }, units: ['days', 'weeks', 'months', 'years'] },
  /** A meeting or call fits in one working day. */
  duration: { min: { n: 5, unit: 'minutes' }, max: { n: 12, unit: 'hours' }, units: ['minutes', 'hours'] },
  /** Google accepts reminders up to 4 weeks ahead. */
  remind: { min: { n: 1, unit: 'minutes' }, max: { n: 4, unit: 'weeks' }, units: ['minutes', 'hours', 'days', 'weeks'] },
  /** Triggers are about telling the client promptly. */
  within: { min: { n: 1, unit: 'minutes' }, max: { n: 31, unit: 'days' }, units: ['minutes', 'hours', 'days', 'weeks'] },
  silence: { min: { n: 1, unit: 'days' }, max: { n: 3, unit: 'years' }, units: ['days', 'weeks', 'months', 'years'] },
  overdue: { min: { n: 1, unit: 'days' }, max: { n: 12, unit: 'weeks' }, units: ['days', 'weeks'] },
} as const satisfies Record<string, DurationRange>;

/** A duration field of a range: "0 days", "-3 months" and "9007199254740991 days" are refused with the range. */
export const durationIn = (range: DurationRange, example: string) => z.string({ message: `a duration ${describeRange(range)}, like "${example}"` })
  .superRefine((v, ctx) => {
    const message = `a duration ${describeRange(range)}, like "${example}"`;
    if (!DURATION_PATTERN.test(v)) ctx.addIssue({ code: 'custom', message, params: { found: `${JSON.stringify(v)}${durationMeant(v, range)}` } });
    else {
      const problem = durationProblem(v, range);
      if (problem) ctx.addIssue({ code: 'custom', message, params: { found: `${JSON.stringify(v)}: ${problem}` } });
    }
  })
  // Checked above with a hint for a misspelt unit; the JSON schema still gives editors the pattern,
  // its letters of either case (a JSON schema's pattern has no flags: "2 Weeks" was red in an editor).
  .meta({ pattern: caseless(DURATION_PATTERN.source) });

/** A regular expression's source that matches its letters in either case, without the `i` flag (escapes such as \s kept). */
export function caseless(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') out += c + (source[++i] ?? '');
    else out += /[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
  }
  return out;
}

/**
 * Between the two times of working hours: a hyphen, or the dash Word and Outlook put there when
 * "09:00–18:00" is pasted from them (an en or em dash, a minus sign), spaces around it allowed.
 */
export const HOURS_DASH = /\s*[-\u2012-\u2015\u2212]\s*/;

/** An hour with or without its leading zero ("9:00-18:00", as people and Outlook write it, is 09:00-18:00). */
export const hours = z
  .string()
  .regex(new RegExp(`^([01]?\\d|2[0-3]):[0-5]\\d${HOURS_DASH.source}([01]?\\d|2[0-4]):[0-5]\\d$`), { message: 'working hours like "09:00-18:00"', abort: true })
  .refine((v) => {
    const [a, b] = v.split(HOURS_DASH) as [string, string];
    return toMinutes(a) < toMinutes(b) && toMinutes(b) <= 1440;
  }, { message: 'working hours that start before they end on the same day, like "09:00-18:00"' });

export function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Excel's serial number of a day (days since 30 December 1899), as an export of a date column may carry it: 30000–199999 (1982 to about 2447). */
const EXCEL_SERIAL = /^(?:[3-9]\d{4}|1\d{5})(?:[.,]\d+)?$/;

function excelSerialDate(serial: string): string {
  const days = Math.floor(Number(serial.replace(',', '.')));
  return new Date(Date.UTC(1899, 11, 30) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A calendar date that exists: 2027-02-29 and 2027-04-31 are refused with the reason. */
export const isoDate = z.string()
  // A date column Excel exported as its serial number (44228 for 1 February 2021): said as such, with the date it stands for.
  .refine((v) => !EXCEL_SERIAL.test(v), { error: (iss) => `a date like 2027-03-15 (or 15.03.2027 in a CSV export), not the number Excel keeps a date as (${String(iss.input)} is ${excelSerialDate(String(iss.input))}): format the column as a date before exporting`, abort: true })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'a date like 2027-03-15', abort: true }).superRefine((v, ctx) => {
  const problem = dateProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: `a date that exists, from ${MIN_YEAR} to ${MAX_YEAR}, like 2027-03-15`, params: { found: `${JSON.stringify(v)}: ${problem}` } });
});
/** A yearly month and day: 02-30 never happens and is refused; 02-29 is accepted (a warning says what other years do). */
// Written the Russian or Romanian way (08.03), YAML reads a number: the message says how to write it.
export const monthDay = z.string({ error: 'a month and day like 12-28 (MM-DD; 8 March is 03-08), not a number' }).regex(/^\d{2}-\d{2}$/, { message: 'a month and day like 12-28 (MM-DD)', abort: true }).superRefine((v, ctx) => {
  const problem = monthDayProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: 'a month and day that exists, like 12-28 (MM-DD)', params: { found: `${JSON.stringify(v)}: ${problem}` } });
});
/** What a country must be (zod-issues.ts adds the code a name or lowercase letters meant to the error). */
export const COUNTRY_CODE = 'an ISO 3166-1 alpha-2 country code like RU';
const country = z.string().regex(/^[A-Z]{2}$/, { message: COUNTRY_CODE });
const timezone = z.string().min(1, { message: 'an IANA time zone like Europe/Moscow' }).max(100).refine((v) => !UNSAFE_CHARACTERS.test(v), { message: 'an IANA time zone like Europe/Moscow' });
export const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const provider = z.enum(['ics', 'google', 'microsoft', 'none']);
const kind = z.enum(KINDS as [string, ...string[]]);
const theirs = z.union([z.literal('all'), oneOrMany(text)]);
export const STAGES = ['onboarding', 'active', 'lapsed'] as const;

/** An attribute's name: any short text a CRM header could be, but never one that reaches a prototype. */
export const attributeName = z.string().min(1, { message: 'an attribute name', abort: true }).max(60, { message: 'an attribute name of at most 60 characters', abort: true })
  .refine((v) => !UNSAFE_CHARACTERS.test(v) && v.trim() === v, { message: `an attribute name: ${SAFE_TEXT}`, abort: true })
  .refine((v) => !v.split('.').some((part) => RESERVED_KEYS.has(part)), { message: 'an attribute name other than __proto__, constructor or prototype' });
const attributes = z.record(attributeName, label);

export const selector = z
  .strictObject({
    tier: oneOrMany(label),
    industry: oneOrMany(text),
    country: oneOrMany(country),
    stage: oneOrMany(z.enum(STAGES)),
    clients: oneOrMany(id),
    /** Attributes from a CRM export: `attributes: { region: [south, east] }`. */
    attributes: z.record(attributeName, oneOrMany(label)),
  })
  .partial();

/** A five-field cron expression (minute hour day month weekday), checked by node-cron's own parser. */
const cron = z.string().superRefine((v, ctx) => {
  const fields = v.trim().split(/\s+/);
  if (fields.length !== 5) {
    ctx.addIssue({ code: 'custom', message: 'a cron expression of five fields (minute hour day-of-month month day-of-week), like "*/5 * * * *"' });
    return;
  }
  const check = validateDetailed(v);
  if (!check.valid) ctx.addIssue({ code: 'custom', message: `a cron expression like "*/5 * * * *" (${check.errors.map((e) => e.message).join('; ')})` });
});

export const schedulesSchema = z.strictObject({
  sync: cron.default('*/5 * * * *'),
  calendars: cron.default('17 * * * *'),
  daily: cron.default('30 6 * * *'),
  digest: cron.default('0 8 * * mon'),
});

export const httpSchema = z.strictObject({
  host: z.string().min(1).max(253).refine((v) => !UNSAFE_CHARACTERS.test(v) && !/\s/.test(v), { message: 'a host name or address like 127.0.0.1 or 0.0.0.0' }).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8787),
  public_url: z.url({ protocol: /^https?$/, message: PUBLIC_URL }).refine(isBaseUrl, { message: PUBLIC_URL }).optional(),
});

export const settingsSchema = z.strictObject({
  company: text,
  timezone: timezone.default('UTC'),
  country: country,
  workdays: z.array(weekday).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
  hours: hours.default('09:00-18:00'),
  horizon: durationIn(RANGES.horizon, '90 days').default('90 days'),
  calendar: provider.default('ics'),
  schedules: schedulesSchema.default(schedulesSchema.parse({})),
  http: httpSchema.default(httpSchema.parse({})),
  /** The language of titles, calendar descriptions, reports, the digest and the dashboard. */
  language: z.enum(['en', 'ru', 'ro']).default('en'),
  /**
   * Days a government's decree moves, which no holiday calendar knows in advance (Russia's each
   * autumn for the next year), per country: days off and working days (a working Saturday).
   */
  calendar_changes: z.record(country, z.strictObject({
    off: z.array(isoDate).max(60).default([]),
    working: z.array(isoDate).max(60).default([]),
  })).optional(),
});

export const employeeSchema = z.strictObject({
  id,
  name: text,
  email: z.email().optional(),
  role: text,
  timezone: timezone.optional(),
  country: country.optional(),
  calendar: provider.optional(),
  hours: hours.optional(),
  meetings_per_day: z.number().int().min(1).max(48).optional(),
});

/**
 * A contact's address: what z.email() takes, or one at an internationalised domain written in
 * one script — all Cyrillic (ion@почта.рф, почта@сайт.рф, real in Russia) or all Latin with its
 * marks (ion@bălți.md, a@ștefan.md, Romanian and Moldovan; QA: refused while ion@почта.рф was
 * taken). A domain that mixes the two scripts (pоchta.ru, its о Cyrillic) is still a typo
 * refused. One pattern, which the CSV reader's fast checks take from here (csv-fast-rows.ts).
 */
const scriptLabel = (script: string) => String.raw`[\p{Script=${script}}0-9](?:[\p{Script=${script}}0-9\-]*[\p{Script=${script}}0-9])?`;
const domainIn = (script: string) => String.raw`(?:${scriptLabel(script)}\.)+\p{Script=${script}}{2,}`;
const CONTACT_EMAIL = new RegExp(
  `(?:${z.regexes.email.source})`
  // Not letters that only look Latin (ɑ of IPA, ⅿ of Roman numerals, ｇ fullwidth): a look-alike is a spoof or a typo (review).
  + String.raw`|^(?!.*[\u0250-\u02AF\u2100-\u218F\uFF00-\uFFEF])(?:(?:[\p{Script=Latin}0-9_'+\-]+\.)*[\p{Script=Latin}0-9_'+\-]*[\p{Script=Latin}0-9_+-]|(?:[\p{Script=Cyrillic}0-9_\-]+\.)*[\p{Script=Cyrillic}0-9_\-]+)`
  + `@(?:${domainIn('Cyrillic')}|${domainIn('Latin')})$`,
  'u',
);

export const contactSchema = z.strictObject({
  id,
  name: text,
  role: text,
  email: z.email({ pattern: CONTACT_EMAIL }).optional(),
  phone: safe(60).optional(),
  attributes: attributes.optional(),
});

/** A role name as a key of a client's team. */
export const roleKey = z.string().regex(ID, { message: 'a role name of lowercase letters, digits, - and _' });

export const clientSchema = z.strictObject({
  id,
  name: text,
  tier: label.optional(),
  industry: text.optional(),
  country: country.optional(),
  timezone: timezone.optional(),
  stage: z.enum(STAGES).default('active'),
  since: isoDate.optional(),
  /** When the client entered its stage (lapsed, onboarding): sequences count from it. */
  stage_since: isoDate.optional(),
  /** The last contact before touchbase (a CRM's "last activity"): silence counts from it. */
  last_contact: isoDate.optional(),
  hours: hours.optional(),
  /** Our role → the employee's id (or, as CRM exports write it, their e-mail or full name). */
  team: z.record(roleKey, text).default({}),
  contacts: z.array(contactSchema).default([]),
  /** Anything else a CRM knows (inn, region, …): usable in selectors and titles. */
  attributes: attributes.optional(),
});

export const ruleSchema = z.strictObject({
  id,
  name: text.optional(),
  ours: text,
  theirs,
  kind,
  every: durationIn(RANGES.every, '3 months').optional(),
  /** A one-off touch this long after the client's stage_since (or since): a step of a sequence. */
  after: durationIn(RANGES.after, '14 days').optional(),
  for: selector.default({}),
  per: z.enum(['client', 'contact']).optional(),
  anchor: z.enum(['calendar', 'last']).default('calendar'),
  duration: durationIn(RANGES.duration, '60 minutes').optional(),
  remind: z.array(durationIn(RANGES.remind, '1 day'), { message: 'a list of at most 5 durations, like [14 days, 1 day]' }).max(5).optional(),
  title: title.optional(),
});

/**
 * A campaign's kinds: all-day touches (a greeting, a letter, news, a feedback request) on a day
 * of the year. A meeting or a call with every client on one day is no campaign: refused, where it
 * was planned as an all-day touch per contact outside meetings_per_day (QA against the contract:
 * meetings and calls are timed events).
 */
const campaignKind = z.enum(KINDS.filter((k) => k !== 'meeting' && k !== 'call') as [string, ...string[]]);

export const campaignSchema = z.strictObject({
  id,
  name: text.optional(),
  kind: campaignKind.default('greeting'),
  on: monthDay.optional(),
  holiday: text.optional(),
  theirs: theirs.default('all'),
  ours: text,
  for: selector.default({}),
  per: z.enum(['client', 'contact']).default('contact'),
  prepare: durationIn(RANGES.remind, '10 days').optional(),
  title: title.optional(),
});

export const WEEKDAY_RULE = /^(1st|2nd|3rd|4th|5th|last)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+of\s+(january|february|march|april|may|june|july|august|september|october|november|december)$/i;

/** A holiday's `rule`: either form (one pattern, so that editors check it from the JSON schema). */
const HOLIDAY_RULE = new RegExp(`(?:${WEEKDAY_RULE.source})|(?:${EASTER_RULE.source})`, 'i');

export const holidaySchema = z.strictObject({
  id,
  name: text,
  date: monthDay.optional(),
  rule: z.string().regex(HOLIDAY_RULE, {
    // An Easter offset past 79 days (Trinity is 49) said as such, not as a rule of another shape.
    error: (issue) => (typeof issue.input === 'string' && Number(/^(?:orthodox|western|catholic)\s+easter\s*[+-]\s*(\d+)\s*days?$/i.exec(issue.input)?.[1] ?? 0) > 79
      ? 'an offset from Easter of at most 79 days, like "orthodox easter + 49 days" (Trinity) or "western easter - 2 days"'
      : 'a rule like "2nd sunday of august", "last friday of july", "orthodox easter" or "western easter - 2 days"'),
  }).optional(),
  countries: z.array(country).min(1).optional(),
  industries: z.array(text).min(1).optional(),
});

export const handoverSchema = z.strictObject({
  from: id,
  to: id,
  on: isoDate,
  notice_from: z.enum(['management', 'leaving']).default('management'),
});

export const triggerSchema = z.strictObject({
  id,
  event: z.string().max(100).regex(/^[a-z0-9][a-z0-9_.-]*$/, { message: 'an event name like order.shipped' }),
  ours: text,
  theirs: theirs.default('all'),
  kind: kind.default('letter'),
  within: durationIn(RANGES.within, '4 hours'),
  title: title.optional(),
});

export const silenceSchema = z.strictObject({
  after: durationIn(RANGES.silence, '60 days'),
  for: selector.default({}),
  /** Who is told first: the client's holder of this role. */
  notify: text.default('account_manager'),
  escalate_to: text.optional(),
});

/** The contact roles whose overdue touches go up when `escalate_for` is not written. */
export const DEFAULT_ESCALATE_FOR: readonly string[] = ['ceo', 'director'];

/** When an open touch counts as overdue, and which overdue meetings go up to a director. */
export const overdueSchema = z.strictObject({
  /** Grace after the touch's date before it is overdue. */
  after: durationIn(RANGES.overdue, '2 days').default('2 days'),
  escalate_to: text.optional(),
  /** Contact roles whose overdue touches are escalated. */
  escalate_for: z.array(text).min(1).default([...DEFAULT_ESCALATE_FOR]),
  /** Kinds of touch that are escalated. */
  escalate_kinds: z.array(kind).min(1).default(['meeting']),
});

/** The weekly digest: who gets it (roles), for the clients where they hold that role. */
export const digestSchema = z.strictObject({
  to: z.array(text).min(1).default(['sales_director']),
});

/** The directors' dashboard: the roles that see everything (others see their own clients). */
export const dashboardSchema = z.strictObject({
  directors: z.array(text).min(1).default(['ceo', 'sales_director']),
});

/**
 * A CSV export of a CRM, read as it is: which file, what it holds, and what its columns are
 * called. Columns not listed keep their own name: a field name (`tier`, `team.account_manager`)
 * or else an attribute.
 */
export const importSchema = z.strictObject({
  /** Path inside the configuration folder, like crm/bitrix-companies.csv (or .txt, .tsv). */
  file: z.string().min(1).max(300)
    // Excel saves "Unicode text" (UTF-16, tabs) as .txt: read as a .csv is, encoding and delimiter detected.
    .regex(DELIMITED_TEXT_PATTERN, {
      error: (iss) => `the path of a delimited text file (${delimitedTextExtensions()}) inside the configuration folder, like crm/companies.csv${/\.xlsx?$/i.test(String(iss.input)) ? ' (a workbook is not read: save it from Excel as "CSV UTF-8" or "Unicode text")' : ''}`,
      abort: true,
    })
    .refine((v) => !v.startsWith('/') && !/^[a-z]:/i.test(v) && !v.split(/[\\/]/).includes('..') && !UNSAFE_CHARACTERS.test(v), { message: 'a path inside the configuration folder (no "..", not absolute)' }),
  as: z.enum(['clients', 'contacts']),
  /** The CRM's column name → a touchbase field: name, team.account_manager, attributes.inn, … */
  columns: z.record(z.string().min(1).max(200), z.string().min(1).max(100)).default({}),
  /** Per field, the CRM's values → touchbase's: `stage: { "Клиент": active }`. */
  values: z.record(z.string().min(1).max(100), z.record(z.string().max(200), z.string().max(200))).default({}),
  /** How the CRM writes dates, in luxon tokens: "dd.MM.yyyy", "MM/dd/yyyy". ISO and dd.MM.yyyy are read without it. */
  date_format: z.string().min(2).max(40).superRefine((format, ctx) => {
    const found = dateFormatProblem(format);
    if (found) ctx.addIssue({ code: 'custom', message: 'luxon tokens that write a date with its day, month and year and read it back, like "dd.MM.yyyy" or "MM/dd/yyyy"', params: { found } });
  }).optional(),
  /** Only when detection is wrong; detected otherwise. */
  encoding: z.enum(ENCODINGS).optional(),
  delimiter: z.enum([',', ';', 'tab']).optional(),
});

/** One configuration file: any subset of the sections. */
export const fileSchema = z.strictObject({
  settings: settingsSchema.optional(),
  employees: z.array(employeeSchema).optional(),
  clients: z.array(clientSchema).optional(),
  rules: z.array(ruleSchema).optional(),
  campaigns: z.array(campaignSchema).optional(),
  holidays: z.array(holidaySchema).optional(),
  handovers: z.array(handoverSchema).optional(),
  triggers: z.array(triggerSchema).optional(),
  silence: silenceSchema.optional(),
  overdue: overdueSchema.optional(),
  digest: digestSchema.optional(),
  dashboard: dashboardSchema.optional(),
  imports: z.array(importSchema).optional(),
});

export type RawFile = z.output<typeof fileSchema>;
export type RawSettings = z.output<typeof settingsSchema>;
export type RawEmployee = z.output<typeof employeeSchema>;
export type RawClient = z.output<typeof clientSchema>;
export type RawContact = z.output<typeof contactSchema>;
export type RawRule = z.output<typeof ruleSchema>;
export type RawCampaign = z.output<typeof campaignSchema>;
export type RawHoliday = z.output<typeof holidaySchema>;
export type RawHandover = z.output<typeof handoverSchema>;
export type RawTrigger = z.output<typeof triggerSchema>;
export type RawSilence = z.output<typeof silenceSchema>;
export type RawOverdue = z.output<typeof overdueSchema>;
export type RawDigest = z.output<typeof digestSchema>;
export type RawDashboard = z.output<typeof dashboardSchema>;
export type RawImport = z.output<typeof importSchema>;
export type RawSelector = z.output<typeof selector>;

/**
 * What is wrong with a CRM's date_format, as the error's "found"; undefined when it can read its
 * dates: 15 March 2027 written with it reads back as that day ("qqq[[[" was taken, and no date
 * cell of the export could ever be read). Excel's and moment's "DD/MM/YYYY" passes that test with
 * luxon (DD is a localised date, YYYY literal text: "Mar 15, 2027/03/YYYY") and then refused every
 * date of the export, one error a row: caught first, once, with the luxon tokens meant.
 */
function dateFormatProblem(format: string): string | undefined {
  const unquoted = format.replace(/'[^']*'/g, '');
  if (/[DY]/.test(unquoted)) {
    const meant = format.replace(/'[^']*'|[DY]/g, (t) => (t.length === 1 ? t.toLowerCase() : t));
    return `${JSON.stringify(format)}: luxon's day and year are d and y in lower case (D is a localised date to it, Y nothing); did you mean ${JSON.stringify(meant)}?`;
  }
  const day = DateTime.fromObject({ year: 2027, month: 3, day: 15 }, { zone: 'utc' });
  const back = DateTime.fromFormat(day.toFormat(format), format, { zone: 'utc' });
  if (back.isValid && back.toISODate() === '2027-03-15') return undefined;
  // "dd.mm.yyyy": minutes for the month, with no hour beside them.
  const meant = /m/.test(unquoted) && !/M/.test(unquoted) && !/[Hh]/.test(unquoted) ? format.replace(/'[^']*'|m/g, (t) => (t === 'm' ? 'M' : t)) : undefined;
  return `${JSON.stringify(format)}${meant ? `: m is the minute to luxon, M the month; did you mean ${JSON.stringify(meant)}?` : ''}`;
}

/**
 * The unit words of Russian and Romanian, as a director writes them ("3 месяца", "2 luni"): named
 * in the error's hint, not accepted — a configuration's keywords are English in every language.
 */
const LOCAL_UNITS: readonly (readonly [RegExp, DurationUnit])[] = [
  [/^мин/, 'minutes'], [/^час/, 'hours'], [/^(дн|день|сут)/, 'days'], [/^недел/, 'weeks'], [/^мес/, 'months'], [/^(год|лет)/, 'years'],
  [/^minut/, 'minutes'], [/^(or[ăa]|ore)$/, 'hours'], [/^(zi|zile)$/, 'days'], [/^s[ăa]pt[ăa]m[âa]n/, 'weeks'], [/^(lun[ăa]|luni)$/, 'months'], [/^(an|ani)$/, 'years'],
];

/** `; did you mean "6 weeks"?` for "6 wekks", "6 недель" or "6 săptămâni"; empty when no unit of the range is near. */
function durationMeant(text: string, range: DurationRange): string {
  const m = /^\s*(\d+)\s*(\p{L}+)\.?\s*$/u.exec(text);
  if (!m) return '';
  const word = m[2]!.toLowerCase();
  const words = range.units.flatMap((u) => [u, u.slice(0, -1)]);
  const unit = LOCAL_UNITS.find(([pattern]) => pattern.test(word))?.[1] ?? range.units.find((u) => closest(word, words)?.startsWith(u.slice(0, -1)));
  if (!unit || !range.units.includes(unit)) return '';
  return `; did you mean ${quote(formatDuration({ n: Number(m[1]), unit }))}?`;
}
