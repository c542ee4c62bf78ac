import { csvField } from '../domain/csv-field.ts';
import { renderTable } from '../cli/text-table.ts';
import type { Duration, Kind } from '../domain/types.ts';
import type { MessageKey, PlainMessageKey, Translator } from '../i18n/translator.ts';

export type Cell = string | number | null;

/**
 * How a column's raw values are shown: `value` cells hold one of the stable codes in
 * VALUE_KEYS (what JSON prints), `percent` cells a share 0…1 (or null), `date` cells ISO
 * dates, `month` cells yyyy-mm, `kind` and `stage` cells the configuration's words.
 */
export type ColumnType = 'text' | 'number' | 'date' | 'month' | 'percent' | 'value' | 'kind' | 'stage';

export interface Column {
  readonly key: string;
  readonly header: MessageKey;
  readonly type?: ColumnType;
}

/** A title parameter: a date and a duration are written in the reader's language. */
export type TitleParam = string | number | { readonly date: string } | { readonly duration: Duration };

export interface SummaryItem {
  /** The key in JSON output (stable across languages). */
  readonly key: string;
  /** Printed as "label: value", without a count to choose a plural form by. */
  readonly label: PlainMessageKey;
  readonly value: Cell;
  readonly type?: ColumnType;
}

/**
 * A report: named columns, rows of raw values, a few summary figures, and a title. Plain
 * data (it is stored for the dashboard as it is), rendered in a language as a table, CSV,
 * HTML or JSON — JSON keeps the raw values and stable keys, whatever the language.
 */
export interface Report {
  readonly name: string;
  readonly title: { readonly key: MessageKey; readonly params: Readonly<Record<string, TitleParam>> };
  readonly columns: readonly Column[];
  readonly rows: readonly Readonly<Record<string, Cell>>[];
  readonly summary: readonly SummaryItem[];
}

export type ReportFormat = 'table' | 'csv' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'csv', 'json'];

/** Stable codes of `value` cells (as JSON prints them) and their texts. */
export const VALUE_KEYS: Readonly<Record<string, MessageKey>> = {
  'on time': 'value.onTime',
  late: 'value.late',
  'no touch yet': 'value.noTouchYet',
  'not due yet': 'value.notDueYet',
  'no touch in 12 months': 'value.noTouch12',
  'one of ours': 'value.oneOfOurs',
  'one of theirs': 'value.oneOfTheirs',
  'one of ours, one of theirs': 'value.oneOfBoth',
  'none of theirs': 'value.noneOfTheirs',
  'one of ours, none of theirs': 'value.oneOfOursNoneOfTheirs',
  'none yet': 'value.noneYet',
  yes: 'value.yes',
  all: 'value.all',
};

/** The report's title in the reader's language. */
export function reportTitle(report: Report, tr: Translator): string {
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(report.title.params)) {
    params[k] = typeof v === 'object' ? ('date' in v ? tr.date(v.date) : tr.duration(v.duration)) : v;
  }
  return tr.t(report.title.key, params);
}

/** A raw value as a person reads it in a table or on a page. */
export function displayCell(value: Cell, type: ColumnType | undefined, tr: Translator): string {
  if (type === 'percent') return tr.percent(value as number | null);
  if (value === null || value === '') return '';
  switch (type) {
    case 'number': return typeof value === 'number' ? tr.number(value) : String(value);
    case 'date': return tr.date(String(value));
    case 'month': return tr.month(String(value));
    case 'value': {
      const key = VALUE_KEYS[String(value)];
      return key ? tr.t(key) : String(value);
    }
    case 'kind': return tr.t(`kind.${value as Kind}` as MessageKey);
    case 'stage': return tr.t(`value.stage.${value as string}` as MessageKey);
    default: return String(value);
  }
}

/**
 * A raw value in CSV: as displayed, except numbers and months, which spreadsheets sort as
 * written, and shares: "83%" in every language, which Excel reads as a number in any locale
 * (Russian's "83 %", with its no-break space, it kept as text).
 */
export function csvValue(value: Cell, type: ColumnType | undefined, tr: Translator): string {
  if (type === 'number' || type === 'month') return value === null ? '' : String(value);
  if (type === 'percent') return value === null || value === '' ? '' : `${Math.round(Number(value) * 100)}%`;
  return displayCell(value, type, tr);
}

/** The separator spreadsheets expect: Russian and Romanian use the comma for decimals, so ";". */
export function csvSeparator(tr: Translator): string {
  return tr.language === 'en' ? ',' : ';';
}

/**
 * A report's CSV as Excel opens it by a double click: the dashboard's download (a byte-order
 * mark, else UTF-8 Cyrillic and Romanian letters are read in the ANSI code page; the language's
 * separator), with CRLF between rows.
 */
export function excelCsv(report: Report, tr: Translator): string {
  return `\uFEFF${reportCsv(report, tr, report.rows, '\r\n')}`;
}

/** CSV of a report's rows: one header row in the reader's language, no summary. */
export function reportCsv(report: Report, tr: Translator, rows: readonly Readonly<Record<string, Cell>>[] = report.rows, eol = '\n'): string {
  const sep = csvSeparator(tr);
  const lines = [report.columns.map((c) => csvField(tr.t(c.header), sep)).join(sep)];
  for (const row of rows) lines.push(report.columns.map((c) => csvField(csvValue(row[c.key] ?? null, c.type, tr), sep)).join(sep));
  return `${lines.join(eol)}${eol}`;
}

/**
 * JSON's value of a cell: raw, but shares keep the form JSON has always had ("83%"). A share
 * of nothing is null, as any missing value is (a dash is for people, QA camp F8).
 */
function jsonValue(value: Cell, type: ColumnType | undefined): Cell {
  return type === 'percent' && value !== null ? `${Math.round(Number(value) * 100)}%` : value;
}

export function renderReport(report: Report, format: ReportFormat, tr: Translator): string {
  if (format === 'json') {
    const summary = Object.fromEntries(report.summary.map((s) => [s.key, jsonValue(s.value, s.type)]));
    const rows = report.rows.map((r) => Object.fromEntries(report.columns.map((c) => [c.key, jsonValue(r[c.key] ?? null, c.type)])));
    return `${JSON.stringify({ report: report.name, summary, rows }, null, 2)}\n`;
  }
  if (format === 'csv') return reportCsv(report, tr);
  const head = `${reportTitle(report, tr)}\n\n`;
  const body = report.rows.length === 0 ? `${tr.t('report.empty')}\n`
    : renderTable(report.columns.map((c) => tr.t(c.header)), report.rows.map((r) => report.columns.map((c) => displayCell(r[c.key] ?? null, c.type, tr))));
  const summary = report.summary.map((s) => `${tr.t(s.label)}: ${displayCell(s.value, s.type, tr)}`).join('\n');
  return `${head}${body}${summary ? `\n${summary}\n` : ''}`;
}

/** A share part/whole, or null when there is nothing to share. */
export function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}
