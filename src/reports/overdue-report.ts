import type { Config } from '../domain/types.ts';
import { daysBetween } from '../planner/dates.ts';
import type { TouchRow } from '../storage/schema.ts';
import { isOverdue } from '../workflows/overdue.ts';
import type { Report } from './report.ts';
import type { ReportData } from './report-data.ts';

/** Open overdue touches, oldest first. */
export function overdueTouches(config: Config, data: ReportData, today: string): TouchRow[] {
  return data.touches.filter((t) => isOverdue(config, t, today))
    .sort((a, b) => (a.overdue_from ?? a.date).localeCompare(b.overdue_from ?? b.date) || a.id.localeCompare(b.id));
}

/** Every overdue touch, oldest first, with its owner. */
export function overdueReport(config: Config, data: ReportData, today: string): Report {
  const rows = overdueTouches(config, data, today).map((t) => {
    const due = t.overdue_from ?? t.date;
    return { due, days: daysBetween(due, today), owner: t.employee_id, client: t.client_id, kind: t.kind, title: t.title, id: t.id };
  });
  return {
    name: 'overdue', title: `Overdue touches on ${today} (open ${config.overdue.afterDays} days after their day), oldest first`,
    columns: [
      { key: 'due', header: 'due' }, { key: 'days', header: 'days late' }, { key: 'owner', header: 'owner' },
      { key: 'client', header: 'client' }, { key: 'kind', header: 'kind' }, { key: 'title', header: 'title' }, { key: 'id', header: 'touch' },
    ],
    rows, summary: { overdue: rows.length },
  };
}
