/**
 * How many columns a cell takes in a terminal, for the tables the command line prints. A
 * string's length counts UTF-16 units: right for Cyrillic and for Romanian's ș ț ă î â written
 * as one character each, wrong for the same letters written decomposed (s + U+0326, as some
 * exports and macOS file names carry them: two units, one column) and for characters outside
 * the Basic Multilingual Plane (two units each). Those count one column per character here,
 * combining marks none. (East Asian wide characters, two columns, are not the languages touchbase writes.)
 */

/** A combining mark or a surrogate: only then does a string's length differ from its width. */
const UNUSUAL = /[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\ud800-\udfff]/;
const MARK = /\p{M}/u;

/** The columns `text` takes. Plain text (the common case: every cell of a 440,000-line table) costs one regular-expression test. */
export function textWidth(text: string): number {
  if (!UNUSUAL.test(text)) return text.length;
  let width = 0;
  for (const ch of text) if (!MARK.test(ch)) width++;
  return width;
}

/** `text` in exactly `width` columns: padded with spaces, or cut with "…" (never inside a character or before its marks). */
export function fitCell(text: string, width: number): string {
  const plain = !UNUSUAL.test(text);
  const w = plain ? text.length : textWidth(text);
  if (w <= width) return text.padEnd(text.length + width - w);
  if (plain) return `${text.slice(0, width - 1)}…`;
  let kept = '';
  let columns = 0;
  for (const ch of text) {
    const mark = MARK.test(ch);
    if (!mark && columns === width - 1) break;
    kept += ch;
    if (!mark) columns++;
  }
  return `${kept}…`;
}
