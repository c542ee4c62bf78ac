import type { DB } from '../storage/database.ts';
import type { LastDone } from './silence.ts';

/** The last done touch with each client (any of ours, with anyone there). */
export async function lastDoneByClient(db: DB): Promise<Map<string, LastDone>> {
  const rows = await db.selectFrom('touches').select(['client_id', 'resolved_date', 'date', 'resolved_by', 'employee_id', 'title', 'status'])
    .where('status', '=', 'done').execute();
  return lastDoneOf(rows);
}

type DoneFacts = { client_id: string; resolved_date: string | null; date: string; resolved_by: string | null; employee_id: string; title: string; status: string };

/** The last done touch with each client among touches already read (the reports have them all). */
export function lastDoneOf(rows: Iterable<DoneFacts>): Map<string, LastDone> {
  const out = new Map<string, LastDone>();
  for (const r of rows) {
    if (r.status !== 'done') continue;
    const date = r.resolved_date ?? r.date;
    const known = out.get(r.client_id);
    if (!known || date > known.date) out.set(r.client_id, { date, employee: r.resolved_by ?? r.employee_id, title: r.title });
  }
  return out;
}

/** The first day touchbase planned anything for each client (where silence counts from when nothing else says). */
export async function trackedSinceByClient(db: DB): Promise<Map<string, string>> {
  const rows = await db.selectFrom('touches').select(['client_id', (eb) => eb.fn.min('created_at').as('first')]).groupBy('client_id').execute();
  return new Map(rows.filter((r) => r.first).map((r) => [r.client_id, String(r.first).slice(0, 10)]));
}
