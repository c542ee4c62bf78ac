import { sql, type Kysely } from 'kysely';
import { columnTypes } from '../../src/storage/dialect.ts';

/**
 * Why each history line happened, as a typed field: reports tell a move by the employee from
 * one by the plan or the overdue check by it, not by matching the English `detail` (which stays
 * as the human-readable text). Earlier lines get their cause from the texts touchbase wrote.
 *
 * - employee: a person did it (in their calendar, by a one-click link, with `touchbase done`/`skip`)
 * - plan: a re-plan moved, reassigned, cancelled or restored it
 * - overdue: the daily check moved it forward as overdue
 * - handover: a re-plan took it from an employee who leaves by a handover (to their successor)
 * - workflow: a workflow made or cleared it (a business event, silence, an escalation, a digest)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('touch_events')
    .addColumn('cause', columnTypes(db).text, (c) => c.notNull().defaultTo('plan')
      .check(sql`cause in ('employee', 'plan', 'overdue', 'handover', 'workflow')`))
    .execute();
  await sql`update touch_events set cause = case
      when type = 'planned' then 'workflow'
      when type in ('done', 'skipped') then 'employee'
      when type = 'rescheduled' and detail like 'overdue since %' then 'overdue'
      when type = 'rescheduled' and (detail = 'moved in the calendar by the employee' or detail like 'snoozed%') then 'employee'
      when type = 'restored' and detail like 'undone from the calendar link%' then 'employee'
      when type = 'cancelled' and (detail = 'the client was touched: the silence is over' or detail like 'the overdue touch was %') then 'workflow'
      when type = 'reassigned' and detail like 'from %' and exists (
        select 1 from touches h where h.source like 'handover:' || substr(touch_events.detail, 6) || ':%'
      ) then 'handover'
      else 'plan' end`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('touch_events').dropColumn('cause').execute();
}
