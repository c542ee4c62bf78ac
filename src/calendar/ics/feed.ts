import ical, { ICalAlarmType, ICalEventClass, ICalEventStatus } from 'ical-generator';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import { DateTime } from 'luxon';
import type { DB } from '../../storage/database.ts';
import type { DesiredEvent } from '../port.ts';
import { withFastFolding } from './fast-fold.ts';

/** Cancelled events stay in a feed this long, so subscribed calendars see them go. */
export const KEEP_CANCELLED_DAYS = 30;

/**
 * One employee's iCalendar feed: TZID times with VTIMEZONE blocks, all-day touches as dates
 * with an exclusive end, a VALARM per reminder, SEQUENCE raised on every change, cancelled
 * events kept as STATUS:CANCELLED for a while; private, no attendees.
 */
export async function renderFeed(db: DB, employeeId: string, name: string, now: DateTime): Promise<string> {
  const rows = await db.selectFrom('ics_events').selectAll().where('employee_id', '=', employeeId).orderBy('event_key').execute();
  const calendar = ical({ name, prodId: { company: 'touchbase', product: 'touchbase', language: 'EN' }, ttl: 60 * 15 });
  calendar.timezone({ name: null, generator: getVtimezoneComponent });
  const oldest = now.minus({ days: KEEP_CANCELLED_DAYS }).toUTC().toISO()!;
  for (const row of rows) {
    if (row.status === 'cancelled' && row.updated_at < oldest) continue;
    const e = JSON.parse(row.payload) as DesiredEvent;
    const event = calendar.createEvent({
      id: `${e.key}@touchbase`,
      sequence: row.sequence,
      start: e.allDay ? DateTime.fromISO(e.start, { zone: 'utc' }) : DateTime.fromISO(e.start, { setZone: true }).setZone(e.timezone),
      end: e.allDay ? DateTime.fromISO(e.end, { zone: 'utc' }) : DateTime.fromISO(e.end, { setZone: true }).setZone(e.timezone),
      allDay: e.allDay,
      timezone: e.allDay ? null : e.timezone,
      summary: e.title,
      description: e.description,
      stamp: DateTime.fromISO(row.updated_at, { zone: 'utc' }),
      class: ICalEventClass.PRIVATE,
      status: row.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
    if (row.status === 'confirmed') for (const minutes of e.reminders) event.createAlarm({ type: ICalAlarmType.display, trigger: minutes * 60, description: e.title });
  }
  return withFastFolding(() => calendar.toString());
}
