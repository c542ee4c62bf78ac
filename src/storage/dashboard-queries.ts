import { refusedWrites } from './calendar-sync-repository.ts';
import { sql } from 'kysely';
import type { DB } from './database.ts';
import type { Selectable } from 'kysely';
import type { TouchEventRow, TouchRow } from './schema.ts';
import { dashboardDb, type DashboardClientRow, type DashboardDB, type DashboardEmployeeRow, type ForecastTouch } from './dashboard-tables.ts';
import { searchFold } from '../domain/search-fold.ts';

/** Whose figures a page shows: everything (a director) or one employee's clients. */
export type Scope = { readonly all: true } | { readonly all: false; readonly employee: string };

export interface ClientQuery {
  readonly search?: string;
  readonly tier?: string;
  readonly country?: string;
  readonly silentOnly?: boolean;
  readonly singleOnly?: boolean;
  readonly sort: ClientSort;
  readonly descending: boolean;
  readonly offset: number;
  readonly limit: number;
}

/** Columns the clients table sorts by. */
export const CLIENT_SORTS = ['name', 'tier', 'industry', 'country', 'owner', 'last_done', 'next_touch', 'ours_12', 'theirs_12', 'silent_days'] as const;
export type ClientSort = (typeof CLIENT_SORTS)[number];
/** Texts people read sort by their rank in the company language's order, not by code point (refresh.ts). */
const SORTED_BY: Partial<Record<ClientSort, 'name_order' | 'industry_order'>> = { name: 'name_order', industry: 'industry_order' };

