import { createRequire } from 'node:module';
import { IANAZone } from 'luxon';
import { countryHint, zoneHint } from './place-hints.ts';
import type { Client, Employee, Hours, Selector, Settings } from '../domain/types.ts';
import { resolveRole } from '../domain/team.ts';
import { selects } from '../domain/selector.ts';
import { own } from '../domain/safe-keys.ts';
import { hasHolidayCalendar } from '../planner/public-holidays.ts';
import { sharedHoursOverYear } from '../planner/working-hours.ts';
import { quote, type ConfigIssue, type ConfigWarning } from './config-issue.ts';
import { placeOf, type CsvTable, type Origin } from './origin.ts';
import type { Located, LocatedClient, RawSources } from './sources.ts';
import { HOURS_DASH, toMinutes } from './schema.ts';
import { didYouMean, knownZones } from './suggest.ts';
import { nameKey, nameWords } from './name-key.ts';
import { counted } from '../domain/english-count.ts';

/** A client as built, with where it was written and whether it was only salvaged (see Located.broken). */
export interface DraftClient {
  readonly client: Client;
  readonly origin: Origin;
  readonly located: LocatedClient;
  /** Kept although some of its fields were broken: consequences of its values are not checked. */
  readonly salvaged: boolean;
}

/** What the checks of one configuration share: where to report, and what is known to be broken. */
export class BuildContext {
  readonly issues: ConfigIssue[];
  readonly warnings: ConfigWarning[];
  readonly employees: Employee[] = [];
  readonly employeeById = new Map<string, Employee>();
  readonly holders = new Map<string, Employee[]>();
  readonly drafts: DraftClient[] = [];
  /** (client, role) pairs already explained by another error: not reported again as ambiguous. */
  readonly explained = new Set<string>();
  /** (client, employee) pairs whose working hours were reported not to overlap: one error each, not one per rule. */
  readonly hoursReported = new Set<string>();
  #byEmail = new Map<string, string[]>();
  #byName = new Map<string, string[]>();
  /** By the words of the full name in any order (nameWords, sorted): 1C writes "Иванова Анна". */
  #byWords = new Map<string, string[]>();
  readonly #shared = new Map<string, Map<string, { longest: number; shortest: number }>>();

  constructor(readonly sources: RawSources, readonly settings: Settings, readonly settingsBroken: ReadonlySet<string>) {
    this.issues = [...sources.issues];
    this.warnings = [...sources.warnings];
  }

  report(origin: Origin, path: readonly PropertyKey[], rank: number, expected: string, found: string, keyOf = false): void {
    this.issues.push({ ...placeOf(origin, path, keyOf), rank, expected, found });
  }

  /**
   * A role no employee holds, needed at a place (`what` needs it): one mistake (its last holder
   * removed) however many places need the role — said once, at the first, with the others
   * named (QA: five errors for one employee who left); a misspelt role is an error at each place.
   */
  reportUnheld(role: string, origin: Origin, path: readonly PropertyKey[], what: string): void {
    const meant = didYouMean(role, this.knownRoles());
    this.issues.push({
      ...placeOf(origin, path), rank: 3,
      // A misspelling is one at each place it is written (each is mended there), not one mistake.
      ...meant ? {} : { mistake: `a role nobody holds: ${role}` },
      expected: `a role some employee holds (${[...this.holders.keys()].join(', ')})`, found: `${quote(role)}, held by nobody (${what})${meant}`,
    });
  }

  warn(origin: Origin, path: readonly PropertyKey[], message: string): void {
    this.warnings.push({ ...placeOf(origin, path), message });
  }

  /**
   * A successor of the same role as their leaver holds no clients of that role by default while
   * the handover stands: those are the leaver's until `on`, then theirs by the handover. The
   * usual case is the company's only account manager leaving, the successor added beside them
   * (QA): counted as a second holder, every client without a team needed one named, and naming
   * the successor there would have sent no handover letters (those go where the leaver holds the
   * role). Only where that leaves one holder: among several, the error lists everyone a team may
   * name, successors too. A hand-back cycle leaves the role's holders as they are.
   */
  leaveSuccessorsToHandovers(): void {
    const successors = new Set<string>();
    for (const { value: h } of this.sources.handovers) {
      const from = typeof h.from === 'string' ? this.employeeById.get(h.from) : undefined;
      const to = typeof h.to === 'string' ? this.employeeById.get(h.to) : undefined;
      if (from && to && from !== to && from.role === to.role) successors.add(to.id);
    }
    for (const [role, list] of this.holders) {
      const own = list.filter((e) => !successors.has(e.id));
      if (own.length === 1 && list.length > 1) this.holders.set(role, own);
    }
  }

