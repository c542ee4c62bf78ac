import { IANAZone } from 'luxon';
import { addDays } from '../planner/dates.ts';

/** A client whose relationship started this many days ago or less counts as onboarding. */
const NEW_CLIENT_DAYS = 90;
import type {
  Overdue, Digest, DashboardSettings,
  Campaign, Client, Config, Contact, Employee, Handover, Hours, ProfessionalHoliday, Rule, Selector, Settings,
  Silence, Theirs, Trigger, Kind,
} from '../domain/types.ts';
import { TIMED_KINDS } from '../domain/types.ts';
import { approximateDays, durationToMinutes, formatDuration, parseDuration } from '../domain/duration.ts';
import { holdersByRole, resolveRole } from '../domain/team.ts';
import { selects } from '../domain/selector.ts';
import { unknownPlaceholders } from '../domain/title-template.ts';
import { hasHolidayCalendar, parseMonthDay, parseWeekdayRule, publicHolidaySlugs } from '../planner/public-holidays.ts';
import { longestSharedHours } from '../planner/working-hours.ts';
import { toMinutes, type RawSelector } from './schema.ts';
import type { ConfigIssue } from './config-issue.ts';
import { placeOf, type Origin } from './origin.ts';
import type { Located, RawSources } from './read-sources.ts';

const WEEKDAY_NUMBERS: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };
/** Google accepts reminders up to 4 weeks ahead; Outlook has no lower limit we rely on. */
const MAX_REMINDER_MINUTES = 40320;

/**
 * Checks references between sections and turns the raw sections into the frozen domain
 * Config. Every problem is collected; the config is returned only when there are none.
 */
