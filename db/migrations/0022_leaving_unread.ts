import { sql, type Kysely } from 'kysely';

/**
 * An event that leaves an employee's calendar (its touch handed to another, or their address or
 * provider changed) whose calendar could not be read before it left: what the employee did to it
 * there (moved it, deleted it) is still to be read, before its deletion goes out — at the first
 * sync that reads that calendar (sync/observe-calendars.ts readBeforeLeaving). 1 while owed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table calendar_sync add column leaving_unread integer not null default 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table calendar_sync drop column leaving_unread`.execute(db);
}
