import { sql, type Kysely } from 'kysely';

/**
 * Feed events by key alone: an event a feed takes up (a touch given to someone else) is looked
 * for in the other feeds, where it is cancelled (storage/feed-repository.ts applyFeedEvents).
 * The table's key starts with the employee and cannot answer that.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index ics_events_key on ics_events (event_key)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('ics_events_key').execute();
}
