import type { Kysely } from 'kysely';

/**
 * The last plan recorded for each window, as the ordered ids of its touches: `plan` run again
 * with nothing changed (the same configuration, days and stored touches) reads the touches back
 * in that order instead of planning the year again. A cache: never exported, rebuilt by the next
 * plan. Portable (the schema builder only): the PostgreSQL backend runs the same migration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('plan_snapshots')
    // `from..to` of the window planned.
    .addColumn('plan_window', 'text', (c) => c.primaryKey())
    // What the plan depended on (see plan-snapshot.ts): the snapshot holds only while it is the same.
    .addColumn('basis', 'text', (c) => c.notNull())
    // The touch ids in the plan's order, one a line.
    .addColumn('touch_ids', 'text', (c) => c.notNull())
    // Touches of the plan their stored rows do not reproduce (JSON), e.g. a done touch of an older title.
    .addColumn('apart', 'text', (c) => c.notNull())
    .addColumn('warnings', 'text', (c) => c.notNull())
    .addColumn('first_date', 'text', (c) => c.notNull())
    .addColumn('last_date', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('plan_snapshots').execute();
}
