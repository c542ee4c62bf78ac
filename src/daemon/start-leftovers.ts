import { existsSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isPostgresLocation } from '../storage/location.ts';

/**
 * What a daemon's start may create that was not there before it: a SQLite database with its
 * side files (-wal, -shm, the lock and pid files), the feed folder, and the folders above them.
 * A start that fails (its port in use, say) takes them away again: a mistyped --db left a
 * migrated, empty database behind, and "no database at …" no longer guarded that path (QA
 * readme F5). Taken before the start; an existing database, file or folder is never touched.
 * The files go with the database closed and its lock still held (so no daemon waiting for the
 * lock finds a database half removed), the folders once it is released (its journal is beside it).
 */
export function startLeftovers(dbFile: string, feedDir: string): { removeFiles(): void; removeFolders(): void } {
  const files: string[] = [];
  const folders: string[] = [];
  // Beside a database that was there, the lock file stays: it is how other daemons wait for this
  // one, and one taken from under a waiting daemon would let a third hold a new one beside it.
  if (dbFile !== ':memory:' && !isPostgresLocation(dbFile) && !existsSync(dbFile)) {
    const db = resolve(dbFile);
    for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}-journal`, `${db}.daemon-lock`, `${db}.daemon-pid`]) if (!existsSync(f)) files.push(f);
    folders.push(...missingFolders(dirname(db)));
  }
  folders.push(...missingFolders(resolve(feedDir)));
  return {
    removeFiles() {
      for (const f of files) rmSync(f, { force: true });
    },
    removeFolders() {
      // Deepest first; one that is not empty (someone else's files meanwhile) stays, as do those above it.
      for (const folder of folders) {
        try {
          rmdirSync(folder);
        } catch {
          // not empty, or gone
        }
      }
    },
  };
}

/** `folder` and those above it that do not exist yet, deepest first. */
function missingFolders(folder: string): string[] {
  const missing: string[] = [];
  for (let f = folder; !existsSync(f) && dirname(f) !== f; f = dirname(f)) missing.push(f);
  return missing;
}
