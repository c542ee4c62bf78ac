import type { Contact } from '../domain/types.ts';
import type { TouchRow } from '../storage/schema.ts';
import type { Cell, Report } from './report.ts';

/** One pair of people, ours and theirs, who have done touches together: when last, how many. */
export interface Acquaintance {
  readonly employee: string;
  readonly contact: string;
  readonly last: string;
  readonly count: number;
}

/**
 * A client's relationship map from its touches: for every done touch, who of ours did it
 * (who marked it done, else its owner) with each contact it was for, and on which day.
 */
export function relationshipMap(touches: readonly TouchRow[]): Acquaintance[] {
  const pairs = new Map<string, { employee: string; contact: string; last: string; count: number }>();
  for (const t of touches) {
    if (t.status !== 'done') continue;
    const employee = t.resolved_by ?? t.employee_id;
    const date = t.resolved_date ?? t.date;
    for (const contact of JSON.parse(t.contact_ids) as string[]) {
      const key = `${employee}|${contact}`;
      const p = pairs.get(key);
      if (!p) pairs.set(key, { employee, contact, last: date, count: 1 });
      else {
        p.count++;
        if (date > p.last) p.last = date;
      }
    }
  }
  return [...pairs.values()].sort((a, b) => a.employee.localeCompare(b.employee) || a.contact.localeCompare(b.contact));
}

/** The relationship map as a table (for CSV): one row per pair, with the contact's name and role. */
export function relationshipReport(clientId: string, contacts: readonly Pick<Contact, 'id' | 'name' | 'role'>[], map: readonly Acquaintance[], today: string): Report {
  const byId = new Map(contacts.map((c) => [c.id, c]));
  const rows: Record<string, Cell>[] = map.map((a) => ({
    employee: a.employee, contact: byId.get(a.contact)?.name ?? a.contact, role: byId.get(a.contact)?.role ?? '', last: a.last, count: a.count,
  }));
  return {
    name: `relationships-${clientId}`, title: { key: 'ui.client.map', params: { today: { date: today } } },
    columns: [
      { key: 'employee', header: 'col.employee' }, { key: 'contact', header: 'col.contact' }, { key: 'role', header: 'col.role' },
      { key: 'last', header: 'col.lastMet', type: 'date' }, { key: 'count', header: 'col.count', type: 'number' },
    ],
    rows, summary: [],
  };
}
