import { z } from 'zod';
import { validateDetailed } from 'node-cron';
import { DURATION_PATTERN } from '../domain/duration.ts';
import { KINDS } from '../domain/types.ts';

/**
 * The zod schemas of the YAML configuration, field names as directors write them.
 * They check shape and syntax; references between sections are checked in cross-check.ts.
 */

const ID = /^[a-z0-9][a-z0-9_-]*$/;
export const id = z.string().regex(ID, { message: 'an id of lowercase letters, digits, - and _ (like "stroymash-ceo")' });
const text = z.string().trim().min(1, { message: 'a non-empty text' });
/** Scalars in YAML may come as numbers (tier: 1); labels are compared as text. */
const label = z.union([z.string().trim().min(1), z.number()]).transform((v) => String(v));
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1)]);

export const duration = z.string().regex(DURATION_PATTERN, {
  message: 'a duration like "90 minutes", "2 hours", "14 days", "3 months" or "1 year"',
});
export const hours = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, { message: 'working hours like "09:00-18:00"', abort: true })
  .refine((v) => {
    const [a, b] = v.split('-') as [string, string];
    return toMinutes(a) < toMinutes(b) && toMinutes(b) <= 1440;
  }, { message: 'working hours that start before they end on the same day, like "09:00-18:00"' });

export function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'a date like 2027-03-15' });
const monthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'a month and day like 12-28 (MM-DD)' });
const country = z.string().regex(/^[A-Z]{2}$/, { message: 'an ISO 3166-1 alpha-2 country code like RU' });
const timezone = z.string().min(1, { message: 'an IANA time zone like Europe/Moscow' });
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const provider = z.enum(['ics', 'google', 'microsoft', 'none']);
const kind = z.enum(KINDS as [string, ...string[]]);
const theirs = z.union([z.literal('all'), oneOrMany(text)]);

export const selector = z
  .strictObject({
    tier: oneOrMany(label),
    industry: oneOrMany(text),
    country: oneOrMany(country),
    stage: oneOrMany(z.enum(['onboarding', 'active', 'lapsed'])),
    clients: oneOrMany(id),
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
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8787),
  public_url: z.url({ protocol: /^https?$/, message: 'an http(s) address like https://touchbase.example.com' }).optional(),
});

export const settingsSchema = z.strictObject({
  company: text,
  timezone: timezone.default('UTC'),
  country: country,
  workdays: z.array(weekday).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
  hours: hours.default('09:00-18:00'),
  horizon: duration.default('90 days'),
  calendar: provider.default('ics'),
  schedules: schedulesSchema.default(schedulesSchema.parse({})),
  http: httpSchema.default(httpSchema.parse({})),
  /** The language of titles, calendar descriptions, reports, the digest and the dashboard. */
  language: z.enum(['en', 'ru', 'ro']).default('en'),
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

export const contactSchema = z.strictObject({
  id,
  name: text,
  role: text,
  email: z.email().optional(),
  phone: z.string().optional(),
});

export const clientSchema = z.strictObject({
  id,
  name: text,
  tier: label.optional(),
  industry: text.optional(),
  country: country.optional(),
  timezone: timezone.optional(),
  stage: z.enum(['onboarding', 'active', 'lapsed']).default('active'),
  since: isoDate.optional(),
  /** When the client entered its stage (lapsed, onboarding): sequences count from it. */
  stage_since: isoDate.optional(),
  /** The last contact before touchbase (a CRM's "last activity"): silence counts from it. */
  last_contact: isoDate.optional(),
  hours: hours.optional(),
  team: z.record(z.string().regex(ID, { message: 'a role name' }), id).default({}),
  contacts: z.array(contactSchema).default([]),
});

export const ruleSchema = z.strictObject({
  id,
  ours: text,
  theirs,
  kind,
  every: duration.optional(),
  /** A one-off touch this long after the client's stage_since (or since): a step of a sequence. */
  after: duration.optional(),
  for: selector.default({}),
  per: z.enum(['client', 'contact']).optional(),
  anchor: z.enum(['calendar', 'last']).default('calendar'),
  duration: duration.optional(),
  remind: z.array(duration).max(5).optional(),
  title: text.optional(),
});

export const campaignSchema = z.strictObject({
  id,
  kind: kind.default('greeting'),
  on: monthDay.optional(),
  holiday: text.optional(),
  theirs: theirs.default('all'),
  ours: text,
  for: selector.default({}),
  per: z.enum(['client', 'contact']).default('contact'),
  prepare: duration.optional(),
  title: text.optional(),
});

export const WEEKDAY_RULE = /^(1st|2nd|3rd|4th|5th|last)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+of\s+(january|february|march|april|may|june|july|august|september|october|november|december)$/i;

export const holidaySchema = z.strictObject({
  id,
  name: text,
  date: monthDay.optional(),
  rule: z.string().regex(WEEKDAY_RULE, { message: 'a rule like "2nd sunday of august" or "last friday of july"' }).optional(),
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
  event: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, { message: 'an event name like order.shipped' }),
  ours: text,
  theirs: theirs.default('all'),
  kind: kind.default('letter'),
  within: duration,
  title: text.optional(),
});

export const silenceSchema = z.strictObject({
  after: duration,
  for: selector.default({}),
  /** Who is told first: the client's holder of this role. */
  notify: text.default('account_manager'),
  escalate_to: text.optional(),
});

/** When an open touch counts as overdue, and which overdue meetings go up to a director. */
export const overdueSchema = z.strictObject({
  /** Grace after the touch's date before it is overdue. */
  after: duration.default('2 days'),
  escalate_to: text.optional(),
  /** Contact roles whose overdue touches are escalated. */
  escalate_for: z.array(text).min(1).default(['ceo', 'director']),
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
export type RawSelector = z.output<typeof selector>;
