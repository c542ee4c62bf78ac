import type { Kysely } from 'kysely';
import { columnTypes } from '../../src/storage/dialect.ts';

/**
 * Which mailbox (Outlook) or calendar (Google) each employee's events were written to, and the
 * events left in one they no longer use. An employee's `email` may change (a new mailbox, a
 * renamed one): the events of the old address are not in the new one, and a read there finding
 * nothing must not be taken for the employee deleting them (which would skip their touches for
 * good). The sync compares the address with the one recorded; when it changed, the rows are
 * written again at the new address and the old events are deleted where they are
 * (storage/calendar-addresses.ts, sync/former-calendars.ts). Each table is made only if missing:
 * SQLite's schema changes are not in a transaction of kysely's migrator.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.createTable('calendar_addresses').ifNotExists()
    .addColumn('employee_id', t.text, (c) => c.notNull())
    .addColumn('provider', t.text, (c) => c.notNull())
    // As written in the configuration, lower case: mailboxes do not tell case apart.
    .addColumn('address', t.text, (c) => c.notNull())
    .addColumn('updated_at', t.text, (c) => c.notNull())
    .addPrimaryKeyConstraint('calendar_addresses_pk', ['employee_id', 'provider'])
    .execute();
  await db.schema.createTable('calendar_leftovers').ifNotExists()
    .addColumn('employee_id', t.text, (c) => c.notNull())
    .addColumn('provider', t.text, (c) => c.notNull())
    // The address the event is in (no longer the employee's).
    .addColumn('address', t.text, (c) => c.notNull())
    .addColumn('event_key', t.text, (c) => c.notNull())
    // The provider's id when it was confirmed; null for a write whose outcome was never known (found by its key).
    .addColumn('remote_id', t.text)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', t.text)
    .addColumn('created_at', t.text, (c) => c.notNull())
    .addPrimaryKeyConstraint('calendar_leftovers_pk', ['employee_id', 'provider', 'address', 'event_key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('calendar_leftovers').ifExists().execute();
  await db.schema.dropTable('calendar_addresses').ifExists().execute();
}
