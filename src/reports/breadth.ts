import type { Config } from '../domain/types.ts';
import { addDays } from '../planner/dates.ts';
import type { Report } from './report.ts';
import type { ReportData } from './report-data.ts';

export interface Breadth {
  readonly client: string;
  readonly ours: readonly string[];
  readonly theirs: readonly string[];
}

/** Who of ours did touches with each client in the last 12 months, and with whom of theirs. */
export function breadthOf(config: Config, data: ReportData, today: string): Breadth[] {
  const from = addDays(today, -365);
  const ours = new Map<string, Set<string>>();
  const theirs = new Map<string, Set<string>>();
  for (const t of data.touches) {
    const date = t.resolved_date ?? t.date;
    if (t.status !== 'done' || date < from || date > today) continue;
    (ours.get(t.client_id) ?? ours.set(t.client_id, new Set()).get(t.client_id)!).add(t.resolved_by ?? t.employee_id);
    const set = theirs.get(t.client_id) ?? theirs.set(t.client_id, new Set()).get(t.client_id)!;
    for (const c of JSON.parse(t.contact_ids) as string[]) set.add(c);
  }
  return config.clients.map((c) => ({ client: c.id, ours: [...(ours.get(c.id) ?? [])].sort(), theirs: [...(theirs.get(c.id) ?? [])].sort() }));
}

/** A client that depends on one person, of ours or of theirs (or on nobody yet). */
export function dependsOnOne(b: Breadth): boolean {
  return b.ours.length <= 1 || b.theirs.length <= 1;
}

/**
 * Per client, how many different people of ours did touches in the last 12 months and with
 * how many of their people; clients that depend on one person first — the handover risk.
 */
export function breadthReport(config: Config, data: ReportData, today: string): Report {
  const names = new Map(config.clients.flatMap((c) => c.contacts.map((p) => [p.id, p.name] as const)));
  const list = breadthOf(config, data, today).sort((a, b) =>
    Number(dependsOnOne(b)) - Number(dependsOnOne(a)) || Math.min(a.ours.length, a.theirs.length) - Math.min(b.ours.length, b.theirs.length)
    || a.ours.length - b.ours.length || a.theirs.length - b.theirs.length || a.client.localeCompare(b.client));
  const rows = list.map((b) => ({
    client: b.client, our_people: b.ours.length, ours: b.ours.join(' '), their_people: b.theirs.length,
    theirs: b.theirs.map((id) => names.get(id) ?? id).join(', '),
    risk: b.ours.length === 0 && b.theirs.length === 0 ? 'no touch in 12 months'
      : [b.ours.length <= 1 ? 'one of ours' : '', b.theirs.length <= 1 ? 'one of theirs' : ''].filter(Boolean).join(', '),
  }));
  return {
    name: 'breadth', title: `Breadth of relationships, 12 months to ${today}: who of ours touched whom of theirs`,
    columns: [
      { key: 'client', header: 'client' }, { key: 'our_people', header: 'ours' }, { key: 'ours', header: 'our people' },
      { key: 'their_people', header: 'theirs' }, { key: 'theirs', header: 'their people' }, { key: 'risk', header: 'depends on' },
    ],
    rows, summary: { clients: rows.length, 'depending on one person': list.filter(dependsOnOne).length },
  };
}
