import { sql, type Kysely } from 'kysely';

/**
 * A plan snapshot's touch ids (0010_plan_snapshots.ts) move from one value to parts of a table of
 * their own, each the ids of a few thousand touches in the plan's order. As one value, the ids of
 * a 10,000-client year were a 13.5 MB string held four times over while it was written (the
 * string, its UTF-8, SQLite's copy of the bound value, the record made of it): the peak of a first
 * plan's memory. Written a part at a time, as the plan's rows are (storage/first-plan-loader.ts),
 * they cost next to nothing. The snapshots kept so far are forgotten (a cache: the next plan plans
 * again). Portable: the PostgreSQL backend runs the same migration (it keeps no snapshots). Each
 * step may run again: SQLite's schema changes are not in a transaction of kysely's migrator, so a
 * process stopped half-way runs the rest at its next start.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`delete from plan_snapshots`.execute(db);
  if (await hasIdsColumn(db)) await db.schema.alterTable('plan_snapshots').dropColumn('touch_ids').execute();
  await db.schema.createTable('plan_snapshot_ids').ifNotExists()
    .addColumn('plan_window', 'text', (c) => c.notNull())
    // From 0, in the plan's order.
    .addColumn('part', 'integer', (c) => c.notNull())
    // The touch ids of the part, one a line.
    .addColumn('ids', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('plan_snapshot_ids_key', ['plan_window', 'part'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('plan_snapshot_ids').ifExists().execute();
  await sql`delete from plan_snapshots`.execute(db);
  if (!await hasIdsColumn(db)) await db.schema.alterTable('plan_snapshots').addColumn('touch_ids', 'text', (c) => c.notNull().defaultTo('')).execute();
}

async function hasIdsColumn(db: Kysely<unknown>): Promise<boolean> {
  const table = (await db.introspection.getTables()).find((t) => t.name === 'plan_snapshots');
  return table?.columns.some((c) => c.name === 'touch_ids') ?? false;
}
