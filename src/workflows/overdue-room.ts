import type { Client, Config, Employee } from '../domain/types.ts';
import { TIMED_KINDS, type Kind } from '../domain/types.ts';
import { holderOn } from '../domain/team.ts';
import { addDays } from '../planner/dates.ts';
import { localToMs } from '../planner/zoned-time.ts';
import { nextWorkday } from './workflow-touch.ts';

/**
 * How many of the employee's working days a late timed touch may be spread over, from the next
 * one. A week: an account manager back from a week away finds the late calls over the days that
 * have room rather than all on Monday, but never pushed into later weeks, whose room the plan's
 * on-time touches need (those the check cannot place in a week go on the next working day, over
 * the cap, as before: they are due).
 */
export const SPREAD_WORKDAYS = 5;

/** The calendar days the agenda is read for: five working days can span Russia's New Year week. */
export const AGENDA_READ_DAYS = 21;

interface DayAgenda {
  /** Meetings and calls (what meetings_per_day caps). */
  timed: number;
  /** [start, end) instants of every timed touch. */
  readonly spans: [number, number][];
}

/**
 * What the employees' next days already hold (their timed touches, planned or done), for the
 * overdue check to put each late touch where there is room, and to count it there once put.
 * Pure: built from rows the caller read.
 */
export class OverdueRoom {
  readonly #days = new Map<string, Map<string, DayAgenda>>();

  constructor(rows: readonly { employee_id: string; date: string; kind: string; start_at: string; end_at: string }[]) {
    for (const r of rows) this.take(r.employee_id, r.date, [Date.parse(r.start_at), Date.parse(r.end_at)], TIMED_KINDS.has(r.kind as Kind));
  }

  /** Counts a touch on a day (one read from the database, or one the check just put there). */
  take(employee: string, date: string, span: readonly [number, number], timed: boolean): void {
    const day = this.#day(employee, date);
    if (timed) day.timed++;
    day.spans.push([span[0], span[1]]);
  }

  /**
   * The first of the employee's next working days from `first` (itself one) where a late touch
   * fits: under meetings_per_day for a meeting or call, and a free time — its own time of day
   * (`wallMinutes` after local midnight) if nothing is there, else the first free time in their
   * working hours. Not past the day a handover gives their touches to someone else. When none
   * of SPREAD_WORKDAYS days has room, the first day over the cap, at a free time; undefined when
   * even that day has none.
   */
  find(config: Config, employee: Employee, client: Client | undefined, first: string, wallMinutes: number, durationMs: number, timed: boolean): { date: string; startMs: number } | undefined {
    let date = first;
    for (let i = 0; i < SPREAD_WORKDAYS; i++) {
      if (i > 0) {
        date = nextWorkday(config, employee, client, addDays(date, 1));
        if (holderOn(config.handovers, employee.id, date) !== employee.id) break;
      }
      if (timed && employee.meetingsPerDay !== undefined && this.#day(employee.id, date).timed >= employee.meetingsPerDay) continue;
      const startMs = this.#freeOn(employee, date, wallMinutes, durationMs);
      if (startMs !== undefined) return { date, startMs };
    }
    const startMs = this.#freeOn(employee, first, wallMinutes, durationMs);
    return startMs === undefined ? undefined : { date: first, startMs };
  }

  #freeOn(employee: Employee, date: string, wallMinutes: number, durationMs: number): number | undefined {
    const zone = employee.timezone;
    return freeStart(this.#day(employee.id, date).spans, localToMs(zone, date, wallMinutes), durationMs,
      localToMs(zone, date, employee.hours.start), localToMs(zone, date, employee.hours.end));
  }

  #day(employee: string, date: string): DayAgenda {
    let byDate = this.#days.get(employee);
    if (!byDate) this.#days.set(employee, byDate = new Map());
    let day = byDate.get(date);
    if (!day) byDate.set(date, day = { timed: 0, spans: [] });
    return day;
  }
}

const overlaps = (spans: readonly (readonly [number, number])[], start: number, end: number) => spans.some(([s, e]) => s < end && start < e);

/**
 * `preferred` if nothing overlaps it (even outside working hours: a time the employee chose);
 * else the first free time after it (from the end of what is there), else the first free time of
 * the day from `open`: in working hours, ending by `close`, overlapping nothing. Undefined if the
 * day has no such time.
 */
export function freeStart(spans: readonly (readonly [number, number])[], preferred: number, durationMs: number, open: number, close: number): number | undefined {
  if (!overlaps(spans, preferred, preferred + durationMs)) return preferred;
  const fits = (start: number) => start >= open && start + durationMs <= close && !overlaps(spans, start, start + durationMs);
  const candidates = [open, ...spans.map(([, e]) => e)].sort((a, b) => a - b);
  return candidates.find((start) => start > preferred && fits(start)) ?? candidates.find(fits);
}
