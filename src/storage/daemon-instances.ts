import { DateTime } from 'luxon';
import type { DB } from './database.ts';
import type { DaemonInstanceRow } from './schema.ts';
import { usesPostgres } from './calendar-claims.ts';

/**
 * The registry of running daemons on a database: each registers itself at start, heartbeats
 * every few seconds and deregisters on a clean stop. One whose heartbeat is older than its
 * lease is dead (killed, its machine gone or asleep); its row stays a while so `status` can
 * say it was seen, then goes.
 */

export type InstanceRegistration = Omit<DaemonInstanceRow, 'heartbeat_at'>;

/**
 * Whether several daemons share the work on this database: PostgreSQL's backend does;
 * SQLite's single daemon keeps its lock and works alone. `override` forces it either way (the
 * tests run several daemons on one SQLite file with it; see README "Running several daemons").
 */
export function sharedWorkOf(db: Pick<DB, 'getExecutor'>, override?: boolean): boolean {
  return override ?? usesPostgres(db);
}

export async function registerInstance(db: DB, i: InstanceRegistration, nowIso: string): Promise<void> {
  await db.insertInto('daemon_instances').values({ ...i, heartbeat_at: nowIso })
    .onConflict((oc) => oc.column('id').doUpdateSet({ host: i.host, pid: i.pid, version: i.version, url: i.url, started_at: i.started_at, lease_ms: i.lease_ms, heartbeat_at: nowIso }))
    .execute();
}

/** The instance is alive at `nowIso`; false when its row is gone (pruned as long dead): register again. */
export async function heartbeat(db: DB, id: string, nowIso: string): Promise<boolean> {
  const res = await db.updateTable('daemon_instances').set({ heartbeat_at: nowIso }).where('id', '=', id).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function deregisterInstance(db: DB, id: string): Promise<void> {
  await db.deleteFrom('daemon_instances').where('id', '=', id).execute();
}

/** Forgets instances not heard of since `beforeIso` (dead long enough to be of no interest). */
export async function pruneInstances(db: DB, beforeIso: string): Promise<number> {
  const res = await db.deleteFrom('daemon_instances').where('heartbeat_at', '<', beforeIso).executeTakeFirst();
  return Number(res.numDeletedRows);
}

export interface InstanceView {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly version: string;
  readonly url: string;
  readonly startedAt: string;
  readonly heartbeatAt: string;
  /** Its heartbeat is within its lease at the time asked. */
  readonly live: boolean;
}

/** Every registered instance as of `now`: the live ones first, each list by start. */
export async function listInstances(db: DB, now: DateTime): Promise<InstanceView[]> {
  const rows = await db.selectFrom('daemon_instances').selectAll().orderBy('started_at').orderBy('id').execute();
  const views = rows.map((r): InstanceView => ({
    id: r.id, host: r.host, pid: Number(r.pid), version: r.version, url: r.url, startedAt: r.started_at, heartbeatAt: r.heartbeat_at,
    live: DateTime.fromISO(r.heartbeat_at).plus({ milliseconds: Number(r.lease_ms) }) > now,
  }));
  return [...views.filter((v) => v.live), ...views.filter((v) => !v.live)];
}
