import { withRawReads, type DB } from './database.ts';
import { dialectOf } from './dialect.ts';
import type { TouchRow } from './schema.ts';

/**
 * What a calendar event is made from (sync/calendar-entries.ts, sync/desired-events.ts): a sync
 * reads every open touch of the horizon, 800,000 rows at 50,000 clients, and the columns it
 * does not need (series, when it was made and updated, moved or resolved) were a fifth of them.
 */
export const SYNCED_COLUMNS = [
  'id', 'source', 'kind', 'client_id', 'contact_ids', 'employee_id', 'date', 'start_at', 'end_at', 'all_day', 'title',
  'window_from', 'window_to', 'remind', 'status', 'resolved_date', 'resolved_by', 'note', 'overdue_from', 'body',
] as const;
export type SyncedTouch = Pick<TouchRow, typeof SYNCED_COLUMNS[number]>;

/**
 * The touches whose events belong in calendars now: open and done touches dated in the
 * window, and those dated after it that their employee moved there (in the calendar, or
 * snoozed): they stay where they were put rather than vanish.
 */
export async function syncedTouches(db: DB, window: { from: string; to: string }, employee?: string): Promise<SyncedTouch[]> {
  if (dialectOf(db) === 'sqlite') {
    return withRawReads(db, (sqlite) => {
      const rows = sqlite.prepare(`select ${SYNCED_COLUMNS.join(', ')} from touches where status in ('planned', 'done') and date >= ?
        and (date <= ? or moved_by_user = 1)${employee ? ' and employee_id = ?' : ''}`).raw().all(window.from, window.to, ...employee ? [employee] : []);
      return (rows as SyncedValues[]).map(syncedTouch);
    });
  }
  let q = db.selectFrom('touches').select(SYNCED_COLUMNS).where('status', 'in', ['planned', 'done']).where('date', '>=', window.from)
    .where((eb) => eb.or([eb('date', '<=', window.to), eb('moved_by_user', '=', 1)]));
  if (employee) q = q.where('employee_id', '=', employee);
  return q.execute();
}

type SyncedColumns = typeof SYNCED_COLUMNS;
type SyncedValues = { -readonly [K in keyof SyncedColumns]: SyncedColumns[K] extends keyof SyncedTouch ? SyncedTouch[SyncedColumns[K]] : never };

/**
 * A row of SYNCED_COLUMNS as a SyncedTouch made by one object literal: better-sqlite3 makes its
 * row objects of twenty columns with their properties in a dictionary (V8's slow mode), bigger
 * and slower to read at every use; read as arrays and made here, 800,000 touches of a
 * 50,000-client sync were read in 3.7 s against 6.0 s, and every later read of a field is the
 * fast one. (The order is SYNCED_COLUMNS'; a test compares the two.)
 */
export function syncedTouch(r: SyncedValues): SyncedTouch {
  return {
    id: r[0], source: r[1], kind: r[2], client_id: r[3], contact_ids: r[4], employee_id: r[5], date: r[6], start_at: r[7], end_at: r[8],
    all_day: r[9], title: r[10], window_from: r[11], window_to: r[12], remind: r[13], status: r[14], resolved_date: r[15],
    resolved_by: r[16], note: r[17], overdue_from: r[18], body: r[19],
  };
}

/** Touches by id (the members of a calendar entry, a day's silence alerts): asked in slices, as SQLite takes a bounded number of parameters. */
export async function touchesByIds(db: DB, ids: readonly string[]): Promise<TouchRow[]> {
  const out: TouchRow[] = [];
  for (let i = 0; i < ids.length; i += 500) out.push(...await db.selectFrom('touches').selectAll().where('id', 'in', ids.slice(i, i + 500)).execute());
  return out;
}

