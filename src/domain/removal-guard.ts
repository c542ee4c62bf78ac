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

/**
 * A rule or campaign gone is held as clients gone are: a rules file moved aside while it is edited
 * (rules.yaml.bak), renamed, emptied, is a configuration valid in every field that cancels every
 * touch of its rules and deletes their events from every calendar (QA). Its key is the source of
 * its touches, `rule:<id>` or `campaign:<id>` (a client's id has no colon).
 */
const PROGRAMME = /^(rule|campaign):/;

/** Whether a key is a rule's or a campaign's (not a client's). */
export function isProgrammeKey(key: string): boolean {
  return PROGRAMME.test(key);
}

/**
 * A contact gone from a client still in the configuration, where it has open touches: a contacts
 * export cut short (half its rows, a file read while it was being written) keeps every client and
 * a contact or two of each, and cancelled every touch of the others — events deleted from every
 * calendar (QA). Its key: `contact:<client>/<contact>` (ids have no colon or slash).
 */
const CONTACT = 'contact:';

export function contactKey(clientSlashContact: string): string {
  return CONTACT + clientSlashContact;
}

/** Whether a key is a contact's gone (not a client's, a rule's or a campaign's). */
export function isContactKey(key: string): boolean {
  return key.startsWith(CONTACT);
}

/** A gone client, a client left with no contact, a gone contact, or a gone rule or campaign, as a reader says it. */
export function describeRemoval(key: string): string {
  if (isProgrammeKey(key)) return key.replace(':', ' ');
  if (isContactKey(key)) {
    const [client, contact] = key.slice(CONTACT.length).split('/');
    return `${contact} of ${client}`;
  }
  return key.startsWith(NO_CONTACTS) ? `${key.slice(NO_CONTACTS.length)} (no contact left)` : key;
}

/** How many of these keys are clients, contacts and rules or campaigns: "3 clients", "40 contacts", "3 clients and 6 rules and campaigns". */
export function countRemovals(keys: readonly string[]): string {
  const programme = keys.filter(isProgrammeKey).length;
  const contacts = keys.filter(isContactKey).length;
  const clients = keys.length - programme - contacts;
  const parts = [
    clients ? `${clients} client${clients === 1 ? '' : 's'}` : '', contacts ? `${contacts} contact${contacts === 1 ? '' : 's'}` : '',
    programme ? `${programme} rule${programme === 1 ? '' : 's'} and campaign${programme === 1 ? '' : 's'}` : '',
  ];
  return parts.filter(Boolean).join(' and ') || '0 clients';
}

/**
 * What the guard is given of a configuration: its clients, those of them with no contact, its
 * rules' and campaigns' keys, and its contacts (a fall in their number, against the last
 * configuration planned on, is what has the contacts' open touches looked at).
 */
export interface GuardedClients {
  readonly clientIds: readonly string[];
  readonly contactless: readonly string[];
  readonly programme: readonly string[];
  /** Its contacts, as `<client>/<contact>`. */
  readonly contacts: readonly string[];
}

export function guardedClients(config: {
  readonly clients: readonly { readonly id: string; readonly contacts: readonly { readonly id: string }[] }[];
  readonly rules: readonly { readonly id: string }[]; readonly campaigns: readonly { readonly id: string }[];
}): GuardedClients {
  const { clients } = config;
  const contacts: string[] = [];
  for (const c of clients) for (const contact of c.contacts) contacts.push(`${c.id}/${contact.id}`);
  return {
    clientIds: clients.map((c) => c.id), contactless: clients.filter((c) => c.contacts.length === 0).map((c) => c.id),
    programme: [...config.rules.map((r) => `rule:${r.id}`), ...config.campaigns.map((c) => `campaign:${c.id}`)], contacts,
  };
}

/** Whether the contacts fell by enough, from `before` to `now`, that those with open touches are looked at (removal-check.ts). */
export function contactsFell(before: number | undefined, now: number): boolean {
  return before !== undefined && before - now >= REMOVAL_GUARD.atLeast && before - now > before * REMOVAL_GUARD.share;
}

/**
 * What the configuration has of what can be accepted to go: its clients, and each of them that has
 * a contact (an acceptance of losing them is forgotten once it has some again).
 */
export function configuredKeys(guarded: GuardedClients): Set<string> {
  const contactless = new Set(guarded.contactless);
  const keys = new Set([...guarded.clientIds, ...guarded.programme]);
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
  /** Held for its rules and campaigns (too many of those planned on until now gone at once), not its clients. */
  readonly programmeHeld?: boolean;
  /** How many rules and campaigns the configuration planned on until now had. */
  readonly programmeBefore?: number;
  /** Held for its contacts (too many of those with open touches gone at once from clients it keeps), not its clients or rules. */
  readonly contactsHeld?: boolean;
  /** How many contacts have open touches (when they were looked at). */
  readonly contactsWithTouches?: number;
}

/**
 * Compares the clients the database plans for with those of the configuration, and the rules and
 * campaigns planned on until now (`programme.before`) with its own.
 * `accepted`: clients a person already said may go (and keys of clients they said may lose every
 * contact); `lostContacts`: the configuration's clients with no contact whose open touches are with some.
 */
