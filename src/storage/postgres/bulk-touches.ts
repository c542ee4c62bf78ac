import { sql, type Kysely } from 'kysely';
import type { Touch } from '../../domain/types.ts';
import type { Pin, Resolution } from '../../planner/history.ts';
import { makeHistory, type PlannerHistory } from '../../planner/history.ts';
import type { DB } from '../database.ts';
import type { Database } from '../schema.ts';
import { recordOutcomes } from '../touch-outcomes.ts';
import { holdHistoryForAppend } from '../work-locks.ts';
import { forEachPage } from './cursor-rows.ts';
import { coveredByDone } from '../cadence-changes.ts';
import { cadenceChanged, emptySummary, keepingMoves, noLongerPlanned, overflowOf, pinOf, planChange, replacedPeriods, resolutionOf, windowReadSql, WORKFLOW_SOURCE_SQL, type HistoryScope, type PlanChangeLine, type SaveScope, type SaveSummary } from '../plan-save-rules.ts';

/**
 * PostgreSQL's savePlan and loadHistory (touch-repository.ts dispatches here): the same
 * decisions as SQLite's, in the same single transaction, with the rows sent as arrays (unnest)
 * a few thousand at a time rather than a statement per row, which would cost a round trip each.
 */

/** Rows per statement: each column is one array parameter, so PostgreSQL's 65,535-parameter limit never comes near. */
const ROWS = 5_000;

interface Stored {
  status: string; employee_id: string; date: string; start_at: string; end_at: string; all_day: number; title: string;
  contact_ids: string; remind: string; window_from: string; window_to: string;
  /** 1 or 0 (pg-types.ts). */
  moved_by_user: number; overdue_from: string | null;
}

interface LogLine extends PlanChangeLine { touchId: string; employee: string; to: string }

/** savePlan on PostgreSQL (see touch-repository.ts for what it decides). */
export async function savePlanPostgres(
  db: DB, touches: readonly Touch[], window: { from: string; to: string }, nowIso: string,
  scope: SaveScope,
): Promise<SaveSummary> {
  const { onlyClients, clients, leavers, applies } = scope;
  const summary = emptySummary();
  const only = onlyClients ? [...new Set(onlyClients)] : undefined;
  await db.transaction().execute(async (trx) => {
    let from = window.from;
    for (const t of touches) if (t.date < from) from = t.date;
    const stored = new Map<string, Stored>();
    const columns = sql.raw('id, status, employee_id, date, start_at, end_at, all_day, title, contact_ids, remind, window_from, window_to, moved_by_user, overdue_from');
    const scan = only
      ? sql<Stored & { id: string }>`select ${columns} from touches where date >= ${from} and client_id = any(${only}::text[])`
      : sql<Stored & { id: string }>`select ${columns} from touches where date >= ${from}`;
    for (const r of (await scan.execute(trx)).rows) stored.set(r.id, r);
    // Touches dated before that day (an earlier placement of a touch now planned later): asked for together.
    const unseen = touches.filter((t) => !stored.has(t.id)).map((t) => t.id);
    for (let i = 0; i < unseen.length; i += ROWS * 4) {
      const ids = unseen.slice(i, i + ROWS * 4);
      for (const r of (await sql<Stored & { id: string }>`select ${columns} from touches where id = any(${ids}::text[])`.execute(trx)).rows) stored.set(r.id, r);
    }
    // The rows this plan would rewrite, read again and locked until it commits: one done,
    // skipped or moved since the scan (by a link, by another process) is decided as it is now,
    // and a `done` recorded meanwhile is not written back to planned.
    const rewritten = touches.filter((t) => {
      const row = stored.get(t.id);
      return row !== undefined && row.status !== 'done' && row.status !== 'skipped' && !(row.status !== 'cancelled' && samePlan(row, t));
    }).map((t) => t.id);
    for (let i = 0; i < rewritten.length; i += ROWS * 4) {
      const ids = rewritten.slice(i, i + ROWS * 4);
      for (const r of (await sql<Stored & { id: string }>`select ${columns} from touches where id = any(${ids}::text[]) order by id for no key update`.execute(trx)).rows) stored.set(r.id, r);
    }
    const inserts: Touch[] = [];
    const updates: Touch[] = [];
    const log: LogLine[] = [];
    const keep = new Set<string>();
    for (const planned of touches) {
      keep.add(planned.id);
      const row = stored.get(planned.id);
      // Moved since this plan's history was read: the move stands (plan-save-rules.ts).
      const t = row?.status === 'planned'
        ? keepingMoves(planned, { date: row.date, start: row.start_at, end: row.end_at, allDay: row.all_day === 1, fixed: Number(row.moved_by_user) === 1 || row.overdue_from !== null, employee: row.employee_id })
        : planned;
      if (!row) {
        inserts.push(t);
        summary.inserted++;
        continue;
      }
      if (row.status === 'done' || row.status === 'skipped') {
        summary.unchanged++;
        continue;
      }
      if (row.status !== 'cancelled' && samePlan(row, t)) {
        summary.unchanged++;
        continue;
      }
      updates.push(t);
      const line = planChange({ status: row.status, employee: row.employee_id, date: row.date, start: row.start_at }, t, leavers, summary);
      if (line) log.push({ touchId: t.id, employee: t.employee, to: t.date, ...line });
    }
    for (let i = 0; i < inserts.length; i += ROWS) await insertTouches(trx, inserts.slice(i, i + ROWS), nowIso);
    for (let i = 0; i < updates.length; i += ROWS) await updateTouches(trx, updates.slice(i, i + ROWS), nowIso);
    for (let i = 0; i < log.length; i += ROWS) await appendLog(trx, log.slice(i, i + ROWS), nowIso);
    // What the plan no longer has (see touch-repository.ts): by day, then id, the same order full or incremental.
    type StaleRow = { id: string; source: string; client_id: string; carried: boolean; series: string; window_from: string; window_to: string };
    const stale = await (only
      ? sql<StaleRow>`select id, source, client_id, (window_to < ${window.from} and (moved_by_user or overdue_from is not null)) as carried, series, window_from, window_to
          from touches where status = 'planned' and date >= ${window.from} and date <= ${window.to} and client_id = any(${only}::text[]) order by date, id`
      : sql<StaleRow>`select id, source, client_id, (window_to < ${window.from} and (moved_by_user or overdue_from is not null)) as carried, series, window_from, window_to
          from touches where status = 'planned' and date >= ${window.from} and date <= ${window.to} order by date, id`).execute(trx);
    const gone: string[] = [];
    const replaced = replacedPeriods(touches);
    const carriedKept: Parameters<typeof cadenceChanged>[0][number][] = [];
    for (const row of stale.rows) {
      // A boolean comes back as 1/0 (pg-types.ts).
      const stored = { id: row.id, source: row.source, client: row.client_id, carried: Number(row.carried) === 1, series: row.series, window: { from: row.window_from, to: row.window_to } };
      if (noLongerPlanned(stored, keep, clients, applies, replaced)) gone.push(row.id);
      else if (stored.carried) carriedKept.push(stored);
    }
    gone.push(...await coveredByDone(trx as unknown as DB, cadenceChanged(carriedKept, scope.periodOf)));
    const cancelled = await recordOutcomes(trx as unknown as DB, gone, { status: 'cancelled', at: nowIso, detail: 'no longer in the plan', cause: 'plan' });
    summary.cancelled += cancelled.filter((r) => r.recorded).length;
    for (const r of cancelled) if (r.recorded) scope.cancelledInto?.push(r.touch.id);
  });
  return summary;
}

