import { DateTime } from 'luxon';
import type { Touch } from '../domain/types.ts';
import type { Pin, Resolution } from '../planner/history.ts';
import { makeHistory, type PlannerHistory } from '../planner/history.ts';
import type { DB } from './database.ts';
import type { TouchRow, TouchEventRow } from './schema.ts';

/** Repositories are plain functions taking the database first (kysely's example style). */

const CHUNK = 500;

export interface SaveSummary {
  inserted: number;
  rescheduled: number;
  reassigned: number;
  updated: number;
  cancelled: number;
  restored: number;
  unchanged: number;
}

/**
 * Upserts a plan by touch id in one transaction. Done and skipped touches are never
 * changed; planned touches of the window that the plan no longer has are cancelled
 * (kept, with an event, never deleted).
 */
export async function savePlan(db: DB, touches: readonly Touch[], window: { from: string; to: string }, nowIso: string, onlyClients?: readonly string[]): Promise<SaveSummary> {
  const summary: SaveSummary = { inserted: 0, rescheduled: 0, reassigned: 0, updated: 0, cancelled: 0, restored: 0, unchanged: 0 };
  await db.transaction().execute(async (trx) => {
    const existing = new Map<string, TouchRow>();
    const ids = touches.map((t) => t.id);
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await trx.selectFrom('touches').selectAll().where('id', 'in', ids.slice(i, i + CHUNK)).execute();
      for (const row of rows) existing.set(row.id, row);
    }
    const events: Omit<TouchEventRow, 'seq'>[] = [];
    const inserts: TouchRow[] = [];
    for (const touch of touches) {
      const row = existing.get(touch.id);
      const next = toRow(touch, row, nowIso);
      if (!row) {
        inserts.push(next);
        events.push(event(touch.id, 'planned', nowIso, touch.employee, null, touch.date));
        summary.inserted++;
        continue;
      }
      if (row.status === 'done' || row.status === 'skipped') {
        summary.unchanged++;
        continue;
      }
      const moved = row.date !== next.date || row.start_at !== next.start_at;
      const reassigned = row.employee_id !== next.employee_id;
      const changed = moved || reassigned || row.title !== next.title || row.end_at !== next.end_at
        || row.contact_ids !== next.contact_ids || row.remind !== next.remind || row.window_from !== next.window_from
        || row.window_to !== next.window_to || row.status === 'cancelled';
      if (!changed) {
        summary.unchanged++;
        continue;
      }
      await trx.updateTable('touches').set({ ...next, created_at: row.created_at }).where('id', '=', touch.id).execute();
      if (row.status === 'cancelled') {
        events.push(event(touch.id, 'restored', nowIso, next.employee_id, row.date, next.date));
        summary.restored++;
      } else if (reassigned) {
        events.push(event(touch.id, 'reassigned', nowIso, next.employee_id, row.date, next.date, `from ${row.employee_id}`));
        summary.reassigned++;
      } else if (moved) {
        events.push(event(touch.id, 'rescheduled', nowIso, next.employee_id, row.date, next.date, 'plan changed'));
        summary.rescheduled++;
      } else summary.updated++;
    }
    for (let i = 0; i < inserts.length; i += CHUNK / 5) {
      await trx.insertInto('touches').values(inserts.slice(i, i + CHUNK / 5)).execute();
    }
    const keep = new Set(ids);
    // Only what this plan could have made: the planner's own sources, in periods that reach into
    // the window. Touches of events, silence and escalations, and overdue touches moved forward
    // from an earlier period, are not the plan's to cancel.
    let staleQuery = trx.selectFrom('touches').select(['id', 'date', 'employee_id'])
      .where('status', '=', 'planned').where('date', '>=', window.from).where('date', '<=', window.to)
      .where('window_to', '>=', window.from).where('overdue_from', 'is', null)
      .where((eb) => eb.or([eb('source', 'like', 'rule:%'), eb('source', 'like', 'campaign:%'), eb('source', 'like', 'handover:%')]));
    if (onlyClients) staleQuery = staleQuery.where('client_id', 'in', onlyClients.length ? onlyClients : ['']);
    const stale = await staleQuery.execute();
    for (const row of stale) {
      if (keep.has(row.id)) continue;
      await trx.updateTable('touches').set({ status: 'cancelled', updated_at: nowIso }).where('id', '=', row.id).execute();
      events.push(event(row.id, 'cancelled', nowIso, row.employee_id, row.date, null, 'no longer in the plan'));
      summary.cancelled++;
    }
    for (let i = 0; i < events.length; i += CHUNK / 5) {
      await trx.insertInto('touch_events').values(events.slice(i, i + CHUNK / 5)).execute();
    }
  });
  return summary;
}

