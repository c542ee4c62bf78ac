import type { DB } from './database.ts';
import type { TouchRow } from './schema.ts';

/**
 * The touches whose events belong in calendars now: open and done touches dated in the
 * window, and those dated after it that already have a live event (an employee moved it
 * beyond the horizon, or snoozed it): they stay where they are rather than vanish.
 */
export async function syncedTouches(db: DB, window: { from: string; to: string }, employee?: string): Promise<TouchRow[]> {
  let inWindow = db.selectFrom('touches').selectAll().where('status', 'in', ['planned', 'done'])
    .where('date', '>=', window.from).where('date', '<=', window.to);
  if (employee) inWindow = inWindow.where('employee_id', '=', employee);
  let later = db.selectFrom('touches').selectAll().where('status', 'in', ['planned', 'done']).where('date', '>', window.to)
    .where((eb) => eb.exists(eb.selectFrom('calendar_sync').select('calendar_sync.touch_id')
      .whereRef('calendar_sync.touch_id', '=', 'touches.id').whereRef('calendar_sync.employee_id', '=', 'touches.employee_id')
      .where('calendar_sync.remote', '=', 'present').where('calendar_sync.desired', '=', 'present')));
  if (employee) later = later.where('employee_id', '=', employee);
  return [...await inWindow.execute(), ...await later.execute()];
}

/** One touch by id. */
export async function touchById(db: DB, id: string): Promise<TouchRow | undefined> {
  return db.selectFrom('touches').selectAll().where('id', '=', id).executeTakeFirst();
}
