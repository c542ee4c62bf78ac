import { TIMED_KINDS, type Client, type Config, type Employee } from '../domain/types.ts';
import { holderOn } from '../domain/team.ts';
import { addDays } from '../planner/dates.ts';
import { localToMs } from '../planner/zoned-time.ts';
import { sharedHours, workingInterval } from '../planner/working-hours.ts';
import { nextWorkday, workCalendarOf } from './workflow-touch.ts';
import { ContactDays } from '../planner/contact-days.ts';
import { contactIdsIn } from '../domain/contact-ids.ts';

/**
 * How many of the employee's working days a late timed touch may be spread over, from the next
 * one. A week: an account manager back from a week away finds the late calls over the days that
 * have room rather than all on Monday, but never pushed into later weeks, whose room the plan's
 * on-time touches need (those the check cannot place in a week go on the first working day with
 * a free time, over the cap: they are due).
 */
export const SPREAD_WORKDAYS = 5;

/** The calendar days the agenda is read for: five working days can span Russia's New Year week. */
export const AGENDA_READ_DAYS = 21;

/** How far a late touch over the cap looks for a free time at all; past that it goes at its own time of day. */
const OVER_CAP_WORKDAYS = 10;

const QUARTER_HOUR = 15 * 60_000;

/** A timed touch of the agenda as read from the database. */
export interface AgendaRow extends TouchOfContacts {
  readonly employee_id: string;
  readonly date: string;
  readonly start_at: string;
  readonly end_at: string;
}

/** Whom a touch is with: its series, its contacts' ids (the stored JSON list) and its kind. */
export interface TouchOfContacts {
  readonly series: string;
  readonly contact_ids: string;
  readonly kind: string;
}

/**
 * Only a meeting or a call takes its contacts' day, as in the plan: a letter a business event
 * timed (within a few hours) neither moves a late call nor is moved by one.
 */
const takesContactsDay = (of: TouchOfContacts | undefined): of is TouchOfContacts => of !== undefined && (TIMED_KINDS as ReadonlySet<string>).has(of.kind);

function contactsOf(of: TouchOfContacts): readonly string[] {
  return contactIdsIn(of.contact_ids);
}

interface DayAgenda {
  /** Timed touches, as the planner counts them against meetings_per_day (a digest's half hour too). */
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
  /** The client contacts' days with a meeting or call, as the planner keeps them apart. */
  readonly #contactDays = new ContactDays();
  /** Nothing is put before now (the check may run at midday, or in the employee's afternoon): from the next quarter hour. */
  readonly #notBefore: number;

  constructor(rows: readonly AgendaRow[], nowMs: number) {
    this.#notBefore = Math.ceil(nowMs / QUARTER_HOUR) * QUARTER_HOUR;
    for (const r of rows) this.take(r.employee_id, r.date, [Date.parse(r.start_at), Date.parse(r.end_at)], r);
  }

  /** Counts a timed touch on a day (one read from the database, or one the check just moved there), and its contacts' day. */
  take(employee: string, date: string, span: readonly [number, number], of?: TouchOfContacts): void {
    const day = this.#day(employee, date);
    day.timed++;
    day.spans.push([span[0], span[1]]);
    if (takesContactsDay(of)) this.#contactDays.note(contactsOf(of), of.series, date);
  }

