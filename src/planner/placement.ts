import type { Client, Employee } from '../domain/types.ts';
import { addDays } from './dates.ts';
import { ContactDays } from './contact-days.ts';
import type { WorkCalendar } from './work-calendar.ts';
import { sharedHours, type Interval } from './working-hours.ts';

const SLOT_MS = 30 * 60_000;
const DAY_MS = 24 * 60 * 60_000;
/** How far past its window a touch may go when every day inside is full or closed. */
const OVERFLOW_DAYS = 31;

export type PlacementMode = 'spread' | 'latest';

/** The days a touch may go to past its window when every day inside is full: after it, or before it for 'latest'. */
export function overflowSpan(from: string, to: string, mode: PlacementMode): { readonly from: string; readonly to: string } {
  return mode === 'latest' ? { from: addDays(from, -OVERFLOW_DAYS), to: addDays(from, -1) } : { from: addDays(to, 1), to: addDays(to, OVERFLOW_DAYS) };
}

/** What the planner asks the placer for: one touch to put on a day (and at a time). */
export interface PlacementRequest {
  readonly seed: number;
  readonly employee: Employee;
  readonly client: Client;
  readonly from: string;
  readonly to: string;
  /** Earliest acceptable day (today), when the window allows. */
  readonly notBefore: string | undefined;
  /** Earliest acceptable start of a timed touch (now): no new meeting in the past hour of today. */
  readonly notBeforeMs?: number;
  readonly mode: PlacementMode;
  /** 0 for an all-day touch. */
  readonly durationMinutes: number;
  /**
   * May the touch go past its window when every day inside is full? Not for calendar
   * periods: one touch per period is a promise, so a full period is reported instead.
   */
  readonly overflow: boolean;
  /**
   * The days this employee may hold the touch at all, inclusive (a handover: the leaver until
   * the day before `on`, the successor from `on`). Nothing is placed outside, not even overflow.
   */
  readonly hardFrom?: string;
  readonly hardTo?: string;
  /**
   * With hardFrom or hardTo, the country whose working days count the whole period: the role's
   * holder's without the handover, so that each side keeps the days the touch would have had
   * without it where a leaver and a successor work in countries with other holidays (QA: a
   * Bucharest manager's call of 25 March moved to the 29th when handed to Chișinău, where 8 March
   * is a holiday and the period had a day less).
   */
  readonly periodCountry?: string;
  /**
   * The day it was on before, when only its time no longer holds (hours or a duration changed):
   * tried first, so that a re-plan moves it within its day rather than to another one.
   */
  readonly preferDate?: string;
  /**
   * The touch's contacts and series: a day on which one of these contacts already has a meeting
   * or call of another series (noted by noteContacts) is taken only when no other day of the
   * window can hold it — one person is not on the phone twice a day for two rules.
   */
  readonly contacts?: readonly string[];
  readonly series?: string;
  /**
   * An `anchor: last` touch, whose days move with the day its chain was last done: it gives way
   * to every other series (placed after the touches whose day comes from their period), while a touch
   * whose day comes from its period alone gives way only to such touches, so that its day does
   * not depend on when a chain's touch was done ("a year looked at in January shows the day
   * recorded in March").
   */
  readonly movable?: boolean;
}

export interface Placement {
  readonly date: string;
  /** Epoch ms; undefined for all-day touches. */
  readonly start: number | undefined;
  readonly end: number | undefined;
}

interface DayLoad {
  timed: number;
  /** Of those, late touches the morning check moved onto the day (OverdueRoom): see tryKeep. */
  late: number;
  busy: number[];
}

/**
 * Puts touches on working days and, for meetings and calls, into free slots of the hours
 * both parties work, never over an employee's meetings_per_day. State is per instance:
 * one placer per planning run.
 */
