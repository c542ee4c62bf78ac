import type { Config } from '../domain/types.ts';
import type { DesiredEvent, ProviderName } from '../calendar/port.ts';
import type { DB } from '../storage/database.ts';
import type { CalendarSyncRow } from '../storage/schema.ts';
import type { Want } from '../storage/calendar-sync-repository.ts';
import { syncedTouches } from '../storage/sync-queries.ts';
import { desiredEvent, type EventLinks } from './desired-events.ts';

export interface DesiredState {
  /** Every (touch, calendar) that should hold an event, with its content hash. */
  readonly wants: readonly Want[];
  /** The event each of them should show (base key; a row's own key is applied when it is written). */
  readonly events: ReadonlyMap<string, DesiredEvent>;
}

/**
 * What the calendars should hold: each open or done touch of the window in its employee's
 * calendar (open touches moved past the window by their employee stay where they are), for
 * employees who have one. Skipped and cancelled touches, and touches that moved to someone
 * else, are absent by not being wanted.
 */
export async function desiredState(db: DB, config: Config, window: { from: string; to: string }, links: EventLinks | undefined, employee?: string): Promise<DesiredState> {
  const employees = new Map(config.employees.map((e) => [e.id, e]));
  const wants: Want[] = [];
  const events = new Map<string, DesiredEvent>();
  for (const touch of await syncedTouches(db, window, employee)) {
    const e = employees.get(touch.employee_id);
    if (!e || e.calendar === 'none') continue;
    const event = desiredEvent(touch, config, links);
    const provider = e.calendar as ProviderName;
    wants.push({ touchId: touch.id, employeeId: e.id, provider, hash: event.contentHash });
    events.set(rowKey(touch.id, e.id, provider), event);
  }
  return { wants, events };
}

export function rowKey(touchId: string, employeeId: string, provider: string): string {
  return `${touchId}\u0000${employeeId}\u0000${provider}`;
}

/** The event a row should show in this run, if it was computed for that row. */
export function eventOf(state: DesiredState, row: CalendarSyncRow): DesiredEvent | undefined {
  return state.events.get(rowKey(row.touch_id, row.employee_id, row.provider));
}
