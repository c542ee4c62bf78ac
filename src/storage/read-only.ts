import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { DB } from './database.ts';
import type { Database } from './schema.ts';

/**
 * A read-only connection to an existing database (the dashboard's renderer): it can never
 * write, and in WAL mode it reads beside the daemon's writes without waiting for them.
 */
export function openReadOnly(file: string): DB {
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}
