import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import {
  clearReadFailure, confirmedRows, deletedByUserRows, forgetLeavingFailure, forgetOtherLeavingFailures, handedOverRows, keysToReadBack, leavingFailedSince, leavingUnreadRows, markLeavingUnread, releaseLeavingUnread, pausesOf,
  recordReadFailure, setPause,
} from '../storage/calendar-sync-repository.ts';
import { addressKey, recordedCalendars } from '../storage/calendar-addresses.ts';
import { DateTime } from 'luxon';
import { asCalendarError, type CalendarError, type CalendarOwner, type RemoteEvent } from '../calendar/port.ts';
import type { CalendarSyncRow } from '../storage/schema.ts';
import type { CalendarGateway } from './calendar-gateway.ts';
import type { RemoteChanges } from './remote-changes.ts';
import { forEachConcurrently } from './concurrently.ts';
import { eventKeyOf, generationOf } from '../domain/sync-state.ts';

export interface ObserveResult {
  deleted: number;
  moved: number;
  /** Employees whose calendar could not be read this time (nothing was concluded for them). */
  unreadable: Map<string, string>;
  /** The events these listings showed live (listedKey): a read-back that says otherwise is not trusted (Reconciler). */
  listedLive: Set<string>;
}

/** An event of an employee's calendar as listedLive holds it. */
export function listedKey(provider: string, employeeId: string, eventKey: string): string {
  return `${provider}\u0000${employeeId}\u0000${eventKey}`;
}

/** How long a calendar that answered a read with a rate limit and no Retry-After is left alone. */
const READ_SLOWDOWN_MS = 60_000;

/**
 * What employees did in their own calendars, read by listing our tagged events: for each event
 * we had confirmed and have nothing in flight on, a successful read that shows it deleted makes
 * the touch skipped by them, and a start we did not write reschedules the touch to it (the plan
 * keeps it there). A failed read concludes nothing. Feeds are not read: nobody edits them.
 */
export async function observeCalendars(
  db: DB, config: Config, gateway: CalendarGateway, changes: RemoteChanges, window: { from: string; to: string },
  employees: readonly string[], nowIso: string, concurrency = 16,
): Promise<ObserveResult> {
  const result: ObserveResult = { deleted: 0, moved: 0, unreadable: new Map(), listedLive: new Set() };
  const byId = new Map(config.employees.map((e) => [e.id, e]));
  const pauses = await pausesOf(db);
  // Calendars are read side by side: mostly waiting on the network.
  await forEachConcurrently(employees, concurrency, async (employeeId) => {
    const e = byId.get(employeeId);
    if (!e || (e.calendar !== 'google' && e.calendar !== 'microsoft') || !gateway.port(e.calendar)) return;
    // A calendar that asked us to wait (Retry-After, an exhausted quota) is not read until then
    // either: the wait is for the whole calendar, and a read before it is one more refused call.
    const pause = pauses.get(`${employeeId}\u0000${e.calendar}`);
    if (pause?.until && pause.until > nowIso) {
      // In the employee's own time, to the second (a wait of 30 s is not "until" the current minute).
      const until = DateTime.fromISO(pause.until).setZone(e.timezone).toFormat('yyyy-MM-dd HH:mm:ss ZZ').replace(/:00$/, '');
      result.unreadable.set(employeeId, `${pause.code}: asked to wait until ${until}; read after that`);
      return;
    }
    const rows = await confirmedRows(db, employeeId, e.calendar, window);
    // Nothing of ours to read there: nothing an employee did is missed (a failure recorded before is over).
    if (rows.length === 0) return clearReadFailure(db, employeeId, e.calendar);
    const owner: CalendarOwner = { employeeId, email: e.email, timezone: e.timezone };
    // Kept until a later read succeeds, for `touchbase status` (only reported: a failure decides nothing).
    let failure: CalendarError | undefined;
    const failed = (error: unknown) => {
      failure = asCalendarError(error);
      result.unreadable.set(employeeId, `${failure.code}: ${failure.message}`);
    };
    let listed: Map<string, RemoteEvent> | undefined;
    try {
      listed = listingByKey(await gateway.read(e.calendar, owner, (port, pace) => port.listTagged(owner, window.from, window.to, pace)), rows);
    } catch (error) {
      failed(error);
    }
    if (listed) {
      // Only those a write of this sync may read back: a company's every listed event held for the whole dispatch was megabytes.
      const readBack = await keysToReadBack(db, employeeId, e.calendar);
      for (const r of listed.values()) if (r.status !== 'cancelled' && readBack.has(r.key)) result.listedLive.add(listedKey(e.calendar, employeeId, r.key));
      await compareListed(gateway, changes, result, rows, listed, owner, e.calendar, failed, nowIso);
      await adoptRestored(db, changes, listed, employeeId, e.calendar, window, nowIso);
    }
    if (failure) {
      await recordReadFailure(db, employeeId, e.calendar, failure.code, failure.message, nowIso);
      // Asked to slow down while being read (a 429, a 503 with Retry-After): the whole calendar
      // waits as long as it said, its reads and writes, as after a write told so (reconciler.ts).
      const wait = failure.code === 'rate_limited' ? failure.retryAfterMs ?? READ_SLOWDOWN_MS : failure.retryable ? failure.retryAfterMs : undefined;
      if (wait !== undefined) {
        await setPause(db, {
          employee_id: employeeId, provider: e.calendar, code: failure.code, reason: failure.message, since: nowIso,
          until: DateTime.fromISO(nowIso).plus({ milliseconds: Math.max(wait, 1) }).toUTC().toISO()!,
        });
      }
    } else await clearReadFailure(db, employeeId, e.calendar);
  });
  return result;
}

