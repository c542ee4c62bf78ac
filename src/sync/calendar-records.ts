import type { DB } from '../storage/database.ts';

export interface EventRef {
  readonly touchId: string;
  readonly employeeId: string;
  readonly provider: string;
  readonly key: string;
  readonly providerId: string;
  readonly contentHash: string;
}

/**
 * The employee deleted the event in their calendar: remembered so it is never pushed again,
 * and the touch counts as skipped by them (their decision, visible in the history).
 * Call inside a transaction.
 */
export async function recordDeletedByUser(db: DB, ref: EventRef, nowIso: string): Promise<void> {
  const values = {
    touch_id: ref.touchId, employee_id: ref.employeeId, provider: ref.provider, event_key: ref.key, provider_id: ref.providerId,
    etag: null, content_hash: ref.contentHash, state: 'deleted_by_user' as const, updated_at: nowIso,
  };
  await db.insertInto('calendar_events').values(values)
    .onConflict((oc) => oc.column('touch_id').doUpdateSet({ state: 'deleted_by_user', employee_id: ref.employeeId, updated_at: nowIso })).execute();
  const touch = await db.selectFrom('touches').select(['status', 'date']).where('id', '=', ref.touchId).executeTakeFirst();
  if (touch?.status !== 'planned') return;
  const note = 'deleted from the calendar by the employee';
  await db.updateTable('touches').set({ status: 'skipped', resolved_at: nowIso, resolved_date: touch.date, resolved_by: ref.employeeId, note, updated_at: nowIso })
    .where('id', '=', ref.touchId).execute();
  await db.insertInto('touch_events').values({ touch_id: ref.touchId, type: 'skipped', at: nowIso, employee_id: ref.employeeId, from_date: touch.date, to_date: touch.date, detail: note }).execute();
}