export class Placer {
  readonly #calendar: WorkCalendar;
  readonly #fromToday = new Map<string, readonly string[]>();
  /**
   * Where a candidate list cut from its period lies in it (#candidates): how many of the period's
   * working days come before its first (before today), and how many the period has in all — so
   * that a touch keeps its own day of the whole period when that day is left.
   */
  readonly #cut = new WeakMap<readonly string[], { readonly before: number; readonly total: number }>();
  /** A handover's side of a period (#candidates), and the whole period's days it is a part of. */
  readonly #sides = new WeakMap<readonly string[], readonly string[]>();
  /** employee id → date → load. */
  readonly #load = new Map<string, Map<string, DayLoad>>();
  /** employee × client pair → date → shared working hours (null: none that day). */
  readonly #shared = new Map<string, Map<string, Interval | null>>();
  /** The contacts' days: of touches whose day comes from their period (#fixedDays), and of `anchor: last` ones (#movableDays). */
  readonly #fixedDays: ContactDays;
  readonly #movableDays: ContactDays;

  #nearNow = false;

  /**
   * `sharedContacts`: the contacts two rules' meetings or calls can reach (planner/plan.ts), the
   * only ones whose days are noted. A buyer only the monthly call reaches never has two rules'
   * calls on a day, and noting every contact's every day held millions of entries at 50,000 clients.
   */
  constructor(calendar: WorkCalendar, sharedContacts?: ReadonlySet<string>) {
    this.#calendar = calendar;
    this.#fixedDays = new ContactDays(sharedContacts);
    this.#movableDays = new ContactDays(sharedContacts);
  }

  /**
   * Whether a slot within a day of the time not before (now) was weighed against it: then where
   * touches went may depend on the hour of `now`, not only on its date.
   */
  get weighedNow(): boolean {
    return this.#nearNow;
  }

  /** Where the touch would go on an empty calendar: used to decide who owns it around a handover. */
  tentativeDate(r: PlacementRequest): string | undefined {
    const days = this.#candidates(r);
    return days.length ? this.#pick(r, days) : undefined;
  }