  /**
   * The first of the employee's next working days from `first` (itself one) where a late touch
   * fits: under meetings_per_day, and a free time not before now inside the hours the
   * employee and the client both work — its own time of day (`wallMinutes` after local
   * midnight) if that is free and inside them, else the first free time after it, else the first
   * of the day. Not past the day a handover gives their touches to someone else. When none of
   * SPREAD_WORKDAYS days has room, the first day with a free time, over the cap; undefined when
   * none of OVER_CAP_WORKDAYS days has one (then the caller keeps its own time of day).
   */
  find(config: Config, employee: Employee, client: Client | undefined, first: string, wallMinutes: number, durationMs: number, of?: TouchOfContacts): { date: string; startMs: number } | undefined {
    const cap = employee.meetingsPerDay;
    // As the planner does: a day on which one of its contacts already has another rule's meeting
    // or call is passed over while another day of the week has room (two late calls of two rules
    // to one buyer went to the same morning), and taken only after those. So is the day of the
    // next touch of its own series (QA: February's late call put on March's day, two calls of
    // one rule to one buyer at 10:00 and 15:00): the agenda is read from today on, so the late
    // touch itself is none of the contacts' days, and every series there counts.
    const passedOver: string[] = [];
    const contacts = takesContactsDay(of) ? contactsOf(of) : [];
    for (const date of holdersWorkdays(config, employee, client, first, SPREAD_WORKDAYS)) {
      if (cap !== undefined && this.#day(employee.id, date).timed >= cap) continue;
      if (this.#contactDays.busy(contacts, undefined, date)) {
        passedOver.push(date);
        continue;
      }
      const startMs = this.#freeOn(config, employee, client, date, wallMinutes, durationMs);
      if (startMs !== undefined) return { date, startMs };
    }
    for (const date of passedOver) {
      const startMs = this.#freeOn(config, employee, client, date, wallMinutes, durationMs);
      if (startMs !== undefined) return { date, startMs };
    }
    // Over the cap: the first day with a free time at all (a day packed from morning to evening
    // gets nothing on top).
    for (const date of holdersWorkdays(config, employee, client, first, OVER_CAP_WORKDAYS)) {
      const startMs = this.#freeOn(config, employee, client, date, wallMinutes, durationMs);
      if (startMs !== undefined) return { date, startMs };
    }
    return undefined;
  }

  #freeOn(config: Config, employee: Employee, client: Client | undefined, date: string, wallMinutes: number, durationMs: number): number | undefined {
    const zone = employee.timezone;
    const calendar = workCalendarOf(config);
    // A successor in another zone, or with shorter hours, gets the late touch inside their day and the client's.
    const [open, close] = (client && sharedHours(zone, employee.hours, date, client.timezone, client.hours, (d) => calendar.isWorkday(d, client.country)))
      ?? workingInterval(zone, date, employee.hours);
    return freeStart(this.#day(employee.id, date).spans, localToMs(zone, date, wallMinutes), durationMs, Math.max(open, this.#notBefore), close);
  }

  #day(employee: string, date: string): DayAgenda {
    let byDate = this.#days.get(employee);
    if (!byDate) this.#days.set(employee, byDate = new Map());
    let day = byDate.get(date);
    if (!day) byDate.set(date, day = { timed: 0, spans: [] });
    return day;
  }
}

/** `first` (a working day) and the employee's next working days, `count` in all, while they still hold their touches (a handover). */
function* holdersWorkdays(config: Config, employee: Employee, client: Client | undefined, first: string, count: number): Generator<string> {
  let date = first;
  for (let i = 0; i < count; i++) {
    if (i > 0) {
      date = nextWorkday(config, employee, client, addDays(date, 1));
      if (holderOn(config.handovers, employee.id, date) !== employee.id) return;
    }
    yield date;
  }
}

const overlaps = (spans: readonly (readonly [number, number])[], start: number, end: number) => spans.some(([s, e]) => s < end && start < e);

/**
 * `preferred` if it is inside [open, close) and nothing overlaps it; else the first free time
 * after it (from the end of what is there), else the first free time from `open`: ending by
 * `close`, overlapping nothing. Undefined if the day has no such time.
 */
export function freeStart(spans: readonly (readonly [number, number])[], preferred: number, durationMs: number, open: number, close: number): number | undefined {
  const fits = (start: number) => start >= open && start + durationMs <= close && !overlaps(spans, start, start + durationMs);
  if (fits(preferred)) return preferred;
  const candidates = [open, ...spans.map(([, e]) => e)].sort((a, b) => a - b);
  return candidates.find((start) => start > preferred && fits(start)) ?? candidates.find(fits);
}
