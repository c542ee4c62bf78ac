/**
 * The validated, normalised configuration and the touches the planner makes of it.
 * Everything here is plain frozen data: no I/O, no clock.
 */

export type Kind = 'meeting' | 'call' | 'letter' | 'greeting' | 'feedback' | 'news';
export const KINDS: readonly Kind[] = ['meeting', 'call', 'letter', 'greeting', 'feedback', 'news'];
/** Kinds that occupy a time slot in the employee's day (and count against meetings_per_day). */
export const TIMED_KINDS: ReadonlySet<Kind> = new Set<Kind>(['meeting', 'call']);

export type Provider = 'ics' | 'google' | 'microsoft' | 'none';
/** The language of everything touchbase writes for people (settings.language). */
export type Language = 'en' | 'ru' | 'ro';
export const LANGUAGES: readonly Language[] = ['en', 'ru', 'ro'];
export type Stage = 'onboarding' | 'active' | 'lapsed';

export type DurationUnit = 'minutes' | 'hours' | 'days' | 'weeks' | 'months' | 'years';
export interface Duration {
  readonly n: number;
  readonly unit: DurationUnit;
}

/** Working hours as minutes after local midnight, e.g. 09:00-18:00 → { start: 540, end: 1080 }. */
export interface Hours {
  readonly start: number;
  readonly end: number;
}

export interface Settings {
  readonly company: string;
  readonly timezone: string;
  readonly country: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  readonly workdays: readonly number[];
  readonly hours: Hours;
  readonly horizon: Duration;
  readonly calendar: Provider;
  /** Cron expressions (five fields) in the company's zone, for the daemon. */
  readonly schedules: Schedules;
  readonly http: HttpSettings;
  /** Titles, descriptions, reports, the digest and the dashboard are written in it. */
  readonly language: Language;
  /** Days off and working days a government's decree moves, per country (settings.calendar_changes), beyond those touchbase knows. */
  readonly calendarChanges: CalendarChanges;
}

/** Per country: days that are off though the holiday calendar has them as working days, and working days on what would be a weekend. */
export type CalendarChanges = Readonly<Record<string, { readonly off: readonly string[]; readonly working: readonly string[] }>>;

export interface Schedules {
  /** Re-plan when something changed and push to calendars. */
  readonly sync: string;
  /** Read the employees' calendars for events they moved or deleted. */
  readonly calendars: string;
  /** Silence and overdue checks. */
  readonly daily: string;
  /** The directors' weekly digest. */
  readonly digest: string;
}

export interface HttpSettings {
  readonly host: string;
  readonly port: number;
  /** The address people reach the server at (feeds, one-click links), if not http://host:port. */
  readonly publicUrl: string | undefined;
}

export interface Employee {
  readonly id: string;
  readonly name: string;
  readonly email: string | undefined;
  readonly role: string;
  readonly timezone: string;
  readonly country: string;
  readonly calendar: Provider;
  readonly hours: Hours;
  readonly meetingsPerDay: number | undefined;
}

