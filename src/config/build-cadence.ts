import type {
  Campaign, DashboardSettings, Digest, Employee, Handover, Hours, Kind, Overdue, ProfessionalHoliday, Rule, Selector, Silence, Theirs, Trigger,
} from '../domain/types.ts';
import { counted } from '../domain/english-count.ts';
import { TIMED_KINDS } from '../domain/types.ts';
import { dict, own } from '../domain/safe-keys.ts';
import { durationToMinutes, parseDuration } from '../domain/duration.ts';
import { PLACEHOLDERS, placeholdersOf, strayBraces, unknownPlaceholders } from '../domain/title-template.ts';
import { contactsFor, selects } from '../domain/selector.ts';
import { hasHolidayCalendar, parseHolidayRule, parseMonthDay, publicHolidays, publicHolidaySlugs } from '../planner/public-holidays.ts';
import { quote } from './config-issue.ts';
import { holidayIdByLocalName } from '../i18n/holiday-names.ts';
import { longestSharedHours } from '../planner/working-hours.ts';
import { placeOf, type Origin } from './origin.ts';
import { DEFAULT_ESCALATE_FOR, type RawHandover, type RawSelector } from './schema.ts';
import type { Located, RawSources } from './sources.ts';
import { BuildContext, checkCountry, isZone, short, uniqueIds } from './build-context.ts';
import { closest, closestByWords, didYouMean } from './suggest.ts';

/** The sections after the people and the clients: what the planner plans. */
export interface Cadence {
  readonly rules: Rule[];
  readonly campaigns: Campaign[];
  readonly holidays: ProfessionalHoliday[];
  readonly handovers: Handover[];
  readonly triggers: Trigger[];
  readonly silence: Silence | undefined;
  readonly overdue: Overdue;
  readonly digest: Digest;
  readonly dashboard: DashboardSettings;
}

/** Every role of ours the configuration refers to. */
export function rolesInUse(c: Cadence): Set<string> {
  return new Set<string>([
    ...c.rules.map((r) => r.ours), ...c.campaigns.map((x) => x.ours), ...c.triggers.map((t) => t.ours),
    ...(c.silence ? [c.silence.notify] : []), ...(c.silence?.escalateTo ? [c.silence.escalateTo] : []), ...(c.handovers.length ? ['sales_director'] : []),
    ...(c.overdue.escalateTo ? [c.overdue.escalateTo] : []), ...c.digest.to,
  ]);
}

/** The roles of ours the sections name as written, before they are built (for checking team keys first). */
export function rolesWritten(s: RawSources): Set<string> {
  const roles = new Set<string>([
    ...s.rules.map((r) => r.value.ours), ...s.campaigns.map((c) => c.value.ours), ...s.triggers.map((t) => t.value.ours),
    ...(s.silence ? [s.silence.value.notify, ...(s.silence.value.escalate_to ? [s.silence.value.escalate_to] : [])] : []),
    ...(s.overdue?.value.escalate_to ? [s.overdue.value.escalate_to] : []), ...(s.digest?.value.to ?? []),
    ...(s.handovers.length ? ['sales_director'] : []),
  ]);
  return roles;
}

export function buildCadence(ctx: BuildContext): Cadence {
  const attributes = attributeNames(ctx);
  const rules = buildRules(ctx, attributes);
  const holidays = buildHolidays(ctx);
  const campaigns = buildCampaigns(ctx, attributes);
  const handovers = buildHandovers(ctx);
  const triggers = buildTriggers(ctx);
  return { rules, campaigns, holidays, handovers, triggers, ...buildWorkflows(ctx) };
}

interface AttributeNames {
  readonly client: ReadonlySet<string>;
  readonly contact: ReadonlySet<string>;
}

function attributeNames(ctx: BuildContext): AttributeNames {
  const client = new Set<string>();
  const contact = new Set<string>();
  for (const { client: c } of ctx.drafts) {
    for (const name of Object.keys(c.attributes ?? {})) client.add(name);
    for (const k of c.contacts) for (const name of Object.keys(k.attributes ?? {})) contact.add(name);
  }
  return { client, contact };
}

