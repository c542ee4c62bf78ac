import { DateTime } from 'luxon';
import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import type { CalendarSyncRow } from '../storage/schema.ts';
import { currentSyncRow, membersOf, recordAbsent, recordPresent, recordSeenMove } from '../storage/calendar-sync-repository.ts';
import { inTransaction, reopenRestoredInCalendar, rescheduleByUser, skipDeletedInCalendar } from '../storage/touch-repository.ts';
import { touchesByIds } from '../storage/sync-queries.ts';
import { afterRead } from '../domain/sync-state.ts';
import type { DesiredEvent, RemoteEvent } from '../calendar/port.ts';
import { entryEvent, type EventLinks } from './desired-events.ts';
import { todayIn } from './desired-state.ts';

export type SeenChange = 'deleted' | 'moved' | 'none';

/**
 * What a successful read of one of our confirmed events (nothing of ours in flight) says the
 * employee did, recorded: deleted (the touch is skipped by them, if the event was still wanted
 * there), moved (the touch takes the new time and keeps it; nothing is written back), or
 * nothing. Used by the calendar reading and by a write the calendar refused because the event
 * had changed (412) — so a move is never overwritten by a write that did not know of it.
 */
export class RemoteChanges {
  readonly #db: DB;
  readonly #config: Config;
  readonly #links: EventLinks | undefined;
  readonly #zones: ReadonlyMap<string, string>;

  constructor(db: DB, config: Config, links: EventLinks | undefined) {
    this.#db = db;
    this.#config = config;
    this.#links = links;
    this.#zones = new Map(config.employees.map((e) => [e.id, e.timezone]));
  }

  /**
   * Records what the read showed; returns the kind of change, the row as it is now, and after a
   * move the event the rescheduled touch now wants.
   */
  async record(row: CalendarSyncRow, found: RemoteEvent | undefined, nowIso: string, leaving = false): Promise<{ change: SeenChange; row: CalendarSyncRow; skipped: boolean; event?: DesiredEvent }> {
    const live = found && found.status !== 'cancelled' ? found : undefined;
    // `leaving`: an event handed over whose calendar could not be read before it left (its
    // deletion waiting): what the employee did is read as if it were still wanted there, as the
    // read it missed would have (observe-calendars.ts readBeforeLeaving).
    const wanted = leaving ? 'present' : row.desired;
    const to = live && wanted === 'present' ? movedTo(live, row, this.#zones.get(row.employee_id) ?? this.#config.settings.timezone) : undefined;
    // Most reads find every event as we left it: nothing to write, nothing to check.
    if (live && !to && live.etag === (row.remote_etag ?? undefined) && live.providerId === row.remote_id) return { change: 'none', row, skipped: false };
    return inTransaction(this.#db, async (trx) => {
      // The row was read before the calendar was (seconds ago, over the network). Written since
      // — by another daemon's or `touchbase sync`'s pass: our own delete of a reassigned touch's
      // event, a write at a new time — what the read shows is theirs, not the employee's doing
      // (an event we deleted is not one the employee deleted): nothing is concluded from it.
      const current = await currentSyncRow(trx, row);
      if (!current || current.updated_at !== row.updated_at) return { change: 'none' as const, row: current ?? row, skipped: false };
      if (!live) {
        const settled = afterRead(null, { kind: found ? 'cancelled' : 'absent' }, wanted);
        const next = await recordAbsent(trx, row, settled.remote as 'gone' | 'deleted_by_user', nowIso);
        const skipped = settled.deletedByUser && (await skipMembers(trx, row, nowIso)) > 0;
        return { change: 'deleted' as const, row: next, skipped };
      }
      if (!to) {
        // Nothing of the employee's: note the service's current version of the event.
        const next = await recordPresent(trx, row, { id: live.providerId, etag: live.etag ?? null, hash: row.remote_hash, start: row.remote_start ?? live.start, end: row.remote_end ?? (live.end || null) }, nowIso);
        return { change: 'none' as const, row: next, skipped: false };
      }
      return this.#recordMove(trx, row, live, to, nowIso);
    });
  }

