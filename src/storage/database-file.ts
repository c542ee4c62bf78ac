import { statSync } from 'node:fs';
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
