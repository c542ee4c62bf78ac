import type { DB } from './storage/database.ts';
import { removalVerdict, type RemovalVerdict } from './domain/removal-guard.ts';
import { acceptRemovals, acceptedRemovals, clientsWithPlannedTouches, forgetReturnedRemovals } from './storage/removal-acceptance.ts';

/**
 * Whether a configuration drops too many of the clients the database plans for
 * (domain/removal-guard.ts): read before a plan is recorded, by the command line and the daemon.
 */
export async function removalsOf(db: DB, clientIds: readonly string[]): Promise<RemovalVerdict> {
  return removalVerdict(await clientsWithPlannedTouches(db), clientIds, await acceptedRemovals(db));
}

/** Once a configuration is planned on: the clients accepted to leave that came back are guarded again. */
export async function settleRemovals(db: DB, clientIds: readonly string[]): Promise<void> {
  await forgetReturnedRemovals(db, new Set(clientIds));
}

/** Records that the clients the configuration dropped may go; returns how many were newly accepted. */
export async function acceptRemovalsOf(db: DB, verdict: RemovalVerdict, clientIds: readonly string[]): Promise<number> {
  await acceptRemovals(db, verdict.unaccepted, new Set(clientIds));
  return verdict.unaccepted.length;
}
