import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationResult } from 'kysely';
import * as m0001 from '../../db/migrations/0001_touches.ts';
import * as m0002 from '../../db/migrations/0002_calendar_sync.ts';
import * as m0003 from '../../db/migrations/0003_user_moves.ts';
import * as m0004 from '../../db/migrations/0004_daemon.ts';
import * as m0005 from '../../db/migrations/0005_workflows.ts';
import * as m0006 from '../../db/migrations/0006_dashboard.ts';
import type { Database } from './schema.ts';

/** Migrations in order; listed here rather than read from disk so tests and the CLI run the same set. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_touches': m0001,
  '0002_calendar_sync': m0002,
  '0003_user_moves': m0003,
  '0004_daemon': m0004,
  '0005_workflows': m0005,
  '0006_dashboard': m0006,
};

export type DB = Kysely<Database>;

/**
 * Opens (creating if needed) the SQLite database: WAL, foreign keys, a busy timeout so a
 * second process waits instead of failing. Call migrate() before use.
 */
export function openDatabase(file: string): DB {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrate(db: DB): Promise<MigrationResult[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`);
  }
  return results ?? [];
}

export async function openMigrated(file: string): Promise<DB> {
  const db = openDatabase(file);
  await migrate(db);
  return db;
}
