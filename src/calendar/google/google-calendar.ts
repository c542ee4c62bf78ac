import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { JWT, OAuth2Client } from 'google-auth-library';
import { CalendarError, type CalendarOwner, type CalendarPort, type DesiredEvent, type RemoteEvent } from '../port.ts';
import { rememberSecret } from '../secret-words.ts';
import { toCalendarError } from './google-errors.ts';
import type { CallContext } from '../network-failure.ts';
import { describeBody, ListingPages } from '../listing-pages.ts';
import { DateTime } from 'luxon';
import { escapeHtmlText } from '../../domain/html-escape.ts';
import { allDayMinutesIn } from '../all-day-reminders.ts';

const SCOPE = 'https://www.googleapis.com/auth/calendar.events';
/** How long a calendar's answered listing vouches that it answers (#calendarAnswers). */
const LISTING_VOUCHES_MS = 10 * 60_000;
/** A calendar by its address (an employee whose address changed has two for a while): #listedAt's key. */
const listingKey = (owner: CalendarOwner) => owner.email ?? owner.employeeId;
/** Private extended property on every event we write: one filter lists them all. */
const TAG = 'touchbase';

/**
 * google-auth-library, with forceRefreshOnFailure, refreshes the token and sends the request again
 * on any 401 *or 403*. Google's 403 is as often its rate limit or a quota (rateLimitExceeded,
 * quotaExceeded) as a refused token: sent again at once behind a token request, it went against
 * the limit and hid it from the dispatcher's backoff and pause (retry-policy.ts). Here only a 401,
 * a token the service stopped accepting before its stated expiry, is refreshed and tried once more.
 */
function refreshOnlyOn401<C extends OAuth2Client>(client: C): C {
  type Request = (opts: unknown, reAuthRetried?: boolean) => Promise<unknown>;
  const inner = client as unknown as { requestAsync: Request };
  const request = inner.requestAsync.bind(client);
  inner.requestAsync = async (opts, reAuthRetried = false) => {
    // Only a token that was already held can have been refused (a first token fetched in this
    // request, or a refusal by the token endpoint itself, is not fetched again).
    const held = Boolean(client.credentials.access_token);
    try {
      return await request(opts, true);
    } catch (error) {
      const response = (error as { response?: { status?: number; data?: { error?: unknown } } }).response;
      if (reAuthRetried || !held || response?.status !== 401 || typeof response.data?.error === 'string') throw error;
      await client.refreshAccessToken();
      return request(opts, true);
    }
  };
  return client;
}

export type GoogleAuth =
  | { readonly kind: 'oauth'; readonly clientId: string; readonly clientSecret: string; readonly refreshTokens: ReadonlyMap<string, string> }
  | { readonly kind: 'service-account'; readonly clientEmail: string; readonly privateKey: string };

export interface GoogleOptions {
  readonly auth: GoogleAuth;
  /** GOOGLE_API_ROOT_URL: https://www.googleapis.com/ unless behind a proxy or in tests. */
  readonly rootUrl?: string;
  /** GOOGLE_TOKEN_URL: https://oauth2.googleapis.com/token unless behind a proxy or in tests. */
  readonly tokenUrl?: string;
  readonly timeoutMs?: number;
}

/**
 * Google Calendar through the official client. Each touch's event id is its key, so a
 * create whose answer was lost is found again (409 → read back and adopt). The client's own
 * retries are off: the dispatcher's policy decides.
 */
export class GoogleCalendar implements CalendarPort {
  readonly provider = 'google' as const;
  readonly #options: GoogleOptions;
  readonly #clients = new Map<string, calendar_v3.Calendar>();
  /** What an error without an answer is told with: the calls' timeout and its variable. */
  readonly #calls: CallContext;
  /** When each calendar (by address) last answered a listing, forgotten when one fails: #calendarAnswers. */
  readonly #listedAt = new Map<string, number>();

  /** The refresh tokens by lower-case address. */
  readonly #refreshTokens = new Map<string, string>();

