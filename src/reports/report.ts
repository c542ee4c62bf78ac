import { csvCell, renderTable } from '../cli/format-touches.ts';

export type Cell = string | number | null;

/** A report: named columns, rows, and a few summary lines. Rendered as a table, CSV or JSON. */
export interface Report {
  readonly name: string;
  readonly title: string;
  readonly columns: readonly { readonly key: string; readonly header: string }[];
  readonly rows: readonly Readonly<Record<string, Cell>>[];
  /** Totals and shares: printed under the table; a "summary" object in JSON; left out of CSV. */
  readonly summary: Readonly<Record<string, Cell>>;
}

export type ReportFormat = 'table' | 'csv' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'csv', 'json'];

export function renderReport(report: Report, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify({ report: report.name, summary: report.summary, rows: report.rows }, null, 2)}\n`;
  if (format === 'csv') {
    const lines = [report.columns.map((c) => csvCell(c.key)).join(',')];
    for (const row of report.rows) lines.push(report.columns.map((c) => csvCell(String(row[c.key] ?? ''))).join(','));
    return `${lines.join('\n')}\n`;
  }
  const head = `${report.title}\n\n`;
  const body = report.rows.length === 0 ? 'Nothing to report.\n'
    : renderTable(report.columns.map((c) => c.header), report.rows.map((r) => report.columns.map((c) => String(r[c.key] ?? ''))));
  const summary = Object.entries(report.summary).map(([k, v]) => `${k}: ${v ?? ''}`).join('\n');
  return `${head}${body}${summary ? `\n${summary}\n` : ''}`;
}

/** A share as a percentage with no decimals, or "–" when there is nothing to share. */
export function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${Math.round((part / whole) * 100)}%`;
}
