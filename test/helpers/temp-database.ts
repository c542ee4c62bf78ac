import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openMigrated, type DB } from '../../src/storage/database.ts';
import { tempDir } from './config-folder.ts';

const open: DB[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

/** A migrated SQLite database in a fresh folder (or at `file`), closed after the test. */
export async function tempDatabase(file = join(tempDir(), 't.sqlite')): Promise<DB> {
  const db = await openMigrated(file);
  open.push(db);
  return db;
}
