import type { Kysely } from 'kysely';
import type { DB } from './database.ts';
import type { Database } from './schema.ts';

/** The dashboard's tables (db/migrations/0006_dashboard.ts). */
export type DashboardTables = {
  dashboard_meta: { key: string; value: string };
  dashboard_clients: DashboardClientRow;
  dashboard_client_people: { employee_id: string; client_id: string };
  dashboard_employees: DashboardEmployeeRow;
  dashboard_rows: DashboardRow;
  dashboard_forecast: { client_id: string; touches: string };
  dashboard_sign_in: { token_hash: string; employee_id: string | null; created_at: string; expires_at: string; used_at: string | null };
  dashboard_prefs: { employee_id: string; language: string };
};

/** One stored row of a report, with what pages filter it by. */
export interface DashboardRow {
  report: string;
  pos: number;
  client_id: string | null;
  employee_id: string | null;
  /** JSON of the report's row. */
  row: string;
  tag: string | null;
  day: string | null;
}

export interface DashboardClientRow {
  id: string;
  pos: number;
  name: string;
  /** The name's place among the clients' names in the company language's order (db/migrations/0015). */
  name_order: number;
  tier: string | null;
  industry: string | null;
  /** The industry's place in the same order; null without an industry. */
  industry_order: number | null;
  country: string;
  stage: string;
  owner: string;
  last_done: string | null;
  last_by: string | null;
  last_title: string | null;
  next_touch: string | null;
  next_by: string | null;
  next_title: string | null;
  ours_12: number;
  theirs_12: number;
  silent_days: number | null;
  silent: number;
  single: number;
  /** The words a search matches (name, id, industry, country, owner, tier, contacts), folded: lower case, no accents (domain/search-fold.ts). */
  search: string;
  /** JSON of ClientDetail. */
  detail: string;
}

/** What a client page shows about the client itself (from the configuration). */
export interface ClientDetail {
  readonly since: string | null;
  readonly team: readonly { readonly role: string; readonly employee: string }[];
  readonly contacts: readonly { readonly id: string; readonly name: string; readonly role: string; readonly email: string | null; readonly phone: string | null }[];
}

export interface DashboardEmployeeRow {
  id: string;
  pos: number;
  name: string;
  role: string;
  timezone: string;
  calendar: string;
  meetings_per_day: number | null;
  /** Touches in the two weeks from the snapshot's day. */
  agenda: number;
  /** Overdue touches they own. */
  overdue: number;
}

/** A touch of the 12-month forecast beyond the calendars' horizon. */
export interface ForecastTouch {
  readonly date: string;
  readonly kind: string;
  readonly employee: string;
  readonly title: string;
}

export type DashboardDB = Kysely<Database & DashboardTables>;

/** The database with the dashboard's tables in its type. */
export function dashboardDb(db: DB): DashboardDB {
  return db.withTables<DashboardTables>();
}
