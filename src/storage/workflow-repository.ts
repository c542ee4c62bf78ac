import { DateTime } from 'luxon';
import { sql, type ExpressionBuilder } from 'kysely';
import { PLANNER_SOURCE_SQL } from './plan-save-rules.ts';
import { appendHistory } from './touch-history.ts';
import type { DB } from './database.ts';
import type { Database, TouchRow } from './schema.ts';
import { inTransaction } from './touch-outcomes.ts';

/**
 * What the workflows (business events, silence, overdue, escalations, digests) read and write:
 * their own touches, the events received, and the facts their checks go by.
 */

/**
 * Records workflow touches that do not exist yet (by id), each with a "planned" history line
 * (its source as the words, `workflow` as the cause); an existing one is left as it is.
 * Returns the ids that were new.
 */
export async function insertTouchesIfNew(db: DB, rows: readonly TouchRow[], nowIso: string): Promise<string[]> {
  if (rows.length === 0) return [];
  return inTransaction(db, async (trx) => {
    const inserted: string[] = [];
    for (const row of rows) {
      const result = await trx.insertInto('touches').values(row).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 0) {
        // Made before and still open: its words as they would be made today when its title is not
        // (the company's language changed, the client was renamed) — an alert in Russian stayed so on
        // a Romanian dashboard (QA). Its body alone changes every day (a day count): left as written.
        await trx.updateTable('touches').set({ title: row.title, body: row.body, updated_at: nowIso })
          .where('id', '=', row.id).where('status', '=', 'planned').where('title', '!=', row.title).execute();
        continue;
      }
      // Its "planned" line in the log is what the daemon's incremental pass reads to put it in the
      // calendar at once (history shows the line the touch's row makes instead, not both).
      await appendHistory(trx, [{ touch_id: row.id, type: 'planned', at: nowIso, employee_id: row.employee_id, from_date: null, to_date: row.date, detail: row.source, cause: 'workflow' }]);
      inserted.push(row.id);
    }
    return inserted;
  });
}

/** A business event received before (the same name, client and ref): the touches it made. */
export async function receivedEvent(db: DB, event: { name: string; client: string; ref: string }): Promise<string[] | undefined> {
  const seen = await db.selectFrom('business_events').select('touch_ids')
    .where('name', '=', event.name).where('client_id', '=', event.client).where('ref', '=', event.ref).executeTakeFirst();
  return seen ? JSON.parse(seen.touch_ids) as string[] : undefined;
}

/** Records a business event as received, with the touches it made. */
export async function recordReceivedEvent(
  db: DB, event: { name: string; client: string; ref: string; at: string; touchIds: readonly string[]; receivedAt: string },
): Promise<void> {
  await db.insertInto('business_events').values({
    name: event.name, client_id: event.client, ref: event.ref, at: event.at, touch_ids: JSON.stringify(event.touchIds), received_at: event.receivedAt,
  }).execute();
}

/**
 * The time the employees' timed touches hold from `from` to `to` (local dates, inclusive): planned
 * or done, as [start, end) instants by employee. A workflow's own touch is put after them.
 */
export async function heldTimes(db: DB, employees: readonly string[], from: string, to: string): Promise<Map<string, [number, number][]>> {
  const held = new Map<string, [number, number][]>();
  if (employees.length === 0) return held;
  for (const r of await timedAgenda(db, from, to, employees)) {
    const span: [number, number] = [Date.parse(r.start_at), Date.parse(r.end_at)];
    const list = held.get(r.employee_id);
    if (list) list.push(span);
    else held.set(r.employee_id, [span]);
  }
  return held;
}

/**
 * The timed touches, planned or done, from `from` to `to` (local dates, inclusive), of these
 * employees or of everyone: the day and the time each holds. The overdue check puts late
 * touches where there is room among them.
 */
export async function timedAgenda(db: DB, from: string, to: string, employees?: readonly string[]): Promise<Pick<TouchRow, 'employee_id' | 'date' | 'start_at' | 'end_at' | 'series' | 'contact_ids' | 'kind'>[]> {
  let query = db.selectFrom('touches').select(['employee_id', 'date', 'start_at', 'end_at', 'series', 'contact_ids', 'kind'])
    .where('date', '>=', from).where('date', '<=', to).where('all_day', '=', 0).where('status', 'in', ['planned', 'done']);
  if (employees) query = query.where('employee_id', 'in', [...employees]);
  return query.execute();
}

