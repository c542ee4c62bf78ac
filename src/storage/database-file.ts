import { readFileSync, renameSync, statSync } from 'node:fs';
import { isPostgresLocation } from './location.ts';

/**
 * Which file a SQLite database is (its device and inode), to notice it deleted or replaced under
 * a process that keeps it open: that process would go on writing to a file nobody will read
 * again, and the next one would start an empty database at the path. Undefined for PostgreSQL.
 */
export function databaseFileIdentity(location: string): string | undefined {
  if (location === ':memory:' || isPostgresLocation(location)) return undefined;
  try {
    const s = statSync(location);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/** What became of the file opened as `identity`, when it is no longer at `location`. */
export function databaseFileChange(location: string, identity: string | undefined): string | undefined {
  if (identity === undefined) return undefined;
  const now = databaseFileIdentity(location);
  if (now === identity) return undefined;
  return now === undefined
    ? `the database file ${location} was deleted while the daemon had it open: nothing more is recorded; restore it and restart the daemon`
    : `the database file ${location} was replaced while the daemon had the old one open: nothing more is recorded there; restart the daemon to use the new one`;
}

/** The write-ahead log and shared-memory index beside a SQLite file, as SQLite names them. */
const SIDE_FILES = ['-wal', '-shm'] as const;

/** Which files the log and index beside a SQLite database are now (databaseFileIdentity of each). */
export function sideFilesIdentity(location: string): string | undefined {
  const ids = SIDE_FILES.map((suffix) => databaseFileIdentity(`${location}${suffix}`));
  return ids.every((id) => id === undefined) ? undefined : ids.join('|');
}

/**
 * Once the last connection to a database file deleted or replaced under it is closed: its
 * write-ahead log and index, still beside the path (SQLite leaves them for a file that moved),
 * are set aside, renamed `…-wal.of-replaced-<stamp>` — the next open of the file now at the path
 * (a restored backup) would otherwise replay the old file's pages onto it, bringing back what
 * the restore undid or damaging it. Only the very files opened with it (`identity`, from
 * sideFilesIdentity at its opening): a log that came with the new file is its own. Returns the
 * names they were given.
 */
export function setAsideStaleSideFiles(location: string, identity: string | undefined, stamp: string): string[] {
  if (identity === undefined) return [];
  const opened = identity.split('|');
  const moved: string[] = [];
  SIDE_FILES.forEach((suffix, i) => {
    const path = `${location}${suffix}`;
    if (opened[i] === undefined || opened[i] === '' || databaseFileIdentity(path) !== opened[i]) return;
    const aside = `${path}.of-replaced-${stamp}`;
    renameSync(path, aside);
    moved.push(aside);
  });
  return moved;
}

/**
 * At a daemon's start, before it opens the database: when the last daemon was killed (no clean
 * stop set its files aside) after its file was replaced (a restore by `mv`), that file's log and
 * index are still at the path, and opening the restored file would replay them onto it — which
 * damaged it (QA: SQLITE_CORRUPT after `mv` then `kill -9`). Set aside as at a clean stop; a log
 * that is not the very one the killed daemon had open is the new file's own, and stays.
 */
export function setAsideLogsOfReplacedFile(location: string, previous: { db: string; side: string | undefined } | undefined, stamp: string): string[] {
  if (!previous) return [];
  const now = databaseFileIdentity(location);
  if (now === previous.db || previous.side === undefined) return [];
  // Nothing of the killed daemon's left at the path (a command closed it, and SQLite removed it).
  const opened = previous.side.split('|');
  if (!SIDE_FILES.some((suffix, i) => opened[i] && databaseFileIdentity(`${location}${suffix}`) === opened[i])) return [];
  // A process that has the file or the old log open now (a command that opened the restored file
  // and took the log for its own; a job process of the killed daemon not yet gone): moving the
  // log under it could lose what it writes, or split two processes between two logs. Said, not done.
  const holder = otherProcessHolding([location, `${location}-wal`, `${location}-shm`]);
  if (holder !== undefined) {
    throw new Error(`process ${holder} has ${location} or its -wal/-shm open: stop it (and every touchbase command on the database), then start the daemon again`);
  }
  return setAsideStaleSideFiles(location, previous.side, stamp);
}

/**
 * A process other than this one holding a POSIX lock on any of `paths` (SQLite's connections
 * lock the database file and its -shm), by /proc/locks; undefined when none does, or where the
 * kernel does not say (not Linux). By inode number alone: a number shared with a file of another
 * device makes this say "held" — a start refused, never a log moved under a writer.
 */
export function otherProcessHolding(paths: readonly string[]): number | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/locks', 'utf8');
  } catch {
    return undefined;
  }
  const inodes = new Set(paths.flatMap((p) => {
    try {
      return [String(statSync(p).ino)];
    } catch {
      return [];
    }
  }));
  for (const line of text.split('\n')) {
    // "1: POSIX  ADVISORY  READ 4242 08:02:1311 128 128", a waiter's with "->" after the number.
    const f = line.trim().split(/\s+/);
    const at = f[1] === '->' ? 5 : 4;
    const pid = Number(f[at]);
    const inode = f[at + 1]?.split(':').at(-1);
    if (inode !== undefined && inodes.has(inode) && Number.isInteger(pid) && pid !== process.pid) return pid;
  }
  return undefined;
}
