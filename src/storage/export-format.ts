import { PostgresAdapter, sql, type Expression, type Kysely, type Selectable } from 'kysely';
import { TOUCHES_SAVES } from './plan-snapshot-rows.ts';
import { MISSED_LOGGED_VALUE } from './local-secrets.ts';
import type { DashboardTables } from './dashboard-tables.ts';
import type { Database } from './schema.ts';
import { DateTime } from 'luxon';
import { dateProblem, MAX_YEAR, MIN_YEAR } from '../domain/calendar-dates.ts';
import { instantOutOfRange } from '../domain/instant-range.ts';
import { hasOffset } from '../planner/dates.ts';

/**
 * The export file (`touchbase export`, `touchbase import`): newline-delimited JSON, one
 * header line, one line per row, one last line with the row count per table and the SHA-256
 * of every byte before it.
 *
 *   {"format":"touchbase-export","version":1,"schema":"0008_dashboard","exported_at":"…","secrets":"omitted"}
 *   {"table":"touches","row":{"id":"…","all_day":false,…}}
 *   {"counts":{"touches":120,…},"sha256":"…"}
 *
 * Values are in a form SQLite and PostgreSQL both take: text as JSON strings (instants as ISO
 * strings), integers as numbers, and the columns SQLite keeps as 0/1 flags as true/false.
 */
export const EXPORT_FORMAT = 'touchbase-export';
export const EXPORT_VERSION = 1;

type Tables = Database & DashboardTables;

/** How a column's value is written in the file. */
export type ColumnKind = 'text' | 'integer' | 'boolean';

export interface ExportColumn {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly nullable: boolean;
  /** What the text must be, where the planner computes with it (TEXT_FORMATS). */
  readonly format?: TextFormat;
}

/** A date (YYYY-MM-DD), an ISO instant with its offset, or either (an all-day touch's start is its date). */
export type TextFormat = 'date' | 'instant' | 'date-or-instant';

/**
 * The columns whose text the planner and the passes compute with: an import refuses any other
 * text there, as a plan would fail on it later (QA: an edited export's start_at "garbage" was
 * imported, then every pass failed on it, and the plan wrote NaN into the touch).
 */
const TEXT_FORMATS: Readonly<Record<string, Readonly<Record<string, TextFormat>>>> = {
  touches: {
    date: 'date', start_at: 'date-or-instant', end_at: 'date-or-instant', window_from: 'date', window_to: 'date', resolved_at: 'instant',
    resolved_date: 'date', created_at: 'instant', updated_at: 'instant', overdue_from: 'date',
  },
  touch_events: { at: 'instant', from_date: 'date', to_date: 'date' },
};

/** A table as the file carries it: its columns in file order, and the key its rows are sorted by. */
export interface ExportTable {
  readonly name: string;
  readonly key: readonly string[];
  readonly columns: readonly ExportColumn[];
}

// A column's kind follows from its type in schema.ts: a string column is text; a number column
// is an integer or a 0/1 flag (boolean in the file); a column that may be null takes "?". A
// column added to schema.ts and not here (or a kind that does not fit) fails the type check.
type KindOf<T> = [NonNullable<T>] extends [number] ? 'integer' | 'boolean' : [NonNullable<T>] extends [string] ? 'text' : never;
type ColumnKinds<Row> = { readonly [K in keyof Row]-?: null extends Row[K] ? `${KindOf<Row[K]>}?` : KindOf<Row[K]> };

function table<T extends keyof Tables>(name: T, key: readonly (keyof Selectable<Tables[T]> & string)[], columns: ColumnKinds<Selectable<Tables[T]>>): ExportTable {
  return {
    name,
    key,
    columns: Object.entries(columns as Record<string, string>).map(([column, kind]) => {
      const format = TEXT_FORMATS[name]?.[column];
      return { name: column, kind: kind.replace('?', '') as ColumnKind, nullable: kind.endsWith('?'), ...(format ? { format } : {}) };
    }),
  };
}

/**
 * Every table that holds the company's data, in an order import can insert safely (a touch
 * before its history: touch_events references touches).
 */