  /**
   * An event the employee deleted, live again in their calendar (restored from the trash): the
   * skips that deletion made are undone, and the event is ours again — kept up to date by the
   * next write (its text as it was when deleted), deleted if its touch is gone meanwhile. Left
   * alone, it stayed in the calendar for good beside a skipped touch, its links dead (QA).
   */
  async restored(row: CalendarSyncRow, live: RemoteEvent, nowIso: string): Promise<boolean> {
    return inTransaction(this.#db, async (trx) => {
      const current = await currentSyncRow(trx, row);
      if (!current || current.updated_at !== row.updated_at || current.remote !== 'deleted_by_user') return false;
      for (const id of membersOf(row)) await reopenRestoredInCalendar(trx, id, row.employee_id, nowIso);
      // Under its own key again (the deletion had moved the row on to the next one); its text is not
      // known to be ours (no hash): the next write brings it up to date.
      await recordPresent(trx, { ...current, event_key: live.key }, { id: live.providerId, etag: live.etag ?? null, hash: null, start: live.start, end: live.end || null }, nowIso);
      return true;
    });
  }

  /** The employee moved the event: its touches are rescheduled to its new time. */
  async #recordMove(trx: DB, row: CalendarSyncRow, found: RemoteEvent, to: { date: string; start: string; end: string }, nowIso: string): Promise<{ change: SeenChange; row: CalendarSyncRow; skipped: boolean; event?: DesiredEvent }> {
    const members = membersOf(row);
    const before = await touchesByIds(trx, members);
    let rescheduled = false;
    for (const id of members) if (await rescheduleByUser(trx, id, to, nowIso)) rescheduled = true;
    const after = await touchesByIds(trx, members);
    // A meeting or call keeps its entry (its touch id): its event at the new time is known
    // now. A day's entry of all-day touches moved to another day is another day's entry: it is
    // made by the next desired state, and this one goes.
    const same = members.length === 1 && members[0] === row.entry_id;
    const today = todayIn(this.#config, DateTime.fromISO(nowIso))(row.employee_id);
    const entry = (touches: typeof after) => entryEvent({ id: row.entry_id, employeeId: row.employee_id, date: touches[0]?.date ?? row.entry_date, touches }, this.#config, this.#links, today);
    const event = same && after.length === 1 ? entry(after) : undefined;
    // The calendar holds what we last wrote, at the employee's time. When that was what the
    // touch wanted (only the time differs now), it is exactly what the touch wants at its new
    // time: nothing is written back. Otherwise (the plan changed the text meanwhile) its
    // content is not known: the touch's event is written, at the employee's time.
    const wasCurrent = before.length > 0 && entry(before).contentHash === row.remote_hash;
    const hash = !rescheduled ? row.remote_hash : wasCurrent && event ? event.contentHash : null;
    // The entry is dated where the employee put it: moved before the sync's window (to a past
    // day), it is left there as every past entry is, not taken for one the plan no longer has.
    const next = await recordSeenMove(trx, row, {
      start: found.start, end: found.end || null, etag: found.etag ?? null, hash, desiredHash: rescheduled && event ? event.contentHash : row.desired_hash,
      entryDate: rescheduled && same ? to.date : undefined,
    }, nowIso);
    return { change: 'moved' as const, row: next, skipped: false, event: rescheduled ? event : undefined };
  }
}

/** The employee deleted an entry's event: each of its open touches is skipped by them. Returns how many. */
export async function skipMembers(db: DB, row: CalendarSyncRow, nowIso: string): Promise<number> {
  let n = 0;
  for (const id of membersOf(row)) if (await skipDeletedInCalendar(db, id, row.employee_id, nowIso)) n++;
  return n;
}

/**
 * The new time of an event the employee moved, or undefined when its start is what we last
 * wrote (or saw). Compared with what the calendar held, not with the plan: a change of the
 * plan not yet written is not mistaken for the employee's move.
 */
export function movedTo(found: RemoteEvent, row: CalendarSyncRow, zone: string): { date: string; start: string; end: string } | undefined {
  const was = row.remote_start;
  // Nothing known of what we wrote: nothing to compare with (the next write sets it).
  if (was === null) return undefined;
  const wasAllDay = was !== null && /^\d{4}-\d{2}-\d{2}$/.test(was);
  // A meeting's or call's event made all-day and then timed again: at whatever time it has now.
  const timedAgain = !found.allDay && wasAllDay && membersOf(row).length === 1 && membersOf(row)[0] === row.entry_id;
  if (found.allDay !== wasAllDay && !timedAgain) return turnedTo(found, row, was, wasAllDay, zone);
  if (found.allDay) {
    if (found.start.slice(0, 10) === was.slice(0, 10)) return undefined;
    return { date: found.start.slice(0, 10), start: found.start.slice(0, 10), end: found.end.slice(0, 10) };
  }
  const now = DateTime.fromISO(found.start, { setZone: true });
  if (!timedAgain && now.toMillis() === DateTime.fromISO(was, { setZone: true }).toMillis()) return undefined;
  const local = now.setZone(zone);
  return { date: local.toISODate()!, start: local.toISO()!, end: DateTime.fromISO(found.end, { setZone: true }).setZone(zone).toISO()! };
}

/**
 * An event the employee turned from timed into all-day or back: on the same day, nothing to take
 * over (the next change of its text writes it as the touch wants). On another day, the touch
 * moves to that day — a meeting at its time of day and length (what we write there stays as the
 * employee left it until its text changes), a day's entry of all-day touches as when the whole
 * day is moved. Ignored, the plan and the calendar disagreed in silence, and the overdue check
 * then moved the event back.
 */
function turnedTo(found: RemoteEvent, row: CalendarSyncRow, was: string, wasAllDay: boolean, zone: string): { date: string; start: string; end: string } | undefined {
  const dayOf = (value: string, allDay: boolean) => (allDay ? value.slice(0, 10) : DateTime.fromISO(value, { setZone: true }).setZone(zone).toISODate()!);
  const day = dayOf(found.start, found.allDay);
  if (day === dayOf(was, wasAllDay)) return undefined;
  if (wasAllDay) return { date: day, start: day, end: DateTime.fromISO(day).plus({ days: 1 }).toISODate()! };
  const start = DateTime.fromISO(was, { setZone: true }).setZone(zone);
  const length = row.remote_end ? DateTime.fromISO(row.remote_end, { setZone: true }).diff(start) : undefined;
  const [year, month, dayOfMonth] = day.split('-').map(Number) as [number, number, number];
  const moved = start.set({ year, month, day: dayOfMonth });
  return { date: day, start: moved.toISO()!, end: (length && length.toMillis() > 0 ? moved.plus(length) : moved).toISO()! };
}
