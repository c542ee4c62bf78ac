import { counted } from '../domain/english-count.ts';
import type { Client, Config, Duration, Rule, Selector, Theirs } from '../domain/types.ts';
import { includesValue, selects } from '../domain/selector.ts';
import { approximateDays, formatDuration } from '../domain/duration.ts';
import { isLeapDay } from '../domain/calendar-dates.ts';
import { placeOf, type Origin } from './origin.ts';
import type { ConfigWarning } from './config-issue.ts';
import type { RawSources } from './sources.ts';
import { quote } from './config-issue.ts';
import { closest, didYouMean } from './suggest.ts';
import { hasHolidayCalendar, professionalHolidayDate, publicHolidaySlugs } from '../planner/public-holidays.ts';
import { HOLIDAY_YEARS } from './build-cadence.ts';
import { DEFAULT_ESCALATE_FOR } from './schema.ts';
import { campaignOverlapWarnings } from './campaign-overlap-warnings.ts';

/** The zone most of a country keeps (the countries touchbase is used in), to suggest where settings.timezone is missing. */
const USUAL_ZONE: Readonly<Record<string, string>> = { RU: 'Europe/Moscow', RO: 'Europe/Bucharest', MD: 'Europe/Chisinau', UA: 'Europe/Kyiv', BY: 'Europe/Minsk', BG: 'Europe/Sofia', KZ: 'Asia/Almaty' };

/**
 * What a valid configuration says that is probably not meant: a selector that matches no
 * client (nothing will be planned from it), a role of theirs no contact has (a typo: "CEO" for
 * "ceo"), two rules that put the same people in touch in the same week, and yearly dates on
 * 29 February. They do not stop anything (exit 0).
 */