function buildRules(ctx: BuildContext, attributes: AttributeNames): Rule[] {
  const { sources } = ctx;
  uniqueIds(ctx, sources.rules, 'rule');
  const rules: Rule[] = [];
  const successors = successorsOf(ctx);
  const successorGaps: SuccessorGaps = new Map();
  for (const { value: r, origin, broken } of sources.rules) {
    const selectorOk = checkSelector(ctx, r.for, origin) && !broken?.has('for');
    const every = r.every ? parseDuration(r.every) : undefined;
    const after = r.after ? parseDuration(r.after) : undefined;
    const timingBroken = broken?.has('every') || broken?.has('after');
    if (!every && !after && !timingBroken) ctx.report(origin, ['every'], 1, 'every (a cadence like "3 months") or after (a one-off step of a sequence, like "14 days")', 'neither');
    if (every && after) ctx.report(origin, ['after'], 1, 'either every or after, not both (a sequence step happens once)', quote(r.after!));
    if (after && r.anchor === 'last') ctx.report(origin, ['anchor'], 1, 'no anchor for a one-off step (it counts from the client\'s stage_since or since)', 'last');
    const timed = TIMED_KINDS.has(r.kind as Kind);
    if (r.duration && !timed && !broken?.has('kind')) ctx.report(origin, ['duration'], 1, `no duration: a ${r.kind} is an all-day touch (only meeting and call take one)`, quote(r.duration));
    const durationMinutes = timed ? (r.duration ? durationToMinutes(parseDuration(r.duration)!)! : r.kind === 'meeting' ? 60 : 15) : 0;
    const remind = (r.remind ?? defaultRemind(r.kind as Kind)).map((d) => durationToMinutes(parseDuration(d)!)!);
    if (r.title) checkTitle(ctx, r.title, origin, attributes, ['rule.id'], 'a rule');
    const selector = toSelector(r.for);
    if (selectorOk) ctx.needRole(r.ours, selector, origin, 'ours', `rule ${r.id}`);
    // Its clients unknown (a broken selector), a role nobody holds anywhere is still a mistake of its own.
    else if (broken?.has('for')) roleHeldSomewhere(ctx, r.ours, origin, ['ours'], `rule ${r.id}`);
    const rule: Rule = {
      id: r.id, name: r.name, ours: r.ours, theirs: toTheirs(r.theirs), kind: r.kind as Kind, every, after, for: selector,
      per: r.per ?? (r.kind === 'meeting' ? 'client' : 'contact'), anchor: r.anchor, durationMinutes, remind, title: r.title,
    };
    rules.push(rule);
    if (timed && selectorOk && !broken?.has('duration')) checkSharedHours(ctx, rule, origin, successors, successorGaps);
  }
  for (const [handover, gap] of successorGaps) {
    const clients = [...gap.clients];
    const listed = clients.length > 5 ? `${clients.slice(0, 5).join(', ')} and ${clients.length - 5} more` : clients.join(', ');
    ctx.warn(handover.origin, ['to'], `${gap.to.id} (${gap.to.timezone}, ${hoursText(gap.to.hours)}) shares too little working time with ${counted(clients.length, 'client')} handed over to them — ${listed} — `
      + `for ${[...gap.rules].join(', ')}: those cannot be placed from ${handover.value.on} on (widen their hours, or hand those clients to someone else)`);
  }
  return rules;
}

/** Each leaver's handovers (in the files' order), with the employee each goes to. */
type Successors = ReadonlyMap<string, readonly { handover: Located<RawHandover>; to: Employee }[]>;

function successorsOf(ctx: BuildContext): Successors {
  const successors = new Map<string, { handover: Located<RawHandover>; to: Employee }[]>();
  for (const h of ctx.sources.handovers) {
    const to = typeof h.value.to === 'string' ? ctx.employeeById.get(h.value.to) : undefined;
    if (to && typeof h.value.from === 'string' && h.value.from !== to.id) successors.set(h.value.from, [...(successors.get(h.value.from) ?? []), { handover: h, to }]);
  }
  return successors;
}

/** Clients a handover gives to someone who shares too little of their working hours, and the rules that need more. */
type SuccessorGaps = Map<Located<RawHandover>, { to: Employee; clients: Set<string>; rules: Set<string> }>;

