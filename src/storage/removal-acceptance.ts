import type { DB } from './database.ts';
import { getInfo, setInfo } from './job-repository.ts';
import { contactIdsIn } from '../domain/contact-ids.ts';

const ACCEPTED = 'accepted_removals';
const PROGRAMME = 'planned_programme';
const CONTACTS = 'planned_contacts';

/**
 * The clients with open (planned) touches: the plan's clients, not the company-wide ones. Read
 * from the (client_id, status) index alone — 20 ms at 10,000 clients, where asking for the days
 * from today on as well read every open row (0.5 s, at every plan and configuration change).
 */
export async function clientsWithPlannedTouches(db: DB): Promise<string[]> {
  const rows = await db.selectFrom('touches').select('client_id').distinct().where('status', '=', 'planned').execute();
  return rows.map((r) => r.client_id).filter((id) => id !== '*');
}

/** How many client ids one query asks about (SQLite's and PostgreSQL's limits on a statement's values). */
const IDS_A_QUERY = 500;

/**
 * Of these clients, those with an open (planned) touch with some contact: the ones a configuration
 * that gives them none would take touches from. Through the (client_id, status) index, for the
 * few clients asked about on an ordinary day.
 */
export async function clientsWithContactTouches(db: DB, clientIds: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (let i = 0; i < clientIds.length; i += IDS_A_QUERY) {
    const rows = await db.selectFrom('touches').select('client_id').distinct()
      .where('client_id', 'in', clientIds.slice(i, i + IDS_A_QUERY)).where('status', '=', 'planned').where('contact_ids', '<>', '[]').execute();
    for (const r of rows) found.push(r.client_id);
  }
  return found;
}

/**
 * What the removal guard keeps between plans, read in one go: the clients a person said may leave
 * the configuration (`accept-removals`, `--allow-removals`), and the rules' and campaigns' keys of
 * the configuration last planned on — what a new one is weighed against, kept rather than read
 * from the touches' sources at every plan (a scan of every open touch, 0.2 s at 10,000 clients).
 * `programme` is undefined when none was kept yet (a database from before it was kept, or just
 * imported): plannedSources says then.
 */
export interface RemovalRecords {
  readonly accepted: ReadonlySet<string>;
  readonly programme: readonly string[] | undefined;
  /** How many contacts the configuration last planned on had (undefined: none kept yet). */
  readonly contacts: number | undefined;
}

export async function removalRecords(db: DB): Promise<RemovalRecords> {
  const info = await getInfo(db);
  const contacts = Number(info[CONTACTS] ?? NaN);
  return { accepted: new Set(keysIn(info[ACCEPTED]) ?? []), programme: keysIn(info[PROGRAMME]), contacts: Number.isSafeInteger(contacts) ? contacts : undefined };
}

/** A kept list of ids or keys; undefined when none was kept, or it cannot be read. */
function keysIn(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  try {
    const keys: unknown = JSON.parse(value);
    return Array.isArray(keys) ? keys.filter((x): x is string => typeof x === 'string') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records that these clients may go, beside those accepted before, forgetting the acceptance of
 * those the configuration has again (one that came back is guarded again if it goes again), and
 * the rules' and campaigns' keys and the number of contacts of the configuration planned on.
 * Contacts accepted to go are kept only until that number is (the next plan): the next
 * configuration is weighed against it. Writes only what changed (at every plan, usually nothing).
 */
export async function recordRemovalRecords(
  db: DB, accepted: readonly string[], configured: ReadonlySet<string>, programme: readonly string[], contacts: number, isContactKey: (key: string) => boolean,
): Promise<void> {
  const before = await removalRecords(db);
  const changed: Record<string, string> = {};
  const kept = accepted.some(isContactKey) ? [...before.accepted] : [...before.accepted].filter((key) => !isContactKey(key));
  const after = [...new Set([...kept, ...accepted])].filter((id) => !configured.has(id)).sort();
  if (!sameList(after, [...before.accepted].sort())) changed[ACCEPTED] = JSON.stringify(after);
  const keys = [...new Set(programme)].sort();
  if (before.programme === undefined || !sameList(keys, before.programme)) changed[PROGRAMME] = JSON.stringify(keys);
  if (before.contacts !== contacts) changed[CONTACTS] = String(contacts);
  if (Object.keys(changed).length > 0) await setInfo(db, changed);
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Of the rules' and campaigns' keys given (all of them, without `only`), those with open (planned)
 * touches: a scan of the open touches, done only when some of them went (or none were kept).
 */
export async function plannedSources(db: DB, only?: readonly string[]): Promise<string[]> {
  if (only?.length === 0) return [];
  let query = db.selectFrom('touches').select('source').distinct().where('status', '=', 'planned');
  query = only ? query.where('source', 'in', only) : query.where((eb) => eb.or([eb('source', 'like', 'rule:%'), eb('source', 'like', 'campaign:%')]));
  return (await query.execute()).map((r) => r.source);
}

/**
 * The contacts with open (planned) touches, as `<client>/<contact>`, and how many: a scan of the
 * open touches' contacts, done only when a configuration has many fewer contacts than the last
 * one planned on (a contacts export cut short).
 */
export async function contactsWithPlannedTouches(db: DB): Promise<Set<string>> {
  const rows = await db.selectFrom('touches').select(['client_id', 'contact_ids']).distinct()
    .where('status', '=', 'planned').where('contact_ids', '<>', '[]').execute();
  const found = new Set<string>();
  for (const r of rows) for (const id of contactIdsIn(r.contact_ids)) found.add(`${r.client_id}/${id}`);
  return found;
}
