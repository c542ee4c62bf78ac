import type { Config, Touch } from '../../domain/types.ts';
import { touchToRow } from '../../storage/touch-repository.ts';
import { entryEvent, type EventLinks } from '../../sync/desired-events.ts';
import { entriesOf, type CalendarEntry } from '../../sync/calendar-entries.ts';
import { todayIn } from '../../sync/desired-state.ts';
import { DateTime } from 'luxon';
import { feedEvent } from './feed.ts';
import { IcsWriter } from './ics-writer.ts';
import { translator } from '../../i18n/translator.ts';
import { feedEventKey, feedSequence, type StoredFeedEvent } from '../../storage/feed-decisions.ts';
import type { SyncedTouch } from '../../storage/sync-queries.ts';
import type { TouchRow } from '../../storage/schema.ts';

/** What the export takes from the database besides the plan: the stored feeds' events, and the touches' stored details. */
export interface StoredState {
  /** The feeds' events as stored: each exported event carries its feed's SEQUENCE on. */
  readonly feeds?: ReadonlyMap<string, StoredFeedEvent> | undefined;
  /** Stored touches with more than the plan says (storedTouchDetails): outcomes, workflow text, overdue. */
  readonly details?: ReadonlyMap<string, SyncedTouch> | undefined;
}

/**
 * Touches as an iCalendar document (`plan --format ics`): as the employees' feeds show them —
 * the same entries (a meeting each, a day's greetings of a campaign as one event), UIDs,
 * zone-local times, text and reminders — so importing an export beside a subscribed feed
 * updates the same events instead of adding copies. With the feeds' stored events, each event
 * carries the SEQUENCE its feed has (or will have at the next sync, if it changed): a calendar
 * ignores an import whose SEQUENCE is lower than that of the event it holds. A skipped touch is
 * written as its feed has it, cancelled: exported as planned, it came back as the newer version
 * of an event its employee had chosen to drop.
 */
export function touchesToIcs(touches: readonly Touch[], config: Config, links: EventLinks | undefined, stampIso: string, stored: StoredState = {}): string {
  return [...icsOfTouches(touches, config, links, stampIso, stored)].join('');
}

/** Events per chunk of the document: big enough to be cheap, small enough that memory stays flat. */
const CHUNK = 1000;

/**
 * The row a touch's event is made from, as a sync reads it: the plan's time and text, and what
 * the database knows of it besides (its outcome, a workflow's text, the day it fell overdue).
 */
function exportRow(t: Touch, detail: SyncedTouch | undefined, stampIso: string): TouchRow {
  const row = { ...touchToRow(t, undefined, stampIso), status: t.status };
  if (!detail) return row;
  const outcome = detail.status === t.status && t.status !== 'planned'
    ? { resolved_date: detail.resolved_date, resolved_by: detail.resolved_by, note: detail.note } : {};
  return { ...row, ...outcome, body: detail.body, overdue_from: t.status === 'planned' ? detail.overdue_from : null };
}

/**
 * The same document in chunks, each made when it is asked for: a year of a large company is
 * hundreds of thousands of events, written as they are made rather than held as one string.
 */
export function* icsOfTouches(
  touches: readonly Touch[], config: Config, links: EventLinks | undefined, stampIso: string, stored: StoredState = {}, eventsPerChunk = CHUNK,
): Generator<string> {
  const today = todayIn(config, DateTime.fromISO(stampIso));
  const rows = touches.map((t) => exportRow(t, stored.details?.get(t.id), stampIso));
  const feedKey = (entry: CalendarEntry) => feedEventKey(entry.employeeId, entry.id.replace(/-/g, ''));
  // What a feed shows: the open and done touches' entries. A skipped touch's event is in a feed
  // only if a sync wrote it there: then it is written cancelled, unless its entry (a day's
  // greetings) lives on with the others of that day.
  const entries = entriesOf(rows.filter((r) => r.status !== 'skipped'));
  const live = new Set(entries.map(feedKey));
  const dropped = stored.feeds ? entriesOf(rows.filter((r) => r.status === 'skipped')).filter((e) => !live.has(feedKey(e)) && stored.feeds!.has(feedKey(e))) : [];
  // The VTIMEZONE blocks come first: the zones of the timed events (their employees' zones).
  const zoneOf = new Map(config.employees.map((e) => [e.id, e.timezone]));
  const zones = new Set<string>();
  for (const entry of [...entries, ...dropped]) if (!entry.touches[0]!.all_day) zones.add(zoneOf.get(entry.employeeId) ?? config.settings.timezone);
  // At least one component (RFC 5545 3.6), also in an export of nothing.
  if (zones.size === 0) zones.add(config.settings.timezone);
  let chunk: string[] = [];
  const writer = new IcsWriter((text) => chunk.push(text));
  writer.begin({ name: translator(config.settings.language).t('feed.exportName', { company: config.settings.company }), zones });
  // Each event made when its chunk is: a year's descriptions are never all held at once.
  const count = entries.length + dropped.length;
  for (let i = 0; i < count; i++) {
    if (i < entries.length) {
      const entry = entries[i]!;
      const event = entryEvent(entry, config, links, today(entry.employeeId));
      writer.event(feedEvent(event, stored.feeds ? feedSequence(stored.feeds.get(feedKey(entry)), event.contentHash) : 0, 'CONFIRMED', stampIso));
    } else {
      const entry = dropped[i - entries.length]!;
      const held = stored.feeds!.get(feedKey(entry))!;
      // Cancelled in the feed already: its SEQUENCE as it is; cancelled at the next sync: the next one.
      writer.event(feedEvent(entryEvent(entry, config, undefined, today(entry.employeeId)), held.status === 'cancelled' ? held.sequence : held.sequence + 1, 'CANCELLED', stampIso));
    }
    if ((i + 1) % eventsPerChunk === 0) {
      yield chunk.join('');
      chunk = [];
    }
  }
  writer.end();
  yield chunk.join('');
}
