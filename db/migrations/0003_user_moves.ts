import type { Kysely } from 'kysely';

/** A touch the employee moved in their own calendar keeps that time: the plan never moves it back. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('touches').addColumn('moved_by_user', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('touches').dropColumn('moved_by_user').execute();
}
