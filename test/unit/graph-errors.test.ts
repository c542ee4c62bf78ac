import { describe, expect, it } from 'vitest';
import { toCalendarError } from '../../src/calendar/microsoft/graph-errors.ts';
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
});
