import { sql } from 'kysely';
import type { Config, Touch } from '../domain/types.ts';
import type { DateTime } from 'luxon';
import type SQLite from 'better-sqlite3';
import { isOverdue } from '../domain/overdue.ts';
import type { Pin, Resolution } from '../planner/history.ts';
import { makeHistory, type PlannerHistory } from '../planner/history.ts';
import { inBulkTransaction, withRawReads, type DB } from './database.ts';
import { BULK_LOAD_ROWS, tableIsEmpty } from './bulk-load-journal.ts';
import type { EventCause, TouchEventRow, TouchRow } from './schema.ts';
import { recordOutcomes } from './touch-outcomes.ts';
import { loadFirstPlanInThread } from './first-plan-loader.ts';
import { BULK_BUILD_CACHE_KIB, dropTouchIndexes, insertedValues, remakeTouchIndexes, PLANNED_FIELDS, plannedValues, prepareTouchInsert, touchLoader } from './touch-rows-written.ts';
import { forEachStoredTouch } from './touch-rows.ts';
import { previousHolder } from './report-queries.ts';
import { overdueRule } from '../planner/overdue-rule.ts';
import { countTouchesSave, forgetPlanSnapshots, keepPlanSnapshot, touchesFingerprint, type SnapshotRequest } from './plan-snapshot-rows.ts';
import { dialectOf } from './dialect.ts';
import { loadHistoryPostgres, savePlanPostgres } from './postgres/bulk-touches.ts';
import { coveredByDone } from './cadence-changes.ts';
import { cadenceChanged, emptySummary, keepingMoves, noLongerPlanned, overflowOf, pinOf, planChange, PLANNER_SOURCE, replacedPeriods, resolutionOf, windowReadSql, WORKFLOW_SOURCE_SQL, type HistoryScope, type SaveScope, type SaveSummary } from './plan-save-rules.ts';
import { sourceApplies } from '../domain/source-applies.ts';

export type { SaveSummary } from './plan-save-rules.ts';

/** Repositories are plain functions taking the database first (kysely's example style). */

/**
 * Upserts a plan by touch id in one transaction. Done and skipped touches are never
 * changed; planned touches of the window that the plan no longer has are cancelled
 * (kept, with an event, never deleted). A new touch writes no history line: its row says when
 * it was planned (`created_at`); moves, reassignments, cancellations and restorations do.
 *
 * The hot path of a large company (hundreds of thousands of touches): the rows that may be
 * affected are read in one scan, compared in memory, and only what changed is written, by
 * statements prepared once, in one transaction.
 *
 * `alongside` is work done with the save (the output of the plan), which must not use the
 * database: after the commit, or meanwhile when a thread of its own loads a first plan.
 */
