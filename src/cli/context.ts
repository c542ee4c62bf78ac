import { existsSync } from 'node:fs';
import { dateOutOfRange, instantOutOfRange } from '../domain/instant-range.ts';
import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import { hasOffset } from '../planner/dates.ts';
import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import { systemClock, type Clock } from '../clock.ts';
import { BadInputError } from './cli-error.ts';
import { isPostgresLocation, isUnambiguousUrl, redactLocation } from '../storage/location.ts';
import { readSecretFile } from '../secret-file.ts';

/** Options every command takes. */
export interface GlobalOptions {
  config?: string;
  db?: string;
}

export function configDir(o: GlobalOptions): string {
  return resolve(givenConfigDir(o) ?? 'config');
}

/** The configuration folder given (--config, else TOUCHBASE_CONFIG), or undefined when neither is. */
export function givenConfigDir(o: GlobalOptions): string | undefined {
  // An empty variable (a blank line of .env.example kept) is no folder: not the current one.
  return o.config ?? (process.env.TOUCHBASE_CONFIG || undefined);
}

/**
 * Where the database is, decided here once for the CLI, the daemon and its job processes: a
 * SQLite file, or a PostgreSQL URL. In order: --db (a file, or a postgres:// URL), then
 * TOUCHBASE_DATABASE_URL_FILE (a file whose first line is the URL) or TOUCHBASE_DATABASE_URL,
 * then TOUCHBASE_DB, then db/touchbase.sqlite. A URL holds a password: show it through
 * describeDatabase, never as it is.
 */
export function dbFile(o: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string {
  const file = o.db ?? databaseUrlFromEnv(env) ?? (env.TOUCHBASE_DB || undefined) ?? 'db/touchbase.sqlite';
  if (o.db !== undefined && isPostgresLocation(o.db)) requireParsableUrl('--db', o.db);
  else if (o.db === undefined && file === env.TOUCHBASE_DB && isPostgresLocation(file)) requireParsableUrl('TOUCHBASE_DB', file);
  return file === ':memory:' || isPostgresLocation(file) ? file : resolve(file);
}

/**
 * A PostgreSQL URL the URL parser refuses or reads wrongly — most often a password with a "/",
 * "#", "@" or ":" written as it is — is bad input named by where it came from, with how to write it; not the
 * parser's bare "Invalid URL" at the first connection. Not shown: it may hold the password.
 */
function requireParsableUrl(source: string, url: string): void {
  try {
    // "pass@wo/rd" written as it is parses, wrongly: the host becomes "wo" and the rest a path or
    // a fragment, so the connection would look a piece of the password up as a host name.
    if (!isUnambiguousUrl(url)) throw new Error('ambiguous');
  } catch {
    throw new BadInputError(`${source}: not a URL that can be read (not shown: it may hold a password); expected postgres://USER:PASSWORD@HOST:PORT/DATABASE, `
      + 'where a "/", "#", "@", ":", "?" or "%" in the user or password is written URL-encoded ("/" as %2F, "#" as %23, "@" as %40, ":" as %3A, "?" as %3F, "%" as %25)');
  }
}

/** The database as messages show it (a URL without its password). */
export function describeDatabase(o: GlobalOptions): string {
  return redactLocation(dbFile(o));
}

/** TOUCHBASE_DATABASE_URL_FILE's first line, else TOUCHBASE_DATABASE_URL, else undefined; a URL that is not postgres:// is refused. */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  let url: string | undefined;
  let name = 'TOUCHBASE_DATABASE_URL';
  if (env.TOUCHBASE_DATABASE_URL_FILE) {
    name = 'TOUCHBASE_DATABASE_URL_FILE';
    url = readSecretFile(env.TOUCHBASE_DATABASE_URL_FILE, name, (message) => new BadInputError(message));
    if (!url) throw new BadInputError(`TOUCHBASE_DATABASE_URL_FILE: ${env.TOUCHBASE_DATABASE_URL_FILE} is empty; expected a URL like postgres://touchbase:PASSWORD@db.example.com:5432/touchbase`);
  } else url = env.TOUCHBASE_DATABASE_URL?.trim() || undefined;
  if (url === undefined) return undefined;
  if (!isPostgresLocation(url)) {
    throw new BadInputError(`${name}: expected a PostgreSQL URL like postgres://touchbase:PASSWORD@db.example.com:5432/touchbase; `
      + 'the value given does not start with postgres:// or postgresql:// (not shown: it may hold a password). A SQLite file is given with --db or TOUCHBASE_DB.');
  }
  requireParsableUrl(name === 'TOUCHBASE_DATABASE_URL_FILE' ? `TOUCHBASE_DATABASE_URL_FILE (${env.TOUCHBASE_DATABASE_URL_FILE})` : name, url);
  return url;
}

/**
 * Validates the configuration first: an invalid one throws before anything is opened or
 * written. The configuration code (and its libraries) is loaded only by commands that read it.
 */
