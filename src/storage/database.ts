import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery, Kysely, Migrator, SqliteAdapter, SqliteDialect, SqliteDriver, sql,
  type DatabaseConnection, type DialectAdapter, type Driver, type Migration, type MigrationResult, type SqliteDatabase, type SqliteDialectConfig, type SqliteStatement,
} from 'kysely';
import * as m0001 from '../../db/migrations/0001_touches.ts';
import * as m0002 from '../../db/migrations/0002_calendar_sync.ts';
import * as m0003 from '../../db/migrations/0003_user_moves.ts';
import * as m0004 from '../../db/migrations/0004_daemon.ts';
import * as m0005 from '../../db/migrations/0005_workflows.ts';
import * as m0006 from '../../db/migrations/0006_reconciliation.ts';
import * as m0007 from '../../db/migrations/0007_compact_storage.ts';
import * as m0008 from '../../db/migrations/0008_dashboard.ts';
import * as m0009 from '../../db/migrations/0009_event_cause.ts';
import * as m0010 from '../../db/migrations/0010_plan_snapshots.ts';
import * as m0011 from '../../db/migrations/0011_shared_work.ts';
import * as m0012 from '../../db/migrations/0012_workflow_touches_index.ts';
import * as m0013 from '../../db/migrations/0013_touches_id_index.ts';
import * as m0014 from '../../db/migrations/0014_plan_snapshot_ids.ts';
import * as m0015 from '../../db/migrations/0015_dashboard_sort_keys.ts';
import * as m0016 from '../../db/migrations/0016_calendar_addresses.ts';
import * as m0017 from '../../db/migrations/0017_resolved_touches_index.ts';
import * as m0018 from '../../db/migrations/0018_refused_writes_index.ts';
import * as m0019 from '../../db/migrations/0019_feed_event_keys_index.ts';
import * as m0020 from '../../db/migrations/0020_calendar_read_failures.ts';
import * as m0021 from '../../db/migrations/0021_deleted_event_keys.ts';
import * as m0022 from '../../db/migrations/0022_leaving_unread.ts';
import type { Database } from './schema.ts';
import { connectionClosed, connectionOpened, notADatabaseFile, privateFile, tightenDatabaseFiles } from './private-files.ts';
import { enterBulkLoadJournal, leaveBulkLoadJournal } from './bulk-load-journal.ts';
import { DatabaseProblemError, explainSqliteError } from './database-errors.ts';
import { daemonPid, isDaemonRunning, recordedDaemonFiles } from './daemon-lock.ts';
import { databaseFileIdentity } from './database-file.ts';
import { currentUser } from '../current-user.ts';
import { dialectOf } from './dialect.ts';
import { isPostgresLocation, redactLocation } from './location.ts';
import { openPostgres } from './postgres/open-postgres.ts';

export { DatabaseProblemError } from './database-errors.ts';

/** Migrations in order; listed here rather than read from disk so tests and the CLI run the same set. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_touches': m0001,
  '0002_calendar_sync': m0002,
  '0003_user_moves': m0003,
  '0004_daemon': m0004,
  '0005_workflows': m0005,
  '0006_reconciliation': m0006,
  '0007_compact_storage': m0007,
  '0008_dashboard': m0008,
  '0009_event_cause': m0009,
  '0010_plan_snapshots': m0010,
  '0011_shared_work': m0011,
  '0012_workflow_touches_index': m0012,
  '0013_touches_id_index': m0013,
  '0014_plan_snapshot_ids': m0014,
  '0015_dashboard_sort_keys': m0015,
  '0016_calendar_addresses': m0016,
  '0017_resolved_touches_index': m0017,
  '0018_refused_writes_index': m0018,
  '0019_feed_event_keys_index': m0019,
  '0020_calendar_read_failures': m0020,
  '0021_deleted_event_keys': m0021,
  '0022_leaving_unread': m0022,
};

export type DB = Kysely<Database>;

/** The SQLite connection behind each database (and its file): bulk paths prepare their statements once on it. */
const connections = new WeakMap<DB, { sqlite: SQLite.Database; file: string }>();

