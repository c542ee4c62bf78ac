import { counted } from '../domain/english-count.ts';
import { sayRepeatsOnce, sayWarningsOnce } from './repeated-issues.ts';
import type { Client, Config, Contact, Settings } from '../domain/types.ts';
import { MAX_PLAN_TOUCHES, planSize } from '../planner/plan-size.ts';
import { addDuration } from '../planner/dates.ts';
import { dict } from '../domain/safe-keys.ts';
import { resolveRole } from '../domain/team.ts';
import { formatDuration, parseDuration } from '../domain/duration.ts';
import type { RawSettings } from './schema.ts';
import { quote, type ConfigIssue, type ConfigWarning } from './config-issue.ts';
import { CsvOrigin, placeOf, type Origin } from './origin.ts';
import type { Located, RawSources } from './sources.ts';
import { BuildContext, checkCountry, checkZone, parseHours, short, uniqueIds } from './build-context.ts';
import { buildCadence, rolesInUse, rolesWritten } from './build-cadence.ts';
import { configWarnings } from './config-warnings.ts';
import { closest, closestName, didYouMean, didYouMeanName, NameCandidates } from './suggest.ts';

/** A client whose relationship started this many days ago or less counts as onboarding. */
const NEW_CLIENT_DAYS = 90;
const WEEKDAY_NUMBERS: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

export interface BuildResult {
  readonly config: Config | undefined;
  readonly issues: ConfigIssue[];
  /** Only when the configuration is valid: what is accepted but probably not meant. */
  readonly warnings: ConfigWarning[];
}

/**
 * Checks references between sections and turns the raw sections into the frozen domain
 * Config. Every problem is collected in one round, each once: a value that is itself
 * invalid (a zone, a country, a broken field) is reported where it is written and nothing
 * that depends on it is checked. The config is returned only when there are no issues.
 */
export function buildConfig(sources: RawSources): BuildResult {
  const located = sources.settings;
  // Only when the folder itself could not be listed: that is the one error.
  if (!located) return { config: undefined, issues: sortIssues([...sources.issues]), warnings: [] };
  const settingsBroken = located.broken ?? new Set<string>();
  const settings = toSettings(located);
  const ctx = new BuildContext(sources, settings, settingsBroken);
  if (!settingsBroken.has('timezone')) checkZone(ctx, settings.timezone, located.origin, ['timezone']);
  if (!settingsBroken.has('country')) checkCountry(ctx, settings.country, located.origin, ['country']);

  uniqueIds(ctx, sources.employees, 'employee');
  const mailboxes = new Map<string, { id: string; origin: Origin }>();
  for (const { value: e, origin, broken } of sources.employees) {
    const calendar = e.calendar ?? settings.calendar;
    // Google and Outlook find the employee's calendar by their address.
    const byAddress = calendar === 'google' || calendar === 'microsoft';
    if (e.email && byAddress) {
      // Their calendar is that mailbox's: a copied address puts one's touches in the other's calendar.
      const first = mailboxes.get(e.email.toLowerCase());
      if (first) ctx.warn(origin, ['email'], `is also the e-mail of ${first.id} (${short(placeOf(first.origin))}): the touches of both go into that one ${calendar === 'google' ? 'Google' : 'Outlook'} calendar (meant, for one person in two roles)`);
      else mailboxes.set(e.email.toLowerCase(), { id: e.id, origin });
    }
    if (!e.email && !broken?.has('email') && byAddress) {
      // Without one, every sync failed for them (as a refusal of the credentials, whose fix is not this).
      const where = e.calendar ? `calendar: ${calendar}` : `settings.calendar: ${calendar}`;
      ctx.report(origin, ['email'], 1, `the address of their ${calendar === 'google' ? 'Google' : 'Outlook'} calendar (${where}), where their touches go`,
        'no email; give it, or "calendar: ics" for the iCalendar feed instead');
    }
    if (e.timezone) checkZone(ctx, e.timezone, origin, ['timezone']);
    if (e.country) checkCountry(ctx, e.country, origin, ['country']);
    ctx.addEmployee({
      id: e.id, name: e.name, email: e.email, role: e.role,
      timezone: e.timezone ?? (broken?.has('timezone') ? '?' : settings.timezone), country: e.country ?? (broken?.has('country') ? '?' : settings.country),
      calendar: e.calendar ?? settings.calendar, hours: e.hours ? parseHours(e.hours) : settings.hours,
      meetingsPerDay: e.meetings_per_day,
    });
  }
  for (const e of sources.unkeptEmployees) {
    if (typeof e.timezone === 'string') checkZone(ctx, e.timezone, e.origin, ['timezone']);
    if (typeof e.country === 'string') checkCountry(ctx, e.country, e.origin, ['country']);
  }
  noEmployees(ctx, sources);
  ctx.leaveSuccessorsToHandovers();
  buildClients(ctx);
  checkTeamRoles(ctx, rolesWritten(sources));
  const cadence = buildCadence(ctx);

  // Resolve each client's team for every role the configuration refers to.
  const roles = rolesInUse(cadence);
  const clients: Client[] = ctx.drafts.map(({ client }) => {
    const team = dict(Object.entries(client.team));
    for (const role of roles) {
      const r = resolveRole(client.team, role, ctx.holders);
      if (r.ok) team[role] = r.employee;
    }
    return { ...client, team };
  });

  // With errors, only what may explain them: how a file's text was read.
  if (ctx.issues.length > 0) return { config: undefined, issues: sortIssues(ctx.issues), warnings: sortWarnings(sources.warnings.filter((w) => w.ofText)) };
  const config = deepFreeze({ settings, employees: ctx.employees, clients, ...cadence });
  if (tooLargeToPlan(ctx, config)) return { config: undefined, issues: sortIssues(ctx.issues), warnings: [] };
  return { config, issues: [], warnings: sortWarnings([...ctx.warnings, ...configWarnings(config, sources)]) };
}

