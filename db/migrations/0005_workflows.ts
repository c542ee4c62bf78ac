import type { Kysely } from 'kysely';

/**
 * Relationship workflows: business events received (one per name, client and ref), touches
 * moved forward as overdue (with the day they were due), a description body for touches the
 * workflows make (silence alerts, escalations, digests), and which feed files are current.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('touches').addColumn('overdue_from', 'text').execute();
  await db.schema.alterTable('touches').addColumn('body', 'text').execute();
  await db.schema.createTable('business_events')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('touch_ids', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('business_events_pk', ['name', 'client_id', 'ref'])
    .execute();
  await db.schema.createTable('ics_feeds')
    .addColumn('employee_id', 'text', (c) => c.primaryKey())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('rendered_at', 'text', (c) => c.notNull())
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
