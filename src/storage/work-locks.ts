import { sql } from 'kysely';
import type { DB } from './database.ts';
import { dialectOf } from './dialect.ts';
import { inTransaction } from './transactions.ts';
import { holdCheckedOut, poolOf } from './postgres/open-postgres.ts';

/** Advisory lock keys (the first 8 bytes of sha1 of 'touchbase plan', 'touchbase dashboard' and 'touchbase history'). */
const PLAN_KEY = '4409151238437012373';
const DASHBOARD_KEY = '1981626305924357321';
const HISTORY_KEY = '5316719837212462107';

/**
 * History lines are numbered from a sequence when inserted, but seen when their transaction
 * commits: on PostgreSQL a long transaction (a plan's save, the daily checks) holds numbers
 * 100–5000 while a link's ✓ takes 5001 and commits first. A pass that took 5001 as the point its
 * successor starts from would never see 100–5000. So every transaction that writes history holds
 * this lock shared (writers do not wait for each other), and the point is read holding it
 * exclusively: once every transaction numbering lines now has committed. (SQLite has one writer.)
 */
export async function holdHistoryForAppend(trx: DB): Promise<void> {
  if (dialectOf(trx) === 'postgres') await sql`select pg_advisory_xact_lock_shared(${HISTORY_KEY}::bigint)`.execute(trx);
}

/**
 * The last line's number once no transaction still writes lines numbered below it (see
 * holdHistoryForAppend). Asked for without queueing: a waiting exclusive request would make every
 * new writer (a link pressed) wait behind it, and one that already holds a row another writer
 * needs would close a circle. So it is tried every 50 ms, for up to a minute; undefined when
 * the writers never paused that long.
 */
export async function settledHistoryPoint(db: DB, read: (db: DB) => Promise<number>, patienceMs = 60_000): Promise<number | undefined> {
  if (dialectOf(db) !== 'postgres') return read(db);
  const attempt = async (trx: DB) => {
    const { rows } = await sql<{ held: number }>`select pg_try_advisory_xact_lock(${HISTORY_KEY}::bigint)::int as held`.execute(trx);
    return Number(rows[0]?.held) === 1 ? read(trx) : undefined;
  };
  for (const deadline = Date.now() + patienceMs; ;) {
    const point = await inTransaction(db, attempt);
    if (point !== undefined) return point;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Runs `work` (read the history, plan, save) while no other process plans into this database.
 * Daemons sharing a PostgreSQL database each run their own jobs: two plans at once (one's sync,
 * the other's daily checks, both at their first start) read the same history and inserted the
 * same new touches, and the second failed on the touches' key. The second now waits, then finds
 * the first's plan saved.
 */
export function withPlanLock<T>(db: DB, work: () => Promise<T>): Promise<T> {
  return withAdvisoryLock(db, PLAN_KEY, work);
}

/** Runs a refresh of the dashboard's snapshot while no other process refreshes it (two at once collided on its keys). */
export function withDashboardLock<T>(db: DB, work: () => Promise<T>): Promise<T> {
  return withAdvisoryLock(db, DASHBOARD_KEY, work);
}

/**
 * A session advisory lock on a connection of its own, held while `work` runs: the server drops it
 * if the process dies. SQLite has one writer (and one daemon) already.
 */
async function withAdvisoryLock<T>(db: DB, key: string, work: () => Promise<T>): Promise<T> {
  if (dialectOf(db) !== 'postgres') return work();
  let pool;
  try {
    pool = poolOf(db).pool;
  } catch {
    // A transaction of the database, not the database: its caller holds what it needs.
    return work();
  }
  const client = await pool.connect();
  // Its session ended meanwhile (a server restart), the lock went with it: the work's own queries
  // fail too, and are its errors; the connection's is heard, never a crash (holdCheckedOut).
  const held = holdCheckedOut(client);
  try {
    await client.query('select pg_advisory_lock($1::bigint)', [key]);
    try {
      return await work();
    } finally {
      await client.query('select pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
    }
  } finally {
    held.release();
  }
}
