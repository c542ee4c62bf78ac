import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import { privateFile } from './private-files.ts';
import { explainSqliteError } from './database-errors.ts';
import { isPostgresLocation } from './location.ts';
import { PostgresDaemonLock, type LockWatch } from './postgres/advisory-lock.ts';

export { DaemonAlreadyRunningError } from '../cli/known-errors.ts';
import { DaemonAlreadyRunningError } from '../cli/known-errors.ts';

/** Longer than any check holds the SQLite lock (milliseconds), far shorter than a daemon does. */
const CHECK_HOLD_WAIT_MS = 500;

/** What a running daemon holds for its life: released (idempotently) when it stops. */
export interface HeldDaemonLock {
  release(): void | Promise<void>;
  /**
   * SQLite: which files the last daemon of this database had open (databaseFileIdentity and
   * sideFilesIdentity), as it recorded them, when it did not stop cleanly (killed: its pid file is
   * still there).
   */
  readonly previousFiles?: OpenedFiles;
  /** SQLite: records which files this daemon opened, for the next one to read as previousFiles. */
  recordFiles?(files: OpenedFiles): void;
  /** SQLite: the pid file, and the killed daemon's record in it, outlive this lock (a start that could not deal with them). */
  keepRecord?(): void;
}

/** A database file and its write-ahead log and index, as databaseFileIdentity and sideFilesIdentity say them. */
export interface OpenedFiles {
  readonly db: string;
  readonly side: string | undefined;
}

/**
 * Takes the one-daemon-per-database lock of `location` for this process, or throws
 * DaemonAlreadyRunningError naming the holder. SQLite: a side-file lock (DaemonLock);
 * PostgreSQL: a session advisory lock (postgres/advisory-lock.ts). `watch` hears of a lock
 * lost while held (PostgreSQL: the lock's session ended), taken again, or taken by another. The seam where several daemons
 * sharing one database would take their claims instead.
 */
export async function acquireDaemonLock(location: string, holder: { pid: number; startedAt: string }, watch?: LockWatch): Promise<HeldDaemonLock> {
  if (isPostgresLocation(location)) return PostgresDaemonLock.acquire(location, holder, watch);
  return DaemonLock.acquire(location, holder);
}

