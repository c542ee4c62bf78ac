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
  /** ISO instant of a timed touch's start. */
  readonly start: string | undefined;
  readonly employee: string;
}

export interface PlannerHistory {
  readonly resolutions: ReadonlyMap<string, Resolution>;
  /** The latest resolution of each series; `anchor: last` counts from it. */
  readonly lastBySeries: ReadonlyMap<string, Resolution>;
  readonly pins: ReadonlyMap<string, Pin>;
}

export const NO_HISTORY: PlannerHistory = { resolutions: new Map(), lastBySeries: new Map(), pins: new Map() };

/** Builds the planner's view of history from resolutions and pins. */
export function makeHistory(resolutions: Iterable<Resolution>, pins: ReadonlyMap<string, Pin> = new Map()): PlannerHistory {
  const byId = new Map<string, Resolution>();
  const last = new Map<string, Resolution>();
  for (const r of resolutions) {
    byId.set(r.touchId, r);
    const prev = last.get(r.series);
    if (!prev || r.date > prev.date || (r.date === prev.date && r.touchId > prev.touchId)) last.set(r.series, r);
  }
  return { resolutions: byId, lastBySeries: last, pins };
}
