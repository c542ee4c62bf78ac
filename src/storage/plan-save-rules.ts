import type { Touch } from '../domain/types.ts';
import type { Pin, Resolution } from '../planner/history.ts';
import type { EventCause } from './schema.ts';

/**
 * What savePlan and loadHistory decide, the same for SQLite (touch-repository.ts) and
 * PostgreSQL (postgres/bulk-touches.ts); each reads and writes its rows its own way.
 */

/** Sources the planner makes (the others come from workflows: events, silence, escalations, digests). */
export const PLANNER_SOURCE = /^(rule|campaign|handover):/;
/** Whether a row's source is the planner's (PLANNER_SOURCE), as the SQL of both databases says it. */
export const PLANNER_SOURCE_SQL = "(source like 'rule:%' or source like 'campaign:%' or source like 'handover:%')";
/**
 * 0 where a row's source is the planner's (PLANNER_SOURCE_SQL); a workflow's: 1 a meeting or call,
 * 2 another kind (a business event's letter at its hour: its time held, no place under
 * meetings_per_day; Pin.uncapped).
 */
export const WORKFLOW_SOURCE_SQL = `case when ${PLANNER_SOURCE_SQL} then 0 when kind in ('meeting', 'call') then 1 else 2 end`;

/** What a plan's counts say it did. */
export interface SaveSummary {
  inserted: number;
  rescheduled: number;
  reassigned: number;
  updated: number;
  cancelled: number;
  restored: number;
  unchanged: number;
}

/**
 * The counts as people read them, every command and the daemon alike: "3 new, 2 moved,
 * 0 reassigned, 1 cancelled, 4 restored, 120 unchanged" (restored only when some were: a client or
 * rule that came back, its cancelled touches planned again).
 */
export function saveCounts(s: SaveSummary): string {
  return `${s.inserted} new, ${s.rescheduled} moved, ${s.reassigned} reassigned, ${s.cancelled} cancelled${s.restored ? `, ${s.restored} restored` : ''}, ${s.unchanged + s.updated} unchanged`;
}

export const emptySummary = (): SaveSummary => ({ inserted: 0, rescheduled: 0, reassigned: 0, updated: 0, cancelled: 0, restored: 0, unchanged: 0 });

/** The history line a plan writes for a stored touch it changes; none for a change of its title, contacts or reminders only. */
export interface PlanChangeLine {
  readonly type: 'restored' | 'reassigned' | 'rescheduled';
  readonly from: string;
  readonly detail: string | null;
  readonly cause: EventCause;
}

/**
 * A stored touch (not done or skipped, and not the same as planned) that the plan rewrites:
 * which count it adds to and the line its history gets.
 */
export function planChange(
  stored: { readonly status: string; readonly employee: string; readonly date: string; readonly start: string },
  t: Touch, leavers: ReadonlySet<string> | undefined, summary: SaveSummary,
): PlanChangeLine | undefined {
  if (stored.status === 'cancelled') {
    summary.restored++;
    return { type: 'restored', from: stored.date, detail: null, cause: 'plan' };
  }
  if (stored.employee !== t.employee) {
    summary.reassigned++;
    // Taken from someone who leaves by a handover: the handover's doing, not a change of plan.
    return { type: 'reassigned', from: stored.date, detail: `from ${stored.employee}`, cause: leavers?.has(stored.employee) ? 'handover' : 'plan' };
  }
  if (stored.date !== t.date || stored.start !== t.start) {
    summary.rescheduled++;
    return { type: 'rescheduled', from: stored.date, detail: 'plan changed', cause: 'plan' };
  }
  summary.updated++;
  return undefined;
}

/** A stored planned touch's placement, and whether it is fixed (moved by its employee, or forward as overdue). */
export interface StoredPlacement {
  readonly date: string;
  readonly start: string;
  readonly end: string;
  readonly allDay: boolean;
  readonly fixed: boolean;
  readonly employee: string;
}

/**
 * The plan's touch as it is saved over a stored planned one. A plan keeps a fixed touch where it
 * is (planner/plan.ts #keepPinned), so a fixed row it would move was moved after the plan's history
 * was read: snoozed by a link while the daemon planned, moved by `touchbase` from another process,
 * moved forward by the daily check. That move stands; a plan made from an older read never takes
 * back what the employee did (it would have kept it, had it read it).
 */
