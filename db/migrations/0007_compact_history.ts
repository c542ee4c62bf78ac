import { sql, type Kysely } from 'kysely';

/**
 * A plan no longer writes a history line for each new touch (its row says when it was
 * planned): the lines already written go, and so do two indexes no query uses. A database of
 * a 10,000-client company's year is a fraction of what it was.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`delete from touch_events where type = 'planned'`.execute(db);
  await db.schema.dropIndex('touches_client').ifExists().execute();
  await db.schema.dropIndex('touches_series').ifExists().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('touches_client').on('touches').columns(['client_id', 'date']).execute();
  await db.schema.createIndex('touches_series').on('touches').columns(['series', 'status']).execute();
}
