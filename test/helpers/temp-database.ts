import { afterEach } from 'vitest';
import { openMigrated, type DB } from '../../src/storage/database.ts';
import { tempDatabaseLocation } from './test-backend.ts';

export { tempDatabaseLocation, testBackend } from './test-backend.ts';

const open: DB[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

/**
 * A migrated database of this run's backend, closed after the test: SQLite in a fresh folder
 * (or at `file`), or a fresh PostgreSQL database (`file` then only names nothing: each call is
 * a new database).
 */
export async function tempDatabase(file?: string): Promise<DB> {
  const db = await openMigrated(await tempDatabaseLocation({ file }));
  open.push(db);
  return db;
}