  /** Keeps an earlier placement when it is still valid, so re-planning moves nothing needlessly. */
  tryKeep(r: PlacementRequest, date: string, start: number | undefined, ignoreWindow = false): Placement | undefined {
    if (!ignoreWindow && (date < r.from || date > r.to)) return undefined;
    if (!this.#calendar.isWorkday(date, r.employee.country, r.client.country)) return undefined;
    if (r.durationMinutes === 0) return { date, start: undefined, end: undefined };
    if (start === undefined) return undefined;
    const end = start + r.durationMinutes * 60_000;
    const shared = this.#sharedOn(r, date, this.#sharedMap(r));
    if (!shared || start < shared[0] || end > shared[1]) return undefined;
    const load = this.#loadOf(this.#loadsOf(r.employee.id), date);
    // A touch already in the calendar keeps its day against the late ones the morning check put
    // there (over the cap, when the week had no room): those are what flexes, not the on-time
    // calls — perhaps agreed with the client — that the holder already saw on that day (QA: six
    // on-time calls moved a week on for twelve late ones).
    if (!this.#fits(r.employee, load, start, end, load.timed - load.late)) return undefined;
    this.#book(load, start, end);
    return { date, start, end };
  }

  /**
   * tryKeep without the day's cap: a touch already in someone's calendar, kept on its day (still
   * a working day of its period, on the holder's side of a handover, within the shared hours)
   * though the day is full — at its time, or the first free one of that day: never on top of
   * another touch.
   */
  keepOverCap(r: PlacementRequest, date: string, start: number | undefined): (Placement & { overCap?: boolean }) | undefined {
    if (date < r.from || date > r.to || (r.hardFrom !== undefined && date < r.hardFrom) || (r.hardTo !== undefined && date > r.hardTo)) return undefined;
    if (!this.#calendar.isWorkday(date, r.employee.country, r.client.country)) return undefined;
    if (r.durationMinutes === 0) return { date, start: undefined, end: undefined };
    const shared = this.#sharedOn(r, date, this.#sharedMap(r));
    if (!shared) return undefined;
    const load = this.#loadOf(this.#loadsOf(r.employee.id), date);
    const duration = r.durationMinutes * 60_000;
    const free = (s: number) => s >= shared[0] && s + duration <= shared[1] && !overlaps(load, s, s + duration);
    let at = start !== undefined && free(start) ? start : undefined;
    // Another time than its own: not one already past today, where the day has a later one (review: a
    // touch handed over at 11:00 went to 09:00, late as it was written).
    const today = r.notBeforeMs !== undefined && date === r.notBefore;
    if (at === undefined && today) this.#nearNow = true;
    const first = Math.ceil(shared[0] / SLOT_MS) * SLOT_MS;
    for (let s = first; at === undefined && s + duration <= shared[1]; s += SLOT_MS) if (free(s) && (!today || s >= r.notBeforeMs!)) at = s;
    for (let s = first; at === undefined && s + duration <= shared[1]; s += SLOT_MS) if (free(s)) at = s;
    if (at === undefined) return undefined;
    // Whether the day was at its cap already (else its hours, or the time of day, left it no slot: said apart).
    const cap = r.employee.meetingsPerDay;
    const overCap = cap !== undefined && load.timed >= cap;
    this.#book(load, at, at + duration);
    return { date, start: at, end: at + duration, overCap };
  }

  /**
   * Marks time as taken (a meeting of another client kept as it is) without placing anything;
   * `late`: a late touch the morning check moved there, which no kept touch gives way to (tryKeep).
   */
  /** `uncapped`: time held by what is no meeting or call (a business event's letter at its hour), not counted under meetings_per_day. */
  reserve(employee: string, date: string, start: number, end: number, late = false, uncapped = false): void {
    const load = this.#loadOf(this.#loadsOf(employee), date);
    this.#book(load, start, end, !uncapped);
    if (late) load.late++;
  }

  /**
   * Notes that these contacts have a meeting or call of `series` on `date` (placed, kept or done),
   * so that a touch of another series placed after it prefers another day (#contactBusy).
   */
  noteContacts(contacts: readonly string[], series: string, date: string, movable: boolean): void {
    (movable ? this.#movableDays : this.#fixedDays).note(contacts, series, date);
  }

  /**
   * Whether one of the touch's contacts already has a meeting or call of another series on `date`.
   * A touch whose day comes from its period has its own day whatever the chains do; another day
   * of it (its own being full) is chosen clear of the chains' touches too (QA: a monthly call
   * pushed off its day landed on the buyer's recorded check-in).
   */
  #contactBusy(r: PlacementRequest, date: string, ownDay: string | undefined): boolean {
    if (!r.contacts) return false;
    return this.#fixedDays.busy(r.contacts, r.series, date)
      || ((r.movable === true || date !== ownDay) && this.#movableDays.busy(r.contacts, r.series, date));
  }


  /** Places a touch, or returns undefined when no working day within reach can take it. */
  place(r: PlacementRequest): Placement | undefined {
    const days = this.#candidates(r);
    if (r.preferDate !== undefined && days.includes(r.preferDate)) {
      if (r.durationMinutes === 0) return { date: r.preferDate, start: undefined, end: undefined };
      const placed = this.#placeTimedOn(r, r.preferDate, this.#sharedMap(r), this.#loadsOf(r.employee.id));
      if (placed) return placed;
    }
    if (r.durationMinutes === 0) {
      if (days.length) return { date: this.#pick(r, days), start: undefined, end: undefined };
      const spill = this.#overflow(r);
      return spill.length ? { date: spill[0]!, start: undefined, end: undefined } : undefined;
    }
    const shared = this.#sharedMap(r);
    const loads = this.#loadsOf(r.employee.id);
    // Try the touch's own day first, then the next ones round the period (or backwards for 'latest'),
    // passing over days when one of its contacts has another series' meeting or call; those days
    // are tried last, in the same order, rather than the touch leaving its window for them.
    const n = days.length;
    const first = r.mode === 'latest' ? n - 1 : n ? this.#ownDay(r, days) : 0;
    let passedOver: string[] | undefined;
    for (let i = 0; i < n; i++) {
      const date = r.mode === 'latest' ? days[n - 1 - i]! : days[(first + i) % n]!;
      if (this.#contactBusy(r, date, days[first])) {
        (passedOver ??= []).push(date);
        continue;
      }
      const placed = this.#placeTimedOn(r, date, shared, loads);
      if (placed) return placed;
    }
    for (const date of passedOver ?? []) {
      const placed = this.#placeTimedOn(r, date, shared, loads);
      if (placed) return placed;
    }
    for (const date of this.#overflow(r)) {
      const placed = this.#placeTimedOn(r, date, shared, loads);
      if (placed) return placed;
    }
    return undefined;
  }

  /**
   * The touch's own day among `days`: the one its seed picks from the whole period, so that it
   * is the same whatever day "now" is — a year's plan looked at in January shows the day the
   * touch is recorded on in March. Only a touch whose own day has passed takes another, from
   * the days left.
   */
  /** The day of a touch without a time: its last for 'latest', else its own (#ownDay). */
  #pick(r: PlacementRequest, days: readonly string[]): string {
    return days[r.mode === 'latest' ? days.length - 1 : this.#ownDay(r, days)]!;
  }

  #ownDay(r: PlacementRequest, days: readonly string[]): number {
    // A handover's side: the touch's own day of the whole period, where this side has it.
    const whole = this.#sides.get(days);
    if (whole) {
      const own = whole.length > 0 ? this.#ownIndex(r, whole) : -1;
      const at = own < 0 ? -1 : days.indexOf(whole[own]!);
      return at >= 0 ? at : r.seed % days.length;
    }
    const own = this.#ownIndex(r, days);
    return own >= 0 ? own : r.seed % days.length;
  }

  /** The index of the touch's own day in a list of days (-1: cut off, before today). */
  #ownIndex(r: PlacementRequest, days: readonly string[]): number {
    const cut = this.#cut.get(days);
    if (!cut) return r.seed % days.length;
    const own = r.seed % cut.total - cut.before;
    return own >= 0 && own < days.length ? own : -1;
  }

  #candidates(r: PlacementRequest): readonly string[] {
    if (r.hardFrom !== undefined || r.hardTo !== undefined) {
      const from = r.hardFrom !== undefined && r.hardFrom > r.from ? r.hardFrom : r.from;
      const to = r.hardTo !== undefined && r.hardTo < r.to ? r.hardTo : r.to;
      if (from > to) return [];
      const side = this.#candidates({ ...r, from, to, hardFrom: undefined, hardTo: undefined });
      // A handover's side of the period, placed as a part of the whole: a touch whose own day of
      // the period is on this side keeps it (QA: a leaver's touches before `on` took other days
      // of theirs once a handover was configured) — found by its date, the whole counted in the
      // role holder's country (periodCountry) and each side in its holder's, so that a holiday of
      // one side's country moves none of the other's (review). A copy: the side's list may be memoised.
      const counted = r.periodCountry === undefined || r.periodCountry === r.employee.country ? r.employee : { ...r.employee, country: r.periodCountry };
      const part = [...side];
      this.#sides.set(part, this.#candidates({ ...r, employee: counted, hardFrom: undefined, hardTo: undefined }));
      return part;
    }
    const all = this.#calendar.workdaysBetween(r.from, r.to, r.employee.country, r.client.country);
    if (!r.notBefore || r.notBefore <= r.from || r.notBefore > r.to) return all;
    // Only the current period is cut at today; memoised because every touch of it asks.
    const key = `${r.notBefore}|${r.from}|${r.to}|${r.employee.country}|${r.client.country}`;
    let later = this.#fromToday.get(key);
    if (!later) {
      const cut = all.filter((d) => d >= r.notBefore!);
      later = cut.length ? cut : all;
      this.#fromToday.set(key, later);
      if (later.length < all.length) this.#cut.set(later, { before: all.length - later.length, total: all.length });
    }
    return later;
  }

  #overflow(r: PlacementRequest): readonly string[] {
    if (!r.overflow) return [];
    if (r.hardFrom !== undefined || r.hardTo !== undefined) {
      return this.#overflow({ ...r, hardFrom: undefined, hardTo: undefined }).filter((d) => (r.hardFrom === undefined || d >= r.hardFrom) && (r.hardTo === undefined || d <= r.hardTo));
    }
    const span = overflowSpan(r.from, r.to, r.mode);
    const days = this.#calendar.workdaysBetween(span.from, span.to, r.employee.country, r.client.country);
    // 'latest': the nearest day before the window first.
    return r.mode === 'latest' ? [...days].reverse() : days;
  }

  #placeTimedOn(r: PlacementRequest, date: string, sharedMap: Map<string, Interval | null>, loads: Map<string, DayLoad>): Placement | undefined {
    const shared = this.#sharedOn(r, date, sharedMap);
    if (!shared) return undefined;
    const load = this.#loadOf(loads, date);
    const cap = r.employee.meetingsPerDay;
    if (cap !== undefined && load.timed >= cap) return undefined;
    const duration = r.durationMinutes * 60_000;
    const firstSlot = Math.ceil(shared[0] / SLOT_MS) * SLOT_MS;
    const slots = Math.floor((shared[1] - duration - firstSlot) / SLOT_MS) + 1;
    if (slots <= 0) return undefined;
    const offset = (r.seed >>> 12) % slots;
    for (let i = 0; i < slots; i++) {
      const start = firstSlot + ((offset + i) % slots) * SLOT_MS;
      const end = start + duration;
      if (r.notBeforeMs !== undefined && date >= (r.notBefore ?? '')) {
        if (Math.abs(start - r.notBeforeMs) < DAY_MS) this.#nearNow = true;
        if (start < r.notBeforeMs) continue;
      }
      if (!this.#fits(r.employee, load, start, end)) continue;
      this.#book(load, start, end);
      return { date, start, end };
    }
    return undefined;
  }

  /** Fast path to the shared-hours map of an (employee, client) pair. */
  readonly #pairMaps = new WeakMap<Client, Map<string, Map<string, Interval | null>>>();

  #sharedMap(r: PlacementRequest): Map<string, Interval | null> {
    let byEmployee = this.#pairMaps.get(r.client);
    if (!byEmployee) {
      byEmployee = new Map();
      this.#pairMaps.set(r.client, byEmployee);
    }
    let map = byEmployee.get(r.employee.id);
    if (!map) {
      map = this.#sharedMapByZones(r);
      byEmployee.set(r.employee.id, map);
    }
    return map;
  }