  /** References to unknown ids and roles are reported only when every file could be read. */
  get checksReferences(): boolean {
    return !this.sources.opaque;
  }

  addEmployee(e: Employee): void {
    this.employees.push(e);
    // An id used twice is one mistake, reported where the second is: the second does not hold
    // roles too, or every client without a team got "held by anna and anna" as well.
    if (this.employeeById.has(e.id)) return;
    this.employeeById.set(e.id, e);
    this.holders.set(e.role, [...(this.holders.get(e.role) ?? []), e]);
    if (e.email) this.#byEmail.set(e.email.toLowerCase(), [...(this.#byEmail.get(e.email.toLowerCase()) ?? []), e.id]);
    const name = nameKey(e.name);
    this.#byName.set(name, [...(this.#byName.get(name) ?? []), e.id]);
    const words = nameWords(e.name);
    if (words.length >= 2) {
      const key = words.sort().join(' ');
      this.#byWords.set(key, [...(this.#byWords.get(key) ?? []), e.id]);
    }
  }

  knownEmployee(id: string): boolean {
    return this.employeeById.has(id) || this.mayNameBrokenEmployee(id) || this.sources.opaque;
  }

  /**
   * Whether a reference no employee answers to may name an entry that failed validation (by its
   * id, e-mail or full name, as written or as it should have been), or one whose id is itself
   * the mistake: its error is said where it is written, not again at each reference.
   */
  mayNameBrokenEmployee(ref: string): boolean {
    const broken = this.sources.brokenIds;
    return this.sources.employeeIdsLost || broken.has(ref) || broken.has(ref.toLowerCase()) || broken.has(nameKey(ref));
  }

