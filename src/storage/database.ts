import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationResult } from 'kysely';
import * as m0001 from '../../db/migrations/0001_touches.ts';
import * as m0002 from '../../db/migrations/0002_calendar_sync.ts';
import * as m0003 from '../../db/migrations/0003_user_moves.ts';
import * as m0004 from '../../db/migrations/0004_daemon.ts';
import * as m0005 from '../../db/migrations/0005_workflows.ts';
import * as m0006 from '../../db/migrations/0006_reconciliation.ts';
import * as m0007 from '../../db/migrations/0007_compact_history.ts';
import type { Database } from './schema.ts';

/** Migrations in order; listed here rather than read from disk so tests and the CLI run the same set. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_touches': m0001,
  '0002_calendar_sync': m0002,
  '0003_user_moves': m0003,
  '0004_daemon': m0004,
  '0005_workflows': m0005,
  '0006_reconciliation': m0006,
  '0007_compact_history': m0007,
};

export type DB = Kysely<Database>;

/** The SQLite connection behind each database: bulk paths prepare their statements once on it. */
const connections = new WeakMap<DB, SQLite.Database>();

/**
 * Runs `work` in one transaction on the database's own connection, with statements it prepares
 * once and runs many times (hundreds of thousands of rows: a statement built and compiled per
 * row costs more than the row). kysely holds its connection lock meanwhile, so no other query
 * of this process interleaves; `work` is synchronous, as better-sqlite3 is.
 */
export async function inBulkTransaction<T>(db: DB, work: (sqlite: SQLite.Database) => T): Promise<T> {
  const sqlite = connections.get(db);
  if (!sqlite) throw new Error('bulk writes need the database itself, not a transaction of it');
  return db.transaction().execute(async () => {
    const cache = sqlite.pragma('cache_size', { simple: true }) as number;
    // A larger page cache while hundreds of thousands of rows and their index pages are written.
    sqlite.pragma('cache_size = -131072');
    try {
      return work(sqlite);
    } finally {
      sqlite.pragma(`cache_size = ${cache}`);
    }
  });
}

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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  connections.set(db, sqlite);
  return db;
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
