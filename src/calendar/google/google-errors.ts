import { CalendarError, type CalendarErrorCode } from '../port.ts';
import { noAnswerWords, type CallContext } from '../network-failure.ts';

/** What a gaxios error carries that we read (kept to that subset on purpose). */
interface GaxiosLike {
  message?: string;
  code?: string | number;
  status?: number;
  response?: { status?: number; data?: unknown; headers?: unknown };
  /** The request gaxios made (its address names the host that did not answer). */
  config?: { url?: string | URL };
}

/**
 * Maps a Google Calendar failure to the closed set of codes the sync engine acts on.
 * The table is tested row by row (test/unit/google-errors.test.ts).
 */
/** What to check for each refusal of Google's token endpoint (RFC 6749 §5.2 error codes). */
const TOKEN_ERROR_HINTS: Readonly<Record<string, string>> = {
  invalid_client: 'Google does not know the client or its secret: check GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET (or _FILE); with a service account, its key (GOOGLE_SERVICE_ACCOUNT_KEY_FILE)',
  unauthorized_client: 'with a service account, give it domain-wide delegation for https://www.googleapis.com/auth/calendar.events; with OAuth, the refresh token was issued to another client: reconnect this employee',
  invalid_scope: 'the token does not allow https://www.googleapis.com/auth/calendar.events: reconnect this employee (or, with a service account, add the scope to its domain-wide delegation)',
  access_denied: 'the employee\'s account or the domain\'s administrator refused access: reconnect this employee',
  '*': 'check the service account\'s domain-wide delegation and scopes, or reconnect this employee',
};

/**
 * `context`: the client's timeout and the variable that sets it, to say "no answer within 30 s
 * (GOOGLE_TIMEOUT_MS)" rather than gaxios's "The operation was aborted.".
 */
export function toCalendarError(error: unknown, context: CallContext = {}): CalendarError {
  if (error instanceof CalendarError) return error;
  const e = (error ?? {}) as GaxiosLike;
  const status = e.response?.status ?? (typeof e.status === 'number' ? e.status : undefined);
  const data = e.response?.data as { error?: { errors?: { reason?: string }[]; message?: string } | string; error_description?: string } | undefined;
  const reason = typeof data?.error === 'object' ? data.error.errors?.[0]?.reason : undefined;
  const message = (typeof data?.error === 'object' ? data.error.message : data?.error_description) ?? e.message ?? 'Google Calendar error';
  const retryAfter = retryAfterMs(e.response?.headers);
  if (data?.error === 'invalid_grant' || /invalid_grant/.test(e.message ?? '')) return new CalendarError('auth', `Google refused the credentials: ${message} (reconnect this employee)`);
  // Any other refusal by the token endpoint (its error is a string, the Calendar API's an object):
  // unauthorized_client (no domain-wide delegation for these scopes), invalid_client, invalid_scope…
  // Nothing is written for this employee until someone fixes the set-up: pause, not "invalid".
  if (typeof data?.error === 'string' && status !== undefined && status < 500 && status !== 429 && data.error !== 'temporarily_unavailable') {
    return new CalendarError('auth', `Google refused the credentials: ${data.error}${data.error_description ? ` (${data.error_description})` : ''}: ${TOKEN_ERROR_HINTS[data.error] ?? TOKEN_ERROR_HINTS['*']}`);
  }
  // Signing the service account's token failed: the key itself is broken, retrying cannot help.
  if (status === undefined && (String(e.code ?? '').startsWith('ERR_OSSL') || /DECODER|PEM|private key|secretOrPrivateKey/i.test(e.message ?? ''))) {
    return new CalendarError('auth', `the Google service account key cannot be used (${e.message ?? 'malformed key'}): check GOOGLE_SERVICE_ACCOUNT_KEY_FILE`);
  }
  // No answer at all: said in plain words, and of the kind 'no_answer' as Graph's. gaxios's own
  // timeout is a GaxiosError named "Error" without a code: only what it wraps (an AbortError)
  // says the call was abandoned, and codeOf, which reads the outer error, took it for 'unknown'.
  // The token endpoint's own failure (down, its address wrong, a proxy's page) is not the Calendar
  // API's, nor this event's: the calendar's as a whole (wholeCalendar).
  const ofToken = typeof data?.error === 'string' || /^Could not refresh access token/.test(e.message ?? '') || isTokenAddress(e.config?.url);
  const who = ofToken ? 'Google\'s token endpoint (GOOGLE_TOKEN_URL)' : 'Google Calendar';
  const words = status === undefined ? noAnswerWords(error, { ...context, url: e.config?.url ?? context.url }) : undefined;
  if (words) return new CalendarError('no_answer', `${who}: ${words}`, retryAfter, ofToken);
  const code = codeOf(status, reason, e, typeof data?.error === 'object');
  return new CalendarError(code, `${who} ${status ?? e.code ?? ''}${reason ? ` ${reason}` : ''}: ${plainWords(message)}`.replace(/\s+/g, ' ').trim(), retryAfter, ofToken);
}

