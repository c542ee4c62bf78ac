import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { DB } from './database.ts';
import type { Database } from './schema.ts';
import { isPostgresLocation } from './location.ts';
import { openPostgres } from './postgres/open-postgres.ts';

/**
 * A read-only connection to an existing database (the dashboard's renderer): it can never
 * write, and in WAL mode (or on PostgreSQL) it reads beside the daemon's writes without waiting for them.
 */
export function openReadOnly(file: string): DB {
  // PostgreSQL: a small pool of its own whose every transaction is read-only.
  if (isPostgresLocation(file)) return openPostgres(file, { readOnly: true, max: 2 });
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}