export async function savePlan(
  db: DB, touches: readonly Touch[], window: { from: string; to: string }, nowIso: string,
  scope: SaveScope = {},
  record?: SnapshotRequest, alongside?: (cancelled: ReadonlySet<string>) => Promise<void>,
): Promise<SaveSummary> {
  if (alongside) {
    // A first plan is loaded by a thread of its own while `alongside` runs here (first-plan-loader.ts):
    // into an empty table, it cancels nothing.
    const loaded = dialectOf(db) === 'sqlite' && !scope.onlyClients ? await loadFirstPlanInThread(db, touches, nowIso, record, () => alongside(new Set())) : undefined;
    if (loaded) return loaded;
    const cancelled = scope.cancelledInto ?? [];
    const saved = await savePlan(db, touches, window, nowIso, { ...scope, cancelledInto: cancelled }, record);
    await alongside(new Set(cancelled));
    return saved;
  }
  if (dialectOf(db) === 'postgres') return savePlanPostgres(db, touches, window, nowIso, scope);
  const { onlyClients, clients, leavers, applies } = scope;
  const summary = emptySummary();
  const only = onlyClients ? new Set(onlyClients) : undefined;
  // A plan of some clients (an incremental pass) reads only their rows, by the client index.
  const ofClients = only ? ' and client_id in (select value from json_each(?))' : '';
  const clientList = only ? [JSON.stringify([...only])] : [];
  await inBulkTransaction(db, async (sqlite, trx) => {
    // What is stored, as one string per touch (its status and planned fields), read in one scan
    // of the rows a plan can affect: compared in memory, so only what changed is written.
    let from = window.from;
    for (const t of touches) if (t.date < from) from = t.date;
    const stored = new Map<string, string>();
    const scan = sqlite.prepare(`select id, ${SIGNATURE} from touches where date >= ?${ofClients}`).raw();
    for (const [id, signature] of scan.iterate(from, ...clientList) as Iterable<[string, string]>) stored.set(id, signature);
    // Touches dated before that day (an earlier placement of a touch now planned later) are looked up one by one.
    const find = sqlite.prepare(`select ${SIGNATURE} from touches where id = ?`).pluck();
    const placement = sqlite.prepare('select moved_by_user, overdue_from is not null, end_at, all_day from touches where id = ?').raw();
    // A snapshot of this plan holds only if nobody wrote touches since its history was read.
    const snapshot = record && touchesFingerprint(sqlite) === record.readAt ? record : undefined;
    // Touches of the plan their rows will not reproduce (a done one under an older title, a kind changed).
    const apart = new Set<string>();
    const insert = prepareTouchInsert(sqlite);
    const update = sqlite.prepare(`update touches set ${PLANNED_FIELDS.map((c) => `${c} = ?`).join(', ')}, status = 'planned', updated_at = ? where id = ?`);
    const log = sqlite.prepare('insert into touch_events (touch_id, type, at, employee_id, from_date, to_date, detail, cause) values (?, ?, ?, ?, ?, ?, ?, ?)');
    const empty = stored.size === 0 && tableIsEmpty(sqlite, 'touches');
    const keep = new Set<string>();
    const rebuild = empty && touches.length >= BULK_LOAD_ROWS ? dropTouchIndexes(sqlite) : [];
    // Rows appended without indexes need no large page cache (the bulk transaction's 128 MB is
    // for index pages updated at random), nor do indexes built from sorted keys (SQLite's sorter
    // sizes its memory by the cache): 150 MB less at the peak of a 10,000-client company's first
    // year than with 128 MB, at the same speed. (The transaction puts the connection's own size back.)
    if (rebuild.length > 0) sqlite.pragma(`cache_size = -${BULK_BUILD_CACHE_KIB}`);
    if (empty) {
      // A first plan: every touch is new, nothing to compare.
      const load = touchLoader(sqlite, nowIso);
      for (const t of touches) load.add(insertedValues(t));
      load.finish();
      summary.inserted = touches.length;
    } else for (const t of touches) {
      keep.add(t.id);
      const values = plannedValues(t);
      const signature = stored.get(t.id) ?? find.get(t.id) as string | undefined;
      if (signature === undefined) {
        insert.run(...insertedValues(t), 'planned', nowIso, nowIso);
        summary.inserted++;
        continue;
      }
      const planned = values.join(SEP);
      const identity = `${SEP}${t.source}${SEP}${t.series}${SEP}${t.kind}${SEP}${t.client}`;
      if (signature === `${t.status}${SEP}${planned}${identity}`) {
        summary.unchanged++;
        continue;
      }
      const [status, employee, date, start] = signature.split(SEP, 4) as [string, string, string, string];
      // A plan never rewrites a touch's source, series, kind or client, nor a done or skipped one.
      if (snapshot && (!signature.endsWith(identity) || status === 'done' || status === 'skipped' || t.status !== 'planned')) apart.add(t.id);
      if (status === 'done' || status === 'skipped') {
        summary.unchanged++;
        continue;
      }
      if (status !== 'cancelled' && signature.startsWith(`planned${SEP}${planned}${SEP}`)) {
        summary.unchanged++;
        continue;
      }
      let saved = t;
      if (status === 'planned' && (date !== t.date || start !== t.start)) {
        // Moved since this plan's history was read? (A few rows a plan: read one at a time.)
        const [movedByUser, overdue, end, allDay] = placement.get(t.id) as [number, number, string, number];
        saved = keepingMoves(t, { date, start, end, allDay: allDay === 1, fixed: movedByUser === 1 || overdue === 1, employee });
        if (saved !== t && signature.startsWith(`planned${SEP}${plannedValues(saved).join(SEP)}${SEP}`)) {
          summary.unchanged++;
          continue;
        }
      }
      update.run(...saved === t ? values : plannedValues(saved), nowIso, t.id);
      const line = planChange({ status, employee, date, start }, saved, leavers, summary);
      if (line) log.run(t.id, line.type, nowIso, t.employee, line.from, saved.date, line.detail, line.cause);
    }
    remakeTouchIndexes(sqlite, rebuild);
    // What the plan no longer has (plan-save-rules.ts), read one row at a time.
    const stale = sqlite.prepare(`select id, employee_id, date, source, client_id, window_to < ? and (moved_by_user = 1 or overdue_from is not null), series, window_from, window_to
      from touches where status = 'planned' and date >= ? and date <= ?${ofClients}
      order by date, rowid`).raw(); // the same order of cancellations (and their history) either way
    const gone: string[] = [];
    const replaced = replacedPeriods(touches);
    const carriedKept: Parameters<typeof cadenceChanged>[0][number][] = [];
    // Into a table that was empty every planned row is this plan's: none to look at.
    if (!empty) for (const row of stale.iterate(window.from, window.from, window.to, ...clientList) as Iterable<[string, string, string, string, string, number, string, string, string]>) {
      const stored = { id: row[0], source: row[3], client: row[4], carried: row[5] === 1, series: row[6], window: { from: row[7], to: row[8] } };
      if (noLongerPlanned(stored, keep, clients, applies, replaced)) gone.push(row[0]);
      else if (stored.carried) carriedKept.push(stored);
    }
    gone.push(...await coveredByDone(trx, cadenceChanged(carriedKept, scope.periodOf)));
    // In the same transaction, by the one writer of outcomes (the statements above are done with).
    const cancelled = await recordOutcomes(trx, gone, { status: 'cancelled', at: nowIso, detail: 'no longer in the plan', cause: 'plan' });
    summary.cancelled += cancelled.filter((r) => r.recorded).length;
    for (const r of cancelled) if (r.recorded) scope.cancelledInto?.push(r.touch.id);
    // A save that wrote anything may have changed what another window's plan was made from.
    if (summary.inserted + summary.updated + summary.rescheduled + summary.reassigned + summary.restored + summary.cancelled > 0) {
      forgetPlanSnapshots(sqlite);
      countTouchesSave(sqlite);
    }
    if (snapshot) keepPlanSnapshot(sqlite, snapshot.window, snapshot.make(apart), touches.map((t) => t.id));
  }, { loadsEmpty: (sqlite) => touches.length >= BULK_LOAD_ROWS && tableIsEmpty(sqlite, 'touches') });
  return summary;
}

