import { afterEach } from 'vitest';
import { openMigrated, type DB } from '../../src/storage/database.ts';
import { isPostgresLocation } from '../../src/storage/location.ts';
import { tempDatabaseLocation } from './test-backend.ts';

export { tempDatabaseLocation, testBackend } from './test-backend.ts';

const open: DB[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

/**
 * A migrated database of this run's backend, closed after the test: SQLite in a fresh folder
 * (or at `file`), or a fresh PostgreSQL database (or the one `file` names, when it is a URL
 * tempDatabaseLocation gave).
 */
export async function tempDatabase(file?: string): Promise<DB> {
  // A location tempDatabaseLocation gave (a PostgreSQL URL) is opened as it is.
  const db = await openMigrated(file && isPostgresLocation(file) ? file : await tempDatabaseLocation({ file }));
  open.push(db);
  return db;
}