export function removalVerdict(
  withTouches: readonly string[], configured: Iterable<string>, accepted: ReadonlySet<string> = new Set(), lostContacts: readonly string[] = [],
  programme: { readonly before: readonly string[]; readonly configured: readonly string[] } = { before: [], configured: [] },
  /** Contact keys gone from clients the configuration keeps, of those with open touches (looked at only when the contacts fell). */
  contacts: { readonly gone: readonly string[]; readonly withTouches: number } = { gone: [], withTouches: 0 },
): RemovalVerdict {
  const kept = new Set(configured);
  const clientsGone = [...withTouches.filter((id) => !kept.has(id)).sort(), ...[...lostContacts].sort().map(lostContactsKey)];
  const clientsUnaccepted = clientsGone.filter((id) => !accepted.has(id));
  const tooMany = (n: number, of: number) => n >= REMOVAL_GUARD.atLeast && n > of * REMOVAL_GUARD.share;
  const clientsHeld = tooMany(clientsUnaccepted.length, withTouches.length);
  const configuredProgramme = new Set(programme.configured);
  const programmeGone = programme.before.filter((key) => !configuredProgramme.has(key)).sort();
  const programmeUnaccepted = programmeGone.filter((key) => !accepted.has(key));
  const programmeHeld = tooMany(programmeUnaccepted.length, programme.before.length);
  const contactsGone = [...contacts.gone].sort();
  const contactsUnaccepted = contactsGone.filter((key) => !accepted.has(key));
  const contactsHeld = tooMany(contactsUnaccepted.length, contacts.withTouches);
  const held = clientsHeld || programmeHeld || contactsHeld;
  const planned = new Set(withTouches);
  const arrived = clientsHeld ? [...kept].filter((id) => !planned.has(id)).sort() : [];
  return {
    gone: [...clientsGone, ...contactsGone, ...programmeGone], unaccepted: [...clientsUnaccepted, ...contactsUnaccepted, ...programmeUnaccepted],
    withTouches: withTouches.length, held, arrived,
    programmeHeld: programmeHeld && !clientsHeld, programmeBefore: programme.before.length,
    contactsHeld: contactsHeld && !clientsHeld && !programmeHeld, contactsWithTouches: contacts.withTouches,
  };
}

/**
 * The error of a held configuration, for the command line and the daemon alike (the daemon goes on
 * with its last accepted configuration). `how`: what the reader runs to let the clients go.
 */
export function removalIssue(configDir: string, verdict: RemovalVerdict, how: string): ConfigIssue {
  if (verdict.programmeHeld) {
    const gone = verdict.unaccepted.filter(isProgrammeKey);
    return heldIssue(configDir, 'rules', `at most ${mostAtOnce(verdict.programmeBefore ?? 0)} of the ${verdict.programmeBefore} rules and campaigns planned on until now to go at once`,
      `${gone.length} gone (${firstNamed(gone)}): a file of rules or campaigns moved, renamed or emptied? Their touches are kept until it is back; if they are meant to go, ${how}`);
  }
  if (verdict.contactsHeld) {
    const gone = verdict.unaccepted.filter(isContactKey);
    return heldIssue(configDir, 'contacts', `at most ${mostAtOnce(verdict.contactsWithTouches ?? 0)} of the ${verdict.contactsWithTouches} contacts with planned touches to go at once from the clients kept`,
      `${gone.length} gone (${firstNamed(gone)}): a contacts export that came out cut short? Their touches are kept until the file is whole again; if they are meant to go, ${how}`);
  }
  // The clients' words: rules and contacts gone at the same time are not clients.
  const unaccepted = verdict.unaccepted.filter((key) => !isProgrammeKey(key) && !isContactKey(key));
  const contacts = losesContacts(unaccepted);
  return heldIssue(configDir, 'clients', `at most ${mostAtOnce(verdict.withTouches)} of the ${verdict.withTouches} clients with planned touches to leave${contacts ? ', or to lose every contact,' : ''} at once`,
    `${unaccepted.length} ${contacts ? 'gone or left with no contact' : 'gone'} (${firstNamed(unaccepted)}): ${rekeyed(verdict, unaccepted.length) ?? 'an export that came out empty or cut short?'} Their touches are kept until `
      + `the file is whole again; if they are meant to go, ${how}`);
}

/** A held configuration's error: at the configuration as a whole (which file lost them is not known), the folder, without a line. */
function heldIssue(configDir: string, field: string, expected: string, found: string): ConfigIssue {
  return { file: configDir, line: 0, column: 0, field, expected, found, rank: 3 };
}

/** The most of `of` that may go at once without being held (REMOVAL_GUARD). */
function mostAtOnce(of: number): number {
  return Math.max(REMOVAL_GUARD.atLeast - 1, Math.floor(of * REMOVAL_GUARD.share));
}

/** The first five of these as a reader says them, and "…" for more. */
function firstNamed(keys: readonly string[]): string {
  return keys.slice(0, 5).map(describeRemoval).join(', ') + (keys.length > 5 ? ', …' : '');
}

/**
 * As many clients new to the plan as there are gone (client-N become CL-N): the export's ids
 * changed, not its rows lost — said so, since a client whose id changes starts over.
 */
function rekeyed(verdict: RemovalVerdict, gone: number): string | undefined {
  const arrived = verdict.arrived ?? [];
  if (arrived.length < gone / 2) return undefined;
  const some = arrived.slice(0, 3).join(', ') + (arrived.length > 3 ? ', …' : '');
  return `their ids changed? (${arrived.length} clients new to the plan came in: ${some}) A client whose id changes starts over under the new one: its touches are cancelled and planned again, `
    + 'and what was done with its people this period is not counted for the new one.';
}