function hoursText(h: Hours): string {
  const hm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return `${hm(h.start)}-${hm(h.end)}`;
}

/**
 * Meetings and calls need working time both sides share. Checked only between an employee
 * and a client whose zones are valid: a wrong zone is one error, where it is written.
 */
function checkSharedHours(ctx: BuildContext, rule: Rule, ruleOrigin: Origin, successors: Successors, successorGaps: SuccessorGaps): void {
  if (!ctx.checksReferences) return;
  // Longer than the employee's own working day: the duration is the one mistake, said once at
  // the rule, not at every client's zone.
  const shortDays = new Map<string, number>();
  const ownDays = new Map<object, number>();
  for (const { client, origin, salvaged } of ctx.drafts) {
    if (salvaged || !isZone(client.timezone) || !selects(rule.for, client)) continue;
    const holder = own(client.team, rule.ours);
    const list = holder ? undefined : ctx.holders.get(rule.ours);
    const employee = holder ? ctx.employeeById.get(holder) : list?.length === 1 ? list[0] : undefined;
    if (!employee || !isZone(employee.timezone)) continue;
    let day = ownDays.get(employee);
    if (day === undefined) ownDays.set(employee, (day = longestSharedHours(employee.timezone, employee.hours, employee.timezone, employee.hours)));
    if (day < rule.durationMinutes) {
      shortDays.set(employee.id, day);
      continue;
    }
    // A client with none of the rule's contacts gets no touch of it (planner/rule-demands.ts
    // ruleUnits): no hours to share (QA: a client with only a buyer refused for the directors' calls).
    if (contactsFor(rule.theirs, client.contacts).length === 0) continue;
    const { longest: shared, shortest } = ctx.sharedMinutesOverYear(employee, client);
    const pair = `${client.id}\u0000${employee.id}`;
    // Long enough in one season only (one zone keeps summer time, the other not): valid, but the
    // meetings of the other season cannot be placed — said now, not by a warning per period
    // that blames the daily cap.
    if (shared >= rule.durationMinutes && shortest < rule.durationMinutes && !ctx.hoursReported.has(`season\u0000${pair}`)) {
      ctx.hoursReported.add(`season\u0000${pair}`);
      ctx.warn(origin, ['timezone'], `${client.id} (${client.timezone}) shares ${shared} minutes of working time with ${employee.id} (${employee.timezone}) in part of the year but only `
        + `${shortest} in the other (summer time in one zone, not in the other): the ${rule.durationMinutes}-minute ${rule.kind}s of rule ${rule.id} cannot be placed then — widen the hours of one of them, or shorten the ${rule.kind}`);
    }
    // One error per client and employee, not one per rule that puts them in touch: the hours (or
    // the zone) are the one mistake.
    if (shared < rule.durationMinutes && !ctx.hoursReported.has(pair)) {
      ctx.hoursReported.add(pair);
      // The client's own hours, where it has some, are as likely the mistake as its zone: said at
      // them, with both sides' hours (QA: "found Europe/Moscow: the two never overlap", both in
      // Moscow, the hours 19:00-23:00 on the line below never named).
      const ownHours = client.hours.start !== ctx.settings.hours.start || client.hours.end !== ctx.settings.hours.end;
      const theirs = ownHours ? `${hoursText(client.hours)} ${client.timezone} and ${employee.id}'s ${hoursText(employee.hours)} ${employee.timezone}` : client.timezone;
      ctx.report(origin, [ownHours ? 'hours' : 'timezone'], 3,
        `working hours shared with ${employee.id} (${employee.timezone}) long enough for the ${rule.durationMinutes}-minute ${rule.kind}s of rule ${rule.id}`,
        shared <= 0 ? `${theirs}: the two never overlap` : `${theirs}: only ${shared} minutes overlap`);
    }
    // Whoever takes the client over by a handover must share its hours too: else its calls stop at
    // the handover's day, said only by the plan's warnings then (a successor in another zone).
    for (const { handover, to } of successors.get(employee.id) ?? []) {
      if (!isZone(to.timezone) || ctx.sharedMinutesOverYear(to, client).longest >= rule.durationMinutes) continue;
      const gap = successorGaps.get(handover) ?? { to, clients: new Set<string>(), rules: new Set<string>() };
      gap.clients.add(`${client.id} (${client.timezone})`);
      gap.rules.add(`the ${rule.durationMinutes}-minute ${rule.kind}s of rule ${rule.id}`);
      successorGaps.set(handover, gap);
    }
  }
  if (shortDays.size > 0) {
    const days = [...shortDays].map(([id, minutes]) => `${id}'s ${minutes}`).join(', ');
    ctx.report(ruleOrigin, ['duration'], 1, `a ${rule.kind} that fits in a working day (${days} minutes)`, `${rule.durationMinutes} minutes`);
  }
}

