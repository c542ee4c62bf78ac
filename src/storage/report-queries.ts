import type { DB } from './database.ts';
import type { TouchRow } from './schema.ts';

/** What the reports read of a touch: the columns they use, no more (there are hundreds of thousands). */
export type ReportTouch = Pick<TouchRow, 'id' | 'source' | 'series' | 'kind' | 'client_id' | 'contact_ids' | 'employee_id' | 'date' | 'all_day'
  | 'title' | 'window_to' | 'status' | 'resolved_date' | 'resolved_by' | 'overdue_from'>;

/** Every touch the reports count: not cancelled, and not a digest (a note to a director, no touch with a client). */
export async function reportTouches(db: DB): Promise<ReportTouch[]> {
  return db.selectFrom('touches')
    .select(['id', 'source', 'series', 'kind', 'client_id', 'contact_ids', 'employee_id', 'date', 'all_day', 'title', 'window_to', 'status', 'resolved_date', 'resolved_by', 'overdue_from'])
    .where('status', '!=', 'cancelled').where('source', 'not like', 'digest:%').execute();
}

/** Touch id → how many times its owner moved it themselves (in the calendar, or snoozed by link). */
export async function movesByOwner(db: DB): Promise<Map<string, number>> {
  const moves = await db.selectFrom('touch_events').select(['touch_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('type', '=', 'rescheduled')
    .where((eb) => eb.or([eb('detail', '=', 'moved in the calendar by the employee'), eb('detail', 'like', 'snoozed%')]))
    .groupBy('touch_id').execute();
  return new Map(moves.map((m) => [m.touch_id, Number(m.n)]));
}