function toRow(t: Touch, prev: TouchRow | undefined, nowIso: string): TouchRow {
  return {
    id: t.id, source: t.source, series: t.series, kind: t.kind, client_id: t.client,
    contact_ids: JSON.stringify(t.contacts), employee_id: t.employee, date: t.date, start_at: t.start, end_at: t.end,
    all_day: t.allDay ? 1 : 0, title: t.title, window_from: t.window.from, window_to: t.window.to,
    remind: JSON.stringify(t.remind), status: 'planned', resolved_at: null, resolved_date: null, resolved_by: null,
    note: null, created_at: prev?.created_at ?? nowIso, updated_at: nowIso,
    // Kept across re-plans: the employee's choice of time is not forgotten by a title change.
    moved_by_user: prev?.moved_by_user ?? 0,
    overdue_from: prev?.overdue_from ?? null,
    body: prev?.body ?? null,
  };
}

function event(touchId: string, type: TouchEventRow['type'], at: string, employee: string | null, fromDate: string | null, toDate: string | null, detail: string | null = null): Omit<TouchEventRow, 'seq'> {
  return { touch_id: touchId, type, at, employee_id: employee, from_date: fromDate, to_date: toDate, detail };
}

/** Everything the planner needs from storage: resolutions and earlier placements. */
export async function loadHistory(db: DB): Promise<PlannerHistory> {
  const rows = await db.selectFrom('touches')
    .select(['id', 'series', 'status', 'date', 'start_at', 'end_at', 'all_day', 'employee_id', 'client_id', 'resolved_date', 'moved_by_user', 'overdue_from']).execute();
  const resolutions: Resolution[] = [];
  const pins = new Map<string, Pin>();
  for (const r of rows) {
    const timed = !r.all_day;
    // Moved by the employee, or moved forward as overdue: the plan keeps that day.
    const fixed = r.moved_by_user === 1 || r.overdue_from !== null;
    pins.set(r.id, timed
      ? { date: r.date, start: r.start_at, startMs: DateTime.fromISO(r.start_at).toMillis(), endMs: DateTime.fromISO(r.end_at).toMillis(), employee: r.employee_id, client: r.client_id, fixed }
      : { date: r.date, start: undefined, employee: r.employee_id, client: r.client_id, fixed });
    if (r.status === 'done' || r.status === 'skipped') {
      resolutions.push({ touchId: r.id, series: r.series, status: r.status, date: r.resolved_date ?? r.date });
    }
  }
  return makeHistory(resolutions, pins);
}

export class TouchNotFoundError extends Error {}
export class TouchStateError extends Error {}

/** A touch by full id or by an unambiguous prefix of at least 6 characters. */
export async function findTouch(db: DB, idOrPrefix: string): Promise<TouchRow> {
  const exact = await db.selectFrom('touches').selectAll().where('id', '=', idOrPrefix).executeTakeFirst();
  if (exact) return exact;
  if (idOrPrefix.length >= 6) {
    const rows = await db.selectFrom('touches').selectAll().where('id', 'like', `${idOrPrefix.replace(/[%_]/g, '')}%`).limit(2).execute();
    if (rows.length === 1) return rows[0]!;
    if (rows.length > 1) throw new TouchNotFoundError(`touch id prefix ${idOrPrefix} matches several touches; give more characters`);
  }
  throw new TouchNotFoundError(`no touch with id ${idOrPrefix} (run "touchbase plan" to record the plan, then use an id it prints)`);
}

export interface Outcome {
  /** ISO instant it happened. */
  readonly at: string;
  /** Local date it counts for (in the employee's zone). */
  readonly date: string;
  readonly by: string | undefined;
  readonly note: string | undefined;
}

/** Records a touch as done. Refuses a touch that is already done, skipped or cancelled. */
export async function markDone(db: DB, id: string, outcome: Outcome): Promise<TouchRow> {
  return resolve(db, id, 'done', outcome);
}

/** Records a touch as skipped, with the reason. */
export async function markSkipped(db: DB, id: string, outcome: Outcome & { note: string }): Promise<TouchRow> {
  return resolve(db, id, 'skipped', outcome);
}