function buildHolidays(ctx: BuildContext): ProfessionalHoliday[] {
  const { sources } = ctx;
  uniqueIds(ctx, sources.holidays, 'holiday');
  const holidays: ProfessionalHoliday[] = [];
  for (const { value: h, origin, broken } of sources.holidays) {
    if ((h.date === undefined) === (h.rule === undefined)) {
      if (!broken?.has('date') && !broken?.has('rule')) ctx.report(origin, h.date ? ['rule'] : [], 1, 'either date (MM-DD) or rule ("2nd sunday of august", "orthodox easter"), not both', h.date ? 'both' : 'neither');
      continue;
    }
    for (const [i, country] of (h.countries ?? []).entries()) checkCountry(ctx, country, origin, ['countries', i]);
    holidays.push({
      id: h.id, name: h.name, date: h.date ? parseMonthDay(h.date) : undefined,
      rule: h.rule ? parseHolidayRule(h.rule) : undefined, countries: h.countries, industries: h.industries,
    });
  }
  return holidays;
}

/** The countries touchbase was made for: their public holidays are known to every configuration. */
const HOME_MARKETS = ['RU', 'RO', 'MD'];

/** The years whose public holidays a campaign's `holiday` may name. */
export const HOLIDAY_YEARS = [2026, 2027, 2028];

