import type { Config, Touch } from '../../domain/types.ts';
import { touchToRow } from '../../storage/touch-repository.ts';
import { entryEvent, type EventLinks } from '../../sync/desired-events.ts';
import { entriesOf } from '../../sync/calendar-entries.ts';
import { todayIn } from '../../sync/desired-state.ts';
import { DateTime } from 'luxon';
import { feedEvent } from './feed.ts';
import { IcsWriter } from './ics-writer.ts';

/**
 * Touches as an iCalendar document (`plan --format ics`): as the employees' feeds show them —
 * the same entries (a meeting each, a day's greetings of a campaign as one event), UIDs,
 * zone-local times, text and reminders — so importing an export beside a subscribed feed
 * updates the same events instead of adding copies.
 */
export function touchesToIcs(touches: readonly Touch[], config: Config, links: EventLinks | undefined, stampIso: string): string {
  return [...icsOfTouches(touches, config, links, stampIso)].join('');
}

/** Events per chunk of the document: big enough to be cheap, small enough that memory stays flat. */
const CHUNK = 1000;

/**
 * The same document in chunks, each made when it is asked for: a year of a large company is
 * hundreds of thousands of events, written as they are made rather than held as one string.
 */
export function* icsOfTouches(touches: readonly Touch[], config: Config, links: EventLinks | undefined, stampIso: string, eventsPerChunk = CHUNK): Generator<string> {
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
    writer.event(feedEvent(entryEvent(entry, config, links, today(entry.employeeId)), 0, 'CONFIRMED', stampIso));
    if ((i + 1) % eventsPerChunk === 0) {
      yield chunk.join('');
      chunk = [];
    }
  }
  writer.end();
  yield chunk.join('');
}
