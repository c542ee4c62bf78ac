import type { Generated } from 'kysely';

/** Table types of the SQLite database (see db/migrations). */
export interface Database {
  touches: TouchRow;
  touch_events: TouchEventRow;
}

export interface TouchRow {
  id: string;
  source: string;
  series: string;
  kind: string;
  client_id: string;
  /** JSON array of contact ids. */
  contact_ids: string;
  employee_id: string;
  date: string;
  start_at: string;
  end_at: string;
  all_day: number;
  title: string;
  window_from: string;
  window_to: string;
  /** JSON array of minutes. */
  remind: string;
  status: 'planned' | 'done' | 'skipped' | 'cancelled';
  resolved_at: string | null;
  resolved_date: string | null;
  resolved_by: string | null;
  note: string | null;
  created_at: string;
  updated_at: string;
}

export interface TouchEventRow {
  seq: Generated<number>;
  touch_id: string;
  type: 'planned' | 'rescheduled' | 'reassigned' | 'done' | 'skipped' | 'cancelled' | 'restored';
  at: string;
  employee_id: string | null;
  from_date: string | null;
  to_date: string | null;
  detail: string | null;
}
