import type SQLite from 'better-sqlite3';
import type { Touch } from '../domain/types.ts';
import type { OverdueRule } from '../planner/overdue-rule.ts';
import { withRawReads, type DB } from './database.ts';
import { dialectOf } from './dialect.ts';
import { forEachStoredTouch } from './touch-rows.ts';

/**
 * The last plan of each window, kept so that `plan` run again with nothing changed reads its
 * touches back instead of planning the year again (db/migrations/0010_plan_snapshots.ts). The
 * plan service decides when a snapshot holds (plan-service.ts); this file stores and reads it.
 */

export interface PlanSnapshotRow {
  readonly plan_window: string;
  readonly basis: string;
  /** Touch ids in the plan's order, one a line. */
  readonly touch_ids: string;
  /** JSON: the touches of the plan that their stored rows do not reproduce, whole. */
  readonly apart: string;
  /** JSON: the plan's warnings. */
  readonly warnings: string;
  readonly first_date: string;
  readonly last_date: string;
}

/** What savePlan needs to record a snapshot in the transaction that saves the plan. */
export interface SnapshotRequest {
  /** The touches' fingerprint when the plan's history was read: a write by anyone since, and no snapshot is kept. */
  readonly readAt: string;
  /** The row to keep, given the fingerprint after the save and the touches their rows do not reproduce. */
  readonly make: (fingerprint: string, apart: ReadonlySet<string>) => PlanSnapshotRow;
}

/**
 * Where the touches are: their number, the newest row and the newest history line. Every writer
 * of touches adds a row or a history line, except a plan's save, which forgets the snapshots
 * itself when it writes anything (savePlan).
 */
export function touchesFingerprint(sqlite: SQLite.Database): string {
  const [count, last] = sqlite.prepare('select count(*), coalesce(max(rowid), 0) from touches').raw().get() as [number, number];
  const seq = sqlite.prepare('select coalesce(max(seq), 0) from touch_events').pluck().get() as number;
  return `${count}:${last}:${seq}`;
}

/**
 * Whether this database keeps plan snapshots: SQLite's (the fingerprint reads its rowids). On
 * PostgreSQL every plan plans again.
 */
export function keepsPlanSnapshots(db: DB): boolean {
  return dialectOf(db) === 'sqlite';
}

/** touchesFingerprint on the database's own connection. */
export async function readTouchesFingerprint(db: DB): Promise<string> {
  return withRawReads(db, touchesFingerprint);
}

/** Keeps `row` as the snapshot of its window (in the caller's transaction). */
export function writePlanSnapshot(sqlite: SQLite.Database, row: PlanSnapshotRow): void {
  sqlite.prepare('delete from plan_snapshots where plan_window = ?').run(row.plan_window);
  sqlite.prepare('insert into plan_snapshots (plan_window, basis, touch_ids, apart, warnings, first_date, last_date) values (?, ?, ?, ?, ?, ?, ?)')
    .run(row.plan_window, row.basis, row.touch_ids, row.apart, row.warnings, row.first_date, row.last_date);
}

/** Forgets every window's snapshot: a save changed touches they were made from. */
export function forgetPlanSnapshots(sqlite: SQLite.Database): void {
  sqlite.prepare('delete from plan_snapshots').run();
}

/** The snapshot of a window, if one is kept. */
export async function readPlanSnapshot(db: DB, window: string): Promise<PlanSnapshotRow | undefined> {
  return db.selectFrom('plan_snapshots').selectAll().where('plan_window', '=', window).executeTakeFirst();
}


/**
 * The touches of a snapshot in its order, from their rows (the ones apart from the snapshot
 * itself), or undefined when one of them is no longer stored. One scan of the snapshot's days.
 */
export async function snapshotTouches(db: DB, snapshot: PlanSnapshotRow, overdue: OverdueRule): Promise<Touch[] | undefined> {
  const ids = snapshot.touch_ids === '' ? [] : snapshot.touch_ids.split('\n');
  const at = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) at.set(ids[i]!, i);
  const touches = new Array<Touch | undefined>(ids.length);
  let found = 0;
  for (const t of JSON.parse(snapshot.apart) as Touch[]) {
    const i = at.get(t.id);
    if (i !== undefined && touches[i] === undefined) {
      touches[i] = t;
      found++;
    }
  }
  await withRawReads(db, (sqlite) => {
    // In table order, not through the date index: the window is most of the table, and a row
    // looked up by rowid for each index entry costs several times a row read in sequence.
    forEachStoredTouch(sqlite, 'not indexed where date >= ? and date <= ?', [snapshot.first_date, snapshot.last_date], overdue, (t) => {
      const i = at.get(t.id);
      if (i === undefined || touches[i] !== undefined) return;
      touches[i] = t;
      found++;
    });
  });
  return found === ids.length ? touches as Touch[] : undefined;
}