export function configWarnings(config: Config, sources: RawSources): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  const warn = (origin: Origin, path: PropertyKey[], message: string) => out.push({ ...placeOf(origin, path), message });
  const clients = config.clients;

  // A tier or industry value no client has, near one some client has ("constructon"): a typo,
  // warned where it is written with the word meant — whether or not the selector's other values
  // still match clients. Then its "matches no client" would say the same mistake again.
  const held = { tier: new Set(clients.map((c) => c.tier).filter((v) => v !== undefined)), industry: new Set(clients.map((c) => c.industry).filter((v) => v !== undefined)) };
  const misspelt = (origin: Origin, selector: Selector): boolean => {
    let found = false;
    for (const key of ['tier', 'industry'] as const) {
      for (const value of selector[key] ?? []) {
        // Another case of a value some client has is that value (selector.ts includesValue).
        if (includesValue([...held[key]], value)) continue;
        // Short codes (tiers A, B, C) are one letter from each other: only another case of the same is near.
        const near = closest(value, held[key]);
        if (near === undefined || (value.length <= 3 && near.toLowerCase() !== value.toLowerCase())) continue;
        warn(origin, ['for', key], `no client has the ${key} ${quote(value)}; did you mean ${quote(near)}?`);
        found = true;
      }
    }
    return found;
  };
  const noneSelected = (selector: Selector) => Object.keys(selector).length > 0 && clients.length > 0 && !clients.some((c) => couldSelect(selector, c));
  // Contact roles are the CRM's words: a list of them that no contact has is most likely
  // misspelt. (A list that names several, some of them for other CRMs' words, is not.)
  const contactRoles = new Set(clients.flatMap((c) => c.contacts.map((k) => k.role)));
  const noContact = (origin: Origin, theirs: Theirs, what: string) => {
    if (theirs === 'all' || contactRoles.size === 0 || theirs.some((role) => contactRoles.has(role))) return;
    const hints = theirs.map((role) => didYouMean(role, contactRoles)).filter(Boolean);
    warn(origin, ['theirs'], `no contact has the role ${theirs.map((role) => quote(role)).join(' or ')}${hints.length === 1 ? hints[0] : ''}: ${what}`);
  };
  for (const w of unnamedContactRoles(config, sources, contactRoles)) out.push(w);
  // A company's zone left out reads every time in UTC (the schema's default): three hours off in
  // Moscow, calls after hours, and nothing said it.
  const settings = sources.settings?.origin;
  if (settings?.kind === 'yaml' && !settings.doc.hasIn([...settings.path, 'timezone'])) {
    const usual = USUAL_ZONE[config.settings.country];
    warn(settings, ['timezone'], `not set: UTC is used for the company's times and for every employee and client without a timezone of their own; set it${usual ? ` (${usual} for ${config.settings.country})` : ', an IANA zone like Europe/Moscow'}`);
  }
  config.rules.forEach((rule, i) => {
    if (!misspelt(sources.rules[i]!.origin, rule.for) && noneSelected(rule.for)) warn(sources.rules[i]!.origin, ['for'], `matches no client: rule ${rule.id} plans nothing (check its values against the clients)`);
    noContact(sources.rules[i]!.origin, rule.theirs, `rule ${rule.id} plans nothing with it`);
    const unanchored = rule.after ? clients.filter((c) => c.stage === 'lapsed' && c.stageSince === undefined && couldSelect(rule.for, c)) : [];
    if (unanchored.length > 0) {
      const ids = unanchored.slice(0, 3).map((c) => c.id).join(', ') + (unanchored.length > 3 ? `, … ${unanchored.length - 3} more` : '');
      warn(sources.rules[i]!.origin, ['after'], `counts from the day a client entered its stage (stage_since), which ${counted(unanchored.length, 'lapsed client')} it takes `
        + `do${unanchored.length === 1 ? 'es' : ''} not have (${ids}): counted from since instead, their steps are long past and none is planned; give them stage_since (a CRM's "lifecycle stage date")`);
    }
  });
  config.triggers.forEach((trigger, i) => {
    const origin = sources.triggers[i]!.origin;
    const roles = trigger.theirs;
    if (roles !== 'all' && !roles.some((role) => contactRoles.has(role))) {
      noContact(origin, roles, `trigger ${trigger.id} makes no touch: its events are refused`);
      return;
    }
    // Some clients have the role (`all`: any contact), some not: an event for one of those is
    // refused (README, Business events).
    const lacking = clients.filter((c) => (roles === 'all' ? c.contacts.length === 0 : !c.contacts.some((k) => roles.includes(k.role))));
    if (lacking.length === 0) return;
    const ids = lacking.slice(0, 3).map((c) => c.id).join(', ') + (lacking.length > 3 ? `, … ${lacking.length - 3} more` : '');
    const what = roles === 'all' ? 'no contact at all' : `no contact with the role ${roles.map((role) => quote(role)).join(' or ')}`;
    warn(origin, ['theirs'], `${counted(lacking.length, 'client')} of ${clients.length} ha${lacking.length === 1 ? 's' : 've'} ${what} (${ids}): trigger ${trigger.id} makes no touch for their events, which are refused until the contact is added`);
  });
  config.campaigns.forEach((campaign, i) => {
    const origin = sources.campaigns[i]!.origin;
    const byCountry = new Map<string, boolean>();
    const typo = misspelt(origin, campaign.for);
    if (!typo && noneSelected(campaign.for)) warn(origin, ['for'], `matches no client: campaign ${campaign.id} greets nobody`);
    else if (!typo && campaign.holiday && clients.length > 0 && !clients.some((c) => couldSelect(campaign.for, c) && hasHoliday(config, campaign.holiday!, c, byCountry))) {
      warn(origin, ['holiday'], `no client it greets has the holiday ${quote(campaign.holiday)} (not in its countries or industries): campaign ${campaign.id} greets nobody`);
    }
    noContact(origin, campaign.theirs, `campaign ${campaign.id} greets nobody with it`);
    if (campaign.on && isLeapDay(campaign.on.month, campaign.on.day)) warn(origin, ['on'], 'is 29 February: in years that are not leap years this campaign falls on 28 February');
  });
  if (config.silence && sources.silence && !misspelt(sources.silence.origin, config.silence.for) && noneSelected(config.silence.for)) warn(sources.silence.origin, ['for'], 'matches no client: no client is watched for silence');
  // escalate_for names contact roles too: misspelt, an overdue meeting with that person is never escalated, silently.
  if (sources.overdue && config.overdue.escalateTo && contactRoles.size > 0) {
    const roles = config.overdue.escalateFor;
    // Left at its default ([ceo, director]) in a CRM that has neither word, it names nothing written in the file.
    const written = roles.join('\u0000') !== DEFAULT_ESCALATE_FOR.join('\u0000');
    const noneHeld = written && !roles.some((role) => contactRoles.has(role));
    roles.forEach((role, i) => {
      if (contactRoles.has(role)) return;
      const hint = didYouMean(role, contactRoles);
      if (hint || noneHeld) warn(sources.overdue!.origin, ['escalate_for', i], `no contact has the role ${quote(role)}${hint}: overdue touches with them are never escalated`);
    });
  }
  config.holidays.forEach((holiday, i) => {
    if (holiday.date && isLeapDay(holiday.date.month, holiday.date.day)) warn(sources.holidays[i]!.origin, ['date'], 'is 29 February: in years that are not leap years this holiday is on 28 February');
    // "5th sunday of february": most years have no such day, and then nobody is greeted.
    if (holiday.rule && 'nth' in holiday.rule && holiday.rule.nth >= 5) {
      const years = Array.from({ length: 10 }, (_, k) => HOLIDAY_YEARS[0]! + k);
      const missing = years.filter((year) => professionalHolidayDate(holiday, year) === undefined);
      if (missing.length > 0) {
        const held = years.filter((year) => !missing.includes(year));
        warn(sources.holidays[i]!.origin, ['rule'], `the month has a ${holiday.rule.nth}th such day only in some years (${held.length ? held.join(', ') : `none of ${years[0]}–${years.at(-1)}`}): in the others there is none and nobody is greeted; "last sunday of …" is every year's`);
      }
    }
  });
  for (const w of sameWeekWarnings(config, sources)) out.push(w);
  for (const w of campaignOverlapWarnings(config, sources)) out.push(w);
  return out;
}

