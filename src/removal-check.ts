import type { DB } from './storage/database.ts';
import { removalVerdict, type RemovalVerdict } from './domain/removal-guard.ts';
import { acceptedRemovals, clientsWithPlannedTouches, recordAcceptedRemovals } from './storage/removal-acceptance.ts';

/**
 * Whether a configuration drops too many of the clients the database plans for
 * (domain/removal-guard.ts): read before a plan is recorded, by the command line and the daemon.
 */
export async function removalsOf(db: DB, clientIds: readonly string[]): Promise<RemovalVerdict> {
  return removalVerdict(await clientsWithPlannedTouches(db), clientIds, await acceptedRemovals(db));
}

/**
 * Records that these clients may go (none: a configuration planned on as it is), and forgets the
 * acceptance of those the configuration has again.
 */
export async function recordRemovals(db: DB, accepted: Iterable<string>, clientIds: readonly string[]): Promise<void> {
  await recordAcceptedRemovals(db, accepted, new Set(clientIds));
}
