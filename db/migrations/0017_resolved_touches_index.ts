import { sql, type Kysely } from 'kysely';

/**
 * The touches done or skipped, by day: `plan` lists those of its period that the plan no longer
 * makes (a cadence changed since; storage/touch-repository.ts resolvedPlannerTouches). A partial
 * index of just them: read by date alone, a 10,000-client year's rows took 0.15–0.2 s to find
 * none. The condition is written out as the query writes it: each database uses a partial index
 * only for a query that says the same.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index touches_resolved on touches (date) where status in ('done', 'skipped')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('touches_resolved').execute();
}
