import { sql } from 'kysely';
import type { DB } from './database.ts';
import type { TouchRow } from './schema.ts';

/** What `/readyz` and `/metrics` read: whether the database answers, and counts of touches at scrape time. */

/** Whether the database answers a query at all (throws its error when it does not). */
export async function pingDatabase(db: DB): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Touches recorded, by status (every status present, 0 when none). */
export async function touchCountsByStatus(db: DB): Promise<Record<TouchRow['status'], number>> {
  const rows = await db.selectFrom('touches').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  const count = (status: TouchRow['status']) => Number(rows.find((r) => r.status === status)?.n ?? 0);
  return { planned: count('planned'), done: count('done'), skipped: count('skipped'), cancelled: count('cancelled') };
}

/** Open touches due on a day. */
export async function openTouchesOn(db: DB, date: string): Promise<number> {
  const r = await db.selectFrom('touches').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'planned').where('date', '=', date).executeTakeFirst();
  return Number(r?.n ?? 0);
}

/**
 * Open touches overdue: dated before `dueBefore` (overdue.after days before today), or moved
 * forward as overdue (as `touchbase report overdue` counts them).
 */
export async function overdueTouchCount(db: DB, dueBefore: string): Promise<number> {
  const r = await db.selectFrom('touches').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'planned')
    .where((eb) => eb.or([eb('overdue_from', 'is not', null), eb('date', '<', dueBefore)])).executeTakeFirst();
  return Number(r?.n ?? 0);
}
