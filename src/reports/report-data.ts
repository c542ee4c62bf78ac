import type { DB } from '../storage/database.ts';
import type { TouchRow } from '../storage/schema.ts';

/** What the reports read: every touch that was not cancelled, and who moved which. */
export interface ReportData {
  readonly touches: readonly TouchRow[];
  /** Touch id → how many times its owner moved it themselves (in the calendar, or snoozed by link). */
  readonly movedByOwner: ReadonlyMap<string, number>;
}

export async function loadReportData(db: DB): Promise<ReportData> {
  const touches = await db.selectFrom('touches').selectAll().where('status', '!=', 'cancelled').where('source', 'not like', 'digest:%').execute();
  const moves = await db.selectFrom('touch_events').select(['touch_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('type', '=', 'rescheduled')
    .where((eb) => eb.or([eb('detail', '=', 'moved in the calendar by the employee'), eb('detail', 'like', 'snoozed%')]))
    .groupBy('touch_id').execute();
  return { touches, movedByOwner: new Map(moves.map((m) => [m.touch_id, Number(m.n)])) };
}