/**
 * Runs `work` in one transaction on the database's own connection, with statements it prepares
 * once and runs many times (hundreds of thousands of rows: a statement built and compiled per
 * row costs more than the row). kysely holds its connection lock meanwhile, so no other query
 * of this process interleaves; its statements run synchronously, as better-sqlite3's do, and
 * `work` may then go on with repository functions on `trx`, the same transaction. SQLite's errors come
 * out explained, as from any other query.
 */
export async function inBulkTransaction<T>(
  db: DB, work: (sqlite: SQLite.Database, trx: DB) => T | Promise<T>, options: BulkOptions = {},
): Promise<T> {
  const connection = connections.get(db);
  if (!connection) throw new Error('bulk writes need the database itself, not a transaction of it');
  const { sqlite, file } = connection;
  const { loadsEmpty } = options;
  // Decided before the transaction begins (the journal cannot change inside one), under kysely's lock.
  const journal = loadsEmpty !== undefined && await db.connection().execute(async () => {
    try {
      return loadsEmpty(sqlite) && enterBulkLoadJournal(sqlite);
    } catch (error) {
      throw explainSqliteError(error, file);
    }
  });
  try {
    return await bulkTransaction(db, sqlite, file, work);
  } finally {
    if (journal) await db.connection().execute(async () => leaveBulkLoadJournal(sqlite));
  }
}

export interface BulkOptions {
  /**
   * Whether the transaction loads a table from empty (asked on the connection before it
   * begins): then it is written with the rollback journal if nothing else has the database
   * open (bulk-load-journal.ts).
   */
  readonly loadsEmpty?: (sqlite: SQLite.Database) => boolean;
}

function bulkTransaction<T>(db: DB, sqlite: SQLite.Database, file: string, work: (sqlite: SQLite.Database, trx: DB) => T | Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const cache = sqlite.pragma('cache_size', { simple: true }) as number;
    // A larger page cache while hundreds of thousands of rows and their index pages are written.
    sqlite.pragma('cache_size = -131072');
    try {
      return await work(sqlite, trx as unknown as DB);
    } catch (error) {
      throw explainSqliteError(error, file);
    } finally {
      sqlite.pragma(`cache_size = ${cache}`);
    }
  });
}

/**
 * Reads with statements of its own on the database's connection (kysely's lock held, so no
 * transaction of this process is half-way): for scans of hundreds of thousands of rows, taken
 * one at a time as plain arrays rather than materialised as objects. Nothing else of this
 * process uses the connection until `work` (which may wait, e.g. for output to drain) is done.
 */
export async function withRawReads<T>(db: DB, work: (sqlite: SQLite.Database) => T | Promise<T>): Promise<T> {
  return withOwnConnection(db, work);
}

/**
 * Runs `work` on the database's own connection, given its file too, with kysely's lock held and
 * SQLite's errors explained (withRawReads; a first plan's load hands the file to a thread of its own).
 */
export async function withOwnConnection<T>(db: DB, work: (sqlite: SQLite.Database, file: string) => T | Promise<T>): Promise<T> {
  const connection = connections.get(db);
  if (!connection) throw new Error('raw reads need the database itself, not a transaction of it');
  const { sqlite, file } = connection;
  return db.connection().execute(async () => {
    try {
      return await work(sqlite, file);
    } catch (error) {
      throw explainSqliteError(error, file);
    }
  });
}

/**
 * Opens the database at `file`: a PostgreSQL server when it is a postgres:// URL (the database
 * must exist; nothing connects before the first query), else the SQLite file, created if
 * needed, owner-only: WAL, foreign keys, a busy timeout so a second process waits instead of
 * failing. Call migrate() before use. Errors about the database (a full disk, a read-only file,
 * a server that does not answer) come out as a DatabaseProblemError that names it (without a
 * password) and says what to do.
 */
export function openDatabase(file: string): DB {
  if (isPostgresLocation(file)) return openPostgres(file);
  if (file === ':memory:') return wrap(new SQLite(file), file, true);
  let sqlite: SQLite.Database;
  const wrongFile = notADatabaseFile(file);
  if (wrongFile) throw new DatabaseProblemError('cannot-open', file, wrongFile);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    privateFile(file);
    // Before SQLite opens them too: a -shm it finds read-only is mapped so for the connection's life.
    tightenDatabaseFiles(file, true);
    sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
  } catch (error) {
    throw explainSqliteError(error, file);
  }
  const db = wrap(sqlite, file, true);
  tightenDatabaseFiles(file, true);
  return db;
}

