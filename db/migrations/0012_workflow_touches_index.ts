import { sql, type Kysely } from 'kysely';

/**
 * The touches `plan` adds to the planner's: those the workflows made (business events, silence
 * alerts, escalations, digests: a source that is not a rule's, a campaign's or a handover's) and
 * those moved forward as overdue. A partial index of just them, so that `plan` finds the few
 * of a year without reading the year's rows by date (a quarter of a second at 10,000 clients).
 * The condition is written out here as the query writes it (storage/touch-repository.ts
 * workflowTouches): each database uses a partial index only for a query that says the same.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index touches_workflow on touches (date)
    where overdue_from is not null or (source not like 'rule:%' and source not like 'campaign:%' and source not like 'handover:%')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('touches_workflow').execute();
}
