import { approximateDays } from '../domain/duration.ts';
import { selects } from '../domain/selector.ts';
import type { Config, Selector, Theirs } from '../domain/types.ts';
import { daysBetween } from './dates.ts';
import type { PlanWindow } from './plan.ts';

/**
 * The most touches planned at once. A year of the 10,000-client demo company is 364,000 (about
 * 500 MB at the peak); a cadence of every day to every contact over ten years was many millions,
 * running for minutes into gigabytes until the machine's memory ran out (QA). Past this, a plan is
 * refused before anything is planned, naming what makes it so large.
 */
export const MAX_PLAN_TOUCHES = 2_000_000;

export interface PlanSize {
  /** About how many touches the rules and campaigns make in the window. */
  readonly touches: number;
  /** The rule or campaign that makes the most ("rule daily-letter"), its kind and id, and about how many. */
  readonly largest: { readonly source: string; readonly kind: 'rule' | 'campaign'; readonly id: string; readonly touches: number } | undefined;
}

/**
 * About how many touches a window's plan has: each rule's reach (its clients, and their contacts
 * when per contact) times its periods in the window, each campaign's once a year. An estimate
 * made in milliseconds, from the configuration alone (no history, no placement): the workflows'
 * touches and a handover's letters are left out, as they are few beside these.
 */
export function planSize(config: Config, window: PlanWindow): PlanSize {
  // First a bound that takes every client as selected (one pass over the contacts): under the
  // limit, as every plan of a real company is, that is all (the exact count takes 75 ms at 10,000 clients).
  const all = contactsOf(config);
  const bound = estimate(config, window, (r) => {
    if (r.per === 'client') return all.clients;
    return r.theirs === 'all' ? all.contacts : r.theirs.reduce((n, role) => n + (all.byRole.get(role) ?? 0), 0);
  });
  if (bound.touches <= MAX_PLAN_TOUCHES) return bound;
  const roles = config.clients.map(contactRoles);
  return estimate(config, window, (r) => reach(config, r, roles));
}

/** The clients and contacts of a configuration (kept for it: a daemon plans the same one pass after pass). */
const counted = new WeakMap<Config, { clients: number; contacts: number; byRole: Map<string, number> }>();

function contactsOf(config: Config): { clients: number; contacts: number; byRole: Map<string, number> } {
  let all = counted.get(config);
  if (!all) {
    all = { clients: config.clients.length, contacts: 0, byRole: new Map<string, number>() };
    for (const client of config.clients) {
      all.contacts += client.contacts.length;
      for (const c of client.contacts) all.byRole.set(c.role, (all.byRole.get(c.role) ?? 0) + 1);
    }
    counted.set(config, all);
  }
  return all;
}

type Reached = { readonly for: Selector; readonly theirs: Theirs; readonly per: 'client' | 'contact' };

function estimate(config: Config, window: PlanWindow, reachOf: (r: Reached) => number): PlanSize {
  const days = Math.max(1, daysBetween(window.from, window.to) + 1);
  let touches = 0;
  let largest: PlanSize['largest'];
  const count = (kind: 'rule' | 'campaign', id: string, n: number) => {
    touches += n;
    if (!largest || n > largest.touches) largest = { source: `${kind} ${id}`, kind, id, touches: n };
  };
  for (const rule of config.rules) {
    const units = reachOf(rule);
    // A sequence step is once per unit; a cadence once per period, a part period counted whole.
    count('rule', rule.id, rule.every ? units * Math.ceil(days / Math.max(1, approximateDays(rule.every))) : units);
  }
  for (const campaign of config.campaigns) count('campaign', campaign.id, reachOf(campaign) * Math.ceil(days / 365));
  return { touches, largest };
}

/** How many contacts of a client have each role. */
function contactRoles(client: Config['clients'][number]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of client.contacts) counts.set(c.role, (counts.get(c.role) ?? 0) + 1);
  return counts;
}

/** The units a rule or campaign touches: each selected client, or each of its contacts reached (contactsFor's, counted). */
function reach(config: Config, r: Reached, roles: readonly Map<string, number>[]): number {
  let units = 0;
  config.clients.forEach((client, i) => {
    if (!selects(r.for, client)) return;
    let contacts = 0;
    if (r.theirs === 'all') contacts = client.contacts.length;
    else for (const role of r.theirs) contacts += roles[i]!.get(role) ?? 0;
    units += r.per === 'client' ? Math.min(1, contacts) : contacts;
  });
  return units;
}
