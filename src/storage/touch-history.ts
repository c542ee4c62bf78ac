import type { DB } from './database.ts';
import { dialectOf } from './dialect.ts';
import { inTransaction } from './transactions.ts';
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
  await (dialectOf(db) === 'postgres' ? inTransaction(db, append) : append(db));
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

/**
 * What the daemon's tick compares to see that the history changed. On PostgreSQL also how many
 * lines there are: a line numbered before the last one but committed after it (a long daily
 * check of another process) leaves the last number as it was.
 */
export async function historyMark(db: DB): Promise<string> {
  if (dialectOf(db) !== 'postgres') return String(await historyPoint(db));
  const row = await db.selectFrom('touch_events').select((eb) => [eb.fn.max('seq').as('seq'), eb.fn.countAll().as('lines')]).executeTakeFirst();
  return `${Number(row?.seq ?? 0)}/${Number(row?.lines ?? 0)}`;
}

/**
 * Whether a line after `seq` was written by anyone but a plan (a done from the command line, a
 * link, a daily check): written while a pass ran, it may come after the point that pass started
 * from, and only the next pass takes it to the calendars.
 */
export async function othersWroteSince(db: DB, seq: number): Promise<boolean> {
  const row = await db.selectFrom('touch_events').select('seq').where('seq', '>', seq).where('cause', 'not in', ['plan', 'handover']).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * The point a pass records for the next one to start from: no line below it is still to be
 * committed. Undefined when other writers never paused for a minute (the pass then hands on
 * the point it started from itself: the next one reads more, and misses nothing).
 */
export function passHistoryPoint(db: DB): Promise<number | undefined> {
  return settledHistoryPoint(db, historyPoint);
}
