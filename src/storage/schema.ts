import type { Generated, Selectable } from 'kysely';

/** Table types of the SQLite database (see db/migrations). */
export interface Database {
  touches: TouchRow;
  touch_events: TouchEventRow;
  calendar_sync: CalendarSyncRow;
  calendar_pauses: CalendarPauseRow;
  calendar_read_failures: CalendarReadFailureRow;
  calendar_addresses: { employee_id: string; provider: string; address: string; updated_at: string };
  calendar_leftovers: CalendarLeftoverRow;
  ics_events: IcsEventRow;
  local_secrets: { name: string; value: string };
  daemon_jobs: DaemonJobRow;
  used_links: { token_hash: string; touch_id: string; action: string; used_at: string };
  daemon_info: { key: string; value: string };
  business_events: { name: string; client_id: string; ref: string; at: string; touch_ids: string; received_at: string };
  ics_feeds: { employee_id: string; fingerprint: string; rendered_at: string };
  plan_snapshots: { plan_window: string; basis: string; apart: string; warnings: string; first_date: string; last_date: string };
  plan_snapshot_ids: { plan_window: string; part: number; ids: string };
  daemon_instances: DaemonInstanceRow;
  calendar_claims: CalendarClaimRow;
  rate_buckets: RateBucketRow;
}

/** A running daemon (db/migrations/0011_shared_work.ts): dead once its heartbeat is older than the lease. */
export interface DaemonInstanceRow {
  id: string;
  host: string;
  pid: number;
  version: string;
  /** The address it serves (empty without HTTP). */
  url: string;
  started_at: string;
  heartbeat_at: string;
  /** Dead once its heartbeat is older than this. */
  lease_ms: number;
}

/** Which instance works an employee's calendar, until when. */
export interface CalendarClaimRow {
  employee_id: string;
  provider: string;
  holder: string;
  claimed_at: string;
  expires_at: string;
}

/** A token bucket of one employee's calls to one provider, shared by every instance. */
export interface RateBucketRow {
  provider: string;
  subject: string;
  tokens: number;
  /** Epoch milliseconds of the last refill (PostgreSQL's bigint comes back as a string). */
  refilled_ms: number | string;
}

export interface DaemonJobRow {
  name: string;
  /** ISO instant of the last run (or the tick it covered): the next run is the schedule's first tick after it. */
  watermark: string | null;
  last_started_at: string | null;
  last_finished_at: string | null;
  last_result: 'ok' | 'failed' | 'running' | null;
  last_error: string | null;
  /** One line: what the run did. */
  last_summary: string | null;
  last_duration_ms: number | null;
  /** Failures in a row: the backoff grows with it. */
  failures: number;
  /** After a failure, when to try again (before the next tick, with jittered backoff). */
  retry_at: string | null;
}

/** One calendar entry in one calendar: what we want there, what we last confirmed, what is in flight (docs/sync-states.md). */
export interface CalendarSyncRow {
  /** A meeting's or call's touch id, or the id of one employee's day of all-day touches of one source. */
  entry_id: string;
  entry_date: string;
  /** JSON array of the entry's touch ids. */
  members: string;
  employee_id: string;
  provider: string;
  event_key: string;
  desired: 'present' | 'absent';
  desired_hash: string | null;
  remote: 'none' | 'present' | 'gone' | 'deleted_by_user';
  remote_id: string | null;
  remote_etag: string | null;
  remote_hash: string | null;
  remote_start: string | null;
  remote_end: string | null;
  inflight_op: 'create' | 'update' | 'delete' | null;
  inflight_at: string | null;
  inflight_hash: string | null;
  inflight_start: string | null;
  inflight_end: string | null;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  failed_hash: string | null;
  dirty: number;
  updated_at: string;
  /** 1: the event leaves this calendar, which could not be read before it did; still to be read (db/migrations/0022_leaving_unread.ts). */
  leaving_unread: number;
}

/** An event of ours in a calendar its employee no longer uses (their address changed): to be deleted there. */
export interface CalendarLeftoverRow {
  employee_id: string;
  provider: string;
  address: string;
  event_key: string;
  remote_id: string | null;
  attempts: number;
  last_error: string | null;
  created_at: string;
}

/** An employee's calendar that refused us (credentials, quota): its writes wait. */
export interface CalendarPauseRow {
  employee_id: string;
  provider: string;
  code: string;
  reason: string;
  since: string;
  until: string | null;
}

/** A calendar whose last read failed (db/migrations/0020_calendar_read_failures.ts): gone once a read succeeds. */
export interface CalendarReadFailureRow {
  employee_id: string;
  provider: string;
  /** The first failed read in a row. */
  since: string;
  /** The last one. */
  failed_at: string;
  code: string;
  reason: string;
}

export interface IcsEventRow {
  employee_id: string;
  event_key: string;
  sequence: number;
  status: 'confirmed' | 'cancelled';
  /** JSON of the DesiredEvent. */
  payload: string;
  content_hash: string | null;
  /** The local date of the event (its entry's day). */
  date: string | null;
  updated_at: string;
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
  /** 1 when the employee moved the event in their calendar: the plan keeps that time. */
  moved_by_user: number;
  /** The date it was due, when it was moved forward as overdue (the plan keeps the new date). */
  overdue_from: string | null;
  /** Extra description for touches the workflows make (a digest's contents, an escalation's reason). */
  body: string | null;
}

export interface TouchEventRow {
  seq: Generated<number>;
  touch_id: string;
  type: 'planned' | 'rescheduled' | 'reassigned' | 'done' | 'skipped' | 'cancelled' | 'restored';
  at: string;
  employee_id: string | null;
  from_date: string | null;
  to_date: string | null;
  /** Why it happened (db/migrations/0009_event_cause.ts); `detail` says it in words. */
  cause: EventCause;
  detail: string | null;
}

/** Who or what made a history line: what reports go by, never the English `detail`. */
export type EventCause = 'employee' | 'plan' | 'overdue' | 'handover' | 'workflow';

/** A history line as stored. */
export type TouchEvent = Selectable<TouchEventRow>;