/**
 * A contact role that no rule, campaign or trigger names but one of them nearly does ("CEO",
 * "Commercial director" for ceo, commercial_director, which other contacts have): those
 * contacts silently get none of its touches. Once per role, where its first contact is. A role no one names and nothing is near
 * (an engineer, reached by `theirs: all` or by nobody) is as meant.
 */
function unnamedContactRoles(config: Config, sources: RawSources, held: ReadonlySet<string>): ConfigWarning[] {
  const named = new Set<string>();
  // A list of roles no contact has is warned about where it is written (noContact): one mistake, one warning.
  const unwarned = new Set<string>();
  for (const x of [...config.rules, ...config.campaigns, ...config.triggers]) {
    if (x.theirs === 'all') continue;
    for (const role of x.theirs) named.add(role);
    if (x.theirs.some((r) => held.has(r))) for (const role of x.theirs) unwarned.add(role);
  }
  if (named.size === 0) return [];
  const found = new Map<string, { origin: Origin; count: number }>();
  for (const located of sources.clients) {
    located.value.contacts.forEach((contact, j) => {
      const role = (contact as { role?: unknown }).role;
      if (typeof role !== 'string' || named.has(role)) return;
      const seen = found.get(role);
      if (seen) seen.count++;
      else if (located.contactOrigins[j]) found.set(role, { origin: located.contactOrigins[j]!, count: 1 });
    });
  }
  const out: ConfigWarning[] = [];
  for (const [role, { origin, count }] of found) {
    const hint = didYouMean(role, unwarned);
    if (!hint) continue;
    const who = count === 1 ? 'this contact gets' : `this and ${count - 1} more contact${count === 2 ? '' : 's'} get`;
    out.push({ ...placeOf(origin, ['role']), message: `no rule, campaign or trigger names the role ${quote(role)}, so ${who} none of their touches${hint}` });
  }
  return out;
}

/**
 * Whether a client has a campaign's holiday: one of the company's holidays, if its countries
 * and industries take the client (as the planner's campaign-demands.ts does), else a public
 * holiday of the client's country in one of the years a campaign may name.
 */
