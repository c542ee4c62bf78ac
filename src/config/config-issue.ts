/** One problem in the configuration, with its exact place. */
export interface ConfigIssue {
  readonly file: string;
  /** 1-based line in the file (for CSV: the line of the record). */
  readonly line: number;
  /** 1-based column (for CSV: the number of the column). */
  readonly column: number;
  /** Dotted path of the field, e.g. clients[3].team.account_manager, or the CSV column name. */
  readonly field: string;
  readonly expected: string;
  readonly found: string;
}

export function formatIssue(issue: ConfigIssue): string {
  const field = issue.field ? `${issue.field}: ` : '';
  return `${issue.file}:${issue.line}:${issue.column}: ${field}expected ${issue.expected}, found ${issue.found}`;
}

/** Thrown by loadConfig when the configuration is invalid; carries every issue found. */
export class ConfigInvalidError extends Error {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[]) {
    super(`the configuration has ${issues.length} error${issues.length === 1 ? '' : 's'}:\n${issues.map(formatIssue).join('\n')}`);
    this.name = 'ConfigInvalidError';
    this.issues = issues;
  }
}

/** Short, single-line rendering of a value the user wrote. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return `a mapping with ${Object.keys(value).map((k) => JSON.stringify(k)).join(', ') || 'no keys'}`;
  return String(value);
}
