import { sql } from 'kysely';
import type { DB } from './database.ts';
import type { TouchRow } from './schema.ts';
import { appendHistory } from './touch-history.ts';
import { DELETED_IN_CALENDAR, inTransaction } from './touch-outcomes.ts';
import { workflowTouchRows } from './touch-repository.ts';
import { PLANNER_SOURCE } from './plan-save-rules.ts';

/**
 * The employee moved the touch's event in their calendar (or snoozed it by link): the touch
 * takes that time, keeps it on every re-plan, and the history says the employee moved it.
 */
export async function rescheduleByUser(
  db: DB, touchId: string, to: { date: string; start: string; end: string }, nowIso: string, detail = 'moved in the calendar by the employee',
  /**
   * A snooze moves only an open touch, and only from where the snooze was worked out from
   * (`from`); a move read from the calendar moves a done one too.
   */
  snooze?: { readonly from: Pick<TouchRow, 'date' | 'start_at'> },
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const row = await trx.selectFrom('touches').select(['date', 'start_at', 'employee_id', 'status']).where('id', '=', touchId).executeTakeFirst();
    // A done touch moved too: the employee may move the event, then mark it done before the next
    // sync reads the move; its ✓ is then written at their time, not back at the plan's.
    if (!row || (row.status !== 'planned' && (snooze || row.status !== 'done')) || (row.date === to.date && row.start_at === to.start)) return false;
    if (snooze && (row.date !== snooze.from.date || row.start_at !== snooze.from.start_at)) return false;
    // As read: a done or a move committed meanwhile by another connection is not overwritten.
    const [moved] = await trx.updateTable('touches').set({ date: to.date, start_at: to.start, end_at: to.end, moved_by_user: 1, updated_at: nowIso })
      .where('id', '=', touchId).where('status', '=', row.status).where('date', '=', row.date).where('start_at', '=', row.start_at).execute();
    if (Number(moved?.numUpdatedRows ?? 0) === 0) return false;
    await appendHistory(trx, [{ touch_id: touchId, type: 'rescheduled', at: nowIso, employee_id: row.employee_id, from_date: row.date, to_date: to.date, detail, cause: 'employee' }]);
    return true;
  });
}

/**
 * The daily check moves an overdue touch forward (to the next working day): the plan keeps the
 * new day, `overdue_from` keeps the day it was first due, and the history says the check moved it
 * — and, when it goes to a leaver's successor, that the handover gave it to them. Undefined
 * (nothing written) when the touch is no longer as the check read it.
 */
export async function moveOverdue(
  db: DB, touch: Pick<TouchRow, 'id' | 'date' | 'start_at' | 'employee_id' | 'overdue_from'>, to: { date: string; start: string; end: string; employee: string }, nowIso: string,
): Promise<string | undefined> {
  const overdueFrom = touch.overdue_from ?? touch.date;
  return inTransaction(db, async (trx) => {
    // Only as the check read it: a touch marked done, skipped or snoozed since (a link pressed
    // while the check ran, `touchbase done` from another process) is theirs, not overdue.
    const [moved] = await trx.updateTable('touches').set({ date: to.date, start_at: to.start, end_at: to.end, employee_id: to.employee, overdue_from: overdueFrom, updated_at: nowIso })
      .where('id', '=', touch.id).where('status', '=', 'planned').where('date', '=', touch.date).where('start_at', '=', touch.start_at)
      .where('employee_id', '=', touch.employee_id).execute();
    if (Number(moved?.numUpdatedRows ?? 0) === 0) return undefined;
    await appendHistory(trx, [
      ...(to.employee === touch.employee_id ? [] : [{
        touch_id: touch.id, type: 'reassigned' as const, at: nowIso, employee_id: to.employee, from_date: touch.date, to_date: touch.date,
        detail: `from ${touch.employee_id}`, cause: 'handover' as const,
      }]),
      {
        touch_id: touch.id, type: 'rescheduled', at: nowIso, employee_id: to.employee, from_date: touch.date, to_date: to.date,
        detail: `overdue since ${overdueFrom}: moved to the next working day`, cause: 'overdue',
      },
    ]);
    return overdueFrom;
  });
}

/**
 * Undoes a done or skipped outcome (a click undone from the one-click page, the person's own
 * decision): the touch is planned again, its resolution cleared, and the history says so
 * ("restored", with `detail`). Refused (false) unless the touch still has the status `was` —
 * the plan or another command may have changed it since.
 */
export async function reopenTouch(db: DB, touchId: string, was: 'done' | 'skipped', nowIso: string, detail: string): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const row = await trx.selectFrom('touches').select(['status', 'date', 'employee_id']).where('id', '=', touchId).executeTakeFirst();
    if (!row || row.status !== was) return false;
    await trx.updateTable('touches').set({ status: 'planned', resolved_at: null, resolved_date: null, resolved_by: null, note: null, updated_at: nowIso })
      .where('id', '=', touchId).where('status', '=', was).execute();
    await appendHistory(trx, [{ touch_id: touchId, type: 'restored', at: nowIso, employee_id: row.employee_id, from_date: row.date, to_date: row.date, detail, cause: 'employee' }]);
    if (was === 'done') await reopenClosedBy(trx, touchId, nowIso);
    return true;
  });
}

