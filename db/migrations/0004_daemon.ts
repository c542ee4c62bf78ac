import type { Kysely } from 'kysely';

/**
 * The daemon's memory between runs: per job the watermark (the instant of its last run, so a
 * restart catches up once and never repeats a tick), its last result and backoff; one-click
 * link tokens already used; and a few key/value facts for `touchbase status`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('daemon_jobs')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('watermark', 'text')
    .addColumn('last_started_at', 'text')
    .addColumn('last_finished_at', 'text')
    .addColumn('last_result', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_summary', 'text')
    .addColumn('last_duration_ms', 'integer')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retry_at', 'text')
    .execute();
  await db.schema.createTable('used_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('touch_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createTable('daemon_info')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('daemon_info').execute();
  await db.schema.dropTable('used_links').execute();
  await db.schema.dropTable('daemon_jobs').execute();
}
