import type { Config } from '../domain/types.ts';
import { handoverChains } from '../domain/team.ts';
import { hashesById, hashOf } from '../domain/config-hashes.ts';

/**
 * What a plan-and-sync pass depends on, kept after each pass so the next does only what a
 * change reaches: one client's file edited re-plans that client and rewrites the calendars of
 * the people who hold it; a new outcome re-plans its client; nothing changed does next to
 * nothing. Anything that reaches every touch (a rule, a campaign, a holiday, a handover,
 * settings, a new day, the links' address) makes the next pass a full one.
 */
export interface PassBasis {
  /** Bumped when what a pass computes changes meaning (a new release): the next pass is full. */
  readonly version: number;
  /** Hash of everything in the configuration that is not one client or one employee. */
  readonly global: string;
  readonly clients: Readonly<Record<string, string>>;
  readonly employees: Readonly<Record<string, string>>;
  /** The window planned and synced, and each zone's today (overdue flags depend on it). */
  readonly window: string;
  readonly today: string;
  /** Where links point and with which secrets (part of every event's text, and the feeds' names). */
  readonly links: string;
  /** Where the history log was when the pass started: what happened after is the next pass's work. */
  readonly since: number;
}

const VERSION = 2;

/** The basis of a pass over `config` now. */
export function basisOf(config: Config, window: { from: string; to: string }, today: string, links: string, since: number): PassBasis {
  const { clients, employees, ...rest } = config;
  return {
    version: VERSION,
    global: hashOf(rest),
    clients: hashesById(clients),
    employees: hashesById(employees),
    window: `${window.from}..${window.to}`,
    today,
    links: hashOf(links),
    since,
  };
}

/** What a pass must redo: everything, or the clients to re-plan and the people whose calendars to rewrite. */
export type PassScope =
  | { readonly full: true; readonly reason: string }
  | { readonly full: false; readonly clients: ReadonlySet<string>; readonly employees: ReadonlySet<string> };

/**
 * The scope of a pass from the last basis and this one, and what changed in the database since
 * (touches written by anyone: outcomes, moves, workflows, the daily checks). Pure.
 */
export function scopeOf(config: Config, last: PassBasis | undefined, next: PassBasis, touched: { clients: ReadonlySet<string>; employees: ReadonlySet<string> }): PassScope {
  if (!last) return { full: true, reason: 'the first pass' };
  if (last.version !== next.version) return { full: true, reason: 'a new version' };
  if (last.global !== next.global) return { full: true, reason: 'rules, campaigns, holidays, handovers or settings changed' };
  if (last.window !== next.window || last.today !== next.today) return { full: true, reason: 'a new day' };
  if (last.links !== next.links) return { full: true, reason: 'the links or the feed addresses changed' };
  const clients = new Set(touched.clients);
  const employees = new Set(touched.employees);
  for (const id of new Set([...Object.keys(last.clients), ...Object.keys(next.clients)])) {
    if (last.clients[id] !== next.clients[id]) clients.add(id);
  }
  const changedEmployees = new Set<string>();
  for (const id of new Set([...Object.keys(last.employees), ...Object.keys(next.employees)])) {
    if (last.employees[id] !== next.employees[id]) changedEmployees.add(id);
  }
  for (const id of changedEmployees) employees.add(id);
  // An employee's hours, zone or cap move their touches: re-plan every client they serve,
  // directly or as the successor of someone who hands over to them.
  if (changedEmployees.size > 0) {
    const chainOf = handoverChains(config.handovers);
    const reaches = (id: string): boolean => chainOf(id).some((at) => changedEmployees.has(at));
    for (const c of config.clients) if (Object.values(c.team).some(reaches)) clients.add(c.id);
  }
  // The people who serve a changed client: its events' text (names, contacts) is theirs.
  for (const c of config.clients) if (clients.has(c.id)) for (const id of Object.values(c.team)) employees.add(id);
  return { full: false, clients, employees };
}
