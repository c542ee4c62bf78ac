import type SQLite from 'better-sqlite3';

/**
 * The rows of plan snapshots (plan-snapshots.ts), written in a save's transaction: statements on
 * a connection of its own, with nothing else imported, for the thread that loads a first plan
 * (first-plan-load-worker-main.ts) as well as for savePlan.
 */

export interface PlanSnapshotRow {
  readonly plan_window: string;
  readonly basis: string;
  /** JSON: the touches of the plan that their stored rows do not reproduce, whole. */
  readonly apart: string;
  /** JSON: the plan's warnings. */
  readonly warnings: string;
  readonly first_date: string;
  readonly last_date: string;
}

/** A snapshot's row but for its window (the request's). */
export type SnapshotContent = Omit<PlanSnapshotRow, 'plan_window'>;

/** What savePlan needs to record a snapshot in the transaction that saves the plan. */
export interface SnapshotRequest {
  /** The touches' fingerprint when the plan's history was read: a write by anyone since, and no snapshot is kept. */
  readonly readAt: string;
  /** The window's key (plan_window). */
  readonly window: string;
  /**
   * The row to keep, given the touches their rows do not reproduce; the save adds the touches'
   * ids in the plan's order (snapshotIdsWriter) and completes the basis with the fingerprint
   * after it (writePlanSnapshot).
   */
  readonly make: (apart: ReadonlySet<string>) => SnapshotContent;
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
 * The local value (local_secrets) that counts the plan saves that changed touches. A save may
 * rewrite touches without a row or a history line (a new title, a window moved): the touches'
 * fingerprint with this count says whether anything changed (dashboard-snapshot.ts touchesStamp),
 * without reading every row for the newest update.
 */
export const TOUCHES_SAVES = 'touches.saves';

/** Counts a plan save that changed touches, in the save's transaction (TOUCHES_SAVES). */
export function countTouchesSave(sqlite: SQLite.Database): void {
  sqlite.prepare("insert into local_secrets (name, value) values (?, '1') on conflict (name) do update set value = cast(cast(value as integer) + 1 as text)").run(TOUCHES_SAVES);
}

/**
 * Keeps `row` as the snapshot of its window, its basis completed by the touches' fingerprint now
 * (in the caller's transaction, after its writes): the window's ids are written before it, part
 * by part (snapshotIdsWriter), after forgetPlanSnapshot(s).
 */
export function writePlanSnapshot(sqlite: SQLite.Database, window: string, row: SnapshotContent): void {
  sqlite.prepare('insert into plan_snapshots (plan_window, basis, apart, warnings, first_date, last_date) values (?, ?, ?, ?, ?, ?)')
    .run(window, `${row.basis}|${touchesFingerprint(sqlite)}`, row.apart, row.warnings, row.first_date, row.last_date);
}

/** Touches per part of a snapshot's ids: a few hundred kilobytes a value. */
export const SNAPSHOT_IDS_PART = 4000;

/** Writes the touch ids of a window's snapshot, in the plan's order, a part of SNAPSHOT_IDS_PART or fewer at a time. */
export function snapshotIdsWriter(sqlite: SQLite.Database, window: string): (ids: readonly string[]) => void {
  const insert = sqlite.prepare('insert into plan_snapshot_ids (plan_window, part, ids) values (?, ?, ?)');
  let part = 0;
  return (ids) => {
    for (let i = 0; i < ids.length; i += SNAPSHOT_IDS_PART) insert.run(window, part++, ids.slice(i, i + SNAPSHOT_IDS_PART).join('\n'));
  };
}

/** Forgets every window's snapshot: a save changed touches they were made from. */
export function forgetPlanSnapshots(sqlite: SQLite.Database): void {
  sqlite.prepare('delete from plan_snapshots').run();
  sqlite.prepare('delete from plan_snapshot_ids').run();
}

/** Keeps a window's snapshot, as snapshotIdsWriter and writePlanSnapshot do, in place of the one it had. */
export function keepPlanSnapshot(sqlite: SQLite.Database, window: string, row: SnapshotContent, ids: readonly string[]): void {
  forgetWindowSnapshot(sqlite, window);
  snapshotIdsWriter(sqlite, window)(ids);
  writePlanSnapshot(sqlite, window, row);
}

/** Forgets the snapshot of one window (before one is written again). */
export function forgetWindowSnapshot(sqlite: SQLite.Database, window: string): void {
  sqlite.prepare('delete from plan_snapshots where plan_window = ?').run(window);
  sqlite.prepare('delete from plan_snapshot_ids where plan_window = ?').run(window);
}
