import { counted } from '../domain/english-count.ts';
import { ConfigInvalidError, explainingLines, formatIssue } from '../config/config-issue.ts';
import { CalendarSetupError, DaemonAlreadyRunningError, TouchNotFoundError, TouchStateError } from './known-errors.ts';
import { DatabaseProblemError } from '../storage/database-errors.ts';
import { WeakSecretError } from '../storage/local-secrets.ts';

/** Exit statuses: 0 success, 1 runtime failure, 2 bad input (configuration or arguments). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

/** A problem with what the user typed: reported without a stack, exit status 2. */
export class BadInputError extends Error {}

/** A command that ran and found a failure it already explained (a calendar check): this exit status, this one line. */
export class CommandFailedError extends Error {
  readonly status: number;
  constructor(message: string, status = EXIT_FAILURE) {
    super(message);
    this.status = status;
  }
}

/**
 * Text for a terminal with its control characters shown, not obeyed: an argument echoed in an
 * error (`touchbase done $'\e[31m…'`) could otherwise colour, move or clear the screen and fake
 * a line. Line breaks and tabs stay (messages have lines of their own).
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Prints an error for humans on stderr and returns the exit status it deserves. */
export function reportError(error: unknown, stream: NodeJS.WritableStream = process.stderr): number {
  const stderr = { write: (text: string) => stream.write(terminalSafe(text)) };
  if (error instanceof ConfigInvalidError) {
    stderr.write(`touchbase: the configuration has ${counted(error.issues.length, 'error')}; nothing was changed:\n`);
    for (const issue of error.issues) stderr.write(`  ${formatIssue(issue)}\n`);
    if (error.explaining.length > 0) stderr.write(`${explainingLines(error.explaining).join('\n')}\n`);
    return EXIT_BAD_INPUT;
  }
  // (A plan too large for its period, known by name: the planner's module is not loaded for this.)
  if (error instanceof BadInputError || error instanceof WeakSecretError || error instanceof TouchNotFoundError || error instanceof TouchStateError || error instanceof CalendarSetupError
    || (error instanceof Error && error.name === 'PlanTooLargeError')) {
    stderr.write(`touchbase: ${error.message}\n`);
    return EXIT_BAD_INPUT;
  }
  if (error instanceof CommandFailedError) {
    stderr.write(`touchbase: ${error.message}\n`);
    return error.status;
  }
  // A second daemon on a database one serves: the --db given is the mistake, for someone to
  // mend (a unit copied for another company, a second start), not one to restart every 10 s (QA).
  if (error instanceof DaemonAlreadyRunningError) {
    stderr.write(`touchbase: ${error.message}\n`);
    return EXIT_BAD_INPUT;
  }
  // Trouble with the database file: the message says what to do; no stack.
  if (error instanceof DatabaseProblemError) {
    stderr.write(`touchbase: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  const e = error as Error;
  // The SQLite binding not built, or built for another Node.js: what to run, not the loader's
  // list of thirteen paths it tried (QA).
  if (typeof e?.message === 'string' && /^Could not locate the bindings file|NODE_MODULE_VERSION/.test(e.message)) {
    stderr.write(`touchbase: the SQLite binding (better-sqlite3) is ${e.message.includes('NODE_MODULE_VERSION') ? 'built for another version of Node.js' : 'not built'}: `
      + `run "npm rebuild better-sqlite3" (or "npm ci") in the touchbase folder (README, Troubleshooting)\n`);
    if (process.env.TOUCHBASE_DEBUG) stderr.write(`${e.stack ?? ''}\n`);
    return EXIT_FAILURE;
  }
  stderr.write(`touchbase: ${e?.message ?? String(error)}\n`);
  if (process.env.TOUCHBASE_DEBUG) stderr.write(`${e?.stack ?? ''}\n`);
  return EXIT_FAILURE;
}
