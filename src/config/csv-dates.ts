import { DateTime } from 'luxon';
import { quote, type ConfigIssue } from './config-issue.ts';

/**
 * Dates in CRM exports: reading a cell (ISO, dd.MM.yyyy or the import's `date_format`), and the
 * one error of a column whose dates are written in a format not read — one mistake (the file's
 * format), said once with the format that reads every such cell, not once a row with a hint
 * a row (QA: five errors for one column, the first hint month first for a column holding 25/03/2021).
 */

/** A time after a date: " 9:05", " 10:22:31", " 9:05 AM". */
const TIME_AFTER = /\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?$/;
/** Day, month and year in figures, in either order: "12/1/2026", "5-1-21", "15.01.21". */
const FIGURES = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})$/;

/**
 * Dates as CRMs write them: ISO with or without a time, or dd.MM.yyyy (Russian and Romanian
 * Excel), or the import's `date_format`. Anything else is left for validation to refuse.
 */
export function isoDateOf(cell: string, format: string | undefined): string {
  if (format) {
    const d = DateTime.fromFormat(cell, format, { zone: 'utc' });
    if (d.isValid) return d.toISODate()!;
    // A date and its time ("12/1/2026 9:05 AM", US Excel) under a format of the date alone: the date.
    const time = TIME_AFTER.exec(cell);
    if (time) {
      const day = DateTime.fromFormat(cell.slice(0, time.index), format, { zone: 'utc' });
      if (day.isValid) return day.toISODate()!;
    }
  }
  const iso = /^(\d{4}-\d{2}-\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(cell);
  if (iso) return iso[1]!;
  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/.exec(cell);
  if (dotted) return `${dotted[3]}-${dotted[2]!.padStart(2, '0')}-${dotted[1]!.padStart(2, '0')}`;
  return cell;
}

/**
 * The shape of a cell of day, month and year in figures (its separator and year's length: the
 * cells one date_format could read alike), or undefined for a cell of another shape.
 */
export function dateShape(cell: string): string | undefined {
  const m = FIGURES.exec(dateAlone(cell));
  return m ? `${m[2]}${m[4]!.length}` : undefined;
}

/**
 * Day first and month first (of the cells' shape, all one dateShape) with how many of the cells
 * each reads: `d` and `M` read one figure or two, which `dd` and `MM` do not (US Excel writes
 * 12/1/2026). Both read every cell when no cell's day is past 12.
 */
function formatsByCells(cells: readonly string[]): { format: string; reads: number }[] {
  const m = FIGURES.exec(dateAlone(cells[0] ?? ''));
  if (!m) return [];
  const [sep, year] = [m[2]!, m[4]!.length === 4 ? 'yyyy' : 'yy'];
  return [`d${sep}M${sep}${year}`, `M${sep}d${sep}${year}`].map((format) => ({ format, reads: cells.filter((cell) => isoDateOf(cell, format) !== cell).length }));
}

function dateAlone(cell: string): string {
  const time = TIME_AFTER.exec(cell);
  return time ? cell.slice(0, time.index) : cell;
}

/** The cells of one column and shape that no format read: the first one's error, and the rest counted. */
export interface DateColumnTally {
  readonly issue: ConfigIssue;
  readonly cells: string[];
  readonly lines: number[];
  count: number;
}

/** How many cells of a tally are kept to find the format that reads them all (a bound on memory only: a CRM's export has fewer). */
const CELLS_KEPT = 100_000;
const LINES_NAMED = 5;

export function tallyDateCell(tallies: Map<string, DateColumnTally>, key: string, issue: ConfigIssue, cell: string, line: number): void {
  const seen = tallies.get(key);
  if (!seen) {
    tallies.set(key, { issue, cells: [cell], lines: [line], count: 1 });
    return;
  }
  seen.count++;
  if (seen.cells.length < CELLS_KEPT) seen.cells.push(cell);
  if (seen.lines.length <= LINES_NAMED) seen.lines.push(line);
}

/**
 * The one error of a column's dates in a format not read. With no `date_format` declared, how to
 * declare the one that reads them; with one declared, the one that would. Where both orders read
 * every cell (no day past 12), both are named: which is meant, only someone who knows one of
 * those dates can say.
 */
export function dateColumnIssue(t: DateColumnTally, declared: string | undefined, how: string): ConfigIssue {
  const readings = formatsByCells(t.cells).filter((f) => f.format !== declared);
  let formats = readings.filter((f) => f.reads === t.cells.length).map((f) => f.format);
  // Both read: the declared format says which comes first ("MM/dd/yyyy" refuses US Excel's 12/1/2026, which M/d/yyyy reads).
  if (declared !== undefined && formats.length === 2) formats = formats.filter((f) => monthFirst(f) === monthFirst(declared));
  const many = t.count > 1;
  // What the date_format named reads ("d/M/yyyy reads every one of them"), or undefined for none.
  const said = formats.length === 2
    ? `${formats[0]} (day first) or ${formats[1]} (month first, as US Excel writes) reads ${many ? 'every one' : 'it'}: no day ${many ? 'in them ' : ''}is past 12, so check one whose date you know`
    : formats.length === 1 ? `${formats[0]} reads${declared !== undefined ? (many ? ', every one' : '') : ` ${many ? 'every one of them' : 'this one'}`}`
      : readingMost(readings);
  const found = `${quote(t.cells[0]!)}${moreLike(t)}`;
  return declared !== undefined
    ? { ...t.issue, expected: `a date as date_format says (${declared}), or like 2027-03-15 or 15.03.2027`, found: `${found}${said ? `, which date_format ${said}` : ''}` }
    : { ...t.issue, expected: 'a date like 2027-03-15 or 15.03.2027', found: `${found}: another format is read once ${how} (${said ? `date_format: ${said}` : 'like dd.MM.yy or M/d/yyyy'})` };
}

/** Where neither order reads every cell (a 30 February among them): the one that reads most, said so (review: no hint at all). */
function readingMost(readings: readonly { format: string; reads: number }[]): string | undefined {
  const most = readings.filter((f) => f.reads > 0).sort((a, b) => b.reads - a.reads);
  if (most.length === 0 || (most.length > 1 && most[0]!.reads === most[1]!.reads)) return undefined;
  return `${most[0]!.format} reads ${most[0]!.reads} of them; the others are no dates, to mend in the CRM`;
}

/** Whether a date_format puts the month before the day. */
function monthFirst(format: string): boolean {
  return format.indexOf('M') < format.indexOf('d');
}

/** " and 4 more like it (lines 3, 4, 5, 6)" after a tally's first cell; nothing for one alone. */
function moreLike(t: DateColumnTally): string {
  const others = t.lines.slice(1, LINES_NAMED + 1);
  return t.count > 1 ? ` and ${t.count - 1} more like it (line${t.count > 2 ? 's' : ''} ${others.join(', ')}${t.count - 1 > others.length ? ', …' : ''})` : '';
}