  /**
   * An employee as a team names them: by id, or (as CRM exports write it) by e-mail or full
   * name when exactly one employee has it.
   */
  employeeRef(ref: string, role?: string): { id: string } | { ambiguous: string[] } | undefined {
    if (this.employeeById.has(ref)) return { id: ref };
    for (const ids of [this.#byEmail.get(ref.toLowerCase()), this.#byName.get(nameKey(ref)), this.#byOtherOrder(ref)]) {
      if (ids?.length === 1) return { id: ids[0]! };
      if (ids && ids.length > 1) {
        // One person in two roles (two entries, one name or mailbox): the one who holds this role.
        const holding = role === undefined ? [] : ids.filter((id) => this.employeeById.get(id)!.role === role);
        return holding.length === 1 ? { id: holding[0]! } : { ambiguous: ids };
      }
    }
    return undefined;
  }

  /**
   * The employees a name written as 1C and Russian CRMs write it names: surname first ("Иванова
   * Анна" for "Анна Иванова"), or with the patronymic ("Иванова Анна Сергеевна"): the same words
   * in another order, or with one more when the name has three.
   */
  #byOtherOrder(ref: string): string[] | undefined {
    const words = nameWords(ref);
    if (words.length < 2 || words.length > 3) return undefined;
    const same = this.#byWords.get([...words].sort().join(' '));
    if (same || words.length === 2) return same;
    const keys = words.map((_, i) => words.filter((_, j) => j !== i).sort().join(' '));
    const ids = [...new Set(keys.flatMap((k) => this.#byWords.get(k) ?? []))];
    return ids.length > 0 ? ids : undefined;
  }

  #clientIds: Set<string> | undefined;
  /** The ids of every client (once all are built). */
  clientIds(): ReadonlySet<string> {
    this.#clientIds ??= new Set(this.drafts.map((d) => d.client.id));
    return this.#clientIds;
  }

  /** Every role someone holds or a team names. */
  knownRoles(): string[] {
    const roles = new Set(this.holders.keys());
    for (const d of this.drafts) for (const r of Object.keys(d.client.team)) roles.add(r);
    return [...roles];
  }

  /**
   * Checks that every client the selector takes has someone for `role`: reported once per
   * (client, role) at the client's team, or once at `field` when nobody holds the role at all.
   */
  needRole(role: string, selector: Selector, origin: Origin, field: string, what: string, nobody?: { readonly expected: string; readonly found: string }): void {
    if (!this.checksReferences || this.sources.brokenRoles.has(role) || this.sources.brokenRoles.has('*')) return;
    const holders = this.holders.get(role)?.length ?? 0;
    // One holder: every client has someone, its team's or that one (see resolveRole).
    if (holders === 1) return;
    if (holders === 0 && !this.drafts.some((d) => own(d.client.team, role) && selects(selector, d.client))) {
      if (nobody) this.report(origin, [field], 3, nobody.expected, nobody.found);
      else this.reportUnheld(role, origin, [field], what);
      return;
    }
    // A CSV file whose header has no column for the role (renamed, deleted): one error at its header.
    const columnless = new Map<CsvTable, { holders: readonly string[]; clients: Client[] }>();
    for (const { client, origin: clientOrigin, salvaged } of this.drafts) {
      // Most teams name the role: nothing to resolve, and the selector need not be asked.
      if (salvaged || own(client.team, role) || !selects(selector, client)) continue;
      const r = resolveRole(client.team, role, this.holders);
      if (r.ok) continue;
      const key = `${client.id}\u0000${role}`;
      if (this.explained.has(key)) continue;
      this.explained.add(key);
      if (clientOrigin.kind === 'csv' && !clientOrigin.columnOf.has(`team.${role}`)) {
        const table = columnless.get(clientOrigin.table) ?? { holders: r.holders, clients: [] };
        table.clients.push(client);
        columnless.set(clientOrigin.table, table);
        continue;
      }
      const found = r.reason === 'ambiguous'
        ? `none named, and ${r.holders.length} employees hold ${role} (${r.holders.join(', ')}): name one under the client's team`
        : `none named, and no employee holds ${role}: give the role to an employee, or name one under the client's team`;
      // In a CSV, at the row's cell of that column (it was at the first team column, which it named).
      this.report(clientOrigin, clientOrigin.kind === 'csv' ? ['team', role] : ['team'], 3, `team.${role} for client ${client.id} (needed by ${what})`, found);
    }
    for (const [table, { holders: held, clients }] of columnless) this.#columnMissing(table, role, held, clients, what);
  }

  /**
   * The clients of a CSV file whose header has no team.<role> column, while `what` needs the role
   * and touchbase cannot choose its holder: one error at the header (once per file and role), not
   * one per row. A column of the file's own whose cells name the role's holders is probably it,
   * renamed ("team.sales_director" → "Телефон"): the error points at it.
   */
  #columnMissing(table: CsvTable, role: string, held: readonly string[], clients: readonly Client[], what: string): void {
    const key = `${table.file}\u0000team.${role}`;
    if (this.explained.has(key)) return;
    this.explained.add(key);
    const column = `team.${role}`;
    // Each column kept as an attribute: how many of these clients it names a holder of the role for.
    let best: { index: number; names: Set<string>; rows: number } | undefined;
    for (const index of table.kept ?? []) {
      const name = table.header[index]!;
      const names = new Set<string>();
      let rows = 0;
      for (const c of clients) {
        const cell = c.attributes?.[name]?.trim();
        if (!cell) continue;
        const ref = this.employeeRef(cell, role);
        if (ref && 'id' in ref && this.employeeById.get(ref.id)?.role === role) {
          names.add(ref.id);
          rows++;
        }
      }
      if (rows > 0 && (!best || rows > best.rows)) best = { index, names, rows };
    }
    const why = held.length === 0 ? 'no employee holds the role' : `${held.length} employees hold the role (${held.join(', ')})`;
    const expected = `a column ${column}, as ${what} needs a ${role} for each client and ${why}`;
    const shown = (ids: Iterable<string>) => { const all = [...ids]; return `${all.slice(0, 5).join(', ')}${all.length > 5 ? ` and ${all.length - 5} more` : ''}`; };
    if (best) {
      const name = table.header[best.index]!;
      this.issues.push({
        file: table.file, line: table.headerLine ?? 1, column: best.index + 1, field: name, rank: 3, expected,
        found: `no such column, while the column ${quote(name)}, read as an attribute, names holders of ${role} (${shown(best.names)}) in ${counted(best.rows, 'row')}: was it ${column}, renamed? (name it so, or map it under imports: columns)`,
      });
      return;
    }
    const header = table.header.filter(Boolean);
    this.issues.push({
      file: table.file, line: table.headerLine ?? 1, column: 1, field: '', rank: 3, expected,
      found: `no such column in the header (${header.slice(0, 12).map((n) => quote(n, 30)).join(', ')}${header.length > 12 ? ', …' : ''})${didYouMean(column, header)}, and ${counted(clients.length, 'client')} of the file without one (${shown(clients.map((c) => c.id))}): add the column and name one in each row`,
    });
  }

  /**
   * Minutes of working time an employee and a client share on reference days, the longest and the
   * shortest of them (winter and summer time may differ by an hour); memoised by zones and hours.
   */
  sharedMinutesOverYear(e: Employee, c: Client): { longest: number; shortest: number } {
    // Asked for every (rule, client): the keys of both sides are made once each, not once per question.
    const byClient = this.#sharedByEmployee(e);
    const clientKey = this.#hoursKey(c);
    let shared = byClient.get(clientKey);
    if (shared === undefined) {
      shared = sharedHoursOverYear(e.timezone, e.hours, c.timezone, c.hours);
      byClient.set(clientKey, shared);
    }
    return shared;
  }

  readonly #hoursKeys = new WeakMap<Employee | Client, string>();
  #hoursKey(x: Employee | Client): string {
    let key = this.#hoursKeys.get(x);
    if (key === undefined) {
      key = `${x.timezone}|${x.hours.start}-${x.hours.end}`;
      this.#hoursKeys.set(x, key);
    }
    return key;
  }

  /** Employees of the same zone and hours share their answers. */
  #sharedByEmployee(e: Employee): Map<string, { longest: number; shortest: number }> {
    const key = this.#hoursKey(e);
    let byClient = this.#shared.get(key);
    if (!byClient) {
      byClient = new Map();
      this.#shared.set(key, byClient);
    }
    return byClient;
  }
}

