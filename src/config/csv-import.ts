import { isAscii } from 'node:buffer';
import { nameKey } from './name-key.ts';
import type { z } from 'zod';
import { RESERVED_KEYS, dict } from '../domain/safe-keys.ts';
import { clientSchema, contactSchema, roleKey, type RawClient, type RawContact, type RawImport } from './schema.ts';
import { quote, UNSAFE_CHARACTERS, type ConfigIssue } from './config-issue.ts';
import { decodeText, type EncodingName } from './decode-text.ts';
import { latinGuessWarning } from './latin-guess.ts';
import { encodedTwice, encodedTwiceInBytes } from './double-encoding.ts';
import { describe, forEachCsvRecord, plainUtf8Csv, type CsvHeader, type Delimiter, type Utf8Source } from './csv-records.ts';
import { child, CsvOrigin, placeOf, withSubject, type CsvTable } from './origin.ts';
import { closest, didYouMean, didYouMeanName, mixedScript } from './suggest.ts';
import { pushZodIssues, salvage, validate } from './zod-issues.ts';
import type { ContactRow, Located, RawSources } from './sources.ts';
import { compileRows, fastClient, fastContact, fieldCase, type FastRows } from './csv-fast-rows.ts';
import { crmIdOf, isId } from './crm-id.ts';
import { dateColumnIssue, dateShape, isoDateOf, tallyDateCell, type DateColumnTally } from './csv-dates.ts';

/**
 * CRM exports as they are: `clients.csv` and `contacts.csv` with touchbase's own column
 * names, or any CSV declared under `imports:` with a `columns:` mapping from the CRM's names
 * (and `values:` for its words). A column that is not a field is kept as an attribute.
 */

export interface CsvJob {
  /** The file as messages show it. */
  readonly shown: string;
  readonly bytes: Uint8Array;
  readonly as: 'clients' | 'contacts';
  /** Its declaration under `imports:`, if any. */
  readonly layout?: Located<RawImport>;
  /**
   * The columns the file's other declaration maps, when it is declared both as clients and as
   * contacts (a combined export: see combined-export.ts). Read as clients, such a file keeps only
   * the columns its clients declaration maps (the rest are its contacts'); read as contacts, it
   * leaves out the ones the clients declaration maps (they are the company's).
   */
  readonly combinedWith?: ReadonlyMap<string, string>;
}

const FIELDS = {
  clients: ['id', 'name', 'tier', 'industry', 'country', 'timezone', 'stage', 'since', 'stage_since', 'last_contact', 'hours'],
  contacts: ['client', 'id', 'name', 'role', 'email', 'phone'],
} as const;
const REQUIRED = { clients: ['id', 'name'], contacts: ['client', 'id', 'name', 'role'] } as const;
/**
 * The columns read as their field whatever their case: the required ones ("ID", "Name"), and a
 * contact's "Email" and "Phone" as HubSpot, Pipedrive and Excel write them.
 */
const ANY_CASE = { clients: REQUIRED.clients, contacts: [...REQUIRED.contacts, 'email', 'phone'] } as const;
const DATE_FIELDS = new Set(['since', 'stage_since', 'last_contact']);

/** Where a column's cells go: a field, a team role, or an attribute. */
type Target = readonly [string] | readonly ['team' | 'attributes', string];

interface Plan {
  readonly targets: (Target | undefined)[];
  /** Per column: the field path ("team.account_manager"), its values mapping, whether it is a date. */
  readonly keys: (string | undefined)[];
  readonly valueMaps: (Map<string, string> | undefined)[];
  readonly dates: boolean[];
  readonly header: CsvHeader;
  readonly columnOf: Map<string, number>;
  readonly values: Map<string, Map<string, string>>;
  /** The CRM's words of each field's `values:` mapping, as written there (for an error's hint). */
  readonly valueWords: Map<string, readonly string[]>;
  /** What the origins of the file's records share. */
  readonly table: CsvTable;
  readonly idColumn: number;
  /** The compiled checks of the common case (see csv-fast-rows.ts). */
  readonly fast: FastRows;
  /** `forceZod`: every record through zod (what the fast path is tested against). */
  readonly forceZod: boolean;
  /** A date cell brought to ISO (the import's date_format, else ISO or dd.MM.yyyy). */
  readonly toIso: (cell: string) => string;
  /** The import's date_format, if it declares one (for a date error's words). */
  readonly dateFormat: string | undefined;
  /** Columns kept as attributes because nothing maps them (the CRM's own: comments, notes). */
  readonly free: readonly number[];
  /**
   * Per column, the CRM's words (by nameKey) that `values:` maps to a value the field cannot
   * have: reported once where the mapping is written, and their cells read as empty.
   */
  readonly blanked: ReadonlyMap<number, ReadonlySet<string>>;
  /** Such a column's name repeated in the header (Bitrix's "Телефон" per number): its first column → the others. */
  readonly repeated: ReadonlyMap<number, readonly number[]>;
  /**
   * Team roles a mapping was to fill from a column the file lacks (its error is said there): a
   * client's missing holder of such a role is not reported again, once per row.
   */
  readonly lostRoles: readonly string[];
  /**
   * Per column, the free-text cells left out, the cells Excel turned into a number like
   * 3.7369E+10, and the e-mail cells with several addresses (warned once a file).
   */
  readonly tally: { readonly dropped: Map<number, Tally>; readonly mangled: Map<number, Tally>; readonly emails: Map<number, Tally>; readonly codes: Map<number, Tally>;
    /** Per column and shape (csv-dates.ts dateShape), the date cells no format read: one error each, at the file's end. */
    readonly dates: Map<string, DateColumnTally> };
  /** Id cells with a word of Latin and other letters ("arctiсfish", its с Cyrillic): each its own warning, at its row. */
  readonly lookalikes: { line: number; cell: string; word: string }[];
  /**
   * The rows read so far; the separator they use when it is not the header's (said once, the
   * rest not read); the errors of rows whose length is not the header's, said at the file's end
   * (one for the header, when every row is short of the same columns), and those rows' lengths.
   */
  readonly rows: { count: number; otherSeparator?: Delimiter; readonly misfits: ConfigIssue[]; readonly misfitLengths: Set<number> };
}

interface Tally {
  readonly line: number;
  readonly cell: string;
  count: number;
}

/** The mapping target that leaves a column out: `columns: { "Комментарий": ignore }`. */
export const IGNORED_COLUMN = 'ignore';
/** What the schema expects of a date it cannot read (isoDate). */
const DATE_EXPECTED = 'a date like 2027-03-15';
/** What zod-issues says of a required field a record does not have. */
const MISSING = 'nothing (the field is missing)';

/** The first cell of a report's totals row: "Итого:", "Всего: 12", "Total", "Grand total". */
const TOTALS = /^(?:итого|всего|итог|total|totals|grand total|total general|totaluri)(?![\p{L}\p{N}])/iu;
/** A number Excel wrote in scientific notation (a phone, an INN in a "General" column): its digits are gone. */
const EXCEL_NUMBER = /^[0-9](?:[.,][0-9]+)?E\+[0-9]{1,3}$/i;

/** How a CSV file is read; for tests. */
export interface CsvReadOptions {
  /** Every record through the zod schemas, none through the compiled checks. */
  readonly forceZod?: boolean;
}

