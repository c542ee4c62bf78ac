import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import type { TouchRow } from '../storage/schema.ts';
import { lastDoneByClient, trackedSinceByClient } from '../workflows/facts.ts';
import type { LastDone } from '../workflows/silence.ts';

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

/**
 * Everything a report is computed from, read once: the configuration, the day, the touches,
 * and the facts silence counts from. The CLI's `report`, the digest and the dashboard all
 * start here, so their figures agree.
 */
export interface ReportContext {
  readonly config: Config;
  readonly today: string;
  readonly data: ReportData;
  readonly lastDone: ReadonlyMap<string, LastDone>;
  readonly trackedSince: ReadonlyMap<string, string>;
}

export async function loadReportContext(db: DB, config: Config, today: string): Promise<ReportContext> {
  return { config, today, data: await loadReportData(db), lastDone: await lastDoneByClient(db), trackedSince: await trackedSinceByClient(db) };
}
