import { sql } from 'kysely';
import type { DB } from './database.ts';
import { PLANNER_SOURCE_SQL } from './plan-save-rules.ts';
import { addDays } from '../planner/dates.ts';

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

/**
 * daemon_info's key of the last day a `plan` that saved was asked to cover: the passes re-plan
 * what is recorded up to there and no further. A touch a pass moved past its window (a chain's,
 * behind an earlier one done late) is recorded after it; when the next pass went as far as that
 * touch, it recorded every rule's touches of the days it took in, and the pass after that went
 * further still (QA: a 90-day horizon recorded up to three years out within four months).
 */
const PLAN_REACH = 'plan.recorded_through';

/** How far a `plan` was asked to record (PLAN_REACH), if any plan or pass set it yet. */
export async function planReach(db: DB): Promise<string | undefined> {
  const row = await db.selectFrom('daemon_info').select('value').where('key', '=', PLAN_REACH).executeTakeFirst();
  return row?.value;
}

/**
 * The plan's reach, set first where none is: on a new database the horizon's end (its first pass
 * or plan), on one of an earlier version or imported (the reach is not exported) the last day it
 * has a touch recorded on after the horizon — a year `plan` recorded before stays kept up to
 * date. Set at once, so that no later touch moved past the horizon is taken for one asked for.
 */
export async function knownPlanReach(db: DB, horizonEnd: string): Promise<string> {
  const reach = await planReach(db);
  if (reach !== undefined) return reach;
  const recorded = (await lastPlannedDay(db, addDays(horizonEnd, 1))) ?? horizonEnd;
  await extendPlanReach(db, recorded);
  return (await planReach(db)) ?? recorded;
}

/** Takes the plan's reach on to `to` (never back: a shorter `plan` leaves a year asked before). */
export async function extendPlanReach(db: DB, to: string): Promise<void> {
  await db.insertInto('daemon_info').values({ key: PLAN_REACH, value: to })
    .onConflict((oc) => oc.column('key').doUpdateSet({
      value: sql<string>`case when excluded.value > daemon_info.value then excluded.value else daemon_info.value end`,
    }))
    .execute();
}