/**
 * Opens an existing database for reading only: nothing is created, migrated or written. A
 * database in WAL mode needs its -shm file to be read; where this user cannot create it (a
 * folder they may not write) and no writer has it open, the file is read into memory instead.
 */
export function openReadOnly(file: string): DB {
  // PostgreSQL: every transaction read-only (default_transaction_read_only), so a bug cannot write.
  if (isPostgresLocation(file)) return openPostgres(file, { readOnly: true });
  // Reading commands tighten the files too (the README's promise): first, so that the -wal and
  // -shm files SQLite makes for this read copy a mode of 0600, not others' read bits.
  const tightenQuietly = () => {
    try {
      tightenDatabaseFiles(file, true);
    } catch {
      // A read-only file system, a file not there yet: a read does not fail for it.
    }
  };
  const wrongFile = notADatabaseFile(file);
  if (wrongFile) throw new DatabaseProblemError('cannot-open', file, wrongFile);
  tightenQuietly();
  try {
    const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
    try {
      // SQLite opens lazily: a WAL database it cannot read shows only at the first read.
      sqlite.prepare('select count(*) from sqlite_master').get();
    } catch (error) {
      sqlite.close();
      throw error;
    }
    tightenQuietly();
    return wrap(sqlite, file, false, true);
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    // A log or a hot journal left by a crash must be recovered by a writer: an image of the file alone would show a half-written change.
    if (!/^SQLITE_(READONLY|CANTOPEN)/.test(code) || code === 'SQLITE_READONLY_ROLLBACK' || existsSync(`${file}-wal`)) throw explainSqliteError(error, file);
  }
  let image: Buffer;
  try {
    image = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code !== 'EACCES' && code !== 'EPERM') throw explainSqliteError(error, file);
    throw new DatabaseProblemError('cannot-open', file, `user ${currentUser()} may not read ${file} (${code}): run touchbase as the user that owns it `
      + `(ls -l ${file}), or give this user read access to it.`, code);
  }
  // The header's WAL flags (bytes 18 and 19) set back to the rollback journal: an in-memory copy has no -shm.
  if (image.length >= 20) image[18] = image[19] = 1;
  return wrap(new SQLite(image, { readonly: true }), file, false, true);
}

function wrap(sqlite: SQLite.Database, file: string, writable: boolean, readOnly = false): DB {
  if (writable) sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  if (writable) sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new ExplainedSqlite(sqlite, file, readOnly) }) });
  connections.set(db, { sqlite, file });
  if (file !== ':memory:') connectionOpened(file);
  return db;
}

/**
 * The part of better-sqlite3 kysely uses (its SqliteDatabase port), with SQLite's errors
 * explained. A statement that fails with SQLITE_FULL or an I/O error makes SQLite roll the
 * transaction back itself; kysely's own "rollback" then fails with "cannot rollback - no
 * transaction is active" and hides the real cause: that rollback is skipped here.
 */
class ExplainedSqlite implements SqliteDatabase {
  /**
   * kysely prepares every query it runs: the statements of the last STATEMENTS_KEPT texts are
   * kept and run again (SQLite prepares a statement again by itself when the schema changed).
   * A pass over 441 calendars prepared the same few queries 1,300 times (60 ms), the daily
   * checks of a large backlog 100,000 times (2 s). One still being iterated is not shared.
   */
  readonly #statements = new Map<string, SQLite.Statement>();

  constructor(readonly raw: SQLite.Database, readonly file: string, readonly readOnly: boolean) {}

  close(): void {
    this.#statements.clear();
    this.raw.close();
    if (this.file !== ':memory:') connectionClosed(this.file);
  }