/** One touch by id. */
export async function touchById(db: DB, id: string): Promise<TouchRow | undefined> {
  return db.selectFrom('touches').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The clients and employees of touches whose history moved on after a point of the log
 * (outcomes, moves, reassignments, cancellations, workflows' touches): a counter, not a clock,
 * so nothing written in the same millisecond as a pass is missed.
 */
export async function touchesChangedSince(db: DB, seq: number): Promise<{ clients: Set<string>; employees: Set<string> }> {
  const rows = await db.selectFrom('touch_events').innerJoin('touches', 'touches.id', 'touch_events.touch_id')
    .select(['touches.client_id', 'touches.employee_id', 'touch_events.employee_id as event_employee']).distinct().where('touch_events.seq', '>', seq).execute();
  return {
    clients: new Set(rows.map((r) => r.client_id)),
    // A reassignment concerns both calendars: the one it left and the one it joined.
    employees: new Set(rows.flatMap((r) => [r.employee_id, ...(r.event_employee ? [r.event_employee] : [])])),
  };
}

/** The clients with a touch done or skipped after history point `seq` (whose alerts may have lost their reason). */
export async function clientsResolvedSince(db: DB, seq: number): Promise<string[]> {
  const rows = await db.selectFrom('touch_events').innerJoin('touches', 'touches.id', 'touch_events.touch_id')
    .select('touches.client_id').distinct().where('touch_events.seq', '>', seq).where('touch_events.type', 'in', ['done', 'skipped']).execute();
  return rows.map((r) => r.client_id).sort();
}

/**
 * The people holding open or done touches of some clients: whose calendars a re-plan of those
 * clients can change (asked before and after it, so the calendar a touch left is rewritten too).
 */
export async function employeesHoldingTouchesOf(db: DB, clientIds: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  // In slices: SQLite takes a bounded number of parameters per statement.
  for (let i = 0; i < clientIds.length; i += 500) {
    const rows = await db.selectFrom('touches').select('employee_id').distinct()
      .where('client_id', 'in', clientIds.slice(i, i + 500)).where('status', 'in', ['planned', 'done']).execute();
    for (const r of rows) found.add(r.employee_id);
  }
  return found;
}

/** Where the history log is: a pass keeps it, the next asks what happened after. */
export { historyPoint, passHistoryPoint } from './touch-history.ts';

/** Employees with calendar calls still to make (retries, paused calendars, unresolved writes). */
export async function employeesWithPendingWrites(db: DB): Promise<string[]> {
  return (await db.selectFrom('calendar_sync').select('employee_id').distinct().where('dirty', '=', 1).execute()).map((r) => r.employee_id);
}

/**
 * Employees whose calendar of another provider (Google, Outlook) still should hold events from
 * `from` on: after a switch to the feed, those are to be deleted there.
 */
export async function employeesWithEventsElsewhere(db: DB, provider: string, from: string): Promise<Set<string>> {
  const rows = await db.selectFrom('calendar_sync').select('employee_id').distinct()
    .where('provider', '!=', provider).where('desired', '=', 'present').where('entry_date', '>=', from).execute();
  return new Set(rows.map((r) => r.employee_id));
}

/**
 * What an export of a period (`plan --format ics`) needs from the stored touches beyond what the
 * plan says: the outcome of those done or skipped (who, when, the note), the text a workflow
 * wrote (a silence alert's count of days) and an overdue touch's first day — so that each event
 * is written as its feed holds it. Touches stored as plain planned ones add nothing, and are
 * not read (a year of a large company is hundreds of thousands of them).
 */
export async function storedTouchDetails(db: DB, window: { from: string; to: string }, employee?: string): Promise<Map<string, SyncedTouch>> {
  let q = db.selectFrom('touches').select(SYNCED_COLUMNS).where('date', '>=', window.from).where('date', '<=', window.to)
    .where((eb) => eb.or([eb('status', 'in', ['done', 'skipped']), eb.and([eb('status', '=', 'planned'), eb.or([eb('body', 'is not', null), eb('overdue_from', 'is not', null)])])]));
  if (employee) q = q.where('employee_id', '=', employee);
  return new Map((await q.execute()).map((r) => [r.id, r]));
}
