import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import { systemClock, type Clock } from '../clock.ts';
import { BadInputError } from './cli-error.ts';

/** Options every command takes. */
export interface GlobalOptions {
  config?: string;
  db?: string;
}

export function configDir(o: GlobalOptions): string {
  return resolve(o.config ?? process.env.TOUCHBASE_CONFIG ?? 'config');
}

export function dbFile(o: GlobalOptions): string {
  const file = o.db ?? process.env.TOUCHBASE_DB ?? 'db/touchbase.sqlite';
  return file === ':memory:' ? file : resolve(file);
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
 * Runs `work` on the database. `readOnly`: the command only reads, so a read-only database
 * (file or folder) is fine and nothing is migrated unless the schema is behind.
 */
export async function withDatabase<T>(o: GlobalOptions, work: (db: DB) => Promise<T>, options: { readOnly?: boolean } = {}): Promise<T> {
  const file = dbFile(o);
  const { openForReading, openMigrated } = await import('../storage/database.ts');
  const db = options.readOnly ? await openForReading(file) : await openMigrated(file);
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

export function clockFrom(now: string | undefined): Clock {
  if (!now) return systemClock;
  const instant = DateTime.fromISO(now, { setZone: true });
  if (!instant.isValid) throw new BadInputError(`--now: expected an ISO instant like 2027-01-15T09:00:00+03:00, found ${JSON.stringify(now)}`);
  return { now: () => instant };
}

export function parseDateOption(name: string, value: string): string {
  const d = DateTime.fromISO(value, { zone: 'utc' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !d.isValid) throw new BadInputError(`${name}: expected a date like 2027-01-31, found ${JSON.stringify(value)}`);
  return value;
}