/** Between the fields of a stored touch's signature (a character no field holds). */
const SEP = '\u001f';
/** A stored touch as one string: its status, planned fields, then source, series, kind and client. */
const SIGNATURE = ['status', ...PLANNED_FIELDS.map((c) => `coalesce(${c}, '')`), 'source', 'series', 'kind', 'client_id'].join(' || char(31) || ');

/** The stored row of a planned touch (keeping what an earlier row of it knew: the employee's move, overdue, body). */
export function touchToRow(t: Touch, prev: TouchRow | undefined, nowIso: string): TouchRow {
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

/**
 * What the planner needs from storage: resolutions and earlier placements. Read in one scan of
 * plain rows; instants parsed by Date.parse (exact for ISO strings with an offset).
 *
 * A plan of some clients (`scope`: an incremental pass) needs all of their touches, and of the
 * others only the time they hold from the window on in the calendars of the people who can hold
 * these clients' touches (timed, planned or done: the planner reserves it, planner/plan.ts
 * #reserveHeld); the rest of the history (every all-day touch, every past one, everyone else's
 * time) is not read.
 */
export async function loadHistory(db: DB, scope?: HistoryScope): Promise<PlannerHistory> {
  if (dialectOf(db) === 'postgres') return loadHistoryPostgres(db, scope);
  const resolutions: Resolution[] = [];
  const pins = new Map<string, Pin>();
  await withRawReads(db, (sqlite) => {
    // A done touch's period too (null for the rest: hundreds of thousands of rows), for the plan to see a cadence changed.
    const columns = `id, series, status, date, start_at, end_at, all_day, employee_id, client_id, resolved_date, moved_by_user, overdue_from, ${WORKFLOW_SOURCE_SQL},
      ${windowReadSql('window_from')}, ${windowReadSql('window_to')}`;
    const rows = scope
      ? sqlite.prepare(`select ${columns} from touches where client_id in (select value from json_each(?))
          or (employee_id in (select value from json_each(?)) and all_day = 0 and status in ('planned', 'done') and date >= ?)`)
        .raw().iterate(JSON.stringify(scope.clients), JSON.stringify(scope.holders), scope.heldFrom)
      : sqlite.prepare(`select ${columns} from touches`).raw().iterate();
    for (const r of rows as Iterable<[string, string, string, string, string, string, number, string, string, string | null, number, string | null, number, string | null, string | null]>) {
      const [id, series, status, date, startAt, endAt, allDay, employee, client, resolvedDate, movedByUser, overdueFrom, workflow, windowFrom, windowTo] = r;
      pins.set(id, pinOf(date, startAt, endAt, allDay === 1, employee, client, status, movedByUser === 1, overdueFrom, workflow, overflowOf(status, windowFrom, windowTo)));
      if (status === 'done' || status === 'skipped') resolutions.push(resolutionOf(id, series, status, resolvedDate ?? date, windowFrom, windowTo));
    }
  });
  return makeHistory(resolutions, pins);
}

export { TouchNotFoundError, TouchStateError } from '../cli/known-errors.ts';
export { findTouch, inTransaction, markDone, markSkipped, recordOutcome, recordOutcomes, skipDeletedInCalendar, type Outcome } from './touch-outcomes.ts';
export { moveOverdue, reopenRestoredInCalendar, reopenTouch, rescheduleByUser } from './touch-moves.ts';

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
  /** Why it happened (a person, the plan, the overdue check, a handover, a workflow). */
  cause: EventCause;
  detail: string | null;
}

