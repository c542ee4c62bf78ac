import { describe, expect, it } from 'vitest';
import { graphNoAnswer, toCalendarError } from '../../src/calendar/microsoft/graph-errors.ts';
import { CalendarError } from '../../src/calendar/port.ts';

const graph = (statusCode: number, code: string, retryAfter?: string) => ({
  statusCode, code, message: code, headers: new Headers(retryAfter ? { 'retry-after': retryAfter } : {}),
});

describe('Microsoft Graph errors map to codes that say what to do', () => {
  it.each([
    ['401 InvalidAuthenticationToken: stop this employee until fixed', graph(401, 'InvalidAuthenticationToken'), 'auth', false],
    ['403 ErrorAccessDenied: no permission on this mailbox', graph(403, 'ErrorAccessDenied'), 'auth', false],
    ['404 ErrorItemNotFound: the event is not there', graph(404, 'ErrorItemNotFound'), 'not_found', false],
    ['400 ErrorDuplicateTransactionId: it was created before, adopt it', graph(400, 'ErrorDuplicateTransactionId'), 'conflict', false],
    ['429 ApplicationThrottled: wait and retry', graph(429, 'ApplicationThrottled', '12'), 'rate_limited', true],
    ['503 ServiceUnavailable: retry', graph(503, 'ServiceUnavailable'), 'temporary', true],
    ['504 GatewayTimeout: retry', graph(504, 'GatewayTimeout'), 'temporary', true],
    ['400 ErrorInvalidRequest: our request is wrong, do not retry', graph(400, 'ErrorInvalidRequest'), 'invalid', false],
    ['no answer at all (statusCode -1): retry, as Google\'s', graph(-1, 'ECONNRESET'), 'no_answer', true],
    ['410 Gone: not there, as Google\'s', graph(410, 'ErrorItemNotFound'), 'not_found', false],
    ['404 MailboxNotEnabledForRESTAPI: the mailbox, not the event, is missing: stop this employee until fixed', graph(404, 'MailboxNotEnabledForRESTAPI'), 'auth', false],
    ['404 ResourceNotFound (no such user): the same', graph(404, 'ResourceNotFound'), 'auth', false],
    ['404 with a code Graph does not document for events: no answer about the event, retry', graph(404, 'SomethingElse'), 'unknown', true],
    ['412 ErrorIrresolvableConflict: changed since we saw it', graph(412, 'ErrorIrresolvableConflict'), 'conflict', false],
    ['a token failure wrapped by the SDK keeps its own code', { statusCode: -1, customError: new CalendarError('auth', 'bad secret') }, 'auth', false],
  ])('%s', (_title, error, code, retryable) => {
    const e = toCalendarError(error);
    expect(e.code).toBe(code);
    expect(e.retryable).toBe(retryable);
  });

  it('reads Retry-After in seconds', () => {
    expect(toCalendarError(graph(429, 'ApplicationThrottled', '12')).retryAfterMs).toBe(12_000);
  });

  // fetch's own errors as undici makes them: "fetch failed", the cause one level down.
  const fetchFailed = (cause: Record<string, unknown>) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(String(cause.message ?? 'x')), cause) });
  const calls = { url: 'https://graph.microsoft.com/v1.0/users/anna%40corp.example/calendarView?startDateTime=x', timeoutMs: 30_000 };

  it.each([
    ['a connect timeout', fetchFailed({ code: 'UND_ERR_CONNECT_TIMEOUT', message: 'Connect Timeout Error' }), 'Microsoft Graph: could not connect to graph.microsoft.com:443 in time (UND_ERR_CONNECT_TIMEOUT)'],
    ['a refused connection', fetchFailed({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.1:443', address: '10.0.0.1', port: 443 }), 'Microsoft Graph: connection refused by graph.microsoft.com:443'],
    ['a name that does not resolve', fetchFailed({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND graph.microsoft.com' }), 'Microsoft Graph: graph.microsoft.com not found (DNS: ENOTFOUND)'],
    ['a certificate not accepted', fetchFailed({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', message: 'unable to verify the first certificate' }), 'Microsoft Graph: the TLS certificate of graph.microsoft.com:443 was not accepted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)'],
    ['our own timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'Microsoft Graph: no answer from graph.microsoft.com:443 within 30 s'],
  ])('a call without an answer — %s — in plain words, still "no answer"', (_title, error, words) => {
    const e = toCalendarError(graphNoAnswer(error, calls));
    expect(e.message).toBe(words);
    expect([e.code, e.retryable]).toEqual(['no_answer', true]);
    expect(e.message).not.toContain('anna');
  });

  it('a bare answer (a gateway\'s 503 without a body) says so, without a stray " :"', () => {
    expect(toCalendarError({ statusCode: 503, code: '', message: '' }).message).toBe('Microsoft Graph 503 (no reason given)');
    expect(toCalendarError(graph(503, 'ServiceUnavailable')).message).toBe('Microsoft Graph 503 ServiceUnavailable: ServiceUnavailable');
  });

  it('an answer cut short is told so, with the kind it had', () => {
    const e = toCalendarError({ statusCode: 200, code: 'SyntaxError', message: 'Expected \',\' or \'}\' after property value in JSON at position 20' }, { timeoutMs: 30_000 });
    expect([e.code, e.message]).toEqual(['unknown', 'Microsoft Graph 200: the answer was not valid JSON (cut short?)']);
  });
});
