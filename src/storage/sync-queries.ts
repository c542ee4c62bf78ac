import type { DB } from './database.ts';
import type { TouchRow } from './schema.ts';

/**
 * The touches whose events belong in calendars now: open and done touches dated in the
 * window, and those dated after it that their employee moved there (in the calendar, or
 * snoozed): they stay where they were put rather than vanish.
 */
export async function syncedTouches(db: DB, window: { from: string; to: string }, employee?: string): Promise<TouchRow[]> {
  let q = db.selectFrom('touches').selectAll().where('status', 'in', ['planned', 'done']).where('date', '>=', window.from)
    .where((eb) => eb.or([eb('date', '<=', window.to), eb('moved_by_user', '=', 1)]));
  if (employee) q = q.where('employee_id', '=', employee);
  return q.execute();
}

/** Touches by id (the members of a calendar entry). */
export async function touchesByIds(db: DB, ids: readonly string[]): Promise<TouchRow[]> {
  return ids.length ? db.selectFrom('touches').selectAll().where('id', 'in', [...ids]).execute() : [];
}

/** One touch by id. */
export async function touchById(db: DB, id: string): Promise<TouchRow | undefined> {
  return db.selectFrom('touches').selectAll().where('id', '=', id).executeTakeFirst();
}
