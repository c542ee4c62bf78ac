import type { SyncedTouch } from '../storage/sync-queries.ts';
import { touchKey } from '../domain/touch-id.ts';

/**
 * What an employee's calendar shows: one event per meeting or call, and one all-day event per
 * day and campaign (or rule, or handover) that lists every recipient. Thirty-three New Year
 * greetings due on 28 December are one event with the campaign's reminders, not thirty-three;
 * each recipient is still closed on their own (the event lists each one's links and id).
 */
export interface CalendarEntry {
  /** The event's identity: the touch id of a meeting or call; a UUID of (employee, day, source) for the day's all-day touches (entryId). */
  readonly id: string;
  readonly employeeId: string;
  /** The local date the entry is on (the employee's zone). */
  readonly date: string;
  /** Its touches, in a stable order (a meeting or call: one). */
  readonly touches: readonly SyncedTouch[];
}

/** The entries of a set of touches (open and done ones; what each employee's calendar should show). */
export function entriesOf(touches: Iterable<SyncedTouch>): CalendarEntry[] {
  const out: CalendarEntry[] = [];
  const days = new Map<string, SyncedTouch[]>();
  for (const t of touches) {
    if (!t.all_day) {
      out.push({ id: t.id, employeeId: t.employee_id, date: t.date, touches: [t] });
      continue;
    }
    // Those moved forward as overdue apart from the day's own: in one event with them, they lost
    // "Overdue" from its title (not every open one was late) and changed events every morning.
    const key = dayKey(t.employee_id, t.date, t.source) + (t.overdue_from !== null ? '|overdue' : '');
    const list = days.get(key);
    if (list) list.push(t);
    else days.set(key, [t]);
  }
  for (const [key, list] of days) {
    list.sort((a, b) => (a.client_id < b.client_id ? -1 : a.client_id > b.client_id ? 1 : a.id < b.id ? -1 : 1));
    const first = list[0]!;
    out.push({ id: entryId(key, list), employeeId: first.employee_id, date: first.date, touches: list });
  }
  return out;
}

/**
 * An all-day entry's identity: its day's (employee, day, source). Touches moved forward as
 * overdue move every morning, and named by their day their event was cancelled and made again
 * each time — a feed kept a cancelled copy for every day late, and each day's `plan --format ics`
 * a new event to import beside the last. Those are named by what moves with them instead: the
 * one touch (as a meeting is), or the first of those moved together.
 */
function entryId(key: string, list: readonly SyncedTouch[]): string {
  if (!list.every((t) => t.overdue_from !== null)) return touchKey(key).id;
  const first = list[0]!;
  return list.length === 1 ? first.id : touchKey(`calendar-overdue|${first.employee_id}|${first.source}|${first.id}`).id;
}

/** The identity of one employee's all-day entry of a source on a day. */
function dayKey(employee: string, date: string, source: string): string {
  return `calendar-day|${employee}|${date}|${source}`;
}