/** Open touches dated before `today` that the overdue check looks at (a digest is a note to a director, never overdue). */
export async function openTouchesBefore(db: DB, today: string): Promise<TouchRow[]> {
  return db.selectFrom('touches').selectAll().where('status', '=', 'planned').where('date', '<', today)
    .where('source', 'not like', 'digest:%').execute();
}

/** Of rules or handovers: the touches a later one may make pointless (superseded-touches.ts). */
const ofRulesOrHandovers = (eb: ExpressionBuilder<Database, 'touches'>) => eb.or([eb('source', 'like', 'rule:%'), eb('source', 'like', 'handover:%')]);

/**
 * A client's open touches of rules and handovers that may be overdue on `today` (those a later
 * touch may close, superseded-touches.ts): dated before it, or moved forward as overdue already
 * (to today or a day after it).
 */
export async function openSupersedable(db: DB, today: string, clientId: string): Promise<TouchRow[]> {
  return db.selectFrom('touches').selectAll().where('status', '=', 'planned').where('client_id', '=', clientId)
    .where((eb) => eb.or([eb('date', '<', today), eb('overdue_from', 'is not', null)])).where(ofRulesOrHandovers).execute();
}

/** What superseded-touches.ts reads of a touch of a series. */
const SERIES_TOUCH = ['id', 'series', 'status', 'date', 'overdue_from', 'window_from', 'resolved_date', 'source'] as const;
export type SeriesTouch = Pick<TouchRow, (typeof SERIES_TOUCH)[number]>;

/**
 * The touches of some series that are open or done: what says whether an older one of them is
 * superseded. Read by their clients (the client-and-status index; no index has the series),
 * a few hundred clients a statement.
 */
export async function seriesTouches(db: DB, wanted: readonly { readonly client: string; readonly series: string }[]): Promise<SeriesTouch[]> {
  const series = new Set(wanted.map((w) => w.series));
  const clients = [...new Set(wanted.map((w) => w.client))];
  const out: SeriesTouch[] = [];
  for (let i = 0; i < clients.length; i += 500) {
    const rows = await db.selectFrom('touches').select(SERIES_TOUCH)
      .where('client_id', 'in', clients.slice(i, i + 500)).where('status', 'in', ['planned', 'done']).execute();
    for (const r of rows) if (series.has(r.series)) out.push(r);
  }
  return out;
}

/**
 * The title and description of open workflow touches made before, brought up to date where they
 * changed (an escalation naming the leaver after a handover gave the touch to the successor): the
 * sync sees the newer updated_at and rewrites the event. Done, skipped or cancelled ones stay as they were.
 */
export async function refreshOpenTexts(db: DB, texts: readonly { readonly id: string; readonly title: string; readonly body: string | null }[], nowIso: string): Promise<number> {
  if (texts.length === 0) return 0;
  const stored = new Map((await db.selectFrom('touches').select(['id', 'title', 'body', 'status']).where('id', 'in', texts.map((t) => t.id)).execute()).map((r) => [r.id, r]));
  let changed = 0;
  for (const t of texts) {
    const row = stored.get(t.id);
    if (!row || row.status !== 'planned' || (row.title === t.title && row.body === t.body)) continue;
    const [r] = await db.updateTable('touches').set({ title: t.title, body: t.body, updated_at: nowIso }).where('id', '=', t.id).where('status', '=', 'planned').execute();
    changed += Number(r?.numUpdatedRows ?? 0);
  }
  return changed;
}

/** Open touches of rules and handovers already moved forward as overdue to `today` or later (superseded-touches.ts may close them before their day). */
export async function openMovedAhead(db: DB, today: string): Promise<TouchRow[]> {
  return db.selectFrom('touches').selectAll().where('status', '=', 'planned').where('date', '>=', today).where('overdue_from', 'is not', null)
    .where(ofRulesOrHandovers).execute();
}