/**
 * Events the employee deleted that a listing shows live again (restored from Google's trash or
 * Outlook's Deleted Items): by the id we knew it by, or by its key before the deletion moved the
 * row on to the next one (Outlook gives a restored event a new id).
 */
async function adoptRestored(
  db: DB, changes: RemoteChanges, listed: ReadonlyMap<string, RemoteEvent>, employeeId: string, provider: string, window: { from: string; to: string }, nowIso: string,
): Promise<void> {
  const deleted = await deletedByUserRows(db, employeeId, provider, window);
  if (deleted.length === 0) return;
  const byId = new Map<string, RemoteEvent>();
  for (const r of listed.values()) if (r.status !== 'cancelled') byId.set(r.providerId, r);
  for (const row of deleted) {
    const generation = generationOf(row.event_key);
    const before = generation > 0 ? listed.get(eventKeyOf(row.entry_id, generation - 1)) : undefined;
    const live = (row.remote_id ? byId.get(row.remote_id) : undefined) ?? (before?.status !== 'cancelled' ? before : undefined);
    if (live) await changes.restored(row, live, nowIso);
  }
}

/**
 * The listed event of each key. Several carry one when the employee copied our event, or made
 * it a series (each occurrence keeps its tag): the one we wrote (its id as recorded) is the
 * touch's, and failing that (a series' occurrences have ids of their own) the first live one.
 * The copies are the employee's own: none of them is a move of the touch (the last one listed
 * was taken, and the call "moved" a week on, the event we wrote left beside it for good — QA).
 */
function listingByKey(listed: readonly RemoteEvent[], rows: readonly CalendarSyncRow[]): Map<string, RemoteEvent> {
  const byKey = new Map<string, RemoteEvent>();
  let recorded: Map<string, { id: string | null; start: string | null }> | undefined;
  for (const r of listed) {
    const held = byKey.get(r.key);
    if (!held) {
      byKey.set(r.key, r);
      continue;
    }
    recorded ??= new Map(rows.map((row) => [row.event_key, { id: row.remote_id, start: row.remote_start }]));
    const ours = recorded.get(r.key);
    if (held.providerId === ours?.id) continue;
    // Ours not listed under its id (Outlook gave it a new one, moving it between folders): the one
    // where we last saw it, before any other — a copy elsewhere is no move.
    const atOurs = (e: RemoteEvent) => ours?.start != null && sameStart(e.start, ours.start);
    if (r.providerId === ours?.id || (held.status === 'cancelled' && r.status !== 'cancelled')
      || (r.status === held.status && !atOurs(held) && (atOurs(r) || Date.parse(r.start) < Date.parse(held.start)))) byKey.set(r.key, r);
  }
  return byKey;
}

/** Two starts the same: a day, or the same instant however written. */
function sameStart(a: string, b: string): boolean {
  return a === b || (a.length > 10 && b.length > 10 && Date.parse(a) === Date.parse(b));
}

/**
 * The events of a listing against the rows we had confirmed: each one's move or deletion is
 * recorded (RemoteChanges); one not listed is asked for (moved out of the window, or deleted).
 */
async function compareListed(
  gateway: CalendarGateway, changes: RemoteChanges, result: Pick<ObserveResult, 'deleted' | 'moved'>, rows: readonly CalendarSyncRow[],
  listed: ReadonlyMap<string, RemoteEvent>, owner: CalendarOwner, provider: string, failed: (error: unknown, row: CalendarSyncRow) => void, nowIso: string,
  leaving?: (row: CalendarSyncRow) => boolean,
): Promise<void> {
  for (const row of rows) {
    let found = listed.get(row.event_key);
    if (!found) {
      // Not in the listing: moved out of the window, or deleted and forgotten. Ask for it.
      try {
        found = await gateway.read(provider, owner, (port, pace) => port.read(owner, row.event_key, row.remote_id ?? undefined, pace));
      } catch (error) {
        failed(error, row);
        continue;
      }
    }
    const seen = await changes.record(row, found, nowIso, leaving?.(row) ?? false);
    if (seen.skipped) result.deleted++;
    if (seen.change === 'moved') result.moved++;
  }
}

