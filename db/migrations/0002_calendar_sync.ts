import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../../src/storage/dialect.ts';

/**
 * Calendar sync: what each touch's event is in its calendar, the outbox of intended writes
 * (stored before any call), the events of the iCalendar feeds, and local secrets.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // calendar_events and outbox are dropped by 0006 (and never hold a row on PostgreSQL).
  const t = columnTypes(db);
  await db.schema
    .createTable('calendar_events')
    .addColumn('touch_id', t.text, (c) => c.primaryKey())
    .addColumn('employee_id', t.text, (c) => c.notNull())
    .addColumn('provider', t.text, (c) => c.notNull())
    .addColumn('event_key', t.text, (c) => c.notNull())
    .addColumn('provider_id', t.text, (c) => c.notNull())
    .addColumn('etag', t.text)
    .addColumn('content_hash', t.text, (c) => c.notNull())
    // active | deleted_by_user
    .addColumn('state', t.text, (c) => c.notNull())
    .addColumn('updated_at', t.text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('calendar_events_employee').on('calendar_events').columns(['employee_id']).execute();

  await db.schema
    .createTable('outbox')
    .addColumn('seq', t.postgres ? 'serial' : 'integer', (c) => (t.postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('touch_id', t.text, (c) => c.notNull())
    .addColumn('employee_id', t.text, (c) => c.notNull())
    .addColumn('provider', t.text, (c) => c.notNull())
    .addColumn('op', t.text, (c) => c.notNull().check(sql`op in ('create', 'update', 'delete')`))
    .addColumn('provider_id', t.text)
    .addColumn('payload', t.text)
    .addColumn('content_hash', t.text)
    // pending | done | failed | superseded
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', t.text, (c) => c.notNull())
    .addColumn('last_error', t.text)
    .addColumn('created_at', t.text, (c) => c.notNull())
    .addColumn('updated_at', t.text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_pending').on('outbox').columns(['status', 'next_attempt_at']).execute();
  // One pending operation per touch and calendar: a newer intent replaces the older one.
  await sql`create unique index outbox_one_pending on outbox (touch_id, employee_id) where status = 'pending'`.execute(db);

  await db.schema
    .createTable('ics_events')
    .addColumn('employee_id', t.text, (c) => c.notNull())
    .addColumn('event_key', t.text, (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    // confirmed | cancelled (kept for a while so subscribed calendars drop it)
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('payload', t.text, (c) => c.notNull())
    .addColumn('updated_at', t.text, (c) => c.notNull())
    .addPrimaryKeyConstraint('ics_events_pk', ['employee_id', 'event_key'])
    .execute();

  await db.schema
    .createTable('local_secrets')
    .addColumn('name', t.text, (c) => c.primaryKey())
    .addColumn('value', t.text, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['local_secrets', 'ics_events', 'outbox', 'calendar_events']) await db.schema.dropTable(table).execute();
}