/**
 * Every pass plans the horizon: a configuration whose horizon the planner would refuse as too
 * large (planner/plan-size.ts) is refused here, at the rule or campaign that makes most of it, so
 * that a daemon keeps the last valid one. Applied, every pass failed before it synced anything
 * (review: a daily letter to every contact of 2,000 clients over a year's horizon).
 */
function tooLargeToPlan(ctx: BuildContext, config: Config): boolean {
  const from = '2027-01-01';
  const size = planSize(config, { from, to: addDuration(from, config.settings.horizon) });
  if (size.touches <= MAX_PLAN_TOUCHES || !size.largest) return false;
  const { kind, id, touches } = size.largest;
  const located = kind === 'rule' ? ctx.sources.rules.find((r) => r.value.id === id) : ctx.sources.campaigns.find((c) => c.value.id === id);
  if (!located) return false;
  ctx.report(located.origin, [kind === 'rule' ? 'every' : 'for'], 3,
    `a ${kind} whose touches over settings.horizon (${formatDuration(config.settings.horizon)}) keep the plan under the ${MAX_PLAN_TOUCHES.toLocaleString('en')} touches touchbase plans at once`,
    `about ${touches.toLocaleString('en')} of its own, ${size.touches.toLocaleString('en')} in all: make its cadence less frequent, reach fewer contacts, or shorten settings.horizon`);
  return true;
}

function toSettings(located: Located<RawSettings>): Settings {
  const s = located.value;
  const broken = located.broken;
  return {
    company: s.company,
    timezone: broken?.has('timezone') ? '?' : s.timezone,
    country: broken?.has('country') ? '?' : s.country,
    workdays: [...new Set(s.workdays.map((d) => WEEKDAY_NUMBERS[d]!))].sort(),
    hours: parseHours(s.hours),
    horizon: parseDuration(s.horizon) ?? { n: 90, unit: 'days' },
    calendar: s.calendar,
    schedules: { ...s.schedules },
    http: { host: s.http.host, port: s.http.port, publicUrl: s.http.public_url?.replace(/\/$/, '') },
    language: s.language,
    calendarChanges: s.calendar_changes ?? {},
  };
}

/** What a team may name an employee by (a CRM export names them by full name or e-mail): the candidates of a "did you mean". */
function employeeWords(ctx: BuildContext): string[] {
  return [...ctx.employeeById.values()].flatMap((e) => [e.id, e.name, ...(e.email ? [e.email] : [])]);
}

/**
 * For a team cell of a CSV export that names nobody: how to map the CRM's own spelling of a name
 * ("Иванова А. С.") to the employee, under imports: values (a plain clients.csv is declared there
 * for it). Not for a misspelling, which is corrected in the export.
 */
