import { parse as parseCsv } from 'csv-parse/sync';
import type { ConfigIssue } from './config-issue.ts';
import { acceptedUtf8 } from './decode-text.ts';

/** The separators a CSV may use: spreadsheets write "," or ";" (by locale), some exports a tab. */
export type Delimiter = ',' | ';' | '\t';
const EXCEL_SEP_LINE = /^sep=([,;\t])[,;\t]*\s*$/i;

export interface CsvHeader {
  readonly names: readonly string[];
  readonly line: number;
  readonly delimiter: Delimiter;
}

/**
 * Visits every record of a CSV text after its header, with the file line it starts on.
 * Line endings may be mixed (an LF header, CRLF rows, as files put together by hand are):
 * they are made one before parsing, so line numbers are the editor's. Rows may be shorter or
 * longer than the header (the caller says which columns are missing); rows with nothing in
 * them are skipped, as Excel leaves `;;;;` lines behind. Records are handed over as they
 * are parsed and not kept, so a 50,000-row export costs little memory.
 *
 * Returns false when the file could not be parsed to its end (a quote never closed).
 */
export function forEachCsvRecord(
  fileText: string | undefined, file: string, declared: Delimiter | undefined, issues: ConfigIssue[],
  onHeader: (header: CsvHeader) => void, visit: (cells: string[], line: number) => void,
  utf8?: Utf8Source,
): boolean {
  // A lone CR (an old Mac line end) is a line break the byte reader does not split at; a
  // second byte-order mark is one the text decoder dropped and the byte reader would keep.
  // No text at all: the bytes are plain (see plainUtf8Csv).
  const bytes = utf8 && (fileText === undefined || (!/\r(?!\n)/.test(fileText) && !startsWithBom(utf8))) ? utf8 : undefined;
  const text = fileText?.replace(/\r\n?/g, '\n');
  if (text === undefined && !bytes) throw new TypeError('forEachCsvRecord: neither the text nor its bytes');
  const first = text ?? firstLines(bytes!);
  // Excel's "sep=;" line (written by some exports so that Excel splits the file): the separator, not the header.
  const sepLine = EXCEL_SEP_LINE.exec(first.slice(0, first.indexOf('\n') >>> 0));
  const delimiter = declared ?? (sepLine ? (sepLine[1] as Delimiter) : detectDelimiter(first));
  let header = false;
  let skip = sepLine !== null;
  const take = (record: string[], line: number) => {
    if (skip) {
      skip = false;
      return;
    }
    if (!header) {
      header = true;
      onHeader({ names: record.map((h) => h.trim()), line, delimiter });
    } else if (record.some((cell) => cell.trim() !== '')) visit(record, line);
  };
  // Without a quote anywhere, a record is a line and a cell is what lies between separators:
  // split directly, several times faster than the parser on a 50,000-row export (the parser
  // reads the same records: tested).
  if (text === undefined || !text.includes('"')) {
    if (bytes) forEachPlainRecordOfBytes(bytes, delimiter, take);
    else forEachPlainRecord(text!, delimiter, take);
  }
  else if (!parseQuoted(text, file, delimiter, issues, take, sepLine !== null)) return false;
  if (!header) issues.push({ file, line: 1, column: 1, field: '', rank: 0, expected: 'a header row naming the columns (id, name, …)', found: 'an empty file' });
  return header;
}

/** Thrown from the parser's callback to stop reading a file whose records can no longer be told apart. */
const STOP = Symbol('stop');

