import type { Config } from '../domain/types.ts';
import { addDays } from '../planner/dates.ts';
import { isInternal } from '../workflows/overdue.ts';
import type { Report } from './report.ts';
import type { ReportContext, ReportData } from './report-data.ts';

export interface Breadth {
  readonly client: string;
  readonly ours: readonly string[];
  readonly theirs: readonly string[];
}

const computed = new WeakMap<ReportData, { key: string; breadth: Breadth[] }>();

/** Who of ours did touches with each client in the last 12 months, and with whom of theirs (computed once per data and day). */
export function breadthOf(config: Config, data: ReportData, today: string): Breadth[] {
  const known = computed.get(data);
  if (known?.key === today) return known.breadth;
  const breadth = computeBreadth(config, data, today);
  computed.set(data, { key: today, breadth });
  return breadth;
}

function computeBreadth(config: Config, data: ReportData, today: string): Breadth[] {
  const from = addDays(today, -365);
  const ours = new Map<string, Set<string>>();
  const theirs = new Map<string, Set<string>>();
  for (const t of data.touches) {
    const date = t.resolved_date ?? t.date;
    // A digest or an escalation is ours to ourselves: no one of the client's was in it.
    if (t.status !== 'done' || date < from || date > today || isInternal(t.source)) continue;
    (ours.get(t.client_id) ?? ours.set(t.client_id, new Set()).get(t.client_id)!).add(t.resolved_by ?? t.employee_id);
    const set = theirs.get(t.client_id) ?? theirs.set(t.client_id, new Set()).get(t.client_id)!;
    // A silence's alert lists every person of the client so that someone gets in touch: done, it
    // says that someone of ours did, not with whom — taken as all of them, one call after months
    // of silence made the client look reached at every level (QA).
    if (t.source.startsWith('silence:')) continue;
    for (const c of data.contactsOf(t)) set.add(c);
  }
  return config.clients.map((c) => ({ client: c.id, ours: [...(ours.get(c.id) ?? [])].sort(), theirs: [...(theirs.get(c.id) ?? [])].sort() }));
}

/** A client that depends on one person, of ours or of theirs (or on nobody yet). */
export function dependsOnOne(b: Breadth): boolean {
  return b.ours.length <= 1 || b.theirs.length <= 1;
}

/** A client nobody of ours touched in the 12 months. */
export const untouched = (b: Breadth) => b.ours.length === 0 && b.theirs.length === 0;

/** Served by one person on a side, not by nobody at all: what every report and the dashboard count as "depending on one person". */
export const servedByOne = (b: Breadth) => dependsOnOne(b) && !untouched(b);

/** The risk code of a breadth: which side depends on one person. */
export function breadthRisk(b: Breadth): string {
  if (untouched(b)) return 'no touch in 12 months';
  // Nobody of theirs is no one person of theirs (done touches that named no contact: a silence alert; QA).
  const theirs = b.theirs.length === 0 ? 'none of theirs' : b.theirs.length === 1 ? 'one of theirs' : '';
  if (b.ours.length <= 1 && theirs) return `one of ours, ${theirs}`;
  return b.ours.length <= 1 ? 'one of ours' : theirs;
}

/**
 * Per client, how many different people of ours did touches in the last 12 months and with
 * how many of their people; clients that depend on one person first — the handover risk.
 */
export function breadthReport({ config, data, today }: ReportContext): Report {
  const names = new Map(config.clients.flatMap((c) => c.contacts.map((p) => [p.id, p.name] as const)));
  const list = [...breadthOf(config, data, today)].sort((a, b) =>
    Number(dependsOnOne(b)) - Number(dependsOnOne(a)) || Math.min(a.ours.length, a.theirs.length) - Math.min(b.ours.length, b.theirs.length)
    || a.ours.length - b.ours.length || a.theirs.length - b.theirs.length || a.client.localeCompare(b.client));
  const rows = list.map((b) => ({
    client: b.client, our_people: b.ours.length, ours: b.ours.join(' '), their_people: b.theirs.length,
    theirs: b.theirs.map((id) => names.get(id) ?? id).join(', '), risk: breadthRisk(b),
  }));
  return {
    name: 'breadth', title: { key: 'report.breadth.title', params: { today: { date: today } } },
    columns: [
      { key: 'client', header: 'col.client' }, { key: 'our_people', header: 'col.ours', type: 'number' }, { key: 'ours', header: 'col.ourPeople' },
      { key: 'their_people', header: 'col.theirs', type: 'number' }, { key: 'theirs', header: 'col.theirPeople' }, { key: 'risk', header: 'col.dependsOn', type: 'value' },
    ],
    rows,
    summary: [
      { key: 'clients', label: 'sum.clients', value: rows.length, type: 'number' },
      // One person on a side, and nobody at all, are told apart: 37 clients no one touched are no
      // "depending on one person".
      { key: 'depending on one person', label: 'sum.dependingOnOne', value: list.filter(servedByOne).length, type: 'number' },
      { key: 'no touch in 12 months', label: 'sum.noTouch12', value: list.filter(untouched).length, type: 'number' },
    ],
  };
}
