import { sql } from 'kysely';
import type { DB } from './database.ts';
import { PLANNER_SOURCE_SQL } from './plan-save-rules.ts';

/**
 * The last day, from `from` on, that has a planned touch of the planner's recorded: how far a
 * plan that saves must reach for every recorded touch to be looked at again (plan-service.ts
 * recordedWindow). Undefined when there is none. The workflows' touches (events, silence alerts)
 * are not the plan's: they do not count. Read from the end of the date index: the last rows by
 * date are planned ones, so it reads a few.
 */
export async function lastPlannedDay(db: DB, from: string): Promise<string | undefined> {
  const { rows } = await sql<{ date: string }>`select date from touches
    where status = 'planned' and date >= ${from} and ${sql.raw(PLANNER_SOURCE_SQL)} order by date desc limit 1`.execute(db);
  return rows[0]?.date;
}
