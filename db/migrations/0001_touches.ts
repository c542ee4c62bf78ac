import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../../src/storage/dialect.ts';

/** The planned touches (by stable id) and the log of what happened to each. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // PostgreSQL: real boolean, date and timestamptz columns where every value has one canonical form
  // (days 'YYYY-MM-DD'; instants the clock's UTC ISO with milliseconds). start_at/end_at keep
  // their zone's offset ('…T14:30:00.000+03:00'): text on both.
  const t = columnTypes(db);
  await db.schema
    .createTable('touches')
    .addColumn('id', t.text, (c) => c.primaryKey())
    .addColumn('source', t.text, (c) => c.notNull())
    .addColumn('series', t.text, (c) => c.notNull())
    .addColumn('kind', t.text, (c) => c.notNull())
    .addColumn('client_id', t.text, (c) => c.notNull())
    .addColumn('contact_ids', t.text, (c) => c.notNull())
    .addColumn('employee_id', t.text, (c) => c.notNull())
    .addColumn('date', t.day, (c) => c.notNull())
    .addColumn('start_at', t.text, (c) => c.notNull())
    .addColumn('end_at', t.text, (c) => c.notNull())
    .addColumn('all_day', t.flag, (c) => c.notNull())
    .addColumn('title', t.text, (c) => c.notNull())
    .addColumn('window_from', t.day, (c) => c.notNull())
    .addColumn('window_to', t.day, (c) => c.notNull())
    .addColumn('remind', t.text, (c) => c.notNull())
    // planned | done | skipped | cancelled (no longer in the plan; kept for the record)
    .addColumn('status', t.text, (c) => c.notNull().check(sql`status in ('planned', 'done', 'skipped', 'cancelled')`))
    .addColumn('resolved_at', t.instant)
    .addColumn('resolved_date', t.day)
    .addColumn('resolved_by', t.text)
    .addColumn('note', t.text)
    .addColumn('created_at', t.instant, (c) => c.notNull())
    .addColumn('updated_at', t.instant, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('touches_date').on('touches').columns(['date']).execute();
  await db.schema.createIndex('touches_client').on('touches').columns(['client_id', 'date']).execute();
  await db.schema.createIndex('touches_series').on('touches').columns(['series', 'status']).execute();

  await db.schema
    .createTable('touch_events')
    // An identity on PostgreSQL (by default, so an import keeps each line's number; it sets the sequence after).
    .addColumn('seq', t.postgres ? 'bigint' : 'integer', (c) => (t.postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
    .addColumn('touch_id', t.text, (c) => c.notNull().references('touches.id'))
    // planned | rescheduled | reassigned | done | skipped | cancelled | restored
    .addColumn('type', t.text, (c) => c.notNull())
    .addColumn('at', t.instant, (c) => c.notNull())
    .addColumn('employee_id', t.text)
    .addColumn('from_date', t.day)
    .addColumn('to_date', t.day)
    .addColumn('detail', t.text)
    .execute();
  await db.schema.createIndex('touch_events_touch').on('touch_events').columns(['touch_id', 'seq']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('touch_events').execute();
  await db.schema.dropTable('touches').execute();
}
