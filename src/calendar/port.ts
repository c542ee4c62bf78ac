import { withoutSecrets } from './secret-words.ts';

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
  /**
   * Deterministic key of this event in its calendar: the touch's UUID without dashes (a valid
   * Google event id), plus a generation suffix when the calendar already holds a deleted event
   * of that touch under the plain key (Google never lets an id be reused).
   */
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

/**
 * What the sync engine needs from a calendar. Ports are thin: they say what the service
 * answered, in touchbase's terms, and decide nothing; the engine (src/sync/reconciler.ts)
 * decides what a missing answer or a missing event means.
 */
export interface CalendarPort {
  readonly provider: ProviderName;
  /**
   * Creates the event under its key. When the calendar already holds a live event with that
   * key (an earlier attempt went through), that event is returned (adopted) instead; when the
   * key is taken by a deleted event, throws CalendarError('id_taken').
   */
  create(owner: CalendarOwner, event: DesiredEvent): Promise<RemoteEvent>;
  /**
   * Replaces the content of an existing event; a deleted or missing one throws not_found. With
   * `ifMatch` (the version we last confirmed), an event changed since throws conflict instead
   * of being overwritten.
   */
  update(owner: CalendarOwner, providerId: string, event: DesiredEvent, ifMatch?: string): Promise<RemoteEvent>;
  /** Deletes; an event already gone counts as deleted. */
  remove(owner: CalendarOwner, providerId: string): Promise<void>;
  /**
   * Reads one of our events by its key (and the provider's id when known): the event as it is
   * (status cancelled for an event deleted but still known to the service), or undefined when
   * the service answers that there is no such event. Any other failure throws. `pace` is awaited
   * before any further call the answer needs (the calendar's rate limit).
   */
  read(owner: CalendarOwner, key: string, providerId?: string, pace?: () => Promise<void>): Promise<RemoteEvent | undefined>;
  /**
   * Our events (tagged by touchbase) between two local dates; deleted ones where the service shows
   * them. `pace` is awaited before each page after the first (the calendar's rate limit).
   */
  listTagged(owner: CalendarOwner, from: string, to: string, pace?: () => Promise<void>): Promise<RemoteEvent[]>;
}

/** The closed set of failures the sync engine acts on. */
export type CalendarErrorCode =
  | 'not_found' // the service answered: no such event (404, 410)
  | 'conflict' // an event with this id exists (Google 409, 412; Graph duplicate transaction)
  | 'id_taken' // the key belongs to an event that was deleted: a new key is needed
  | 'rate_limited' // slow down and retry (429, 403 rateLimitExceeded); nothing was done
  | 'quota_exhausted' // this user's calendar is limited for hours: pause the user
  | 'temporary' // 500, 502, 503, 504: retry; a write may have been carried out all the same
  | 'no_answer' // timeout, reset or refused connection: retry; a write may have been carried out
  | 'auth' // token expired, revoked or missing consent: stop this employee until fixed
  | 'invalid' // the request was wrong: a bug or bad data, do not retry
  | 'unknown'; // anything else: retry; treated as if a write may have been carried out

const RETRYABLE: ReadonlySet<CalendarErrorCode> = new Set(['rate_limited', 'temporary', 'no_answer', 'unknown']);
/** Failures after which a write may or may not have happened: only a read can tell. */
const OUTCOME_UNKNOWN: ReadonlySet<CalendarErrorCode> = new Set(['temporary', 'no_answer', 'unknown']);

export class CalendarError extends Error {
  readonly code: CalendarErrorCode;
  readonly retryable: boolean;
  /** A write that failed this way may have been carried out (commit-then-fail, lost answer). */
  readonly outcomeUnknown: boolean;
  /** From Retry-After, when the provider said how long to wait. */
  readonly retryAfterMs: number | undefined;
  /**
   * The calendar's failure as a whole, not this event's: its credentials could not be had (the
   * token endpoint failed or did not answer), so every other call to it fails the same way —
   * the sync leaves its other rows for later rather than asking the token endpoint for each
   * (QA: 804 token requests and 8 minutes for one sync while it answered 503).
   */
  readonly wholeCalendar: boolean;

  constructor(code: CalendarErrorCode, message: string, retryAfterMs?: number, wholeCalendar = false) {
    // What a server answered is quoted: never a secret it echoed, nor an address's password.
    super(withoutSecrets(message));
    this.name = 'CalendarError';
    this.code = code;
    this.retryable = RETRYABLE.has(code);
    this.outcomeUnknown = OUTCOME_UNKNOWN.has(code);
    this.retryAfterMs = retryAfterMs;
    this.wholeCalendar = wholeCalendar;
  }
}

/** Any failure as a CalendarError (a bug in our own code is 'unknown': retried, outcome unknown). */
export function asCalendarError(error: unknown): CalendarError {
  return error instanceof CalendarError ? error : new CalendarError('unknown', (error as Error)?.message ?? String(error));
}
