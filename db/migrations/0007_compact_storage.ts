import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../../src/storage/dialect.ts';

/**
 * A plan no longer writes a history line for each new touch (its row says when it was
 * planned): the lines already written go, and so do two indexes no query uses. A database of
 * a 10,000-client company's year is a fraction of what it was. Feed events carry their content
 * hash and day as columns, so a sync compares them in bulk without reading their text.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await sql`delete from touch_events where type = 'planned'`.execute(db);
  await db.schema.alterTable('ics_events').addColumn('content_hash', t.text).execute();
  await db.schema.alterTable('ics_events').addColumn('date', t.text).execute();
  // Filled from the old rows' JSON (SQLite's json_extract); a PostgreSQL database is always new, its table empty.
  if (!t.postgres) await sql`update ics_events set content_hash = json_extract(payload, '$.contentHash'), date = substr(json_extract(payload, '$.start'), 1, 10)`.execute(db);
  await db.schema.dropIndex('touches_client').ifExists().execute();
  await db.schema.dropIndex('touches_series').ifExists().execute();
  // A sync works out one employee's calendar at a time.
  await db.schema.createIndex('touches_employee_date').on('touches').columns(['employee_id', 'date']).execute();

}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('touches_employee_date').execute();
  await db.schema.createIndex('touches_client').on('touches').columns(['client_id', 'date']).execute();
  await db.schema.createIndex('touches_series').on('touches').columns(['series', 'status']).execute();
}
