import { breadthReport } from './breadth.ts';
import { clientsReport } from './clients-report.ts';
import { coverageReport } from './coverage.ts';
import { coverageMonthsReport } from './coverage-months.ts';
import { greetingsReport } from './greetings.ts';
import { handoversReport } from './handovers.ts';
import { loadReport } from './load.ts';
import { overdueReport } from './overdue-report.ts';
import { punctualityReport } from './punctuality.ts';
import type { Report } from './report.ts';
import type { ReportContext } from './report-data.ts';
import { silenceReport } from './silence-report.ts';

/**
 * Every report by name: what `touchbase report NAME` prints and what the dashboard shows and
 * downloads. Both call these functions on the same context, so their figures agree.
 */
export const REPORTS = {
  coverage: coverageReport,
  'coverage-months': (ctx: ReportContext) => coverageMonthsReport(ctx),
  breadth: breadthReport,
  punctuality: punctualityReport,
  overdue: overdueReport,
  silence: silenceReport,
  greetings: greetingsReport,
  handovers: handoversReport,
  clients: clientsReport,
  load: loadReport,
} satisfies Record<string, (ctx: ReportContext) => Report>;

export type ReportName = keyof typeof REPORTS;

/**
 * The report `name` of a context. As of a day before anything was recorded, it has no rows nor
 * figures (a report before the recorded history has no data), as the overdue and silence
 * reports had: the coverage report listed every pair of the configuration "never touched", at 0 %.
 */
export function reportOf(name: ReportName, ctx: ReportContext): Report {
  const report = REPORTS[name](ctx);
  return ctx.data.touches.length === 0 ? { ...report, rows: [], summary: [] } : report;
}
export const REPORT_NAMES = Object.keys(REPORTS) as ReportName[];

export function isReportName(name: string): name is ReportName {
  return Object.hasOwn(REPORTS, name);
}