function samePlan(row: Stored, t: Touch): boolean {
  return row.employee_id === t.employee && row.date === t.date && row.start_at === t.start && row.end_at === t.end && row.all_day === (t.allDay ? 1 : 0)
    && row.title === t.title && row.contact_ids === JSON.stringify(t.contacts) && row.remind === JSON.stringify(t.remind)
    && row.window_from === t.window.from && row.window_to === t.window.to;
}

const planned = (ts: readonly Touch[]) => ({
  id: ts.map((t) => t.id), employee: ts.map((t) => t.employee), date: ts.map((t) => t.date), start: ts.map((t) => t.start), end: ts.map((t) => t.end),
  allDay: ts.map((t) => t.allDay), title: ts.map((t) => t.title), contacts: ts.map((t) => JSON.stringify(t.contacts)), remind: ts.map((t) => JSON.stringify(t.remind)),
  windowFrom: ts.map((t) => t.window.from), windowTo: ts.map((t) => t.window.to),
});

async function insertTouches(trx: Kysely<Database>, ts: readonly Touch[], nowIso: string): Promise<void> {
  const p = planned(ts);
  await sql`insert into touches (id, source, series, kind, client_id, employee_id, date, start_at, end_at, all_day, title, contact_ids, remind,
      window_from, window_to, status, created_at, updated_at)
    select u.id, u.source, u.series, u.kind, u.client_id, u.employee_id, u.date, u.start_at, u.end_at, u.all_day, u.title, u.contact_ids, u.remind,
      u.window_from, u.window_to, 'planned', ${nowIso}::timestamptz, ${nowIso}::timestamptz
    from unnest(${p.id}::text[], ${ts.map((t) => t.source)}::text[], ${ts.map((t) => t.series)}::text[], ${ts.map((t) => t.kind)}::text[],
      ${ts.map((t) => t.client)}::text[], ${p.employee}::text[], ${p.date}::date[], ${p.start}::text[], ${p.end}::text[], ${p.allDay}::boolean[],
      ${p.title}::text[], ${p.contacts}::text[], ${p.remind}::text[], ${p.windowFrom}::date[], ${p.windowTo}::date[])
      as u(id, source, series, kind, client_id, employee_id, date, start_at, end_at, all_day, title, contact_ids, remind, window_from, window_to)`.execute(trx);
}