export function buildConfig(sources: RawSources): { config: Config | undefined; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [...sources.issues];
  const report = (origin: Origin, path: PropertyKey[], expected: string, found: string, keyOf = false) =>
    issues.push({ ...placeOf(origin, path, keyOf), expected, found });
  const broken = sources.brokenIds;

  const rawSettings = sources.settings;
  if (!rawSettings) {
    const broken = sources.brokenSettings;
    if (broken && typeof broken.value.timezone === 'string') checkZone(broken.value.timezone, broken.origin, ['timezone'], report);
    if (broken && typeof broken.value.country === 'string' && /^[A-Z]{2}$/.test(broken.value.country)) checkCountry(broken.value.country, broken.origin, ['country'], report);
    return { config: undefined, issues: sortIssues(issues) };
  }
  const s = rawSettings.value;
  checkZone(s.timezone, rawSettings.origin, ['timezone'], report);
  checkCountry(s.country, rawSettings.origin, ['country'], report);
  const settings: Settings = {
    company: s.company,
    timezone: s.timezone,
    country: s.country,
    workdays: [...new Set(s.workdays.map((d) => WEEKDAY_NUMBERS[d]!))].sort(),
    hours: parseHours(s.hours),
    horizon: parseDuration(s.horizon)!,
    calendar: s.calendar,
    schedules: { ...s.schedules },
    http: { host: s.http.host, port: s.http.port, publicUrl: s.http.public_url?.replace(/\/$/, '') },
    language: s.language,
  };

  // Employees
  const employees: Employee[] = [];
  uniqueIds(sources.employees, 'employee', report);
  for (const { value: e, origin } of sources.employees) {
    if (e.timezone) checkZone(e.timezone, origin, ['timezone'], report);
    if (e.country) checkCountry(e.country, origin, ['country'], report);
    employees.push({
      id: e.id, name: e.name, email: e.email, role: e.role,
      timezone: e.timezone ?? settings.timezone, country: e.country ?? settings.country,
      calendar: e.calendar ?? settings.calendar, hours: e.hours ? parseHours(e.hours) : settings.hours,
      meetingsPerDay: e.meetings_per_day,
    });
  }
  const employeeById = new Map(employees.map((e) => [e.id, e]));
  const knownEmployee = (id: string) => employeeById.has(id) || broken.has(id);
  const holders = holdersByRole(employees);

  // Clients and their contacts
  uniqueIds(sources.clients, 'client', report);
  const seenContacts = new Map<string, Origin>();
  const draftClients: { client: Client; origin: Origin; located: (typeof sources.clients)[number] }[] = [];
  for (const located of sources.clients) {
    const { value: c, origin } = located;
    if (c.timezone) checkZone(c.timezone, origin, ['timezone'], report);
    if (c.country) checkCountry(c.country, origin, ['country'], report);
    for (const [role, employee] of Object.entries(c.team)) {
      if (!knownEmployee(employee)) report(origin, ['team', role], 'the id of an employee', `${JSON.stringify(employee)}, which no employee has`);
    }
    c.contacts.forEach((contact, j) => {
      const first = seenContacts.get(contact.id);
      const at = located.contactOrigins[j]!;
      if (first) report(at, ['id'], `a contact id used once (first at ${short(placeOf(first))})`, JSON.stringify(contact.id));
      else seenContacts.set(contact.id, at);
    });
    const contacts: Contact[] = c.contacts.map((k) => ({ id: k.id, name: k.name, role: k.role, email: k.email, phone: k.phone }));
    draftClients.push({
      origin, located,
      client: {
        id: c.id, name: c.name, tier: c.tier, industry: c.industry, country: c.country ?? settings.country,
        timezone: c.timezone ?? settings.timezone, stage: c.stage, since: c.since, stageSince: c.stage_since, lastContact: c.last_contact, newUntil: c.since ? addDays(c.since, NEW_CLIENT_DAYS) : undefined,
        hours: c.hours ? parseHours(c.hours) : settings.hours, team: { ...c.team }, contacts,
      },
    });
  }
  const clientIds = new Set(draftClients.map((d) => d.client.id));
  const checkSelector = (sel: RawSelector, origin: Origin) => {
    for (const id of list(sel.clients)) {
      if (!clientIds.has(id) && !broken.has(id)) report(origin, ['for', 'clients'], 'ids of clients', `${JSON.stringify(id)}, which no client has`);
    }
    for (const country of list(sel.country)) checkCountry(country, origin, ['for', 'country'], report);
  };

  // Who holds a role for which client: reported once per (client, role), at the client's team.
  const ambiguity = new Set<string>();
  const needRole = (role: string, selector: Selector, origin: Origin, field: string, what: string): void => {
    if ((holders.get(role) ?? []).length === 0 && !draftClients.some((d) => d.client.team[role] && selects(selector, d.client))) {
      report(origin, [field], `a role some employee holds (${[...holders.keys()].join(', ')})`, `${JSON.stringify(role)}, held by nobody (${what})`);
      return;
    }
    for (const { client, origin: clientOrigin } of draftClients) {
      if (!selects(selector, client)) continue;
      const r = resolveRole(client.team, role, holders);
      if (r.ok) continue;
      const key = `${client.id}\u0000${role}`;
      if (ambiguity.has(key)) continue;
      ambiguity.add(key);
      const found = r.reason === 'ambiguous'
        ? `role ${role} is held by ${r.holders.join(' and ')}; name one under team`
        : `no employee holds role ${role}; name one under team`;
      report(clientOrigin, ['team'], `team.${role} for client ${client.id} (needed by ${what})`, found);
    }
  };

  // Rules
  const sharedCache = new Map<string, number>();
  uniqueIds(sources.rules, 'rule', report);
  const rules: Rule[] = [];
  for (const { value: r, origin } of sources.rules) {
    checkSelector(r.for, origin);
    const every = r.every ? parseDuration(r.every)! : undefined;
    const after = r.after ? parseDuration(r.after)! : undefined;
    if (every && (every.unit === 'minutes' || every.unit === 'hours')) {
      report(origin, ['every'], 'a cadence of days, weeks, months or years', JSON.stringify(r.every));
    }
    if (after && (after.unit === 'minutes' || after.unit === 'hours')) {
      report(origin, ['after'], 'a delay of days, weeks, months or years', JSON.stringify(r.after));
    }
    if (!every && !after) report(origin, ['every'], 'every (a cadence like "3 months") or after (a one-off step of a sequence, like "14 days")', 'neither');
    if (every && after) report(origin, ['after'], 'either every or after, not both (a sequence step happens once)', JSON.stringify(r.after));
    if (after && r.anchor === 'last') report(origin, ['anchor'], 'no anchor for a one-off step (it counts from the client\'s stage_since or since)', 'last');
    const timed = TIMED_KINDS.has(r.kind as Kind);
    if (r.duration && !timed) report(origin, ['duration'], `no duration: a ${r.kind} is an all-day touch (only meeting and call take one)`, JSON.stringify(r.duration));
    const durationMinutes = timed ? fixedMinutes(r.duration, r.kind === 'meeting' ? 60 : 15, origin, ['duration'], report) : 0;
    const remind = (r.remind ?? defaultRemind(r.kind as Kind)).map((d, i) => reminderMinutes(d, origin, ['remind', i], report));
    if (r.title) checkTitle(r.title, origin, report);
    const selector = toSelector(r.for);
    needRole(r.ours, selector, origin, 'ours', `rule ${r.id}`);
    const rule: Rule = {
      id: r.id, ours: r.ours, theirs: toTheirs(r.theirs), kind: r.kind as Kind, every, after, for: selector,
      per: r.per ?? (r.kind === 'meeting' ? 'client' : 'contact'), anchor: r.anchor, durationMinutes, remind, title: r.title,
    };
    rules.push(rule);
    if (timed && durationMinutes > 0) checkSharedHours(rule);
  }

  function checkSharedHours(rule: Rule): void {
    for (const { client, origin: clientOrigin } of draftClients) {
      if (!selects(rule.for, client)) continue;
      const r = resolveRole(client.team, rule.ours, holders);
      const employee = r.ok ? employeeById.get(r.employee) : undefined;
      if (!employee) continue;
      const key = `${employee.timezone}|${employee.hours.start}-${employee.hours.end}|${client.timezone}|${client.hours.start}-${client.hours.end}`;
      let shared = sharedCache.get(key);
      if (shared === undefined) {
        shared = longestSharedHours(employee.timezone, employee.hours, client.timezone, client.hours);
        sharedCache.set(key, shared);
      }
      if (shared < rule.durationMinutes) {
        report(clientOrigin, ['timezone'],
          `working hours shared with ${employee.id} (${employee.timezone}) long enough for the ${rule.durationMinutes}-minute ${rule.kind}s of rule ${rule.id}`,
          shared <= 0 ? `${client.timezone}: the two never overlap` : `${client.timezone}: only ${shared} minutes overlap`);
      }
    }
  }

  // Professional holidays
  uniqueIds(sources.holidays, 'holiday', report);
  const holidays: ProfessionalHoliday[] = [];
  for (const { value: h, origin } of sources.holidays) {
    if ((h.date === undefined) === (h.rule === undefined)) {
      report(origin, h.date ? ['rule'] : [], 'either date (MM-DD) or rule ("2nd sunday of august"), not both', h.date ? 'both' : 'neither');
      continue;
    }
    for (const [i, country] of (h.countries ?? []).entries()) checkCountry(country, origin, ['countries', i], report);
    holidays.push({
      id: h.id, name: h.name, date: h.date ? parseMonthDay(h.date) : undefined,
      rule: h.rule ? parseWeekdayRule(h.rule) : undefined, countries: h.countries, industries: h.industries,
    });
  }
  const holidayIds = new Set(sources.holidays.map((h) => h.value.id));

  // Campaigns
  uniqueIds(sources.campaigns, 'campaign', report);
  const campaigns: Campaign[] = [];
  for (const { value: c, origin } of sources.campaigns) {
    checkSelector(c.for, origin);
    const selector = toSelector(c.for);
    if ((c.on === undefined) === (c.holiday === undefined)) {
      report(origin, c.on ? ['holiday'] : [], 'either on (MM-DD) or holiday (an id), not both', c.on ? 'both' : 'neither');
    } else if (c.holiday && !holidayIds.has(c.holiday)) {
      const targetCountries = new Set(draftClients.filter((d) => selects(selector, d.client)).map((d) => d.client.country));
      const known = new Set<string>();
      for (const country of targetCountries) for (const year of [2026, 2027, 2028]) for (const slug of publicHolidaySlugs(country, year)) known.add(slug);
      if (!known.has(c.holiday)) {
        const some = [...holidayIds, ...known].slice(0, 12).join(', ');
        report(origin, ['holiday'], `the id of a holiday under holidays, or a public holiday of the clients' countries (${some}, …)`, JSON.stringify(c.holiday));
      }
    }
    if (c.title) checkTitle(c.title, origin, report);
    needRole(c.ours, selector, origin, 'ours', `campaign ${c.id}`);
    campaigns.push({
      id: c.id, kind: c.kind as Kind, on: c.on ? parseMonthDay(c.on) : undefined, holiday: c.holiday,
      theirs: toTheirs(c.theirs), ours: c.ours, for: selector, per: c.per,
      prepareMinutes: c.prepare ? reminderMinutes(c.prepare, origin, ['prepare'], report) : undefined, title: c.title,
    });
  }

  // Handovers
  const handovers: Handover[] = [];
  const leaving = new Map<string, Origin>();
  for (const { value: h, origin } of sources.handovers) {
    let ok = true;
    for (const field of ['from', 'to'] as const) {
      if (!knownEmployee(h[field])) {
        report(origin, [field], 'the id of an employee', `${JSON.stringify(h[field])}, which no employee has`);
        ok = false;
      }
    }
    if (h.from === h.to) {
      report(origin, ['to'], 'a successor other than the leaving employee', JSON.stringify(h.to));
      ok = false;
    }
    const first = leaving.get(h.from);
    if (first) {
      report(origin, ['from'], `one handover per leaving employee (first at ${short(placeOf(first))})`, JSON.stringify(h.from));
      ok = false;
    }
    leaving.set(h.from, origin);
    if (ok && h.notice_from === 'management') {
      const theirClients = draftClients.filter((d) => Object.values(d.client.team).includes(h.from)).map((d) => d.client.id);
      if (theirClients.length > 0) needRole('sales_director', { clients: theirClients }, origin, 'notice_from', `the handover notice from management for ${h.from}`);
    }
    if (ok) handovers.push({ from: h.from, to: h.to, on: h.on, noticeFrom: h.notice_from });
  }

  // Triggers
  uniqueIds(sources.triggers, 'trigger', report);
  const triggers: Trigger[] = [];
  for (const { value: t, origin } of sources.triggers) {
    if (t.title) checkTitle(t.title, origin, report);
    const within = parseDuration(t.within)!;
    if (approximateDays(within) > 31) report(origin, ['within'], 'a delay of at most a month (triggers are about telling the client promptly)', JSON.stringify(t.within));
    needRole(t.ours, {}, origin, 'ours', `trigger ${t.id}`);
    triggers.push({ id: t.id, event: t.event, ours: t.ours, theirs: toTheirs(t.theirs), kind: t.kind as Kind, within, title: t.title });
  }
  const events = new Map<string, Origin>();
  for (const { value: t, origin } of sources.triggers) {
    const first = events.get(t.event);
    if (first) report(origin, ['event'], `an event handled by one trigger (first at ${short(placeOf(first))})`, JSON.stringify(t.event));
    else events.set(t.event, origin);
  }

  // Silence
  let silence: Silence | undefined;
  if (sources.silence) {
    const { value: v, origin } = sources.silence;
    checkSelector(v.for, origin);
    const selector = toSelector(v.for);
    if (v.escalate_to) needRole(v.escalate_to, selector, origin, 'escalate_to', 'silence.escalate_to');
    needRole(v.notify, selector, origin, 'notify', 'silence.notify');
    silence = { after: parseDuration(v.after)!, for: selector, notify: v.notify, escalateTo: v.escalate_to };
  }

  // Overdue and the digest
  let overdue: Overdue = { afterDays: 2, escalateTo: undefined, escalateFor: ['ceo', 'director'], escalateKinds: ['meeting'] };
  if (sources.overdue) {
    const { value: v, origin } = sources.overdue;
    const grace = parseDuration(v.after)!;
    if (grace.unit !== 'days' && grace.unit !== 'weeks') report(origin, ['after'], 'a grace period in days or weeks, like "2 days"', JSON.stringify(v.after));
    if (v.escalate_to) needRole(v.escalate_to, {}, origin, 'escalate_to', 'overdue.escalate_to');
    overdue = { afterDays: grace.unit === 'weeks' ? grace.n * 7 : grace.n, escalateTo: v.escalate_to, escalateFor: v.escalate_for, escalateKinds: v.escalate_kinds as Kind[] };
  }
  const digest: Digest = { to: sources.digest?.value.to ?? [] };
  for (const [i, role] of digest.to.entries()) {
    if (!holders.has(role) && !draftClients.some((d) => d.client.team[role])) report(sources.digest!.origin, ['to', i], 'a role some employee holds', JSON.stringify(role));
  }

  // The dashboard: a director role nobody holds is a typo that would lock the directors out.
  const dashboard: DashboardSettings = { directors: sources.dashboard?.value.directors ?? ['ceo', 'sales_director'] };
  if (sources.dashboard) {
    for (const [i, role] of dashboard.directors.entries()) {
      if (!holders.has(role)) report(sources.dashboard.origin, ['directors', i], `a role some employee holds (${[...holders.keys()].join(', ')})`, JSON.stringify(role));
    }
  }

  // Resolve each client's team for every role the configuration refers to.
  const roles = new Set<string>([
    ...rules.map((r) => r.ours), ...campaigns.map((c) => c.ours), ...triggers.map((t) => t.ours),
    ...(silence ? [silence.notify] : []), ...(silence?.escalateTo ? [silence.escalateTo] : []), ...(handovers.length ? ['sales_director'] : []),
    ...(overdue.escalateTo ? [overdue.escalateTo] : []),
  ]);
  const clients: Client[] = draftClients.map(({ client }) => {
    const team: Record<string, string> = { ...client.team };
    for (const role of roles) {
      const r = resolveRole(client.team, role, holders);
      if (r.ok) team[role] = r.employee;
    }
    return { ...client, team };
  });

  if (issues.length > 0) return { config: undefined, issues: sortIssues(issues) };
  return { config: deepFreeze({ settings, employees, clients, rules, campaigns, holidays, handovers, triggers, silence, overdue, digest, dashboard }), issues };
}