/** Records through the CSV parser (quotes may hold separators and line breaks); false, with the issue, when it cannot read to the end. */
function parseQuoted(text: string, file: string, delimiter: Delimiter, issues: ConfigIssue[], take: (record: string[], line: number) => void, sepLine = false): boolean {
  let header: string[] | undefined;
  // Excel's "sep=;" line is no header: its errors name the columns of the one after it.
  let skip = sepLine;
  try {
    // A quote inside a value not written in quotes (`Moldcom "Nord" SA`, a hand edit) is read as
    // it stands and reported, one error per record, and the rest of the file is read on: an export
    // with the mistake on many rows is fixed in one round, and its other mistakes found with it.
    parseCsv(text, {
      delimiter, relax_column_count: true, skip_empty_lines: true, relax_quotes: true, raw: true,
      // (With `raw`, each record comes with its text, which the parser's types do not say.)
      on_record: (withRaw: string[], context: { lines: number }) => {
        const { record, raw } = withRaw as unknown as { record: string[]; raw: string };
        const startsHeader = !skip && !header;
        if (skip) skip = false;
        else header ??= record.map((name) => name.trim());
        // `lines` counts to the end of the record; a quoted cell may span lines.
        let inside = 0;
        for (const cell of record) for (let i = cell.indexOf('\n'); i >= 0; i = cell.indexOf('\n', i + 1)) inside++;
        const line = context.lines - inside;
        const stray = strayQuote(raw, delimiter);
        if (stray !== undefined) {
          issues.push({
            file, line, column: stray.field + 1, field: startsHeader ? '' : header?.[stray.field] ?? '', rank: 0,
            expected: `a value with a quote in it written in quotes, its own quotes doubled ("Moldcom ""Nord"" SA"), ${describe(delimiter)} between fields`,
            found: stray.kind === 'undoubled' ? 'a quote inside a quoted value that is not doubled'
              : `a quote inside a value not written in quotes (after ${JSON.stringify((record[stray.field] ?? '').split('"')[0])})`,
          });
          // A quoted value closed early: where its record ends, and so every later one, is unknown.
          if (stray.kind === 'undoubled') throw STOP;
        }
        take(stray && header && !startsHeader ? rejoined(record, stray.field, header.length, delimiter) : record, line);
        return null;
      },
    });
  } catch (error) {
    if (error === STOP) return false;
    const e = error as Error & { lines?: number; code?: string; index?: number; field?: string };
    // The parser counts fields from 0 and words its errors for programmers: the column as an
    // editor counts it, its name in the header, and what to do.
    const index = typeof e.index === 'number' ? e.index : 0;
    const quoting = e.code === 'INVALID_OPENING_QUOTE' || e.code === 'CSV_INVALID_CLOSING_QUOTE';
    // A quote never closed: the parser says so at the file's end; the mistake is where it opened.
    const open = e.code === 'CSV_QUOTE_NOT_CLOSED' ? unclosedQuote(text, delimiter) : undefined;
    if (open) {
      issues.push({
        file, line: open.line, column: open.field + 1, field: open.line > 1 ? header?.[open.field] ?? '' : '', rank: 0,
        expected: `each value that starts with a quote closed by another ("ООО ""Ромашка"""), or no quote at its start`,
        found: 'a quote that opens here and is never closed: the rest of the file would be inside this value',
      });
      return false;
    }
    issues.push({
      file, line: e.lines ?? 1, column: index + 1, field: (e.lines ?? 1) > 1 ? header?.[index] ?? '' : '', rank: 0,
      expected: quoting
        ? `a value with a quote in it written in quotes, its own quotes doubled ("Moldcom ""Nord"" SA"), ${describe(delimiter)} between fields`
        : `CSV with ${describe(delimiter)} between fields and each quote closed on its record`,
      found: e.code === 'INVALID_OPENING_QUOTE' ? `a quote inside a value not written in quotes${e.field ? ` (after ${JSON.stringify(e.field)})` : ''}`
        : e.code === 'CSV_INVALID_CLOSING_QUOTE' ? 'a quote inside a quoted value that is not doubled'
        : e.message.replace(/ at line \d+$/, '').replace(/^Invalid Record Length: /, ''),
    });
    return false;
  }
  return true;
}

/**
 * A record whose value in quotes not written as such held the separator (`АО "Ёлка; и партнёры"`)
 * was split there, and every later value moved one column on: each then failed its own column's
 * check, a cascade of errors after the one that says what is wrong. The pieces from `field` to
 * the one that closes the quote are joined again, when that gives the header's number of
 * columns; otherwise the record is left as read.
 */
function rejoined(record: string[], field: number, columns: number, delimiter: Delimiter): string[] {
  if (record.length <= columns) return record;
  let quotes = 0;
  for (let j = field; j < record.length; j++) {
    quotes += record[j]!.split('"').length - 1;
    if (j > field && quotes % 2 === 0) {
      const joined = [...record.slice(0, field), record.slice(field, j + 1).join(delimiter), ...record.slice(j + 1)];
      return joined.length === columns ? joined : record;
    }
  }
  return record;
}

/**
 * A record's first misplaced quote, from its text: in a value not written in quotes (`unquoted`),
 * or one not doubled inside a quoted value (`undoubled`: its value goes on after it closes), with
 * the value's field counted from 0; undefined if none.
 */
function strayQuote(raw: string, delimiter: Delimiter): { field: number; kind: 'unquoted' | 'undoubled' } | undefined {
  if (!raw.includes('"')) return undefined;
  let field = 0;
  let atStart = true;
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (quoted) {
      if (ch !== '"') continue;
      if (raw[i + 1] === '"') i++;
      else {
        quoted = false;
        const next = raw[i + 1];
        if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') return { field, kind: 'undoubled' };
      }
      continue;
    }
    if (ch === '"') {
      if (!atStart) return { field, kind: 'unquoted' };
      quoted = true;
    } else if (ch === delimiter) field++;
    atStart = ch === delimiter;
  }
  return undefined;
}

/**
 * Where a quote that is never closed opens (its line, and its field counted from 0), reading as
 * CSV does: a quote opens a value only at the value's start, and "" inside quotes is a quote.
 */
