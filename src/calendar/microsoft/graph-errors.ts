import { GraphClientError } from '@microsoft/microsoft-graph-client';
import { CalendarError, type CalendarErrorCode } from '../port.ts';
import { noAnswerWords, type CallContext } from '../network-failure.ts';

interface GraphErrorLike {
  statusCode?: number;
  code?: string | null;
  message?: string;
  headers?: Headers;
}

/**
 * Maps a Microsoft Graph failure to the codes the sync engine acts on (tested as a table).
 * `context`: the calls' timeout, to tell an answer that did not finish in time.
 */
export function toCalendarError(error: unknown, context: CallContext = {}): CalendarError {
  if (error instanceof CalendarError) return error;
  // Our own failure (getting a token, a call without an answer: graphNoAnswer) comes back wrapped by the SDK as customError.
  const inner = (error as { customError?: unknown } | null)?.customError;
  if (inner instanceof CalendarError) return inner;
  const e = (error ?? {}) as GraphErrorLike;
  const status = e.statusCode && e.statusCode > 0 ? e.statusCode : undefined;
  const retryAfter = Number(e.headers?.get?.('retry-after'));
  return new CalendarError(codeOf(status, e.code ?? undefined), messageOf(status, e, context), Number.isFinite(retryAfter) && retryAfter >= 0 && e.headers?.get?.('retry-after') ? retryAfter * 1000 : undefined);
}

/**
 * Graph's own errors as Graph words them; what the SDK reports of its own in JavaScript's words
 * ("200 SyntaxError: Expected ',' …", "TypeError: fetch failed") in plain ones.
 */
function messageOf(status: number | undefined, e: GraphErrorLike, context: CallContext): string {
  // The SDK names an error of its own by the JavaScript error's name: Graph's codes are never these.
  if (e.code === 'SyntaxError') return `Microsoft Graph${status ? ` ${status}` : ''}: the answer was not valid JSON (cut short?)`;
  if (e.code === 'TimeoutError' || e.code === 'AbortError') {
    return `Microsoft Graph${status ? ` ${status}` : ''}: the answer did not come${context.timeoutMs !== undefined ? ` within ${context.timeoutMs / 1000} s` : ' in time'}`;
  }
  if (status === undefined && (e.code === 'TypeError' || e.code === 'Error')) return `Microsoft Graph: no answer (${e.message ?? 'the call failed'})`;
  const said = `Microsoft Graph ${status ?? ''} ${e.code ?? ''}`.replace(/\s+/g, ' ').trim();
  // A bare 503 of a gateway (no body): no stray " :" with nothing after it.
  return e.message ? `${said}: ${e.message.replace(/\s+/g, ' ').trim()}` : `${said}${status ? ' (no reason given)' : ': error'}`;
}

/**
 * A call that got no answer (refused, reset, timed out), in plain words, thrown by our middleware
 * so that the SDK passes it on as it is (as customError): its GraphError keeps only "TypeError:
 * fetch failed" and drops the cause that says what happened. Its kind is the one a call without
 * an answer always had: 'no_answer'.
 */
export function graphNoAnswer(error: unknown, context: CallContext): GraphClientError {
  const wrapped = new GraphClientError((error as Error)?.message ?? String(error));
  wrapped.customError = new CalendarError('no_answer', `Microsoft Graph: ${noAnswerWords(error, context) ?? `no answer (${(error as Error)?.message ?? String(error)})`}`);
  return wrapped;
}

/** 404s about the mailbox, not the event: nothing can be written there until someone fixes it (pause). */
const MAILBOX_MISSING: ReadonlySet<string> = new Set(['MailboxNotEnabledForRESTAPI', 'MailboxNotSupportedForRESTAPI', 'ResourceNotFound', 'ErrorInvalidUser', 'ErrorNonExistentMailbox', 'UserNotFound']);

/** The names the SDK gives a failure of its own (messageOf): Graph's error codes are never these. */
const SDK_ERROR_NAMES: ReadonlySet<string> = new Set(['SyntaxError', 'TypeError', 'Error', 'AbortError', 'TimeoutError']);

function codeOf(status: number | undefined, code: string | undefined): CalendarErrorCode {
  if (status === undefined) return 'no_answer'; // timeout, reset, refused: a write may have gone through
  if (status === 401) return 'auth';
  if (status === 403) return code === 'ErrorQuotaExceeded' ? 'quota_exhausted' : 'auth';
  // Only an item Graph says is not there is gone (the employee deleted it, or we did). A 404 of
  // the mailbox itself (unlicensed, on-premises, deprovisioned, mistyped) is no answer about the
  // event: taken as "deleted" it would skip every touch whose event could not be written.
  if (status === 404 || status === 410) return code !== undefined && /ItemNotFound$/.test(code) ? 'not_found' : MAILBOX_MISSING.has(code ?? '') ? 'auth' : 'unknown';
  if (status === 408) return 'no_answer';
  if (status === 409 || status === 412 || code === 'ErrorDuplicateTransactionId') return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'temporary';
  // Content refused is Graph's to say, with its error code; a 400 page without one (a proxy in
  // front, MS_GRAPH_BASE_URL wrong) says nothing of the event: retried, not refused for good.
  if (status === 400) return code && !SDK_ERROR_NAMES.has(code) ? 'invalid' : 'temporary';
  return 'unknown';
}