function crmSpelling(ctx: BuildContext, origin: Origin, role: string, ref: string, words: NameCandidates): string {
  // A misspelling ("Анна Иваноа") is corrected in the export, not mapped.
  if (!(origin instanceof CsvOrigin) || closest(ref, words.list) !== undefined) return '';
  const near = closestName(ref, words);
  const id = near === undefined ? undefined : [...ctx.employeeById.values()].find((e) => e.id === near || e.name === near || e.email === near)?.id;
  return `; a CRM's own spelling of a name can be mapped under imports: values: team.${role}: { ${JSON.stringify(ref)}: ${id ?? '<employee id>'} }`;
}

/**
 * What follows "which no employee has" for a team cell: a "did you mean" and the mapping to write.
 * The same few spellings fill whole columns of an export (10,000 rows naming one manager as 1C
 * writes them): each is worked out once per configuration read.
 */
const unknownRefHints = new WeakMap<BuildContext, { words: NameCandidates; hints: Map<string, string> }>();
function unknownRefHint(ctx: BuildContext, origin: Origin, role: string, ref: string): string {
  let known = unknownRefHints.get(ctx);
  if (!known) unknownRefHints.set(ctx, known = { words: new NameCandidates(employeeWords(ctx)), hints: new Map() });
  const key = `${origin instanceof CsvOrigin ? 'csv' : 'yaml'}\u0000${role}\u0000${ref}`;
  let hint = known.hints.get(key);
  if (hint === undefined) {
    hint = `${didYouMeanName(ref, known.words)}${crmSpelling(ctx, origin, role, ref, known.words)}`;
    known.hints.set(key, hint);
  }
  return hint;
}

/** CRM ids are mostly numbers: 999 before 1000 (and "01" apart from "1", which it takes as equal: see the tie-break). */
const BY_ID = new Intl.Collator('en', { numeric: true });

/**
 * A client's contacts as written in YAML, then those of CSV exports by id. A CRM exports its rows
 * in any order (the last modified first, say): taken as they come, a re-export with only the rows
 * reordered changed the contact lists and titles of touches with several contacts, and so their
 * calendar events, though nothing had changed.
 */
function inStableOrder<C extends { readonly id: string }>(contacts: readonly C[], origins: readonly Origin[]): readonly C[] {
  const fromCsv = (j: number) => origins[j]?.kind === 'csv';
  if (!contacts.some((_, j) => fromCsv(j))) return contacts;
  const order = contacts.map((_, j) => j);
  order.sort((a, b) => Number(fromCsv(a)) - Number(fromCsv(b)) || (fromCsv(a) ? (BY_ID.compare(contacts[a]!.id, contacts[b]!.id) || (contacts[a]!.id < contacts[b]!.id ? -1 : contacts[a]!.id > contacts[b]!.id ? 1 : 0)) : a - b));
  return order.map((j) => contacts[j]!);
}

