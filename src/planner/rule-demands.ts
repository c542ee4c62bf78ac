import type { Client, Config, Contact, Rule } from '../domain/types.ts';
import { TIMED_KINDS } from '../domain/types.ts';
import { contactsFor, selects } from '../domain/selector.ts';
import { contactValues, demand, DEFAULT_TITLES, type Demand } from './demand.ts';
import { periodsOverlapping } from './periods.ts';

/** The units a rule touches at a client: one group with all matching contacts, or one per contact. */
export function ruleUnits(rule: Rule, client: Client): { series: string; contacts: readonly Contact[] }[] {
  const contacts = contactsFor(rule.theirs, client.contacts);
  if (contacts.length === 0) return [];
  if (rule.per === 'client') return [{ series: `rule:${rule.id}|${client.id}`, contacts }];
  return contacts.map((c) => ({ series: `rule:${rule.id}|${client.id}|${c.id}`, contacts: [c] }));
}

/**
 * Touches of `anchor: calendar` rules: exactly one per period per unit, for every period
 * that overlaps [from, to] (whole periods, so a touch's day never depends on the window).
 */
export function calendarRuleDemands(config: Config, from: string, to: string): Demand[] {
  const out: Demand[] = [];
  for (const rule of config.rules) {
    if (rule.anchor !== 'calendar') continue;
    const timed = TIMED_KINDS.has(rule.kind);
    for (const client of config.clients) {
      if (!selects(rule.for, client)) continue;
      const units = ruleUnits(rule, client);
      if (units.length === 0) continue;
      for (const period of periodsOverlapping(rule.every, from, to, client.since)) {
        for (const unit of units) {
          out.push(demand({
            identity: `${unit.series}|${period.key}`,
            source: `rule:${rule.id}`, series: unit.series, kind: rule.kind, client, contacts: unit.contacts,
            role: rule.ours, from: period.from, to: period.to, mode: 'spread', overflow: false,
            durationMinutes: timed ? rule.durationMinutes : 0, remind: rule.remind,
            title: rule.title ?? DEFAULT_TITLES[rule.kind],
            titleValues: { ...contactValues(client, unit.contacts), 'rule.id': rule.id },
          }));
        }
      }
    }
  }
  return out;
}
