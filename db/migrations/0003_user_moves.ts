import type { Kysely } from 'kysely';
import { columnTypes } from '../../src/storage/dialect.ts';

/** A touch the employee moved in their own calendar keeps that time: the plan never moves it back. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('touches').addColumn('moved_by_user', t.flag, (c) => c.notNull().defaultTo(t.flagValue(false))).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('touches').dropColumn('moved_by_user').execute();
}