export interface Contact {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly email: string | undefined;
  readonly phone: string | undefined;
  /** Extra columns of a CRM export (or `attributes:` in YAML), by name; a record with no prototype. */
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface Client {
  readonly id: string;
  readonly name: string;
  readonly tier: string | undefined;
  readonly industry: string | undefined;
  readonly country: string;
  readonly timezone: string;
  readonly stage: Stage;
  /** ISO date the relationship started. */
  readonly since: string | undefined;
  /** ISO date the client entered its stage (lapsed, onboarding): sequences count from it. */
  readonly stageSince: string | undefined;
  /** The last contact before touchbase knew the client (a CRM's "last activity"). */
  readonly lastContact: string | undefined;
  /** since + 90 days: until then an active client counts as onboarding for selectors. */
  readonly newUntil: string | undefined;
  readonly hours: Hours;
  /** Our role → our employee id, as named in the configuration; a record with no prototype. */
  readonly team: Readonly<Record<string, string>>;
  readonly contacts: readonly Contact[];
  /** Extra columns of a CRM export (inn, region, …) or `attributes:` in YAML; a record with no prototype. */
  readonly attributes?: Readonly<Record<string, string>>;
}

/** Every key given must match; each is a list of accepted values. */
export interface Selector {
  readonly tier?: readonly string[];
  readonly industry?: readonly string[];
  readonly country?: readonly string[];
  readonly stage?: readonly string[];
  readonly clients?: readonly string[];
  /** Attribute name → accepted values (a record with no prototype); every name given must match. */
  readonly attributes?: Readonly<Record<string, readonly string[]>>;
}

/** `all` or a list of contact roles. */
export type Theirs = 'all' | readonly string[];

export interface Rule {
  readonly id: string;
  /** What people call it ("Звонок закупщику"): a day's calendar entry of its touches names it so, not by its id. */
  readonly name?: string | undefined;
  readonly ours: string;
  readonly theirs: Theirs;
  readonly kind: Kind;
  /** The cadence; undefined for a one-off step of a sequence (see `after`). */
  readonly every: Duration | undefined;
  /** A one-off touch this long after the client's stage_since (else since). */
  readonly after: Duration | undefined;
  readonly for: Selector;
  readonly per: 'client' | 'contact';
  readonly anchor: 'calendar' | 'last';
  /** Minutes; only for timed kinds. */
  readonly durationMinutes: number;
  /** Minutes before the touch. */
  readonly remind: readonly number[];
  readonly title: string | undefined;
}

export interface MonthDay {
  readonly month: number;
  readonly day: number;
}

/** "2nd sunday of august" → { nth: 2, weekday: 7, month: 8 }; "last friday of july" → nth -1. */
export interface WeekdayRule {
  readonly nth: number;
  readonly weekday: number;
  readonly month: number;
}

export interface Campaign {
  readonly id: string;
  /** What it greets for, as people read it ("8 Марта"): in titles and reports instead of its id or holiday's name. */
  readonly name: string | undefined;
  readonly kind: Kind;
  readonly on: MonthDay | undefined;
  readonly holiday: string | undefined;
  readonly theirs: Theirs;
  readonly ours: string;
  readonly for: Selector;
  readonly per: 'client' | 'contact';
  readonly prepareMinutes: number | undefined;
  readonly title: string | undefined;
}

/**
 * "orthodox easter + 49 days" → { easter: 'orthodox', offsetDays: 49 }: a holiday that moves
 * with Easter (Orthodox Easter greetings to Russian clients, whose public holidays do not list it).
 */
export interface EasterRule {
  readonly easter: 'orthodox' | 'western';
  readonly offsetDays: number;
}

export interface ProfessionalHoliday {
  readonly id: string;
  readonly name: string;
  readonly date: MonthDay | undefined;
  readonly rule: WeekdayRule | EasterRule | undefined;
  readonly countries: readonly string[] | undefined;
  readonly industries: readonly string[] | undefined;
}

export interface Handover {
  readonly from: string;
  readonly to: string;
  /** ISO date: the first working day the successor is responsible. */
  readonly on: string;
  readonly noticeFrom: 'management' | 'leaving';
}

export interface Trigger {
  readonly id: string;
  readonly event: string;
  readonly ours: string;
  readonly theirs: Theirs;
  readonly kind: Kind;
  readonly within: Duration;
  readonly title: string | undefined;
}

export interface Silence {
  readonly after: Duration;
  readonly for: Selector;
  /** The role at the client that is told first (default account_manager). */
  readonly notify: string;
  readonly escalateTo: string | undefined;
}

export interface Overdue {
  /** Days of grace after a touch's date before it is overdue. */
  readonly afterDays: number;
  readonly escalateTo: string | undefined;
  /** Contact roles whose overdue touches are escalated. */
  readonly escalateFor: readonly string[];
  readonly escalateKinds: readonly Kind[];
}

export interface Digest {
  /** Roles that get the weekly digest for the clients where they hold that role. */
  readonly to: readonly string[];
}

/** Who sees the whole dashboard: employees holding these roles (everyone else sees their own clients). */
export interface DashboardSettings {
  readonly directors: readonly string[];
}

export interface Config {
  readonly settings: Settings;
  readonly employees: readonly Employee[];
  readonly clients: readonly Client[];
  readonly rules: readonly Rule[];
  readonly campaigns: readonly Campaign[];
  readonly holidays: readonly ProfessionalHoliday[];
  readonly handovers: readonly Handover[];
  readonly triggers: readonly Trigger[];
  readonly silence: Silence | undefined;
  readonly overdue: Overdue;
  readonly digest: Digest;
  readonly dashboard: DashboardSettings;
}

export type TouchStatus = 'planned' | 'done' | 'skipped';

/** One planned contact: who, with whom, what, when. */
export interface Touch {
  /** UUID v5 of the touch's identity: the same on every run for the same touch. */
  readonly id: string;
  /** rule:<id> | campaign:<id> | handover:<from>:<to> | trigger:<id> */
  readonly source: string;
  /** The cadence this touch belongs to (rule × client [× contact]); `anchor: last` counts from its history. */
  readonly series: string;
  readonly kind: Kind;
  readonly client: string;
  readonly contacts: readonly string[];
  readonly employee: string;
  /** Local date in the employee's zone. */
  readonly date: string;
  readonly start: string;
  readonly end: string;
  readonly allDay: boolean;
  readonly title: string;
  readonly window: { readonly from: string; readonly to: string };
  /** Reminders, minutes before the start. */
  readonly remind: readonly number[];
  readonly status: TouchStatus;
  /** Due before `now` and neither done nor skipped. */
  readonly overdue: boolean;
}
