import type { DB } from './database.ts';
import type { CalendarLeftoverRow, CalendarSyncRow } from './schema.ts';
import { inTransaction } from './touch-repository.ts';
import { recordNothingWritten } from './calendar-sync-repository.ts';

/** One employee's calendar with a provider, at the address the configuration gives now. */
export interface CalendarAddress {
  readonly employeeId: string;
  readonly provider: string;
  readonly address: string;
}

/** Mailboxes and Google calendar ids do not tell case apart: Anna.X@… is anna.x@…. */
export function addressKey(address: string): string {
  return address.trim().toLowerCase();
}

/**
 * Records the calendar's address, and when it differs from the one recorded (the employee's
 * `email` changed), moves its events: each row from `from` on whose event is (or may be) at the
 * old address is to be written again at the new one (as never written: nothing there is known)
 * and its event at the old address is kept as a leftover to delete there. One transaction, so a
 * crash leaves either the old address with its rows as they were, or the new one with every
 * leftover recorded. Rows before `from` (past days) are left: they are never written again.
 * Returns how many events were moved (0 when the address is the recorded one, or new).
 */
export async function followAddressChange(db: DB, calendar: CalendarAddress, from: string, nowIso: string): Promise<{ moved: number; from?: string }> {
  const address = addressKey(calendar.address);
  return inTransaction(db, async (trx) => {
    const known = await trx.selectFrom('calendar_addresses').select('address')
      .where('employee_id', '=', calendar.employeeId).where('provider', '=', calendar.provider).executeTakeFirst();
    if (known?.address === address) return { moved: 0 };
    await trx.insertInto('calendar_addresses').values({ employee_id: calendar.employeeId, provider: calendar.provider, address, updated_at: nowIso })
      .onConflict((oc) => oc.columns(['employee_id', 'provider']).doUpdateSet({ address, updated_at: nowIso })).execute();
    // Back at an address whose events were still to delete there: they are this calendar's again
    // (each row's create finds its event by its key and adopts it), never to be deleted now.
    await trx.deleteFrom('calendar_leftovers').where('employee_id', '=', calendar.employeeId).where('provider', '=', calendar.provider)
      .where('address', '=', address).execute();
    if (!known) return { moved: 0 };
    // Every row whose event is (or may be) at the old address, and those the employee or we
    // deleted there: at the new one, nothing of them is known either way.
    const rows = await trx.selectFrom('calendar_sync').selectAll()
      .where('employee_id', '=', calendar.employeeId).where('provider', '=', calendar.provider).where('entry_date', '>=', from)
      .where((eb) => eb.or([eb('remote', '!=', 'none'), eb('inflight_op', 'is not', null)])).execute();
    let moved = 0;
    for (const row of rows) {
      if (row.remote === 'present' || row.inflight_op !== null) {
        moved++;
        await keepToDelete(trx, row, known.address, nowIso);
      }
      await recordNothingWritten(trx, row, nowIso);
    }
    return { moved, from: known.address };
  });
}

/** A row's event (there, or maybe there) kept to delete at `address`, a calendar its employee no longer uses. */
async function keepToDelete(trx: DB, row: CalendarSyncRow, address: string, nowIso: string): Promise<void> {
  await trx.insertInto('calendar_leftovers').values({
    employee_id: row.employee_id, provider: row.provider, address, event_key: row.event_key,
    // A write whose outcome is unknown: only its key finds it.
    remote_id: row.remote === 'present' && row.inflight_op === null ? row.remote_id : null,
    attempts: 0, last_error: null, created_at: nowIso,
  }).onConflict((oc) => oc.columns(['employee_id', 'provider', 'address', 'event_key']).doNothing()).execute();
}

/**
 * An employee gone from the configuration: their events in the calendar at `calendar.address`
 * from `from` on are kept to delete there (as after an address change), and the calendar is
 * forgotten — its rows (past ones too: nobody will write them again) and its address. Their
 * touches are someone else's now (or cancelled); without this, the events stayed in the leaver's
 * calendar beside the successor's, and their waiting writes waited for good. One transaction.
 * Coming back later, the employee's calendar starts afresh: the leftovers at the address they
 * return to are theirs again (followAddressChange), each event adopted by its key.
 */
export async function forgetRemovedCalendar(db: DB, calendar: CalendarAddress, from: string, nowIso: string): Promise<CalendarSyncRow[]> {
  return inTransaction(db, async (trx) => {
    const rows = await eventsInCalendarFrom(trx, calendar, from);
    for (const row of rows) await keepToDelete(trx, row, calendar.address, nowIso);
    await trx.deleteFrom('calendar_sync').where('employee_id', '=', calendar.employeeId).where('provider', '=', calendar.provider).execute();
    await trx.deleteFrom('calendar_addresses').where('employee_id', '=', calendar.employeeId).where('provider', '=', calendar.provider).execute();
    return rows;
  });
}

/** The events of ours in a calendar from `from` on (there, or a write whose outcome is unknown): what forgetting it deletes there. */
export async function eventsInCalendarFrom(db: DB, calendar: CalendarAddress, from: string): Promise<CalendarSyncRow[]> {
  return db.selectFrom('calendar_sync').selectAll()
    .where('employee_id', '=', calendar.employeeId).where('provider', '=', calendar.provider).where('entry_date', '>=', from)
    .where((eb) => eb.or([eb('remote', '=', 'present'), eb('inflight_op', 'is not', null)])).execute();
}