/** Reads one CSV file into `sources` (clients) or `contactRows` (contacts, joined later). */
export function readCsvFile(job: CsvJob, sources: RawSources, contactRows: ContactRow[], options: CsvReadOptions = {}): void {
  const layout = job.layout?.value;
  const plain = layout?.encoding === undefined || layout.encoding === 'utf-8' ? plainUtf8Csv(job.bytes) : undefined;
  if (plain) {
    // Nearly every export: read from its bytes, never decoded whole.
    // One all in ASCII may be Excel's "CSV" of a sheet whose ș and ț its code page (windows-1252) lacked.
    const first = readAs(sources, job.shown, plain.encoding);
    const replaced = first && job.bytes.includes(QUESTION_MARK) && isAscii(job.bytes) ? lettersReplaced(Buffer.from(job.bytes).toString('latin1')) : undefined;
    if (replaced) warnReplaced(job, replaced, 'its code page', sources);
    const twice = first ? encodedTwiceInBytes(job.bytes, plain.start) : undefined;
    if (twice) warnTwice(job, twice, sources);
    readRecords(job, undefined, plain, sources, contactRows, options);
    return;
  }
  const wrong = layout?.encoding !== undefined ? wrongEncoding(job, layout.encoding) : undefined;
  if (wrong) {
    // One mistake (the declaration): not a header of mojibake whose every mapped column is missing.
    sources.issues.push(wrong);
    sources.opaque = true;
    return;
  }
  const decoded = decodeText(job.bytes, layout?.encoding);
  if (!decoded.ok) {
    sources.issues.push({ file: job.shown, line: decoded.line, column: decoded.column, field: '', rank: 0, expected: decoded.expected, found: decoded.found });
    sources.opaque = true;
    return;
  }
  const first = readAs(sources, job.shown, decoded.encoding);
  // Cyrillic is recognised by its runs of letters, Romanian by ș and ț; Latin letters either code page has are a guess.
  if (first && decoded.uncertain) {
    sources.warnings.push(latinGuessWarning(job.bytes, decoded.text, decoded.encoding, job.shown, 'save the file as UTF-8, or declare its encoding under imports:'));
  }
  const twice = first && decoded.encoding.startsWith('utf-8') ? encodedTwice(decoded.text) : undefined;
  if (twice) warnTwice(job, twice, sources);
  const replaced = first && /^windows-125/.test(decoded.encoding) ? lettersReplaced(decoded.text) : undefined;
  if (replaced) warnReplaced(job, replaced, `the file's code page (${decoded.encoding})`, sources);
  // UTF-8 is split from its bytes, line by line: see forEachPlainRecordOfBytes.
  const utf8 = decoded.encoding === 'utf-8' ? { bytes: job.bytes, start: 0 } : decoded.encoding === 'utf-8 (with BOM)' ? { bytes: job.bytes, start: 3 } : undefined;
  readRecords(job, decoded.text, utf8, sources, contactRows, options);
}

const QUESTION_MARK = 0x3f;

/**
 * Notes how a file was read, once however many declarations read it (a combined export is read as
 * the clients and as the contacts): whether this is its first reading, whose warnings about the
 * file's text are said (the second would say them again).
 */
function readAs(sources: RawSources, file: string, encoding: string): boolean {
  if (sources.encodings.some((e) => e.file === file)) return false;
  sources.encodings.push({ file, encoding });
  return true;
}

function warnTwice(job: CsvJob, twice: NonNullable<ReturnType<typeof encodedTwice>>, sources: RawSources): void {
  sources.warnings.push({ file: job.shown, line: twice.line, column: twice.column, field: '', ofText: true,
    message: `${quote(twice.word.slice(0, 60))} is UTF-8 read as ${twice.page} and saved again (it says ${quote(twice.meant.slice(0, 60))}): such names reach calendars as written; export the file from the CRM again, and open it in Excel through Data › From Text/CSV with UTF-8, not by a double click` });
}

function warnReplaced(job: CsvJob, replaced: { word: string; line: number; column: number }, page: string, sources: RawSources): void {
  sources.warnings.push({ file: job.shown, line: replaced.line, column: replaced.column, field: '', ofText: true,
    message: `${quote(replaced.word)}: a "?" in place of a letter, as Excel writes a letter ${page} has no place for (ș and ț in windows-1250 or windows-1252, a Russian name's every letter in either); such names reach calendars as written: save the export as "CSV UTF-8" instead` });
}

/** Where the text of a cell ends: a space, a separator or a quote. */
const CELL_END = /[\s;,\t"]/;

/**
 * The first word with a "?" where a letter should be ("Construc?ii", "?tefan", "??????"): what
 * Excel's "CSV" writes for a letter its ANSI code page lacks (Romanian ș and ț are not in
 * windows-1250's older tables, nor Cyrillic in windows-1250 or windows-1252: a Russian contact's
 * name comes out as "????? ??????"). A "?" between two letters, opening a word, or one of two or
 * more standing as a word is no question mark; one at a word's end may be ("Why?") and is not
 * looked at.
 */
function lettersReplaced(text: string): { word: string; line: number; column: number } | undefined {
  for (const found of text.matchAll(/(?<![\p{L}\p{N}?])\?(?:\p{L}|\?)|\p{L}\?\p{L}/gu)) {
    let start = found.index;
    while (start > 0 && /[\p{L}?]/u.test(text[start - 1]!)) start--;
    // A web address's query ("site.ro/page?id=1", "/?utm_source") is no name: the cell's text around it, up to a space or a separator, says so.
    let from = start;
    while (from > 0 && !CELL_END.test(text[from - 1]!)) from--;
    let to = found.index + 2;
    while (to < text.length && !CELL_END.test(text[to]!)) to++;
    if (/[/=&@]/.test(text.slice(from, to))) continue;
    const word = /^[\p{L}?]+/u.exec(text.slice(start))![0];
    const before = text.slice(0, start);
    const line = before.split(/\r\n|\r|\n/).length;
    return { word, line, column: start - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) };
  }
  return undefined;
}

/**
 * An `encoding:` under imports that the file is not in, when detection reads it: the declared
 * one cannot read it at all (`utf-8` on a windows-1251 file), or reads its header with fewer of
 * the columns the mapping names than the detected one does (windows-1250 for windows-1251:
 * "Íŕçâŕíčĺ ęîěďŕíčč" for "Название компании"), or, its header alike in both, reads the rows'
 * letters as others where detection is sure (misreads). One error at the declaration, which says
 * what the file reads as. Otherwise the declaration stands: it is there for when detection is wrong.
 */
