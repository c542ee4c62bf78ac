import type { DB } from './storage/database.ts';
import { configuredKeys, removalVerdict, type GuardedClients, type RemovalVerdict } from './domain/removal-guard.ts';
import { acceptedRemovals, clientsWithContactTouches, clientsWithPlannedTouches, plannedProgramme, recordAcceptedRemovals, recordPlannedProgramme } from './storage/removal-acceptance.ts';

/**
 * Whether a configuration drops too many of the clients the database plans for, leaves too
 * many of them with no contact, or too many of the rules and campaigns planned on until now (domain/removal-guard.ts): read before a plan is recorded, by the
 * command line and the daemon. Only the clients with no contact are looked for among the touches'
 * contacts: none, or a few, on an ordinary day.
 */
export async function removalsOf(db: DB, guarded: GuardedClients): Promise<RemovalVerdict> {
  const withTouches = await clientsWithPlannedTouches(db);
  const lost = guarded.contactless.length > 0 ? await clientsWithContactTouches(db, guarded.contactless) : [];
  const programme = { before: await plannedProgramme(db), configured: guarded.programme };
  return removalVerdict(withTouches, guarded.clientIds, await acceptedRemovals(db), lost, programme);
}

/**
 * Records that these may go (none: a configuration planned on as it is), forgets the
 * acceptance of those the configuration has again, and keeps its rules and campaigns.
 */
export async function recordRemovals(db: DB, accepted: Iterable<string>, guarded: GuardedClients): Promise<void> {
  await recordAcceptedRemovals(db, accepted, configuredKeys(guarded));
  // The rules and campaigns planned on from now: the next configuration is weighed against them.
  await recordPlannedProgramme(db, guarded.programme);
}
