import type { DateTime } from 'luxon';
import type { DB } from '../../storage/database.ts';
import { feedEvents } from '../../storage/feed-repository.ts';
import type { DesiredEvent } from '../port.ts';
import { IcsWriter, type IcsEvent } from './ics-writer.ts';
import { Utf8Bytes } from '../../domain/utf8-bytes.ts';

/** Cancelled events stay in a feed this long, so subscribed calendars see them go. */
export const KEEP_CANCELLED_DAYS = 30;

/**
 * Events of days longer ago than this leave the feed: every poll of a subscribed calendar
 * downloads the whole feed, which grew by every touch for ever (a year of a 10,000-client
 * company's). Half a year of past touches stays in the employee's calendar; the history keeps all.
 */
export const KEEP_PAST_DAYS = 183;

/** How often subscribers are asked to refresh a feed. */
const FEED_TTL_SECONDS = 15 * 60;

/**
 * One employee's iCalendar feed: TZID times with VTIMEZONE blocks, all-day touches as dates
 * with an exclusive end, a VALARM per reminder, SEQUENCE raised on every change, cancelled
 * events kept as STATUS:CANCELLED for a while; private, no attendees.
 */
export async function renderFeed(db: DB, employeeId: string, name: string, now: DateTime, zone: string): Promise<Buffer> {
  const rows = await feedEvents(db, employeeId);
  const oldest = now.minus({ days: KEEP_CANCELLED_DAYS }).toUTC().toISO()!;
  const events: IcsEvent[] = [];
  const zones = new Set<string>();
  for (const row of rows) {
    if (row.status === 'cancelled' && row.updated_at < oldest) continue;
    const e = JSON.parse(row.payload) as DesiredEvent;
    if (!e.allDay) zones.add(e.timezone);
    events.push(feedEvent(e, row.sequence, row.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED', row.updated_at));
  }
  // A calendar holds at least one component (RFC 5545 3.6): a feed with no event yet (a new
  // employee's, the first thing they subscribe to) holds their zone; strict readers refused it.
  if (zones.size === 0) zones.add(zone);
  // As UTF-8, event by event (utf8-bytes.ts: joined first, a Cyrillic feed is one long two-byte string to encode).
  const bytes = new Utf8Bytes();
  const writer = new IcsWriter((chunk) => bytes.append(chunk));
  writer.begin({ name, ttlSeconds: FEED_TTL_SECONDS, zones });
  for (const e of events) writer.event(e);
  writer.end();
  return bytes.take();
}

/**
 * A calendar event as an iCalendar VEVENT: the UID is the event's key, the same in every export.
 * A cancelled one keeps no description: it held the touch's one-click links (and the contacts'
 * details), and its touch may now be someone else's — or gone from the plan.
 */
export function feedEvent(e: DesiredEvent, sequence: number, status: IcsEvent['status'], stamp: string): IcsEvent {
  return {
    uid: `${e.key}@touchbase`, sequence, stamp, status, summary: e.title, description: status === 'CANCELLED' ? undefined : e.description,
    allDay: e.allDay, start: e.start, end: e.end, timezone: e.timezone, alarms: e.reminders,
  };
}