function wrongEncoding(job: CsvJob, declared: EncodingName): ConfigIssue | undefined {
  const layout = job.layout!;
  const asDeclared = decodeText(job.bytes, declared);
  if (asDeclared.ok && asDeclared.encoding !== declared) return undefined; // a byte-order mark says which
  const detected = decodeText(job.bytes);
  if (!detected.ok || detected.encoding === declared) return undefined;
  const place = { ...placeOf(child(layout.origin, 'encoding')), rank: 0 };
  const fix = `encoding: ${detected.encoding.replace(/ \(with BOM\)$/, '')}, or no encoding (it is detected)`;
  const expected = `the encoding ${layout.value.file} is in`;
  if (!asDeclared.ok) {
    return { ...place, expected, found: `encoding: ${declared}, while line ${asDeclared.line} of the file has ${asDeclared.found.replace(/ in a file that starts as UTF-8$/, '')}; the file reads as ${detected.encoding}: ${fix}` };
  }
  const wanted = new Set([...Object.keys(layout.value.columns ?? {}), ...REQUIRED[job.as]].map(nameKey));
  const declaredHeader = headerNames(asDeclared.text, layout.value.delimiter);
  const detectedHeader = headerNames(detected.text, layout.value.delimiter);
  const hits = (names: readonly string[]) => {
    const keys = new Set(names.map(nameKey));
    return [...wanted].filter((w) => keys.has(w)).length;
  };
  const a = hits(declaredHeader);
  const b = hits(detectedHeader);
  if (b <= a) {
    // The header reads alike (its names in ASCII): the letters of the rows may not.
    const at = !isAscii(job.bytes) && misreads(declared, detected) ? firstMisread(asDeclared.text, detected.text) : undefined;
    return at && { ...place, expected, found: `encoding: ${declared}, which reads line ${at.line} as ${quote(at.declared, 40)} where the file, in ${detected.encoding}, has ${quote(at.detected, 40)}: ${fix}` };
  }
  const shown = (names: readonly string[]) => quote(names.filter(Boolean).slice(0, 3).join(', '), 60);
  return {
    ...place, expected,
    found: `encoding: ${declared}, which reads its header as ${shown(declaredHeader)}, with ${a === 0 ? 'none' : `${a}`} of the columns the mapping names; `
      + `the file looks like ${detected.encoding} (${shown(detectedHeader)}, with ${b}): ${fix}`,
  };
}

const LATIN_PAGES: ReadonlySet<string> = new Set(['windows-1250', 'windows-1252']);

/**
 * Whether a declared encoding turns the file's letters into others where detection cannot be
 * wrong, whatever the header says (an export's column names are often ASCII, the same in every
 * encoding): a file that is UTF-8 with letters beyond ASCII (no text in a code page is that by
 * chance) read in a code page ("РћРћРћ" for "ООО": QA, an export from a CRM's own UTF-8 button
 * under a Bitrix declaration), and Cyrillic words read in a Latin code page ("ÎÎÎ" for "ООО").
 * Not a Latin reading detected against a windows-1251 declaration: a Russian export of Latin
 * names whose one high byte is a "№" reads as a Latin letter too. Between the two Latin pages
 * the declaration stands: the same bytes are letters in both, which is what it is there to settle.
 */
function misreads(declared: EncodingName, detected: { encoding: string; uncertain?: true }): boolean {
  if (detected.encoding === 'utf-8') return true;
  return !detected.uncertain && detected.encoding === 'windows-1251' && LATIN_PAGES.has(declared);
}

