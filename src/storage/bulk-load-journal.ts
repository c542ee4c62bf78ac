import type SQLite from 'better-sqlite3';

/**
 * A table loaded from empty (a first plan: hundreds of thousands of touches) is written with
 * SQLite's rollback journal instead of the write-ahead log when this connection is the
 * database's only one. In WAL mode every page of such a transaction is written twice (into the
 * log, then by the checkpoint into the file) and every page read back while the indexes are
 * built is looked up in the log's index: by script, the 50,000-client company's 800,000 touches
 * in 12.8 s against 7.1 s, the 10,000-client year's 364,000 in 4.3 against 3.1 s — the gap grows
 * with the table. With the rollback journal, pages past the file's end need no journal at all;
 * a crash before the commit leaves a journal that the next opening rolls back, so the table is
 * empty again, as with the log.
 *
 * Only alone: leaving WAL mode needs every other connection closed (a daemon keeps one open, so
 * its job processes stay on the log), and readers that open meanwhile wait for the commit
 * instead of reading beside it. The next opening of the database sets WAL again if this process
 * ends before it does.
 */

/** From how many rows a load into an empty table is a bulk load (a first plan also builds its indexes after the rows). */
export const BULK_LOAD_ROWS = 10_000;

/** Whether a table has no row (asked before a bulk transaction: a first plan loads it from empty). */
export function tableIsEmpty(sqlite: SQLite.Database, table: 'touches'): boolean {
  return sqlite.prepare(`select 1 from ${table} limit 1`).get() === undefined;
}

/** Switches to the rollback journal if this connection is alone on a database in WAL mode; returns whether it did. */
export function enterBulkLoadJournal(sqlite: SQLite.Database): boolean {
  if (sqlite.inTransaction || sqlite.pragma('journal_mode', { simple: true }) !== 'wal') return false;
  const timeout = sqlite.pragma('busy_timeout', { simple: true }) as number;
  // Another connection shows as SQLITE_BUSY at once: no wait for it, the log is used instead.
  sqlite.pragma('busy_timeout = 0');
  try {
    if (sqlite.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return false;
    throw error;
  } finally {
    sqlite.pragma(`busy_timeout = ${timeout}`);
  }
  // The rollback journal's safe setting against a power cut (NORMAL is safe only with the log).
  sqlite.pragma('synchronous = FULL');
  return true;
}

/** Back to the write-ahead log after enterBulkLoadJournal; if a reader holds the file past the busy timeout, the next opening does it. */
export function leaveBulkLoadJournal(sqlite: SQLite.Database): void {
  try {
    if (sqlite.pragma('journal_mode = WAL', { simple: true }) !== 'wal') return;
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    return;
  }
  sqlite.pragma('synchronous = NORMAL');
}
