import ical, { ICalAlarmType, ICalEventClass } from 'ical-generator';
import { DateTime } from 'luxon';
import type { Touch } from '../../domain/types.ts';

export interface IcsOptions {
  readonly name: string;
  /** DTSTAMP of every event; passed in so output is reproducible. */
  readonly stamp: DateTime;
}

/**
 * An iCalendar document of touches: stable UIDs (the touch id), all-day touches as DATE
 * values with the exclusive next-day end, timed touches as UTC instants (unambiguous for
 * every client), one VALARM per reminder. Events are private; no attendees.
 */
export function touchesToIcs(touches: readonly Touch[], options: IcsOptions): string {
  const calendar = ical({ name: options.name, prodId: { company: 'touchbase', product: 'touchbase', language: 'EN' } });
  for (const t of touches) {
    const allDay = t.allDay;
    const event = calendar.createEvent({
      id: `${t.id}@touchbase`,
      start: allDay ? DateTime.fromISO(t.date, { zone: 'utc' }) : DateTime.fromISO(t.start, { setZone: true }).toUTC(),
      end: allDay ? DateTime.fromISO(t.end, { zone: 'utc' }) : DateTime.fromISO(t.end, { setZone: true }).toUTC(),
      allDay,
      summary: t.overdue ? `Overdue: ${t.title}` : t.title,
      description: `${t.kind} (${t.source}) for ${t.client}; contacts: ${t.contacts.join(', ')}; touch ${t.id}`,
      stamp: options.stamp.toUTC(),
      class: ICalEventClass.PRIVATE,
    });
    for (const minutes of t.remind) event.createAlarm({ type: ICalAlarmType.display, trigger: minutes * 60, description: t.title });
  }
  return calendar.toString();
}
