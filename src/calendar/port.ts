/**
 * The calendar port: what touchbase needs from a calendar service, in its own types. Each
 * provider (ics, google, microsoft) lives in its own folder behind this interface; SDK
 * types never leave their folder.
 */

export type ProviderName = 'ics' | 'google' | 'microsoft';

/** Whose calendar: the employee, with the address a provider knows them by. */
export interface CalendarOwner {
  readonly employeeId: string;
  readonly email: string | undefined;
  readonly timezone: string;
}

/** An event as touchbase wants it to be. */
export interface DesiredEvent {
  /** Deterministic key of the touch (its UUID without dashes: a valid Google event id). */
  readonly key: string;
  readonly touchId: string;
  readonly title: string;
  readonly description: string;
  readonly allDay: boolean;
  /** All-day: the date; timed: ISO instant with offset. */
  readonly start: string;
  /** All-day: the next date (exclusive end); timed: ISO instant with offset. */
  readonly end: string;
  /** IANA zone the times are shown in (the employee's). */
  readonly timezone: string;
  /** Minutes before the start. */
  readonly reminders: readonly number[];
  /** Hash of everything above: an unchanged hash means nothing to write. */
  readonly contentHash: string;
}

/** What a provider holds for one of our events. */
export interface RemoteEvent {
  readonly key: string;
  readonly providerId: string;
  readonly etag: string | undefined;
  readonly status: 'confirmed' | 'cancelled';
  /** All-day: the date; timed: ISO instant. */
  readonly start: string;
  readonly end: string;
  readonly allDay: boolean;
  readonly contentHash: string | undefined;
}

export interface CalendarPort {
  readonly provider: ProviderName;
  /** Creates the event; with an unknown earlier outcome it adopts the existing one instead. */
  create(owner: CalendarOwner, event: DesiredEvent): Promise<RemoteEvent>;
  update(owner: CalendarOwner, providerId: string, event: DesiredEvent): Promise<RemoteEvent>;
  /** Deletes; an event already gone counts as deleted. */
  remove(owner: CalendarOwner, providerId: string): Promise<void>;
  findByKey(owner: CalendarOwner, key: string): Promise<RemoteEvent | undefined>;
  /** Our events (tagged by touchbase) between two local dates, deleted ones included. */
  listTagged(owner: CalendarOwner, from: string, to: string): Promise<RemoteEvent[]>;
}

/** The closed set of failures the sync engine acts on. */
export type CalendarErrorCode =
  | 'not_found' // the event is not there (deleted by the user, or never created)
  | 'conflict' // an event with this id exists (Google 409): read it back and adopt it
  | 'rate_limited' // slow down and retry (429, 403 rateLimitExceeded)
  | 'quota_exhausted' // this user's calendar is limited for hours: pause the user
  | 'temporary' // 500, 503, 504, timeouts, dropped connections: retry
  | 'auth' // token expired, revoked or missing consent: stop this employee until fixed
  | 'invalid' // the request was wrong: a bug or bad data, do not retry
  | 'unknown';

const RETRYABLE: ReadonlySet<CalendarErrorCode> = new Set(['rate_limited', 'temporary', 'unknown']);

export class CalendarError extends Error {
  readonly code: CalendarErrorCode;
  readonly retryable: boolean;
  /** From Retry-After, when the provider said how long to wait. */
  readonly retryAfterMs: number | undefined;

  constructor(code: CalendarErrorCode, message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'CalendarError';
    this.code = code;
    this.retryable = RETRYABLE.has(code);
    this.retryAfterMs = retryAfterMs;
  }
}
