import type { Client, Config, Employee, Handover } from './types.ts';
import { own } from './safe-keys.ts';
import { perList } from './per-list.ts';

/** Role → the employees holding it, in configuration order. */
export function holdersByRole(employees: readonly Employee[]): Map<string, Employee[]> {
  const map = new Map<string, Employee[]>();
  for (const e of employees) {
    const list = map.get(e.role);
    if (list) list.push(e);
    else map.set(e.role, [e]);
  }
  return map;
}

export type RoleResolution =
  | { readonly ok: true; readonly employee: string }
  | { readonly ok: false; readonly reason: 'nobody' | 'ambiguous'; readonly holders: readonly string[] };

/**
 * Who holds our role R for a client: the employee its team names, else the only employee
 * with role R. Anything else cannot be decided and is a configuration error. Role names are
 * the user's: `toString` or `constructor` find only what the team itself names.
 */
export function resolveRole(team: Readonly<Record<string, string>>, role: string, holders: Map<string, Employee[]>): RoleResolution {
  const named = own(team, role);
  if (named) return { ok: true, employee: named };
  const list = holders.get(role) ?? [];
  if (list.length === 1) return { ok: true, employee: list[0]!.id };
  return { ok: false, reason: list.length === 0 ? 'nobody' : 'ambiguous', holders: list.map((e) => e.id) };
}

/** How many handovers the planner follows from a role's holder (planner/plan.ts, #withOwnerOn). */
export const HANDOVER_HOPS = 10;

/**
 * Whose hands an employee's work passes through along the handovers: the employee, their
 * successor, the successor's, … — as far as the planner follows them.
 */
export function handoverChains(handovers: readonly { readonly from: string; readonly to: string }[]): (employee: string) => string[] {
  const next = new Map(handovers.map((h) => [h.from, h.to]));
  return (employee) => {
    const chain = [employee];
    for (let at = next.get(employee); at !== undefined && chain.length <= HANDOVER_HOPS; at = next.get(at)) chain.push(at);
    return chain;
  };
}

const handoverFrom = perList((list: readonly Handover[]) => new Map(list.map((h) => [h.from, h])));

/**
 * Who holds an employee's work on a day, following the handovers as the planner does
 * (planner/plan.ts, #withOwnerOn): the employee before their handover's `on`, the successor
 * from it, and the successor's successor from theirs.
 */
export function holderOn(handovers: readonly Handover[], employee: string, date: string): string {
  return holdingOn(handovers, employee, date).holder;
}

/** holderOn, with the day that holder took the work over (the `on` of the last handover followed; none for the employee). */
export function holdingOn(handovers: readonly Handover[], employee: string, date: string): { holder: string; since: string | undefined } {
  const from = handoverFrom(handovers);
  let holder = employee;
  let since: string | undefined;
  for (let hops = 0; hops < HANDOVER_HOPS; hops++) {
    const h = from.get(holder);
    if (!h || date < h.on) break;
    holder = h.to;
    since = h.on;
  }
  return { holder, since };
}

/**
 * Who holds our role for a client on a day: its team's holder, or whoever took their clients
 * over by then. Workflow touches (silence, events, escalations), digests and reports go by it,
 * as the plan's touches do.
 */
export function teamHolderOn(config: Pick<Config, 'handovers'>, client: Client, role: string, date: string): string | undefined {
  const holder = own(client.team, role);
  return holder === undefined ? undefined : holderOn(config.handovers, holder, date);
}