type Report = (origin: Origin, path: PropertyKey[], expected: string, found: string, keyOf?: boolean) => void;

const zoneValidity = new Map<string, boolean>();
function checkZone(zone: string, origin: Origin, path: PropertyKey[], report: Report): void {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    zoneValidity.set(zone, valid);
  }
  if (!valid) report(origin, path, 'an IANA time zone like Europe/Moscow or America/New_York', `${JSON.stringify(zone)}, which is not a known zone`);
}

function checkCountry(country: string, origin: Origin, path: PropertyKey[], report: Report): void {
  if (!hasHolidayCalendar(country)) report(origin, path, 'a country with a public holiday calendar (ISO 3166-1 alpha-2, like RU, RO, MD, US, DE)', `${JSON.stringify(country)}, which has none`);
}

function checkTitle(title: string, origin: Origin, report: Report): void {
  const unknown = unknownPlaceholders(title);
  if (unknown.length) report(origin, ['title'], 'placeholders among {client.name}, {contacts}, {contact.name}, {employee.name}, {event.ref}, …', unknown.map((u) => `{${u}}`).join(', '));
}

function uniqueIds<T extends { id: string }>(items: readonly Located<T>[], what: string, report: Report): void {
  const first = new Map<string, Origin>();
  for (const { value, origin } of items) {
    const seen = first.get(value.id);
    if (seen) report(origin, ['id'], `a ${what} id used once (first at ${short(placeOf(seen))})`, JSON.stringify(value.id));
    else first.set(value.id, origin);
  }
}

