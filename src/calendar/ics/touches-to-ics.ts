import type { Config, Touch } from '../../domain/types.ts';
import { touchToRow } from '../../storage/touch-repository.ts';
import { entryEvent, type EventLinks } from '../../sync/desired-events.ts';
import { entriesOf } from '../../sync/calendar-entries.ts';
import { todayIn } from '../../sync/desired-state.ts';
import { DateTime } from 'luxon';
import { feedEvent } from './feed.ts';
import { renderIcs } from './ics-writer.ts';

/**
 * Touches as an iCalendar document (`plan --format ics`): as the employees' feeds show them —
 * the same entries (a meeting each, a day's greetings of a campaign as one event), UIDs,
 * zone-local times, text and reminders — so importing an export beside a subscribed feed
 * updates the same events instead of adding copies.
 */
export function touchesToIcs(touches: readonly Touch[], config: Config, links: EventLinks | undefined, stampIso: string): string {
  const zones = new Set<string>();
  const today = todayIn(config, DateTime.fromISO(stampIso));
  const events = entriesOf(touches.map((t) => touchToRow(t, undefined, stampIso))).map((entry) => {
    const e = entryEvent(entry, config, links, today(entry.employeeId));
    if (!e.allDay) zones.add(e.timezone);
    return feedEvent(e, 0, 'CONFIRMED', stampIso);
  });
  return renderIcs({ name: `${config.settings.company}: contact plan`, zones }, events);
}