function buildClients(ctx: BuildContext): void {
  const { sources, settings } = ctx;
  // A client written twice is one error, at its second entry: that entry's team and contacts are
  // not checked again (its team's holder, its contacts' ids, were each one more error — QA).
  const repeated = uniqueIds(ctx, sources.clients, 'client');
  const seenContacts = new Map<string, Origin>();
  const zoneless: { id: string; country: string; origin: Origin }[] = [];
  for (const located of sources.clients) {
    const { value: c, origin, broken } = located;
    const again = repeated.has(located);
    const zoneOk = c.timezone ? checkZone(ctx, c.timezone, origin, ['timezone']) : !broken?.has('timezone');
    const countryOk = c.country ? checkCountry(ctx, c.country, origin, ['country']) : !broken?.has('country');
    const team = dict<string>();
    for (const role of located.lostRoles ?? []) ctx.explained.add(`${c.id}\u0000${role}`);
    for (const [role, ref] of again ? [] : Object.entries(c.team)) {
      const found = ctx.employeeRef(ref, role);
      if (found && 'id' in found) team[role] = found.id;
      else if (found) ctx.report(origin, ['team', role], 2, 'one employee (by id, e-mail or full name)', `${quote(ref)}, which ${found.ambiguous.join(' and ')} share`);
      else if (ctx.checksReferences && !ctx.mayNameBrokenEmployee(ref)) {
        ctx.report(origin, ['team', role], 2, 'the id of an employee (or their e-mail or full name)', `${quote(ref)}, which no employee has${unknownRefHint(ctx, origin, role, ref)}`);
        ctx.explained.add(`${c.id}\u0000${role}`);
      } else ctx.explained.add(`${c.id}\u0000${role}`);
    }
    c.contacts.forEach((contact, j) => {
      const first = seenContacts.get(contact.id);
      const at = located.contactOrigins[j]!;
      if (again) return;
      if (first) ctx.report(at, ['id'], 2, `a contact id used once (first at ${short(placeOf(first))})`, quote(contact.id));
      else seenContacts.set(contact.id, at);
    });
    const contacts: Contact[] = inStableOrder(c.contacts, located.contactOrigins).map((k) => ({
      id: k.id, name: k.name, role: k.role, email: k.email, phone: k.phone, attributes: k.attributes ? dict(Object.entries(k.attributes)) : undefined,
    }));
    // A zone or country that is itself wrong is reported once, above; '?' keeps every check that would follow from it quiet.
    const timezone = c.timezone ? (zoneOk ? c.timezone : '?') : zoneOk ? settings.timezone : '?';
    if (!c.timezone && c.country && countryOk && !again && outOfCountry(c.country, settings.timezone)) zoneless.push({ id: c.id, country: c.country, origin });
    const country = c.country ? (countryOk ? c.country : '?') : countryOk ? settings.country : '?';
    ctx.drafts.push({
      origin, located, salvaged: again || (broken !== undefined && broken.size > 0),
      client: {
        id: c.id, name: c.name, tier: c.tier, industry: c.industry, country, timezone,
        stage: c.stage, since: c.since, stageSince: c.stage_since, lastContact: c.last_contact, newUntil: c.since ? isoDatePlusDays(c.since, NEW_CLIENT_DAYS) : undefined,
        hours: c.hours ? parseHours(c.hours) : settings.hours, team, contacts,
        attributes: c.attributes ? dict(Object.entries(c.attributes)) : undefined,
      },
    });
  }
  warnZoneless(ctx, zoneless, settings.timezone);
  // A contact refused for its own mistake still takes its id: another use of the id is an error
  // now, not only once the first is mended (reported at the later of the two).
  for (const d of sources.droppedContacts) {
    const valid = seenContacts.get(d.id);
    if (!valid) continue;
    const [kept, dropped] = [placeOf(valid), placeOf(d.origin)];
    const keptLater = kept.file === dropped.file && kept.line > dropped.line;
    ctx.report(keptLater ? valid : d.origin, ['id'], 2, `a contact id used once (first at ${short(keptLater ? dropped : kept)})`, quote(d.id));
  }
}

/**
 * The zones of the companies' home countries. A client of one of them given no timezone takes the
 * company's; when that zone is not one of its country's (a Chisinau company's client in Russia:
 * an hour off Moscow in winter), its meetings are placed in hours it does not keep (QA).
 */
const COUNTRY_ZONES: Readonly<Record<string, readonly string[]>> = {
  MD: ['Europe/Chisinau'],
  RO: ['Europe/Bucharest'],
  RU: ['Europe/Moscow', 'Europe/Kaliningrad', 'Europe/Samara', 'Europe/Volgograd', 'Europe/Kirov', 'Europe/Astrakhan', 'Europe/Saratov', 'Europe/Ulyanovsk',
    'Asia/Yekaterinburg', 'Asia/Omsk', 'Asia/Novosibirsk', 'Asia/Barnaul', 'Asia/Tomsk', 'Asia/Novokuznetsk', 'Asia/Krasnoyarsk', 'Asia/Irkutsk', 'Asia/Chita',
    'Asia/Yakutsk', 'Asia/Khandyga', 'Asia/Vladivostok', 'Asia/Ust-Nera', 'Asia/Magadan', 'Asia/Sakhalin', 'Asia/Srednekolymsk', 'Asia/Kamchatka', 'Asia/Anadyr'],
};

/** Whether `zone` is known not to be one of `country`'s (only the home countries are known). */
function outOfCountry(country: string, zone: string): boolean {
  const zones = COUNTRY_ZONES[country];
  return zones !== undefined && !zones.includes(zone);
}

