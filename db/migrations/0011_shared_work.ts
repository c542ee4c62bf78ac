import type { Kysely } from 'kysely';

/**
 * Several daemons sharing the work on one database (README, "Running several daemons").
 *
 * - daemon_instances: every running daemon, its address and its last heartbeat. One whose
 *   heartbeat is older than the lease is dead; a clean stop removes its row.
 * - calendar_claims: which instance works an employee's calendar (employee × provider) until
 *   when. A claim is taken in one conditional upsert (free, expired, or already ours), renewed
 *   before each write, released when done: one writer per calendar, so an employee's writes stay
 *   in order and Outlook's per-mailbox limit holds across instances.
 * - rate_buckets: a token bucket per (provider, employee), taken in one conditional update, so
 *   the provider's per-user rate holds for all instances together. refilled_ms is epoch
 *   milliseconds: the refill is arithmetic both databases do the same way.
 *
 * All three are transient (they describe the daemons running now): an export leaves them out.
 * Instants are ISO-8601 UTC text, like every other table's (compared as text: one format).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('daemon_instances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('heartbeat_at', 'text', (c) => c.notNull())
    // Its own lease: dead once heartbeat_at + lease_ms has passed (status reads it, whatever its own settings).
    .addColumn('lease_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createTable('calendar_claims')
    .addColumn('employee_id', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('calendar_claims_pk', ['employee_id', 'provider'])
    .execute();
  await db.schema.createIndex('calendar_claims_holder').on('calendar_claims').column('holder').execute();
  await db.schema.createTable('rate_buckets')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('tokens', 'double precision', (c) => c.notNull())
    .addColumn('refilled_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_buckets_pk', ['provider', 'subject'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_buckets').execute();
  await db.schema.dropTable('calendar_claims').execute();
  await db.schema.dropTable('daemon_instances').execute();
}
