/**
 * The state of one touch in one calendar, and the rules that move it (docs/sync-states.md).
 * Pure: the reconciler (src/sync/reconciler.ts) reads a row, asks `nextStep`, makes one call, and
 * records what the service answered with `afterRead` or its own bookkeeping.
 *
 * Three facts per (touch, calendar):
 * - desired: should our event be there (present, with a content hash) or not (absent);
 * - remote: the last state a successful call or read confirmed (none, present, gone — our own
 *   delete confirmed —, deleted_by_user — a read showed the employee deleted our event);
 * - inflight: a write that was sent and whose outcome is not known (no answer, 5xx, the
 *   process died). While it is set, nothing is concluded and nothing else is sent: the event is
 *   read back first.
 */

export type Desired = 'present' | 'absent';
export type Remote = 'none' | 'present' | 'gone' | 'deleted_by_user';
export type WriteOp = 'create' | 'update' | 'delete';

export interface SyncState {
  readonly desired: Desired;
  readonly desiredHash: string | null;
  readonly remote: Remote;
  readonly remoteHash: string | null;
  readonly inflight: WriteOp | null;
  /** A desired content the service refused as invalid: not sent again until it changes. */
  readonly failedHash: string | null;
}

export type Step = 'read' | WriteOp | 'none';

/**
 * What to do next for a (touch, calendar), from the desired and the confirmed state alone —
 * so an intent that was abandoned before it was sent is simply never sent.
 *
 * | inflight | desired | remote                   | step                          |
 * | set      | any     | any                      | read (settle the unknown)     |
 * | —        | present | none, gone, deleted_by_u | create                        |
 * | —        | present | present, same hash       | none                          |
 * | —        | present | present, other hash      | update                        |
 * | —        | absent  | present                  | delete                        |
 * | —        | absent  | none, gone, deleted_by_u | none                          |
 *
 * A create or update whose content the service refused as invalid waits until the content changes.
 */
export function nextStep(s: SyncState): Step {
  if (s.inflight) return 'read';
  if (s.desired === 'absent') return s.remote === 'present' ? 'delete' : 'none';
  if (s.failedHash !== null && s.failedHash === s.desiredHash) return 'none';
  if (s.remote !== 'present') return 'create';
  return s.remoteHash === s.desiredHash ? 'none' : 'update';
}

/** Does the row need a call (kept as the `dirty` column, so pending work is an index scan)? */
export function needsWork(s: SyncState): boolean {
  return nextStep(s) !== 'none';
}

/** What a successful read of the event showed. */
export type ReadResult =
  | { readonly kind: 'live'; readonly hash: string | null }
  /** The service knows the event and says it is deleted (Google: status cancelled). */
  | { readonly kind: 'cancelled' }
  /** The service answered that there is no such event (404; Graph forgets deleted events). */
  | { readonly kind: 'absent' };

export interface Settled {
  readonly remote: Remote;
  /** The employee deleted an event of ours: their decision (the touch is skipped by them). */
  readonly deletedByUser: boolean;
}

/**
 * What a successful read means, given what was in flight. Absence is the employee's decision
 * only when nothing of ours could explain it: our delete in flight explains it (gone); a create
 * in flight that is not there never happened (none); an update cannot delete, so a confirmed
 * event that is now deleted was deleted by the employee.
 *
 * | inflight | read shows       | remote          | employee deleted? |
 * | any      | live event       | present         | no                |
 * | delete   | cancelled/absent | gone            | no                |
 * | create   | absent           | none            | no                |
 * | create   | cancelled        | none            | no: the id may be one an event of ours had before (see below) |
 * | update   | cancelled/absent | deleted_by_user | yes, if still desired there |
 * | —        | cancelled/absent | deleted_by_user | yes, if still desired there (only asked of a confirmed event) |
 *
 * An event we no longer want in that calendar (the touch moved to someone else, or was
 * cancelled) that the employee deleted is simply gone: nothing of theirs to record.
 *
 * A deleted event found under the id of a create in flight is not taken for the employee's
 * deletion: Google keeps a deleted event's id for good, and the id may be that of an event of ours
 * deleted before — by a sync (a row found deleted moves to its next key, but an employee removed
 * and added again, or a calendar address changed and back, starts from the first key again) — so
 * the create did not land; it is sent again, refused as taken (409), and made under the next key
 * (QA: touches skipped after a dropped connection). Had it landed and been deleted by the employee
 * within that minute, the event comes back once: a failure is never taken for their decision.
 */
export function afterRead(inflight: WriteOp | null, read: ReadResult, desired: Desired): Settled {
  if (read.kind === 'live') return { remote: 'present', deletedByUser: false };
  if (inflight === 'delete') return { remote: 'gone', deletedByUser: false };
  // Absent, the create never landed; deleted, the id may be an earlier event's (above): sent again.
  if (inflight === 'create') return { remote: 'none', deletedByUser: false };
  if (desired === 'absent') return { remote: 'gone', deletedByUser: false };
  return { remote: 'deleted_by_user', deletedByUser: true };
}

/** The key of generation `n` of a touch's event in one calendar: "<hex>" then "<hex>v1", "<hex>v2"… */
export function eventKeyOf(touchId: string, generation: number): string {
  const hex = touchId.replace(/-/g, '');
  return generation === 0 ? hex : `${hex}v${generation}`;
}

/** The generation of an event key (0 for the plain touch key). */
export function generationOf(key: string): number {
  const m = /v(\d+)$/.exec(key);
  return m ? Number(m[1]) : 0;
}