/** The pid a SQLite database's daemon wrote beside it, if it wrote one (PostgreSQL's daemons write none). */
export function daemonPid(location: string): number | undefined {
  if (isPostgresLocation(location)) return undefined;
  try {
    const pid = (JSON.parse(readFileSync(`${realDatabasePath(location, false)}.daemon-pid`, 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a daemon runs on the database at `location` right now. */
export async function isDaemonRunning(location: string): Promise<boolean> {
  if (isPostgresLocation(location)) return PostgresDaemonLock.isHeld(location);
  return DaemonLock.isHeld(location);
}

/**
 * One daemon per SQLite database. The lock is an exclusive SQLite transaction held open on a file
 * beside the database: the operating system drops it when the process ends however it ends
 * (kill -9, power loss), so there is no stale lock to clean up, unlike a pid file.
 */
export class DaemonLock {
  readonly #db: SQLite.Database;
  /** The pid file this holder wrote, if it wrote one. */
  readonly #infoFile: string | undefined;
  readonly #holder: { pid: number; startedAt: string } | undefined;
  readonly previousFiles: OpenedFiles | undefined;
  #keep = false;

  private constructor(db: SQLite.Database, infoFile: string | undefined, holder: { pid: number; startedAt: string } | undefined, previous: OpenedFiles | undefined) {
    this.#db = db;
    this.#infoFile = infoFile;
    this.#holder = holder;
    this.previousFiles = previous;
  }

  /** The pid file (with the killed daemon's record) stays when this lock is released: the next start needs it. */
  keepRecord(): void {
    this.#keep = true;
  }

  recordFiles(files: OpenedFiles): void {
    if (!this.#infoFile || !this.#holder) return;
    try {
      writeFileSync(this.#infoFile, JSON.stringify({ ...this.#holder, files }), { mode: 0o600 });
    } catch {
      // A folder made read-only meanwhile: the pid stays as written; only a kill's restore check goes without.
    }
  }

  static acquire(dbFile: string, holder: { pid: number; startedAt: string } | undefined): DaemonLock {
    if (dbFile === ':memory:') throw new Error('the daemon needs a database file, not :memory:');
    const real = realDatabasePath(dbFile, holder !== undefined);
    const lockFile = `${real}${LOCK_SUFFIX}`;
    const infoFile = `${real}.daemon-pid`;
    let db: SQLite.Database;
    // Made by this start (not one a daemon left): taken away again if this start is refused.
    const made = !existsSync(lockFile);
    try {
      // Created (or tightened) owner-only before SQLite opens it: it sits beside a private database.
      privateFile(lockFile);
      // A short wait for the lock: a check (isHeld, by another daemon or `touchbase status`)
      // holds it for a moment; a daemon holds it for its life.
      db = new SQLite(lockFile, { timeout: CHECK_HOLD_WAIT_MS });
    } catch (error) {
      // A folder this user may not write (EACCES): said as for the database beside it, with what to do.
      throw explainSqliteError(error, real);
    }
    try {
      db.pragma('journal_mode = DELETE');
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw explainSqliteError(error, real);
      let who = '';
      try {
        const info = JSON.parse(readFileSync(infoFile, 'utf8')) as { pid: number; startedAt: string };
        who = ` (pid ${info.pid}, started ${info.startedAt})`;
      } catch {
        // the holder has not written its pid yet
      }
      throw new DaemonAlreadyRunningError(`another touchbase daemon is already running on ${dbFile}${who}; stop it first, or give this one another database with --db`);
    }
    if (holder) {
      const other = daemonLockedElsewhere(real, lockFile);
      if (other !== undefined) {
        db.exec('ROLLBACK');
        db.close();
        // Left beside the hard link, it made a check there take a daemon for running (QA).
        if (made) rmSync(lockFile, { force: true });
        throw new DaemonAlreadyRunningError(`another touchbase daemon (pid ${other.pid}) is running on ${dbFile} through another path to the same file `
          + `(${other.path}: a hard link?); stop it first, or give this one another database with --db`);
      }
      // A pid file still here is a daemon's that did not stop cleanly (this one holds the lock now).
      const previous = filesOfKilledDaemon(infoFile);
      privateFile(infoFile);
      // The killed one's record is kept until this daemon records its own (recordFiles): should
      // this start fail before it (its set-aside refused), the next start still knows them.
      // Under a key of its own: until then, the files this one runs on are not known (a command
      // weighing whether the file was replaced under it must not take the killed one's for them).
      writeFileSync(infoFile, JSON.stringify(previous ? { ...holder, killedFiles: previous } : holder), { mode: 0o600 });
      return new DaemonLock(db, infoFile, holder, previous);
    }
    return new DaemonLock(db, undefined, undefined, undefined);
  }

  /**
   * Whether a daemon holds the lock on this database right now (takes and drops it if free).
   * Where this user may not write the lock file (a read-only folder, another user's daemon),
   * the pid file answers: is the process it names alive?
   */
  static isHeld(dbFile: string): boolean {
    // No lock file: no daemon ever ran on this database, and none holds it now (a daemon keeps
    // the file open). A check made none beside a backup or an export it was pointed at.
    if (dbFile !== ':memory:' && !existsSync(`${realDatabasePath(dbFile, false)}${LOCK_SUFFIX}`)) return false;
    try {
      DaemonLock.acquire(dbFile, undefined).release();
      return false;
    } catch (error) {
      if (error instanceof DaemonAlreadyRunningError) return true;
      const code = String((error as { code?: string; sqliteCode?: string }).sqliteCode ?? (error as { code?: string }).code ?? '');
      if (!/^(EACCES|EPERM|EROFS|ENOENT|SQLITE_READONLY|SQLITE_CANTOPEN)/.test(code)) throw error;
      return pidFileAlive(`${realDatabasePath(dbFile, false)}.daemon-pid`);
    }
  }

  /** Idempotent. */
  release(): void {
    if (!this.#db.open) return;
    // The pid file goes first, while the lock is still held: a daemon that takes the lock next
    // writes its own, which must not be removed here. Left behind, it would name a process gone.
    try {
      if (this.#infoFile && !this.#keep) rmSync(this.#infoFile, { force: true });
    } catch {
      // a folder made read-only meanwhile: the lock is released all the same
    }
    try {
      this.#db.exec('ROLLBACK');
    } finally {
      this.#db.close();
    }
  }
}

const LOCK_SUFFIX = '.daemon-lock';

/** The files the daemon of this SQLite database recorded beside it (recordFiles): the running one's, or a killed one's; not those a starting one carries over. */
export function recordedDaemonFiles(location: string): OpenedFiles | undefined {
  if (isPostgresLocation(location)) return undefined;
  return recordedFiles(`${realDatabasePath(location, false)}.daemon-pid`, false);
}

/**
 * The files a daemon recorded in its pid file (recordFiles), if it recorded them; or, killed
 * before it did, those of the daemon before it that it carried over (acquire's killedFiles).
 */
function filesOfKilledDaemon(infoFile: string): OpenedFiles | undefined {
  return recordedFiles(infoFile, true);
}

function recordedFiles(infoFile: string, carried: boolean): OpenedFiles | undefined {
  try {
    const info = JSON.parse(readFileSync(infoFile, 'utf8')) as { files?: { db?: unknown; side?: unknown }; killedFiles?: { db?: unknown; side?: unknown } };
    const files = info.files ?? (carried ? info.killedFiles : undefined);
    return typeof files?.db === 'string' ? { db: files.db, side: typeof files.side === 'string' ? files.side : undefined } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The daemon running on this SQLite database through another path to the same file (a hard
 * link), if any: a command through this path would write a log of its own beside the daemon's
 * (SQLite's way to damage a database), and saw no daemon (QA: it migrated the schema under it).
 */
export function daemonThroughAnotherPath(dbFile: string): { pid: number; path: string } | undefined {
  if (dbFile === ':memory:' || isPostgresLocation(dbFile)) return undefined;
  const real = realDatabasePath(dbFile, false);
  if (!existsSync(real)) return undefined;
  return daemonLockedElsewhere(real, `${real}${LOCK_SUFFIX}`);
}

/**
 * Another process holding the daemon lock of this very database file through another path: the
 * lock is beside the path, and a hard link to the database is another path, so a daemon started
 * through it took a lock of its own and wrote beside the first (two -wal files for one database:
 * SQLite's way to damage it). Looked for in Linux's /proc among this user's processes: a lock file
 * they have open whose database is this one (the same device and inode). Undefined where /proc
 * cannot tell.
 */
function daemonLockedElsewhere(real: string, ownLock: string): { pid: number; path: string } | undefined {
  if (process.platform !== 'linux') return undefined;
  let target: { dev: number; ino: number };
  let pids: string[];
  try {
    target = statSync(real);
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid);
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // another user's, or gone
    }
    for (const fd of fds) {
      try {
        const open = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (!open.endsWith(LOCK_SUFFIX) || open === ownLock) continue;
        const path = open.slice(0, -LOCK_SUFFIX.length);
        const database = statSync(path);
        if (database.dev === target.dev && database.ino === target.ino) return { pid: Number(pid), path };
      } catch {
        // closed meanwhile, or its database gone
      }
    }
  }
  return undefined;
}

/**
 * The database file as the system knows it: the lock sits beside the real file, so a second
 * daemon reaching it through a symbolic link (to the file or a folder) meets the first one's
 * lock instead of running beside it. For a daemon (`create`) its folder is made, owner-only, if
 * missing, as `migrate` does.
 */
function realDatabasePath(dbFile: string, create: boolean): string {
  if (create) mkdirSync(dirname(dbFile), { recursive: true, mode: 0o700 });
  try {
    return realpathSync(dbFile);
  } catch {
    // Not created yet: its folder's real path (a folder that is not there either: as given).
    try {
      return join(realpathSync(dirname(dbFile)), basename(dbFile));
    } catch {
      return dbFile;
    }
  }
}

function pidFileAlive(infoFile: string): boolean {
  let pid: number;
  try {
    pid = (JSON.parse(readFileSync(infoFile, 'utf8')) as { pid: number }).pid;
  } catch {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}
