import { DateTime } from 'luxon';
import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import { rescheduleByUser } from '../storage/touch-repository.ts';
import { CalendarError, type CalendarOwner, type CalendarPort, type ProviderName, type RemoteEvent } from '../calendar/port.ts';
import { desiredEvent, type EventLinks } from './desired-events.ts';
import { recordDeletedByUser } from './calendar-records.ts';
import { forEachConcurrently } from './concurrently.ts';

export interface ReconcileResult {
  deleted: number;
  moved: number;
  /** Employees whose calendar could not be read this time. */
  unreadable: Map<string, string>;
}

/**
 * What employees did in their own calendars since the last sync, read by listing our tagged
 * events: a deleted event makes its touch skipped by them; a moved one reschedules the touch
 * to the new time, which the plan keeps from then on. Never fought over.
 */
export async function reconcile(
  db: DB, config: Config, ports: Partial<Record<ProviderName, CalendarPort>>, window: { from: string; to: string },
  employees: readonly string[], nowIso: string, links?: EventLinks, concurrency = 16,
): Promise<ReconcileResult> {
  const result: ReconcileResult = { deleted: 0, moved: 0, unreadable: new Map() };
  const byId = new Map(config.employees.map((e) => [e.id, e]));
  // Calendars are read side by side: one listing per employee, mostly waiting on the network.
  await forEachConcurrently(employees, concurrency, reconcileOne);
  return result;

  async function reconcileOne(employeeId: string): Promise<void> {
    const e = byId.get(employeeId);
    if (!e || e.calendar === 'none' || e.calendar === 'ics') return; // nobody edits a subscribed feed
    const port = ports[e.calendar];
    if (!port) return;
    const recorded = await db.selectFrom('calendar_events').innerJoin('touches', 'touches.id', 'calendar_events.touch_id')
      .select(['calendar_events.touch_id', 'calendar_events.event_key', 'calendar_events.provider_id', 'calendar_events.content_hash', 'touches.date', 'touches.start_at', 'touches.all_day'])
      .where('calendar_events.employee_id', '=', employeeId).where('calendar_events.state', '=', 'active')
      .where('touches.date', '>=', window.from).where('touches.date', '<=', window.to).execute();
    if (recorded.length === 0) return;
    const owner: CalendarOwner = { employeeId, email: e.email, timezone: e.timezone };
    let remote: Map<string, RemoteEvent>;
    try {
      remote = new Map((await port.listTagged(owner, window.from, window.to)).map((r) => [r.key, r]));
    } catch (error) {
      result.unreadable.set(employeeId, error instanceof CalendarError ? `${error.code}: ${error.message}` : String(error));
      return;
    }
    for (const r of recorded) {
      // Not in the listing: deleted and purged, or moved out of the window; ask for it.
      const found = remote.get(r.event_key) ?? await port.findByKey(owner, r.event_key).catch(() => undefined);
      const ref = { touchId: r.touch_id, employeeId, provider: e.calendar, key: r.event_key, providerId: r.provider_id, contentHash: r.content_hash };
      if (!found || found.status === 'cancelled') {
        await db.transaction().execute((trx) => recordDeletedByUser(trx as unknown as DB, ref, nowIso));
        result.deleted++;
        continue;
      }
      const movedTo = movedStart(found, r.all_day === 1, r.date, r.start_at, e.timezone);
      if (!movedTo) continue;
      if (await rescheduleByUser(db, r.touch_id, movedTo, nowIso)) {
        // What the calendar now shows is what we want: record it, so nothing is written back.
        const touch = await db.selectFrom('touches').selectAll().where('id', '=', r.touch_id).executeTakeFirstOrThrow();
        await db.updateTable('calendar_events').set({ content_hash: desiredEvent(touch, config, links).contentHash, updated_at: nowIso }).where('touch_id', '=', r.touch_id).execute();
        result.moved++;
      }
    }
  }
}

function movedStart(found: RemoteEvent, allDay: boolean, date: string, start: string, zone: string): { date: string; start: string; end: string } | undefined {
  if (allDay || found.allDay) {
    if (found.start === date) return undefined;
    return { date: found.start, start: found.start, end: found.end };
  }
  const was = DateTime.fromISO(start).toMillis();
  const now = DateTime.fromISO(found.start, { setZone: true });
  if (now.toMillis() === was) return undefined;
  const local = now.setZone(zone);
  return { date: local.toISODate()!, start: local.toISO()!, end: DateTime.fromISO(found.end, { setZone: true }).setZone(zone).toISO()! };
}