  prepare(text: string): SqliteStatement {
    if (/^\s*rollback\s*$/i.test(text) && !this.raw.inTransaction) return NO_OP;
    let stmt = this.#statements.get(text);
    if (stmt && !stmt.busy) {
      // The most recently used last: the first is the one to let go.
      this.#statements.delete(text);
      this.#statements.set(text, stmt);
    } else {
      try {
        stmt = this.raw.prepare(text);
      } catch (error) {
        throw explainSqliteError(error, this.file, this.readOnly);
      }
      if (!this.#statements.has(text)) {
        if (this.#statements.size >= STATEMENTS_KEPT) this.#statements.delete(this.#statements.keys().next().value!);
        this.#statements.set(text, stmt);
      }
    }
    const prepared = stmt;
    const explained = <T>(run: () => T): T => {
      try {
        return run();
      } catch (error) {
        throw explainSqliteError(error, this.file, this.readOnly);
      }
    };
    return {
      reader: prepared.reader,
      all: (parameters) => explained(() => prepared.all(parameters as unknown[])),
      run: (parameters) => explained(() => prepared.run(parameters as unknown[])),
      iterate: (parameters) => explained(() => prepared.iterate(parameters as unknown[])),
    };
  }
}

/** How many of kysely's statements a connection keeps prepared (by their text). */
const STATEMENTS_KEPT = 200;

const NO_OP: SqliteStatement = { reader: false, all: () => [], run: () => ({ changes: 0, lastInsertRowid: 0 }), iterate: () => [][Symbol.iterator]() };

/** Whether the database records migrations yet (a new database does not). */
async function hasMigrationTable(db: DB): Promise<boolean> {
  const table = dialectOf(db) === 'postgres'
    ? await sql<{ n: number }>`select count(*) as n from pg_catalog.pg_tables where schemaname = current_schema() and tablename = 'kysely_migration'`.execute(db)
    : await sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = 'kysely_migration'`.execute(db);
  return Number(table.rows[0]?.n ?? 0) > 0;
}

/** The migrations a database records, by name; undefined when it records none yet (a new database). */
async function appliedMigrations(db: DB): Promise<string[] | undefined> {
  if (!(await hasMigrationTable(db))) return undefined;
  return (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)).rows.map((r) => r.name);
}

/** Of those, the ones this version of touchbase does not know (a newer one wrote them). */
const unknownOf = (applied: readonly string[] = []) => applied.filter((name) => !(name in MIGRATIONS));

/** This version's migrations the database does not have yet. */
function pendingOf(applied: readonly string[] = []): string[] {
  const done = new Set(applied);
  return Object.keys(MIGRATIONS).filter((name) => !done.has(name));
}

/** Names of the migrations this database has that this version of touchbase does not know (it is newer). */
export async function unknownMigrations(db: DB): Promise<string[]> {
  return unknownOf(await appliedMigrations(db));
}

/**
 * The migrations a database opened for reading still needs; a database written by a newer
 * version is refused. The database is closed when it throws.
 */
async function pendingOrRefused(db: DB, location: string): Promise<string[]> {
  try {
    const applied = await appliedMigrations(db);
    const unknown = unknownOf(applied);
    if (unknown.length) throw newerVersion(location, unknown);
    return pendingOf(applied);
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/**
 * Refuses to upgrade a database a daemon runs on: after a `git pull`, the first command run (a
 * `status`, or a job process the old daemon starts from the new files) would change the schema
 * under the old daemon, whose every job then fails on a database "written by a newer version".
 * The daemon of this version upgrades it as it starts; nothing is checked when there is nothing
 * to upgrade, or no schema yet (no daemon has run on it).
 */
export async function refuseUnderDaemon(db: DB, file: string): Promise<void> {
  if (file === ':memory:') return;
  const applied = await appliedMigrations(db);
  if (!applied || unknownOf(applied).length > 0) return;
  const pending = pendingOf(applied);
  if (pending.length === 0 || !(await isDaemonRunning(file))) return;
  const shown = redactLocation(file);
  const pid = daemonPid(file);
  throw new DatabaseProblemError('daemon-of-another-version', shown, `${shown} needs upgrading to this version of touchbase (migration${pending.length > 1 ? 's' : ''} ${pending.join(', ')}), `
    + `and ${UNDER_DAEMON}${pid ? ` (pid ${pid})` : ''}, of an older version (or one upgrading it as it starts): restart the daemon (systemctl restart touchbase, or stop it and start it again), which upgrades the database as it starts, then run this again; nothing was changed.`);
}

/**
 * A SQLite file deleted, moved or replaced under the daemon running on it is refused, with what
 * to do; with no daemon, a missing file is created and a replaced one opened as always.
 * - Not there: a command would create a new empty database at the path, under the daemon, which
 *   goes on with the old file it has open (QA: `once` recorded a whole plan into it).
 * - Replaced (a backup restored by `mv` before the daemon's restart): the old file's write-ahead
 *   log is still beside the path, and SQLite replays it onto the new file — a command showed and
 *   wrote the state the restore undid, and a `done` it confirmed was lost when the daemon set that
 *   log aside at its stop (QA). The daemon's files are in its pid file (recordFiles).
 */
export async function refuseChangedUnderDaemon(file: string): Promise<void> {
  if (file === ':memory:' || isPostgresLocation(file)) return;
  if (!existsSync(file)) {
    if (await isDaemonRunning(file)) throw fileGoneUnderDaemon(file);
    return;
  }
  const opened = recordedDaemonFiles(file)?.db;
  if (opened === undefined || databaseFileIdentity(file) === opened || !(await isDaemonRunning(file))) return;
  const pid = daemonPid(file);
  throw new DatabaseProblemError('cannot-open', file, `${file} was replaced (a backup restored by mv?) while the touchbase daemon${pid ? ` (pid ${pid})` : ''} had the old file open: `
    + 'nothing was read or written. Restart the daemon first — it sets the old file\'s log aside, so that it is not replayed onto this one — then run this again.');
}

export function fileGoneUnderDaemon(file: string): DatabaseProblemError {
  const pid = daemonPid(file);
  return new DatabaseProblemError('cannot-open', file, `${file} is not there, but a touchbase daemon${pid ? ` (pid ${pid})` : ''} runs on it: the file was deleted or moved while the daemon had it open. `
    + 'Put the file (or a backup) back at that path and restart the daemon; nothing was created there.');
}

/**
 * Words of refuseUnderDaemon's refusal that /readyz looks for in a job's error: after a `git pull`
 * the old daemon's job processes run the new files, which refuse, and every job fails until a restart.
 */
export const UNDER_DAEMON = 'a daemon runs on it';

function newerVersion(location: string, names: string[]): DatabaseProblemError {
  const file = redactLocation(location);
  return new DatabaseProblemError('newer-version', file, `${file} was written by a newer version of touchbase (it has migration${names.length > 1 ? 's' : ''} ${names.join(', ')}, which this version does not know). `
    + `Upgrade touchbase to the version that wrote it (git pull && npm ci), or point ${isPostgresLocation(location) ? '--db or TOUCHBASE_DATABASE_URL (whichever gave this URL)' : '--db'} at a backup made before that upgrade; nothing was changed.`);
}

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrate(db: DB, file = 'the database'): Promise<MigrationResult[]> {
  const unknown = await unknownMigrations(db);
  if (unknown.length) throw newerVersion(file, unknown);
  const migrator = new Migrator({ db: migratingConnection(db), provider: { getMigrations: async () => MIGRATIONS } });
  const { error, results } = await withForeignKeysOff(db, () => migrator.migrateToLatest());
  if (error) {
    if (error instanceof DatabaseProblemError) throw error;
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} of ${redactLocation(file)} failed: ${(error as Error).message ?? String(error)}`);
  }
  return results ?? [];
}

