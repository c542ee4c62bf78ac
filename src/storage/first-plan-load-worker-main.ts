// The thread that loads a first plan into an empty touches table, on a connection of its own,
// while the thread that planned writes the plan out (first-plan-loader.ts says why and how).
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { tableIsEmpty } from './bulk-load-journal.ts';
import { forgetPlanSnapshots, snapshotIdsWriter, touchesFingerprint, writePlanSnapshot, type SnapshotContent } from './plan-snapshot-rows.ts';
import { BULK_BUILD_CACHE_KIB, dropTouchIndexes, INSERTED_VALUES, remakeTouchIndexes, ROWS_A_STATEMENT, touchLoader } from './touch-rows-written.ts';

export interface LoadStart {
  readonly file: string;
  readonly nowIso: string;
  /** The plan's snapshot to keep: the touches' fingerprint when its history was read (kept only if it still is) and its window. */
  readonly snapshot: { readonly readAt: string; readonly window: string } | undefined;
}

/**
 * To the thread: rows (the last batch says so), then the end with the snapshot to keep, or an abort. Of each row's values
 * (INSERTED_VALUES, in order), its own come one after the other in `own`, and the shared ones as
 * indexes into `values` in `cells` (first-plan-loader.ts encodeRows).
 */
export type LoadMessage =
  | { readonly type: 'rows'; readonly rows: number; readonly own: readonly unknown[]; readonly values: readonly unknown[]; readonly cells: Uint32Array; readonly last: boolean }
  | { readonly type: 'end'; readonly snapshot: SnapshotContent | undefined }
  | { readonly type: 'abort' };

/** From the thread: the table was found empty or not (not: nothing done), each batch taken, the commit, or the failure (rolled back). */
export type LoadAnswer =
  | { readonly type: 'begun'; readonly empty: boolean }
  | { readonly type: 'took' }
  | { readonly type: 'done' }
  | { readonly type: 'failed'; readonly message: string; readonly code: string | undefined };

const { file, nowIso, snapshot } = workerData as LoadStart;
const port = parentPort!;
/** Whether each of a row's values comes among its own or from the dictionary. */
const IS_OWN = INSERTED_VALUES.map((v) => v.own);
const answer = (a: LoadAnswer) => port.postMessage(a);

let sqlite: SQLite.Database | undefined;
let load: ReturnType<typeof touchLoader> | undefined;
let rebuild: string[] = [];
/** Whether the last rows were taken and the indexes made again: what is left is the snapshot and the commit. */
let built = false;
/** Writes the snapshot's ids, in the plan's order, as the rows are taken (when it is to be kept). */
let writeIds: ((ids: readonly string[]) => void) | undefined;

/** Rolls back what is not committed and ends: the connection closed, the port too (the thread then ends). */
function finish(): void {
  try {
    if (sqlite?.inTransaction) sqlite.exec('rollback');
  } catch {
    // Closing rolls back as well.
  }
  sqlite?.close();
  sqlite = undefined;
  port.close();
}

function fail(error: unknown): void {
  const e = error as { message?: string; code?: string };
  answer({ type: 'failed', message: e.message ?? String(error), code: e.code });
  finish();
}

try {
  sqlite = new SQLite(file, { fileMustExist: true });
  // Foreign keys off: this connection writes only touches (the history's parent) and the plan's
  // snapshot, never a row that refers to another, and with them on SQLite checks the history's key
  // to the touches, whose index is dropped during the load (touch-rows-written.ts ROWS_A_STATEMENT).
  // The busy timeout as every connection of the program (database.ts), and the rollback journal's
  // safe setting against a power cut when the loader switched to it (bulk-load-journal.ts).
  sqlite.pragma('foreign_keys = OFF');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(sqlite.pragma('journal_mode', { simple: true }) === 'wal' ? 'synchronous = NORMAL' : 'synchronous = FULL');
  sqlite.exec('begin immediate');
  if (!tableIsEmpty(sqlite, 'touches')) {
    answer({ type: 'begun', empty: false });
    finish();
  } else {
    // A snapshot of this plan holds only if nobody wrote touches since its history was read.
    if (snapshot && touchesFingerprint(sqlite) === snapshot.readAt) writeIds = snapshotIdsWriter(sqlite, snapshot.window);
    // The plan writes touches: every snapshot of a window goes (this one's is written as it loads).
    forgetPlanSnapshots(sqlite);
    sqlite.pragma(`cache_size = -${BULK_BUILD_CACHE_KIB}`);
    rebuild = dropTouchIndexes(sqlite);
    load = touchLoader(sqlite, nowIso, ROWS_A_STATEMENT);
    answer({ type: 'begun', empty: true });
  }
} catch (error) {
  fail(error);
}

function build(rows: NonNullable<typeof load>): void {
  if (built || !sqlite) return;
  rows.finish();
  remakeTouchIndexes(sqlite, rebuild);
  built = true;
}

port.on('message', (m: LoadMessage) => {
  if (!sqlite || !load) return;
  try {
    if (m.type === 'rows') {
      const { own, values, cells } = m;
      // One array for every row (the loader copies it).
      const row: unknown[] = INSERTED_VALUES.map(() => null);
      const ids: string[] = [];
      let o = 0;
      let c = 0;
      for (let r = 0; r < m.rows; r++) {
        for (let k = 0; k < IS_OWN.length; k++) row[k] = IS_OWN[k] ? own[o++] : values[cells[c++]!];
        ids.push(row[0] as string);
        load.add(row);
      }
      writeIds?.(ids);
      answer({ type: 'took' });
      // The indexes are built as soon as the last rows are in, not when the end comes: the thread
      // that sends it is busy with the output and would answer only between two of its chunks.
      if (m.last) build(load);
    } else if (m.type === 'end') {
      build(load);
      if (m.snapshot && snapshot && writeIds) writePlanSnapshot(sqlite, snapshot.window, m.snapshot);
      sqlite.exec('commit');
      answer({ type: 'done' });
      finish();
    } else {
      finish();
    }
  } catch (error) {
    fail(error);
  }
});
