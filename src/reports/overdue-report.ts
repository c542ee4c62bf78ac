import type { Config } from '../domain/types.ts';
import { daysBetween } from '../planner/dates.ts';
import type { ReportTouch } from '../storage/report-queries.ts';
import { isOverdue } from '../workflows/overdue.ts';
import type { Report } from './report.ts';
import type { ReportContext, ReportData } from './report-data.ts';
import { dueDay } from './touch-outcome.ts';

/** Open overdue touches, oldest first. */
export function overdueTouches(config: Config, data: ReportData, today: string): ReportTouch[] {
  return data.touches.filter((t) => isOverdue(config, t, today))
    .sort((a, b) => dueDay(a).localeCompare(dueDay(b)) || a.id.localeCompare(b.id));
}

/** Every overdue touch, oldest first, with its owner. */
export function overdueReport({ config, data, today }: ReportContext): Report {
  const rows = overdueTouches(config, data, today).map((t) => {
    const due = dueDay(t);
    return { due, days: daysBetween(due, today), owner: t.employee_id, client: t.client_id, kind: t.kind, title: t.title, id: t.id };
  });
  return {
    name: 'overdue', title: { key: 'report.overdue.title', params: { today: { date: today }, count: config.overdue.afterDays } },
    columns: [
      { key: 'due', header: 'col.due', type: 'date' }, { key: 'days', header: 'col.daysLate', type: 'number' }, { key: 'owner', header: 'col.owner' },
      { key: 'client', header: 'col.client' }, { key: 'kind', header: 'col.kind', type: 'kind' }, { key: 'title', header: 'col.title' }, { key: 'id', header: 'col.touch' },
    ],
    rows, summary: [{ key: 'overdue', label: 'sum.overdue', value: rows.length, type: 'number' }],
  };
}
