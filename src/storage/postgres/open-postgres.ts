import type pg from 'pg';
import { pgModule } from './pg-module.ts';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type { Database } from '../schema.ts';
import { explainPostgresError } from './postgres-errors.ts';
import { touchbaseTypes } from './pg-types.ts';

/** The pool behind each PostgreSQL database: the bulk paths and the daemon lock take connections of it. */
const pools = new WeakMap<object, { pool: pg.Pool; location: string }>();

export interface PostgresOpenOptions {
  /** Every transaction read-only (the server refuses a write): for commands and workers that only read. */
  readonly readOnly?: boolean;
  /** Connections at most (pg's default is 10). */
  readonly max?: number;
}

/**
 * A kysely database on the PostgreSQL server the URL names, through a pg pool. Sessions run in
 * UTC (instants come back as '…Z', see pg-types.ts); errors about the server, the role or the
 * database come out as a DatabaseProblemError without the password. Nothing is connected until
 * the first query.
 */
export function openPostgres(location: string, options: PostgresOpenOptions = {}): Kysely<Database> {
  // A session whose client died (a daemon or job process killed mid-query, waiting on a lock) is
  // ended by the server within seconds instead of holding its locks until the wait ends.
  const settings = ['-c TimeZone=UTC', '-c client_connection_check_interval=2000', ...(options.readOnly ? ['-c default_transaction_read_only=on'] : [])];
  const pool = new (pgModule().Pool)({
    connectionString: location, types: touchbaseTypes, options: settings.join(' '), max: options.max ?? 10,
    // A server that does not answer is reported, not waited on for ever.
    connectionTimeoutMillis: 15_000, idleTimeoutMillis: 10_000,
  });
  // An idle connection the server drops (a restart, a kill) must not crash the process: the next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new ExplainedPool(pool, location) }) });
  pools.set(db, { pool, location });
  return db;
}

/** The pg pool of a database openPostgres made (bulk paths run their own statements on its connections). */
export function poolOf(db: object): { pool: pg.Pool; location: string } {
  const found = pools.get(db);
  if (!found) throw new Error('this needs the PostgreSQL database itself, not a transaction of it');
  return found;
}

/**
 * A connection taken from the pool, for as long as it is held: pg's pool listens for a connection's
 * errors only while it is idle in the pool, and an error of one held between two queries (the
 * server restarted, the session ended by an administrator, a failover) had no listener — it
 * crashed the process with a raw stack trace (QA). Heard here, the error makes the next query on
 * it fail (pg refuses a broken client), which the work reports as the database's error; released,
 * the connection is destroyed rather than given to the next caller.
 */
export function holdCheckedOut(client: pg.PoolClient): { release(): void } {
  let broken: Error | undefined;
  const heard = (error: Error) => {
    broken ??= error;
  };
  client.on('error', heard);
  return {
    release: () => {
      client.removeListener('error', heard);
      client.release(broken);
    },
  };
}

/** The part of pg's pool kysely uses (its PostgresPool port), with PostgreSQL's errors explained. */
class ExplainedPool implements PostgresPool {
  constructor(readonly pool: pg.Pool, readonly location: string) {}

  async connect(): Promise<PostgresPoolClient> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw explainPostgresError(error, this.location);
    }
    const location = this.location;
    const held = holdCheckedOut(client);
    return {
      query: (async (text: string, parameters: readonly unknown[]) => {
        try {
          return await client.query(text, parameters as unknown[]);
        } catch (error) {
          throw explainPostgresError(error, location);
        }
      }) as unknown as PostgresPoolClient['query'],
      release: () => held.release(),
    };
  }

  async end(): Promise<void> {
    await this.pool.end();
  }
}
