import type { Kysely } from 'kysely';
import { columnTypes } from '../../src/storage/dialect.ts';

/**
 * The directors' dashboard: what the job process precomputes after each sync (clients with
 * their figures, who may see which client, employees, report rows, the 12-month forecast), so
 * that a page is a few indexed reads; one-time sign-in links; each person's language choice;
 * (an employee's agenda reads the touches_employee_date index of 0007).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Precomputed, never exported: the flags and counts stay integers on both databases.
  const t = columnTypes(db);
  await db.schema.createTable('dashboard_meta')
    .addColumn('key', t.text, (c) => c.primaryKey())
    .addColumn('value', t.text, (c) => c.notNull())
    .execute();
  await db.schema.createTable('dashboard_clients')
    .addColumn('id', t.text, (c) => c.primaryKey())
    .addColumn('pos', 'integer', (c) => c.notNull())
    .addColumn('name', t.text, (c) => c.notNull())
    .addColumn('tier', t.text)
    .addColumn('industry', t.text)
    .addColumn('country', t.text, (c) => c.notNull())
    .addColumn('stage', t.text, (c) => c.notNull())
    .addColumn('owner', t.text, (c) => c.notNull())
    .addColumn('last_done', t.text)
    .addColumn('last_by', t.text)
    .addColumn('last_title', t.text)
    .addColumn('next_touch', t.text)
    .addColumn('next_by', t.text)
    .addColumn('next_title', t.text)
    .addColumn('ours_12', 'integer', (c) => c.notNull())
    .addColumn('theirs_12', 'integer', (c) => c.notNull())
    .addColumn('silent_days', 'integer')
    .addColumn('silent', 'integer', (c) => c.notNull())
    .addColumn('single', 'integer', (c) => c.notNull())
    .addColumn('search', t.text, (c) => c.notNull())
    .addColumn('detail', t.text, (c) => c.notNull())
    .execute();
  await db.schema.createTable('dashboard_client_people')
    .addColumn('employee_id', t.text, (c) => c.notNull())
    .addColumn('client_id', t.text, (c) => c.notNull())
    .addPrimaryKeyConstraint('dashboard_client_people_pk', ['employee_id', 'client_id'])
    .execute();
  await db.schema.createTable('dashboard_employees')
    .addColumn('id', t.text, (c) => c.primaryKey())
    .addColumn('pos', 'integer', (c) => c.notNull())
    .addColumn('name', t.text, (c) => c.notNull())
    .addColumn('role', t.text, (c) => c.notNull())
    .addColumn('timezone', t.text, (c) => c.notNull())
    .addColumn('calendar', t.text, (c) => c.notNull())
    .addColumn('meetings_per_day', 'integer')
    // Touches in the next two weeks and overdue touches they own, as of the snapshot.
    .addColumn('agenda', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('overdue', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createTable('dashboard_rows')
    .addColumn('report', t.text, (c) => c.notNull())
    .addColumn('pos', 'integer', (c) => c.notNull())
    .addColumn('client_id', t.text)
    .addColumn('employee_id', t.text)
    .addColumn('row', t.text, (c) => c.notNull())
    // What pages filter on without reading the rows: a mark (a client served by one person, a
    // pair's status) and a day (a greeting's), per report.
    .addColumn('tag', t.text)
    .addColumn('day', t.text)
    .addPrimaryKeyConstraint('dashboard_rows_pk', ['report', 'pos'])
    .execute();
  await db.schema.createIndex('dashboard_rows_client').on('dashboard_rows').columns(['report', 'client_id']).execute();
  await db.schema.createIndex('dashboard_rows_employee').on('dashboard_rows').columns(['report', 'employee_id']).execute();
  await db.schema.createIndex('dashboard_rows_tag').on('dashboard_rows').columns(['report', 'tag']).execute();
  await db.schema.createIndex('dashboard_rows_day').on('dashboard_rows').columns(['report', 'day']).execute();
  await db.schema.createTable('dashboard_forecast')
    .addColumn('client_id', t.text, (c) => c.notNull())
    .addColumn('touches', t.text, (c) => c.notNull())
    .addPrimaryKeyConstraint('dashboard_forecast_pk', ['client_id'])
    .execute();
  await db.schema.createTable('dashboard_sign_in')
    .addColumn('token_hash', t.text, (c) => c.primaryKey())
    .addColumn('employee_id', t.text)
    .addColumn('created_at', t.text, (c) => c.notNull())
    .addColumn('expires_at', t.text, (c) => c.notNull())
    .addColumn('used_at', t.text)
    .execute();
  await db.schema.createTable('dashboard_prefs')
    .addColumn('employee_id', t.text, (c) => c.primaryKey())
    .addColumn('language', t.text, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['dashboard_prefs', 'dashboard_sign_in', 'dashboard_forecast', 'dashboard_rows', 'dashboard_employees', 'dashboard_client_people', 'dashboard_clients', 'dashboard_meta']) {
    await db.schema.dropTable(table).execute();
  }
}