function unclosedQuote(text: string, delimiter: Delimiter): { line: number; field: number } | undefined {
  let line = 1;
  let field = 0;
  let atStart = true;
  let open: { line: number; field: number } | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (open) {
      if (ch === '"') {
        if (text[i + 1] === '"') i++;
        else open = undefined;
      } else if (ch === '\n') line++;
      continue;
    }
    if (ch === '"' && atStart) open = { line, field };
    else if (ch === delimiter) field++;
    else if (ch === '\n') {
      line++;
      field = 0;
    } else if (ch === '\r') continue;
    atStart = ch === delimiter || ch === '\n';
  }
  return open;
}

/** The records of a CSV text with no quote in it (LF line ends), with their line numbers; empty lines skipped. */
export function forEachPlainRecord(text: string, delimiter: Delimiter, visit: (record: string[], line: number) => void): void {
  let line = 0;
  for (let start = 0; start <= text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    if (end > start) visit(text.slice(start, end).split(delimiter), line);
    start = end + 1;
  }
}

/** The bytes a UTF-8 text was decoded from (already checked to be UTF-8), and where the text starts in them (after a byte-order mark). */
export interface Utf8Source {
  readonly bytes: Uint8Array;
  readonly start: number;
}

/**
 * forEachPlainRecord on the bytes of a UTF-8 file: each line decoded on its own, so that the
 * cells of a line in Latin-1 are one-byte strings even when another line of the file has a
 * Cyrillic letter (the whole file decoded at once is a two-byte string, and so is every slice
 * of it: twice the memory for every id and name, and for every text made from them later, like
 * a plan's JSON). A line with a letter beyond Latin-1 stays two-byte, its ids too.
 * A "\n" byte never occurs inside a multi-byte UTF-8 sequence, so lines split as in the text;
 * a CR before it is dropped, as the text's line ends are made "\n".
 */
export function forEachPlainRecordOfBytes(source: Utf8Source, delimiter: Delimiter, visit: (record: string[], line: number) => void): void {
  const { bytes } = source;
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let line = 0;
  for (let start = source.start; start <= buffer.length;) {
    let end = buffer.indexOf(0x0a, start);
    if (end < 0) end = buffer.length;
    const stop = end > start && buffer[end - 1] === 0x0d ? end - 1 : end;
    line++;
    if (stop > start) visit(buffer.toString('utf8', start, stop).split(delimiter), line);
    start = end + 1;
  }
}

/**
 * A UTF-8 CSV that can be read from its bytes alone, never decoded whole: one decodeText
 * accepts as UTF-8 (acceptedUtf8), without a quote (records are lines) or a lone CR.
 */
export function plainUtf8Csv(bytes: Uint8Array): (Utf8Source & { readonly encoding: string }) | undefined {
  if (bytes.indexOf(0x22) >= 0) return undefined;
  const accepted = acceptedUtf8(bytes);
  if (!accepted) return undefined;
  for (let i = bytes.indexOf(0x0d, accepted.start); i >= 0; i = bytes.indexOf(0x0d, i + 1)) if (bytes[i + 1] !== 0x0a) return undefined;
  return { bytes, start: accepted.start, encoding: accepted.encoding };
}

/** The first lines of a file's bytes (as many as detectDelimiter looks at), for the delimiter's detection. */
function firstLines({ bytes, start }: Utf8Source): string {
  let end = start - 1;
  for (let n = 0; n < DELIMITER_LINES; n++) {
    const next = bytes.indexOf(0x0a, end + 1);
    if (next < 0) {
      end = bytes.length;
      break;
    }
    end = next;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', start, end).replace(/\r\n?/g, '\n');
}

function startsWithBom({ bytes, start }: Utf8Source): boolean {
  return bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf;
}

export function describe(delimiter: Delimiter): string {
  return delimiter === '\t' ? 'a tab' : `"${delimiter}"`;
}

/**
 * The separator the first line uses most, outside quotes — or, where it has none (a title above
 * the header: "Компании (выгрузка от 05.12.2026)"), the first line below that has one, so that
 * the header under the title is split as it is written and found (csv-import.ts titleAbove).
 */
function detectDelimiter(text: string): Delimiter {
  let at = 0;
  for (let n = 0; n < DELIMITER_LINES && at <= text.length; n++) {
    const end = text.indexOf('\n', at);
    const line = end < 0 ? text.slice(at) : text.slice(at, end);
    const count: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
    let quoted = false;
    for (const ch of line) {
      if (ch === '"') quoted = !quoted;
      else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) count[ch]++;
    }
    const best = (Object.keys(count) as Delimiter[]).sort((a, b) => count[b] - count[a])[0]!;
    if (count[best] > 0) return best;
    if (end < 0) break;
    at = end + 1;
  }
  return ',';
}

/** How many lines from the top are looked at for the separator (the title lines csv-import.ts looks past, and the header). */
const DELIMITER_LINES = 11;
