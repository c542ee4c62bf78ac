import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * touchbase's files are its user's alone: the database holds the generated secrets (anyone
 * who reads it can forge one-click links) and the feed folder lists every feed token. The
 * database and its -wal/-shm, the daemon's lock and pid files are 0600; the feed folder is
 * 0700 and its files 0600. TOUCHBASE_FEEDS_MODE=group keeps the feeds readable by the
 * folder's group (0750/0640), for a web server that serves them from disk.
 */
export type FeedsAccess = 'private' | 'group';

export function feedsAccess(env: NodeJS.ProcessEnv = process.env): FeedsAccess {
  const mode = env.TOUCHBASE_FEEDS_MODE || 'private';
  if (mode !== 'private' && mode !== 'group') throw new RangeError(`TOUCHBASE_FEEDS_MODE: expected private or group, found ${JSON.stringify(mode)}`);
  return mode;
}

/**
 * The umask touchbase's processes run with: files they create are private (group-readable feeds
 * with "group"). Set by the entry point (main.ts) before anything is created, whichever way it is
 * started (the `touchbase` bin, `node dist/touchbase.js`, the sources); the job processes inherit
 * it. A value feedsAccess refuses is refused where it is read, with its error: private until then.
 */
export function umaskFor(env: NodeJS.ProcessEnv = process.env): number {
  return MODES[askedAccess(env)].umask;
}

/** The mode a feed file is created with, whatever the umask: 0600, or 0640 with "group". */
export function feedFileMode(env: NodeJS.ProcessEnv = process.env): number {
  return MODES[askedAccess(env)].file;
}

/** The modes of each access: the process's umask, the feed folder's and its files'. */
const MODES: Readonly<Record<FeedsAccess, { readonly umask: number; readonly folder: number; readonly file: number }>> = {
  private: { umask: 0o077, folder: 0o700, file: 0o600 },
  group: { umask: 0o027, folder: 0o750, file: 0o640 },
};

/** The access asked for, without refusing a value feedsAccess refuses (private then): for what is set before anything is read. */
function askedAccess(env: NodeJS.ProcessEnv): FeedsAccess {
  return env.TOUCHBASE_FEEDS_MODE === 'group' ? 'group' : 'private';
}

/**
 * Why `file` cannot be taken for the database, before anything is created or tightened: a
 * folder (its mode made 0600, nobody could reach what is in it), something else than a file, a
 * file that is not SQLite's (`--db config/settings.yaml`: made 0600 for nothing). Undefined when
 * it is missing (created), empty (a database not yet written) or starts as SQLite's files do,
 * or when it cannot be read here (opening it says why).
 */
export function notADatabaseFile(file: string): string | undefined {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return undefined;
  }
  if (stat.isDirectory()) return `${file} is a folder, not a database file: give the file (for example ${join(file, 'touchbase.sqlite')})`;
  if (!stat.isFile()) return `${file} is not a regular file, so not a database file`;
  if (stat.size === 0) return undefined;
  // Closing any handle on a file drops every POSIX lock the process holds on it, SQLite's own
  // included: a database this process has open is not read through a handle of ours. The daemon
  // did so after opening its own (tightening its files), lost its shared lock, and a
  // `sqlite3 … ".backup"` beside it took itself for the last connection and deleted the live
  // write-ahead log. (Nor is it read by SQLite: a read-only connection makes a -wal and -shm of
  // its own beside the name it was given, a hard link's too.)
  if (openHere.has(resolve(file))) return undefined;
  const head = Buffer.alloc(SQLITE_HEADER.length);
  try {
    const fd = openSync(file, 'r');
    try {
      readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  return head.equals(SQLITE_HEADER) ? undefined : `${file} is not an SQLite database (its first bytes are not SQLite's): check --db or TOUCHBASE_DB; nothing was changed in it`;
}

/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** The database files this process (this thread) has connections to, and how many. */
const openHere = new Map<string, number>();

/** Told by storage/database.ts as a connection to `file` opens, and closes. */
export function connectionOpened(file: string): void {
  const path = resolve(file);
  openHere.set(path, (openHere.get(path) ?? 0) + 1);
}

export function connectionClosed(file: string): void {
  const path = resolve(file);
  const left = (openHere.get(path) ?? 1) - 1;
  if (left > 0) openHere.set(path, left);
  else openHere.delete(path);
}

/** Creates `file` empty with mode 0600 if it does not exist, and takes group and other bits off if it does. */
export function privateFile(file: string): string[] {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  return tighten(file, 0o600);
}

/** The database file and its companions, 0600. Returns the files whose mode was tightened. */
export function tightenDatabaseFiles(file: string, checked = false): string[] {
  // Another file named by mistake is left as it is (notADatabaseFile says so where it is opened;
  // `checked`: it was, by the caller).
  if (!checked && notADatabaseFile(file) !== undefined) return [];
  const changed = ['', '-wal', '-shm', '-journal'].flatMap((suffix) => (existsSync(file + suffix) ? tighten(file + suffix, 0o600) : []));
  return [...changed, ...writableSideFiles(file)];
}

/**
 * SQLite makes a -wal and -shm with the database file's mode: a command run while the file was
 * read-only (0400) left them so, and once the file was writable again they still refused every
 * write (QA: SQLITE_READONLY after `chmod 600` of the file). Made 0600 again when the file is its
 * owner's to write; a file meant to be read-only keeps read-only companions.
 */
function writableSideFiles(file: string): string[] {
  let main;
  try {
    main = statSync(file);
  } catch {
    return [];
  }
  if ((main.mode & 0o200) === 0) return [];
  return ['-wal', '-shm'].flatMap((suffix) => {
    const path = file + suffix;
    try {
      const st = statSync(path);
      if ((st.mode & 0o600) === 0o600 || !mayChangeMode(st)) return [];
      chmodSync(path, 0o600);
      return [path];
    } catch {
      return [];
    }
  });
}

/** The feed folder's mode: 0700, or 0750 for "group". */
export function feedFolderMode(access: FeedsAccess): number {
  return MODES[access].folder;
}

/** Creates the feed folder (0700, or 0750 for "group") or tightens it and its files. */
export function prepareFeedFolder(dir: string, access: FeedsAccess): string[] {
  const { folder: dirMode, file: fileMode } = MODES[access];
  mkdirSync(dir, { recursive: true, mode: dirMode });
  const changed = tighten(dir, dirMode);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isFile()) changed.push(...tighten(path, fileMode));
  }
  return changed;
}

/**
 * Takes off the bits beyond `mode` (a set-group-id bit on a folder is kept: it is how a
 * shared group is passed on). A file of another user is left as it is: chmod is not ours to do.
 */
function tighten(path: string, mode: number): string[] {
  const st = statSync(path);
  const current = st.mode & 0o777;
  if ((current & ~mode) === 0) return [];
  if (!mayChangeMode(st)) return [];
  chmodSync(path, (current & mode) | (st.mode & 0o2000));
  return [path];
}

/** Whether this process may change a file's mode: its owner's, or root's. */
function mayChangeMode(st: { uid: number }): boolean {
  return typeof process.getuid !== 'function' || st.uid === process.getuid() || process.getuid() === 0;
}