/** This version's migrations, oldest first (the last one names the current schema: exports record it). */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS);

/** Migrates a database up to `name` and no further (an import of a file written at an older schema goes through it). */
export async function migrateTo(db: DB, name: string): Promise<void> {
  if (!(name in MIGRATIONS)) throw new Error(`unknown migration ${name}`);
  const { error } = await withForeignKeysOff(db, () => new Migrator({ db: migratingConnection(db), provider: { getMigrations: async () => MIGRATIONS } }).migrateTo(name));
  if (error) throw error;
}

/**
 * SQLite: the same connection, as kysely must see it to migrate it. Kysely's SQLite adapter runs
 * migrations outside any transaction (each statement commits on its own, the migration is marked
 * done at its end), so an upgrade killed half-way — Ctrl-C, a service's stop timeout — left a
 * database no command could open ("table touches_rebuilt already exists"). SQLite does run DDL
 * in transactions: here all pending migrations are one, begun IMMEDIATE, so a second process
 * upgrading the same file waits for the first and then finds nothing left to do.
 */
function migratingConnection(db: DB): DB {
  const raw = connections.get(db);
  if (!raw || dialectOf(db) === 'postgres') return db;
  return new Kysely<Database>({ dialect: new MigratingSqliteDialect({ database: new ExplainedSqlite(raw.sqlite, raw.file, false) }) });
}

class MigratingSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class MigratingSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class MigratingSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createAdapter(): DialectAdapter {
    return new MigratingSqliteAdapter();
  }
  override createDriver(): Driver {
    return new MigratingSqliteDriver(this.#config);
  }
}

/**
 * SQLite: migrations run with foreign keys off, as a migration that makes a table again must
 * (db/migrations/0013_touches_id_index.ts; the pragma does nothing inside the transaction a
 * migration runs in, so it is set around them). Such a migration checks the keys itself before
 * it commits.
 */
async function withForeignKeysOff<T>(db: DB, work: () => Promise<T>): Promise<T> {
  if (dialectOf(db) === 'postgres') return work();
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    return await work();
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

/**
 * The database opened and migrated to this version. `ownDaemon`: this process is the daemon that
 * holds the database's lock; anyone else does not upgrade a database a daemon runs on
 * (refuseUnderDaemon).
 */
export async function openMigrated(file: string, o: { ownDaemon?: boolean } = {}): Promise<DB> {
  if (!o.ownDaemon) {
    await refuseChangedUnderDaemon(file);
  }
  const db = openDatabase(file);
  try {
    if (!o.ownDaemon) await refuseUnderDaemon(db, file);
    await migrate(db, file);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

/**
 * For commands that only read: the database opened read-only when its schema is current (a
 * read-only file or folder is fine). A database that does not exist yet is created; one that
 * needs a migration is migrated if this user may write it, and otherwise the message says so.
 */
export async function openForReading(file: string): Promise<DB> {
  if (isPostgresLocation(file)) return openPostgresForReading(file);
  if (file === ':memory:' || !existsSync(file)) return openMigrated(file);
  await refuseChangedUnderDaemon(file);
  let db: DB;
  try {
    db = openReadOnly(file);
  } catch (error) {
    // A WAL left by a crash needs recovering, which a read-only connection cannot do: whoever may write does it.
    if (error instanceof DatabaseProblemError && mayWrite(file)) return openMigrated(file);
    throw error;
  }
  const pending = await pendingOrRefused(db, file);
  if (pending.length === 0) return db;
  await db.destroy();
  try {
    return await openMigrated(file);
  } catch (error) {
    if (error instanceof DatabaseProblemError && (error.problem === 'read-only' || error.problem === 'cannot-open')) {
      throw new DatabaseProblemError('read-only', file, `${file} needs upgrading to this version of touchbase (migration${pending.length > 1 ? 's' : ''} ${pending.join(', ')}), `
        + `but this user cannot write it: run "touchbase migrate --db ${file}" once as the user that owns it (ls -l ${file}), then read it as before.`);
    }
    throw error;
  }
}

/**
 * PostgreSQL for a command that only reads: a pool whose transactions are read-only, when the
 * schema is current; a database that needs migrating (or a new one) is migrated first, as the
 * SQLite file is. The role's rights are the server's to enforce: there is no read-only file here.
 */
async function openPostgresForReading(location: string): Promise<DB> {
  const db = openReadOnly(location);
  const pending = await pendingOrRefused(db, location);
  if (pending.length === 0) return db;
  await db.destroy();
  return openMigrated(location);
}

/**
 * Whether this user may write the database file and its folder (SQLite writes -wal and -shm
 * beside it). A PostgreSQL database: yes as far as touchbase can tell (its server grants the rights).
 */
export function mayWrite(file: string): boolean {
  if (isPostgresLocation(file)) return true;
  try {
    accessSync(file, constants.W_OK);
    accessSync(dirname(file), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Folds SQLite's write-ahead log into the database file as far as no reader holds it back
 * (a passive checkpoint: it waits for nobody). The daemon does this when it has written, so that
 * the file alone holds what was done — a copy of it is then whole, not its first pages and an
 * empty database (SQLite folds the log itself only once it reaches 4 MB). Nothing for PostgreSQL.
 */
export async function foldWriteAheadLog(db: DB): Promise<void> {
  if (!connections.has(db)) return;
  await withOwnConnection(db, (sqlite) => {
    sqlite.pragma('wal_checkpoint(PASSIVE)');
  });
}
