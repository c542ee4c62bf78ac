import { sql, type Kysely } from 'kysely';

/**
 * The calendar entries a calendar refused as invalid (an event it will not take as it is): they
 * wait, not dirty, for their touch to change, and `status`, /metrics and the dashboard count them
 * by this partial index rather than by reading every entry (storage/calendar-sync-repository.ts
 * refusedWrites). The condition is written as the query writes it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index calendar_sync_refused on calendar_sync (employee_id) where failed_hash is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('calendar_sync_refused').execute();
}
