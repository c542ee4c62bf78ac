import { DateTime } from 'luxon';
import type { Touch } from '../domain/types.ts';

/** What the planner needs to know of the past: what was done or skipped, and where touches were put. */

export interface Resolution {
  readonly touchId: string;
  readonly series: string;
  readonly status: 'done' | 'skipped';
  /** Local date the touch was done (or, when skipped, the date it was planned for). */
  readonly date: string;
  /** The period it was planned for (a done one's): a period of another cadence tells a cadence changed. */
  readonly window?: { readonly from: string; readonly to: string };
}

/** An earlier placement of a touch: kept on re-planning while still valid. */
export interface Pin {
  readonly date: string;
  /** ISO instants of a timed touch's start and end. */
  readonly start: string | undefined;
  /** Epoch ms of a timed touch's start and end. */
  readonly startMs?: number;
  readonly endMs?: number;
  readonly employee: string;
  /** The client, so a re-plan of some clients can keep the others' meetings in the way. */
  readonly client?: string;
  /** Set by the employee (moved in their calendar): kept as it is, whatever the rules say. */
  readonly fixed?: boolean;
  /** Moved by the employee in their calendar (not only forward as overdue): its length is theirs too. */
  readonly movedByUser?: boolean;
  /** The day it was due, when the daily check moved it forward as overdue: it stays overdue. */
  readonly overdueFrom?: string;
  /**
   * A planned touch recorded outside its window (placed past it when the window was full): that
   * window, as "from to". Kept there while its window is the same (plan.ts #keepPinned).
   */
  readonly overflowOf?: string;
  /** Cancelled (its client or rule gone): remembered in case it comes back, but holding no time. */
  readonly cancelled?: boolean;
  /** Made by a workflow (a business event's call, a digest), not by the plan: the plan places around its time. */
  readonly workflow?: boolean;
  /**
   * A workflow's timed touch that is no meeting or call (a business event's letter at its hour):
   * its time is held, but it takes no place under meetings_per_day (QA: five order letters moved
   * an agreed call to the next day).
   */
  readonly uncapped?: boolean;
}

/** A timed pin that holds its employee's time: planned (not cancelled) or done — a skipped one frees it. */
export interface HeldTime extends Pin {
  readonly id: string;
  readonly done: boolean;
}

export interface PlannerHistory {
  readonly resolutions: ReadonlyMap<string, Resolution>;
  /** The latest resolution of each series; `anchor: last` counts from it. */
  readonly lastBySeries: ReadonlyMap<string, Resolution>;
  /** The latest done one of each series (a skip since does not hide it): a cadence change counts it. */
  readonly lastDoneBySeries: ReadonlyMap<string, Resolution>;
  readonly pins: ReadonlyMap<string, Pin>;
  /** Timed pins (with start, end and client) that hold time, by employee. */
  readonly timedPinsByEmployee: ReadonlyMap<string, readonly HeldTime[]>;
}

export const NO_HISTORY: PlannerHistory = { resolutions: new Map(), lastBySeries: new Map(), lastDoneBySeries: new Map(), pins: new Map(), timedPinsByEmployee: new Map() };

/** Builds the planner's view of history from resolutions and pins. */
/** The order of a series' resolutions: by date, then by touch id (the last is lastBySeries's). */
export function resolutionOrder(a: Resolution, b: Resolution): number {
  return a.date < b.date ? -1 : a.date > b.date ? 1 : a.touchId < b.touchId ? -1 : a.touchId > b.touchId ? 1 : 0;
}

export function makeHistory(resolutions: Iterable<Resolution>, pins: ReadonlyMap<string, Pin> = new Map()): PlannerHistory {
  const byId = new Map<string, Resolution>();
  const last = new Map<string, Resolution>();
  const lastDone = new Map<string, Resolution>();
  const later = (r: Resolution, prev: Resolution | undefined) => !prev || resolutionOrder(r, prev) > 0;
  for (const r of resolutions) {
    byId.set(r.touchId, r);
    if (later(r, last.get(r.series))) last.set(r.series, r);
    if (r.status === 'done' && later(r, lastDone.get(r.series))) lastDone.set(r.series, r);
  }
  const timed = new Map<string, HeldTime[]>();
  for (const [id, pin] of pins) {
    if (pin.startMs === undefined || pin.endMs === undefined || !pin.client || pin.cancelled) continue;
    const resolution = byId.get(id);
    if (resolution?.status === 'skipped') continue;
    const held: HeldTime = { ...pin, id, done: resolution !== undefined };
    const list = timed.get(pin.employee);
    if (list) list.push(held);
    else timed.set(pin.employee, [held]);
  }
  return { resolutions: byId, lastBySeries: last, lastDoneBySeries: lastDone, pins, timedPinsByEmployee: timed };
}

/** The placements of a plan as storage records them: what a re-plan keeps. */
export function pinsOf(touches: readonly Touch[]): Map<string, Pin> {
  return new Map<string, Pin>(touches.map((t) => {
    const past = t.date > t.window.to || t.date < t.window.from ? { overflowOf: `${t.window.from} ${t.window.to}` } : {};
    return [t.id, t.allDay
      ? { date: t.date, start: undefined, employee: t.employee, client: t.client, ...past }
      : { date: t.date, start: t.start, startMs: DateTime.fromISO(t.start).toMillis(), endMs: DateTime.fromISO(t.end).toMillis(), employee: t.employee, client: t.client, ...past }];
  }));
}
