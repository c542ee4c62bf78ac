import { CalendarError, type CalendarErrorCode } from '../port.ts';
import { rememberSecret } from '../secret-words.ts';
import { noAnswerWords } from '../network-failure.ts';

export interface ClientCredentials {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** MS_AUTHORITY_HOST: https://login.microsoftonline.com unless behind a proxy or in tests. */
  readonly authorityHost: string;
  readonly scope: string;
  /** How long a token request may take (default 30 s): a stalled identity endpoint must not hold every Outlook calendar. */
  readonly timeoutMs?: number;
}

/**
 * App-only tokens for Microsoft Graph by the OAuth 2.0 client-credentials grant, cached until
 * five minutes before they expire. Written here rather than with @azure/msal-node because
 * MSAL refuses any authority that is not https, which rules out proxies on plain HTTP and
 * the local fake the tests need; the grant itself is one form POST.
 */
export class ClientCredentialsToken {
  readonly #c: ClientCredentials;
  #token: { value: string; expiresAt: number } | undefined;
  #pending: Promise<string> | undefined;

  constructor(credentials: ClientCredentials) {
    this.#c = credentials;
    rememberSecret(credentials.clientSecret);
  }

  /** A valid access token; concurrent callers share one request. */
  async get(now: number = Date.now()): Promise<string> {
    if (this.#token && this.#token.expiresAt - 5 * 60_000 > now) return this.#token.value;
    this.#pending ??= this.#fetch(now).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** Forget the cached token (the service said it is no longer valid). */
  invalidate(): void {
    this.#token = undefined;
  }

  async #fetch(now: number): Promise<string> {
    const url = `${this.#c.authorityHost.replace(/\/$/, '')}/${encodeURIComponent(this.#c.tenantId)}/oauth2/v2.0/token`;
    const timeoutMs = this.#c.timeoutMs ?? 30_000;
    // The whole exchange, the answer's body included, within the time.
    const signal = AbortSignal.timeout(timeoutMs);
    let res: Response;
    let data: { access_token?: string; expires_in?: number; error?: string; error_description?: string };
    try {
      res = await fetch(url, {
        method: 'POST', signal,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: this.#c.clientId, client_secret: this.#c.clientSecret, scope: this.#c.scope }),
      });
      data = (await res.json().catch((error: unknown) => {
        if (signal.aborted) throw error;
        return {};
      })) as typeof data;
    } catch (error) {
      if (signal.aborted) throw tokenFailure('no_answer', `Microsoft identity platform did not answer within ${timeoutMs / 1000} s`);
      // "fetch failed" says nothing: its cause (refused, not found, reset) does.
      throw tokenFailure('temporary', `Microsoft identity platform unreachable: ${noAnswerWords(error, { url }) ?? (error as Error).message}`);
    }
    if (res.status === 429) {
      // Throttled: not a refusal of our credentials (which would pause the employees).
      const after = Number(res.headers.get('retry-after'));
      throw tokenFailure('rate_limited', 'Microsoft identity platform: too many token requests', Number.isFinite(after) && after >= 0 && res.headers.get('retry-after') ? after * 1000 : undefined);
    }
    if (!res.ok || !data.access_token) {
      const code = res.status >= 500 || res.status === 408 ? 'temporary' : 'auth';
      // No OAuth error in the answer: not Microsoft refusing us, but something else at that address.
      if (!data.error) throw tokenFailure(code, `Microsoft identity platform: ${new URL(url).host} answered ${res.status} without a token or an OAuth error (check MS_AUTHORITY_HOST, or the proxy in front)`);
      throw tokenFailure(code, `Microsoft refused the app credentials: ${data.error ?? res.status} ${(data.error_description ?? '').split('\n')[0]} (check MS_TENANT_ID, MS_CLIENT_ID and the client secret)`.trim());
    }
    rememberSecret(data.access_token);
    this.#token = { value: data.access_token, expiresAt: now + (data.expires_in ?? 3600) * 1000 };
    return data.access_token;
  }
}

/**
 * A failure to get the token: every mailbox's calls fail the same way, so it is the calendar's as a
 * whole (CalendarError.wholeCalendar), whose other writes wait rather than each asking again.
 */
function tokenFailure(code: CalendarErrorCode, message: string, retryAfterMs?: number): CalendarError {
  return new CalendarError(code, message, retryAfterMs, true);
}