/** One warning for the clients of a country that take the company's zone, not one of theirs: at the first, with how many. */
function warnZoneless(ctx: BuildContext, clients: readonly { id: string; country: string; origin: Origin }[], zone: string): void {
  const byCountry = new Map<string, typeof clients[number][]>();
  for (const c of clients) byCountry.set(c.country, [...byCountry.get(c.country) ?? [], c]);
  for (const [country, list] of byCountry) {
    const some = list.slice(0, 3).map((c) => c.id).join(', ') + (list.length > 3 ? ', …' : '');
    ctx.warn(list[0]!.origin, ['timezone'], `${counted(list.length, 'client')} in ${country} (${some}) ${list.length === 1 ? 'has' : 'have'} no timezone and take${list.length === 1 ? 's' : ''} the company's, ${zone}, which is not ${country}'s: `
      + `their meetings are placed in ${zone}'s hours; give each its zone (timezone: ${COUNTRY_ZONES[country]![0]}, or a column "timezone" in the CSV)`);
  }
}

/**
 * A configuration with clients or rules and no employee at all (team.yaml emptied, or left out of
 * the folder) is one error, not one for every team cell, rule, campaign and handover naming
 * someone: the references are not checked against nobody.
 */
function noEmployees(ctx: BuildContext, sources: RawSources): void {
  // A file that could not be read, or a section under another name (`employee:`), is the error then.
  if (sources.employees.length > 0 || sources.opaque || [...sources.issues, ...ctx.issues].some((i) => i.field.startsWith('employee') || i.found.includes('unknown section'))) return;
  // Said where an employee is first asked for (a rule's, a campaign's ours; a client's team): a file and a line to go to.
  const first = sources.rules[0] ?? sources.campaigns[0];
  const client = first ? undefined : sources.clients.find((c) => Object.keys(c.value.team ?? {}).length > 0);
  // Clients alone, with no rule and no team named, ask for nobody yet.
  if (!first && !client) return;
  const [origin, path] = first ? [first.origin, ['ours']] : [client!.origin, ['team']];
  ctx.report(origin, path, 0, 'an employee to hold it: employees: in a YAML file of the folder (the example keeps them in team.yaml)',
    `no employee at all, for ${counted(sources.clients.length, 'client')} and ${counted(sources.rules.length, 'rule')}`);
  sources.opaque = true;
}

/**
 * A team key that no employee holds and nothing in the configuration uses is a misspelling
 * ("acount_manager"): reported with the role it likely means, and the "name one under team"
 * that would follow for that role at this client is not reported as well.
 */
function checkTeamRoles(ctx: BuildContext, used: ReadonlySet<string>): void {
  if (!ctx.checksReferences) return;
  const held = [...ctx.holders.keys()];
  const known = new Set([...held, ...used]);
  // In a CSV export the role is a column's name: one error at the header, not one per row.
  const headers = new Set<string>();
  for (const { client, origin } of ctx.drafts) {
    for (const role of Object.keys(client.team)) {
      if (known.has(role)) continue;
      const hint = didYouMean(role, held);
      const expected = `a role of ours that an employee holds (${held.join(', ')}) or the configuration uses`;
      if (origin.kind === 'csv') {
        const key = `${origin.file}\u0000${role}`;
        if (!headers.has(key)) {
          headers.add(key);
          const column = origin.columnOf.get(`team.${role}`);
          ctx.issues.push({
            file: origin.file, line: origin.table.headerLine ?? 1, column: (column ?? 0) + 1, field: origin.header[column ?? -1] ?? `team.${role}`, rank: 2,
            expected, found: `an unknown role ${quote(role)} in the header${hint} (the column of every row)`,
          });
        }
      } else ctx.report(origin, ['team', role], 2, expected, `an unknown role ${quote(role)}${hint}`, true);
      const meant = /"(.*)"/.exec(hint)?.[1];
      if (meant) ctx.explained.add(`${client.id}\u0000${meant}`);
    }
  }
}




/** Each mistake's own error first: by rank (file, value, reference, consequence), then by place; each once (sayRepeatsOnce). */
function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return sayRepeatsOnce(issues.sort((a, b) => (a.rank ?? 1) - (b.rank ?? 1) || a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column));
}

function sortWarnings(warnings: ConfigWarning[]): ConfigWarning[] {
  return sayWarningsOnce(warnings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column));
}

/**
 * The ISO date `days` after a valid ISO date (years 1900–2199, as isoDate admits): what the
 * planner's addDays gives, by plain arithmetic on the UTC calendar, since luxon per client
 * (a parse, a shift and a format for each of 10,000) was a tenth of reading a large company.
 */
export function isoDatePlusDays(iso: string, days: number): string {
  const ms = Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)) + days);
  return new Date(ms).toISOString().slice(0, 10);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    // Without Object.values: an array of every object's values is 100,000 arrays for a large company.
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
    else for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