export function keepingMoves(t: Touch, stored: StoredPlacement): Touch {
  // The same day and instant written in another zone (handed to someone abroad), or a touch
  // turned all-day by its rule on the day it was kept: the plan's own form of what it kept.
  // Nor one changing hands (a handover): the plan put it where its new holder is free.
  if (!stored.fixed || stored.employee !== t.employee || (stored.date === t.date && (stored.allDay || t.allDay || Date.parse(stored.start) === Date.parse(t.start)))) return t;
  return { ...t, date: stored.date, start: stored.start, end: stored.end, allDay: stored.allDay };
}

/**
 * Whether a planned touch of the window that this plan did not make is cancelled. Only what
 * the plan could have made: the planner's own sources, of the clients planned (touches of
 * events, silence and escalations are not the plan's to cancel). A touch of an earlier period
 * carried into the window — moved there by its employee, or forward as overdue by the daily
 * check — is not the plan's either (the plan covers only periods that reach into the window),
 * unless its client is gone, its rule no longer applies, or the plan has another touch of its
 * series for a period that overlaps its own: the cadence changed (monthly calls made quarterly),
 * and the new period's touch replaces the old one's (left open, there were two calls to the same
 * buyer in one quarter, the old one moved forward every morning for good).
 */
export function noLongerPlanned(
  row: { readonly id: string; readonly source: string; readonly client: string; readonly carried: boolean; readonly series: string; readonly window: Touch['window'] },
  keep: ReadonlySet<string>, clients: ReadonlySet<string> | undefined, applies?: SaveScope['applies'], replaced?: (series: string, window: Touch['window']) => boolean,
): boolean {
  if (keep.has(row.id) || !PLANNER_SOURCE.test(row.source)) return false;
  if (!row.carried) return true;
  if (clients && !clients.has(row.client)) return true;
  if (replaced?.(row.series, row.window)) return true;
  // Nor once its rule no longer applies to the client (a won-back client's win-back letter, a rule
  // deleted): left open, it was moved forward as overdue every morning, for good.
  return applies !== undefined && !applies(row.source, row.client);
}

/**
 * Whether a plan has a touch of `series` whose period overlaps `window` but is not it: the
 * periods of one cadence never overlap, so that touch is of another. The plan's periods by
 * series are gathered at the first question (a plan's carried touches are few; its touches many).
 */
export function replacedPeriods(touches: readonly Touch[]): (series: string, window: Touch['window']) => boolean {
  let periods: Map<string, Touch['window'][]> | undefined;
  return (series, window) => {
    if (!periods) {
      periods = new Map();
      for (const t of touches) {
        const list = periods.get(t.series);
        if (list) list.push(t.window);
        else periods.set(t.series, [t.window]);
      }
    }
    return (periods.get(series) ?? []).some((w) => w.from <= window.to && window.from <= w.to && (w.from !== window.from || w.to !== window.to));
  };
}

/** What a save of a plan covers, and what it needs to know of the configuration. */
export interface SaveScope {
  /** Only these clients were planned (an incremental pass). */
  readonly onlyClients?: readonly string[] | undefined;
  /** The clients of the configuration: a touch of another is the plan's to cancel. */
  readonly clients?: ReadonlySet<string> | undefined;
  /** Employees who leave by a handover: a touch taken from them is the handover's doing. */
  readonly leavers?: ReadonlySet<string> | undefined;
  /** Whether a planner source (`rule:…`, `campaign:…`) still applies to a client today. */
  readonly applies?: ((source: string, client: string) => boolean) | undefined;
  /** The period of a calendar rule's cadence as it is now that holds `day`, for a client (undefined for other sources). */
  readonly periodOf?: ((source: string, client: string, day: string) => Touch['window'] | undefined) | undefined;
  /** Given, the ids of the touches this save cancels are added to it (for what is shown with the save). */
  readonly cancelledInto?: string[] | undefined;
}

/** A carried open touch whose period is not one of its rule's cadence any more, and the period of the new cadence that holds it. */
export interface CadenceChanged {
  readonly id: string;
  readonly series: string;
  readonly period: Touch['window'];
}

