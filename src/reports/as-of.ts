import type { Config } from '../domain/types.ts';
import { addDays } from '../planner/dates.ts';
import type { HandOver, ReportTouch } from '../storage/report-queries.ts';

/**
 * A touch as it stood on `today`, for a report as of a moment (`report --now` before the
 * recorded history, QA camp F6): done after that day, it was still open then; moved
 * forward as overdue after that day (its due day and grace period not yet over), it was still
 * on the day it was due, not overdue. With today's date nothing changes: a touch cannot be
 * resolved, or moved on as overdue, after the day that is now. Unchanged touches are returned
 * as they are (a year of a large company is half a million of them).
 */
export function touchAsOf(config: Pick<Config, 'overdue'>, t: ReportTouch, today: string): ReportTouch {
  let out = t;
  // (A skip's resolved_date is the touch's own day, not the day of the skip: reportTouches reopens a later skip.)
  if (t.status === 'done' && t.resolved_date !== null && t.resolved_date > today) {
    out = { ...out, status: 'planned', resolved_date: null, resolved_by: null };
  }
  if (out.overdue_from !== null && addDays(out.overdue_from, config.overdue.afterDays) >= today) {
    out = { ...out, date: out.overdue_from, overdue_from: null };
  }
  return out;
}

/** Every touch as it stood on `today` (see touchAsOf). */
export function touchesAsOf(config: Pick<Config, 'overdue'>, touches: readonly ReportTouch[], today: string): readonly ReportTouch[] {
  let changed = false;
  const out = touches.map((t) => {
    const a = touchAsOf(config, t, today);
    if (a !== t) changed = true;
    return a;
  });
  return changed ? out : touches;
}

/**
 * Who held a touch at the instant `at` (UTC ISO): the one it was given from at its first
 * handover since, else who holds it now.
 */
export function holderAt(t: Pick<ReportTouch, 'id' | 'employee_id'>, handed: ReadonlyMap<string, readonly HandOver[]>, at: string): string {
  const list = handed.get(t.id);
  if (!list) return t.employee_id;
  for (const h of list) if (h.at >= at) return h.from;
  return t.employee_id;
}

/** Every touch with the holder it had at the instant `end`: a report as of a day before a handover shows the leaver's touches as theirs. */
export function heldAsOf(touches: ReportTouch[], handed: ReadonlyMap<string, readonly HandOver[]>, end: string): ReportTouch[] {
  if (handed.size === 0) return touches;
  return touches.map((t) => {
    const holder = holderAt(t, handed, end);
    return holder === t.employee_id ? t : { ...t, employee_id: holder };
  });
}
