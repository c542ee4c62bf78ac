import type SQLite from 'better-sqlite3';
import type { Touch } from '../domain/types.ts';
import type { OverdueRule } from '../planner/overdue-rule.ts';
import { withRawReads, type DB } from './database.ts';
import { dialectOf } from './dialect.ts';
import { readStoredJson, readStoredTouches, type TouchJson } from './touch-rows.ts';

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

/** Forgets the snapshot of one window. */
export async function forgetPlanSnapshot(db: DB, window: string): Promise<void> {
  await db.deleteFrom('plan_snapshots').where('plan_window', '=', window).execute();
}

/** A touch of a snapshot has no row (see showSnapshotTouches). */
export class SnapshotRowMissing extends Error {}

/** The snapshot of a window, if one is kept. */
export async function readPlanSnapshot(db: DB, window: string): Promise<PlanSnapshotRow | undefined> {
  return db.selectFrom('plan_snapshots').selectAll().where('plan_window', '=', window).executeTakeFirst();
}


/**
 * Shows the touches of a snapshot in its order: `show` is given them as they are read from their
 * rows (the ones apart from the snapshot itself), in one read of the snapshot's days by date
 * holding no more than the rest of a day's rows at a time, so a year of touches is written out
 * without being held. All of it in one read transaction that first checks the touches are still
 * those of `fingerprint`: if not (a write since it was read), nothing is shown and it returns
 * false. A touch of the snapshot without its row then cannot happen (no writer deletes touches);
 * if it does, reading stops with an error rather than leave a touch out.
 */
export async function showSnapshotTouches(
  db: DB, snapshot: PlanSnapshotRow, fingerprint: string, overdue: OverdueRule,
  show: (touches: Iterable<Touch | TouchJson>, planned: ReadonlySet<string>) => Promise<void>, asJson = false,
): Promise<boolean> {
  return withRawReads(db, async (sqlite) => {
    sqlite.exec('begin');
    const ids = snapshot.touch_ids === '' ? [] : snapshot.touch_ids.split('\n');
    const planned = new Set(ids);
    let touches: Generator<Touch | TouchJson, void, undefined> | undefined;
    try {
      if (touchesFingerprint(sqlite) !== fingerprint) return false;
      // By the date index: a plan is in date order, and rows added since the first save (a daemon's
      // pass, a moved touch) are wherever their day is — a scan in table order would reach them last.
      const rest = 'indexed by touches_date where date >= ? and date <= ? order by date';
      const days = [snapshot.first_date, snapshot.last_date];
      const rows: Generator<Touch | TouchJson, void, undefined> = asJson ? readStoredJson(sqlite, rest, days, overdue) : readStoredTouches(sqlite, rest, days, overdue, { held: false });
      touches = inSnapshotOrder(snapshot, ids, planned, rows);
      await show(touches, planned);
      return true;
    } finally {
      touches?.return();
      sqlite.exec('commit');
    }
  });
}

function* inSnapshotOrder<T extends { readonly id: string }>(
  snapshot: PlanSnapshotRow, ids: readonly string[], planned: ReadonlySet<string>, rows: Generator<T, void, undefined>,
): Generator<T | Touch, void, undefined> {
  const apart = new Map((JSON.parse(snapshot.apart) as Touch[]).map((t) => [t.id, t]));
  // Rows read before their turn (a day's rows come in table order, the plan's by start).
  const early = new Map<string, T>();
  try {
    for (const id of ids) {
      const whole = apart.get(id);
      if (whole) {
        yield whole;
        continue;
      }
      let t = early.get(id);
      if (t) early.delete(id);
      while (!t) {
        const next = rows.next();
        if (next.done) throw new SnapshotRowMissing(`the stored touch ${id} of the last plan of ${snapshot.plan_window} is missing: run touchbase plan again, which plans anew`);
        if (next.value.id === id) t = next.value;
        else if (planned.has(next.value.id) && !apart.has(next.value.id)) early.set(next.value.id, next.value);
      }
      yield t;
    }
  } finally {
    rows.return();
  }
}
