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
/** What a daemon hears of its lock after it took it (PostgreSQL: its session may end under it). */
export interface LockWatch {
  /** The lock's session ended (the server restarted, the connection dropped): the lock is gone until taken again. */
  readonly lost?: (error: Error) => void;
  /** Taken again on a new session: this daemon is again the one of this database. */
  readonly regained?: () => void;
  /** Another daemon took it meanwhile: this one must stop (two daemons would each work alone). */
  readonly taken?: (message: string) => void;
}

/** How long after a lost session the lock is tried again, and again while the server is away. */
const RETAKE_MS = 5_000;

export class PostgresDaemonLock {
  #client: pg.Client;
  readonly #location: string;
  readonly #name: string;
  readonly #watch: LockWatch;
  readonly #retakeMs: number;
  #released = false;
  #lost = false;
  #retry: NodeJS.Timeout | undefined;

  private constructor(client: pg.Client, location: string, name: string, watch: LockWatch, retakeMs: number) {
    this.#client = client;
    this.#location = location;
    this.#name = name;
    this.#watch = watch;
    this.#retakeMs = retakeMs;
  }

  static async acquire(location: string, holder: { pid: number; startedAt: string }, watch: LockWatch = {}, retakeMs = RETAKE_MS): Promise<PostgresDaemonLock> {
    const name = `${APP_PREFIX} pid ${holder.pid} started ${holder.startedAt}`;
    const client = session(location, name);
    const lock = new PostgresDaemonLock(client, location, name, watch, retakeMs);
    lock.#attach(client);
    try {
      await client.connect();
      const refusal = await tryLock(client, location);
      if (refusal) {
        lock.#released = true;
        await client.end().catch(() => {});
        throw new DaemonAlreadyRunningError(refusal.message);
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
   * A lost session is a lost lock: whoever holds this hears of it, and it is taken again on a
   * new session as soon as the server answers. (An idle session ended by a server restart
   * emits 'end' without an 'error': the lock was gone and nobody knew, and a second daemon
   * working alone started beside this one.)
   */
  #attach(client: pg.Client): void {
    client.on('error', (error) => this.#dropped(client, error));
    client.on('end', () => this.#dropped(client, new Error('its database session ended')));
  }

  #dropped(client: pg.Client, error: Error): void {
    if (this.#released || this.#lost || client !== this.#client) return;
    this.#lost = true;
    this.#watch.lost?.(explainPostgresError(error, this.#location) as Error);
    this.#retakeLater();
  }

  #retakeLater(): void {
    this.#retry = setTimeout(() => void this.#retake(), this.#retakeMs);
    this.#retry.unref();
  }

  async #retake(): Promise<void> {
    if (this.#released) return;
    const client = session(this.#location, this.#name);
    client.on('error', () => {}); // until attached: a failed connect is answered below
    let refusal: Awaited<ReturnType<typeof tryLock>>;
    try {
      await client.connect();
      refusal = await tryLock(client, this.#location);
    } catch {
      await client.end().catch(() => {});
      this.#retakeLater();
      return;
    }
    if (refusal || this.#released) {
      await client.end().catch(() => {});
      if (this.#released) return;
      // Held under this daemon's own name: its old session, which the server has not yet found
      // dead (a network cut: until TCP gives up). Not another daemon: tried again later.
      if (refusal!.holder === this.#name) this.#retakeLater();
      else this.#watch.taken?.(refusal!.message);
      return;
    }
    this.#client = client;
    this.#lost = false;
    this.#attach(client);
    this.#watch.regained?.();
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
    clearTimeout(this.#retry);
    await this.#client.end().catch(() => {});
  }
}

/** Takes the lock on a connected session; undefined when taken, else why not (and the holder's session name). */
async function tryLock(client: pg.Client, location: string): Promise<{ message: string; holder: string } | undefined> {
  const got = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1::bigint) as ok', [DAEMON_KEY.toString()]);
  if (Number(got.rows[0]?.ok) === 1) return undefined;
  const who = await client.query<{ name: string }>(HOLDERS, [DAEMON_KEY.toString()]);
  const holder = who.rows[0]?.name ?? '';
  const m = /pid (\d+) started (\S+)/.exec(holder);
  return {
    holder,
    message: `another touchbase daemon is already running on ${redactLocation(location)}${m ? ` (pid ${m[1]}, started ${m[2]})` : ''}; stop it first, or give this one another database`,
  };
}
