import { CalendarError, type CalendarErrorCode } from '../port.ts';

interface GraphErrorLike {
  statusCode?: number;
  code?: string | null;
  message?: string;
  headers?: Headers;
}

/** Maps a Microsoft Graph failure to the codes the sync engine acts on (tested as a table). */
export function toCalendarError(error: unknown): CalendarError {
  if (error instanceof CalendarError) return error;
  // Our own failure (getting a token) comes back wrapped by the SDK as customError.
  const inner = (error as { customError?: unknown } | null)?.customError;
  if (inner instanceof CalendarError) return inner;
  const e = (error ?? {}) as GraphErrorLike;
  const status = e.statusCode && e.statusCode > 0 ? e.statusCode : undefined;
  const retryAfter = Number(e.headers?.get?.('retry-after'));
  const message = `Microsoft Graph ${status ?? ''} ${e.code ?? ''}: ${e.message ?? 'error'}`.replace(/\s+/g, ' ').trim();
  return new CalendarError(codeOf(status, e.code ?? undefined), message, Number.isFinite(retryAfter) && retryAfter >= 0 && e.headers?.get?.('retry-after') ? retryAfter * 1000 : undefined);
}

/** 404s about the mailbox, not the event: nothing can be written there until someone fixes it (pause). */
const MAILBOX_MISSING: ReadonlySet<string> = new Set(['MailboxNotEnabledForRESTAPI', 'MailboxNotSupportedForRESTAPI', 'ResourceNotFound', 'ErrorInvalidUser', 'ErrorNonExistentMailbox', 'UserNotFound']);

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
  if (status === 400) return 'invalid';
  return 'unknown';
}