export const EXPORTED_TABLES: readonly ExportTable[] = [
  table('touches', ['id'], {
    id: 'text', source: 'text', series: 'text', kind: 'text', client_id: 'text', contact_ids: 'text', employee_id: 'text', date: 'text',
    start_at: 'text', end_at: 'text', all_day: 'boolean', title: 'text', window_from: 'text', window_to: 'text', remind: 'text', status: 'text',
    resolved_at: 'text?', resolved_date: 'text?', resolved_by: 'text?', note: 'text?', created_at: 'text', updated_at: 'text',
    moved_by_user: 'boolean', overdue_from: 'text?', body: 'text?',
  }),
  table('touch_events', ['seq'], {
    seq: 'integer', touch_id: 'text', type: 'text', at: 'text', employee_id: 'text?', from_date: 'text?', to_date: 'text?', detail: 'text?', cause: 'text',
  }),
  table('calendar_sync', ['entry_id', 'employee_id', 'provider'], {
    entry_id: 'text', entry_date: 'text', members: 'text', employee_id: 'text', provider: 'text', event_key: 'text', desired: 'text',
    desired_hash: 'text?', remote: 'text', remote_id: 'text?', remote_etag: 'text?', remote_hash: 'text?', remote_start: 'text?', remote_end: 'text?',
    inflight_op: 'text?', inflight_at: 'text?', inflight_hash: 'text?', inflight_start: 'text?', inflight_end: 'text?', attempts: 'integer',
    next_attempt_at: 'text?', last_error: 'text?', failed_hash: 'text?', dirty: 'boolean', updated_at: 'text', leaving_unread: 'boolean',
  }),
  table('calendar_pauses', ['employee_id', 'provider'], {
    employee_id: 'text', provider: 'text', code: 'text', reason: 'text', since: 'text', until: 'text?',
  }),
  table('calendar_addresses', ['employee_id', 'provider'], { employee_id: 'text', provider: 'text', address: 'text', updated_at: 'text' }),
  table('calendar_leftovers', ['employee_id', 'provider', 'address', 'event_key'], {
    employee_id: 'text', provider: 'text', address: 'text', event_key: 'text', remote_id: 'text?', attempts: 'integer', last_error: 'text?', created_at: 'text',
  }),
  table('ics_events', ['employee_id', 'event_key'], {
    employee_id: 'text', event_key: 'text', sequence: 'integer', status: 'text', payload: 'text', updated_at: 'text', content_hash: 'text?', date: 'text?',
  }),
  table('business_events', ['name', 'client_id', 'ref'], {
    name: 'text', client_id: 'text', ref: 'text', at: 'text', touch_ids: 'text', received_at: 'text',
  }),
  table('used_links', ['token_hash'], { token_hash: 'text', touch_id: 'text', action: 'text', used_at: 'text' }),
  table('daemon_jobs', ['name'], {
    name: 'text', watermark: 'text?', last_started_at: 'text?', last_finished_at: 'text?', last_result: 'text?', last_error: 'text?',
    last_summary: 'text?', last_duration_ms: 'integer?', failures: 'integer', retry_at: 'text?',
  }),
  // Filtered by name: see localValuePolicy.
  table('local_secrets', ['name'], { name: 'text', value: 'text' }),
  // Hashes of one-time sign-in links and of signed-out sessions (never a token itself).
  table('dashboard_sign_in', ['token_hash'], { token_hash: 'text', employee_id: 'text?', created_at: 'text', expires_at: 'text', used_at: 'text?' }),
  table('dashboard_prefs', ['employee_id'], { employee_id: 'text', language: 'text' }),
];

/**
 * Tables left out, and why: each is recomputed from the exported ones (or describes this
 * machine), so the imported database rebuilds it on its first sync or daemon start.
 */
export const SKIPPED_TABLES = {
  ics_feeds: 'which feed files on this machine\'s disk are current: the first sync after an import writes every feed again',
  daemon_info: 'the facts of the daemon that last ran on this database (pid, address, start time): a daemon writes its own when it starts; and how far `plan` was asked to record: the first pass after an import counts what is recorded',
  dashboard_meta: 'the dashboard snapshot, recomputed after each sync',
  dashboard_clients: 'the dashboard snapshot, recomputed after each sync',
  dashboard_client_people: 'the dashboard snapshot, recomputed after each sync',
  dashboard_employees: 'the dashboard snapshot, recomputed after each sync',
  dashboard_rows: 'the dashboard snapshot, recomputed after each sync',
  dashboard_forecast: 'the dashboard snapshot, recomputed after each sync',
  plan_snapshots: 'the last plan of each window, a cache of `plan`: the first plan after an import plans again',
  plan_snapshot_ids: 'the ordered touch ids of those plans, the same cache',
  // Transient state of the daemons running now (db/migrations/0011_shared_work.ts): an imported
  // database starts with no instance, no claim and full rate buckets, as after a restart.
  daemon_instances: 'the daemons running on this database now and their heartbeats: each registers itself when it starts',
  calendar_claims: 'which running daemon works which calendar, for a few seconds: a claim of a daemon that is not running means nothing',
  rate_buckets: 'the calls each employee has left this minute: they refill within a minute anyway',
  calendar_read_failures: 'the calendars whose last read failed: the next sync that reads the calendars finds out again',
} as const satisfies Partial<Record<keyof Tables, string>>;

// Every table of schema.ts is either exported or skipped with a reason (a type error otherwise).
type Exported = 'touches' | 'touch_events' | 'calendar_sync' | 'calendar_pauses' | 'calendar_addresses' | 'calendar_leftovers' | 'ics_events' | 'business_events' | 'used_links' | 'daemon_jobs'
  | 'local_secrets' | 'dashboard_sign_in' | 'dashboard_prefs';
const everyTableDecided: Exclude<keyof Tables, Exported | keyof typeof SKIPPED_TABLES> extends never ? true : never = true;
void everyTableDecided;

