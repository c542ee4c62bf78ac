import { fitCell, textWidth } from './text-width.ts';

/*
 * Plain text tables for the command line, in a module of their own: `status` and `history`
 * print one and load nothing else (from the touches' formats, the iCalendar renderer came along,
 * and with it the holiday calendars: 0.2 s of every `status`).
 */

/** A plain text table; the first 8 characters of an id are enough for `done` and `skip`. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], maxWidth = 60): string {
  return [...tableLines(header, () => rows, maxWidth)].join('');
}

/**
 * A table as its lines (each with its newline): the rows are made twice, once for the columns'
 * widths and once for the lines, and never held — the table of a 50,000-client company's month
 * (440,000 lines) held as rows, lines and their join took 400 MB at once.
 */
export function* tableLines(header: readonly string[], rows: () => Iterable<readonly string[]>, maxWidth = 60): Generator<string> {
  // Widths in columns, not UTF-16 units (text-width.ts): a name written with decomposed ș or ț
  // pushed every later cell of its row one column left.
  const widths = header.map((h) => textWidth(h));
  for (const r of rows()) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, textWidth(r[i] ?? ''));
  for (let i = 0; i < widths.length; i++) widths[i] = Math.min(maxWidth, widths[i]!);
  const line = (cells: readonly string[]) => `${cells.map((c, i) => fitCell(c, widths[i]!)).join('  ').trimEnd()}\n`;
  yield line(header);
  yield line(widths.map((w) => '-'.repeat(w)));
  for (const r of rows()) yield line(r);
}