const zoneValidity = new Map<string, boolean>();
/** A zone known by the name as written: "europe/moscow", which luxon takes, is not (zoneNamed). */
export function isZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone) && zoneNamed(zone) === zone;
    zoneValidity.set(zone, valid);
  }
  return valid;
}

let zoneNames: Map<string, string> | undefined;
/**
 * The zone's own name when `zone` is it in other letters ("europe/moscow" is "Europe/Moscow").
 * Luxon and Intl take either, but a feed's TZID is the name as written, and no calendar knows
 * "europe/moscow": its events were read in the reader's own zone (QA), so it is refused.
 */
function zoneNamed(zone: string): string {
  // Intl's names and the older ones the feed's zone data has blocks for (Asia/Calcutta, Etc/UTC).
  zoneNames ??= new Map([...Object.keys(feedZoneFiles()).filter((z) => !z.includes(' ')), ...knownZones()].map((z) => [z.toLowerCase(), z]));
  return zoneNames.get(zone.toLowerCase()) ?? zone;
}

/** The zones @touch4it/ical-timezones has a VTIMEZONE for (calendar/ics/ics-writer.ts), by name. */
function feedZoneFiles(): Record<string, string> {
  return createRequire(import.meta.url)('@touch4it/ical-timezones/zones.js') as Record<string, string>;
}

/** Reports a zone luxon does not know, with the nearest known one. Returns whether it is valid. */
export function checkZone(ctx: BuildContext, zone: string, origin: Origin, path: PropertyKey[]): boolean {
  if (isZone(zone)) return true;
  const named = zoneNamed(zone);
  if (named !== zone) {
    ctx.report(origin, path, 1, `an IANA time zone written as it is named, like ${named}`, `${quote(zone)}; did you mean ${quote(named)}? (calendars know a zone only by its name as written)`);
    return false;
  }
  ctx.report(origin, path, 1, 'an IANA time zone like Europe/Moscow or America/New_York', `${quote(zone)}, which is not a known zone${zoneHint(zone)}`);
  return false;
}

/** Reports a country without a public holiday calendar. Returns whether it has one. */
export function checkCountry(ctx: BuildContext, country: string, origin: Origin, path: PropertyKey[]): boolean {
  if (hasHolidayCalendar(country)) return true;
  ctx.report(origin, path, 1, 'a country with a public holiday calendar (ISO 3166-1 alpha-2, like RU, RO, MD, US, DE)', `${quote(country)}, which has none${countryHint(country, hasHolidayCalendar)}`);
  return false;
}

/** Reports each use of an id after its first; returns those later uses (each one error, and no more: see buildClients). */
export function uniqueIds<T extends { id: string }>(ctx: BuildContext, items: readonly Located<T>[], what: string): Set<Located<T>> {
  const first = new Map<string, Origin>();
  const again = new Set<Located<T>>();
  for (const item of items) {
    const { value, origin } = item;
    const seen = first.get(value.id);
    if (seen) {
      ctx.report(origin, ['id'], 2, `${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what} id used once (first at ${short(placeOf(seen))})`, quote(value.id));
      again.add(item);
    } else first.set(value.id, origin);
  }
  return again;
}

export function parseHours(text: string): Hours {
  const [a, b] = text.split(HOURS_DASH) as [string, string];
  return { start: toMinutes(a), end: toMinutes(b) };
}

export function short(p: { file: string; line: number }): string {
  return `${p.file}:${p.line}`;
}
