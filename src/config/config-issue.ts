import { counted } from '../domain/english-count.ts';
import { UNSAFE_CHARACTERS } from '../domain/plain-text.ts';
/** One problem in the configuration, with its exact place. */
export interface ConfigIssue {
  readonly file: string;
  /** 1-based line in the file (for CSV: the line of the record); 0 for the folder as a whole (no line: see placeText). */
  readonly line: number;
  /** 1-based column (for CSV: the number of the column); 0 with line 0. */
  readonly column: number;
  /** Dotted path of the field, e.g. clients[3].team.account_manager, or the CSV column name. */
  readonly field: string;
  /** What the field belongs to, by its id: "client us-hudson", "rule ceo-to-ceo". */
  readonly subject?: string;
  readonly expected: string;
  readonly found: string;
  /**
   * What kind of mistake, for ordering: 0 the file itself (encoding, YAML or CSV syntax),
   * 1 a value, 2 a reference to something else, 3 a consequence of several values together.
   * A mistake's own error comes before anything that follows from it.
   */
  readonly rank?: number;
  /**
   * One mistake that several places show (a role nobody holds any more, needed by rules and
   * settings alike): its errors are said once, at the first, naming the others (repeated-issues.ts).
   */
  readonly mistake?: string;
}

/** Something valid but probably not meant (a selector matching no client, 02-29 yearly). */
export interface ConfigWarning {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly field: string;
  readonly subject?: string;
  readonly message: string;
  /**
   * About how a file's text was read (a code page guessed, letters Excel replaced by "?"): said
   * with the errors too when there are some, which it may explain ("?ara", no such column).
   */
  readonly ofText?: boolean;
}

/** How a CSV file's bytes were read: "utf-8 (with BOM)", "windows-1251", … */
export interface FileEncoding {
  readonly file: string;
  readonly encoding: string;
}

function where(p: { field: string; subject?: string }): string {
  // Cut as the value found is: a 10 MB id named its employee in full, twice the file on stderr.
  const subject = p.subject && clipped(p.subject);
  if (p.field && subject) return `${clipped(p.field)} (${subject}): `;
  if (p.field || subject) return `${clipped(p.field) || subject}: `;
  return '';
}

/** A text cut to `max` characters, "..." ending what was cut: quoted values and entity labels alike. */
function clipped(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/**
 * Where an issue is: "file:line:column", or the file (a folder) alone when it has no line — the
 * configuration as a whole (many clients gone at once), not its first line of a folder.
 */
export function placeText(p: { file: string; line: number; column: number }): string {
  return p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
}

/**
 * How many of a rejected configuration's errors the daemon keeps to show (its log line, `status`,
 * the API, the dashboard): a file that repeats one wrong list through YAML aliases gave 49,000,
 * a 15 MB log line and an 18 MB dashboard page at every load (QA). `validate` lists them all.
 */
export const SHOWN_ISSUES = 100;

/** The first SHOWN_ISSUES errors as `validate` prints them, then a line saying how many more there are. */
export function shownIssueLines(issues: readonly ConfigIssue[]): string[] {
  const lines = issues.slice(0, SHOWN_ISSUES).map(formatIssue);
  const more = moreErrorsLine(lines.length, issues.length);
  if (more) lines.push(more);
  return lines;
}

/**
 * The lines of shownIssueLines as data: the errors themselves, and how many there are in all (its
 * "and N more" line counted, not listed: a deploy script that counts `errors` counted 101).
 */
export function shownErrors(lines: readonly string[]): { errors: string[]; count: number } {
  const more = /^\(and (\d+) more errors: /.exec(lines.at(-1) ?? '');
  return more ? { errors: lines.slice(0, -1), count: lines.length - 1 + Number(more[1]) } : { errors: [...lines], count: lines.length };
}

/** The line said after the errors shown when there are more of them. */
export function moreErrorsLine(shown: number, count: number): string | undefined {
  return count > shown ? `(and ${count - shown} more errors: touchbase validate lists them all)` : undefined;
}

export function formatIssue(issue: ConfigIssue): string {
  return `${placeText(issue)}: ${where(issue)}expected ${issue.expected}, found ${issue.found}`;
}

export function formatWarning(warning: ConfigWarning): string {
  return `${placeText(warning)}: ${where(warning)}${warning.message}`;
}

/** The warnings about how files were read, as said after a configuration's errors: a heading, then each. */
export function explainingLines(explaining: readonly ConfigWarning[]): string[] {
  return [`how ${explaining.length === 1 ? 'a file was' : 'files were'} read, which may explain some of them:`, ...explaining.map((w) => `  warning: ${formatWarning(w)}`)];
}

/** Thrown by loadConfig when the configuration is invalid; carries every issue found. */
export class ConfigInvalidError extends Error {
  readonly issues: readonly ConfigIssue[];
  /** Warnings about how a file was read (ConfigWarning.ofText), said after the errors: the cause of some of them, maybe. */
  readonly explaining: readonly ConfigWarning[];
  constructor(issues: readonly ConfigIssue[], explaining: readonly ConfigWarning[] = []) {
    super(`the configuration has ${counted(issues.length, 'error')}:\n${issues.map(formatIssue).join('\n')}${explaining.length > 0 ? `\n${explainingLines(explaining).join('\n')}` : ''}`);
    this.explaining = explaining;
    this.name = 'ConfigInvalidError';
    this.issues = issues;
  }
}

// Shown escaped in messages (quote), so that a terminal never reorders or hides part of an error line.
export { UNSAFE_CHARACTERS };
const UNSAFE_GLOBAL = new RegExp(UNSAFE_CHARACTERS.source, 'gu');

/** A character as Unicode names it in a message: "U+202E". */
export function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A user's text in double quotes, with control and bidirectional characters escaped (\u202e). */
export function quote(text: string, max = 60): string {
  const short = clipped(text, max);
  return `"${short.replace(/["\\]/g, (c) => `\\${c}`).replace(UNSAFE_GLOBAL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** Short, single-line rendering of a value the user wrote. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    const shown = keys.slice(0, 8).map((k) => quote(k, 30)).join(', ');
    return `a mapping with ${shown || 'no keys'}${keys.length > 8 ? ', …' : ''}`;
  }
  return String(value);
}