async function updateTouches(trx: Kysely<Database>, ts: readonly Touch[], nowIso: string): Promise<void> {
  const p = planned(ts);
  await sql`update touches set employee_id = u.employee_id, date = u.date, start_at = u.start_at, end_at = u.end_at, all_day = u.all_day, title = u.title,
      contact_ids = u.contact_ids, remind = u.remind, window_from = u.window_from, window_to = u.window_to, status = 'planned', updated_at = ${nowIso}::timestamptz
    from unnest(${p.id}::text[], ${p.employee}::text[], ${p.date}::date[], ${p.start}::text[], ${p.end}::text[], ${p.allDay}::boolean[],
      ${p.title}::text[], ${p.contacts}::text[], ${p.remind}::text[], ${p.windowFrom}::date[], ${p.windowTo}::date[])
      as u(id, employee_id, date, start_at, end_at, all_day, title, contact_ids, remind, window_from, window_to)
    where touches.id = u.id`.execute(trx);
}

/** History lines in the order given (their seq follows it: WITH ORDINALITY … ORDER BY). */
async function appendLog(trx: Kysely<Database>, lines: readonly LogLine[], nowIso: string): Promise<void> {
  await holdHistoryForAppend(trx as unknown as DB);
  await sql`insert into touch_events (touch_id, type, at, employee_id, from_date, to_date, detail, cause)
    select u.touch_id, u.type, ${nowIso}::timestamptz, u.employee_id, u.from_date, u.to_date, u.detail, u.cause
    from unnest(${lines.map((l) => l.touchId)}::text[], ${lines.map((l) => l.type)}::text[], ${lines.map((l) => l.employee)}::text[],
      ${lines.map((l) => l.from)}::date[], ${lines.map((l) => l.to)}::date[], ${lines.map((l) => l.detail)}::text[], ${lines.map((l) => l.cause)}::text[])
      with ordinality as u(touch_id, type, employee_id, from_date, to_date, detail, cause, n)
    order by u.n`.execute(trx);
}

/** loadHistory on PostgreSQL: the same scan, a page at a time through a cursor. */
export async function loadHistoryPostgres(db: DB, scope?: HistoryScope): Promise<PlannerHistory> {
  const resolutions: Resolution[] = [];
  const pins = new Map<string, Pin>();
  type Row = { id: string; series: string; status: string; date: string; start_at: string; end_at: string; all_day: number; employee_id: string; client_id: string;
    resolved_date: string | null; moved_by_user: number; overdue_from: string | null; workflow: number; window_from: string | null; window_to: string | null };
  const all = db.selectFrom('touches').select(['id', 'series', 'status', 'date', 'start_at', 'end_at', 'all_day', 'employee_id', 'client_id', 'resolved_date', 'moved_by_user', 'overdue_from',
    sql<number>`${sql.raw(WORKFLOW_SOURCE_SQL)}`.as('workflow'),
    sql<string | null>`${sql.raw(windowReadSql('window_from'))}`.as('window_from'), sql<string | null>`${sql.raw(windowReadSql('window_to'))}`.as('window_to')]);
  const query = scope
    ? all.where((eb) => eb.or([
      eb('client_id', '=', eb.fn<string>('any', [sql`${[...scope.clients]}::text[]`])),
      eb.and([
        eb('employee_id', '=', eb.fn<string>('any', [sql`${[...scope.holders]}::text[]`])),
        eb('all_day', '=', 0), eb('status', 'in', ['planned', 'done']), eb('date', '>=', scope.heldFrom),
      ]),
    ]))
    : all;
  await forEachPage(db, query, 20_000, (rows: Row[]) => {
    for (const r of rows) {
      pins.set(r.id, pinOf(r.date, r.start_at, r.end_at, r.all_day === 1, r.employee_id, r.client_id, r.status, r.moved_by_user === 1, r.overdue_from, Number(r.workflow), overflowOf(r.status, r.window_from, r.window_to)));
      if (r.status === 'done' || r.status === 'skipped') resolutions.push(resolutionOf(r.id, r.series, r.status, r.resolved_date ?? r.date, r.window_from, r.window_to));
    }
  });
  return makeHistory(resolutions, pins);
}