function buildCampaigns(ctx: BuildContext, attributes: AttributeNames): Campaign[] {
  const { sources } = ctx;
  // Ids of holidays written (a broken entry's too: a reference to it is not reported again).
  const written = sources.holidays.map((h) => h.value.id);
  const holidayIds = new Set([...written, ...sources.brokenIds]);
  uniqueIds(ctx, sources.campaigns, 'campaign');
  const campaigns: Campaign[] = [];
  for (const { value: c, origin, broken } of sources.campaigns) {
    const selectorOk = checkSelector(ctx, c.for, origin) && !broken?.has('for');
    const selector = toSelector(c.for);
    if ((c.on === undefined) === (c.holiday === undefined)) {
      if (!broken?.has('on') && !broken?.has('holiday')) ctx.report(origin, c.on ? ['holiday'] : [], 1, 'either on (MM-DD) or holiday (an id), not both', c.on ? 'both' : 'neither');
    } else if (c.holiday && !holidayIds.has(c.holiday) && selectorOk && ctx.checksReferences) {
      // Public holidays of the countries of the clients it greets; a country that is itself wrong says so once, elsewhere.
      const countries = new Set<string>();
      for (const d of ctx.drafts) if (!countries.has(d.client.country) && hasHolidayCalendar(d.client.country) && selects(selector, d.client)) countries.add(d.client.country);
      // Greeting nobody today (the country's last clients gone from the CRM export): the countries
      // it names (else the company's) are the ones its holiday belongs to. Such a campaign is only
      // warned about (it "matches no client"), as one written with `on:` is — not an error that
      // holds the change; a holiday that is not one of theirs still is.
      if (countries.size === 0) for (const country of selector.country ?? [ctx.settings.country]) if (country && hasHolidayCalendar(country)) countries.add(country);
      // Each country's year of holidays costs date-holidays some milliseconds: the first year that has the holiday settles it.
      const has = (country: string, year: number) => publicHolidaySlugs(country, year).has(c.holiday!);
      const known = (among: Iterable<string>) => [...among].some((country) => HOLIDAY_YEARS.some((year) => has(country, year)));
      // A campaign for every client whose holiday none of them has now (the last clients of its
      // country gone from the CRM export) names a real holiday all the same: one of a country the
      // configuration names, or of the markets touchbase was made for. It greets nobody, and is
      // warned about; only a name no such country has is a mistake.
      const elsewhere = () => selector.country === undefined && known(new Set([
        ctx.settings.country, ...[...ctx.employeeById.values()].map((e) => e.country), ...sources.holidays.flatMap((h) => h.value.countries ?? []), ...HOME_MARKETS,
      ].filter((country): country is string => !!country && !countries.has(country) && hasHolidayCalendar(country))));
      // A client entry lost to its own error may be the one in the holiday's country.
      if (!sources.clientsLost && !known(countries) && (countries.size > 0 || holidayIds.size > 0) && !elsewhere()) {
        const known = new Set<string>();
        for (const country of countries) for (const year of HOLIDAY_YEARS) for (const slug of publicHolidaySlugs(country, year)) known.add(slug);
        const candidates = [...written, ...known];
        // Named in Romanian or in the country's language ("limba-noastra"): the id it has.
        const local = [...countries].flatMap((country) => HOLIDAY_YEARS.map((year) => holidayIdByLocalName(country, year, c.holiday!))).find((found) => found.length > 0);
        const hint = local ? `; did you mean ${local.map((l) => `${quote(l.id)} (${l.name})`).join(' or ')}?` : didYouMean(c.holiday, candidates) || didYouMeanWords(c.holiday, candidates);
        ctx.report(origin, ['holiday'], 2, `the id of a holiday under holidays, or a public holiday of the clients' countries (${candidates.slice(0, 12).join(', ')}, …)`, `${quote(c.holiday)}${hint}`);
      } else if (known(countries)) {
        warnCountriesWithout(ctx, c.id, c.holiday, origin, [...countries].filter((country) => !known([country])), [...countries].filter((country) => known([country])).sort(), selector);
      }
    }
    // A campaign of a date has a holiday name when it is given one (`name:`).
    const named = c.holiday !== undefined || c.name !== undefined;
    if (c.title) checkTitle(ctx, c.title, origin, attributes, named ? ['campaign.id', 'holiday.name'] : ['campaign.id'], named ? 'a campaign' : 'a campaign of a date (on:, no holiday or name)');
    if (selectorOk) ctx.needRole(c.ours, selector, origin, 'ours', `campaign ${c.id}`);
    campaigns.push({
      id: c.id, name: c.name, kind: c.kind as Kind, on: c.on ? parseMonthDay(c.on) : undefined, holiday: c.holiday,
      theirs: toTheirs(c.theirs), ours: c.ours, for: selector, per: c.per,
      prepareMinutes: c.prepare ? durationToMinutes(parseDuration(c.prepare)!) : undefined, title: c.title,
    });
  }
  return campaigns;
}

function didYouMeanWords(word: string, candidates: readonly string[]): string {
  const best = closestByWords(word, candidates);
  return best === undefined ? '' : `; did you mean ${quote(best)}?`;
}

/**
 * A holiday campaign greets the clients of the countries whose public holidays have it: one for
 * Orthodox Christmas in Russia and Moldova (`orthodox-christmas`, Moldova's name) greeted no
 * Russian client, Russia's 7 January being `christmas-day`, and nothing said so. One warning per
 * country left out, with the holiday that country has on the same day, when it has one.
 */
function warnCountriesWithout(ctx: BuildContext, campaign: string, holiday: string, origin: Origin, without: readonly string[], countriesWith: readonly string[], selector: Selector): void {
  const withIt = countriesWith[0]!;
  for (const country of without) {
    const clients = ctx.drafts.filter((d) => d.client.country === country && selects(selector, d.client)).length;
    let sameDay: { slug: string; date: string } | undefined;
    for (const year of HOLIDAY_YEARS) {
      const date = publicHolidays(withIt, year).find((h) => h.slug === holiday)?.date;
      const there = date === undefined ? undefined : publicHolidays(country, year).find((h) => h.date === date);
      if (there) {
        sameDay = { slug: there.slug, date: date! };
        break;
      }
    }
    // Easter moves every year: a fixed on: MM-DD would be wrong the next (QA: Russia lists no Easter).
    const ownHoliday = /easter/.test(holiday)
      ? `a holiday of your own under holidays with rule: "orthodox easter" (or "western easter", either with "- 2 days" and the like), countries: [${country}]`
      : 'a holiday of your own under holidays';
    const instead = sameDay
      ? `${country} has ${quote(sameDay.slug)} on the same day (${sameDay.date}): a campaign with holiday: ${sameDay.slug}, for: { country: [${country}] } greets them`
      : `a campaign with on: MM-DD, or ${ownHoliday}, greets them (or, if they are not meant to be, for: { country: [${countriesWith.join(', ')}] } says so)`;
    ctx.warn(origin, ['holiday'], `campaign ${campaign} greets none of its ${clients} client${clients === 1 ? '' : 's'} in ${country}: ${quote(holiday)} is not a public holiday of ${country}; ${instead}`);
  }
}

