import { sql, type Kysely } from 'kysely';

/** The planned touches (by stable id) and the log of what happened to each. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('touches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('series', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('contact_ids', 'text', (c) => c.notNull())
    .addColumn('employee_id', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('start_at', 'text', (c) => c.notNull())
    .addColumn('end_at', 'text', (c) => c.notNull())
    .addColumn('all_day', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('window_from', 'text', (c) => c.notNull())
    .addColumn('window_to', 'text', (c) => c.notNull())
    .addColumn('remind', 'text', (c) => c.notNull())
    // planned | done | skipped | cancelled (no longer in the plan; kept for the record)
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('planned', 'done', 'skipped', 'cancelled')`))
    .addColumn('resolved_at', 'text')
    .addColumn('resolved_date', 'text')
    .addColumn('resolved_by', 'text')
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('touches_date').on('touches').columns(['date']).execute();
  await db.schema.createIndex('touches_client').on('touches').columns(['client_id', 'date']).execute();
  await db.schema.createIndex('touches_series').on('touches').columns(['series', 'status']).execute();

  await db.schema
    .createTable('touch_events')
    .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('touch_id', 'text', (c) => c.notNull().references('touches.id'))
    // planned | rescheduled | reassigned | done | skipped | cancelled | restored
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('employee_id', 'text')
    .addColumn('from_date', 'text')
    .addColumn('to_date', 'text')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('touch_events_touch').on('touch_events').columns(['touch_id', 'seq']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('touch_events').execute();
  await db.schema.dropTable('touches').execute();
}
