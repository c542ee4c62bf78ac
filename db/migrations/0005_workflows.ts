import type { Kysely } from 'kysely';
import { columnTypes } from '../../src/storage/dialect.ts';

/**
 * Relationship workflows: business events received (one per name, client and ref), touches
 * moved forward as overdue (with the day they were due), a description body for touches the
 * workflows make (silence alerts, escalations, digests), and which feed files are current.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // business_events.at is the caller's instant, with whatever offset it came with: text.
  const t = columnTypes(db);
  await db.schema.alterTable('touches').addColumn('overdue_from', t.day).execute();
  await db.schema.alterTable('touches').addColumn('body', t.text).execute();
  await db.schema.createTable('business_events')
    .addColumn('name', t.text, (c) => c.notNull())
    .addColumn('client_id', t.text, (c) => c.notNull())
    .addColumn('ref', t.text, (c) => c.notNull())
    .addColumn('at', t.text, (c) => c.notNull())
    .addColumn('touch_ids', t.text, (c) => c.notNull())
    .addColumn('received_at', t.text, (c) => c.notNull())
    .addPrimaryKeyConstraint('business_events_pk', ['name', 'client_id', 'ref'])
    .execute();
  await db.schema.createTable('ics_feeds')
    .addColumn('employee_id', t.text, (c) => c.primaryKey())
    .addColumn('fingerprint', t.text, (c) => c.notNull())
    .addColumn('rendered_at', t.text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('touches_client_status').on('touches').columns(['client_id', 'status']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('touches_client_status').execute();
  await db.schema.dropTable('ics_feeds').execute();
  await db.schema.dropTable('business_events').execute();
  await db.schema.alterTable('touches').dropColumn('body').execute();
  await db.schema.alterTable('touches').dropColumn('overdue_from').execute();
}
