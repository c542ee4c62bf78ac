import type { Kysely } from 'kysely';
import { columnTypes } from '../../src/storage/dialect.ts';

/**
 * The calendars whose last read (the listing of our events, for the moves and deletions their
 * employees made) failed: when, since when in a row, and the provider's reason. `touchbase
 * status` shows them from here, whether or not a daemon runs, until a later read succeeds (which
 * removes the row). A failed read is never taken for anything the employee did: this only
 * reports. Made only if missing: SQLite's schema changes are not in a transaction of kysely's migrator.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.createTable('calendar_read_failures').ifNotExists()
    .addColumn('employee_id', t.text, (c) => c.notNull())
    .addColumn('provider', t.text, (c) => c.notNull())
    // The first failed read of this run of failures, and the last one (ISO instants, UTC).
    .addColumn('since', t.text, (c) => c.notNull())
    .addColumn('failed_at', t.text, (c) => c.notNull())
    // The CalendarError's code (auth, temporary, no_answer…) and its words.
    .addColumn('code', t.text, (c) => c.notNull())
    .addColumn('reason', t.text, (c) => c.notNull())
    .addPrimaryKeyConstraint('calendar_read_failures_pk', ['employee_id', 'provider'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('calendar_read_failures').ifExists().execute();
}
