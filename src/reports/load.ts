import type { Config, Employee } from '../domain/types.ts';
import { TIMED_KINDS, type Kind } from '../domain/types.ts';
import { addDays } from '../planner/dates.ts';
import type { ReportTouch } from '../storage/report-queries.ts';
import type { Cell, Report } from './report.ts';
import type { ReportContext } from './report-data.ts';

/** How many days ahead an agenda and its load look (today included). */
export const AGENDA_DAYS = 14;

export interface DayLoad {
  readonly date: string;
  /** Meetings and calls: what meetings_per_day limits. */
  readonly timed: number;
  /** The others: letters, greetings, feedback requests — all-day entries, or a business event's letter at its hour. */
  readonly allDay: number;
}

/**
 * An employee's load per day from `from` for `days` days: meetings and calls (what
 * `meetings_per_day` caps) and all-day touches, counting what is planned or done (not skipped).
 */
export function dailyLoad(touches: readonly Pick<ReportTouch, 'employee_id' | 'date' | 'status' | 'kind' | 'all_day'>[], employee: string, from: string, days = AGENDA_DAYS): DayLoad[] {
  const to = addDays(from, days - 1);
  const byDay = new Map<string, { timed: number; allDay: number }>();
  for (let i = 0; i < days; i++) byDay.set(addDays(from, i), { timed: 0, allDay: 0 });
  for (const t of touches) {
    if (t.employee_id !== employee || t.date < from || t.date > to || (t.status !== 'planned' && t.status !== 'done')) continue;
    const day = byDay.get(t.date)!;
    if (TIMED_KINDS.has(t.kind as Kind) && !t.all_day) day.timed++;
    else day.allDay++;
  }
  return [...byDay].map(([date, d]) => ({ date, ...d }));
}

/** Rows of the load report for one employee: the days with something planned. */
export function loadRows(employee: Employee, load: readonly DayLoad[]): Record<string, Cell>[] {
  return load.filter((d) => d.timed + d.allDay > 0).map((d) => ({
    employee: employee.id, date: d.date, timed: d.timed, all_day: d.allDay, limit: employee.meetingsPerDay ?? null,
    over: employee.meetingsPerDay !== undefined && d.timed > employee.meetingsPerDay ? 'yes' : '',
  }));
}

/** Each employee's meetings and calls per day for the next two weeks, against meetings_per_day. */
export function loadReport({ config, data, today }: ReportContext): Report {
  const to = addDays(today, AGENDA_DAYS - 1);
  const byEmployee = new Map<string, ReportTouch[]>();
  for (const t of data.touches) {
    if (t.date < today || t.date > to) continue;
    const list = byEmployee.get(t.employee_id);
    if (list) list.push(t);
    else byEmployee.set(t.employee_id, [t]);
  }
  const rows = config.employees.flatMap((e) => loadRows(e, dailyLoad(byEmployee.get(e.id) ?? [], e.id, today)));
  return {
    name: 'load', title: { key: 'report.load.title', params: { from: { date: today }, to: { date: addDays(today, AGENDA_DAYS - 1) } } },
    columns: loadColumns(),
    rows,
    summary: [
      { key: 'days', label: 'sum.days', value: rows.length, type: 'number' },
      { key: 'days over the limit', label: 'sum.overLimit', value: rows.filter((r) => r.over === 'yes').length, type: 'number' },
    ],
  };
}

export function loadColumns(): Report['columns'] {
  return [
    { key: 'employee', header: 'col.employee' }, { key: 'date', header: 'col.date', type: 'date' }, { key: 'timed', header: 'col.timed', type: 'number' },
    { key: 'all_day', header: 'col.allDay', type: 'number' }, { key: 'limit', header: 'col.limit', type: 'number' }, { key: 'over', header: 'col.over', type: 'value' },
  ];
}

/** The employees of a configuration by id. */
export function employeeById(config: Config): Map<string, Employee> {
  return new Map(config.employees.map((e) => [e.id, e]));
}