/**
 * What happened to touches, oldest first, optionally for one client. `planned` adds a line for
 * each touch's planning (from its row: a plan writes no history line for a new touch).
 */
export async function listHistory(db: DB, filter: { client?: string; limit?: number; planned?: boolean } = {}): Promise<HistoryLine[]> {
  let q = db.selectFrom('touch_events').innerJoin('touches', 'touches.id', 'touch_events.touch_id')
    .select(['touch_events.seq', 'touch_events.at', 'touch_events.type', 'touch_events.touch_id', 'touches.client_id', 'touches.title',
      'touch_events.employee_id', 'touch_events.from_date', 'touch_events.to_date', 'touch_events.cause', 'touch_events.detail'])
    // Oldest first by when it happened: a call marked done days later (`done --at`) takes its
    // place among the lines of its day, not the place of the day it was recorded.
    .orderBy('touch_events.at', 'asc').orderBy('touch_events.seq', 'asc');
  if (filter.client) q = q.where('touches.client_id', '=', filter.client);
  // "planned" lines are made from the touches' rows below; the workflows' touches have one in the
  // log as well (what the daemon's incremental pass reads), which would show them twice.
  q = q.where('touch_events.type', '!=', 'planned');
  const lines: HistoryLine[] = (await q.execute()).map((r) => ({
    seq: r.seq, at: r.at, type: r.type, touchId: r.touch_id, client: r.client_id, title: r.title,
    employee: r.employee_id, fromDate: r.from_date, toDate: r.to_date, cause: r.cause, detail: r.detail,
  }));
  if (filter.planned ?? true) {
    let t = db.selectFrom('touches').select(['id', 'created_at', 'client_id', 'title', 'employee_id', 'date', 'source']).orderBy('created_at');
    if (filter.client) t = t.where('client_id', '=', filter.client);
    const first = asFirstPlanned(lines);
    const planned: HistoryLine[] = (await t.execute()).map((r) => ({
      seq: 0, at: r.created_at, type: 'planned', touchId: r.id, client: r.client_id, title: r.title,
      employee: first.get(r.id)?.employee ?? r.employee_id, fromDate: null, toDate: first.get(r.id)?.date ?? r.date,
      cause: PLANNER_SOURCE.test(r.source) ? 'plan' : 'workflow', detail: r.source,
    }));
    // Merged by time, each list in its own order (both by time).
    const merged: HistoryLine[] = [];
    let i = 0;
    for (const line of lines) {
      while (i < planned.length && planned[i]!.at <= line.at) merged.push(planned[i++]!);
      merged.push(line);
    }
    while (i < planned.length) merged.push(planned[i++]!);
    return filter.limit ? merged.slice(0, filter.limit) : merged;
  }
  return filter.limit ? lines.slice(0, filter.limit) : lines;
}

