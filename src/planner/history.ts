import { DateTime } from 'luxon';
import type { Touch } from '../domain/types.ts';

/** What the planner needs to know of the past: what was done or skipped, and where touches were put. */

export interface Resolution {
  readonly touchId: string;
  readonly series: string;
  readonly status: 'done' | 'skipped';
  /** Local date the touch was done (or, when skipped, the date it was planned for). */
  readonly date: string;
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
  /** The day it was due, when the daily check moved it forward as overdue: it stays overdue. */
  readonly overdueFrom?: string;
}

export interface PlannerHistory {
  readonly resolutions: ReadonlyMap<string, Resolution>;
  /** The latest resolution of each series; `anchor: last` counts from it. */
  readonly lastBySeries: ReadonlyMap<string, Resolution>;
  readonly pins: ReadonlyMap<string, Pin>;
  /** Timed pins (with start, end and client) by employee, for re-planning a few clients. */
  readonly timedPinsByEmployee: ReadonlyMap<string, readonly Pin[]>;
}

export const NO_HISTORY: PlannerHistory = { resolutions: new Map(), lastBySeries: new Map(), pins: new Map(), timedPinsByEmployee: new Map() };

/** Builds the planner's view of history from resolutions and pins. */
export function makeHistory(resolutions: Iterable<Resolution>, pins: ReadonlyMap<string, Pin> = new Map()): PlannerHistory {
  const byId = new Map<string, Resolution>();
  const last = new Map<string, Resolution>();
  for (const r of resolutions) {
    byId.set(r.touchId, r);
    const prev = last.get(r.series);
    if (!prev || r.date > prev.date || (r.date === prev.date && r.touchId > prev.touchId)) last.set(r.series, r);
  }
  const timed = new Map<string, Pin[]>();
  for (const pin of pins.values()) {
    if (pin.startMs === undefined || pin.endMs === undefined || !pin.client) continue;
    const list = timed.get(pin.employee);
    if (list) list.push(pin);
    else timed.set(pin.employee, [pin]);
  }
  return { resolutions: byId, lastBySeries: last, pins, timedPinsByEmployee: timed };
}

/** The placements of a plan as storage records them: what a re-plan keeps. */
export function pinsOf(touches: readonly Touch[]): Map<string, Pin> {
  return new Map<string, Pin>(touches.map((t) => [t.id, t.allDay
    ? { date: t.date, start: undefined, employee: t.employee, client: t.client }
    : { date: t.date, start: t.start, startMs: DateTime.fromISO(t.start).toMillis(), endMs: DateTime.fromISO(t.end).toMillis(), employee: t.employee, client: t.client }]));
}