/**
 * Before a calendar is left — the employee's `email` changed, or their `calendar` went from
 * Google or Outlook to another — it is read once more at the address its events are at, so that
 * what the employee did there since the last read (a call moved, one deleted) is taken in before
 * the events are written again elsewhere and deleted there. Left unread, the moved event was
 * deleted and written again at the new place at its old time (QA). A calendar that refuses us for
 * good (the old account closed, its token gone) concludes nothing, and is left. One that fails for
 * a while (no answer, a 5xx, asked to wait) holds the move: the employee's calendars are left
 * alone by this sync (`waiting`, the failure recorded as their read's) and tried again at the
 * next, for a day at most (LEAVING_WAIT_MS) — a failure is no employee having done nothing there.
 */
export async function observeFormerCalendars(
  db: DB, config: Config, gateway: CalendarGateway, changes: RemoteChanges, window: { from: string; to: string }, employees: readonly string[], nowIso: string,
): Promise<Pick<ObserveResult, 'deleted' | 'moved'> & { waiting: Map<string, string> }> {
  const result = { deleted: 0, moved: 0, waiting: new Map<string, string>() };
  const byId = new Map(config.employees.map((e) => [e.id, e]));
  const pauses = await pausesOf(db);
  // The calendars waited for at this sync: every other's record of failed reads is let go at its end.
  const waited: { employeeId: string; provider: string; address: string }[] = [];
  for (const calendar of await recordedCalendars(db)) {
    const e = byId.get(calendar.employeeId);
    // `calendar: none` leaves the events where they are (nothing is written or deleted for it).
    if (!e || e.calendar === 'none' || !employees.includes(e.id) || (calendar.provider !== 'google' && calendar.provider !== 'microsoft') || !gateway.port(calendar.provider)) continue;
    // The calendar it still is: read as every sync reads it (observeCalendars).
    if (e.calendar === calendar.provider && e.email !== undefined && addressKey(e.email) === calendar.address) continue;
    // Only the sync that leaves it: its events still wanted there. Once left (their deletion
    // waiting, or done), what the employee does there — clearing it — is not theirs to decide.
    const rows = (await confirmedRows(db, e.id, calendar.provider, window)).filter((r) => r.desired === 'present');
    if (rows.length === 0) continue;
    const pause = pauses.get(`${e.id}\u0000${calendar.provider}`);
    if (pause?.until && pause.until > nowIso) {
      result.waiting.set(e.id, `their events at ${calendar.address} are read before they leave it, which asked to wait until ${pause.until}`);
      waited.push(calendar);
      continue;
    }
    const failure = await readBeforeLeaving(gateway, changes, result, rows, { employeeId: e.id, email: calendar.address, timezone: e.timezone }, calendar.provider, window, nowIso);
    if (!failure || !WAITED_FOR.has(failure.code)) {
      await forgetLeavingFailure(db, calendar);
      continue;
    }
    // Shown by `status` as the employee's failed read, while it lasts.
    await recordReadFailure(db, e.id, calendar.provider, failure.code, `the calendar at ${calendar.address}, being left, could not be read: ${failure.message}`, nowIso);
    if (Date.parse(nowIso) - Date.parse(await leavingFailedSince(db, calendar, nowIso)) < LEAVING_WAIT_MS) {
      result.waiting.set(e.id, `their events at ${calendar.address} are read before they leave it, which failed (${failure.code}: ${failure.message}): tried again at the next sync`);
      waited.push(calendar);
    } else await forgetLeavingFailure(db, calendar);
  }
  await forgetOtherLeavingFailures(db, waited);
  return result;
}

/** Failures of a calendar being left that pass (observeFormerCalendars): not a closed account. */
const WAITED_FOR: ReadonlySet<CalendarError['code']> = new Set(['rate_limited', 'quota_exhausted', 'temporary', 'no_answer', 'unknown']);

/** How long a calendar being left is waited for while its reads fail (then its events leave unread, as from a closed account). */
export const LEAVING_WAIT_MS = 24 * 60 * 60 * 1000;

/**
 * A calendar's events read once more before they leave it (observeFormerCalendars,
 * observeHandedOver): listed, and each compared (RemoteChanges). A calendar that cannot be
 * listed concludes nothing, and is not reported: it is being left; with `owed` (a handover's),
 * its events are marked as still to be read (leaving_unread), their deletions waiting for it. A
 * listing with none of them (a mailbox emptied by a migration, an account replaced or closed) is
 * no employee deleting each of them one by one: nothing is concluded. An event whose read fails
 * is left as it was (and, with `owed`, still to be read).
 */
