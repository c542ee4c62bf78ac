import { sql } from 'kysely';
import type { DB } from './database.ts';
import { inBulkTransaction } from './database.ts';
import { dialectOf } from './dialect.ts';
import { applyFeedEventsPostgres } from './postgres/bulk-feeds.ts';
import type { IcsEventRow } from './schema.ts';
import { decideFeedChanges, feedEventKey, leavingOtherFeeds, type StoredFeedEvent } from './feed-decisions.ts';

/**
 * The events of the embedded iCalendar feeds (the calendar touchbase keeps itself). A sync
 * writes them in bulk, in one transaction, from the desired state: no outbox round trip and no
 * transaction per event for a file we write ourselves.
 */

/** An event a feed should hold: its key (the UID without "@touchbase"), content hash, day and content. */
export interface FeedWant {
  readonly employeeId: string;
  readonly key: string;
  readonly date: string;
  readonly hash: string;
  /** JSON of the event (a DesiredEvent). */
  readonly payload: string;
}

/** A change made to a feed (or, in a dry run, that would be made). */
export interface FeedChange {
  readonly op: 'create' | 'update' | 'delete';
  readonly employeeId: string;
  readonly key: string;
}

/**
 * Brings the feeds of `employees` to `wants` in one transaction: new events are added, changed
 * ones take a higher SEQUENCE, events of this period that are no longer wanted become
 * CANCELLED (kept a while so subscribers drop them); events before `from` are history and stay.
 * Cancelled events older than `purgeBefore` go. Returns what changed (`dryRun`: what would).
 */
export async function applyFeedEvents(
  db: DB, employees: readonly string[], wants: readonly FeedWant[], scope: { from: string; purgeBefore: string }, nowIso: string, dryRun = false,
): Promise<FeedChange[]> {
  if (employees.length === 0) return [];
  if (dialectOf(db) === 'postgres') return applyFeedEventsPostgres(db, employees, wants, scope, nowIso, dryRun);
  const only = new Set(employees);
  let changes: FeedChange[] = [];
  await inBulkTransaction(db, (sqlite) => {
    const stored = new Map<string, StoredFeedEvent>();
    const scan = sqlite.prepare('select employee_id, event_key, sequence, status, content_hash, date from ics_events where employee_id = ?').raw();
    for (const employee of only) {
      for (const [e, key, sequence, status, hash, date] of scan.iterate(employee) as Iterable<[string, string, number, string, string | null, string | null]>) {
        stored.set(feedEventKey(e, key), { sequence, status, hash, date });
      }
    }
    const d = decideFeedChanges(stored, wants, only, scope.from);
    // An event a feed takes up (new, or back after a cancel) that another feed still shows live on
    // a day before `from` changed hands: it is cancelled there. Left live, a late touch given to a
    // leaver's successor after a week without a sync stayed in both calendars, its old day being
    // history to the old feed (kept as it was). Of a later day, the old feed's own sync cancels it.
    const livesIn = sqlite.prepare("select employee_id from ics_events where event_key = ? and employee_id <> ? and status = 'confirmed' and coalesce(date, '') < ?").pluck();
    const away = leavingOtherFeeds(d, (key, employee) => livesIn.all(key, employee, scope.from) as string[]);
    changes = [...d.changes, ...away.map((a) => ({ op: 'delete' as const, employeeId: a.employee, key: a.key }))];
    if (dryRun) return;
    // A new event whose UID another feed has (a touch given to someone else) starts past that
    // feed's SEQUENCE and its cancellation: a calendar showing both feeds keeps the live one
    // (RFC 5545: the higher SEQUENCE wins), where the cancelled copy was "newer" and hid it.
    const insert = sqlite.prepare(`insert into ics_events (employee_id, event_key, sequence, status, payload, content_hash, date, updated_at)
      values (?, ?, coalesce((select max(o.sequence) + 2 from ics_events o where o.event_key = ? and o.employee_id <> ?), 0), 'confirmed', ?, ?, ?, ?)`);
    for (const w of d.inserts) insert.run(w.employeeId, w.key, w.key, w.employeeId, w.payload, w.hash, w.date, nowIso);
    // Back after a cancel too (a touch returned to this feed): past every other feed's copy.
    const update = sqlite.prepare(`update ics_events set sequence = max(?, coalesce((select max(o.sequence) + 2 from ics_events o
        where o.event_key = ics_events.event_key and o.employee_id <> ics_events.employee_id), 0)),
      status = 'confirmed', payload = ?, content_hash = ?, date = ?, updated_at = ?
      where employee_id = ? and event_key = ?`);
    for (const { want: w, sequence } of d.updates) update.run(sequence, w.payload, w.hash, w.date, nowIso, w.employeeId, w.key);
    const cancel = sqlite.prepare(`update ics_events set sequence = sequence + 1, status = 'cancelled', updated_at = ? where employee_id = ? and event_key = ?`);
    for (const c of [...d.cancels, ...away]) cancel.run(nowIso, c.employee, c.key);
    const purged = sqlite.prepare(`delete from ics_events where status = 'cancelled' and updated_at < ? and employee_id = ?`);
    for (const employee of only) purged.run(scope.purgeBefore, employee);
  });
  return changes;
}