/** Every calendar whose address is recorded. */
export async function recordedCalendars(db: DB): Promise<CalendarAddress[]> {
  const rows = await db.selectFrom('calendar_addresses').select(['employee_id', 'provider', 'address']).orderBy('employee_id').orderBy('provider').execute();
  return rows.map((r) => ({ employeeId: r.employee_id, provider: r.provider, address: r.address }));
}

/** The recorded address of every calendar, by "employee provider". */
export async function recordedAddresses(db: DB): Promise<Map<string, string>> {
  const rows = await db.selectFrom('calendar_addresses').select(['employee_id', 'provider', 'address']).execute();
  return new Map(rows.map((r) => [`${r.employee_id} ${r.provider}`, r.address]));
}

/** A calendar an employee no longer uses, with events of ours left in it. */
export interface FormerMailbox {
  readonly employee_id: string;
  readonly provider: string;
  readonly address: string;
}

/**
 * The calendars with leftovers, those whose deletions failed last (a calendar that refuses us
 * waits behind the others); never one at the address its calendar has now (those events are the
 * calendar's own).
 */
export async function leftoverMailboxes(db: DB): Promise<FormerMailbox[]> {
  return db.selectFrom('calendar_leftovers as l').select(['l.employee_id', 'l.provider', 'l.address'])
    .where((eb) => eb.not(eb.exists(eb.selectFrom('calendar_addresses as a').select('a.address')
      .whereRef('a.employee_id', '=', 'l.employee_id').whereRef('a.provider', '=', 'l.provider').whereRef('a.address', '=', 'l.address'))))
    .groupBy(['l.employee_id', 'l.provider', 'l.address'])
    .orderBy((eb) => eb.fn.max('l.attempts')).orderBy((eb) => eb.fn.min('l.created_at')).orderBy('l.employee_id').orderBy('l.address').execute();
}

/**
 * The events left in one of those calendars (leftoverMailboxes), oldest first, at most `limit`.
 * With `writtenAgain`, only those whose event is no longer wanted, or is in the employee's
 * calendar at their new address: an address that does not work (a typo, an account not yet
 * connected) keeps the old calendar's events — the only reminders the employee has — until it does.
 */
export async function calendarLeftovers(db: DB, mailbox: FormerMailbox, limit: number, o: { writtenAgain?: boolean } = {}): Promise<CalendarLeftoverRow[]> {
  let query = db.selectFrom('calendar_leftovers as l').selectAll('l')
    .where('l.employee_id', '=', mailbox.employee_id).where('l.provider', '=', mailbox.provider).where('l.address', '=', mailbox.address);
  if (o.writtenAgain) {
    query = query.where((eb) => eb.not(eb.exists(eb.selectFrom('calendar_sync as s').select('s.event_key')
      .whereRef('s.employee_id', '=', 'l.employee_id').whereRef('s.provider', '=', 'l.provider').whereRef('s.event_key', '=', 'l.event_key')
      .where('s.desired', '=', 'present').where('s.remote', '!=', 'present'))));
  }
  return query.orderBy('l.created_at').orderBy('l.event_key').limit(limit).execute();
}

/** How many such events wait to be deleted. */
export async function leftoverCount(db: DB): Promise<number> {
  return (await leftoverSummary(db)).count;
}

/**
 * The events waiting to be deleted from calendars no longer used: how many; the failed tries of
 * the calendar tried least (each calendar counts its tries on the event it tries first, so a
 * calendar that has just joined is tried soon whatever an old one that refuses us does); and the
 * last error of the event tried most.
 */
export async function leftoverSummary(db: DB): Promise<{ count: number; attempts: number; lastError: string | undefined }> {
  const row = await db.selectFrom('calendar_leftovers').select((eb) => [eb.fn.countAll<number>().as('n')]).executeTakeFirst();
  const count = Number(row?.n ?? 0);
  if (count === 0) return { count, attempts: 0, lastError: undefined };
  const calendars = await db.selectFrom('calendar_leftovers').select((eb) => eb.fn.max('attempts').as('tries')).groupBy(['employee_id', 'provider', 'address']).execute();
  const worst = await db.selectFrom('calendar_leftovers').select(['attempts', 'last_error']).orderBy('attempts', 'desc').orderBy('event_key').limit(1).executeTakeFirst();
  return { count, attempts: Math.min(...calendars.map((c) => Number(c.tries ?? 0))), lastError: worst?.last_error ?? undefined };
}

/** A calendar whose leftovers cannot be tried (its provider is no longer connected): counted as a failed try of its first event. */
export async function recordMailboxUnreachable(db: DB, mailbox: FormerMailbox, error: string): Promise<void> {
  const first = (await calendarLeftovers(db, mailbox, 1))[0];
  if (first) await recordLeftoverFailure(db, first, error);
}

type LeftoverKey = Pick<CalendarLeftoverRow, 'employee_id' | 'provider' | 'address' | 'event_key'>;

/** The event is gone from the old calendar (deleted now, or found already gone). */
export async function forgetLeftover(db: DB, l: LeftoverKey): Promise<void> {
  await db.deleteFrom('calendar_leftovers').where('employee_id', '=', l.employee_id).where('provider', '=', l.provider)
    .where('address', '=', l.address).where('event_key', '=', l.event_key).execute();
}

/** A try that failed: tried again at the next sync. */
export async function recordLeftoverFailure(db: DB, l: LeftoverKey, error: string): Promise<void> {
  await db.updateTable('calendar_leftovers').set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 500) }))
    .where('employee_id', '=', l.employee_id).where('provider', '=', l.provider)
    .where('address', '=', l.address).where('event_key', '=', l.event_key).execute();
}