/** Whether a request went to a token endpoint: Google's own, or GOOGLE_TOKEN_URL (a path ending in /token). */
function isTokenAddress(url: string | URL | undefined): boolean {
  if (url === undefined) return false;
  try {
    const u = new URL(String(url));
    return u.hostname === 'oauth2.googleapis.com' || /\/(?:oauth2\/v\d+\/)?token$/.test(u.pathname);
  } catch {
    return false;
  }
}

/** An HTML page quoted as a reason ("<html><head><title>400 Bad Request…"), as its text, cut short. */
function plainWords(text: string): string {
  const words = /<[a-z!/][^>]*>/i.test(text) ? text.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ') : text;
  const flat = words.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

/** `googleError`: the answer is the Calendar API's own JSON error (`{"error": {"errors": [...]}}`). */
function codeOf(status: number | undefined, reason: string | undefined, e: GaxiosLike & { name?: string }, googleError: boolean): CalendarErrorCode {
  // No HTTP answer at all: a timeout, a reset or refused connection (gaxios wraps them all).
  // A write may have reached the service: only a read can tell.
  if (status === undefined) return e.code !== undefined || e.name === 'GaxiosError' || e.name === 'AbortError' || e.name === 'TimeoutError' ? 'no_answer' : 'unknown';
  if (status === 401) return 'auth';
  if (status === 403) {
    if (reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded') return 'rate_limited';
    // The project's quotas (Calendar usage limits, a daily limit, a limit over a term): paused
    // as a quota, not taken for refused credentials (QA: dailyLimitExceeded told the admin to reconnect employees).
    if (reason === 'quotaExceeded' || reason === 'dailyLimitExceeded' || reason === 'variableTermLimitExceeded' || reason === 'variableTermExpiredDailyExceeded') return 'quota_exhausted';
    return 'auth';
  }
  // Google's own "not there" only (404 notFound, 410 deleted, in its JSON error): a 404 or 410
  // of a gateway or proxy in front of it (GOOGLE_API_ROOT_URL) says nothing about the event, and
  // taken as "not there" it became the employee deleting it — a failure taken for a decision.
  if (status === 404 || status === 410) return reason === 'notFound' || reason === 'deleted' ? 'not_found' : 'temporary';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'no_answer';
  if (status >= 500) return 'temporary';
  // Content refused is Google's to say: a 400 page of a proxy or gateway in front of it (plain
  // HTTP sent to an HTTPS port, a wrong GOOGLE_TOKEN_URL) says nothing of the event, and taken as
  // "invalid" every event waited for its touch to change, long after the address was put right.
  if (status === 400) return googleError ? 'invalid' : 'temporary';
  return 'unknown';
}

function retryAfterMs(headers: unknown): number | undefined {
  let value: string | null | undefined;
  if (headers && typeof (headers as Headers).get === 'function') value = (headers as Headers).get('retry-after');
  else if (headers && typeof headers === 'object') value = (headers as Record<string, string>)['retry-after'];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