/**
 * What becomes of each row of local_secrets:
 * - `links` and `feed` are secrets whose values are out in the world — the signatures of the
 *   one-click links in events already written, the feed addresses employees subscribed to. They
 *   go into the file with --include-secrets only; without them the imported database makes new
 *   ones (every event's links are rewritten, every feed address changes) unless
 *   TOUCHBASE_LINK_SECRET / TOUCHBASE_FEED_SECRET carry the old values.
 * - `dashboard-sessions` never: it signs dashboard cookies, and a new one costs a sign-in.
 * - `config.accepted*` never: the daemon's last applied configuration files, which are the
 *   configuration folder's (an imported database keeps the next one it runs on).
 * - `sync.basis` never: what the last pass saw, so the first pass on the imported database is a
 *   full one, as a database that moved deserves.
 * - `touches.saves` never: a count of this database's plan saves (plan-snapshot-rows.ts), meaningless in another.
 * - `links.base_url` (the address links point at), `feeds.owner` (the id the feed folder's
 *   marker names, so that an imported database goes on writing its folder) and `plan.missed_logged`
 *   (the missed touches the daemon's log named: not named again after an import; QA: taken for a
 *   secret, it made `--include-secrets` claim the link and feed secrets) are data. A name not listed here is taken for
 *   a secret, so a secret added later is never exported by default.
 */
export function localValuePolicy(name: string): 'data' | 'secret' | 'never' {
  if (name === 'links.base_url' || name === 'feeds.owner' || name === MISSED_LOGGED_VALUE) return 'data';
  if (name === 'dashboard-sessions' || name === 'sync.basis' || name === TOUCHES_SAVES || name.startsWith('config.accepted')) return 'never';
  return 'secret';
}

/** A value read from the database as the file writes it (flags as true/false, instants as ISO text). */
export function toFileValue(column: ExportColumn, value: unknown, tableName: string): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  const bad = () => new Error(`${tableName}.${column.name} holds ${JSON.stringify(String(value))}, which is not ${column.kind === 'boolean' ? 'a 0/1 flag' : `${column.kind === 'integer' ? 'an integer' : 'text'}`}`);
  switch (column.kind) {
    case 'boolean':
      if (value === true || value === 1 || value === 1n) return true;
      if (value === false || value === 0 || value === 0n) return false;
      throw bad();
    case 'integer': {
      // PostgreSQL's bigint comes back as a string.
      const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : typeof value === 'bigint' ? Number(value) : value;
      if (typeof n === 'number' && Number.isSafeInteger(n)) return n;
      throw bad();
    }
    case 'text':
      if (typeof value === 'string') return value;
      // A timestamp column of PostgreSQL comes back as a Date.
      if (value instanceof Date) return value.toISOString();
      throw bad();
  }
}

/** Why a value from the file does not fit its column, or undefined when it does. */
export function fileValueProblem(column: ExportColumn, value: unknown): string | undefined {
  if (value === null) return column.nullable ? undefined : 'null, but it may not be empty';
  if (column.kind === 'boolean' && typeof value !== 'boolean') return 'expected true or false';
  if (column.kind === 'integer' && !(typeof value === 'number' && Number.isSafeInteger(value))) return 'expected an integer';
  if (column.kind === 'text' && typeof value !== 'string') return 'expected a string';
  if (column.format && typeof value === 'string') return textFormatProblem(column.format, value);
  return undefined;
}

function textFormatProblem(format: TextFormat, text: string): string | undefined {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text);
  if (format === 'date' || (format === 'date-or-instant' && date)) {
    const problem = dateProblem(text);
    return problem && `expected a date like 2027-03-01 (${problem})`;
  }
  const at = DateTime.fromISO(text, { setZone: true });
  if (!at.isValid || !/T\d\d:\d\d/.test(text) || !hasOffset(text)) return `expected an ISO instant with its offset, like 2027-03-01T09:00:00.000+03:00${format === 'date-or-instant' ? ', or a date' : ''}`;
  return instantOutOfRange(at) && `expected an ISO instant of a year from ${MIN_YEAR} to ${MAX_YEAR}, with an offset from UTC between -12:00 and +14:00`;
}

/**
 * The differences between the databases that an export and an import meet, in one place:
 * how text sorts (byte order on both, so that an export of the same data is the same file on
 * either) and how a flag is written (SQLite has no boolean: 0/1).
 */
export interface DialectTraits {
  readonly postgres: boolean;
  /** A column reference that sorts and compares in byte order. */
  sortable(column: ExportColumn): Expression<unknown>;
  /** A value from the file as a query parameter for this database. */
  parameter(column: ExportColumn, value: string | number | boolean | null): string | number | boolean | null;
}

export function dialectTraits(db: Pick<Kysely<unknown>, 'getExecutor'>): DialectTraits {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  return {
    postgres,
    // SQLite compares text with memcmp (BINARY); PostgreSQL with the database's locale unless told "C".
    sortable: (column) => (postgres && column.kind === 'text' ? sql`${sql.ref(column.name)} collate "C"` : sql.ref(column.name)),
    parameter: (column, value) => (column.kind === 'boolean' && value !== null && !postgres ? (value ? 1 : 0) : value),
  };
}
