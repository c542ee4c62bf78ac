import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../../src/storage/dialect.ts';

/**
 * Calendar sync as reconciliation (docs/sync-states.md): one row per calendar entry (a meeting
 * or call, or one day's all-day touches of a campaign or rule) and calendar, with
 * the desired event (present or absent, its content hash), the last state a successful call
 * or read confirmed, and the write in flight, if any (recorded before the call, so a lost
 * answer or a killed process leaves "unresolved", settled by reading before anything else).
 * Replaces the queue of operations (outbox) and the record of written events.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // entry_date stays text: rows moved from the old tables may hold '0000-00-00' (no touch).
  const t = columnTypes(db);
  await db.schema.createTable('calendar_sync')
    // The entry: a touch's id, or the id of one employee's day of all-day touches of one source.
    .addColumn('entry_id', t.text, (c) => c.notNull())
    .addColumn('entry_date', t.text, (c) => c.notNull())
    // JSON array of the entry's touch ids: whose outcome the employee's deletion or move is.
    .addColumn('members', t.text, (c) => c.notNull())
    .addColumn('employee_id', t.text, (c) => c.notNull())
    .addColumn('provider', t.text, (c) => c.notNull())
    // The event's key in that calendar: the touch's hex id, plus "v<n>" for a later generation.
    .addColumn('event_key', t.text, (c) => c.notNull())
    .addColumn('desired', t.text, (c) => c.notNull().check(sql`desired in ('present', 'absent')`))
    .addColumn('desired_hash', t.text)
    // none: nothing confirmed; present: confirmed there; gone: our delete confirmed;
    // deleted_by_user: a successful read showed the employee deleted our confirmed event.
    .addColumn('remote', t.text, (c) => c.notNull().check(sql`remote in ('none', 'present', 'gone', 'deleted_by_user')`))
    .addColumn('remote_id', t.text)
    .addColumn('remote_etag', t.text)
    .addColumn('remote_hash', t.text)
    // What we last wrote (or saw), to recognise a move the employee made.
    .addColumn('remote_start', t.text)
    .addColumn('remote_end', t.text)
    // A write sent whose outcome is not known yet (no answer, 5xx, the process died).
    .addColumn('inflight_op', t.text, (c) => c.check(sql`inflight_op in ('create', 'update', 'delete')`))
    .addColumn('inflight_at', t.text)
    // What that write sets: the content hash and times the event has if it landed.
    .addColumn('inflight_hash', t.text)
    .addColumn('inflight_start', t.text)
    .addColumn('inflight_end', t.text)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', t.text)
    .addColumn('last_error', t.text)
    // A desired content the service refused as invalid: not sent again until it changes.
    .addColumn('failed_hash', t.text)
    // 1 when the row needs a call (kept by the repository, so "what is there to do" is an index scan).
    .addColumn('dirty', t.flag, (c) => c.notNull().defaultTo(t.flagValue(false)))
    .addColumn('updated_at', t.text, (c) => c.notNull())
    .addPrimaryKeyConstraint('calendar_sync_pk', ['entry_id', 'employee_id', 'provider'])
    .execute();
  await sql`create index calendar_sync_dirty on calendar_sync (employee_id, provider) where dirty = ${t.flagValue(true)}`.execute(db);
  await db.schema.createIndex('calendar_sync_calendar').on('calendar_sync').columns(['employee_id', 'provider', 'remote']).execute();
  await db.schema.createIndex('calendar_sync_date').on('calendar_sync').columns(['entry_date']).execute();

  await db.schema.createTable('calendar_pauses')
    .addColumn('employee_id', t.text, (c) => c.notNull())
    .addColumn('provider', t.text, (c) => c.notNull())
    // auth: tried again at every sync (resumes as soon as the credentials work); quota: waits until `until`.
    .addColumn('code', t.text, (c) => c.notNull())
    .addColumn('reason', t.text, (c) => c.notNull())
    .addColumn('since', t.text, (c) => c.notNull())
    .addColumn('until', t.text)
    .addPrimaryKeyConstraint('calendar_pauses_pk', ['employee_id', 'provider'])
    .execute();

  // What the old tables knew: confirmed events, and writes whose outcome was never recorded.
  // A PostgreSQL database is always new (no touchbase before this one wrote one): the old
  // tables are empty there, and moving their rows (SQLite's json_array) is skipped.
  if (!t.postgres) await moveOldRows(db);
  await db.schema.dropTable('outbox').execute();
  await db.schema.dropTable('calendar_events').execute();
}

async function moveOldRows(db: Kysely<unknown>): Promise<void> {
  await sql`
    insert into calendar_sync (entry_id, entry_date, members, employee_id, provider, event_key, desired, desired_hash, remote, remote_id, remote_etag,
      remote_hash, remote_start, remote_end, attempts, dirty, updated_at)
    select e.touch_id, coalesce(t.date, '0000-00-00'), json_array(e.touch_id), e.employee_id, e.provider, e.event_key, case when e.state = 'active' then 'present' else 'absent' end, e.content_hash,
      case when e.state = 'active' then 'present' else 'deleted_by_user' end, e.provider_id, e.etag, e.content_hash,
      case when t.all_day = 1 then t.date else t.start_at end, case when t.all_day = 1 then null else t.end_at end, 0, 0, e.updated_at
    from calendar_events e left join touches t on t.id = e.touch_id
    -- The embedded feeds are written in bulk from the desired state: they need no sync rows.
    where e.provider <> 'ics'`.execute(db);
  // A pending write that was attempted may have been carried out: it is read back first.
  await sql`
    insert into calendar_sync (entry_id, entry_date, members, employee_id, provider, event_key, desired, remote, attempts, dirty, updated_at)
    select o.touch_id, coalesce((select t.date from touches t where t.id = o.touch_id), '0000-00-00'), json_array(o.touch_id), o.employee_id, o.provider,
      replace(o.touch_id, '-', ''), 'present', 'none', 0, 1, o.updated_at
    from outbox o where o.status = 'pending' and o.op = 'create' and o.provider <> 'ics'
      and not exists (select 1 from calendar_sync s where s.entry_id = o.touch_id and s.employee_id = o.employee_id and s.provider = o.provider)
    group by o.touch_id, o.employee_id, o.provider`.execute(db);
  await sql`
    update calendar_sync set inflight_op = (
      select o.op from outbox o where o.touch_id = calendar_sync.entry_id and o.employee_id = calendar_sync.employee_id
        and o.provider = calendar_sync.provider and o.status = 'pending' and o.attempts > 0 order by o.seq desc limit 1),
      dirty = 1
    where exists (select 1 from outbox o where o.touch_id = calendar_sync.entry_id and o.employee_id = calendar_sync.employee_id
      and o.provider = calendar_sync.provider and o.status = 'pending' and o.attempts > 0)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0006_reconciliation cannot be undone: restore the database from a backup taken before the upgrade');
}