/**
 * Whom and for which day each touch was first planned, when its log says it changed since: its
 * row holds only where it is now, and the planning line must say what was planned then ("planned
 * for Anna on 22 March", not for whoever holds it after a handover, on the day it was moved to).
 * Read back from the log, latest first: a move's, reassignment's or restoration's `from_date` is
 * the day before it, a reassignment's detail ("from anna") the holder before it.
 */
function asFirstPlanned(lines: readonly HistoryLine[]): Map<string, { employee: string | undefined; date: string | undefined }> {
  const first = new Map<string, { employee: string | undefined; date: string | undefined }>();
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (l.type !== 'rescheduled' && l.type !== 'reassigned' && l.type !== 'restored') continue;
    const was = first.get(l.touchId) ?? { employee: undefined, date: undefined };
    if (l.fromDate) was.date = l.fromDate;
    const from = l.type === 'reassigned' ? previousHolder(l.detail) : undefined;
    if (from) was.employee = from;
    first.set(l.touchId, was);
  }
  return first;
}

/**
 * The touches the workflows made in a period (business events, silence alerts, escalations,
 * digests, and touches moved forward as overdue from before it), as touches: what `plan` lists
 * beside the planner's own. Cancelled ones are left out.
 */
export async function workflowTouches(db: DB, window: { from: string; to: string }, now: DateTime, config: Config): Promise<Touch[]> {
  const rows = await workflowTouchRows(db, window).execute();
  return rowsAsTouches(rows.filter((r) => !PLANNER_SOURCE.test(r.source) || r.overdue_from !== null), now, config);
}

/** Stored rows as touches, each overdue or not as isOverdue says in its holder's zone (the company's for someone unknown). */
function rowsAsTouches(rows: readonly TouchRow[], now: DateTime, config: Config): Touch[] {
  const zones = new Map(config.employees.map((e) => [e.id, e.timezone]));
  return rows.map((r) => rowToTouch(r, isOverdue(config, r, now.setZone(zones.get(r.employee_id) ?? config.settings.timezone).toISODate()!)));
}

/**
 * Open touches of the planner's carried into a period from one that ends before it: moved there
 * by their employee (a call of 28 December snoozed to 13 January, moved in the calendar). The
 * plan of the period does not make them (it covers only periods that reach into it), a save
 * keeps them (plan-save-rules.ts noLongerPlanned), and the calendars have them: `plan` lists them
 * too — unless the save would cancel them (their client gone, their rule no longer theirs). Those
 * moved forward as overdue are workflowTouches'.
 */
export async function carriedPlannerTouches(db: DB, window: { from: string; to: string }, now: DateTime, config: Config): Promise<Touch[]> {
  const rows = await db.selectFrom('touches').selectAll().where('date', '>=', window.from).where('date', '<=', window.to)
    .where('status', '=', 'planned').where('moved_by_user', '=', 1).where('overdue_from', 'is', null).where('window_to', '<', window.from).execute();
  const applies = sourceApplies(config, now.setZone(config.settings.timezone).toISODate()!);
  return rowsAsTouches(rows.filter((r) => PLANNER_SOURCE.test(r.source) && applies(r.source, r.client_id)), now, config);
}

/**
 * The planner's touches of a period that were done or skipped and that the plan may no longer
 * make: a rule's cadence changed (December's call of a monthly rule done, the rule now quarterly:
 * the fourth quarter has no touch of its own) or a rule, a contact or a campaign went. They are
 * what happened in the period; `plan` lists them among the plan's (those it still makes, it has).
 */
export async function resolvedPlannerTouches(db: DB, window: { from: string; to: string }): Promise<Touch[]> {
  const rows = await resolvedTouchRows(db, window).execute();
  return rows.filter((r) => PLANNER_SOURCE.test(r.source) && r.overdue_from === null).map((r) => rowToTouch(r, false));
}

