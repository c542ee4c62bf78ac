import type { ConfigIssue } from '../config/config-issue.ts';

/**
 * How many of the clients with planned touches a configuration may drop at once before it is
 * held for a person to confirm: more than a tenth of them, and at least three. A CRM export
 * that came out empty or cut short (a script that failed half-way, a file read while it was
 * being written) is a configuration without those clients, valid in every field: planned on,
 * it would cancel their touches and delete their events from every calendar. A failure is not
 * a decision, so it waits; a director who really dropped them says so once
 * (`touchbase accept-removals`, or `--allow-removals`). A few clients leaving, the everyday
 * case, goes through.
 */
export const REMOVAL_GUARD = { share: 0.1, atLeast: 3 } as const;

/**
 * A client still in the configuration but left with no contact, where its planned touches are with
 * some: a contacts export that came out empty keeps every client and cancels their calls and
 * meetings all the same. Counted as one client gone, under a key of its own in the accepted list
 * (a client's id has no colon).
 */
const NO_CONTACTS = 'contacts:';

/** The key of a client left with no contact. */
export function lostContactsKey(clientId: string): string {
  return NO_CONTACTS + clientId;
}

/** Whether some of these are clients left with no contact (not only clients gone). */
export function losesContacts(keys: readonly string[]): boolean {
  return keys.some((k) => k.startsWith(NO_CONTACTS));
}

/** A gone client or a client left with no contact, as a reader says it. */
export function describeRemoval(key: string): string {
  return key.startsWith(NO_CONTACTS) ? `${key.slice(NO_CONTACTS.length)} (no contact left)` : key;
}

/** What the guard is given of a configuration: its clients, and those of them with no contact. */
export interface GuardedClients {
  readonly clientIds: readonly string[];
  readonly contactless: readonly string[];
}

export function guardedClients(clients: readonly { readonly id: string; readonly contacts: readonly unknown[] }[]): GuardedClients {
  return { clientIds: clients.map((c) => c.id), contactless: clients.filter((c) => c.contacts.length === 0).map((c) => c.id) };
}

/**
 * What the configuration has of what can be accepted to go: its clients, and each of them that has
 * a contact (an acceptance of losing them is forgotten once it has some again).
 */
export function configuredKeys(guarded: GuardedClients): Set<string> {
  const contactless = new Set(guarded.contactless);
  const keys = new Set(guarded.clientIds);
  for (const id of guarded.clientIds) if (!contactless.has(id)) keys.add(lostContactsKey(id));
  return keys;
}

export interface RemovalVerdict {
  /**
   * Clients with open (planned) touches that the configuration no longer has, then those it keeps
   * with no contact where their open touches are with some (lostContactsKey).
   */
  readonly gone: readonly string[];
  /** Of them, those nobody accepted to lose. */
  readonly unaccepted: readonly string[];
  /** How many clients have open (planned) touches. */
  readonly withTouches: number;
  /** Held: too many go at once. */
  readonly held: boolean;
  /** The configuration's clients with no planned touch yet: as many as those gone, the ids changed. */
  readonly arrived?: readonly string[];
}

/**
 * Compares the clients the database plans for with those of the configuration.
 * `accepted`: clients a person already said may go (and keys of clients they said may lose every
 * contact); `lostContacts`: the configuration's clients with no contact whose open touches are with some.
 */
export function removalVerdict(
  withTouches: readonly string[], configured: Iterable<string>, accepted: ReadonlySet<string> = new Set(), lostContacts: readonly string[] = [],
): RemovalVerdict {
  const kept = new Set(configured);
  const gone = [...withTouches.filter((id) => !kept.has(id)).sort(), ...[...lostContacts].sort().map(lostContactsKey)];
  const unaccepted = gone.filter((id) => !accepted.has(id));
  const held = unaccepted.length >= REMOVAL_GUARD.atLeast && unaccepted.length > withTouches.length * REMOVAL_GUARD.share;
  const planned = new Set(withTouches);
  const arrived = held ? [...kept].filter((id) => !planned.has(id)).sort() : [];
  return { gone, unaccepted, withTouches: withTouches.length, held, arrived };
}

/**
 * The error of a held configuration, for the command line and the daemon alike (the daemon goes on
 * with its last accepted configuration). `how`: what the reader runs to let the clients go.
 */
export function removalIssue(configDir: string, verdict: RemovalVerdict, how: string): ConfigIssue {
  const names = verdict.unaccepted.slice(0, 5).map(describeRemoval).join(', ') + (verdict.unaccepted.length > 5 ? ', …' : '');
  const most = Math.max(REMOVAL_GUARD.atLeast - 1, Math.floor(verdict.withTouches * REMOVAL_GUARD.share));
  const contacts = losesContacts(verdict.unaccepted);
  return {
    // The configuration as a whole (which file lost them is not known): the folder, without a line.
    file: configDir, line: 0, column: 0, field: 'clients',
    expected: `at most ${most} of the ${verdict.withTouches} clients with planned touches to leave${contacts ? ', or to lose every contact,' : ''} at once`,
    found: `${verdict.unaccepted.length} ${contacts ? 'gone or left with no contact' : 'gone'} (${names}): ${rekeyed(verdict) ?? 'an export that came out empty or cut short?'} Their touches are kept until `
      + `the file is whole again; if they are meant to go, ${how}`,
    rank: 3,
  };
}

/**
 * As many clients new to the plan as there are gone (client-N become CL-N): the export's ids
 * changed, not its rows lost — said so, since a client whose id changes starts over.
 */
function rekeyed(verdict: RemovalVerdict): string | undefined {
  const arrived = verdict.arrived ?? [];
  if (arrived.length < verdict.unaccepted.length / 2) return undefined;
  const some = arrived.slice(0, 3).join(', ') + (arrived.length > 3 ? ', …' : '');
  return `their ids changed? (${arrived.length} clients new to the plan came in: ${some}) A client whose id changes starts over under the new one: its touches are cancelled and planned again, `
    + 'and what was done with its people this period is not counted for the new one.';
}