/**
 * The employee restored an event they had deleted (from Google's trash, Outlook's Deleted Items;
 * a successful read shows it live again): the skip that deletion made is undone, the touch
 * planned again. A touch skipped otherwise, or since done or cancelled, keeps its outcome.
 */
export async function reopenRestoredInCalendar(db: DB, touchId: string, employeeId: string, nowIso: string): Promise<boolean> {
  const row = await db.selectFrom('touches').select(['status', 'note', 'resolved_by']).where('id', '=', touchId).executeTakeFirst();
  if (row?.status !== 'skipped' || row.note !== DELETED_IN_CALENDAR || row.resolved_by !== employeeId) return false;
  return reopenTouch(db, touchId, 'skipped', nowIso, 'restored in the calendar by the employee');
}

/**
 * The earlier touches a done touch closed as missed (superseded-touches.ts: "closed as missed: …
 * (<its short id>) was done on …"), open again when that done is undone: its reason is gone, and
 * left closed they would be lost. Only those still as the closing left them (skipped by nobody).
 */
async function reopenClosedBy(db: DB, touchId: string, nowIso: string): Promise<void> {
  const closedBy = await db.selectFrom('touch_events').innerJoin('touches', 'touches.id', 'touch_events.touch_id').select('touches.id')
    .where('touch_events.type', '=', 'skipped').where('touch_events.cause', '=', 'overdue')
    .where('touch_events.detail', 'like', `closed as missed: % (${touchId.slice(0, 8)}) was done on %`)
    .where('touches.status', '=', 'skipped').where('touches.resolved_by', 'is', null).execute();
  for (const { id } of closedBy) await reopenTouch(db, id, 'skipped', nowIso, REOPENED_UNDONE);
}

/** The history line of a touch reopened because the done that closed it as missed was undone. */
export const REOPENED_UNDONE = 'reopened: the later touch that closed it as missed was undone';

/**
 * The open touches the workflows made (events, silence alerts, escalations, digests) that these
 * employees (or anyone) hold on or after `from`: the planner re-plans its own touches at each
 * plan, not these.
 */
export async function openWorkflowTouchesOf(db: DB, employees: readonly string[] | 'anyone', from: string): Promise<TouchRow[]> {
  if (employees.length === 0) return [];
  let query = workflowTouchRows(db, { from, to: '9999-12-31' }).where('status', '=', 'planned');
  if (employees !== 'anyone') query = query.where('employee_id', 'in', employees);
  const rows = await query.execute();
  // (The query's condition also takes the planner's overdue touches: the plan gives those to the successor itself.)
  return rows.filter((r) => !PLANNER_SOURCE.test(r.source));
}

/**
 * Open touches change hands: a workflow's touch to a leaver's successor (cause `handover`), or
 * one of an employee gone from the configuration to whoever holds that role for its client now
 * (cause `plan`), each at the day and time worked out for its new holder; the history says so.
 * Only as read (a touch done, moved or given away meanwhile is left alone); returns how many
 * changed hands.
 */
export async function handOverTouches(
  db: DB,
  moves: readonly {
    touch: Pick<TouchRow, 'id' | 'date' | 'start_at' | 'employee_id'>; to: { employee: string; date: string; start: string; end: string };
    cause?: 'handover' | 'plan'; detail?: string;
  }[],
  nowIso: string,
): Promise<number> {
  if (moves.length === 0) return 0;
  return inTransaction(db, async (trx) => {
    let moved = 0;
    for (const { touch, to, cause = 'handover', detail = `from ${touch.employee_id}` } of moves) {
      const [changed] = await trx.updateTable('touches').set({ employee_id: to.employee, date: to.date, start_at: to.start, end_at: to.end, updated_at: nowIso })
        .where('id', '=', touch.id).where('status', '=', 'planned').where('date', '=', touch.date).where('start_at', '=', touch.start_at)
        .where('employee_id', '=', touch.employee_id).execute();
      if (Number(changed?.numUpdatedRows ?? 0) === 0) continue;
      await appendHistory(trx, [{
        touch_id: touch.id, type: 'reassigned', at: nowIso, employee_id: to.employee, from_date: touch.date, to_date: to.date, detail, cause,
      }]);
      moved++;
    }
    return moved;
  });
}

/**
 * Everyone who holds a touch, whatever its state: one seek of the employee index per holder (a
 * loose index scan; a DISTINCT read the whole index on PostgreSQL, which has no skip scan).
 */
export async function employeesWithTouches(db: DB): Promise<string[]> {
  const rows = await sql<{ id: string | null }>`with recursive holders(id) as (
      select min(employee_id) from touches
      union all
      select (select min(employee_id) from touches where employee_id > holders.id) from holders where holders.id is not null
    ) select id from holders where id is not null`.execute(db);
  return rows.rows.map((r) => r.id!);
}

/** The open touches these employees hold, on any day. */
export async function openTouchesOf(db: DB, employees: readonly string[]): Promise<TouchRow[]> {
  if (employees.length === 0) return [];
  return db.selectFrom('touches').selectAll().where('employee_id', 'in', employees).where('status', '=', 'planned').execute();
}