  constructor(options: GoogleOptions) {
    this.#options = options;
    // Never quoted back from a server's answer, whatever surrounds them (secret-words.ts).
    if (options.auth.kind === 'oauth') {
      rememberSecret(options.auth.clientSecret);
      for (const token of options.auth.refreshTokens.values()) rememberSecret(token);
      // An address is the same mailbox whatever its case (A.Ivanova@Volna.example in the team, lower case in the file).
      for (const [email, token] of options.auth.refreshTokens) if (!this.#refreshTokens.has(email.toLowerCase())) this.#refreshTokens.set(email.toLowerCase(), token);
    } else rememberSecret(options.auth.privateKey);
    this.#calls = { timeoutMs: options.timeoutMs ?? 30_000, timeoutVariable: 'GOOGLE_TIMEOUT_MS' };
  }

  async create(owner: CalendarOwner, event: DesiredEvent): Promise<RemoteEvent> {
    const api = this.#api(owner);
    try {
      const res = await api.events.insert({ calendarId: 'primary', sendUpdates: 'none', requestBody: { id: event.key, ...toGoogle(event) } });
      const other = otherAccount(owner, res.data.organizer?.self ? res.data.organizer.email : undefined);
      if (other) {
        // Written into someone else's calendar: taken back at once (a client's touch is not theirs to see).
        await api.events.delete({ calendarId: 'primary', eventId: res.data.id ?? event.key, sendUpdates: 'none' }).catch(() => undefined);
        throw other;
      }
      return toRemote(res.data, event.key);
    } catch (error) {
      // (A CalendarError of our own, the other account's, comes back from toCalendarError as it is: not a conflict.)
      const e = toCalendarError(error, this.#calls);
      if (e.code !== 'conflict') throw e;
    }
    // The id exists: an earlier attempt went through (adopt it), or it is a deleted event's —
    // still listed as cancelled, or purged since (Google then answers 404 but keeps the id taken:
    // retrying the same id would get 409 for ever).
    const existing = await this.read(owner, event.key);
    if (!existing || existing.status === 'cancelled') {
      throw new CalendarError('id_taken', `event id ${event.key} belongs to a ${existing ? '' : 'purged '}deleted event in the calendar of ${owner.employeeId}`);
    }
    return existing;
  }

  async update(owner: CalendarOwner, providerId: string, event: DesiredEvent, ifMatch?: string): Promise<RemoteEvent> {
    try {
      const res = await this.#api(owner).events.patch(
        { calendarId: 'primary', eventId: providerId, sendUpdates: 'none', requestBody: toGoogle(event) },
        ifMatch ? { headers: { 'If-Match': ifMatch } } : {},
      );
      if (res.data.status === 'cancelled') throw new CalendarError('not_found', `event ${providerId} is deleted`);
      return toRemote(res.data, event.key);
    } catch (error) {
      throw toCalendarError(error, this.#calls);
    }
  }

  async remove(owner: CalendarOwner, providerId: string): Promise<void> {
    try {
      await this.#api(owner).events.delete({ calendarId: 'primary', eventId: providerId, sendUpdates: 'none' });
    } catch (error) {
      const e = toCalendarError(error, this.#calls);
      if (e.code !== 'not_found') throw e;
      await this.#calendarAnswers(owner, e); // 404 and 410 of an event of a calendar that answers: already gone
    }
  }

  async read(owner: CalendarOwner, key: string, _providerId?: string, pace?: () => Promise<void>): Promise<RemoteEvent | undefined> {
    try {
      const res = await this.#api(owner).events.get({ calendarId: 'primary', eventId: key });
      return toRemote(res.data, key);
    } catch (error) {
      const e = toCalendarError(error, this.#calls);
      if (e.code !== 'not_found') throw e;
      // 404: never existed, or deleted and purged; 410: deleted. Either way, not there — in a
      // calendar that answers.
      await this.#calendarAnswers(owner, e, pace);
      return undefined;
    }
  }

  /**
   * Google answers 404 notFound alike for an event and for a whole calendar it cannot reach (an
   * account misrouted, a calendar it lost access to): only when the calendar answers a listing
   * is the event's 404 "not there". Otherwise the call failed — never taken for the employee
   * deleting the event. One listing of one event after a 404, unless the calendar's listing
   * answered in the last minutes (a sync lists each calendar before it reads events back) and
   * has not failed since.
   */
  async #calendarAnswers(owner: CalendarOwner, eventNotFound: CalendarError, pace?: () => Promise<void>): Promise<void> {
    const key = listingKey(owner);
    const answered = this.#listedAt.get(key);
    if (answered !== undefined && Date.now() - answered < LISTING_VOUCHES_MS) return;
    let kind: string | null | undefined;
    try {
      await pace?.();
      const res = await this.#api(owner).events.list({ calendarId: 'primary', maxResults: 1, fields: 'kind,summary' });
      kind = res.data?.kind;
      const other = otherAccount(owner, res.data?.summary);
      if (other) throw other;
    } catch (error) {
      if (error instanceof CalendarError) throw error;
      this.#listedAt.delete(key);
      const e = toCalendarError(error, this.#calls);
      throw new CalendarError(e.code === 'not_found' ? 'temporary' : e.code, `${eventNotFound.message}, and the calendar itself did not answer (${e.message}): the event was not read`, e.retryAfterMs);
    }
    if (kind !== 'calendar#events') throw new CalendarError('temporary', `${eventNotFound.message}, and the calendar's listing was not Google's: the event was not read`);
    this.#listedAt.set(key, Date.now());
  }

  async listTagged(owner: CalendarOwner, from: string, to: string, pace?: () => Promise<void>): Promise<RemoteEvent[]> {
    const timeMin = DateTime.fromISO(from, { zone: owner.timezone }).toISO()!;
    const timeMax = DateTime.fromISO(to, { zone: owner.timezone }).plus({ days: 1 }).toISO()!;
    const out: RemoteEvent[] = [];
    let pageToken: string | undefined;
    const pages = new ListingPages('Google Calendar', pace);
    try {
      do {
        const res = await this.#api(owner).events.list({
          calendarId: 'primary', privateExtendedProperty: [`${TAG}=1`], showDeleted: true, singleEvents: true,
          timeMin, timeMax, maxResults: 2500, ...(pageToken ? { pageToken } : {}),
        });
        // A listing is Google's when it says so: `{}` or a proxy's page is not an empty calendar.
        if (res.data?.kind !== 'calendar#events' || !Array.isArray(res.data.items ?? [])) {
          throw new CalendarError('temporary', `Google Calendar answered the listing without events (${describeBody(res.data)}): the calendar was not read`);
        }
        const other = otherAccount(owner, res.data.summary);
        if (other) throw other;
        for (const g of res.data.items ?? []) {
          const key = g.extendedProperties?.private?.syncKey;
          if (key) out.push(toRemote(g, key));
        }
        pageToken = res.data.nextPageToken ?? undefined;
        if (pageToken) await pages.next(pageToken);
      } while (pageToken);
    } catch (error) {
      this.#listedAt.delete(listingKey(owner));
      throw toCalendarError(error, this.#calls);
    }
    this.#listedAt.set(listingKey(owner), Date.now());
    return out;
  }

  #api(owner: CalendarOwner): calendar_v3.Calendar {
    // By address, not by employee: an employee whose address changed has two calendars for a
    // while (the old one's events are deleted there), each reached with its own credentials.
    const key = `${owner.employeeId}\u0000${owner.email ?? ''}`;
    let api = this.#clients.get(key);
    if (!api) {
      api = calendar({
        version: 'v3', auth: this.#authFor(owner), retry: false, timeout: this.#options.timeoutMs ?? 30_000,
        ...(this.#options.rootUrl ? { rootUrl: this.#options.rootUrl } : {}),
      });
      this.#clients.set(key, api);
    }
    return api;
  }

  /**
   * Every request the auth client makes gets the calls' timeout, its token requests too: those
   * had none, and a token endpoint that took the connection and never answered held the sync
   * (every employee's, not only Google's) for ever.
   */
  #timed<C extends OAuth2Client>(client: C): C {
    // A default of the client's transport (gaxios): a request that sets its own timeout keeps it.
    client.transporter.defaults.timeout = this.#options.timeoutMs ?? 30_000;
    // Each access token it is given is a secret of this process's too.
    client.on('tokens', (tokens) => rememberSecret(tokens.access_token));
    return client;
  }

  /**
   * GOOGLE_API_ROOT_URL's path kept (a proxy mounted at https://egress.corp/google/): the client
   * library resolves each call's path (/calendar/v3/...) against the root as an absolute one, which
   * dropped it, and every call went to the proxy's /calendar/v3/... instead.
   */
  #underRootPath<C extends OAuth2Client>(client: C): C {
    if (!this.#options.rootUrl) return client;
    const root = new URL(this.#options.rootUrl);
    const prefix = root.pathname.replace(/\/+$/, '');
    if (!prefix) return client;
    client.transporter.interceptors.request.add({
      resolved: async (config) => {
        const url = new URL(String(config.url));
        if (url.origin === root.origin && url.pathname.startsWith('/calendar/')) {
          url.pathname = `${prefix}${url.pathname}`;
          config.url = url;
        }
        return config;
      },
    });
    return client;
  }

  #authFor(owner: CalendarOwner): OAuth2Client {
    const auth = this.#options.auth;
    if (!owner.email) throw new CalendarError('auth', `employee ${owner.employeeId} has no e-mail: Google needs it to find their calendar`);
    if (auth.kind === 'oauth') {
      const refreshToken = auth.refreshTokens.get(owner.email) ?? this.#refreshTokens.get(owner.email.toLowerCase());
      if (!refreshToken) throw new CalendarError('auth', `no Google refresh token for ${owner.email} (connect this employee)`);
      // forceRefreshOnFailure: an access token the service stopped accepting (401) is
      // refreshed and the request tried once more, even before its stated expiry.
      const client = new OAuth2Client({
        clientId: auth.clientId, clientSecret: auth.clientSecret, forceRefreshOnFailure: true,
        ...(this.#options.tokenUrl ? { endpoints: { oauth2TokenUrl: this.#options.tokenUrl } } : {}),
      });
      client.setCredentials({ refresh_token: refreshToken });
      return refreshOnlyOn401(this.#underRootPath(this.#timed(client)));
    }
    const jwt = refreshOnlyOn401(this.#underRootPath(this.#timed(new JWT({ email: auth.clientEmail, key: auth.privateKey, scopes: [SCOPE], subject: owner.email, forceRefreshOnFailure: true }))));
    const tokenUrl = this.#options.tokenUrl;
    if (tokenUrl) {
      // A JWT always posts to Google's token host; send it where GOOGLE_TOKEN_URL says.
      jwt.transporter.interceptors.request.add({
        resolved: async (config) => {
          if (String(config.url).startsWith('https://oauth2.googleapis.com/token') || String(config.url).startsWith('https://www.googleapis.com/oauth2/v4/token')) config.url = new URL(tokenUrl);
          return config;
        },
      });
    }
    return jwt;
  }
}

function toGoogle(e: DesiredEvent): calendar_v3.Schema$Event {
  return {
    summary: e.title,
    // Google shows a description as HTML: the CRM's text in it (a client named `<a href=…>`) must
    // not become a link beside touchbase's own. Escaped, it reads as written. (The summary is text.)
    description: escapeHtmlText(e.description),
    start: e.allDay ? { date: e.start } : { dateTime: e.start, timeZone: e.timezone },
    // All-day: Google's end date is exclusive, as ours is.
    end: e.allDay ? { date: e.end } : { dateTime: e.end, timeZone: e.timezone },
    reminders: { useDefault: false, overrides: (e.allDay ? allDayMinutesIn(e.start, e.timezone, e.reminders) : e.reminders).slice(0, 5).map((minutes) => ({ method: 'popup', minutes })) },
    visibility: 'private',
    transparency: e.allDay ? 'transparent' : 'opaque',
    extendedProperties: { private: { [TAG]: '1', syncKey: e.key, contentHash: e.contentHash } },
  };
}

/**
 * An answer that is not an event (an empty or cut body, a proxy's page, `{}`) is no read: taken
 * as one, its missing start became a touch with no date and failed the whole sync.
 */
function toRemote(g: calendar_v3.Schema$Event | null | undefined, key: string): RemoteEvent {
  const start = g?.start?.date ?? g?.start?.dateTime;
  const end = g?.end?.date ?? g?.end?.dateTime;
  if (!g || typeof g !== 'object' || typeof g.id !== 'string' || (g.status !== 'cancelled' && (!start || !end))) {
    throw new CalendarError('temporary', `Google Calendar answered without an event (${describeBody(g)}): the calendar was not read`);
  }
  return {
    key, providerId: g.id ?? key, etag: g.etag ?? undefined, status: g.status === 'cancelled' ? 'cancelled' : 'confirmed',
    start: g.start?.date ?? g.start?.dateTime ?? '', end: g.end?.date ?? g.end?.dateTime ?? '', allDay: Boolean(g.start?.date),
    contentHash: g.extendedProperties?.private?.contentHash ?? undefined,
  };
}

/**
 * The error for a calendar that is not the employee's: Google names a primary calendar by its
 * account's address (the listing's summary, the organizer of an event written there). A refresh
 * token of another account in GOOGLE_REFRESH_TOKENS_FILE opened a colleague's calendar, where
 * every event of this employee's was "not there" (165 touches taken as deleted by them) and
 * their client's touch was written. A name that is not an address (a renamed calendar, a fake
 * that does not say) tells nothing.
 */
function otherAccount(owner: CalendarOwner, address: string | null | undefined): CalendarError | undefined {
  if (!owner.email || !address || !address.includes('@') || address.toLowerCase() === owner.email.toLowerCase()) return undefined;
  return new CalendarError('auth', `the Google credentials of ${owner.email} open the calendar of ${address}, another account: nothing is read or written there `
    + `(give ${owner.email} its own refresh token in GOOGLE_REFRESH_TOKENS_FILE; if ${address} is the same person's main address, write that as their email)`);
}
