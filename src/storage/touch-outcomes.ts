import { dialectOf } from './dialect.ts';
import type { DB } from './database.ts';
import type { EventCause, TouchRow } from './schema.ts';
import { appendHistory, type HistoryEntry } from './touch-history.ts';
import { touchById } from './sync-queries.ts';
import { inTransaction } from './transactions.ts';
import { closedAsMissed } from '../domain/status-key.ts';
import { TouchNotFoundError, TouchStateError } from '../cli/known-errors.ts';

/** How an open touch ends: done with the client, skipped (with a reason), or cancelled (no longer wanted). */
export type OutcomeStatus = 'done' | 'skipped' | 'cancelled';

/** A touch's outcome as whoever records it gives it. */
export interface OutcomeInput {
  readonly status: OutcomeStatus;
  /** ISO instant it was recorded. */
  readonly at: string;
  /**
   * The local day it counts for, in the employee's zone (done: the day it was done; skipped:
   * the history's "to" day). Default: the touch's own day. A skipped touch keeps its own day as
   * its resolution day, as it never happened.
   */
  readonly date?: string;
  /**
   * Who did it (done, skipped); default the touch's employee. A cancellation is the holder's line.
   * null: nobody — a touch closed as missed (superseded-touches.ts), which the reports count so.
   */
  readonly by?: string | null;
  /** What the employee wrote (done, skipped): kept on the touch. */
  readonly note?: string | null;
  /** The history line's words; default the note. */
  readonly detail?: string | null;
  /** Why, as a typed field (reports go by it, never by the words). */
  readonly cause: EventCause;
}

/**
 * What came of it: recorded, or refused because the touch is unknown or no longer open (done,
 * skipped or cancelled already: an outcome is never overwritten), with the touch as it is.
 */
export type OutcomeResult =
  | { readonly recorded: true; readonly touch: TouchRow }
  | { readonly recorded: false; readonly touch: TouchRow | undefined };

/**
 * The one writer of a touch's outcome, whoever records it (`touchbase done`/`skip`, a one-click
 * link, an event deleted in the employee's calendar, a re-plan that no longer has the touch, a
 * workflow whose reason is gone). The touch row and its history line are written in one
 * transaction (the caller's, when `db` is one); only an open (planned) touch takes an outcome.
 *
 *   await recordOutcome(db, id, { status: 'done', at, date: '2027-03-02', by: 'anna', note: 'called', cause: 'employee' })
 */
export async function recordOutcome(db: DB, touchId: string, o: OutcomeInput): Promise<OutcomeResult> {
  return (await recordOutcomes(db, [touchId], o))[0]!;
}

/**
 * The same outcome for many touches (a re-plan cancelling what it no longer has: thousands when
 * a rule goes), as recordOutcome records it for one, in a few statements per 500 touches.
 * Results are in the order of `touchIds`.
 */
export async function recordOutcomes(db: DB, touchIds: readonly string[], o: OutcomeInput): Promise<OutcomeResult[]> {
  if (touchIds.length === 0) return [];
  return inTransaction(db, async (trx) => {
    const results = new Map<string, OutcomeResult>();
    for (let i = 0; i < touchIds.length; i += CHUNK) {
      const ids = touchIds.slice(i, i + CHUNK);
      const rows = new Map((await trx.selectFrom('touches').selectAll().where('id', 'in', ids).execute()).map((r) => [r.id, r]));
      const open = ids.filter((id) => rows.get(id)?.status === 'planned');
      // The status condition again, and only what it changed counts: another connection may have closed a touch since our read.
      const changed = open.length === 0 ? new Set<string>() : new Set((await trx.updateTable('touches')
        .set((eb) => (o.status === 'cancelled' ? { status: 'cancelled' as const, updated_at: o.at } : {
          status: o.status, resolved_at: o.at, updated_at: o.at, note: o.note ?? null,
          // Each touch's own day and employee where the outcome gives none (a skip always keeps its own day).
          resolved_date: o.status === 'done' && o.date !== undefined ? eb.val(o.date) : eb.ref('date'),
          resolved_by: o.by !== undefined ? eb.val(o.by) : eb.ref('employee_id'),
        }))
        .where('id', 'in', open).where('status', '=', 'planned').returning('id').execute()).map((r) => r.id));
      const lines: HistoryEntry[] = [];
      for (const id of ids) {
        const row = rows.get(id);
        if (!row || !changed.has(id)) {
          results.set(id, { recorded: false, touch: row?.status === 'planned' ? await touchById(trx, id) : row });
          continue;
        }
        const touch = closed(row, o);
        lines.push({
          touch_id: id, type: o.status, at: o.at, employee_id: o.status === 'cancelled' ? row.employee_id : touch.resolved_by ?? row.employee_id,
          // A done one's day is the day it was done; a skipped one stays on the day it was planned
          // for, as its resolved_date does ("2027-01-19 → 2026-12-07" read as moved to the day of the skip: QA).
          from_date: row.date, to_date: o.status === 'cancelled' ? null : o.status === 'skipped' ? row.date : o.date ?? row.date,
          detail: o.detail !== undefined ? o.detail : o.note ?? null, cause: o.cause,
        });
        results.set(id, { recorded: true, touch });
      }
      await appendHistory(trx, lines);
    }
    return touchIds.map((id) => results.get(id)!);
  });
}

