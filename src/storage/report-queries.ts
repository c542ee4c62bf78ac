import type { DB } from './database.ts';
import { dialectOf } from './dialect.ts';
import { forEachPage } from './postgres/cursor-rows.ts';
import type { TouchRow } from './schema.ts';

/** What the reports read of a touch: the columns they use, no more (there are hundreds of thousands). */
export type ReportTouch = Pick<TouchRow, 'id' | 'source' | 'series' | 'kind' | 'client_id' | 'contact_ids' | 'employee_id' | 'date' | 'all_day'
  | 'title' | 'window_to' | 'status' | 'resolved_date' | 'resolved_by' | 'overdue_from'>;

/**
 * Every touch the reports count: not cancelled, and not a digest (a note to a director, no
 * touch with a client); with `plannedBefore` (an instant, UTC ISO), as they stood then: only
 * those planned before it — a report as of a past moment does not count what was planned
 * later — and not cancelled then, by the history (a touch cancelled after it, its client
 * removed or its rule changed, was still planned: it is counted so; one cancelled before it
 * and restored by a later plan was not). Read as a stream,
 * with each repeated text kept once: a year of a 10,000-client company is half a million
 * touches, whose titles, series, contact lists and dates repeat month after month.
 */
export async function reportTouches(db: DB, plannedBefore?: string): Promise<ReportTouch[]> {
  const texts = new Map<string, string>();
  const once = <T extends string | null>(v: T): T => {
    if (v === null) return v;
    const known = texts.get(v);
    if (known !== undefined) return known as T;
    texts.set(v, v);
    return v;
  };
  const out: ReportTouch[] = [];
  const changed = plannedBefore === undefined ? new Map<string, boolean>() : await cancelledThen(db, plannedBefore);
  let query = db.selectFrom('touches')
    .select(['id', 'source', 'series', 'kind', 'client_id', 'contact_ids', 'employee_id', 'date', 'all_day', 'title', 'window_to', 'status', 'resolved_date', 'resolved_by', 'overdue_from', 'resolved_at'])
    .where('source', 'not like', 'digest:%');
  // Cancelled ones only where cancelled after the moment (of those, cancelledThen says which were
  // open then), or cancelled once already overdue (moved forward as such): a touch missed before
  // its rule stopped applying (a client made lapsed, a contact gone, a cadence changed) was missed,
  // and cancelling it took the miss out of past months' figures (QA).
  query = changed.size === 0 ? query.where((eb) => eb.or([eb('status', '!=', 'cancelled'), eb('overdue_from', 'is not', null)]))
    : query.where((eb) => eb.or([eb('status', '!=', 'cancelled'), eb('overdue_from', 'is not', null),
      eb('id', 'in', eb.selectFrom('touch_events').select('touch_id').where('type', '=', 'cancelled').where('at', '>=', plannedBefore!))]));
  // Instants are the clock's UTC ISO (text in SQLite, in order as written; timestamptz in PostgreSQL).
  if (plannedBefore !== undefined) query = query.where('created_at', '<', plannedBefore);
  const add = (r: ReportTouch & Pick<TouchRow, 'resolved_at'>) => {
    const then = changed.get(r.id);
    if (then === true) return;
    // Only an open touch is cancelled: open it was, until then. A skip keeps the touch's own day
    // as its resolved_date (a future one skipped from its link, an overdue one on the day it was
    // moved to), so when it was skipped is its instant: skipped after the moment, it was open then.
    const skippedLater = r.status === 'skipped' && plannedBefore !== undefined && r.resolved_at !== null && r.resolved_at >= plannedBefore;
    if (skippedLater) r = { ...r, status: 'planned', resolved_date: null, resolved_by: null };
    // Cancelled after the moment: open then. Cancelled before it, once overdue: closed as missed (a skip by nobody, status-key.ts).
    const openThen = then === false && r.status === 'cancelled';
    const missed = !openThen && r.status === 'cancelled';
    out.push({
      id: r.id, source: once(r.source), series: once(r.series), kind: once(r.kind), client_id: once(r.client_id), contact_ids: once(r.contact_ids),
      employee_id: once(r.employee_id), date: once(r.date), all_day: r.all_day, title: once(r.title), window_to: once(r.window_to),
      status: openThen ? 'planned' : missed ? 'skipped' : r.status,
      resolved_date: missed ? once(r.date) : once(r.resolved_date), resolved_by: missed ? null : once(r.resolved_by), overdue_from: once(r.overdue_from),
    });
  };
  // PostgreSQL reads through a cursor of its own (kysely's stream needs pg-cursor there).
  if (dialectOf(db) === 'postgres') await forEachPage(db, query, 1000, (rows) => rows.forEach(add));
  else for await (const r of query.stream(1000)) add(r);
  return out;
}

/**
 * Touch id → whether it was cancelled at the instant `at`, for each touch cancelled or restored
 * since (the others stand as they do now). Its first such line after `at` tells: a cancellation
 * means it was not cancelled then; a restoration by a plan (cause `plan`) means it was. A
 * restoration by its employee (cause `employee`: a done or skipped undone, reopenTouch) is of a
 * touch that was not cancelled. Empty for a moment after the last line: a report as of now.
 */
async function cancelledThen(db: DB, at: string): Promise<Map<string, boolean>> {
  const lines = await db.selectFrom('touch_events').select(['touch_id', 'type', 'cause'])
    .where('type', 'in', ['cancelled', 'restored']).where('at', '>=', at).orderBy('seq').execute();
  const out = new Map<string, boolean>();
  for (const l of lines) if (!out.has(l.touch_id)) out.set(l.touch_id, l.type === 'restored' && l.cause !== 'employee');
  return out;
}

/**
 * Touch id → who moved it themselves (in their calendar, or snoozed by link), and how many times:
 * the holder of the time, who may have handed it on since. With `before`, the moves before that instant.
 */
export async function movesByOwner(db: DB, before?: string): Promise<Map<string, Map<string, number>>> {
  let query = db.selectFrom('touch_events').select(['touch_id', 'employee_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('type', '=', 'rescheduled')
    // By the typed cause: the words are for people (and may be in any wording or language).
    .where('cause', '=', 'employee');
  if (before !== undefined) query = query.where('at', '<', before);
  const moves = await query.groupBy(['touch_id', 'employee_id']).execute();
  const out = new Map<string, Map<string, number>>();
  for (const m of moves) {
    let of = out.get(m.touch_id);
    if (!of) out.set(m.touch_id, (of = new Map()));
    // A line with no employee (none are written so): the touch's holder, as before.
    of.set(m.employee_id ?? '', Number(m.n));
  }
  return out;
}

/** A touch given to another holder: when (UTC ISO) and who held it before. */
export interface HandOver {
  readonly at: string;
  readonly from: string;
}

/** Who held a touch before a reassignment, from its line's detail ("from anna", "from anna, no longer in the configuration"). */
export function previousHolder(detail: string | null): string | undefined {
  return /^from ([^\s,]+)/.exec(detail ?? '')?.[1];
}

/** Touch id → each time it was given to another holder (a handover, a team change), in order. */
export async function handOvers(db: DB): Promise<Map<string, HandOver[]>> {
  const lines = await db.selectFrom('touch_events').select(['touch_id', 'at', 'detail']).where('type', '=', 'reassigned').orderBy('seq').execute();
  const out = new Map<string, HandOver[]>();
  for (const l of lines) {
    const from = previousHolder(l.detail);
    if (from === undefined) continue;
    const list = out.get(l.touch_id);
    if (list) list.push({ at: l.at, from });
    else out.set(l.touch_id, [{ at: l.at, from }]);
  }
  return out;
}
