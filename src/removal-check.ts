import type { DB } from './storage/database.ts';
import { configuredKeys, contactKey, contactsFell, isContactKey, REMOVAL_GUARD, removalVerdict, type GuardedClients, type RemovalVerdict } from './domain/removal-guard.ts';
import { clientsWithContactTouches, clientsWithPlannedTouches, contactsWithPlannedTouches, plannedSources, recordRemovalRecords, removalRecords } from './storage/removal-acceptance.ts';

/**
 * Whether a configuration drops too many of the clients the database plans for, leaves too
 * many of them with no contact, or too many of the rules and campaigns planned on until now (domain/removal-guard.ts): read before a plan is recorded, by the
 * command line and the daemon. Only the clients with no contact are looked for among the touches'
 * contacts: none, or a few, on an ordinary day.
 */
export async function removalsOf(db: DB, guarded: GuardedClients): Promise<RemovalVerdict> {
  const withTouches = await clientsWithPlannedTouches(db);
  const lost = guarded.contactless.length > 0 ? await clientsWithContactTouches(db, guarded.contactless) : [];
  const kept = await removalRecords(db);
  const programme = { before: await programmeBefore(db, kept.programme, guarded.programme), configured: guarded.programme };
  // Looked at when the contacts fell by a tenth, or once on a database that kept no number yet
  // (the first plan of this version, one just imported): a cut-short export then is held too.
  const contacts = kept.contacts === undefined || contactsFell(kept.contacts, guarded.contacts.length) ? await contactsGone(db, guarded) : undefined;
  return removalVerdict(withTouches, guarded.clientIds, kept.accepted, lost, programme, contacts);
}

/**
 * The contacts with open touches gone from clients the configuration keeps with some contact (a
 * client gone, or left with none, is weighed as a client), and how many contacts have open touches.
 */
async function contactsGone(db: DB, guarded: GuardedClients): Promise<{ gone: string[]; withTouches: number }> {
  const planned = await contactsWithPlannedTouches(db);
  const configured = new Set(guarded.contacts);
  const withContacts = new Set(guarded.contacts.map((key) => key.slice(0, key.indexOf('/'))));
  const gone: string[] = [];
  for (const key of planned) if (!configured.has(key) && withContacts.has(key.slice(0, key.indexOf('/')))) gone.push(contactKey(key));
  return { gone, withTouches: planned.size };
}

/**
 * Records that these may go (none: a configuration planned on as it is), forgets the
 * acceptance of those the configuration has again, and keeps its rules and campaigns.
 */
export async function recordRemovals(db: DB, accepted: Iterable<string>, guarded: GuardedClients): Promise<void> {
  // The rules and campaigns planned on from now: the next configuration is weighed against them.
  await recordRemovalRecords(db, [...accepted], configuredKeys(guarded), guarded.programme, guarded.contacts.length, isContactKey);
}

/**
 * The rules and campaigns planned on until now that a configuration is weighed against: those of
 * the configuration last planned on, less those of them it drops that have no open touch (a
 * finished campaign deleted cancels nothing, and is not held). None kept yet (the first run of
 * this version, a database just imported): those with open touches, read once.
 */
async function programmeBefore(db: DB, kept: readonly string[] | undefined, configured: readonly string[]): Promise<readonly string[]> {
  if (kept === undefined) return plannedSources(db);
  const now = new Set(configured);
  const dropped = kept.filter((key) => !now.has(key));
  // The everyday case (nothing dropped, or a rule or two) asks nothing more of the database.
  if (dropped.length < REMOVAL_GUARD.atLeast) return kept;
  const open = new Set(await plannedSources(db, dropped));
  return kept.filter((key) => now.has(key) || open.has(key));
}
