import type { Config } from '../domain/types.ts';
import { addDays } from '../planner/dates.ts';
import type { ReportTouch } from '../storage/report-queries.ts';
import { isOverdue } from '../workflows/overdue.ts';

/** What became of a touch by `today`: the categories of punctuality and of coverage by month. */
export type TouchOutcome = 'on_time' | 'late' | 'skipped' | 'missed' | 'open';

/** Done in time: by the end of its window, or within the grace period after the day it was due. */
export function doneOnTime(config: Config, t: Pick<ReportTouch, 'resolved_date' | 'date' | 'overdue_from' | 'window_to'>): boolean {
  const done = t.resolved_date ?? t.date;
  const due = t.overdue_from ?? t.date;
  return done <= t.window_to || done <= addDays(due, config.overdue.afterDays);
}

/** Done on time or late, skipped, missed (open and overdue), or still open. */
export function touchOutcome(config: Config, t: Pick<ReportTouch, 'status' | 'resolved_date' | 'date' | 'overdue_from' | 'window_to'>, today: string): TouchOutcome {
  if (t.status === 'done') return doneOnTime(config, t) ? 'on_time' : 'late';
  if (t.status === 'skipped') return 'skipped';
  return isOverdue(config, t, today) ? 'missed' : 'open';
}

/** Whose record a touch counts in: who did it when done, else who it belongs to. */
export function outcomeOwner(t: Pick<ReportTouch, 'status' | 'resolved_by' | 'employee_id'>): string {
  return t.status === 'done' ? (t.resolved_by ?? t.employee_id) : t.employee_id;
}

/** The day a touch was due: before an overdue move, the day it was planned for. */
export function dueDay(t: Pick<ReportTouch, 'overdue_from' | 'date'>): string {
  return t.overdue_from ?? t.date;
}