function buildHandovers(ctx: BuildContext): Handover[] {
  const handovers: { handover: Handover; origin: Origin }[] = [];
  const leaving = new Map<string, Origin>();
  for (const { value: h, origin, broken } of ctx.sources.handovers) {
    let ok = !broken?.size;
    for (const field of ['from', 'to'] as const) {
      if (!ctx.knownEmployee(h[field])) {
        // A leaver taken out of employees with the handover still there (QA): "did you mean" a
        // colleague misleads; what to do is keep them until its letters are sent, then remove both.
        const leaver = field === 'from' ? ' (a leaver stays under employees as long as their handover is in the configuration: keep the entry until the introductions after "on" are sent, then remove the handover and the employee together)' : '';
        ctx.report(origin, [field], 2, 'the id of an employee', `${quote(h[field])}, which no employee has${leaver}${didYouMean(h[field], ctx.employeeById.keys())}`);
        ok = false;
      }
    }
    if (h.from === h.to) {
      ctx.report(origin, ['to'], 2, 'a successor other than the leaving employee', quote(h.to));
      ok = false;
    }
    const first = leaving.get(h.from);
    if (first) {
      ctx.report(origin, ['from'], 2, `one handover per leaving employee (first at ${short(placeOf(first))})`, quote(h.from));
      ok = false;
    } else leaving.set(h.from, origin);
    if (ok && h.notice_from === 'management') {
      // Theirs by name under team, and — when the leaver is the one holder of their role — every
      // client that names nobody for it (QA: those were let go without the check, and the plan
      // had the leaver send management's notice).
      // (An entry that could not be read is known by its id alone: its clients by name only.)
      const role = ctx.employeeById.get(h.from)?.role;
      const holders = role === undefined ? [] : ctx.holders.get(role) ?? [];
      // (Only a role something plans with: the others are filled in nowhere, and no letter goes.)
      const used = [...ctx.sources.rules, ...ctx.sources.campaigns, ...ctx.sources.triggers].some((x) => (x.value as { ours?: unknown }).ours === role);
      const sole = used && holders.length === 1 && holders[0]!.id === h.from;
      const theirClients = ctx.drafts.filter((d) => Object.values(d.client.team).includes(h.from) || (sole && own(d.client.team, role!) === undefined)).map((d) => d.client.id);
      if (theirClients.length > 0) {
        ctx.needRole('sales_director', { clients: theirClients }, origin, 'notice_from', `the handover notice from management for ${h.from}`, {
          expected: 'management with a sales_director to send the notice, or leaving (the leaver sends it)',
          found: `"management", and no employee holds the role sales_director`,
        });
      }
    }
    if (ok) handovers.push({ handover: { from: h.from, to: h.to, on: h.on, noticeFrom: h.notice_from }, origin });
  }
  // A successor who has already left by the day (a hand-back after their own handover, a
  // cycle): the clients would go to someone gone, and the two handovers would undo each other.
  return handovers.filter(({ handover: h, origin }) => {
    const gone = handovers.find(({ handover: g }) => g.from === h.to && g.on <= h.on)?.handover;
    if (gone) {
      ctx.report(origin, ['to'], 3, `a successor who has not left by ${h.on}`,
        `${quote(h.to)}, who hands over to ${quote(gone.to)} on ${gone.on} (${short(placeOf(leaving.get(gone.from)!))})`);
    }
    return !gone;
  }).map(({ handover }) => handover);
}

