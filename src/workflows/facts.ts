import type { DB } from '../storage/database.ts';
import { doneTouches, type DoneTouchFacts } from '../storage/workflow-repository.ts';
import type { LastDone } from './silence.ts';

export { trackedSinceByClient } from '../storage/workflow-repository.ts';

/** The last done touch with each client (any of ours, with anyone there). */
export async function lastDoneByClient(db: DB, clientId?: string): Promise<Map<string, LastDone>> {
  return lastDoneOf(await doneTouches(db, clientId));
}

/** The last done touch with each client among touches already read (the reports have them all). */
export function lastDoneOf(rows: Iterable<DoneTouchFacts>): Map<string, LastDone> {
  const out = new Map<string, LastDone>();
  for (const r of rows) {
    if (r.status !== 'done') continue;
    const date = r.resolved_date ?? r.date;
    const known = out.get(r.client_id);
    if (!known || date > known.date) out.set(r.client_id, { date, employee: r.resolved_by ?? r.employee_id, title: r.title });
  }
  return out;
}
