import { DateTime } from 'luxon';
import type { Client, Config, Employee, Touch } from '../domain/types.ts';
import { touchKey } from '../domain/touch-id.ts';
import { employeeById } from '../domain/config-index.ts';
import type { DB } from '../storage/database.ts';
import type { TouchRow } from '../storage/schema.ts';
import { insertTouchesIfNew } from '../storage/workflow-repository.ts';
import { WorkCalendar } from '../planner/work-calendar.ts';
import { addDays } from '../planner/dates.ts';
import { isoInZone, localDateOf, localToMs } from '../planner/zoned-time.ts';
import { sharedStretches, workingInterval, type Interval } from '../planner/working-hours.ts';

/**
 * A touch a workflow makes (an event's, a silence alert, an escalation, a digest), not the
 * plan: the fields of a planned touch, with its identity in place of id and series, a due day
 * in place of a window, and a description of its own.
 */
export interface WorkflowTouch extends Pick<Touch, 'source' | 'kind' | 'client' | 'contacts' | 'employee' | 'date' | 'start' | 'end' | 'allDay' | 'title' | 'remind'> {
  /** Its identity: the same identity is the same touch, so running a workflow twice makes one. */
  readonly identity: string;
  /** When it is due by (inclusive): the window's end. */
  readonly dueBy: string;
  /** What the calendar event's description says first. */
  readonly body: string | undefined;
}

const calendars = new WeakMap<Config, WorkCalendar>();

/** The company's working days (workdays minus public holidays), one per configuration. */
export function workCalendarOf(config: Config): WorkCalendar {
  let calendar = calendars.get(config);
  if (!calendar) {
    calendar = new WorkCalendar(config.settings.workdays, config.settings.calendarChanges);
    calendars.set(config, calendar);
  }
  return calendar;
}

/** The first working day of the employee (and the client's country) on or after `from`. */
export function nextWorkday(config: Config, employee: Employee, client: Client | undefined, from: string): string {
  const calendar = workCalendarOf(config);
  let d = from;
  for (let i = 0; i < 60 && !calendar.isWorkday(d, employee.country, client?.country ?? employee.country); i++) d = addDays(d, 1);
  return d;
}

/** How many days on a timed workflow touch looks for time the employee and the client share. */
const SHARED_TIME_SEARCH_DAYS = 31;

/**
 * When a timed touch of `minutes` can start at the earliest from `fromMs`: then, if that is
 * inside the employee's working hours on a working day — and the client's, on a working day of
 * theirs, as the planner places a call (config-format: "inside the employee's working hours and
 * the client's") — and the touch fits before either ends; otherwise at the first such time of a
 * later working day. A Bucharest client's complaint told at 19:30 in Moscow is called at 10:00
 * Moscow time, when their office has opened, not at 09:00 (QA). Where the two share no time that
 * fits it for weeks (zones far apart: validate refuses such a pair for a rule's meetings, not for
 * a trigger), the employee's own hours, as for a touch with no client: the touch is due.
 */
export function nextWorkingStart(config: Config, employee: Employee, client: Client | undefined, fromMs: number, minutes: number): { date: string; startMs: number } {
  if (client) {
    const calendar = workCalendarOf(config);
    const clientWorks = (day: string) => calendar.isWorkday(day, client.country);
    let day = localDateOf(employee.timezone, fromMs);
    for (let i = 0; i < SHARED_TIME_SEARCH_DAYS; i++) {
      day = nextWorkday(config, employee, client, day);
      // The earliest stretch that still has room, not the longest of the day.
      for (const shared of sharedStretches(employee.timezone, employee.hours, day, client.timezone, client.hours, clientWorks)) {
        const start = startIn(shared, fromMs, minutes);
        if (start !== undefined) return { date: day, startMs: start };
      }
      day = addDays(day, 1);
    }
  }
  const zone = employee.timezone;
  const today = localDateOf(zone, fromMs);
  const day = nextWorkday(config, employee, client, today);
  const start = day === today ? startIn(workingInterval(zone, today, employee.hours), fromMs, minutes) : undefined;
  if (start !== undefined) return { date: today, startMs: start };
  // The next working morning, even where the touch is longer than the day's hours: it is due.
  const next = day === today ? nextWorkday(config, employee, client, addDays(today, 1)) : day;
  return { date: next, startMs: localToMs(zone, next, employee.hours.start) };
}