/** The query of resolvedPlannerTouches: the partial index's condition, word for word (db/migrations/0017_resolved_touches_index.ts). */
export function resolvedTouchRows(db: DB, window: { from: string; to: string }) {
  return db.selectFrom('touches').selectAll().where('date', '>=', window.from).where('date', '<=', window.to).where(sql<boolean>`status in ('done', 'skipped')`);
}

/**
 * The query of workflowTouches. Its condition is the partial index's, word for word
 * (db/migrations/0012_workflow_touches_index.ts), with the patterns as literals: a database
 * uses a partial index only for a query whose condition says what the index's does.
 */
export function workflowTouchRows(db: DB, window: { from: string; to: string }) {
  return db.selectFrom('touches').selectAll().where('date', '>=', window.from).where('date', '<=', window.to)
    .where('status', '!=', 'cancelled')
    .where(sql<boolean>`(overdue_from is not null or (source not like 'rule:%' and source not like 'campaign:%' and source not like 'handover:%'))`);
}

/** The stored touches of a period, as touches (what was planned, when nothing needed planning again). */
export async function storedTouches(db: DB, window: { from: string; to: string }, now: DateTime, config: Config): Promise<Touch[]> {
  const touches: Touch[] = [];
  // Overdue as isOverdue says, in each holder's zone (the company's for someone unknown).
  const overdue = overdueRule(config, now);
  if (dialectOf(db) === 'postgres') {
    const rows = await db.selectFrom('touches').selectAll().where('date', '>=', window.from).where('date', '<=', window.to)
      .where('status', '!=', 'cancelled').execute();
    return sortTouches(rows.map((r) => rowToTouch(r, overdue(r.status as Touch['status'], r.employee_id, r.date, r.overdue_from))));
  }
  await withRawReads(db, (sqlite) => forEachStoredTouch(sqlite, "where date >= ? and date <= ? and status != 'cancelled'", [window.from, window.to], overdue, (t) => touches.push(t)));
  return sortTouches(touches);
}

/** A stored touch as the planner's Touch (the shape `plan` prints). */
export function rowToTouch(r: TouchRow, overdue: boolean): Touch {
  return {
    id: r.id, source: r.source, series: r.series, kind: r.kind as Touch['kind'], client: r.client_id, contacts: JSON.parse(r.contact_ids) as string[],
    employee: r.employee_id, date: r.date, start: r.all_day ? r.date : r.start_at, end: r.end_at, allDay: r.all_day === 1, title: r.title,
    window: { from: r.window_from, to: r.window_to }, remind: JSON.parse(r.remind) as number[],
    status: r.status === 'done' || r.status === 'skipped' ? r.status : 'planned', overdue,
  };
}

/** Touches in the order `plan` shows them: by day, then start (all-day first); ties keep their order (a stable sort). */
/** What places a touch in time. */
type Timed = Pick<Touch, 'date' | 'start' | 'allDay'>;

/**
 * Touches in time order (`sorted`, as a plan is) with a few more (`more`, sorted by
 * sortTouches) in their places: the same order as sortTouches of the two together, the plan's
 * first among equals, without holding the plan.
 */
export function* mergeByTime<T extends Timed>(sorted: Iterable<T>, more: readonly Touch[]): Generator<T | Touch> {
  let i = 0;
  const at = (t: Timed) => (t.allDay ? -1 : Date.parse(t.start));
  for (const t of sorted) {
    while (i < more.length && (more[i]!.date < t.date || (more[i]!.date === t.date && at(more[i]!) < at(t)))) yield more[i++]!;
    yield t;
  }
  while (i < more.length) yield more[i++]!;
}

export function sortTouches(touches: Touch[]): Touch[] {
  // Each start parsed once, not in every comparison.
  const keyed = touches.map((t) => ({ t, at: t.allDay ? -1 : Date.parse(t.start) }));
  keyed.sort((a, b) => (a.t.date < b.t.date ? -1 : a.t.date > b.t.date ? 1 : a.at - b.at));
  for (let i = 0; i < keyed.length; i++) touches[i] = keyed[i]!.t;
  return touches;
}