async function readBeforeLeaving(
  gateway: CalendarGateway, changes: RemoteChanges, result: Pick<ObserveResult, 'deleted' | 'moved'>, rows: readonly CalendarSyncRow[],
  owner: CalendarOwner, provider: string, window: { from: string; to: string }, nowIso: string, owed?: (rows: readonly CalendarSyncRow[], unread: 0 | 1) => Promise<void>,
): Promise<CalendarError | undefined> {
  let listed: Map<string, RemoteEvent>;
  try {
    listed = listingByKey(await gateway.read(provider, owner, (port, pace) => port.listTagged(owner, window.from, window.to, pace)), rows);
  } catch (error) {
    await owed?.(rows.filter((r) => r.leaving_unread !== 1), 1);
    return asCalendarError(error);
  }
  const unread: CalendarSyncRow[] = [];
  if (rows.some((r) => listed.has(r.event_key))) {
    await compareListed(gateway, changes, result, rows, listed, owner, provider, (_error, row) => unread.push(row), nowIso, (r) => r.desired === 'absent' && r.leaving_unread === 1);
  }
  await owed?.(rows.filter((r) => r.leaving_unread === 1 && !unread.includes(r)), 0);
  await owed?.(unread.filter((r) => r.leaving_unread !== 1), 1);
  return undefined;
}

/**
 * Before the events of calls and meetings handed to another employee (a team changed, a
 * handover, an employee gone from the configuration) leave the calendar they are in, they are
 * read once more there: a call its employee moved since the last read is handed over at the time
 * they moved it to, one they deleted stays skipped. Unread (the daemon's frequent sync reads no
 * calendar), the moved event was deleted and the successor got the call at its old time; the
 * deleted one came back in the successor's calendar (QA). A calendar that cannot be read then
 * (asked to wait, failing) concludes nothing yet: its events wait to be read, and their deletions
 * with them (leaving_unread); one whose listing has none of them concludes nothing, and they
 * leave. (A day's entry of letters and greetings is not read: not a call to move.)
 */
export async function observeHandedOver(
  db: DB, config: Config, gateway: CalendarGateway, changes: RemoteChanges, window: { from: string; to: string }, nowIso: string, since?: number,
): Promise<Pick<ObserveResult, 'deleted' | 'moved'>> {
  const result = { deleted: 0, moved: 0 };
  // With those a calendar that could not be read then still owes (leaving_unread: their deletion
  // may be waiting): read at the first sync that can, before it goes out. Unread at the handover's
  // sync, the leaver's move was deleted with the event and the successor got the call at its old
  // time; the one they deleted came back — for good, once the calendar answered again (QA).
  await releaseLeavingUnread(db, window);
  const fresh = await handedOverRows(db, window, since);
  const rowKey = (r: CalendarSyncRow) => `${r.entry_id}\u0000${r.employee_id}\u0000${r.provider}`;
  const seen = new Set(fresh.map(rowKey));
  const rows = [...fresh, ...(await leavingUnreadRows(db, window)).filter((r) => !seen.has(rowKey(r)))];
  if (rows.length === 0) return result;
  const owed = (list: readonly CalendarSyncRow[], unread: 0 | 1) => (list.length > 0 ? markLeavingUnread(db, list, unread) : Promise.resolve());
  const byId = new Map(config.employees.map((e) => [e.id, e]));
  const addresses = new Map((await recordedCalendars(db)).map((c) => [`${c.employeeId}\u0000${c.provider}`, c.address]));
  const pauses = await pausesOf(db);
  const calendars = new Map<string, CalendarSyncRow[]>();
  for (const row of rows) {
    const key = `${row.employee_id}\u0000${row.provider}`;
    const list = calendars.get(key);
    if (list) list.push(row);
    else calendars.set(key, [row]);
  }
  for (const [key, list] of calendars) {
    const { employee_id: employeeId, provider } = list[0]!;
    const address = addresses.get(key);
    const pause = pauses.get(key);
    if (address === undefined || !gateway.port(provider as 'google' | 'microsoft')) continue;
    // Asked to wait (a rate limit, a quota): not read now, and so still owed.
    if (pause?.until && pause.until > nowIso) {
      await owed(list.filter((r) => r.leaving_unread !== 1), 1);
      continue;
    }
    // A leaver gone from the configuration is read in the company's zone (their own is not known any
    // more). A leaver's mailbox emptied or reset concludes nothing: the successor gets them all.
    const owner: CalendarOwner = { employeeId, email: address, timezone: byId.get(employeeId)?.timezone ?? config.settings.timezone };
    await readBeforeLeaving(gateway, changes, result, list, owner, provider, window, nowIso, owed);
  }
  return result;
}
