import type { DB } from './database.ts';
import { dialectOf } from './dialect.ts';
import { holdHistoryForAppend, settledHistoryPoint } from './work-locks.ts';
import type { EventCause, TouchEventRow } from './schema.ts';

export type { EventCause, TouchEvent } from './schema.ts';

/** A history line to write: what happened to a touch, when, to whom, why (`cause`) and in words (`detail`). */
export type HistoryEntry = Omit<TouchEventRow, 'seq'>;

/** Every cause a history line can have, for validation and for readers that list them. */
export const EVENT_CAUSES: readonly EventCause[] = ['employee', 'plan', 'overdue', 'handover', 'workflow'];

/**
 * Appends lines to the touches' history, in the caller's transaction when `db` is one (so a
 * touch's change and its line are written together or not at all). In slices: SQLite takes a
 * bounded number of parameters per statement.
 */
export async function appendHistory(db: DB, entries: readonly HistoryEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const append = async (trx: DB) => {
    await holdHistoryForAppend(trx);
    for (let i = 0; i < entries.length; i += 100) await trx.insertInto('touch_events').values(entries.slice(i, i + 100)).execute();
  };
  // The lock is the transaction's: taken outside one, it would be let go before the insert.
  await (db.isTransaction || dialectOf(db) !== 'postgres' ? append(db) : db.transaction().execute((trx) => append(trx as unknown as DB)));
}

/**
 * Where the history log is (its last line's number, 0 when empty): what changed is what comes
 * after. Enough to see that something changed (the daemon's tick asks it often); a pass that
 * starts from it next time takes settledHistoryPoint.
 */
export async function historyPoint(db: DB): Promise<number> {
  const row = await db.selectFrom('touch_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/** The point a pass records for the next one to start from: no line below it is still to be committed. */
export function passHistoryPoint(db: DB): Promise<number> {
  return settledHistoryPoint(db, historyPoint);
}
