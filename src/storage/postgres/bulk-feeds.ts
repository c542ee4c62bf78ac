import { sql } from 'kysely';
import type { DB } from '../database.ts';
import type { FeedChange, FeedWant } from '../feed-repository.ts';
import { decideFeedChanges, feedEventKey, leavingOtherFeeds, type StoredFeedEvent } from '../feed-decisions.ts';

/** Rows per statement (one array parameter per column). */
const ROWS = 5_000;

/**
 * applyFeedEvents on PostgreSQL (feed-repository.ts dispatches here): the same decisions as
 * SQLite's, in one transaction, the rows written as arrays (unnest) a few thousand at a time.
 */
export async function applyFeedEventsPostgres(
  db: DB, employees: readonly string[], wants: readonly FeedWant[], scope: { from: string; purgeBefore: string }, nowIso: string, dryRun: boolean,
): Promise<FeedChange[]> {
  const only = new Set(employees);
  const list = [...only];
  let changes: FeedChange[] = [];
  await db.transaction().execute(async (trx) => {
    const stored = new Map<string, StoredFeedEvent>();
    const rows = await sql<{ employee_id: string; event_key: string; sequence: number; status: string; content_hash: string | null; date: string | null }>`
      select employee_id, event_key, sequence, status, content_hash, date from ics_events where employee_id = any(${list}::text[])`.execute(trx);
    for (const r of rows.rows) stored.set(feedEventKey(r.employee_id, r.event_key), { sequence: r.sequence, status: r.status, hash: r.content_hash, date: r.date });
    const d = decideFeedChanges(stored, wants, only, scope.from);
    const { inserts, updates } = d;
    // An event taken up here that another feed still shows live on a day before `from` changed hands: cancelled there (feed-repository.ts).
    const arriving = [...new Set(d.changes.filter((c) => c.op === 'create').map((c) => c.key))];
    const live = new Map<string, string[]>();
    for (let i = 0; i < arriving.length; i += ROWS) {
      const found = await sql<{ employee_id: string; event_key: string }>`
        select employee_id, event_key from ics_events where event_key = any(${arriving.slice(i, i + ROWS)}::text[]) and status = 'confirmed'
          and coalesce(date, '') < ${scope.from}`.execute(trx);
      for (const r of found.rows) live.set(r.event_key, [...(live.get(r.event_key) ?? []), r.employee_id]);
    }
    const away = leavingOtherFeeds(d, (key, employee) => (live.get(key) ?? []).filter((e) => e !== employee));
    const cancels = [...d.cancels, ...away];
    changes = [...d.changes, ...away.map((a) => ({ op: 'delete' as const, employeeId: a.employee, key: a.key }))];
    if (dryRun) return;
    for (let i = 0; i < inserts.length; i += ROWS) {
      const c = inserts.slice(i, i + ROWS);
      await sql`insert into ics_events (employee_id, event_key, sequence, status, payload, content_hash, date, updated_at)
        select u.employee_id, u.event_key,
          coalesce((select max(o.sequence) + 2 from ics_events o where o.event_key = u.event_key and o.employee_id <> u.employee_id), 0),
          'confirmed', u.payload, u.content_hash, u.date, ${nowIso}
        from unnest(${c.map((w) => w.employeeId)}::text[], ${c.map((w) => w.key)}::text[], ${c.map((w) => w.payload)}::text[], ${c.map((w) => w.hash)}::text[],
          ${c.map((w) => w.date)}::text[]) as u(employee_id, event_key, payload, content_hash, date)`.execute(trx);
    }
    for (let i = 0; i < updates.length; i += ROWS) {
      const c = updates.slice(i, i + ROWS);
      await sql`update ics_events set sequence = greatest(u.sequence, coalesce((select max(o.sequence) + 2 from ics_events o
          where o.event_key = u.event_key and o.employee_id <> u.employee_id), 0)),
        status = 'confirmed', payload = u.payload, content_hash = u.content_hash, date = u.date, updated_at = ${nowIso}
        from unnest(${c.map((u) => u.want.employeeId)}::text[], ${c.map((u) => u.want.key)}::text[], ${c.map((u) => u.sequence)}::integer[], ${c.map((u) => u.want.payload)}::text[],
          ${c.map((u) => u.want.hash)}::text[], ${c.map((u) => u.want.date)}::text[]) as u(employee_id, event_key, sequence, payload, content_hash, date)
        where ics_events.employee_id = u.employee_id and ics_events.event_key = u.event_key`.execute(trx);
    }
    for (let i = 0; i < cancels.length; i += ROWS) {
      const c = cancels.slice(i, i + ROWS);
      await sql`update ics_events set sequence = ics_events.sequence + 1, status = 'cancelled', updated_at = ${nowIso}
        from unnest(${c.map((x) => x.employee)}::text[], ${c.map((x) => x.key)}::text[]) as u(employee_id, event_key)
        where ics_events.employee_id = u.employee_id and ics_events.event_key = u.event_key`.execute(trx);
    }
    await sql`delete from ics_events where status = 'cancelled' and updated_at < ${scope.purgeBefore} and employee_id = any(${list}::text[])`.execute(trx);
  });
  return changes;
}