/** Runs `work` in a transaction, or in the caller's when `db` already is one (kysely does not nest them). */
export async function inTransaction<T>(db: DB, work: (trx: DB) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute((trx) => work(trx as unknown as DB));
}

async function resolve(db: DB, idOrPrefix: string, status: 'done' | 'skipped', o: Outcome): Promise<TouchRow> {
  return inTransaction(db, async (trx) => {
    const row = await findTouch(trx, idOrPrefix);
    if (row.status !== 'planned') throw new TouchStateError(`touch ${row.id} is already ${row.status}${row.resolved_at ? ` (${row.resolved_at})` : ''}`);
    const by = o.by ?? row.employee_id;
    await trx.updateTable('touches')
      .set({ status, resolved_at: o.at, resolved_date: status === 'done' ? o.date : row.date, resolved_by: by, note: o.note ?? null, updated_at: o.at })
      .where('id', '=', row.id).where('status', '=', 'planned').execute();
    await trx.insertInto('touch_events').values(event(row.id, status, o.at, by, row.date, o.date, o.note ?? null)).execute();
    return { ...row, status, resolved_at: o.at, resolved_date: o.date, resolved_by: by, note: o.note ?? null };
  });
}

export interface HistoryLine {
  seq: number;
  at: string;
  type: TouchEventRow['type'];
  touchId: string;
  client: string;
  title: string;
  employee: string | null;
  fromDate: string | null;
  toDate: string | null;
  detail: string | null;
}

/** The event log, oldest first, optionally for one client. */
export async function listHistory(db: DB, filter: { client?: string; limit?: number } = {}): Promise<HistoryLine[]> {
  let q = db.selectFrom('touch_events').innerJoin('touches', 'touches.id', 'touch_events.touch_id')
    .select(['touch_events.seq', 'touch_events.at', 'touch_events.type', 'touch_events.touch_id', 'touches.client_id', 'touches.title',
      'touch_events.employee_id', 'touch_events.from_date', 'touch_events.to_date', 'touch_events.detail'])
    .orderBy('touch_events.seq', 'asc');
  if (filter.client) q = q.where('touches.client_id', '=', filter.client);
  if (filter.limit) q = q.limit(filter.limit);
  const rows = await q.execute();
  return rows.map((r) => ({
    seq: r.seq, at: r.at, type: r.type, touchId: r.touch_id, client: r.client_id, title: r.title,
    employee: r.employee_id, fromDate: r.from_date, toDate: r.to_date, detail: r.detail,
  }));
}

/**
 * The employee moved the touch's event in their calendar: the touch takes that time, keeps
 * it on every re-plan, and the history says who moved it.
 */
export async function rescheduleByUser(
  db: DB, touchId: string, to: { date: string; start: string; end: string }, nowIso: string, detail = 'moved in the calendar by the employee',
): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const row = await trx.selectFrom('touches').select(['date', 'start_at', 'employee_id', 'status']).where('id', '=', touchId).executeTakeFirst();
    if (!row || row.status !== 'planned' || (row.date === to.date && row.start_at === to.start)) return false;
    await trx.updateTable('touches').set({ date: to.date, start_at: to.start, end_at: to.end, moved_by_user: 1, updated_at: nowIso }).where('id', '=', touchId).execute();
    await trx.insertInto('touch_events').values(event(touchId, 'rescheduled', nowIso, row.employee_id, row.date, to.date, detail)).execute();
    return true;
  });
}

/**
 * Undoes a done or skipped outcome (a click undone from the one-click page): the touch is
 * planned again, its resolution cleared, and the history says so ("restored", with `detail`).
 * Refused (false) unless the touch still has the status `was` — the plan or another command
 * may have changed it since.
 */
export async function reopenTouch(db: DB, touchId: string, was: 'done' | 'skipped', nowIso: string, detail: string): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const row = await trx.selectFrom('touches').select(['status', 'date', 'employee_id']).where('id', '=', touchId).executeTakeFirst();
    if (!row || row.status !== was) return false;
    await trx.updateTable('touches').set({ status: 'planned', resolved_at: null, resolved_date: null, resolved_by: null, note: null, updated_at: nowIso })
      .where('id', '=', touchId).where('status', '=', was).execute();
    await trx.insertInto('touch_events').values(event(touchId, 'restored', nowIso, row.employee_id, row.date, row.date, detail)).execute();
    return true;
  });
}
