import { Client, HTTPMessageHandler, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import { DateTime } from 'luxon';
import { allDayMinutesIn } from '../all-day-reminders.ts';
import { CalendarError, type CalendarOwner, type CalendarPort, type DesiredEvent, type RemoteEvent } from '../port.ts';
import { ClientCredentialsToken, type ClientCredentials } from './client-credentials.ts';
import { graphNoAnswer, toCalendarError } from './graph-errors.ts';
import type { CallContext } from '../network-failure.ts';
import { touchKey } from '../../domain/touch-id.ts';
import { describeBody, ListingPages } from '../listing-pages.ts';
import { ianaZone } from './windows-zones.ts';

/** Our single-value extended properties (a fixed property set GUID chosen for touchbase). */
const PROPERTY_SET = '{3c5e7f2a-9b41-4d8e-a6f0-1b2c3d4e5f60}';
export const SYNC_KEY = `String ${PROPERTY_SET} Name touchbaseSyncKey`;
const CONTENT_HASH = `String ${PROPERTY_SET} Name touchbaseContentHash`;
const EXPAND = `singleValueExtendedProperties($filter=id eq '${SYNC_KEY}' or id eq '${CONTENT_HASH}')`;

export interface MicrosoftOptions {
  readonly credentials: Omit<ClientCredentials, 'scope'>;
  /** MS_GRAPH_BASE_URL: https://graph.microsoft.com unless behind a proxy or in tests. */
  readonly graphBaseUrl?: string;
  /** A call without an answer after this long is abandoned (its outcome is then unknown). */
  readonly timeoutMs?: number;
}

interface GraphEvent {
  id: string;
  '@odata.etag'?: string;
  changeKey?: string;
  isAllDay?: boolean;
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  singleValueExtendedProperties?: { id: string; value: string }[];
}

/**
 * Outlook calendars through the Microsoft Graph client, app-only. Each event carries our key
 * as an extended property: a create looks it up first and adopts what it finds, and sends
 * the touch id as transactionId as well. The middleware chain has no RetryHandler: the
 * sync engine's policy decides, and a create is never replayed blindly.
 */
export class MicrosoftCalendar implements CalendarPort {
  readonly provider = 'microsoft' as const;
  readonly #client: Client;
  readonly #token: ClientCredentialsToken;
  /** What an error without a whole answer is told with: the calls' timeout. */
  readonly #calls: CallContext;

  constructor(options: MicrosoftOptions) {
    this.#calls = { timeoutMs: options.timeoutMs ?? 30_000 };
    const token = new ClientCredentialsToken({ ...options.credentials, scope: 'https://graph.microsoft.com/.default', timeoutMs: options.timeoutMs ?? 30_000 });
    this.#token = token;
    const auth = new BearerMiddleware(token, options.timeoutMs ?? 30_000);
    auth.setNext(new HTTPMessageHandler());
    this.#client = Client.initWithMiddleware({ middleware: auth, baseUrl: options.graphBaseUrl ?? 'https://graph.microsoft.com', defaultVersion: 'v1.0' });
  }

  async create(owner: CalendarOwner, event: DesiredEvent): Promise<RemoteEvent> {
    await this.#token.get(); // a refused token is reported as it is, not wrapped by the SDK
    // Graph chooses the ids: an earlier attempt whose answer was lost is found by our tag.
    const existing = await this.#findByTag(owner, event.key);
    if (existing) return existing;
    try {
      const created = (await this.#client.api(`/users/${mailbox(owner)}/events`).post({ ...toGraph(event), transactionId: transactionId(event.key) })) as GraphEvent;
      return toRemote(created, event.key, event.contentHash);
    } catch (error) {
      const e = toCalendarError(error, this.#calls);
      if (e.code !== 'conflict') throw e;
      // The same transaction went through before (its answer was lost): adopt it.
      const again = await this.#findByTag(owner, event.key);
      if (again) return again;
      // Taken by an event that is gone (deleted since, by us or the employee): this key's
      // transaction id is spent, so the entry goes on under its next key, as on Google.
      if ((error as { code?: unknown }).code === 'ErrorDuplicateTransactionId') {
        throw new CalendarError('id_taken', `the transaction id of event ${event.key} belongs to a deleted event in the mailbox of ${owner.employeeId}`);
      }
      throw e;
    }
  }

  async update(owner: CalendarOwner, providerId: string, event: DesiredEvent, ifMatch?: string): Promise<RemoteEvent> {
    await this.#token.get(); // a refused token is reported as it is, not wrapped by the SDK
    try {
      let request = this.#client.api(`/users/${mailbox(owner)}/events/${encodeURIComponent(providerId)}`);
      if (ifMatch) request = request.header('If-Match', ifMatch);
      const updated = (await request.patch(toGraph(event))) as GraphEvent;
      return toRemote(updated, event.key, event.contentHash);
    } catch (error) {
      throw toCalendarError(error, this.#calls);
    }
  }

  async remove(owner: CalendarOwner, providerId: string): Promise<void> {
    await this.#token.get(); // a refused token is reported as it is, not wrapped by the SDK
    try {
      await this.#client.api(`/users/${mailbox(owner)}/events/${encodeURIComponent(providerId)}`).delete();
    } catch (error) {
      const e = toCalendarError(error, this.#calls);
      if (e.code !== 'not_found') throw e;
    }
  }

  async read(owner: CalendarOwner, key: string, providerId?: string): Promise<RemoteEvent | undefined> {
    await this.#token.get();
    if (!providerId) return this.#findByTag(owner, key);
    try {
      const found = (await this.#client.api(`/users/${mailbox(owner)}/events/${encodeURIComponent(providerId)}`).expand(EXPAND).get()) as GraphEvent;
      return toRemote(found, key);
    } catch (error) {
      const e = toCalendarError(error, this.#calls);
      if (e.code !== 'not_found') throw e;
    }
    // Graph forgets a deleted event (404 ErrorItemNotFound), but a regular id also changes when
    // Outlook moves the item between folders (QA: the event, still there under a new id, was taken
    // as deleted by its employee): "not there" only when our tag finds it nowhere either.
    return this.#findByTag(owner, key);
  }

  async #findByTag(owner: CalendarOwner, key: string): Promise<RemoteEvent | undefined> {
    try {
      const res = (await this.#client.api(`/users/${mailbox(owner)}/events`)
        .filter(`singleValueExtendedProperties/Any(ep: ep/id eq '${SYNC_KEY}' and ep/value eq '${key}')`)
        .expand(EXPAND).get()) as { value: GraphEvent[] };
      const found = res.value[0];
      return found ? toRemote(found, key) : undefined;
    } catch (error) {
      throw toCalendarError(error, this.#calls);
    }
  }

  async listTagged(owner: CalendarOwner, from: string, to: string, pace?: () => Promise<void>): Promise<RemoteEvent[]> {
    await this.#token.get(); // a refused token is reported as it is, not wrapped by the SDK
    const out: RemoteEvent[] = [];
    const pages = new ListingPages('Microsoft Graph', pace);
    try {
      let page = (await this.#client.api(`/users/${mailbox(owner)}/calendarView`)
        .query({ startDateTime: DateTime.fromISO(from, { zone: owner.timezone }).toUTC().toISO()!, endDateTime: DateTime.fromISO(to, { zone: owner.timezone }).plus({ days: 1 }).toUTC().toISO()! })
        .expand(EXPAND).top(500).get()) as { value: GraphEvent[]; '@odata.nextLink'?: string };
      for (;;) {
        // A listing is Graph's when it says so: `{}` or a proxy's page is not an empty calendar.
        if (!Array.isArray(page?.value)) {
          throw new CalendarError('temporary', `Microsoft Graph answered the listing without events (${describeBody(page)}): the calendar was not read`);
        }
        for (const e of page.value) {
          const key = e.singleValueExtendedProperties?.find((p) => p.id.toLowerCase() === SYNC_KEY.toLowerCase())?.value;
          if (key) out.push(toRemote(e, key));
        }
        const next = page['@odata.nextLink'];
        if (!next) break;
        await pages.next(next);
        // Followed here, through the configured base URL: the SDK takes only an https link as
        // absolute (a plain-HTTP proxy's would be read as a path), and then goes to its host,
        // around a proxy.
        page = (await this.#client.api(afterVersion(next)).get()) as typeof page;
      }
    } catch (error) {
      throw toCalendarError(error, this.#calls);
    }
    return out;
  }
}

/** Sets the app-only bearer token on every request (the SDK's own handler drops it on http). */
class BearerMiddleware implements Middleware {
  readonly #token: ClientCredentialsToken;
  readonly #timeoutMs: number;
  #next: Middleware | undefined;

  constructor(token: ClientCredentialsToken, timeoutMs: number) {
    this.#token = token;
    this.#timeoutMs = timeoutMs;
  }

  async execute(context: Context): Promise<void> {
    await this.#send(context);
    // A token the service stopped accepting (401: the request was not carried out, so it is
    // safe to send again): one retry with a fresh token.
    if (context.response?.status === 401) {
      this.#token.invalidate();
      await this.#send(context);
    }
  }

  async #send(context: Context): Promise<void> {
    context.options = context.options ?? {};
    const headers = new Headers(context.options.headers as ConstructorParameters<typeof Headers>[0]);
    headers.set('Authorization', `Bearer ${await this.#token.get()}`);
    // Times in UTC, whatever zone an event was written in (Outlook's clients write Windows names):
    // all-day events stay midnight to midnight (Graph's own rule).
    if (!headers.get('Prefer')?.includes('outlook.timezone')) headers.append('Prefer', 'outlook.timezone="UTC"');
    context.options.headers = Object.fromEntries(headers.entries());
    // The SDK has no timeout of its own: a stalled call would hold the employee's sync forever.
    context.options.signal = AbortSignal.timeout(this.#timeoutMs);
    try {
      await this.#next!.execute(context);
    } catch (error) {
      // No answer (only fetch is below): told with its cause, which the SDK's GraphError drops.
      throw graphNoAnswer(error, { url: typeof context.request === 'string' ? context.request : context.request.url, timeoutMs: this.#timeoutMs });
    }
  }

  setNext(next: Middleware): void {
    this.#next = next;
  }
}

/**
 * Graph's transactionId for a create: the touch's UUID for its first event in a mailbox, a
 * UUID derived from the key for a later generation (a new event, which Graph must not take for
 * a retry of the first).
 */
function transactionId(key: string): string {
  return /^[0-9a-f]{32}$/.test(key) ? key.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5') : touchKey(`graph-transaction:${key}`).id;
}

/** "https://graph.microsoft.com/v1.0/users/x/calendarView?…" → "/users/x/calendarView?…". */
function afterVersion(link: string): string {
  const url = new URL(link);
  return `${url.pathname.replace(/^\/[^/]+/, '')}${url.search}`;
}

function mailbox(owner: CalendarOwner): string {
  if (!owner.email) throw new CalendarError('auth', `employee ${owner.employeeId} has no e-mail: Graph needs it to find their mailbox`);
  return encodeURIComponent(owner.email);
}

const wall = (d: DateTime) => `${d.toFormat("yyyy-MM-dd'T'HH:mm:ss")}.0000000`;

function toGraph(e: DesiredEvent) {
  const start = e.allDay ? DateTime.fromISO(e.start, { zone: e.timezone }) : DateTime.fromISO(e.start, { setZone: true }).setZone(e.timezone);
  const end = e.allDay ? DateTime.fromISO(e.end, { zone: e.timezone }) : DateTime.fromISO(e.end, { setZone: true }).setZone(e.timezone);
  return {
    subject: e.title,
    body: { contentType: 'text', content: e.description },
    // Graph wants a local wall time with its zone; all-day events run midnight to midnight, end exclusive.
    start: { dateTime: wall(start), timeZone: e.timezone },
    end: { dateTime: wall(end), timeZone: e.timezone },
    isAllDay: e.allDay,
    isReminderOn: e.reminders.length > 0,
    // Outlook keeps one reminder per event: the nearest one.
    ...(e.reminders.length ? { reminderMinutesBeforeStart: e.allDay ? allDayMinutesIn(e.start, e.timezone, [Math.min(...e.reminders)])[0] : Math.min(...e.reminders) } : {}),
    sensitivity: 'private',
    showAs: e.allDay ? 'free' : 'busy',
    singleValueExtendedProperties: [{ id: SYNC_KEY, value: e.key }, { id: CONTENT_HASH, value: e.contentHash }],
  };
}

function toRemote(g: GraphEvent, key: string, contentHash?: string): RemoteEvent {
  const start = DateTime.fromISO(g.start.dateTime, { zone: ianaZone(g.start.timeZone) });
  const end = DateTime.fromISO(g.end.dateTime, { zone: ianaZone(g.end.timeZone) });
  if (!start.isValid || !end.isValid) {
    // Never a guess, and never the whole sync's failure (QA: "NOT NULL constraint failed" stopped every calendar): this one is not read.
    throw new CalendarError('temporary', `Microsoft Graph answered event ${g.id} at ${g.start.dateTime} ${g.start.timeZone} – ${g.end.dateTime} ${g.end.timeZone}, a time touchbase cannot read: the calendar was not read`);
  }
  const hash = contentHash ?? g.singleValueExtendedProperties?.find((p) => p.id.toLowerCase() === CONTENT_HASH.toLowerCase())?.value;
  return {
    key, providerId: g.id, etag: g['@odata.etag'] ?? g.changeKey, status: 'confirmed',
    start: g.isAllDay ? start.toISODate()! : start.toISO()!, end: g.isAllDay ? end.toISODate()! : end.toISO()!,
    allDay: Boolean(g.isAllDay), contentHash: hash,
  };
}

