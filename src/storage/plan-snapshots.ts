import type SQLite from 'better-sqlite3';
import type { Touch } from '../domain/types.ts';
import type { OverdueRule } from '../planner/overdue-rule.ts';
import { withRawReads, type DB } from './database.ts';
import { dialectOf } from './dialect.ts';
import { readStoredJson, readStoredTouches, type TouchJson } from './touch-rows.ts';
import { forgetWindowSnapshot, touchesFingerprint, type PlanSnapshotRow } from './plan-snapshot-rows.ts';

export type { SnapshotRequest } from './plan-snapshot-rows.ts';

/**
 * The last plan of each window, kept so that `plan` run again with nothing changed reads its
 * touches back instead of planning the year again (db/migrations/0010_plan_snapshots.ts, 0014).
 * The plan service decides when a snapshot holds (plan-service.ts); this file reads it, and
 * plan-snapshot-rows.ts writes it in a save's transaction.
 */

/** A window's snapshot's touch ids, in the plan's order. */
function snapshotIds(sqlite: SQLite.Database, window: string): string[] {
  const ids: string[] = [];
  for (const part of sqlite.prepare('select ids from plan_snapshot_ids where plan_window = ? order by part').pluck().iterate(window) as Iterable<string>) {
    if (part !== '') for (const id of part.split('\n')) ids.push(id);
  }
  return ids;
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

/** Forgets the snapshot of one window. */
export async function forgetPlanSnapshot(db: DB, window: string): Promise<void> {
  await withRawReads(db, (sqlite) => sqlite.transaction(() => forgetWindowSnapshot(sqlite, window))());
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
    let touches: Generator<Touch | TouchJson, void, undefined> | undefined;
    try {
      if (touchesFingerprint(sqlite) !== fingerprint) return false;
      // The ids are those of this snapshot: another save may have kept one since it was read.
      const basis = sqlite.prepare('select basis from plan_snapshots where plan_window = ?').pluck().get(snapshot.plan_window);
      if (basis !== snapshot.basis) return false;
      const ids = snapshotIds(sqlite, snapshot.plan_window);
      const planned = new Set(ids);
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
