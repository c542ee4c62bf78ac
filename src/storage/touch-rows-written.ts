import type SQLite from 'better-sqlite3';
import type { Touch } from '../domain/types.ts';
import { listJson } from '../domain/list-json.ts';

/**
 * How a plan's touches become rows of the touches table: the columns, the values, the statement
 * and the indexes of a first plan's load. Shared by savePlan (touch-repository.ts) and the thread
 * that loads a first plan (first-plan-load-worker-main.ts), which imports only what storage it needs.
 */

/** The columns a plan sets on a touch, in order; compared with the stored row to find what changed. */
export const PLANNED_FIELDS = ['employee_id', 'date', 'start_at', 'end_at', 'all_day', 'title', 'contact_ids', 'remind', 'window_from', 'window_to'] as const;
const INSERTED = ['id', 'source', 'series', 'kind', 'client_id', ...PLANNED_FIELDS, 'status', 'created_at', 'updated_at'] as const;

/**
 * The insert of new touches (`rows` a statement): each its identity, plannedValues, then status
 * and the two instants (insertedValues gives the first two parts). Given `madeAt`, the status
 * (planned) and the instants are written in the statement, and each row binds only its own values.
 */
export function prepareTouchInsert(sqlite: SQLite.Database, rows = 1, madeAt?: string): SQLite.Statement {
  const made = madeAt === undefined ? '?, ?, ?' : `'planned', ${sqlText(madeAt)}, ${sqlText(madeAt)}`;
  const values = `(${OWN_COLUMNS.map(() => '?').join(', ')}, ${made})`;
  return sqlite.prepare(`insert into touches (${INSERTED.join(', ')}) values ${Array<string>(rows).fill(values).join(', ')}`);
}

/** The columns of insertedValues (INSERTED without the status and the two instants). */
const OWN_COLUMNS = INSERTED.slice(0, -3);

/** A string as an SQL literal. */
function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * Rows a statement in a load of new touches: a fifth less time a row than one statement each
 * (364,000 rows 2.9 → 2.3 s). Only on a connection with foreign keys off: SQLite then checks the
 * history's key to the touches (touch_events → touches.id), whose index a first plan drops until
 * its rows are in ("foreign key mismatch").
 */
export const ROWS_A_STATEMENT = 16;

/**
 * Inserts new planned touches, made at `nowIso`, `together` to a statement (ROWS_A_STATEMENT, or
 * one): `add` takes a row's insertedValues (copied: the array may be reused), `finish` writes
 * what is left.
 */
export function touchLoader(sqlite: SQLite.Database, nowIso: string, together = 1): { add(values: readonly unknown[]): void; finish(): void } {
  // A load binds only each row's own values (a sixth fewer bindings: the status and the instants are the statement's).
  const many = prepareTouchInsert(sqlite, together, nowIso);
  const one = prepareTouchInsert(sqlite, 1, nowIso);
  const width = OWN_COLUMNS.length;
  const pending: unknown[] = new Array(width * together);
  let rows = 0;
  return {
    add(values) {
      let at = rows * width;
      for (const v of values) pending[at++] = v;
      if (++rows === together) {
        many.run(pending);
        rows = 0;
      }
    },
    finish() {
      for (let r = 0; r < rows; r++) one.run(pending.slice(r * width, (r + 1) * width));
      rows = 0;
    },
  };
}

/**
 * The values of a new touch's row, in the insert's order (before status and the two instants),
 * each with whether it is the touch's own (an id, a title: hardly two touches of a batch share
 * it) or shared by many touches (an employee, a day, a slot): a first plan's thread is handed the
 * shared ones once per batch (first-plan-loader.ts).
 */
export const INSERTED_VALUES: readonly { readonly of: (t: Touch) => unknown; readonly own: boolean }[] = [
  { of: (t) => t.id, own: true },
  { of: (t) => t.source, own: false },
  { of: (t) => t.series, own: true },
  { of: (t) => t.kind, own: false },
  { of: (t) => t.client, own: true },
  // PLANNED_FIELDS from here on.
  { of: (t) => t.employee, own: false },
  { of: (t) => t.date, own: false },
  { of: (t) => t.start, own: false },
  { of: (t) => t.end, own: false },
  { of: (t) => (t.allDay ? 1 : 0), own: false },
  { of: (t) => t.title, own: true },
  { of: (t) => listJson(t.contacts), own: true },
  { of: (t) => listJson(t.remind), own: false },
  { of: (t) => t.window.from, own: false },
  { of: (t) => t.window.to, own: false },
];
const PLANNED_VALUES = INSERTED_VALUES.slice(INSERTED_VALUES.length - PLANNED_FIELDS.length);

/** A new touch's identity and planned fields, as prepareTouchInsert takes them before status and the instants. */
export function insertedValues(t: Touch): unknown[] {
  return INSERTED_VALUES.map((v) => v.of(t));
}

/** The planned fields of a touch as stored (lists as JSON, each distinct list serialised once). */
export function plannedValues(t: Touch): unknown[] {
  return PLANNED_VALUES.map((v) => v.of(t));
}

/**
 * The page cache while a first plan appends its rows and builds the indexes after them (KiB):
 * 8 MB writes and sorts as fast as 32 MB (364,000 and 800,000 rows) and held 30 MB less.
 */
export const BULK_BUILD_CACHE_KIB = 8 * 1024;

/**
 * Drops the touches table's indexes (the id's unique one too, migration 0013) and returns the
 * statements that make them again: into an empty table, the indexes are built once after the
 * rows, from sorted keys, rather than kept up to date row by row on random ids (same transaction).
 * Two kinds stay up:
 * - partial indexes (`… where`): a first plan's rows are planned touches of rules, campaigns and
 *   handovers, which none of them holds, so keeping them up costs a test a row, while making one
 *   again reads the whole table (0.15–0.2 s each for a 10,000-client year);
 * - the index of the day alone (`touches_date`): a plan's rows come in its order, day by day, so
 *   each key goes at the index's end, on a page in the cache (the same time to insert, measured,
 *   and its 0.15–0.2 s of building gone from the end of the load).
 */
export function dropTouchIndexes(sqlite: SQLite.Database): string[] {
  const indexes = (sqlite.prepare("select name, sql from sqlite_master where type = 'index' and tbl_name = 'touches' and sql is not null").raw().all() as [string, string][])
    .filter(([, make]) => !/\swhere\s/i.test(make) && !APPENDED_INDEX.test(make));
  for (const [name] of indexes) sqlite.exec(`drop index "${name.replace(/"/g, '""')}"`);
  return indexes.map(([, make]) => make);
}

/** An index of the touches' day and nothing else (migration 0001's `touches_date`). */
const APPENDED_INDEX = /\(\s*"?date"?\s*\)\s*$/i;

/**
 * Makes the indexes dropTouchIndexes dropped, SQLite's sorter using a helper thread beside this
 * one (its `threads` pragma; 0 by default): 1.4 s against 1.7 s for a 10,000-client year's
 * three, measured, for 0.2 s more of CPU. It is the last of a first plan's load, when the
 * thread that planned has written its output and waits. Set back to none after.
 */
export function remakeTouchIndexes(sqlite: SQLite.Database, statements: readonly string[]): void {
  if (statements.length === 0) return;
  sqlite.pragma('threads = 1');
  try {
    for (const make of statements) sqlite.exec(make);
  } finally {
    sqlite.pragma('threads = 0');
  }
}
