import type { ConfigIssue, ConfigWarning, FileEncoding } from './config-issue.ts';
import type { Origin } from './origin.ts';
import type {
  RawSettings, RawEmployee, RawClient, RawContact, RawRule, RawCampaign, RawHoliday, RawHandover, RawTrigger,
  RawSilence, RawOverdue, RawDigest, RawDashboard, RawImport,
} from './schema.ts';

export interface Located<T> {
  readonly value: T;
  readonly origin: Origin;
  /**
   * Fields that failed validation and were left out (an error says so already): the entity is
   * kept so that its other mistakes are found in the same round, and checks that depend on a
   * broken field are skipped, so that one mistake gives one error.
   */
  readonly broken?: ReadonlySet<string>;
}

export interface LocatedClient extends Located<RawClient> {
  readonly contactOrigins: Origin[];
  /**
   * Team roles an import was to fill from a column its file lacks (the mapping's error is said
   * where it is written): the client's missing holder of such a role is not reported as well.
   */
  readonly lostRoles?: readonly string[];
}

/** A contact row of contacts.csv before it joins its client (by id, or by the client's name). */
export interface ContactRow {
  readonly contact: RawContact;
  /** The client's id, or its exact name. */
  readonly client: string;
  readonly origin: Origin;
}

/** Everything read from a configuration folder, each entity with the place it was written. */
export interface RawSources {
  readonly dir: string;
  /** The settings; when they were broken, what could be kept of them (with `broken`). */
  settings: Located<RawSettings> | undefined;
  /**
   * The errors of the settings read first, when they did not validate (where they are in
   * `issues`): a later complete settings section makes the first the stray one, and its errors
   * give way to the one that says so (yaml-sections.ts readSettings).
   */
  settingsIssues?: { readonly start: number; readonly count: number };
  silence: Located<RawSilence> | undefined;
  overdue: Located<RawOverdue> | undefined;
  digest: Located<RawDigest> | undefined;
  dashboard: Located<RawDashboard> | undefined;
  readonly employees: Located<RawEmployee>[];
  readonly clients: LocatedClient[];
  readonly rules: Located<RawRule>[];
  readonly campaigns: Located<RawCampaign>[];
  readonly holidays: Located<RawHoliday>[];
  readonly handovers: Located<RawHandover>[];
  readonly triggers: Located<RawTrigger>[];
  readonly imports: Located<RawImport>[];
  /** Ids of entities that failed validation: references to them are not reported again. */
  readonly brokenIds: Set<string>;
  /** Roles of employees that failed validation: "held by nobody" is not reported for them. */
  readonly brokenRoles: Set<string>;
  /**
   * Attributes an import maps from a column its file lacks ("client.inn"): their placeholders in
   * titles are not reported as unknown as well (one mistake, one error).
   */
  readonly brokenAttributes: Set<string>;
  /**
   * Set when a file could not be read (YAML syntax, encoding, CSV quoting): it may have
   * defined anything, so references to unknown ids and roles are not reported this round.
   */
  opaque: boolean;
  /** Values (lines and commas) of the YAML files read so far, against MAX_YAML_VALUES (yaml-sections.ts). */
  yamlValues?: number;
  /**
   * Set when a client entry failed validation and was not kept at all (a CSV row with the wrong
   * number of cells, say): its country and team are not known, so what would follow from them
   * (a campaign's holiday in no client's country) is not reported this round.
   */
  clientsLost: boolean;
  /** Set when such a lost client's id could not be read either: a contact naming a client nobody defines may be one of its. */
  clientIdsLost: boolean;
  /**
   * Set when an employee's id is itself wrong (`ivanova!`, a zone pasted over it): the id it was
   * meant to have is unknown, so a reference to an id no employee has is not reported this round.
   */
  employeeIdsLost: boolean;
  /**
   * Employee entries that could not be kept (their id is the mistake): their zone and country are
   * still checked, so that a second mistake in the same entry is said in the same round (QA: a
   * wrong zone showed only once the id was fixed).
   */
  readonly unkeptEmployees: { readonly origin: Origin; readonly timezone?: unknown; readonly country?: unknown }[];
  /**
   * Clients CSV files with their header and no rows (an export that came out empty): the
   * contacts whose clients no file defines are one error that names them, not one each.
   */
  readonly emptyClientFiles: string[];
  /** Contacts refused for a mistake of their own, by id: a second use of the id is a mistake too. */
  readonly droppedContacts: { readonly id: string; readonly origin: Origin }[];
  readonly issues: ConfigIssue[];
  readonly warnings: ConfigWarning[];
  /** How each CSV file (and any YAML file that is not plain UTF-8) was read. */
  readonly encodings: FileEncoding[];
}

export function emptySources(dir: string): RawSources {
  return {
    dir, settings: undefined, silence: undefined, overdue: undefined, digest: undefined, dashboard: undefined,
    employees: [], clients: [], rules: [], campaigns: [], holidays: [], handovers: [], triggers: [], imports: [],
    brokenIds: new Set(), brokenRoles: new Set(), brokenAttributes: new Set(), opaque: false, clientsLost: false, clientIdsLost: false, employeeIdsLost: false, unkeptEmployees: [], emptyClientFiles: [], droppedContacts: [], issues: [], warnings: [], encodings: [],
  };
}