  #sharedMapByZones(r: PlacementRequest): Map<string, Interval | null> {
    const e = r.employee;
    const c = r.client;
    const key = `${e.timezone}|${e.hours.start}-${e.hours.end}|${e.country}|${c.timezone}|${c.hours.start}-${c.hours.end}|${c.country}`;
    let map = this.#shared.get(key);
    if (!map) {
      map = new Map();
      this.#shared.set(key, map);
    }
    return map;
  }

  #sharedOn(r: PlacementRequest, date: string, map: Map<string, Interval | null>): Interval | undefined {
    let shared = map.get(date);
    if (shared === undefined) {
      const e = r.employee;
      const c = r.client;
      shared = sharedHours(e.timezone, e.hours, date, c.timezone, c.hours, (d) => this.#calendar.isWorkday(d, c.country)) ?? null;
      map.set(date, shared);
    }
    return shared ?? undefined;
  }

  #loadsOf(employee: string): Map<string, DayLoad> {
    let loads = this.#load.get(employee);
    if (!loads) {
      loads = new Map();
      this.#load.set(employee, loads);
    }
    return loads;
  }

  #loadOf(loads: Map<string, DayLoad>, date: string): DayLoad {
    let load = loads.get(date);
    if (!load) {
      load = { timed: 0, late: 0, busy: [] };
      loads.set(date, load);
    }
    return load;
  }

  /** Under the cap (counting `counted` of the day's timed touches: all, unless a kept touch discounts the late ones) and on free time. */
  #fits(employee: Employee, load: DayLoad, start: number, end: number, counted = load.timed): boolean {
    if (employee.meetingsPerDay !== undefined && counted >= employee.meetingsPerDay) return false;
    return !overlaps(load, start, end);
  }

  #book(load: DayLoad, start: number, end: number, counted = true): void {
    if (counted) load.timed++;
    load.busy.push(start, end);
  }
}

/** Whether [start, end) overlaps time the day already holds. */
function overlaps(load: DayLoad, start: number, end: number): boolean {
  for (let i = 0; i < load.busy.length; i += 2) if (start < load.busy[i + 1]! && load.busy[i]! < end) return true;
  return false;
}