/** The first word the two readings of a file differ in, and its line: what the error shows. */
function firstMisread(declared: string, detected: string): { line: number; declared: string; detected: string } | undefined {
  const a = declared.split(/\r\n|\r|\n/);
  const b = detected.split(/\r\n|\r|\n/);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    const wordsA = a[i]!.split(/[\s;,\t"]+/);
    const wordsB = b[i]!.split(/[\s;,\t"]+/);
    const j = wordsA.findIndex((w, k) => w !== wordsB[k]);
    return { line: i + 1, declared: wordsA[j] ?? a[i]!, detected: wordsB[j] ?? b[i]! };
  }
  return undefined;
}

/** A header's names, roughly (for wrongEncoding): the first line that is not empty nor Excel's "sep=". */
function headerNames(text: string, delimiter: RawImport['delimiter']): string[] {
  const line = text.split(/\r\n|\r|\n/).find((l) => l.trim() !== '' && !/^"?sep=.{1,2}$/i.test(l.trim())) ?? '';
  const sep = delimiter === 'tab' ? '\t' : delimiter ?? ([';', ',', '\t'] as const).reduce((best, d) => (line.split(d).length > line.split(best).length ? d : best));
  return line.split(sep).map((n) => n.trim().replace(/^"(.*)"$/, '$1').trim());
}

/** The records of a CSV file, from its text or (UTF-8) its bytes, into `sources` or `contactRows`. */
function readRecords(job: CsvJob, text: string | undefined, utf8: Utf8Source | undefined, sources: RawSources, contactRows: ContactRow[], options: CsvReadOptions): void {
  const layout = job.layout?.value;
  let plan: Plan | undefined;
  let rows = 0;
  const declared: Delimiter | undefined = layout?.delimiter === 'tab' ? '\t' : layout?.delimiter;
  // A header without the columns the file needs: perhaps a title above the real one (1C and
  // Excel reports: "Компании (выгрузка от 05.12.2026)"). Its errors wait for the next rows: when
  // one of them names those columns, that is the one error, at the header.
  let titled: { header: CsvHeader; issues: ConfigIssue[]; warnings: RawSources['warnings']; looked: number } | undefined;
  const complete = forEachCsvRecord(text, job.shown, declared, sources.issues, (header) => {
    const issues = sources.issues.length;
    const warnings = sources.warnings.length;
    plan = planColumns(job, header, sources, options);
    if (!plan && sources.issues.length > issues) titled = { header, issues: sources.issues.splice(issues), warnings: sources.warnings.splice(warnings), looked: 0 };
  }, (cells, line) => {
    rows++;
    if (plan) readRow(job, plan, cells, line, sources, contactRows);
    else if (titled && titled.looked++ < TITLE_LINES) {
      if (!namesRequired(job, cells)) return;
      sources.issues.push(titleAbove(job, titled.header, cells, line));
      titled = undefined;
    }
  }, utf8);
  if (titled) {
    sources.issues.push(...titled.issues);
    sources.warnings.push(...titled.warnings);
  }
  if (plan) reportRowLengths(plan, rows, sources);
  if (plan) dateColumns(job, plan, sources);
  if (plan) warnTallies(job, plan, sources);
  if (!complete || !plan) sources.opaque = true;
  // An export that came out as its header alone: valid, but every client (or contact) it used to
  // bring would be gone from the plan, their planned touches cancelled. Said, not assumed meant.
  else if (rows === 0) {
    if (job.as === 'clients') sources.emptyClientFiles.push(job.shown);
    sources.warnings.push({ file: job.shown, line: 1, column: 1, field: '', message: `has its header and no rows: no ${job.as === 'clients' ? 'client' : 'contact'} comes from this file (an export that came out empty?); the touches of the ones it used to bring will be cancelled (many at once, only once accepted: touchbase accept-removals)` });
  }
}

/** How many rows below a header that lacks the needed columns are looked at for the real header. */
const TITLE_LINES = 10;

/** Whether a row names a column for each field the file needs (as written, or by the mapping): a header. */
function namesRequired(job: CsvJob, cells: readonly string[]): boolean {
  const columns = new Map(Object.entries(job.layout?.value.columns ?? {}));
  const names = cells.map((c) => c.trim()).filter(Boolean);
  return REQUIRED[job.as].every((field) => names.some((n) => n.toLowerCase() === field || mappingFor(columns, n)?.[1] === field));
}

/** The one error of a title above the header: where the header seems to be, and what to do. */
function titleAbove(job: CsvJob, header: CsvHeader, cells: readonly string[], line: number): ConfigIssue {
  const title = header.names.filter(Boolean);
  const above = line - header.line;
  return {
    file: job.shown, line: header.line, column: 1, field: '', rank: 0,
    expected: 'the header (the names of the columns) on the first line of the file',
    found: `${title.length > 0 ? title.slice(0, 2).map((t) => quote(t, 60)).join(', ') : 'an empty header'}, a title above the header, which looks like it is on line ${line} (${someNames(cells.map((c) => c.trim()).filter(Boolean), 4)}): `
      + `delete the ${above === 1 ? 'line' : `${above} lines`} above it from the export`,
  };
}

/** Decides where each column goes, and checks the header and the mapping once. */
function planColumns(job: CsvJob, header: CsvHeader, sources: RawSources, options: CsvReadOptions): Plan | undefined {
  const fields: readonly string[] = FIELDS[job.as];
  const layout = job.layout;
  const columns = new Map(Object.entries(layout?.value.columns ?? {}));
  const used = new Set<string>();
  const targets: (Target | undefined)[] = [];
  const columnOf = new Map<string, number>();
  const free: number[] = [];
  const repeated = new Map<number, number[]>();
  // The fields a mapping that is itself the mistake was to fill (a misspelt field, a column the
  // file lacks): their error is said at the mapping; `values:` for them, the rows that lack them,
  // a required one the header "has no column for", are not errors as well.
  const lost = new Set<string>();
  const at = (i: number) => ({ file: job.shown, line: header.line, column: i + 1, rank: 0 });
  // A header read as one column that has another separator in it: the declared delimiter is not
  // the file's. One error, rather than one per mapped column "the file does not have".
  const named = header.names.filter(Boolean);
  const other = named.length === 1 && layout?.value.delimiter !== undefined ? ([';', ',', '\t'] as const).find((d) => d !== header.delimiter && named[0]!.includes(d)) : undefined;
  if (other !== undefined) {
    sources.issues.push({
      ...placeOf(child(layout!.origin, 'delimiter')), rank: 0,
      expected: `the separator ${job.shown} uses between its columns`,
      found: `delimiter: ${JSON.stringify(layout!.value.delimiter)}, while its header has ${other === '\t' ? 'tabs' : `"${other}"`} between the names (${quote(named[0]!, 50)}): delimiter: ${other === '\t' ? 'tab' : JSON.stringify(other)}, or no delimiter (it is found from the header)`,
    });
    return undefined;
  }
  header.names.forEach((name, i) => {
    const mapped = mappingFor(columns, name);
    if (mapped) used.add(mapped[0]);
    if (mapped?.[1] === IGNORED_COLUMN || (!mapped && job.combinedWith && (job.as === 'clients' || mappingFor(job.combinedWith, name)))) {
      targets.push(undefined);
      return;
    }
    // Excel's "ID", "Name": the columns every file needs, whatever their case (as mappings are),
    // and a contact's "Email", "Phone"; every field's name in any case is that field (targetOf).
    const written = mapped?.[1] ?? requiredCase(name, ANY_CASE[job.as]);
    if (name === '' && !mapped) {
      targets.push(undefined);
      return;
    }
    if (name.split('.').some((part) => RESERVED_KEYS.has(part.trim()))) {
      sources.issues.push({ ...at(i), field: '', expected: 'a column name other than __proto__, constructor or prototype', found: quote(name) });
      targets.push(undefined);
      return;
    }
    // A mapping names a field; a column of the CRM's own that is not one is kept as an attribute.
    const target = mapped && !/^(attributes|team)\./i.test(written) && !fields.includes(written.toLowerCase()) ? undefined : targetOf(written, job.as);
    if (!target) {
      if (mapped) {
        lost.add(written);
        const meant = closest(written, fields);
        if (meant !== undefined) lost.add(meant);
      }
      const place = mapped ? placeOf(child(layout!.origin, 'columns', mapped[0])) : { ...at(i), field: name };
      sources.issues.push({ ...place, rank: 1, expected: `a field of ${job.as} (${fields.join(', ')}${job.as === 'clients' ? ', team.<role>' : ''}, attributes.<name>)`, found: `${quote(written)}${didYouMean(written, fields)}` });
      targets.push(undefined);
      return;
    }
    const key = target.join('.');
    const own = !mapped && target[0] === 'attributes' && !name.startsWith('attributes.');
    const first = columnOf.get(key);
    if (own && first !== undefined && free.includes(first)) {
      // The same CRM column name twice (a phone per column): one attribute, its values joined.
      repeated.set(first, [...(repeated.get(first) ?? []), i]);
      targets.push(undefined);
      return;
    }
    if (first !== undefined && header.names[first] === name && (key === 'phone' || key === 'email')) {
      // One CRM column name twice, mapped to a contact's phone or e-mail (Bitrix's "Телефон" per
      // number): no mapping could tell the two apart (QA). Joined, as an attribute's are; of
      // several addresses the first is kept, with the warning a cell of several gets.
      repeated.set(first, [...(repeated.get(first) ?? []), i]);
      targets.push(undefined);
      return;
    }
    if (columnOf.has(key) && key !== 'name') {
      // Two columns mapped to one field under imports: (`ИНН: id` beside `Код: id`): the mapping is the mistake, said there.
      const place = mapped ? placeOf(child(layout!.origin, 'columns', mapped[0])) : { ...at(i), field: name };
      const firstName = quote(header.names[columnOf.get(key)!] ?? '');
      sources.issues.push({ ...place, rank: 1, expected: `one column for ${key} (column ${columnOf.get(key)! + 1}, ${firstName}, is already read into it)`, found: `a second column for ${key}${mapped ? `, ${quote(name)}` : ''}` });
      targets.push(undefined);
      return;
    }
    if (!columnOf.has(key)) columnOf.set(key, i);
    targets.push(target);
    if (own) free.push(i);
    if (own) {
      const near = closest(name, fields);
      if (near) sources.warnings.push({ ...at(i), field: name, message: `this column is kept as the attribute ${quote(name)}; did you mean the field ${quote(near)}? (name it so, or map it under imports: columns)` });
    }
  });
  for (const [written, field] of columns) {
    // A column left out that this export does not have: nothing to leave out.
    if (used.has(written) || field === IGNORED_COLUMN) continue;
    if (typeof field === 'string' && field.startsWith('attributes.')) sources.brokenAttributes.add(`${job.as === 'clients' ? 'client' : 'contact'}.${field.slice('attributes.'.length)}`);
    if (typeof field === 'string') lost.add(field);
    sources.issues.push({ ...placeOf(child(layout!.origin, 'columns', written), [], true), rank: 1, expected: `a column of ${job.shown} (${header.names.filter(Boolean).slice(0, 12).join(', ')})`, found: `${quote(written)}, which the file does not have${didYouMeanName(written, header.names.filter((n) => !used.has(n) && !columns.has(n)))}` });
  }
  const values = new Map<string, Map<string, string>>();
  const valueWords = new Map<string, readonly string[]>();
  const blanked = new Map<number, ReadonlySet<string>>();
  for (const [field, table] of Object.entries(layout?.value.values ?? {})) {
    if (!columnOf.has(field)) {
      if (lost.has(field)) continue;
      sources.issues.push({ ...placeOf(child(layout!.origin, 'values', field), [], true), rank: 1, expected: `a field this file has a column for (${[...columnOf.keys()].join(', ')})`, found: `${quote(field)}${didYouMean(field, [...columnOf.keys()])}` });
      continue;
    }
    // Matched as names are (nameKey): the CRM's "Achiziţii" (cedilla, Windows-1250) is the "Achiziții" typed here.
    const map = new Map(Object.entries(table).map(([from, to]) => [nameKey(from), to]));
    values.set(field, map);
    valueWords.set(field, Object.keys(table));
    const wrong = wrongMappedValues(job, field, table, layout!, sources);
    if (wrong.size > 0) blanked.set(columnOf.get(field)!, wrong);
    // Their cells are read as empty: an empty cell is not given the wrong value either (`"": activ`).
    for (const word of wrong) map.delete(word);
  }
  const missing = REQUIRED[job.as].filter((f) => !columnOf.has(f));
  if (missing.length > 0) {
    // Every one of them a mapping's mistake, said there: the file is not read this round.
    if (missing.every((f) => lost.has(f))) return undefined;
    sources.issues.push({
      file: job.shown, line: header.line, column: 1, field: '', rank: 0,
      expected: `a column for each of ${REQUIRED[job.as].join(', ')} (named so, or mapped under imports: columns)`,
      found: `no column for ${missing.join(', ')} in ${header.names.filter(Boolean).map((n) => quote(n, 30)).join(', ') || 'an empty header'}`,
    });
    return undefined;
  }
  const keys = targets.map((t) => t?.join('.'));
  const valueMaps = keys.map((k) => (k ? values.get(k) : undefined));
  const dates = keys.map((k) => k !== undefined && DATE_FIELDS.has(k));
  const dateFormat = layout?.value.date_format;
  return {
    targets, header, columnOf, values, valueWords, keys, valueMaps, dates,
    table: { file: job.shown, header: header.names, columnOf, entity: job.as === 'clients' ? 'client' : 'contact', headerLine: header.line, kept: free },
    idColumn: columnOf.get('id')!,
    fast: compileRows(job.as, { targets, valueMaps, dates }),
    forceZod: options.forceZod === true,
    toIso: (cell) => isoDateOf(cell, dateFormat),
    dateFormat,
    free, repeated, blanked,
    lostRoles: [...lost].filter((f) => f.startsWith('team.') && !columnOf.has(f)).map((f) => f.slice('team.'.length)),
    tally: { dropped: new Map(), mangled: new Map(), emails: new Map(), codes: new Map(), dates: new Map() }, lookalikes: [],
    rows: { count: 0, misfits: [], misfitLengths: new Set() },
  };
}

/**
 * The words of a `values:` mapping whose touchbase value the field cannot have (`active: activ`
 * for stage), each reported where it is written (by nameKey); the mapping is one mistake, not
 * one per row that has the word. Team members and attributes take any text: not judged here.
 */
function wrongMappedValues(job: CsvJob, field: string, table: Record<string, string>, layout: Located<RawImport>, sources: RawSources): Set<string> {
  const wrong = new Set<string>();
  const schema = (job.as === 'clients' ? clientSchema.shape : contactSchema.shape) as Record<string, z.ZodType | undefined>;
  const fieldSchema = Object.hasOwn(schema, field) ? schema[field] : undefined;
  if (!fieldSchema) return wrong;
  for (const [from, to] of Object.entries(table)) {
    const parsed = fieldSchema.safeParse(to, { reportInput: true });
    if (parsed.success) continue;
    pushZodIssues(sources, child(layout.origin, 'values', field, from), parsed.error.issues);
    wrong.add(nameKey(from));
  }
  return wrong;
}

/** The mapping entry for a header: exact, else as names match (case, spaces, ş/ș ţ/ț ё/е: nameKey). */
function mappingFor(columns: ReadonlyMap<string, string>, name: string): readonly [string, string] | undefined {
  const exact = columns.get(name);
  if (exact !== undefined) return [name, exact];
  const key = nameKey(name);
  for (const [written, target] of columns) if (nameKey(written) === key) return [written, target];
  return undefined;
}

/** A header name as the required column it names in another case ("ID" → "id"), else as written. */
function requiredCase(name: string, required: readonly string[]): string {
  const lower = name.toLowerCase();
  return required.includes(lower) ? lower : name;
}

/**
 * "name" → [name]; "team.account_manager" → [team, account_manager]; "Регион" → [attributes, Регион].
 * A field's name in any case (`Tier`, `Country`, `Team.account_manager`) is that field: as an
 * attribute, a header Excel capitalised planned Romanian clients as Russian ones, silently (QA).
 */
function targetOf(written: string, as: 'clients' | 'contacts'): Target | undefined {
  const fields: readonly string[] = FIELDS[as];
  const lower = written.toLowerCase();
  if (fields.includes(lower)) return [lower];
  const dot = written.indexOf('.');
  if (dot > 0) {
    const head = lower.slice(0, dot);
    const rest = written.slice(dot + 1);
    if (head === 'team' && as === 'clients') return roleKey.safeParse(rest).success ? ['team', rest] : undefined;
    if (head === 'attributes') return rest ? ['attributes', rest] : undefined;
    if (fields.includes(head)) return undefined;
  }
  if (written === 'team' || written === 'attributes' || written === 'contacts') return undefined;
  return ['attributes', written];
}

function readRow(job: CsvJob, plan: Plan, cells: string[], line: number, sources: RawSources, contactRows: ContactRow[]): void {
  const { header, targets } = plan;
  const id = cells[plan.idColumn]?.trim();
  const origin = new CsvOrigin(plan.table, line, id || undefined);
  const first = plan.rows.count++ === 0;
  if (plan.rows.otherSeparator) return;
  if (cells.length !== header.names.length && !rowLengthFine(cells, header)) {
    const other = first ? rowsSeparator(cells, header) : undefined;
    if (other) {
      // One mistake (a header typed or pasted with another separator): one error, not one per
      // row naming the whole row as its id; the rows are not read, so nothing is checked against them.
      plan.rows.otherSeparator = other;
      reportOtherSeparator(job, header, other, line, sources);
      return;
    }
    // Named by its own id, not the cell the row's shift put in the id's column (QA: "Arctic; Fish" named contact Fish).
    const read = joinedAtTypedSeparator(cells, header);
    const ownId = read ? read[plan.idColumn]?.trim() : id;
    plan.rows.misfits.push(rowLengthIssue(cells, header, read ? new CsvOrigin(plan.table, line, ownId || undefined) : origin));
    plan.rows.misfitLengths.add(cells.length);
    if (job.as === 'clients') brokenClientRow(sources, ownId || undefined, (read ?? cells)[targets.findIndex((t) => t?.length === 1 && t[0] === 'name')], true);
    else if (ownId) sources.brokenIds.add(ownId);
    return;
  }
  // Cells under the header's empty trailing columns, which the row does not have.
  while (cells.length < header.names.length) cells.push('');
  const totals = cells.findIndex((c) => c.trim() !== '');
  if (TOTALS.test(cells[totals]!.trim()) && cells.every((c, i) => i === totals || /^[-+]?[\d\s\u00a0.,]*$/.test(c.trim()))) {
    // 1C's and Excel's "Итого: 12" under a report: one error, not its id and its name each.
    sources.issues.push({
      file: job.shown, line, column: totals + 1, field: header.names[totals] ?? '', rank: 1,
      expected: `a ${plan.table.entity} row`, found: `${quote(cells[totals]!.trim(), 40)}, which looks like a totals row (reports from 1C and Excel end with one): delete it from the export`,
    });
    return;
  }
  // A company without contacts in a combined export: its row (no contact id, no name) is the company's alone.
  if (job.combinedWith && job.as === 'contacts' && plan.targets.every((t, i) => (t?.[0] !== 'id' && t?.[0] !== 'name') || cells[i]!.trim() === '')) return;
  tidyCells(plan, cells, line);
  if (!plan.forceZod) {
    if (job.as === 'clients') {
      const client = fastClient(plan.fast, cells, plan.toIso);
      if (client) {
        sources.clients.push({ value: client, origin, contactOrigins: [], ...lostRolesOf(plan) });
        warnNearMapped(plan, cells, line, sources, `client ${client.id}`);
        return;
      }
    } else {
      const fast = fastContact(plan.fast, cells, plan.toIso);
      if (fast) {
        // The subject is "contact <id>": the origin's own, unless `values:` maps the id cell to another id.
        contactRows.push({ contact: fast.contact, client: fast.client, origin: fast.contact.id === id ? origin : origin.withSubject(`contact ${fast.contact.id}`) });
        warnNearMapped(plan, cells, line, sources, `contact ${fast.contact.id}`);
        return;
      }
    }
  }
  // The zod path: a record the compiled checks gave up on, judged and reported in full.
  const row = dict<unknown>();
  // Cells of a column with a `values:` mapping that it does not have: an error there names the CRM's words.
  const unmapped = new Map<string, string>();
  // Dates brought to ISO (31.02.2021 → 2021-02-31): an error shows the cell as the file has it.
  const rewritten = new Map<string, { cell: string; value: string }>();
  // Fields whose cells are there and empty: an error says "an empty cell", not "the field is missing".
  const empty = new Set<string>();
  // Date fields with a cell: an error of their format says which formats are read, and how to declare another.
  const dateKeys = new Set<string>();
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i];
    const cell = cells[i]?.trim();
    if (!target || cell === undefined) continue;
    const key = plan.keys[i]!;
    const map = plan.valueMaps[i];
    // An empty cell is no value, unless `values:` gives empty cells one (`role: { "": other }`).
    if (cell === '' && map?.get('') === undefined) {
      if (!(target.length === 1 && key === 'name' && typeof row.name === 'string')) empty.add(key);
      continue;
    }
    if (key === 'name') empty.delete(key);
    if (plan.dates[i]) dateKeys.add(key);
    const mapped = map && map.get(nameKey(cell));
    if (map && mapped === undefined) unmapped.set(key, cell);
    const value = mapped ?? (plan.dates[i] ? plan.toIso(cell) : (target.length === 1 && fieldCase(key, cell)) || cell);
    if (mapped === undefined && value !== cell) rewritten.set(key, { cell, value });
    if (target.length === 1) row[key] = key === 'name' && typeof row.name === 'string' ? `${row.name} ${value}` : value;
    else ((row[target[0]] ??= dict<string>()) as Record<string, string>)[target[1]] = value;
  }
  const before = sources.issues.length;
  if (job.as === 'clients') readClientRow(row, origin, sources, plan);
  else readContactRow(row, origin, sources, contactRows);
  // Each of the record's errors about such a cell, told in the file's own words.
  if (unmapped.size === 0 && rewritten.size === 0 && empty.size === 0 && dateKeys.size === 0) return;
  const about = (k: string, field: string) => field === k || field.startsWith(`${k} `);
  // Date cells in a format not read: tallied per column and shape, one error at the file's end (dateColumns).
  const tallied: number[] = [];
  for (let i = before; i < sources.issues.length; i++) {
    let issue = sources.issues[i]!;
    const dateKey = [...dateKeys].find((k) => about(k, issue.field));
    if (issue.expected === DATE_EXPECTED && dateKey !== undefined) {
      const column = plan.keys.indexOf(dateKey);
      const cell = cells[column]?.trim() ?? '';
      const shape = dateShape(cell);
      if (shape !== undefined) {
        tallyDateCell(plan.tally.dates, `${column}|${shape}`, issue, cell, line);
        tallied.push(i);
        continue;
      }
      issue = plan.dateFormat !== undefined
        ? { ...issue, expected: `a date as date_format says (${plan.dateFormat}), or like 2027-03-15 or 15.03.2027` }
        : { ...issue, expected: 'a date like 2027-03-15 or 15.03.2027', found: `${issue.found}: another format is read once ${howToDeclare(job)} (like dd.MM.yy or M/d/yyyy)` };
    }
    const blank = [...empty].find((k) => about(k, issue.field));
    if (blank !== undefined && issue.found === MISSING) {
      const hint = job.as === 'contacts' && blank === 'role' ? ` (fill it in the export, or give empty cells a role under imports: values: role: { "": other })` : '';
      issue = { ...issue, found: `an empty cell${hint}` };
    }
    const dated = [...rewritten.keys()].find((k) => about(k, issue.field));
    if (dated !== undefined) {
      const { cell, value } = rewritten.get(dated)!;
      issue = { ...issue, found: issue.found.replace(quote(value), quote(cell)) };
    }
    const mappedKey = [...unmapped.keys()].find((k) => about(k, issue.field));
    if (mappedKey !== undefined) {
      const words = plan.valueWords.get(mappedKey) ?? [];
      issue = {
        ...issue,
        expected: `${issue.expected}, or one of the CRM's words mapped under imports: values: ${mappedKey} (${words.map((w) => quote(w, 30)).join(', ')})`,
        found: `${issue.found.replace(/; did you mean .*$/, '')}${didYouMean(unmapped.get(mappedKey)!, words)}`,
      };
    }
    sources.issues[i] = issue;
  }
  for (const i of tallied.reverse()) sources.issues.splice(i, 1);
}

function howToDeclare(job: CsvJob): string {
  return job.layout ? 'declared under imports: date_format' : 'the file is declared under imports: with its date_format';
}

/** One error for each column's dates of one shape in a format not read (csv-dates.ts). */
function dateColumns(job: CsvJob, plan: Plan, sources: RawSources): void {
  for (const t of plan.tally.dates.values()) sources.issues.push(dateColumnIssue(t, plan.dateFormat, howToDeclare(job)));
}

/**
 * What the CRM's own columns carry that is no attribute, made so before the row is read: a
 * repeated column's cells joined into its first; a free-text cell (a comment over 200
 * characters or several lines) left out, the rest of the row read — an export is read as the
 * CRM writes it, and such a column is nobody's selector. Cells Excel turned into numbers like
 * 3.7369E+10 are counted for a warning (their digits cannot be brought back).
 */
function tidyCells(plan: Plan, cells: string[], line: number): void {
  // A CRM's own code ("НФ-000123") as an id (crm-id.ts), unless `values:` maps the column's cells.
  const code = cells[plan.idColumn]?.trim();
  if (code && plan.valueMaps[plan.idColumn] === undefined && !isId(code)) {
    const id = crmIdOf(code);
    if (id !== undefined) {
      cells[plan.idColumn] = id;
      // An id Excel made a number of (1.23457E+11): its digits are lost, which is what to say (two such ids may now be one).
      // A word of Latin letters with a look-alike of another script in it is a typo, not a CRM's code: said row by row (QA).
      const mixed = code.match(/\p{L}+/gu)?.find((word) => mixedScript(word) !== '');
      if (mixed !== undefined) plan.lookalikes.push({ line, cell: code, word: mixed });
      else count(excelNumber(code) ? plan.tally.mangled : plan.tally.codes, plan.idColumn, line, code);
    }
  }
  for (const [i, words] of plan.blanked) if (words.has(nameKey(cells[i]!.trim()))) cells[i] = '';
  for (const [first, others] of plan.repeated) {
    const joined = [cells[first]!, ...others.map((i) => cells[i]!)].map((c) => c.trim()).filter((c) => c !== '').join(', ');
    cells[first] = joined;
  }
  for (const i of plan.free) {
    const cell = cells[i]!.trim();
    if (cell.length > 200 || UNSAFE_CHARACTERS.test(cell)) {
      count(plan.tally.dropped, i, line, cell);
      cells[i] = '';
    }
  }
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (excelNumber(cell)) count(plan.tally.mangled, i, line, cell.trim());
    // A CRM's e-mail cell with two addresses ("a@x.ru; b@x.ru"): the first is the contact's (a
    // calendar invitation goes to one), said once a file — not the whole export refused.
    if (plan.keys[i] === 'email' && cell.includes('@') && /[;,\s]/.test(cell.trim())) {
      const parts = cell.split(/[;,\s]+/).filter((p) => p !== '');
      if (parts.length > 1 && parts.every((p) => ONE_ADDRESS.test(p))) {
        count(plan.tally.emails, i, line, cell.trim());
        cells[i] = parts[0]!;
      }
    }
  }
}

/** A cell Excel turned into a number in scientific notation (3.7369E+10). */
function excelNumber(cell: string): boolean {
  return cell.length < 24 && (cell.includes('E+') || cell.includes('e+')) && EXCEL_NUMBER.test(cell.trim());
}

/** One address of a cell that may hold several: a rough shape; the schema checks the one kept. */
const ONE_ADDRESS = /^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$/;

function count(tally: Map<number, Tally>, column: number, line: number, cell: string): void {
  const seen = tally.get(column);
  if (seen) seen.count++;
  else tally.set(column, { line, cell, count: 1 });
}

/** One warning per column of what tidyCells met in the file. */
function warnTallies(job: CsvJob, plan: Plan, sources: RawSources): void {
  const more = (t: Tally) => (t.count > 1 ? ` (and ${t.count - 1} more row${t.count === 2 ? '' : 's'})` : '');
  for (const [i, t] of plan.tally.dropped) {
    const name = plan.header.names[i]!;
    sources.warnings.push({
      file: job.shown, line: t.line, column: i + 1, field: name,
      message: `${quote(t.cell, 40)}${more(t)}: text longer than 200 characters or on several lines is not kept as the attribute ${quote(name)} `
        + `(the rest of the row is read); if the column is not needed, leave it out under imports: columns: ${quote(name)}: ${IGNORED_COLUMN}`,
    });
  }
  for (const [i, t] of plan.tally.emails) {
    sources.warnings.push({
      file: job.shown, line: t.line, column: i + 1, field: plan.header.names[i]!,
      message: `${quote(t.cell, 60)}${more(t)} holds several e-mail addresses: the first is kept (touchbase keeps one address per person)`,
    });
  }
  for (const [i, t] of plan.tally.codes) {
    sources.warnings.push({
      file: job.shown, line: t.line, column: i + 1, field: plan.header.names[i]!,
      message: `${quote(t.cell, 40)}${more(t)}: a CRM's code is read as the id ${quote(crmIdOf(t.cell)!)} (lower case, Latin letters, "-" for the rest): `
        + (job.as === 'clients' ? 'name the client so with --client, in YAML and in links' : 'name the contact so where an id names it'),
    });
  }
  for (const { line, cell, word } of plan.lookalikes) {
    sources.warnings.push({
      // Said with the errors too: it explains the references that do not find the client.
      file: job.shown, line, column: plan.idColumn + 1, field: plan.header.names[plan.idColumn]!, ofText: true,
      message: `${quote(cell, 40)}: in "${word}"${mixedScript(word)}, a look-alike typed by mistake? It is read as the id ${quote(crmIdOf(cell)!)}, `
        + `which references written in Latin letters do not find: fix the cell in the CRM`,
    });
  }
  for (const [i, t] of plan.tally.mangled) {
    const name = plan.header.names[i]!;
    sources.warnings.push({
      // An id or a contact's client so mangled explains the errors it makes (an id used twice, a
      // client not found): said with them (QA: "9-81235e-11 used twice" came without it).
      file: job.shown, line: t.line, column: i + 1, field: name, ofText: i === plan.idColumn || plan.keys[i] === 'client',
      message: `${quote(t.cell)}${more(t)} is a number Excel wrote in scientific notation: its last digits are lost and it is read as `
        + `${i === plan.idColumn ? `the id ${quote(crmIdOf(t.cell)!)} (two such ids may be one)` : 'written'}; `
        + `format the column as Text in Excel (or export from the CRM directly) and export again`,
    });
  }
}

/**
 * A cell of a column with a `values:` mapping that is none of its CRM words, yet one letter or two
 * from one ("Construcţi" where "Construcții" is mapped): valid as it is for a free field (an
 * industry), so kept, but said — the client would silently fall out of every selector of the
 * mapped value. (Where the field allows only some values, the error says it: readRow.)
 */
function warnNearMapped(plan: Plan, cells: readonly string[], line: number, sources: RawSources, subject: string): void {
  for (let i = 0; i < plan.valueMaps.length; i++) {
    const map = plan.valueMaps[i];
    const cell = cells[i]?.trim();
    if (!map || !cell || map.has(nameKey(cell))) continue;
    const key = plan.keys[i]!;
    // A team cell is an employee's name or id, checked as such later (with its own "did you mean"):
    // one written right is not near a misspelling mapped (QA: "Ştefan Popescu" was told "?tefan Popescu").
    if (key.startsWith('team.') || [...map.values()].includes(cell)) continue;
    const near = closest(cell, plan.valueWords.get(key) ?? []);
    if (near === undefined) continue;
    sources.warnings.push({
      file: plan.table.file, line, column: i + 1, field: key, subject,
      message: `${quote(cell)} is none of the CRM's words mapped under imports: values: ${key}, so it is kept as written; did you mean ${quote(near)}?`,
    });
  }
}

/** A cell that starts with a space and goes on with text: what follows a separator typed as in prose ("a; b"). */
const TYPED_AFTER_SEPARATOR = /^[ \u00a0]+\S/;

/** The first cell (after the row's first) that a separator typed as in prose began, or -1. */
/** A row one field too long by a separator typed in a value ("Arctic; Fish"), with that value whole again; undefined for any other row. */
function joinedAtTypedSeparator(cells: readonly string[], header: CsvHeader): string[] | undefined {
  if (cells.length !== header.names.length + 1) return undefined;
  const typed = typedSeparatorAt(cells);
  if (typed <= 0) return undefined;
  return [...cells.slice(0, typed - 1), `${cells[typed - 1]}${header.delimiter}${cells[typed]}`, ...cells.slice(typed + 1)];
}

function typedSeparatorAt(cells: readonly string[]): number {
  return cells.findIndex((c, i) => i > 0 && TYPED_AFTER_SEPARATOR.test(c));
}

/**
 * A row whose length differs from the header's only by empty trailing cells: the header's
 * (`…;inn;;` over rows that end at inn), or the row's own beyond the header's width when the
 * header ends in an empty column too (a sheet whose used range goes further right: every line
 * ends in separators). Under a header without one, a row with one cell too many whose last is
 * empty has a separator typed inside a value (`Yug; Energo`): read without that cell, it would
 * be read shifted by a column, each later value failing its neighbour's check. Under a header that
 * ends in an empty column, such a row is read as a wider sheet's unless one of its cells starts with
 * a space after its separator (`+7 495 111-11-11; +7 495 222-22-22`, `Arctic; Fish`): the way a
 * separator is typed inside a value, which a sheet's padding never writes.
 */
function rowLengthFine(cells: string[], header: CsvHeader): boolean {
  if (cells.length > header.names.length) {
    return header.names.at(-1) === '' && cells.slice(header.names.length).every((c) => c.trim() === '') && typedSeparatorAt(cells) < 0;
  }
  return header.names.slice(cells.length).every((name) => name === '');
}

/**
 * The separator a first row uses when it is not the header's: the row read with the header's has
 * too few fields, and read with that one has the header's number.
 */
function rowsSeparator(cells: string[], header: CsvHeader): Delimiter | undefined {
  if (header.names.length < 2 || cells.length >= header.names.length) return undefined;
  const text = cells.join(header.delimiter);
  return ([';', ',', '\t'] as const).find((d) => d !== header.delimiter && text.split(d).length === header.names.length);
}

function reportOtherSeparator(job: CsvJob, header: CsvHeader, other: Delimiter, line: number, sources: RawSources): void {
  sources.issues.push({
    file: job.shown, line: header.line, column: 1, field: '', rank: 0,
    expected: `one separator between the fields of the header and of the rows`,
    found: `a header separated by ${describe(header.delimiter)} and rows by ${describe(other)} (line ${line} on): write the header with ${describe(other)}, as the rows are`,
  });
  // The file's clients or contacts are unknown: references to them are not errors this round.
  sources.opaque = true;
}

/**
 * The errors of rows whose length is not the header's. When every row (two or more) is short of
 * the same columns, the header is the mistake (names pasted on, a wider sheet's header): one
 * error there, not one per row, each listing the same names.
 */
function reportRowLengths(plan: Plan, rows: number, sources: RawSources): void {
  const { misfits, misfitLengths } = plan.rows;
  const length = misfitLengths.size === 1 ? [...misfitLengths][0]! : undefined;
  if (length === undefined || length >= plan.header.names.length || misfits.length < 2 || misfits.length !== rows) {
    sources.issues.push(...misfits);
    return;
  }
  const { header } = plan;
  const surplus = header.names.slice(length).filter(Boolean);
  sources.issues.push({
    file: plan.table.file, line: header.line, column: length + 1, field: header.names[length] ?? '', rank: 0,
    expected: `a header that names the ${length} fields of the rows, separated by ${describe(header.delimiter)}`,
    found: `${header.names.length} names, and no row has a value for ${someNames(surplus)}`,
  });
}

/** A list of column names for a message, the first few of a long one: "a", "b", "c", "d", "e" and 9995 more. */
function someNames(names: readonly string[], shown = 5): string {
  const listed = names.slice(0, shown).map((m) => quote(m, 30)).join(', ');
  return names.length > shown ? `${listed} and ${names.length - shown} more` : listed;
}

/** A row shorter or longer than the header: one error naming the columns it lacks (or the extra values). */
function rowLengthIssue(cells: string[], header: CsvHeader, origin: CsvOrigin): ConfigIssue {
  const place = { file: origin.file, line: origin.line, subject: origin.subject, rank: 0 };
  const expected = `${header.names.length} fields separated by ${header.delimiter === '\t' ? 'tabs' : `"${header.delimiter}"`}, as in the header (a missing separator, or a value with "${header.delimiter}" not in quotes?)`;
  if (cells.length < header.names.length) {
    const missing = header.names.slice(cells.length).filter(Boolean);
    return { ...place, column: cells.length + 1, field: missing[0] ?? '', expected, found: `${cells.length} fields: no value for ${someNames(missing)}` };
  }
  // A separator typed as in prose ("Arctic; Fish"): the value it split, where it is.
  const typed = typedSeparatorAt(cells);
  if (typed > 0) {
    const value = quote(`${cells[typed - 1]}${header.delimiter}${cells[typed]}`, 60);
    return { ...place, column: typed, field: header.names[typed - 1] ?? '', expected, found: `${cells.length} fields, ${value} read as two of them` };
  }
  const beyond = cells.slice(header.names.length);
  const extra = beyond.filter((c) => c.trim() !== '');
  // Only empty ones (a separator typed in a value, the row's last cell empty): said so, not "fields:  after".
  const shown = extra.length > 0 ? extra.slice(0, 3).map((c) => quote(c, 30)).join(', ') : beyond.length === 1 ? 'an empty field' : `${beyond.length} empty fields`;
  return { ...place, column: header.names.length + 1, field: '', expected, found: `${cells.length} fields: ${shown} after the last column` };
}

/** The team roles a client of this file lacks because of a mapping's mistake (see Plan.lostRoles). */
function lostRolesOf(plan: Plan): { lostRoles?: readonly string[] } {
  return plan.lostRoles.length > 0 ? { lostRoles: plan.lostRoles } : {};
}

function readClientRow(row: Record<string, unknown>, origin: CsvOrigin, sources: RawSources, plan: Plan): void {
  const parsed = validate(clientSchema, row);
  if (parsed.success) {
    sources.clients.push({ value: parsed.data, origin, contactOrigins: [], ...lostRolesOf(plan) });
    return;
  }
  pushZodIssues(sources, origin, parsed.error.issues, clientSchema);
  const kept = salvage(clientSchema, { ...row }, parsed.error.issues);
  if (kept) sources.clients.push({ value: kept.value as RawClient, origin, contactOrigins: [], broken: kept.broken, ...lostRolesOf(plan) });
  brokenClientRow(sources, typeof row.id === 'string' ? row.id : undefined, typeof row.name === 'string' ? row.name : undefined, !kept);
}

/**
 * A client row with a mistake of its own: its id and name are no other mistake where they are
 * named (a contact of it). Lost as well (not kept), the client's country and team are unknown this
 * round; with its id unread too, so is which client a contact naming an unknown one may mean —
 * otherwise a contact naming some other unknown client is still an error.
 */
function brokenClientRow(sources: RawSources, id: string | undefined, name: string | undefined, lost: boolean): void {
  if (id !== undefined) sources.brokenIds.add(id);
  if (name?.trim()) sources.brokenIds.add(nameKey(name));
  if (!lost) return;
  sources.clientsLost = true;
  if (!id?.trim()) sources.clientIdsLost = true;
}

function readContactRow(row: Record<string, unknown>, origin: CsvOrigin, sources: RawSources, contactRows: ContactRow[]): void {
  const { client, ...rest } = row;
  const contact = validate(contactSchema, rest);
  const clientOk = typeof client === 'string' && client.length <= 200;
  if (!clientOk) pushZodIssues(sources, child(origin, 'client'), [{ code: 'custom', path: [], message: 'the id (or the name) of a client', input: client } as z.core.$ZodIssue]);
  if (!contact.success) {
    pushZodIssues(sources, origin, contact.error.issues, contactSchema);
    if (typeof rest.id === 'string') {
      sources.brokenIds.add(rest.id);
      sources.droppedContacts.push({ id: rest.id, origin });
    }
    return;
  }
  if (clientOk) contactRows.push({ contact: contact.data as RawContact, client, origin: withSubject(origin, `contact ${contact.data.id}`) });
}