function hasHoliday(config: Config, holiday: string, client: Client, byCountry: Map<string, boolean>): boolean {
  const own = config.holidays.find((h) => h.id === holiday);
  if (own) return (!own.countries || own.countries.includes(client.country)) && (!own.industries || includesValue(own.industries, client.industry));
  // Once per country: a campaign no client has asks every client (50,000 of them).
  let has = byCountry.get(client.country);
  if (has === undefined) {
    has = hasHolidayCalendar(client.country) && HOLIDAY_YEARS.some((year) => publicHolidaySlugs(client.country, year).has(holiday));
    byCountry.set(client.country, has);
  }
  return has;
}

/** Whether a selector takes the client at some time: an active client is "onboarding" for its first 90 days. */
export function couldSelect(selector: Selector, client: Client): boolean {
  return selects(selector, client) || (client.newUntil !== undefined && selects(selector, client, '0000-01-01'));
}

/**
 * Two rules of the same role of ours with a role of theirs in common, at a client both take,
 * are in touch with the same people. They land in the same week for sure when both cadences
 * are a week or shorter, or when both are one-off steps due within a week of each other; and
 * about every other period when both have the same calendar cadence (two touches per period).
 */
function sameWeekWarnings(config: Config, sources: RawSources): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  const selected = new Map<Rule, Client[]>();
  const clientsOf = (rule: Rule) => {
    let list = selected.get(rule);
    if (!list) {
      list = config.clients.filter((c) => couldSelect(rule.for, c));
      selected.set(rule, list);
    }
    return list;
  };
  const rules = config.rules;
  for (let j = 1; j < rules.length; j++) {
    for (let i = 0; i < j; i++) {
      const a = rules[i]!;
      const b = rules[j]!;
      if (a.ours !== b.ours) continue;
      const when = sameWeek(a, b);
      if (!when) continue;
      const roles = commonRoles(a.theirs, b.theirs);
      if (roles === undefined) continue;
      const taken = new Set(clientsOf(a).map((c) => c.id));
      const both = clientsOf(b).filter((c) => taken.has(c.id) && c.contacts.some((k) => roles === 'all' || roles.has(k.role)));
      if (both.length === 0) continue;
      const first = placeOf(sources.rules[i]!.origin);
      const people = roles === 'all' ? 'every contact' : [...roles].join(', ');
      const at = both.length === 1 ? `client ${both[0]!.id}` : `${both.length} clients (${both.slice(0, 3).map((c) => c.id).join(', ')}${both.length > 3 ? ', …' : ''})`;
      out.push({
        ...placeOf(sources.rules[j]!.origin, ['ours']),
        message: `rules ${a.id} (${first.file}:${first.line}) and ${b.id} both put ${a.ours} in touch with ${people} at ${at} ${when}: merge them, or narrow one's for`,
      });
    }
  }
  return out;
}

function sameWeek(a: Rule, b: Rule): string | undefined {
  if (a.every && b.every) {
    const da = approximateDays(a.every);
    const db = approximateDays(b.every);
    if (da <= 7 && db <= 7) return 'every week (in the same week each time)';
    if (a.anchor === 'calendar' && b.anchor === 'calendar' && sameCadence(a.every, b.every)) return `every ${formatDuration(a.every)} (twice a period, often in the same week)`;
    return undefined;
  }
  if (a.after && b.after && Math.abs(approximateDays(a.after) - approximateDays(b.after)) < 7) return `within a week of each other (steps due ${formatDuration(a.after)} and ${formatDuration(b.after)} after the stage began)`;
  return undefined;
}

function sameCadence(a: Duration, b: Duration): boolean {
  const months = (d: Duration) => (d.unit === 'years' ? d.n * 12 : d.unit === 'months' ? d.n : undefined);
  const days = (d: Duration) => (d.unit === 'weeks' ? d.n * 7 : d.unit === 'days' ? d.n : undefined);
  return (months(a) !== undefined && months(a) === months(b)) || (days(a) !== undefined && days(a) === days(b));
}

/** The contact roles both rules reach: 'all', a set, or undefined for none. */
export function commonRoles(a: Theirs, b: Theirs): 'all' | Set<string> | undefined {
  if (a === 'all' && b === 'all') return 'all';
  if (a === 'all') return new Set(b as readonly string[]);
  if (b === 'all') return new Set(a);
  const common = new Set(a.filter((r) => b.includes(r)));
  return common.size ? common : undefined;
}