export async function readConfig(o: GlobalOptions): Promise<Config> {
  const { loadConfig } = await import('../config/load-config.ts');
  return loadConfig(configDir(o));
}

/**
 * readConfig for the commands that record or read what people did (done, skip, event,
 * history, report): a folder that holds a broken edit (`every: 1 mont` saved a minute ago) does not stop
 * an account manager marking a call done, or a director reading a report. They go on with the
 * configuration the daemon last applied on this database (storage/accepted-config.ts), as the
 * daemon itself does, and say so on standard error with the first errors; with none kept (no
 * daemon ran on it), or one of another folder, the errors are refused as everywhere.
 */
export async function readConfigOrLastApplied(o: GlobalOptions, warn: (text: string) => void): Promise<Config> {
  try {
    return await readConfig(o);
  } catch (error) {
    const { ConfigInvalidError, formatIssue } = await import('../config/config-issue.ts');
    if (!(error instanceof ConfigInvalidError) || databaseMissing(dbFile(o))) throw error;
    const { readAcceptedConfig } = await import('../storage/accepted-config.ts');
    const kept = await withDatabase(o, readAcceptedConfig, { readOnly: true }).catch(() => undefined);
    if (!kept || resolve(kept.dir) !== configDir(o)) throw error;
    const { checkSnapshot } = await import('../config/load-config.ts');
    const { config } = checkSnapshot(kept);
    if (!config) throw error;
    const shown = error.issues.slice(0, 3).map((i) => `  ${formatIssue(i)}\n`).join('');
    const more = error.issues.length > 3 ? `  … ${error.issues.length - 3} more (touchbase validate lists them all)\n` : '';
    warn(`warning: ${error.message.split(':\n')[0]}; going on with the configuration the daemon last applied on this database — fix the files:\n${shown}${more}`);
    return config;
  }
}

/** Whether the database is a file that is not there (yet). */
export function databaseMissing(file: string): boolean {
  return file !== ':memory:' && !isPostgresLocation(file) && !existsSync(file);
}

/**
 * Runs `work` on the database, closed after. `readOnly`: the command only reads, so a read-only
 * database (file or folder) is fine and nothing is migrated unless the schema is behind. A
 * command that only reads (or says `existing`) does not make a database where there is none: a
 * mistyped --db would otherwise leave an empty one behind and answer as if nothing had happened.
 */
export async function withDatabase<T>(o: GlobalOptions, work: (db: DB) => Promise<T>, options: { readOnly?: boolean; existing?: boolean } = {}): Promise<T> {
  const file = dbFile(o);
  if ((options.existing ?? options.readOnly) && databaseMissing(file)) {
    throw new BadInputError(`no database at ${file}: nothing was planned or recorded there yet (check --db and TOUCHBASE_DB; "touchbase once" or the daemon makes it)`);
  }
  // A daemon on the same file through another path (a hard link) writes its own log beside it:
  // a command through this one would write a second (SQLite's way to damage a database).
  const other = (await import('../storage/daemon-lock.ts')).daemonThroughAnotherPath(file);
  if (other) {
    throw new BadInputError(`a touchbase daemon (pid ${other.pid}) runs on this database through another path to the same file, ${other.path} (a hard link?): give --db ${other.path}, so that both use the same log`);
  }
  // A secret too short to use is refused before the database is made or changed, not after.
  if (!options.readOnly) (await import('../storage/local-secrets.ts')).checkSecretsFromEnv(process.env, undefined);
  const { openForReading, openMigrated } = await import('../storage/database.ts');
  const db = options.readOnly ? await openForReading(file) : await openMigrated(file);
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/**
 * `--now` as a clock. Written without an offset (`2027-01-14`, `2027-01-14T23:00`), it is the
 * company's wall time (`zone`): read in the machine's own zone, the same command planned from
 * another day on a server in Tokyo than in Moscow. Where no zone is known, an offset is required.
 */
export function clockFrom(now: string | undefined, zone?: string): Clock {
  if (!now) return systemClock;
  if (!zone && !hasOffset(now)) throw new BadInputError(`--now: expected an ISO instant with its offset, like 2027-01-15T09:00:00+03:00, found ${JSON.stringify(now)}`);
  const instant = DateTime.fromISO(now, { zone: zone ?? 'utc', setZone: true });
  if (!instant.isValid) throw new BadInputError(`--now: expected an ISO instant like 2027-01-15T09:00:00+03:00, found ${JSON.stringify(now)}`);
  const problem = instantOutOfRange(instant);
  if (problem) throw new BadInputError(`--now: ${problem} (in ${JSON.stringify(now)})`);
  return { now: () => instant };
}

export function parseDateOption(name: string, value: string): string {
  const d = DateTime.fromISO(value, { zone: 'utc' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !d.isValid) throw new BadInputError(`${name}: expected a date like 2027-01-31, found ${JSON.stringify(value)}`);
  const problem = dateOutOfRange(value);
  if (problem) throw new BadInputError(`${name}: ${problem}`);
  return value;
}
