import type { Config, Touch } from '../../domain/types.ts';
import { touchToRow } from '../../storage/touch-repository.ts';
import { entryEvent, type EventLinks } from '../../sync/desired-events.ts';
import { entriesOf } from '../../sync/calendar-entries.ts';
import { todayIn } from '../../sync/desired-state.ts';
import { DateTime } from 'luxon';
import { feedEvent } from './feed.ts';
import { IcsWriter } from './ics-writer.ts';
import { feedEventKey, feedSequence, type StoredFeedEvent } from '../../storage/feed-decisions.ts';

/**
 * Touches as an iCalendar document (`plan --format ics`): as the employees' feeds show them —
 * the same entries (a meeting each, a day's greetings of a campaign as one event), UIDs,
 * zone-local times, text and reminders — so importing an export beside a subscribed feed
 * updates the same events instead of adding copies. With the feeds' `stored` events, each event
 * carries the SEQUENCE its feed has (or will have at the next sync, if it changed): a calendar
 * ignores an import whose SEQUENCE is lower than that of the event it holds.
 */
export function touchesToIcs(touches: readonly Touch[], config: Config, links: EventLinks | undefined, stampIso: string, stored?: ReadonlyMap<string, StoredFeedEvent>): string {
  return [...icsOfTouches(touches, config, links, stampIso, stored)].join('');
}

/** Events per chunk of the document: big enough to be cheap, small enough that memory stays flat. */
const CHUNK = 1000;

/**
 * The same document in chunks, each made when it is asked for: a year of a large company is
 * hundreds of thousands of events, written as they are made rather than held as one string.
 */
export function* icsOfTouches(
  touches: readonly Touch[], config: Config, links: EventLinks | undefined, stampIso: string, stored?: ReadonlyMap<string, StoredFeedEvent>, eventsPerChunk = CHUNK,
): Generator<string> {
  const today = todayIn(config, DateTime.fromISO(stampIso));
  const entries = entriesOf(touches.map((t) => touchToRow(t, undefined, stampIso)));
  // The VTIMEZONE blocks come first: the zones of the timed events (their employees' zones).
  const zoneOf = new Map(config.employees.map((e) => [e.id, e.timezone]));
  const zones = new Set<string>();
  for (const entry of entries) if (!entry.touches[0]!.all_day) zones.add(zoneOf.get(entry.employeeId) ?? config.settings.timezone);
  let chunk: string[] = [];
  const writer = new IcsWriter((text) => chunk.push(text));
  writer.begin({ name: `${config.settings.company}: contact plan`, zones });
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const event = entryEvent(entry, config, links, today(entry.employeeId));
    const sequence = stored ? feedSequence(stored.get(feedEventKey(entry.employeeId, event.key)), event.contentHash) : 0;
    writer.event(feedEvent(event, sequence, 'CONFIRMED', stampIso));
    if ((i + 1) % eventsPerChunk === 0) {
      yield chunk.join('');
      chunk = [];
    }
  }
  writer.end();
  yield chunk.join('');
}
