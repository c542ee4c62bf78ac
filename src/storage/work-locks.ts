import type { DB } from './database.ts';
import { dialectOf } from './dialect.ts';
import { poolOf } from './postgres/open-postgres.ts';

/** Advisory lock keys (the first 8 bytes of sha1 of 'touchbase plan' and 'touchbase dashboard'). */
const PLAN_KEY = '4409151238437012373';
const DASHBOARD_KEY = '1981626305924357321';

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
  try {
    await client.query('select pg_advisory_lock($1::bigint)', [key]);
    try {
      return await work();
    } finally {
      await client.query('select pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}
