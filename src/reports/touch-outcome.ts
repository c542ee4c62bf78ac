import type { Config } from '../domain/types.ts';
import { addDays } from '../planner/dates.ts';
import { DateTime } from 'luxon';
import type { HandOver, ReportTouch } from '../storage/report-queries.ts';
import { holderAt } from './as-of.ts';
import { isOverdue } from '../workflows/overdue.ts';
import { closedAsMissed } from '../domain/status-key.ts';

/** What became of a touch by `today`: the categories of punctuality and of coverage by month. */
export type TouchOutcome = 'on_time' | 'late' | 'skipped' | 'missed' | 'open';

/** Done in time: by the end of its window, or within the grace period after the day it was due. */
export function doneOnTime(config: Config, t: Pick<ReportTouch, 'resolved_date' | 'date' | 'overdue_from' | 'window_to'>): boolean {
  const done = t.resolved_date ?? t.date;
  const due = t.overdue_from ?? t.date;
  return done <= t.window_to || done <= addDays(due, config.overdue.afterDays);
}

/** Done on time or late, skipped, missed (open and overdue), or still open. */
export function touchOutcome(config: Config, t: Pick<ReportTouch, 'status' | 'resolved_date' | 'resolved_by' | 'date' | 'overdue_from' | 'window_to'>, today: string): TouchOutcome {
  if (t.status === 'done') return doneOnTime(config, t) ? 'on_time' : 'late';
  if (t.status === 'skipped') return closedAsMissed(t) ? 'missed' : 'skipped';
  return isOverdue(config, t, today) ? 'missed' : 'open';
}

/**
 * Whose record a touch counts in: who did it when done on time; when missed, or done late after
 * it changed hands, who held it as it became overdue (a leaver's backlog is theirs, not what
 * their successor missed on the first day, nor late in their record when they clear it: QA);
 * else who it belongs to.
 */
export function outcomeOwner(
  config: Pick<Config, 'overdue' | 'settings'>, t: Pick<ReportTouch, 'id' | 'status' | 'resolved_by' | 'employee_id' | 'date' | 'overdue_from'>,
  outcome: TouchOutcome, handed: ReadonlyMap<string, readonly HandOver[]>,
): string {
  if (t.status === 'done' && (outcome !== 'late' || !handed.has(t.id))) return t.resolved_by ?? t.employee_id;
  if ((outcome !== 'missed' && outcome !== 'late') || !handed.has(t.id)) return t.employee_id;
  // Overdue from the start of the day after the grace period, on the company's clock.
  const overdueDay = addDays(dueDay(t), config.overdue.afterDays + 1);
  return holderAt(t, handed, DateTime.fromISO(overdueDay, { zone: config.settings.timezone }).toUTC().toISO()!);
}

/** The day a touch was due: before an overdue move, the day it was planned for. */
export function dueDay(t: Pick<ReportTouch, 'overdue_from' | 'date'>): string {
  return t.overdue_from ?? t.date;
}