function buildTriggers(ctx: BuildContext): Trigger[] {
  const { sources } = ctx;
  uniqueIds(ctx, sources.triggers, 'trigger');
  const triggers: Trigger[] = [];
  for (const { value: t, origin } of sources.triggers) {
    // Trigger titles are filled by the event workflow, which knows no attributes.
    if (t.title) checkTitle(ctx, t.title, origin, undefined, ['event.ref', 'event.name'], 'an event');
    ctx.needRole(t.ours, {}, origin, 'ours', `trigger ${t.id}`);
    triggers.push({ id: t.id, event: t.event, ours: t.ours, theirs: toTheirs(t.theirs), kind: t.kind as Kind, within: parseDuration(t.within)!, title: t.title });
  }
  const events = new Map<string, Origin>();
  for (const { value: t, origin } of sources.triggers) {
    const first = events.get(t.event);
    if (first) ctx.report(origin, ['event'], 2, `an event handled by one trigger (first at ${short(placeOf(first))})`, quote(t.event));
    else events.set(t.event, origin);
  }
  return triggers;
}

function buildWorkflows(ctx: BuildContext): Pick<Cadence, 'silence' | 'overdue' | 'digest' | 'dashboard'> {
  const { sources } = ctx;
  let silence: Silence | undefined;
  if (sources.silence) {
    // A section with broken fields is read without them (their defaults in their place): what they
    // would have said is not checked against (yaml-sections.ts, salvage).
    const { value: v, origin, broken } = sources.silence;
    const selectorOk = checkSelector(ctx, v.for, origin) && !broken?.has('for');
    const selector = toSelector(v.for);
    if (selectorOk && v.escalate_to) ctx.needRole(v.escalate_to, selector, origin, 'escalate_to', 'silence.escalate_to');
    if (selectorOk && !broken?.has('notify')) ctx.needRole(v.notify, selector, origin, 'notify', 'silence.notify');
    silence = { after: parseDuration(v.after)!, for: selector, notify: v.notify, escalateTo: v.escalate_to };
  }
  let overdue: Overdue = { afterDays: 2, escalateTo: undefined, escalateFor: DEFAULT_ESCALATE_FOR, escalateKinds: ['meeting'] };
  if (sources.overdue) {
    const { value: v, origin } = sources.overdue;
    const grace = parseDuration(v.after)!;
    if (v.escalate_to) ctx.needRole(v.escalate_to, {}, origin, 'escalate_to', 'overdue.escalate_to');
    overdue = { afterDays: grace.unit === 'weeks' ? grace.n * 7 : grace.n, escalateTo: v.escalate_to, escalateFor: v.escalate_for, escalateKinds: v.escalate_kinds as Kind[] };
  }
  const digest: Digest = { to: sources.digest?.value.to ?? [] };
  if (!sources.digest?.broken?.has('to')) for (const [i, role] of digest.to.entries()) roleHeldSomewhere(ctx, role, sources.digest!.origin, ['to', i], 'digest.to');
  // The dashboard: a director role nobody holds is a typo that would lock the directors out.
  const dashboard: DashboardSettings = { directors: sources.dashboard?.value.directors ?? ['ceo', 'sales_director'] };
  if (sources.dashboard && ctx.checksReferences && !sources.brokenRoles.size && !sources.dashboard.broken?.has('directors')) {
    for (const [i, role] of dashboard.directors.entries()) {
      if (!ctx.holders.has(role)) ctx.reportUnheld(role, sources.dashboard.origin, ['directors', i], 'dashboard.directors');
    }
  }
  return { silence, overdue, digest, dashboard };
}

/** Reports a role that no employee holds and no client's team names (when references are checked at all). */
function roleHeldSomewhere(ctx: BuildContext, role: string, origin: Origin, path: (string | number)[], what: string): void {
  if (!ctx.checksReferences || ctx.sources.brokenRoles.size > 0) return;
  if (!ctx.holders.has(role) && !ctx.drafts.some((d) => own(d.client.team, role))) ctx.reportUnheld(role, origin, path, what);
}

