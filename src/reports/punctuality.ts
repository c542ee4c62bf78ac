import type { Config } from '../domain/types.ts';
import { addDays } from '../planner/dates.ts';
import type { TouchRow } from '../storage/schema.ts';
import { isInternal, isOverdue } from '../workflows/overdue.ts';
import { percent, type Report } from './report.ts';
import type { ReportData } from './report-data.ts';

/** Done in time: by the end of its window, or within the grace period after the day it was due. */
export function doneOnTime(config: Config, t: TouchRow): boolean {
  const done = t.resolved_date ?? t.date;
  const due = t.overdue_from ?? t.date;
  return done <= t.window_to || done <= addDays(due, config.overdue.afterDays);
}

/**
 * Per employee: touches done on time, done late, moved by them (in their calendar or by the
 * snooze link), skipped, and missed (open and overdue) — what directors do not see otherwise.
 */
export function punctualityReport(config: Config, data: ReportData, today: string): Report {
  const rows = config.employees.map((e) => {
    let onTime = 0;
    let late = 0;
    let skipped = 0;
    let missed = 0;
    let rescheduled = 0;
    for (const t of data.touches) {
      if (isInternal(t.source)) continue;
      const owner = t.status === 'done' ? (t.resolved_by ?? t.employee_id) : t.employee_id;
      if (owner !== e.id) continue;
      rescheduled += data.movedByOwner.get(t.id) ?? 0;
      if (t.status === 'done') {
        if (doneOnTime(config, t)) onTime++;
        else late++;
      } else if (t.status === 'skipped') skipped++;
      else if (isOverdue(config, t, today)) missed++;
    }
    return { employee: e.id, name: e.name, on_time: onTime, late, rescheduled, skipped, missed, on_time_share: percent(onTime, onTime + late + missed) };
  });
  const sum = (k: 'on_time' | 'late' | 'missed') => rows.reduce((n, r) => n + r[k], 0);
  return {
    name: 'punctuality', title: `Punctuality on ${today}: per employee`,
    columns: [
      { key: 'employee', header: 'employee' }, { key: 'name', header: 'name' }, { key: 'on_time', header: 'on time' },
      { key: 'late', header: 'late' }, { key: 'rescheduled', header: 'rescheduled' }, { key: 'skipped', header: 'skipped' },
      { key: 'missed', header: 'missed' }, { key: 'on_time_share', header: 'on time %' },
    ],
    rows, summary: { 'done on time': sum('on_time'), 'done late': sum('late'), missed: sum('missed'), 'share on time': percent(sum('on_time'), sum('on_time') + sum('late') + sum('missed')) },
  };
}
