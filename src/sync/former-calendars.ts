import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import { asCalendarError, type CalendarOwner } from '../calendar/port.ts';
import {
  addressKey, calendarLeftovers, eventsInCalendarFrom, followAddressChange, forgetRemovedCalendar, leftoverMailboxes, forgetLeftover, leftoverCount, recordedAddresses, recordedCalendars,
  recordLeftoverFailure, recordMailboxUnreachable,
} from '../storage/calendar-addresses.ts';
import { applyFeedEvents, employeesInFeeds } from '../storage/feed-repository.ts';
import type { CalendarGateway } from './calendar-gateway.ts';
import type { CalendarLeftoverRow } from '../storage/schema.ts';

export interface FormerCalendarsResult {
  /** Employees whose address changed at this sync: the old address, and how many events are written again at the new one. */
  readonly moved: ReadonlyMap<string, { readonly from: string; readonly events: number }>;
  /** Events deleted from calendars their employees no longer use. */
  readonly deleted: number;
  /** Such events still there (a failure: tried again at the next sync). */
  readonly waiting: number;
  /** Employees gone from the configuration whose events left their calendars at this sync, and those events. */
  readonly removed: { readonly employees: readonly string[]; readonly events: readonly RemovedEvent[] } | undefined;
}

/** A day before any event: a removed employee's feed is cancelled whole. */
const EVERYTHING = '0000-01-01';

/** Leftovers deleted per sync at most: a mailbox of a year's events goes over a few syncs, not in one long one. */
const PER_SYNC = 500;

/**
 * Before anything is read: an employee of Google or Outlook whose address (`email`) is not the
 * one their events were written to has them written again at the new one, and the old events
 * kept to delete (storage/calendar-addresses.ts). Without this, a read of the new calendar would
 * not find them and take that for the employee deleting them.
 */
export async function followAddressChanges(
  db: DB, config: Config, gateway: CalendarGateway, employees: readonly string[], from: string, nowIso: string,
): Promise<Map<string, { from: string; events: number }>> {
  const moved = new Map<string, { from: string; events: number }>();
  const byId = new Map(config.employees.map((e) => [e.id, e]));
  const recorded = await recordedAddresses(db);
  for (const id of employees) {
    const e = byId.get(id);
    if (!e?.email || (e.calendar !== 'google' && e.calendar !== 'microsoft') || !gateway.port(e.calendar)) continue;
    if (recorded.get(`${e.id} ${e.calendar}`) === addressKey(e.email)) continue;
    const change = await followAddressChange(db, { employeeId: e.id, provider: e.calendar, address: e.email }, from, nowIso);
    if (change.from !== undefined) moved.set(e.id, { from: change.from, events: change.moved });
  }
  return moved;
}

/** What a removed employee's leaving does to one event: deleted from Google or Outlook, cancelled in the feed. */
export interface RemovedEvent {
  readonly employeeId: string;
  readonly provider: string;
  readonly key: string;
  /** The calendar it is deleted from (Google or Outlook). */
  readonly address?: string;
}

/**
 * Employees gone from the configuration (their clients handed to others, who now have the
 * touches): their events from `from` on leave their calendars — kept to delete from Google or
 * Outlook (deleteLeftovers), cancelled in their feed (written on until purged) — so that no touch
 * shows in two calendars, and none of their writes waits for good. Only a configuration that
 * loaded without errors gets here: an employee missing from it was removed by a person.
 * `dryRun`: nothing is written, the events are only listed (`sync --dry-run` shows them).
 */
export async function forgetRemovedEmployees(
  db: DB, config: Config, from: string, purgeBefore: string, nowIso: string, dryRun = false,
): Promise<{ employees: string[]; events: RemovedEvent[] }> {
  const present = new Set(config.employees.map((e) => e.id));
  const gone = new Set<string>();
  const events: RemovedEvent[] = [];
  for (const calendar of await recordedCalendars(db)) {
    if (present.has(calendar.employeeId)) continue;
    gone.add(calendar.employeeId);
    const rows = dryRun ? await eventsInCalendarFrom(db, calendar, from) : await forgetRemovedCalendar(db, calendar, from, nowIso);
    for (const row of rows) events.push({ employeeId: row.employee_id, provider: row.provider, key: row.event_key, address: calendar.address });
  }
  // Who has anything in the feeds is read off the table's key (a few ms at 10,000 clients; a
  // filter on the events' status and day reads every event's row); only a removed employee's
  // events are read, to cancel them.
  const fed = [...await employeesInFeeds(db)].filter((id) => !present.has(id)).sort();
  // All of a feed's events, the past ones too: the file is ours, served to whoever has its
  // address, and with their clients' names and contacts it would stay there for good (a
  // mailbox keeps its history; a feed of someone gone keeps nobody's). Cancelled, it goes 30 days on.
  for (const c of await applyFeedEvents(db, fed, [], { from: EVERYTHING, purgeBefore }, nowIso, dryRun)) {
    gone.add(c.employeeId);
    events.push({ employeeId: c.employeeId, provider: 'ics', key: c.key });
  }
  return { employees: [...gone].sort(), events };
}

/**
 * Deletes our events from the calendars their employees no longer use, each once it is written
 * at the employee's new address (or no longer wanted): never both calendars empty. An event already gone
 * there is done with; any other failure (the old mailbox refuses us, the service is down) is
 * tried again at the next sync, and decides nothing about any touch. A calendar that fails is
 * left for this sync after its first failure, and calendars whose deletions failed go last: one
 * that refuses us for good costs one call a sync, and never holds up the others' deletions.
 */
export async function deleteLeftovers(db: DB, config: Config, gateway: CalendarGateway): Promise<{ deleted: number; waiting: number }> {
  let deleted = 0;
  let budget = PER_SYNC;
  const zones = new Map(config.employees.map((e) => [e.id, e.timezone]));
  for (const mailbox of await leftoverMailboxes(db)) {
    if (budget <= 0) break;
    if (!gateway.port(mailbox.provider)) {
      // Nothing can be tried: counted as a failure, so the daemon comes back to it hourly, not every few minutes.
      await recordMailboxUnreachable(db, mailbox, `no ${mailbox.provider} connection is configured: its events at ${mailbox.address} wait until there is one`);
      continue;
    }
    const owner: CalendarOwner = { employeeId: mailbox.employee_id, email: mailbox.address, timezone: zones.get(mailbox.employee_id) ?? config.settings.timezone };
    for (const l of await calendarLeftovers(db, mailbox, budget, { writtenAgain: true })) {
      budget--;
      const failure = await deleteLeftover(gateway, owner, l);
      if (failure) {
        await recordLeftoverFailure(db, l, failure);
        break;
      }
      await forgetLeftover(db, l);
      deleted++;
    }
  }
  return { deleted, waiting: await leftoverCount(db) };
}

/** Deletes one leftover event (gone already counts as deleted); the failure, if any, as "code: message". */
async function deleteLeftover(gateway: CalendarGateway, owner: CalendarOwner, l: CalendarLeftoverRow): Promise<string | undefined> {
  try {
    let id = l.remote_id ?? undefined;
    if (id === undefined) {
      // A write whose outcome was never known: there if its key is.
      const found = await gateway.read(l.provider, owner, (port, pace) => port.read(owner, l.event_key, undefined, pace));
      id = found && found.status !== 'cancelled' ? found.providerId : undefined;
    }
    if (id !== undefined) await gateway.write(l.provider, owner, (port) => port.remove(owner, id));
    return undefined;
  } catch (error) {
    const e = asCalendarError(error);
    return e.code === 'not_found' ? undefined : `${e.code}: ${e.message}`;
  }
}
