import { describe, expect, it } from 'vitest';
import { toCalendarError } from '../../src/calendar/google/google-errors.ts';

const google = (status: number, reason: string, headers: Record<string, string> = {}) => ({
  message: `Request failed with status ${status}`,
  response: { status, headers: new Headers(headers), data: { error: { code: status, message: reason, errors: [{ domain: 'x', reason, message: reason }] } } },
});

describe('Google errors map to codes that say what to do', () => {
  it.each([
    ['401 authError: stop this employee until reconnected', google(401, 'authError'), 'auth', false],
    ['403 rateLimitExceeded: slow down and retry', google(403, 'rateLimitExceeded'), 'rate_limited', true],
    ['403 userRateLimitExceeded: slow down and retry', google(403, 'userRateLimitExceeded'), 'rate_limited', true],
    ['403 quotaExceeded: pause this user for a while', google(403, 'quotaExceeded'), 'quota_exhausted', false],
    ['403 dailyLimitExceeded (the project\'s daily quota): paused as a quota, not refused credentials', google(403, 'dailyLimitExceeded'), 'quota_exhausted', false],
    ['403 variableTermLimitExceeded: paused as a quota', google(403, 'variableTermLimitExceeded'), 'quota_exhausted', false],
    ['403 forbidden: no permission on this calendar', google(403, 'forbidden'), 'auth', false],
    ['404 notFound: the event is not there', google(404, 'notFound'), 'not_found', false],
    ['410 deleted: the event was deleted', google(410, 'deleted'), 'not_found', false],
    // A 404 or 410 that is not Google's (a gateway's page, a JSON error of another service) says nothing about the event.
    ['404 of a gateway (an HTML page): not read, never "not there"', { message: 'Request failed with status 404', response: { status: 404, data: '<html><body>404 Not Found</body></html>' } }, 'temporary', true],
    ['410 of a proxy (no reason): not read, never "deleted"', google(410, ''), 'temporary', true],
    ['400 page of a proxy (plain HTTP sent to its HTTPS port): retried, never "invalid" content', { message: 'Request failed with status 400', response: { status: 400, data: '<html><head><title>400 Bad Request</title></head></html>' } }, 'temporary', true],
    ['409 duplicate: the id exists, adopt it', google(409, 'duplicate'), 'conflict', false],
    ['412 conditionNotMet: someone changed it first', google(412, 'conditionNotMet'), 'conflict', false],
    ['429 rateLimitExceeded: retry after waiting', google(429, 'rateLimitExceeded'), 'rate_limited', true],
    ['500 backendError: retry', google(500, 'backendError'), 'temporary', true],
    ['503: retry', google(503, 'backendError'), 'temporary', true],
    ['400 invalid: our request is wrong, do not retry', google(400, 'invalid'), 'invalid', false],
    ['a reset connection: retry; a write may have gone through', { message: 'socket hang up', code: 'ECONNRESET' }, 'no_answer', true],
    ['a timeout (no answer): retry; a write may have gone through', { name: 'GaxiosError', message: 'The operation was aborted.' }, 'no_answer', true],
    ['408 request timeout: no answer', google(408, 'timeout'), 'no_answer', true],
    ['a broken service account key: credentials, not "temporary"', { message: 'error:1E08010C:DECODER routines::unsupported', code: 'ERR_OSSL_UNSUPPORTED' }, 'auth', false],
    ['a revoked refresh token: stop this employee', { message: 'invalid_grant', response: { status: 400, data: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } } }, 'auth', false],
    ['a service account without domain-wide delegation (token endpoint, 401 unauthorized_client): stop this employee', { message: 'unauthorized_client', response: { status: 401, data: { error: 'unauthorized_client', error_description: 'Client is unauthorized to retrieve access tokens using this method.' } } }, 'auth', false],
    ['a scope the token endpoint refuses (400 invalid_scope): stop this employee, not "invalid" for each event', { message: 'invalid_scope', response: { status: 400, data: { error: 'invalid_scope', error_description: 'Bad Request' } } }, 'auth', false],
    ['the token endpoint busy (503 temporarily_unavailable): retry', { message: 'temporarily_unavailable', response: { status: 503, data: { error: 'temporarily_unavailable' } } }, 'temporary', true],
  ])('%s', (_title, error, code, retryable) => {
    const e = toCalendarError(error);
    expect(e.code).toBe(code);
    expect(e.retryable).toBe(retryable);
  });

  it('a refusal of the token endpoint says what to check for that refusal', () => {
    const token = (error: string) => toCalendarError({ message: error, response: { status: 401, data: { error, error_description: 'Unauthorized' } } }).message;
    expect(token('invalid_client')).toContain('check GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET');
    expect(token('invalid_client')).not.toContain('domain-wide delegation');
    expect(token('unauthorized_client')).toContain('domain-wide delegation');
    expect(token('invalid_scope')).toContain('calendar.events');
    expect(token('something_else')).toContain('reconnect this employee');
  });

  it('reads Retry-After in seconds', () => {
    expect(toCalendarError(google(429, 'rateLimitExceeded', { 'retry-after': '7' })).retryAfterMs).toBe(7000);
  });

  // gaxios's errors as it makes them: its own message names the whole request, the cause is in `error`.
  const gaxios = (code: string | undefined, message: string, cause: Record<string, unknown>) => Object.assign(new Error(message), {
    code, config: { url: new URL('https://www.googleapis.com/calendar/v3/calendars/primary/events?timeMin=x') }, error: Object.assign(new Error(message), cause),
  });
  const calls = { timeoutMs: 30_000, timeoutVariable: 'GOOGLE_TIMEOUT_MS' };

  it.each([
    ['our own timeout', gaxios(undefined, 'The operation was aborted.', { name: 'AbortError' }), 'Google Calendar: no answer from www.googleapis.com:443 within 30 s (GOOGLE_TIMEOUT_MS)', 'no_answer'],
    ['a refused connection', gaxios('ECONNREFUSED', 'request to https://www.googleapis.com/calendar/v3/calendars/primary/events?timeMin=x failed, reason: connect ECONNREFUSED 10.0.0.1:443', { code: 'ECONNREFUSED' }), 'Google Calendar: connection refused by www.googleapis.com:443', 'no_answer'],
    ['a name that does not resolve', gaxios('ENOTFOUND', 'request to … failed, reason: getaddrinfo ENOTFOUND www.googleapis.com', { code: 'ENOTFOUND' }), 'Google Calendar: www.googleapis.com not found (DNS: ENOTFOUND)', 'no_answer'],
  ])('a call without an answer — %s — in plain words, of the kind it had', (_title, error, words, code) => {
    const e = toCalendarError(error, calls);
    expect([e.code, e.message]).toEqual([code, words]);
  });
});

describe('what a Google error says', () => {
  it('a token endpoint that echoes the request shows no secret; its failure is named as the token endpoint\'s, an HTML page as its text', () => {
    const echoed = toCalendarError({
      message: 'Could not refresh access token: upstream error for request: grant_type=refresh_token&refresh_token=1//0abcSECRET&client_id=cid&client_secret=SUPERSECRETclientsecret123',
      response: { status: 500, data: 'upstream error' },
    });
    expect(echoed.message).not.toMatch(/SECRET/);
    expect(echoed.message).toContain('refresh_token=***');
    expect(echoed.message).toContain('client_secret=***');
    expect(echoed.message).toMatch(/^Google's token endpoint \(GOOGLE_TOKEN_URL\) 500/);
    const page = toCalendarError({ message: 'Could not refresh access token: <html><head><title>404 Not Found</title><style>b{}</style></head><body><h1>Not Found</h1></body></html>', response: { status: 404, data: '<html>' } });
    expect(page.message).toBe("Google's token endpoint (GOOGLE_TOKEN_URL) 404: Could not refresh access token: 404 Not Found Not Found");
  });
});