/** Open touches of the planner's sources (rules, campaigns, handovers) dated before `today`. */
export async function openPlannerTouchesBefore(db: DB, today: string): Promise<Pick<TouchRow, 'id' | 'source' | 'client_id' | 'contact_ids'>[]> {
  return db.selectFrom('touches').select(['id', 'source', 'client_id', 'contact_ids']).where('status', '=', 'planned').where('date', '<', today)
    .where((eb) => eb.or([eb('source', 'like', 'rule:%'), eb('source', 'like', 'campaign:%'), eb('source', 'like', 'handover:%')])).execute();
}

/**
 * The open workflow touches that concern a client (an event's call, a silence alert, an
 * escalation; a digest is no client's), by id: one of a client gone from the configuration goes
 * with the plan's touches (inapplicable-touches.ts).
 */
export async function openClientWorkflowTouches(db: DB): Promise<Pick<TouchRow, 'id' | 'client_id'>[]> {
  return db.selectFrom('touches').select(['id', 'client_id']).where('status', '=', 'planned')
    .where(sql<boolean>`not ${sql.raw(PLANNER_SOURCE_SQL)}`).where('source', 'not like', 'digest:%').execute();
}

/** Open silence alerts and escalations: the daily check cancels those whose reason is gone. */
export async function openAlerts(db: DB, clientId?: string): Promise<Pick<TouchRow, 'id' | 'series' | 'date' | 'employee_id'>[]> {
  let q = db.selectFrom('touches').select(['id', 'series', 'date', 'employee_id'])
    .where('status', '=', 'planned')
    .where((eb) => eb.or([eb('source', 'like', 'silence:%'), eb('source', 'like', 'escalation:%')]));
  if (clientId !== undefined) q = q.where('client_id', '=', clientId);
  return q.execute();
}

/** The silence alerts skipped: each its series (the episode and round it was the alert of) and when it was skipped. */
export async function skippedSilenceAlerts(db: DB): Promise<Pick<TouchRow, 'series' | 'resolved_at'>[]> {
  return db.selectFrom('touches').select(['series', 'resolved_at']).where('status', '=', 'skipped').where('source', 'like', 'silence:%').execute();
}

/** What the silence check needs of each done touch. */
export type DoneTouchFacts = Pick<TouchRow, 'client_id' | 'resolved_date' | 'date' | 'resolved_by' | 'employee_id' | 'title' | 'status'>;

/** Every done touch, with what tells when, by whom and what it was. */
export async function doneTouches(db: DB, clientId?: string): Promise<DoneTouchFacts[]> {
  let q = db.selectFrom('touches').select(['client_id', 'resolved_date', 'date', 'resolved_by', 'employee_id', 'title', 'status'])
    .where('status', '=', 'done');
  if (clientId !== undefined) q = q.where('client_id', '=', clientId);
  return q.execute();
}

/** The first days touchbase planned anything: for each client, and for the company. */
export interface TrackedSince {
  readonly byClient: ReadonlyMap<string, string>;
  /** The first day of all: a client never planned for (no contacts, no rule for it) counts from it. */
  readonly company: string | undefined;
}

/**
 * The first day touchbase's plan had anything for each client and for the company (where silence
 * counts from when nothing else says), as dates in `zone`: a first plan at 01:00 in Moscow is
 * that day's, not the day before (its UTC date).
 */
export async function trackedSinceByClient(db: DB, zone: string, clientId?: string): Promise<TrackedSince> {
  // The plan's own touches: a silence alert for a client nothing else was planned for would otherwise restart its silence.
  const planned = sql<boolean>`${sql.raw(PLANNER_SOURCE_SQL)}`;
  let q = db.selectFrom('touches').select(['client_id', (eb) => eb.fn.min('created_at').as('first')]).where(planned);
  if (clientId !== undefined) q = q.where('client_id', '=', clientId);
  const rows = await q.groupBy('client_id').execute();
  const day = (instant: unknown) => DateTime.fromISO(String(instant), { zone: 'utc' }).setZone(zone).toISODate()!;
  const byClient = new Map(rows.filter((r) => r.first).map((r) => [r.client_id, day(r.first)]));
  if (clientId === undefined) return { byClient, company: [...byClient.values()].sort()[0] };
  const first = await db.selectFrom('touches').select((eb) => eb.fn.min('created_at').as('first')).where(planned).executeTakeFirst();
  return { byClient, company: first?.first ? day(first.first) : undefined };
}
