import type { Kysely } from 'kysely';
import { columnTypes } from '../../src/storage/dialect.ts';

/**
 * The daemon's memory between runs: per job the watermark (the instant of its last run, so a
 * restart catches up once and never repeats a tick), its last result and backoff; one-click
 * link tokens already used; and a few key/value facts for `touchbase status`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Instants stay text: a watermark is compared and kept with max() as the clock wrote it.
  const t = columnTypes(db);
  await db.schema.createTable('daemon_jobs')
    .addColumn('name', t.text, (c) => c.primaryKey())
    .addColumn('watermark', t.text)
    .addColumn('last_started_at', t.text)
    .addColumn('last_finished_at', t.text)
    .addColumn('last_result', t.text)
    .addColumn('last_error', t.text)
    .addColumn('last_summary', t.text)
    .addColumn('last_duration_ms', 'integer')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retry_at', t.text)
    .execute();
  await db.schema.createTable('used_links')
    .addColumn('token_hash', t.text, (c) => c.primaryKey())
    .addColumn('touch_id', t.text, (c) => c.notNull())
    .addColumn('action', t.text, (c) => c.notNull())
    .addColumn('used_at', t.text, (c) => c.notNull())
    .execute();
  await db.schema.createTable('daemon_info')
    .addColumn('key', t.text, (c) => c.primaryKey())
    .addColumn('value', t.text, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('daemon_info').execute();
  await db.schema.dropTable('used_links').execute();
  await db.schema.dropTable('daemon_jobs').execute();
}