/**
 * Of the carried touches a plan keeps (noLongerPlanned said no), those of a rule whose cadence
 * changed since they were planned (January's call of a monthly rule made quarterly), with the new
 * period that holds each: a touch of its series done in that period (February's call, counted as
 * the first quarter's) covers it — see coveredByDone — and it gives way, as it gives way to the
 * new period's touch of the plan (replacedPeriods).
 */
export function cadenceChanged(
  rows: readonly { readonly id: string; readonly source: string; readonly client: string; readonly series: string; readonly window: Touch['window'] }[],
  periodOf: SaveScope['periodOf'],
): CadenceChanged[] {
  if (!periodOf) return [];
  const out: CadenceChanged[] = [];
  for (const row of rows) {
    const period = periodOf(row.source, row.client, row.window.from);
    if (period && (period.from !== row.window.from || period.to !== row.window.to)) out.push({ id: row.id, series: row.series, period });
  }
  return out;
}

/**
 * A stored touch as the planner's history holds it (its placement, and whether the plan must
 * keep it). Positional: called once per stored touch (hundreds of thousands) by loadHistory.
 */
export function pinOf(date: string, start: string, end: string, allDay: boolean, employee: string, client: string,
  status: string, movedByUser: boolean, overdueFrom: string | null, workflow: boolean | number, overflowOf: string | null = null): Pin {
  // Moved by the employee, or moved forward as overdue: the plan keeps that day.
  const fixed = movedByUser || overdueFrom !== null;
  const cancelled = status === 'cancelled';
  const past = overflowOf === null ? {} : { overflowOf };
  return allDay
    ? { date, start: undefined, employee, client, fixed, overdueFrom: overdueFrom ?? undefined, cancelled, ...past }
    : {
      date, start, startMs: Date.parse(start), endMs: Date.parse(end), employee, client, fixed, overdueFrom: overdueFrom ?? undefined, cancelled, ...past,
      ...(workflow ? { workflow: true } : {}), ...(Number(workflow) === 2 ? { uncapped: true } : {}), ...(movedByUser ? { movedByUser } : {}),
    };
}

/**
 * SQL of a touch's window bound (`window_from`, `window_to`) as the history loaders read it: for a
 * done touch (a cadence change counts its period) and for a planned one recorded outside its
 * window (placed past a full one: Pin.overflowOf). Null for the rest — nearly all of hundreds of
 * thousands of rows. (Composed in JavaScript, not SQL: PostgreSQL would write its dates by the
 * server's DateStyle.)
 */
export function windowReadSql(column: 'window_from' | 'window_to'): string {
  return `case when status = 'done' or (status = 'planned' and (date > window_to or date < window_from)) then ${column} end`;
}

/** Pin.overflowOf of a stored touch, from the bounds windowReadSql read. */
export function overflowOf(status: string, windowFrom: string | null, windowTo: string | null): string | null {
  return status === 'planned' && windowFrom !== null && windowTo !== null ? `${windowFrom} ${windowTo}` : null;
}

/** Periods are few (a few hundred a year): one object each, not one per done touch of a history that grows every year. */
const windows = new Map<string, { readonly from: string; readonly to: string }>();

/** A done or skipped touch as the planner's history holds it; a done one with the period it was planned for. */
export function resolutionOf(touchId: string, series: string, status: 'done' | 'skipped', date: string, windowFrom: string | null, windowTo: string | null): Resolution {
  if (windowFrom === null || windowTo === null) return { touchId, series, status, date };
  const key = `${windowFrom}|${windowTo}`;
  let window = windows.get(key);
  if (!window) {
    if (windows.size > 10_000) windows.clear();
    window = { from: windowFrom, to: windowTo };
    windows.set(key, window);
  }
  return { touchId, series, status, date, window };
}

/**
 * The history an incremental plan reads (loadHistory): all of these clients', and the time others
 * hold from `heldFrom` on in the calendars of `holders` (the only people these clients' touches can
 * be placed with: the planner weighs one person's day against their own bookings alone).
 */
export interface HistoryScope {
  readonly clients: readonly string[];
  readonly heldFrom: string;
  readonly holders: readonly string[];
}