function fixedMinutes(text: string | undefined, fallback: number, origin: Origin, path: PropertyKey[], report: Report): number {
  if (!text) return fallback;
  const minutes = durationToMinutes(parseDuration(text)!);
  if (minutes === undefined || minutes > 12 * 60) {
    report(origin, path, 'a duration of minutes or hours, at most 12 hours', JSON.stringify(text));
    return fallback;
  }
  return minutes;
}

function reminderMinutes(text: string, origin: Origin, path: PropertyKey[], report: Report): number {
  const d = parseDuration(text)!;
  const minutes = durationToMinutes(d);
  if (minutes === undefined || minutes > MAX_REMINDER_MINUTES) {
    report(origin, path, 'a reminder at most 4 weeks ahead (calendars accept no more), in minutes, hours, days or weeks', JSON.stringify(formatDuration(d)));
    return 0;
  }
  return minutes;
}

function defaultRemind(kind: Kind): string[] {
  if (kind === 'meeting') return ['1 day', '1 hour'];
  if (kind === 'call') return ['15 minutes'];
  return ['1 day'];
}

function parseHours(text: string): Hours {
  const [a, b] = text.split('-') as [string, string];
  return { start: toMinutes(a), end: toMinutes(b) };
}

function list<T>(v: T | readonly T[] | undefined): readonly T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v as T];
}

function toSelector(raw: RawSelector): Selector {
  const out: Record<string, readonly string[]> = {};
  for (const [key, value] of Object.entries(raw)) if (value !== undefined) out[key] = list(value as string | string[]);
  return out as Selector;
}

function toTheirs(raw: 'all' | string | string[]): Theirs {
  return raw === 'all' ? 'all' : list(raw);
}

function short(p: { file: string; line: number }): string {
  return `${p.file}:${p.line}`;
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
