/** What a spreadsheet runs as a formula when a cell starts with it (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
/**
 * A formula after a separator of any CSV (`,` `;` tab): Excel splits a line at its locale's list
 * separator, not the file's, so "Avto, =HYPERLINK(…)" in a `;` file opened by a `,` Excel would
 * start a cell with the formula. Quoted, the field stays one cell whatever splits it.
 */
const FORMULA_AFTER_SEPARATOR = /[,;\t]\s*[=+\-@]/;
/** A number as written (a signed count, a decimal): a spreadsheet reads it as a number, not a formula. */
const PLAIN_NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;

/**
 * A CSV field (RFC 4180): quoted when it holds the separator, a quote or a line break. A text a
 * spreadsheet would run as a formula — `=HYPERLINK(…)` as a client's name in a CRM export, typed
 * by anyone — gets an apostrophe before it, which Excel and LibreOffice take as "this is text"
 * and do not show; the reports and plans are made to be opened in Excel.
 */
export function csvField(value: string, sep = ','): string {
  const text = FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
  return text.includes(sep) || /["\n\r]/.test(text) || FORMULA_AFTER_SEPARATOR.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