function clientsInScope(d: DashboardDB, scope: Scope, q: Omit<ClientQuery, 'sort' | 'descending' | 'offset' | 'limit'>) {
  let query = d.selectFrom('dashboard_clients');
  if (!scope.all) {
    const employee = scope.employee;
    query = query.where('id', 'in', (eb) => eb.selectFrom('dashboard_client_people').select('client_id').where('employee_id', '=', employee));
  }
  const words = searchFold(q.search ?? '').split(/\s+/).filter(Boolean).slice(0, 8);
  // LIKE with ESCAPE: a user's % or _ is a character, not a wildcard.
  for (const w of words) query = query.where(sql<boolean>`search like ${`%${w.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`} escape '\\'`);
  if (q.tier) query = query.where('tier', '=', q.tier);
  if (q.country) query = query.where('country', '=', q.country);
  if (q.silentOnly) query = query.where('silent', '=', 1);
  if (q.singleOnly) query = query.where('single', '=', 1);
  return query;
}

const LIST_COLUMNS = ['id', 'name', 'tier', 'industry', 'country', 'stage', 'owner', 'last_done', 'last_by', 'next_touch', 'next_by', 'ours_12', 'theirs_12', 'silent_days', 'silent', 'single'] as const;

/** A client as the clients table lists it. */
export type ClientLine = Pick<DashboardClientRow, (typeof LIST_COLUMNS)[number]>;

/** One page of the clients table, searched, filtered and sorted in SQL, and how many match. */
export async function clientPage(db: DB, scope: Scope, q: ClientQuery): Promise<{ rows: ClientLine[]; total: number }> {
  const d = dashboardDb(db);
  const total = await clientsInScope(d, scope, q).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const direction = q.descending ? 'desc' : 'asc';
  // Empty values last whichever way the table is sorted; the file's order breaks ties.
  // The listed columns only: sorting 10,000 rows is several times faster without each client's detail.
  const by = SORTED_BY[q.sort] ?? q.sort;
  const rows = await clientsInScope(d, scope, q).select(LIST_COLUMNS)
    .orderBy(sql`${sql.ref(by)} is null`).orderBy(by, direction).orderBy('pos')
    .limit(q.limit).offset(q.offset).execute();
  return { rows, total: Number(total?.n ?? 0) };
}

/** Every client matching a query, in the table's order (for a CSV download). */
export async function allClients(db: DB, scope: Scope, q: Omit<ClientQuery, 'offset' | 'limit'>): Promise<ClientLine[]> {
  const by = SORTED_BY[q.sort] ?? q.sort;
  return clientsInScope(dashboardDb(db), scope, q).select(LIST_COLUMNS)
    .orderBy(sql`${sql.ref(by)} is null`).orderBy(by, q.descending ? 'desc' : 'asc').orderBy('pos').execute();
}

/** The distinct tiers and countries of the clients in scope (for the filters). */
export async function clientFacets(db: DB, scope: Scope): Promise<{ tiers: string[]; countries: string[] }> {
  const d = dashboardDb(db);
  const tiers = await clientsInScope(d, scope, {}).select('tier').distinct().where('tier', 'is not', null).orderBy('tier').execute();
  const countries = await clientsInScope(d, scope, {}).select('country').distinct().orderBy('country').execute();
  return { tiers: tiers.map((t) => t.tier!), countries: countries.map((c) => c.country) };
}

/** Every client of the last snapshot, id → name (read before a new snapshot replaces them: see refresh.ts). */
export async function clientNames(db: DB): Promise<Map<string, string>> {
  const rows = await dashboardDb(db).selectFrom('dashboard_clients').select(['id', 'name']).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Every employee of the last snapshot, id → name. */
export async function employeeNames(db: DB): Promise<Map<string, string>> {
  const rows = await dashboardDb(db).selectFrom('dashboard_employees').select(['id', 'name']).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function clientRow(db: DB, id: string): Promise<DashboardClientRow | undefined> {
  return dashboardDb(db).selectFrom('dashboard_clients').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Whether a client is one of an employee's (its team names them, or they have an open touch there). */
export async function isClientOf(db: DB, employee: string, client: string): Promise<boolean> {
  const row = await dashboardDb(db).selectFrom('dashboard_client_people').select('client_id')
    .where('employee_id', '=', employee).where('client_id', '=', client).executeTakeFirst();
  return row !== undefined;
}

/** Reports whose rows are about an employee, not a client: an employee sees their own. */
const EMPLOYEE_KEYED = new Set(['punctuality', 'coverage-cells']);

/** Rows of a report narrowed by what was marked on them when stored (see DashboardRow). */
export interface RowFilter {
  readonly tag?: string;
  /** Days from … to (inclusive). */
  readonly days?: { readonly from: string; readonly to: string };
  /** Rows of one employee only (the owner of an overdue touch, their punctuality). */
  readonly employee?: string;
}

function rowsInScope(d: DashboardDB, report: string, scope: Scope, filter: RowFilter = {}) {
  let query = d.selectFrom('dashboard_rows').where('report', '=', report);
  if (filter.tag !== undefined) query = query.where('tag', '=', filter.tag);
  if (filter.days) query = query.where('day', '>=', filter.days.from).where('day', '<=', filter.days.to);
  if (filter.employee !== undefined) query = query.where('employee_id', '=', filter.employee);
  if (!scope.all) {
    const employee = scope.employee;
    // One indexed condition, not an OR of two: rows about clients by the client, the others by their employee.
    query = EMPLOYEE_KEYED.has(report) ? query.where('employee_id', '=', employee)
      : query.where('client_id', 'in', (eb) => eb.selectFrom('dashboard_client_people').select('client_id').where('employee_id', '=', employee));
  }
  return query;
}

/** Stored rows of a report a viewer may see, in the report's order, a page of them, and how many. */
export async function reportRows(db: DB, report: string, scope: Scope, page: { offset: number; limit: number } | undefined, filter: RowFilter = {}): Promise<{ rows: Record<string, string | number | null>[]; total: number }> {
  const d = dashboardDb(db);
  const total = await rowsInScope(d, report, scope, filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  let query = rowsInScope(d, report, scope, filter).select('row').orderBy('pos');
  if (page) query = query.limit(page.limit).offset(page.offset);
  const rows = await query.execute();
  return { rows: rows.map((r) => JSON.parse(r.row) as Record<string, string | number | null>), total: Number(total?.n ?? 0) };
}

/** How many rows of a report a viewer may see (with a filter). */
export async function countRows(db: DB, report: string, scope: Scope, filter: RowFilter = {}): Promise<number> {
  const row = await rowsInScope(dashboardDb(db), report, scope, filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Rows of a report that belong to one employee (their punctuality, their coverage cells). */
export async function employeeRows(db: DB, report: string, employee: string): Promise<Record<string, unknown>[]> {
  const rows = await dashboardDb(db).selectFrom('dashboard_rows').select('row').where('report', '=', report).where('employee_id', '=', employee).orderBy('pos').execute();
  return rows.map((r) => JSON.parse(r.row) as Record<string, unknown>);
}

export async function dashboardEmployees(db: DB): Promise<DashboardEmployeeRow[]> {
  return dashboardDb(db).selectFrom('dashboard_employees').selectAll().orderBy('pos').execute();
}

/** Whether the database holds any touch of a client (one that left the configuration keeps its history). */
export async function hasTouches(db: DB, client: string): Promise<boolean> {
  return (await db.selectFrom('touches').select('id').where('client_id', '=', client).limit(1).executeTakeFirst()) !== undefined;
}

/** A client's touches (every status) and their history, for its timeline and relationship map. */
export async function clientHistory(db: DB, client: string): Promise<{ touches: TouchRow[]; events: Selectable<TouchEventRow>[] }> {
  const touches = await db.selectFrom('touches').selectAll().where('client_id', '=', client).execute();
  const events = touches.length === 0 ? [] : await db.selectFrom('touch_events').selectAll()
    .where('touch_id', 'in', (eb) => eb.selectFrom('touches').select('id').where('client_id', '=', client)).orderBy('seq').execute();
  return { touches, events };
}

/** An employee's touches (not cancelled) between two days, in order. */
export async function agendaOf(db: DB, employee: string, from: string, to: string): Promise<TouchRow[]> {
  return db.selectFrom('touches').selectAll().where('employee_id', '=', employee).where('date', '>=', from).where('date', '<=', to)
    .where('status', '!=', 'cancelled').orderBy('date').orderBy('start_at').execute();
}

export async function forecastOf(db: DB, client: string): Promise<ForecastTouch[]> {
  const row = await dashboardDb(db).selectFrom('dashboard_forecast').select('touches').where('client_id', '=', client).executeTakeFirst();
  return row ? (JSON.parse(row.touches) as ForecastTouch[]) : [];
}

/**
 * Per calendar provider: calendar entries still to write (waiting) and those whose last write
 * failed for good until the plan changes them again (failed), from the sync state.
 */
export async function outboxByProvider(db: DB): Promise<Map<string, { waiting: number; failed: number }>> {
  const rows = await db.selectFrom('calendar_sync').select(['provider', (eb) => eb.fn.countAll<number>().as('n')]).where('dirty', '=', 1).groupBy('provider').execute();
  const out = new Map<string, { waiting: number; failed: number }>();
  for (const r of rows) out.set(r.provider, { waiting: Number(r.n), failed: 0 });
  // A refused entry is not dirty: it waits for its touch to change (refusedWrites).
  for (const r of await refusedWrites(db)) {
    const one = out.get(r.provider) ?? { waiting: 0, failed: 0 };
    one.failed++;
    out.set(r.provider, one);
  }
  return out;
}

/** The daemon's facts (provider states, the last sync) and the last run of the sync job. */
export async function syncFacts(db: DB): Promise<{ info: Record<string, string>; lastSync: { finished: string | null; result: string | null } | undefined }> {
  const info = Object.fromEntries((await db.selectFrom('daemon_info').selectAll().where('key', 'like', 'provider%').execute()).map((r) => [r.key, r.value]));
  const job = await db.selectFrom('daemon_jobs').select(['last_finished_at', 'last_result']).where('name', '=', 'sync').executeTakeFirst();
  return { info, lastSync: job ? { finished: job.last_finished_at, result: job.last_result } : undefined };
}
