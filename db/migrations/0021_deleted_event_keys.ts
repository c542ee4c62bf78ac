import { sql, type Kysely } from 'kysely';

/**
 * A calendar row whose event was found deleted (by our delete or the employee's) takes its next
 * event key at once (storage/calendar-sync-repository.ts keyAfter): Google keeps a deleted event
 * under its id for good, so a create under that id is only refused. Rows recorded so before this
 * version move on to their next key here. Keys are the entry's 32 hex digits, then "v" and the
 * generation from the second one on (sync-state.ts eventKeyOf). A row with a write in flight is
 * left as it is: its read decides first (sync-state.ts afterRead).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`update calendar_sync set event_key = case when length(event_key) = 32 then event_key || 'v1'
      else substr(event_key, 1, 33) || cast(cast(substr(event_key, 34) as integer) + 1 as text) end
    where remote in ('gone', 'deleted_by_user') and inflight_op is null
      and (length(event_key) = 32 or substr(event_key, 33, 1) = 'v')`.execute(db);
}

export async function down(): Promise<void> {
  // The next keys are as good as the old ones: nothing to undo.
}
