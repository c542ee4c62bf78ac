import type { Config, Touch } from '../../domain/types.ts';
import { touchToRow } from '../../storage/touch-repository.ts';
import { desiredEvent, type EventLinks } from '../../sync/desired-events.ts';
import { feedEvent } from './feed.ts';
import { renderIcs } from './ics-writer.ts';

/**
 * Touches as an iCalendar document (`plan --format ics`): each one exactly as its event in the
 * employee's feed — the same UID, zone-local times, text and reminders — so importing an export
 * beside a subscribed feed updates the same events instead of adding copies.
 */
export function touchesToIcs(touches: readonly Touch[], config: Config, links: EventLinks | undefined, stampIso: string): string {
  const zones = new Set<string>();
  const events = touches.map((t) => {
    const e = desiredEvent(touchToRow(t, undefined, stampIso), config, links);
    if (!e.allDay) zones.add(e.timezone);
    return feedEvent(e, 0, 'CONFIRMED', stampIso);
  });
  return renderIcs({ name: `${config.settings.company}: contact plan`, zones }, events);
}
