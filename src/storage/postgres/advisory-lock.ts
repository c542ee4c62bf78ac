import type pg from 'pg';
import { pgModule } from './pg-module.ts';
import { DaemonAlreadyRunningError } from '../../cli/known-errors.ts';
import { redactLocation } from '../location.ts';
import { explainPostgresError } from './postgres-errors.ts';
import { touchbaseTypes } from './pg-types.ts';

/**
 * The advisory lock key of "the daemon of this database" (advisory locks are per database, so
 * one key serves every database of a server): the first 8 bytes of sha1('touchbase daemon').
 */
const DAEMON_KEY = 0x3c1f7c2a5e9d41b7n & 0x7fffffffffffffffn;
/** The holder's name in pg_stat_activity: how a second daemon says who holds the lock. */
const APP_PREFIX = 'touchbase daemon';
/** The sessions holding the daemon's lock in this database, by name. */
const HOLDERS = `select a.application_name as name from pg_catalog.pg_locks l left join pg_catalog.pg_stat_activity a on a.pid = l.pid
  where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_catalog.pg_database where datname = current_database())
    and ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint`;

/** A session of its own, named in pg_stat_activity (a server that does not answer is reported, not waited on). */
const session = (location: string, name: string): pg.Client =>
  new (pgModule().Client)({ connectionString: location, types: touchbaseTypes, connectionTimeoutMillis: 15_000, application_name: name });

/**
 * One daemon per PostgreSQL database: a session-level pg_try_advisory_lock held for the
 * daemon's life on a connection of its own. The server drops it when that session ends however
 * it ends (the process killed, the machine gone: the server notices the dead socket), so there
 * is no stale lock, as with SQLite's side-file lock.
 *
 * The holder's pid and start time travel in the connection's application_name, which a second
 * daemon reads from pg_stat_activity for its message.
 */
export class PostgresDaemonLock {
  readonly #client: pg.Client;
  #released = false;

  private constructor(client: pg.Client) {
    this.#client = client;
  }

  static async acquire(location: string, holder: { pid: number; startedAt: string }, onLost?: (error: Error) => void): Promise<PostgresDaemonLock> {
    const client = session(location, `${APP_PREFIX} pid ${holder.pid} started ${holder.startedAt}`);
    const lock = new PostgresDaemonLock(client);
    // A lost session is a lost lock: whoever holds this must hear of it (another daemon may now start).
    client.on('error', (error) => {
      if (!lock.#released) onLost?.(explainPostgresError(error, location) as Error);
    });
    try {
      await client.connect();
      const got = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1::bigint) as ok', [DAEMON_KEY.toString()]);
      if (Number(got.rows[0]?.ok) !== 1) {
        const who = await client.query<{ name: string }>(HOLDERS, [DAEMON_KEY.toString()]);
        const name = who.rows[0]?.name ?? '';
        const m = /pid (\d+) started (\S+)/.exec(name);
        lock.#released = true;
        await client.end().catch(() => {});
        throw new DaemonAlreadyRunningError(`another touchbase daemon is already running on ${redactLocation(location)}${m ? ` (pid ${m[1]}, started ${m[2]})` : ''}; `
          + 'stop it first, or give this one another database');
      }
    } catch (error) {
      if (error instanceof DaemonAlreadyRunningError) throw error;
      lock.#released = true;
      await client.end().catch(() => {});
      throw explainPostgresError(error, location);
    }
    return lock;
  }

  /**
   * Whether a daemon holds the lock on this database right now: read from pg_locks, never by
   * taking the lock — a check that took it, however briefly, would make a daemon starting at
   * that moment (or another check: daemons sharing the work check as they start) believe a
   * daemon runs.
   */
  static async isHeld(location: string): Promise<boolean> {
    const client = session(location, `${APP_PREFIX} (check)`);
    try {
      await client.connect();
      const held = await client.query<{ name: string }>(`${HOLDERS} limit 1`, [DAEMON_KEY.toString()]);
      return held.rows.length > 0;
    } catch (error) {
      throw explainPostgresError(error, location);
    } finally {
      await client.end().catch(() => {});
    }
  }

  /** Idempotent: the session ends, and the lock with it. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await this.#client.end().catch(() => {});
  }
}
