import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { currentUser } from '../current-user.ts';
import { refusalOf } from '../file-system-refusal.ts';

export type DatabaseProblem = 'full' | 'read-only' | 'cannot-open' | 'damaged' | 'newer-version' | 'busy'
  // A daemon of an older version runs on a database this version would upgrade.
  | 'daemon-of-another-version'
  // PostgreSQL's: the server does not answer, refuses the role or its password, has no such database, or denies a right.
  | 'cannot-connect' | 'authentication' | 'no-database' | 'permission';

/**
 * A problem with the database itself (its file, or its PostgreSQL server), explained for the person at the keyboard: which
 * file, what is wrong, what to do. The CLI prints it without a stack and exits 1.
 */
export class DatabaseProblemError extends Error {
  constructor(readonly problem: DatabaseProblem, readonly file: string, message: string, readonly sqliteCode?: string) {
    super(message);
  }
}

/** The code a failure of this kind carries from a job process to the daemon (which sees only a message and a code). */
export const OUT_OF_REACH = 'TOUCHBASE_DATABASE_OUT_OF_REACH';

/** What a failure says of itself across a process boundary: its code, or OUT_OF_REACH when it is one of those. */
export function errorCodeOf(error: unknown): { code?: string } {
  if (databaseOutOfReach(error)) return { code: OUT_OF_REACH };
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? { code } : {};
}

/**
 * Whether a failure is the database being out of reach for now (its server stopped or
 * restarting, no connection free, the file locked by another writer): a request it broke may be
 * sent again in a moment, and an HTTP client is told so (503), not that the server failed (500).
 */
export function databaseOutOfReach(error: unknown): boolean {
  if (error instanceof DatabaseProblemError) return error.problem === 'cannot-connect' || error.problem === 'busy';
  const e = error as { code?: unknown; message?: unknown } | undefined;
  const code = String(e?.code ?? '');
  if (code === OUT_OF_REACH) return true;
  if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|EAI_AGAIN|57P01|57P02|57P03|53300|SQLITE_BUSY)/.test(code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(String(e?.message ?? ''));
}

/**
 * SQLite's error (or the file system's, on open) as a DatabaseProblemError when it is about
 * the file; anything else (a constraint, a bug) is returned as it is.
 */
export function explainSqliteError(error: unknown, file: string, openedReadOnly = false): unknown {
  if (error instanceof DatabaseProblemError) return error;
  const code = String((error as { code?: string })?.code ?? '');
  const detail = (error as Error)?.message ?? String(error);
  const folder = dirname(file);
  const refusal = refusalOf(code);
  if (refusal === 'full' || refusal === 'too-large' || code === 'SQLITE_IOERR_WRITE') {
    return new DatabaseProblemError('full', file, `cannot write ${file}: the disk (or the quota) of ${folder} is full (${code}: ${detail}). `
      + `Nothing of this change was written. Free some space (df -h ${folder}) and run it again.`, code);
  }
  if (code === 'SQLITE_READONLY_ROLLBACK') {
    // A hot journal: a first plan's load (written with the rollback journal) ended by a crash.
    return new DatabaseProblemError('read-only', file, `${file} holds a change that a crash left unfinished (the -journal file beside it), and only a `
      + 'connection that may write can undo it. Run a command that writes (plan, once, sync, the daemon) once as the user that owns the database; '
      + 'it rolls the change back, and reading works again.', code);
  }
  if (openedReadOnly && code.startsWith('SQLITE_READONLY')) {
    return new DatabaseProblemError('read-only', file, `${file} was opened for reading only, but this needed to write to it (${detail}). `
      + 'Run the command that writes (sync, plan, the daemon) once as the user that owns the database.', code);
  }
  if (code.startsWith('SQLITE_READONLY') || refusal === 'forbidden' || refusal === 'read-only') {
    // Which of them, when it can be told: a -shm left read-only by an earlier start blocked the
    // file after its own mode was fixed, and the message named the file and the folder (QA).
    const blocking = unwritable([file, `${file}-wal`, `${file}-shm`, folder]);
    const which = blocking.length > 0 ? `${blocking.join(', ')} ${blocking.length > 1 ? 'are' : 'is'}` : `it, or its folder ${folder}, is`;
    return new DatabaseProblemError('read-only', file, `cannot write ${file}: ${which} read-only for user ${currentUser()} (${code}). `
      + `Run touchbase as the user that owns it (ls -l ${file}), or give this user write access to the file and its folder `
      + '(SQLite writes -wal and -shm files beside it). Reading commands (plan --no-save, history, report, status, feeds, validate) work on a read-only database.', code);
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'ENOENT' || code === 'ENOTDIR') {
    // The file there but not this user's to read (another user's 0600 file): the file, not its folder.
    if (existsSync(file) && !accessible(file, constants.R_OK)) {
      return new DatabaseProblemError('cannot-open', file, `cannot open ${file} (${code}: ${detail}): user ${currentUser()} may not read it; run touchbase as the user that owns it (ls -l ${file}), or give this user access to it.`, code);
    }
    return new DatabaseProblemError('cannot-open', file, `cannot open ${file} (${code}: ${detail}): check that its folder ${folder} exists and that user ${currentUser()} may read and write it.`, code);
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new DatabaseProblemError('damaged', file, `${file} is not a touchbase database or is damaged (${code}). Restore it from a backup, or give another --db.`, code);
  }
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_')) {
    return new DatabaseProblemError('busy', file, `${file} stayed locked by another process for 5 s (${code}); try again (a long sync of the daemon holds it briefly).`, code);
  }
  return error;
}

function accessible(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

/** Those of `paths` that exist and this user may not write (none for root, who may write all). */
function unwritable(paths: readonly string[]): string[] {
  return paths.filter((p) => existsSync(p) && !accessible(p, constants.W_OK));
}
