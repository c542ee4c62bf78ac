import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, withOwnConnection, type DB } from './database.ts';
import { dialectOf } from './dialect.ts';

/**
 * Runs `work` on a private copy of a SQLite database (VACUUM INTO, one consistent snapshot) and
 * throws the copy away: what a command would change is worked out by changing the copy (`sync
 * --dry-run` re-plans into it). The copy holds the database's secrets, so it is made in a folder
 * of this user's alone (mkdtemp: 0700) and removed however `work` ends. Undefined, having done
 * nothing, for a database that cannot be copied so (PostgreSQL, or one in memory).
 */
export async function withPreviewCopy<T>(db: DB, work: (copy: DB) => Promise<T>): Promise<{ value: T } | undefined> {
  if (dialectOf(db) === 'postgres') return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'touchbase-preview-'));
  try {
    const file = join(dir, 'preview.sqlite');
    const copied = await withOwnConnection(db, (sqlite, source) => {
      if (source === ':memory:') return false;
      sqlite.prepare('vacuum into ?').run(file);
      return true;
    });
    if (!copied) return undefined;
    const copy = openDatabase(file);
    try {
      return { value: await work(copy) };
    } finally {
      await copy.destroy();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