/** Checks a selector's references; false when one of them is wrong (then nothing is checked against its clients). */
function checkSelector(ctx: BuildContext, sel: RawSelector, origin: Origin): boolean {
  let ok = true;
  if (ctx.checksReferences) {
    const ids = ctx.clientIds();
    for (const id of list(sel.clients)) {
      if (!ids.has(id) && !ctx.sources.brokenIds.has(id)) {
        ctx.report(origin, ['for', 'clients'], 2, 'ids of clients', `${quote(id)}, which no client has${didYouMean(id, ids)}`);
        ok = false;
      }
    }
  }
  for (const country of list(sel.country)) ok = checkCountry(ctx, country, origin, ['for', 'country']) && ok;
  return ok;
}

/** Placeholders only some titles have: a rule's, a campaign's (a holiday's name when it greets for one), an event's. */
const CONTEXTUAL = new Set(['rule.id', 'campaign.id', 'holiday.name', 'event.ref', 'event.name', 'from.name', 'to.name']);
const COMMON = PLACEHOLDERS.filter((p) => !CONTEXTUAL.has(p));

/**
 * A title's placeholders: each one known here (`own`: those of this kind of title, the others
 * everywhere) or an attribute (none for a title with no `attributes`: an event's). One another kind of title has ("{holiday.name}" in a campaign of a
 * date, "{event.ref}" in a rule) would be written into calendars as it stands.
 */
function checkTitle(ctx: BuildContext, title: string, origin: Origin, attributes: AttributeNames | undefined, own: readonly string[], what: string): void {
  const stray = strayBraces(title);
  if (stray.length > 0) {
    const shown = stray.slice(0, 3).map((s) => `a "${s.brace}" at character ${s.at} ${s.brace === '{' ? 'that no "}" closes' : 'that no "{" opens'}`).join(', ');
    ctx.report(origin, ['title'], 2, 'placeholders written as {name}, each "{" closed by its "}" (a brace of its own is written into calendars as it stands)', `${quote(title, 80)}: ${shown}`);
    // The placeholders it closes are judged all the same: a second mistake in the title was said
    // only once the brace was mended (QA: two rounds of validate for one title).
  }
  // While a file could not be read, the attributes it may hold are unknown: {client.x} is not judged then.
  // Nor those an import maps from a column its file lacks: that column is the error.
  const unknown = unknownPlaceholders(title, attributes?.client, attributes?.contact)
    .filter((p) => (ctx.checksReferences || !(p.startsWith('client.') || p.startsWith('contact.'))) && !ctx.sources.brokenAttributes.has(p));
  const elsewhere = placeholdersOf(title).filter((p) => CONTEXTUAL.has(p) && !own.includes(p));
  if (unknown.length === 0 && elsewhere.length === 0) return;
  const here = [...COMMON, ...own];
  const candidates = [...here, ...[...attributes?.client ?? []].map((a) => `client.${a}`), ...[...attributes?.contact ?? []].map((a) => `contact.${a}`)];
  const hint = unknown.map((u) => closest(u, candidates)).find((c) => c !== undefined);
  const found = [
    ...(unknown.length ? [`${unknown.map((u) => `{${u}}`).join(', ')}${hint ? `; did you mean {${hint}}?` : ''}`] : []),
    ...(elsewhere.length ? [`${elsewhere.map((u) => `{${u}}`).join(', ')}, which ${what} has no value for`] : []),
  ];
  ctx.report(origin, ['title'], 2, `placeholders among ${here.map((p) => `{${p}}`).join(', ')}${attributes ? ', {client.<attribute>}, {contact.<attribute>}' : ''}`, found.join('; and '));
}

function defaultRemind(kind: Kind): string[] {
  if (kind === 'meeting') return ['1 day', '1 hour'];
  if (kind === 'call') return ['15 minutes'];
  return ['1 day'];
}

function list<T>(v: T | readonly T[] | undefined): readonly T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v as T];
}

function toSelector(raw: RawSelector): Selector {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (key === 'attributes') out.attributes = dict(Object.entries(value as Record<string, string | string[]>).map(([name, v]) => [name, list(v)] as const));
    else out[key] = list(value as string | string[]);
  }
  return out as Selector;
}

function toTheirs(raw: 'all' | string | string[]): Theirs {
  return raw === 'all' ? 'all' : list(raw);
}
