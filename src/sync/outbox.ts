import type { DB } from '../storage/database.ts';
import type { Selectable } from 'kysely';
import type { OutboxRow } from '../storage/schema.ts';

export type OutboxEntry = Selectable<OutboxRow>;
import type { ProviderName } from '../calendar/port.ts';
import type { Recorded, SyncOperation } from './sync-plan.ts';

/**
 * The outbox: every intended calendar write is stored here, in a transaction, before any
 * call is made; the provider's answer is recorded after. A crash in between leaves the
 * row pending, and the next run repeats it through the adapters' adopt-before-create.
 */
export async function enqueue(db: DB, ops: readonly SyncOperation[], nowIso: string): Promise<number> {
  if (ops.length === 0) return 0;
  await db.transaction().execute(async (trx) => {
    for (const op of ops) {
      const payload = op.op === 'delete' ? null : JSON.stringify(op.event);
      const pending = await trx.selectFrom('outbox').select(['seq', 'op', 'payload', 'attempts', 'next_attempt_at'])
        .where('touch_id', '=', op.touchId).where('employee_id', '=', op.employeeId).where('status', '=', 'pending').executeTakeFirst();
      // The same intent is already waiting (perhaps for a Retry-After): leave it be.
      if (pending && pending.op === op.op && pending.payload === payload) continue;
      // A newer intent replaces the older one, but keeps its wait: a change never jumps a throttle.
      if (pending) await trx.updateTable('outbox').set({ status: 'superseded', updated_at: nowIso }).where('seq', '=', pending.seq).execute();
      await trx.insertInto('outbox').values({
        touch_id: op.touchId, employee_id: op.employeeId, provider: op.provider, op: op.op,
        provider_id: op.op === 'create' ? null : op.providerId,
        payload,
        content_hash: op.op === 'delete' ? null : op.event.contentHash,
        status: 'pending', attempts: pending?.attempts ?? 0,
        next_attempt_at: pending && pending.next_attempt_at > nowIso ? pending.next_attempt_at : nowIso,
        last_error: null, created_at: nowIso, updated_at: nowIso,
      }).execute();
    }
  });
  return ops.length;
}

export async function pendingTouchIds(db: DB): Promise<Set<string>> {
  const rows = await db.selectFrom('outbox').select('touch_id').where('status', '=', 'pending').execute();
  return new Set(rows.map((r) => r.touch_id));
}

/** Pending operations due by `nowIso`, oldest first. */
export async function dueOperations(db: DB, nowIso: string, employee?: string): Promise<OutboxEntry[]> {
  let q = db.selectFrom('outbox').selectAll().where('status', '=', 'pending').where('next_attempt_at', '<=', nowIso).orderBy('seq');
  if (employee) q = q.where('employee_id', '=', employee);
  return q.execute();
}

/** The recorded events of touches dated in [from, to] (older ones are history and stay). */
export async function recordedEvents(db: DB, from: string, to: string): Promise<Map<string, Recorded>> {
  const rows = await db.selectFrom('calendar_events').innerJoin('touches', 'touches.id', 'calendar_events.touch_id')
    .select(['calendar_events.touch_id', 'calendar_events.employee_id', 'calendar_events.provider', 'calendar_events.provider_id',
      'calendar_events.content_hash', 'calendar_events.state'])
    .where('touches.date', '>=', from).where('touches.date', '<=', to).execute();
  return new Map(rows.map((r) => [r.touch_id, {
    touchId: r.touch_id, employeeId: r.employee_id, provider: r.provider as ProviderName, providerId: r.provider_id,
    contentHash: r.content_hash, state: r.state,
  }]));
}
