import type { Kysely } from 'kysely';
import { columnTypes } from '../../src/storage/dialect.ts';

/**
 * An event that leaves an employee's calendar (its touch handed to another, or their address or
 * provider changed) whose calendar could not be read before it left: what the employee did to it
 * there (moved it, deleted it) is still to be read, before its deletion goes out — at the first
 * sync that reads that calendar (sync/observe-calendars.ts readBeforeLeaving). 1 while owed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('calendar_sync').addColumn('leaving_unread', t.flag, (c) => c.notNull().defaultTo(t.flagValue(false))).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('calendar_sync').dropColumn('leaving_unread').execute();
}
