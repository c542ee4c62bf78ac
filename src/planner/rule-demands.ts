import type { Client, Config, Contact, Duration, Language, Rule } from '../domain/types.ts';
import { addDays, addDuration, daysBetween } from './dates.ts';
import { TIMED_KINDS } from '../domain/types.ts';
import { contactsFor, selects } from '../domain/selector.ts';
import { demand, defaultTitle, type Demand, type DemandUnit, type UnitOwn } from './demand.ts';
import { periodsOverlapping } from './periods.ts';

/** The units a rule touches at a client: one group with all matching contacts, or one per contact. */
export function ruleUnits(rule: Rule, client: Client): UnitOwn[] {
  const contacts = contactsFor(rule.theirs, client.contacts);
  if (contacts.length === 0) return [];
  if (rule.per === 'client') return [{ series: `rule:${rule.id}|${client.id}`, client, contacts, contactIds: contacts.map((c) => c.id) }];
  return contacts.map((c: Contact) => ({ series: `rule:${rule.id}|${client.id}|${c.id}`, client, contacts: [c], contactIds: [c.id] }));
}

const sharedByRule = new WeakMap<Rule, Omit<DemandUnit, keyof UnitOwn>>();

/** What every touch of a rule has in common (a rule belongs to one configuration, so to one language). */
export function ruleShared(rule: Rule, language: Language): Omit<DemandUnit, keyof UnitOwn> {
  let shared = sharedByRule.get(rule);
  if (!shared) {
    shared = {
      source: `rule:${rule.id}`, kind: rule.kind, role: rule.ours, employee: undefined,
      // A chain's next touch and a one-off sequence step have no next period to make up for a
      // full or holiday-only one (a win-back due in Russia's New Year week): they go on after it.
      mode: 'spread', overflow: rule.anchor === 'last' || rule.after !== undefined,
      durationMinutes: TIMED_KINDS.has(rule.kind) ? rule.durationMinutes : 0, remind: rule.remind,
      title: rule.title ?? defaultTitle(rule.kind, language), titleExtra: { 'rule.id': rule.id },
    };
    sharedByRule.set(rule, shared);
  }
  return shared;
}

/**
 * Touches of `anchor: calendar` rules: exactly one per period per unit, for every period
 * that overlaps [from, to] (whole periods, so a touch's day never depends on the window).
 */
export function calendarRuleDemands(config: Config, from: string, to: string, today: string, emit: (d: Demand) => void): void {
  for (const rule of config.rules) {
    if (rule.anchor !== 'calendar') continue;
    for (const client of config.clients) {
      if (!selects(rule.for, client, today)) continue;
      const units = ruleUnits(rule, client);
      if (units.length === 0) continue;
      const shared = ruleShared(rule, config.settings.language);
      if (rule.after) {
        stepDemands(rule.after, client, from, to, today, (key, window) => {
          for (const unit of units) emit(demand(shared, `${unit.series}|${key}`, window, unit));
        });
        continue;
      }
      for (const period of periodsOverlapping(rule.every!, from, to, client.since)) {
        // A client from a day to come (a contract that starts next month) is not in touch before
        // it: no period that ends before its `since`, and none of a period's days before it.
        const since = client.since;
        if (since !== undefined && period.window.to < since) continue;
        const window = since !== undefined && period.window.from < since ? { from: since, to: period.window.to } : period.window;
        for (const unit of units) emit(demand(shared, `${unit.series}|${period.key}`, window, unit));
      }
    }
  }
}

/** Days a sequence step may take: due on its day, done within the week. */
export const STEP_DAYS = 7;

/**
 * How long after its days a step never planned (its client came into the CRM after them) is
 * still news: up to STEP_DAYS late it is placed from today (plan.ts #lateStep), later than
 * that and up to this many days it is named in a warning; older, it is history.
 */
export const MISSED_STEP_DAYS = 31;

/**
 * A one-off step of a sequence (win-back, onboarding): due `after` the day the client entered
 * its stage (`stage_since`, else `since`), within a week. Its key names the anchor day, so a
 * client that lapses again later gets the sequence again. Besides the steps whose days overlap
 * [from, to], the ones whose days ended in the MISSED_STEP_DAYS before today: whether one of
 * them was missed depends on what is stored (plan.ts #lateStep).
 */
function stepDemands(after: Duration, client: Client, from: string, to: string, today: string, emit: (key: string, window: { from: string; to: string }) => void): void {
  const anchor = client.stageSince ?? client.since;
  if (!anchor) return;
  const due = addDuration(anchor, after);
  const window = { from: due, to: addDays(due, STEP_DAYS - 1) };
  if (window.from > to) return;
  if (window.to < from && (window.to >= today || daysBetween(window.to, today) > MISSED_STEP_DAYS)) return;
  emit(`step:${anchor}`, window);
}