/** The first whole minute from `fromMs` inside [open, close) with `minutes` before it closes. */
function startIn([open, close]: Interval, fromMs: number, minutes: number): number | undefined {
  // Whole minutes: a calendar shows 14:07, not 14:06:31.
  const start = Math.max(open, Math.ceil(fromMs / 60_000) * 60_000);
  return start + minutes * 60_000 <= close ? start : undefined;
}

/**
 * nextWorkingStart, clear of the time the employee's touches already hold (`held`, [start, end)
 * instants): two events a minute apart, or an event in the middle of a planned meeting, do not
 * put two things at one time in their calendar. Where nothing is free for weeks (a calendar full
 * from morning to evening), the first working start is taken all the same: the touch is due.
 */
export function nextFreeStart(
  config: Config, employee: Employee, client: Client | undefined, fromMs: number, minutes: number, held: readonly (readonly [number, number])[],
): { date: string; startMs: number } {
  const first = nextWorkingStart(config, employee, client, fromMs, minutes);
  let slot = first;
  for (let tries = 0; tries < 1_000; tries++) {
    const end = slot.startMs + minutes * 60_000;
    let clearFrom = -Infinity;
    for (const [s, e] of held) if (s < end && e > slot.startMs && e > clearFrom) clearFrom = e;
    if (clearFrom === -Infinity) return slot;
    slot = nextWorkingStart(config, employee, client, clearFrom, minutes);
  }
  return first;
}

/** An all-day workflow touch on the employee's next working day from `from`. */
export function allDayOn(config: Config, employee: Employee, client: Client | undefined, from: string): { date: string; start: string; end: string } {
  const date = nextWorkday(config, employee, client, from);
  return { date, start: date, end: addDays(date, 1) };
}

/**
 * A timed touch's start as a time of day (minutes) in the zone of whoever held it (the zone it
 * was written in, for someone gone from the configuration), and its length: what a touch keeps
 * when it moves to another day or another holder (the overdue check, a handover).
 */
export function wallClockOf(config: Config, touch: Pick<TouchRow, 'start_at' | 'end_at' | 'employee_id'>): { wallMinutes: number; durationMs: number } {
  const was = employeeById(config, touch.employee_id);
  const start = DateTime.fromISO(touch.start_at, was ? { zone: was.timezone } : { setZone: true });
  return { wallMinutes: start.hour * 60 + start.minute + start.second / 60, durationMs: Date.parse(touch.end_at) - Date.parse(touch.start_at) };
}

/** A timed workflow touch's ISO start and end in the employee's zone. */
export function timedAt(employee: Employee, startMs: number, minutes: number): { start: string; end: string } {
  return { start: isoInZone(startMs, employee.timezone), end: isoInZone(startMs + minutes * 60_000, employee.timezone) };
}

/**
 * Records workflow touches that do not exist yet (by id) with a "planned" event; an existing
 * one — the same event sent again, tomorrow's run of the same check — is left as it is.
 * Returns the ids that were new.
 */
export async function insertWorkflowTouches(db: DB, touches: readonly WorkflowTouch[], nowIso: string): Promise<string[]> {
  return insertTouchesIfNew(db, touches.map((t): TouchRow => ({
    id: touchKey(t.identity).id, source: t.source, series: t.identity, kind: t.kind, client_id: t.client,
    contact_ids: JSON.stringify(t.contacts), employee_id: t.employee, date: t.date, start_at: t.start, end_at: t.end,
    all_day: t.allDay ? 1 : 0, title: t.title, window_from: t.date, window_to: t.dueBy, remind: JSON.stringify(t.remind),
    status: 'planned', resolved_at: null, resolved_date: null, resolved_by: null, note: null, created_at: nowIso, updated_at: nowIso,
    moved_by_user: 0, overdue_from: null, body: t.body ?? null,
  })), nowIso);
}

/** The id a workflow touch gets. */
export function workflowTouchId(identity: string): string {
  return touchKey(identity).id;
}