/** Every feed event as stored, by feedEventKey: what an export needs to carry the feeds' SEQUENCE on. */
export async function storedFeedEvents(db: DB): Promise<Map<string, StoredFeedEvent>> {
  const rows = await db.selectFrom('ics_events').select(['employee_id', 'event_key', 'sequence', 'status', 'content_hash', 'date']).execute();
  return new Map(rows.map((r) => [feedEventKey(r.employee_id, r.event_key), { sequence: r.sequence, status: r.status, hash: r.content_hash, date: r.date }]));
}

/** One employee's feed events, in key order (what the feed file lists). */
export async function feedEvents(db: DB, employeeId: string): Promise<IcsEventRow[]> {
  return db.selectFrom('ics_events').selectAll().where('employee_id', '=', employeeId).orderBy('event_key').execute();
}

/** Employees whose feed file was last written from the state it has now (their fingerprint). */
export async function renderedFeeds(db: DB): Promise<Map<string, string>> {
  return new Map((await db.selectFrom('ics_feeds').selectAll().execute()).map((r) => [r.employee_id, r.fingerprint]));
}

export async function recordRenderedFeed(db: DB, employeeId: string, fingerprint: string, nowIso: string): Promise<void> {
  await db.insertInto('ics_feeds').values({ employee_id: employeeId, fingerprint, rendered_at: nowIso })
    .onConflict((oc) => oc.column('employee_id').doUpdateSet({ fingerprint, rendered_at: nowIso })).execute();
}

/**
 * A fingerprint of each employee's feed events (how many, the last change): a feed whose
 * fingerprint moved is written again. Of every employee, or of `employees` only (the query reads
 * every event's row: 80 ms for 72,000 events at 10,000 clients, for a pass that changed nothing).
 */
export async function feedFingerprints(db: DB, employees?: readonly string[]): Promise<Map<string, string>> {
  if (employees?.length === 0) return new Map();
  let query = db.selectFrom('ics_events')
    .select(['employee_id', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('updated_at').as('last'), (eb) => eb.fn.sum<number>('sequence').as('changes')]);
  if (employees) query = query.where('employee_id', 'in', employees);
  const rows = await query.groupBy('employee_id').execute();
  return new Map(rows.map((r) => [r.employee_id, `${r.n}|${r.last}|${r.changes}`]));
}

/**
 * Cancelled events older than `cancelledBefore` go (subscribers have dropped them by now), and
 * events of days before `pastBefore` (a date), long past (feed.ts KEEP_PAST_DAYS).
 */
export async function purgeOldFeedEvents(db: DB, cancelledBefore: string, pastBefore: string): Promise<void> {
  await db.deleteFrom('ics_events').where((eb) => eb.or([
    eb.and([eb('status', '=', 'cancelled'), eb('updated_at', '<', cancelledBefore)]),
    eb('date', '<', pastBefore),
  ])).execute();
}

/** One event of an employee's feed by its key (confirmed or cancelled), or undefined. */
export async function feedEvent(db: DB, employeeId: string, eventKey: string): Promise<IcsEventRow | undefined> {
  return db.selectFrom('ics_events').selectAll().where('employee_id', '=', employeeId).where('event_key', '=', eventKey).executeTakeFirst();
}

/** Writes a feed event as it is given (new, or revived under its key with the row's SEQUENCE). */
export async function putFeedEvent(db: DB, row: IcsEventRow): Promise<void> {
  await db.insertInto('ics_events').values(row)
    .onConflict((oc) => oc.columns(['employee_id', 'event_key']).doUpdateSet({
      sequence: row.sequence, status: 'confirmed', payload: row.payload, content_hash: row.content_hash, date: row.date, updated_at: row.updated_at,
    }))
    .execute();
}

/** Rewrites an existing feed event's content (with its raised SEQUENCE). */
export async function updateFeedEvent(db: DB, row: IcsEventRow): Promise<void> {
  await db.updateTable('ics_events').set({ sequence: row.sequence, payload: row.payload, content_hash: row.content_hash, date: row.date, updated_at: row.updated_at })
    .where('employee_id', '=', row.employee_id).where('event_key', '=', row.event_key).execute();
}

/** Marks a feed event cancelled with the given SEQUENCE: kept, so subscribed calendars drop it. */
export async function cancelFeedEvent(db: DB, employeeId: string, eventKey: string, sequence: number, nowIso: string): Promise<void> {
  await db.updateTable('ics_events').set({ status: 'cancelled', sequence, updated_at: nowIso })
    .where('employee_id', '=', employeeId).where('event_key', '=', eventKey).execute();
}

/**
 * Employees with any event in the feeds (cancelled ones included: they are written until purged).
 * Each found by one step of the primary key's index past the one before (a "loose index scan",
 * on SQLite and PostgreSQL alike): a few hundred look-ups, not a read of every event (asked at
 * every pass).
 */
export async function employeesInFeeds(db: DB): Promise<Set<string>> {
  const rows = await sql<{ id: string }>`with recursive fed (id) as (
      select min(employee_id) from ics_events
      union all
      select (select min(employee_id) from ics_events where employee_id > fed.id) from fed where fed.id is not null
    ) select id from fed where id is not null`.execute(db);
  return new Set(rows.rows.map((r) => r.id));
}