/** Touches per statement: SQLite takes a bounded number of parameters. */
const CHUNK = 500;

/** The touch as the outcome leaves it (what the update above wrote). */
function closed(row: TouchRow, o: OutcomeInput): TouchRow {
  if (o.status === 'cancelled') return { ...row, status: 'cancelled', updated_at: o.at };
  return {
    ...row, status: o.status, resolved_at: o.at, updated_at: o.at, note: o.note ?? null,
    resolved_date: o.status === 'done' ? o.date ?? row.date : row.date, resolved_by: o.by === undefined ? row.employee_id : o.by,
  };
}

export { inTransaction } from './transactions.ts';

/** A touch by full id or by an unambiguous prefix of at least 6 characters. */
export async function findTouch(db: DB, idOrPrefix: string): Promise<TouchRow> {
  const exact = await db.selectFrom('touches').selectAll().where('id', '=', idOrPrefix).executeTakeFirst();
  if (exact) return exact;
  if (idOrPrefix.length >= 6) {
    // SQLite's LIKE ignores the case of ASCII letters, PostgreSQL's does not: ILIKE there, so "B080B813" finds the same touch on both.
    const pattern = `${idOrPrefix.replace(/[%_]/g, '')}%`;
    const rows = await db.selectFrom('touches').selectAll().where('id', dialectOf(db) === 'postgres' ? 'ilike' : 'like', pattern).limit(2).execute();
    if (rows.length === 1) return rows[0]!;
    if (rows.length > 1) throw new TouchNotFoundError(`touch id prefix ${idOrPrefix} matches several touches; give more characters`);
  }
  // With a plan recorded, the id is mistyped (or of another database): "record the plan first" misled.
  const recorded = (await db.selectFrom('touches').select('id').limit(1).execute()).length > 0;
  throw new TouchNotFoundError(recorded
    ? `no touch with id ${idOrPrefix}: check the id ("touchbase plan" and "touchbase history" print each touch's, the first 8 characters are enough)`
    : `no touch with id ${idOrPrefix} (run "touchbase plan" to record the plan, then use an id it prints)`);
}

export interface Outcome {
  /** ISO instant it happened. */
  readonly at: string;
  /** Local date it counts for (in the employee's zone). */
  readonly date: string;
  readonly by: string | undefined;
  readonly note: string | undefined;
}

/** Records a touch (by id or prefix) as done by a person. Refuses a touch that is already done, skipped or cancelled. */
export async function markDone(db: DB, idOrPrefix: string, outcome: Outcome): Promise<TouchRow> {
  return resolveByPerson(db, idOrPrefix, 'done', outcome);
}

/** Records a touch (by id or prefix) as skipped by a person, with the reason. Refused as markDone is. */
export async function markSkipped(db: DB, idOrPrefix: string, outcome: Outcome & { note: string }): Promise<TouchRow> {
  return resolveByPerson(db, idOrPrefix, 'skipped', outcome);
}

async function resolveByPerson(db: DB, idOrPrefix: string, status: 'done' | 'skipped', o: Outcome): Promise<TouchRow> {
  return inTransaction(db, async (trx) => {
    const row = await findTouch(trx, idOrPrefix);
    const result = await recordOutcome(trx, row.id, { status, at: o.at, date: o.date, by: o.by, note: o.note ?? null, cause: 'employee' });
    if (!result.recorded) {
      const now = result.touch ?? row;
      // A done one's day in the employee's own calendar (resolved_date), not the UTC instant of the
      // record; a skipped one keeps the day it was planned for there, so it says so.
      const day = now.resolved_date ? (now.status === 'skipped' ? ` (it was planned for ${now.resolved_date})` : ` on ${now.resolved_date}`) : '';
      if (closedAsMissed(now)) throw new TouchStateError(`touch ${row.id} is already closed as missed${day}: a later touch with the same person made it pointless (touchbase history says which)`);
      throw new TouchStateError(`touch ${row.id} is already ${now.status}${day}${now.resolved_by ? ` by ${now.resolved_by}` : ''}`);
    }
    return result.touch;
  });
}

/**
 * The employee deleted the touch's event in their own calendar (a successful read showed it):
 * their decision, recorded as the touch skipped by them. A touch that is no longer open (done,
 * skipped, cancelled) keeps its outcome. Returns whether the touch was skipped now.
 */
export async function skipDeletedInCalendar(db: DB, touchId: string, employeeId: string, nowIso: string): Promise<boolean> {
  return (await recordOutcome(db, touchId, { status: 'skipped', at: nowIso, by: employeeId, note: DELETED_IN_CALENDAR, cause: 'employee' })).recorded;
}

/** The note of a touch skipped because its employee deleted its event in their calendar. */
export const DELETED_IN_CALENDAR = 'deleted from the calendar by the employee';
