import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer, readBody } from './fake-http-server.ts';

/**
 * A local Microsoft Graph (v1.0 calendar events) and identity token endpoint: per-mailbox
 * stores, Graph's validation and error bodies, transactionId semantics, the extended-property
 * filter, at most 4 concurrent requests per mailbox (a fifth gets 429 + Retry-After),
 * scripted faults and a request log.
 */

export interface GraphEvent {
  id: string;
  changeKey: string;
  '@odata.etag'?: string;
  iCalUId: string;
  subject?: string;
  body?: { contentType: string; content: string };
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  isAllDay?: boolean;
  isReminderOn?: boolean;
  reminderMinutesBeforeStart?: number;
  sensitivity?: string;
  attendees?: unknown[];
  transactionId?: string;
  singleValueExtendedProperties?: { id: string; value: string }[];
}

export type GraphFault =
  | { kind: 'fail'; status: number; code: string; retryAfter?: number }
  | { kind: 'commit-then-fail'; status: number; code: string }
  | { kind: 'drop' }
  /** Answers only after `ms` (past the client's timeout), and carries the request out then. */
  | { kind: 'stall'; ms: number }
  /** An answer that is not Graph's own (a proxy's page, `{}`, a page whose next link never ends). */
  | { kind: 'raw'; status: number; body: string; contentType?: string };

export class GraphCalendarFake {
  readonly mailboxes = new Map<string, Map<string, GraphEvent>>();
  readonly log: { method: string; path: string; query: Record<string, string>; mailbox?: string; body: unknown; prefer?: string }[] = [];
  readonly clients = new Map<string, string>([['client-id', 'client-secret']]);
  /** What an exact retry of a create with the same transactionId answers: undocumented, so both. */
  exactTransactionRetry: 'return-existing' | 'duplicate-error' = 'return-existing';
  /**
   * Whether a transactionId stays taken after its event is deleted (how long Graph remembers
   * one is undocumented): a create that reuses it is then 400 ErrorDuplicateTransactionId.
   */
  rememberDeletedTransactions = false;
  readonly #usedTransactions = new Set<string>();
  latencyMs = 0;
  maxConcurrentPerMailbox = 4;
  /** How many requests were refused for going over the per-mailbox concurrency. */
  throttled = 0;
  #inFlight = new Map<string, number>();
  #tokens = new Set<string>();
  #faults: { method?: string; mailbox?: string; times: number; fault: GraphFault }[] = [];
  readonly #http = new FakeHttpServer();
  #seq = 0;

  /** calendarView pages of at most this many events (Graph's own size varies), linked by @odata.nextLink. */
  pageSize: number | undefined;
  #base = '';

  async start(): Promise<string> {
    this.#base = await this.#http.listen((req, res) => this.#handle(req, res));
    return this.#base;
  }

  stop(): Promise<void> {
    return this.#http.close();
  }

  /** Every request received so far has been handled (stalled ones have committed). */
  idle(): Promise<void> {
    return this.#http.idle();
  }

  /** Forgets every mailbox, fault and log entry (a fresh service, same address and app). */
  reset(): void {
    this.mailboxes.clear();
    this.log.length = 0;
    this.#faults = [];
    this.throttled = 0;
    this.#usedTransactions.clear();
    this.pageSize = undefined;
    this.rememberDeletedTransactions = false;
  }

  /** The service behaves again: no scripted fault is left. */
  clearFaults(): void {
    this.#faults = [];
  }

  pendingFaults(): number {
    return this.#faults.length;
  }

  /** The mailbox owner moves an event in Outlook. */
  moveAsUser(mailbox: string, id: string, start: GraphEvent['start'], end: GraphEvent['end']): void {
    const e = this.mailboxes.get(mailbox.toLowerCase())?.get(id);
    if (e) Object.assign(e, { start, end, changeKey: `ck${++this.#seq}`, '@odata.etag': `W/"ck${this.#seq}"` });
  }

  script(fault: GraphFault, opts: { method?: string; mailbox?: string; times?: number } = {}): void {
    this.#faults.push({ method: opts.method, mailbox: opts.mailbox?.toLowerCase(), times: opts.times ?? 1, fault });
  }

  expireTokens(): void {
    this.#tokens.clear();
  }

  events(mailbox: string): GraphEvent[] {
    return [...(this.mailboxes.get(mailbox.toLowerCase())?.values() ?? [])];
  }

  writes() {
    return this.log.filter((r) => r.method !== 'GET' && !r.path.endsWith('/token'));
  }

  /** Outlook gives an event a new id (a regular id changes when the item moves between folders, and back). */
  changeIdAsOutlook(mailbox: string, id: string, newId: string): void {
    const store = this.mailboxes.get(mailbox.toLowerCase());
    const e = store?.get(id);
    if (!store || !e) return;
    store.delete(id);
    Object.assign(e, { id: newId, changeKey: `ck${++this.#seq}`, '@odata.etag': `W/"ck${this.#seq}"` });
    store.set(newId, e);
  }

  /**
   * The mailbox owner copies an event to another time (Outlook's copy, or an occurrence of a
   * series made of it): a new item with its own id, carrying the original's extended properties.
   */
  copyAsUser(mailbox: string, id: string, newId: string, start: GraphEvent['start'], end: GraphEvent['end']): void {
    const store = this.mailboxes.get(mailbox.toLowerCase());
    const e = store?.get(id);
    if (!store || !e) return;
    store.set(newId, { ...structuredClone(e), id: newId, start, end, changeKey: `ck${++this.#seq}`, '@odata.etag': `W/"ck${this.#seq}"` });
  }

  deleteAsUser(mailbox: string, id: string): void {
    const store = this.mailboxes.get(mailbox.toLowerCase());
    const e = store?.get(id);
    if (e) this.#trash.set(`${mailbox.toLowerCase()}\u0000${id}`, e);
    store?.delete(id);
  }

  /** The owner moves a deleted event back from Deleted Items: Outlook gives it a new id (a regular id changes with the folder). */
  restoreAsUser(mailbox: string, id: string, newId: string): void {
    const key = `${mailbox.toLowerCase()}\u0000${id}`;
    const e = this.#trash.get(key);
    if (!e) return;
    this.#trash.delete(key);
    Object.assign(e, { id: newId, changeKey: `ck${++this.#seq}`, '@odata.etag': `W/"ck${this.#seq}"` });
    this.mailboxes.get(mailbox.toLowerCase())?.set(newId, e);
  }

  readonly #trash = new Map<string, GraphEvent>();

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, 'http://fake');
    const raw = await readBody(req);
    if (url.pathname.endsWith('/oauth2/v2.0/token')) return this.#token(raw, res);
    const query = Object.fromEntries(url.searchParams);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return fail(res, 400, 'BadRequest', 'Unable to read JSON request payload.');
    }
    const m = /^\/v1\.0\/users\/([^/]+)\/(events|calendarView)(?:\/([^/]+))?$/.exec(url.pathname);
    const mailbox = m ? decodeURIComponent(m[1]!).toLowerCase() : undefined;
    this.log.push({ method: req.method!, path: url.pathname, query, mailbox, body, prefer: String(req.headers.prefer) });
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!this.#tokens.has(token)) return fail(res, 401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
    if (!m || !mailbox) return fail(res, 404, 'ResourceNotFound', 'Resource not found.');

    const inFlight = (this.#inFlight.get(mailbox) ?? 0) + 1;
    this.#inFlight.set(mailbox, inFlight);
    try {
      if (inFlight > this.maxConcurrentPerMailbox) {
        this.throttled++;
        return fail(res, 429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', 1);
      }
      if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
      const fault = this.#take(req.method!, mailbox);
      if (fault?.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'fail') return fail(res, fault.status, fault.code, `scripted ${fault.code}`, fault.retryAfter);
      if (fault?.kind === 'stall') await new Promise((r) => setTimeout(r, fault.ms));
      if (fault?.kind === 'raw') {
        res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'application/json' });
        res.end(fault.body);
        return;
      }
      const ok = (status: number, payload?: unknown) => {
        if (fault?.kind === 'commit-then-fail') return fail(res, fault.status, fault.code, 'The service is unavailable.');
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(payload === undefined ? '' : JSON.stringify(payload));
      };
      const store = this.#store(mailbox);
      const id = m[3] ? decodeURIComponent(m[3]) : undefined;
      if (m[2] === 'calendarView' && req.method === 'GET') {
        const from = Date.parse(`${query.startDateTime}`);
        const to = Date.parse(`${query.endDateTime}`);
        if (Number.isNaN(from) || Number.isNaN(to)) return fail(res, 400, 'ErrorInvalidParameter', 'startDateTime and endDateTime are required.');
        const items = [...store.values()].filter((e) => Date.parse(`${e.end.dateTime}Z`) > from && Date.parse(`${e.start.dateTime}Z`) < to);
        if (this.pageSize !== undefined) {
          // An opaque skip token in an absolute link, the rest of the query kept, as Graph writes it.
          const skip = Number(query.$skiptoken ?? 0);
          const next = new URL(`${this.#base}${url.pathname}`);
          for (const [k, v] of url.searchParams) if (k !== '$skiptoken') next.searchParams.set(k, v);
          next.searchParams.set('$skiptoken', String(skip + this.pageSize));
          const page = items.slice(skip, skip + this.pageSize);
          return ok(200, { value: page, ...(skip + this.pageSize < items.length ? { '@odata.nextLink': next.toString() } : {}) });
        }
        return ok(200, { value: items });
      }
      switch (`${req.method} ${id ? 'one' : 'all'}`) {
        case 'POST all': {
          const e = body as GraphEvent;
          const invalid = validate(e);
          if (invalid) return fail(res, 400, 'ErrorInvalidRequest', invalid);
          if (e.transactionId) {
            const same = [...store.values()].find((x) => x.transactionId === e.transactionId);
            if (same) {
              const identical = JSON.stringify({ ...e, transactionId: undefined }) === JSON.stringify({ ...pick(same, e), transactionId: undefined });
              if (!identical || this.exactTransactionRetry === 'duplicate-error') return fail(res, 400, 'ErrorDuplicateTransactionId', 'A transaction with the same id already exists.');
              return ok(201, same);
            }
            if (this.rememberDeletedTransactions && this.#usedTransactions.has(`${mailbox}\u0000${e.transactionId}`)) {
              return fail(res, 400, 'ErrorDuplicateTransactionId', 'A transaction with the same id already exists.');
            }
            this.#usedTransactions.add(`${mailbox}\u0000${e.transactionId}`);
          }
          const created: GraphEvent = { ...e, id: `AAMk${++this.#seq}`, changeKey: `ck${this.#seq}`, '@odata.etag': `W/"ck${this.#seq}"`, iCalUId: `ical-${this.#seq}` };
          store.set(created.id, created);
          return ok(201, created);
        }
        case 'GET all': {
          let items = [...store.values()];
          const filter = query.$filter;
          if (filter) {
            const f = /singleValueExtendedProperties\/Any\(ep: ep\/id eq '([^']+)' and ep\/value eq '([^']+)'\)/.exec(filter);
            if (!f) return fail(res, 400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');
            items = items.filter((e) => e.singleValueExtendedProperties?.some((p) => p.id.toLowerCase() === f[1]!.toLowerCase() && p.value === f[2]));
          }
          return ok(200, { value: items });
        }
        case 'GET one': {
          const e = store.get(id!);
          return e ? ok(200, e) : fail(res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
        }
        case 'PATCH one': {
          const e = store.get(id!);
          if (!e) return fail(res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
          const ifMatch = req.headers['if-match'];
          if (ifMatch && ifMatch !== e['@odata.etag']) return fail(res, 412, 'ErrorIrresolvableConflict', 'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.');
          const merged: GraphEvent = { ...e, ...(body as Partial<GraphEvent>), id: e.id, changeKey: `ck${++this.#seq}`, '@odata.etag': `W/"ck${this.#seq}"` };
          const invalid = validate(merged);
          if (invalid) return fail(res, 400, 'ErrorInvalidRequest', invalid);
          store.set(e.id, merged);
          return ok(200, merged);
        }
        case 'DELETE one': {
          if (!store.delete(id!)) return fail(res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
          return ok(204);
        }
        default:
          return fail(res, 405, 'ErrorInvalidRequest', 'Method not allowed.');
      }
    } finally {
      this.#inFlight.set(mailbox, (this.#inFlight.get(mailbox) ?? 1) - 1);
    }
  }

  #token(raw: string, res: ServerResponse): void {
    const form = new URLSearchParams(raw);
    this.log.push({ method: 'POST', path: '/token', query: {}, body: { grant_type: form.get('grant_type'), scope: form.get('scope'), client_id: form.get('client_id') } });
    if (form.get('grant_type') !== 'client_credentials' || this.clients.get(form.get('client_id') ?? '') !== form.get('client_secret')
      || form.get('scope') !== 'https://graph.microsoft.com/.default') {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' }));
      return;
    }
    const token = `graph-${++this.#seq}`;
    this.#tokens.add(token);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token_type: 'Bearer', expires_in: 3599, access_token: token }));
  }

  #take(method: string, mailbox: string): GraphFault | undefined {
    const i = this.#faults.findIndex((f) => (!f.method || f.method === method) && (!f.mailbox || f.mailbox === mailbox));
    if (i < 0) return undefined;
    const f = this.#faults[i]!;
    if (--f.times <= 0) this.#faults.splice(i, 1);
    return f.fault;
  }

  #store(mailbox: string): Map<string, GraphEvent> {
    let s = this.mailboxes.get(mailbox);
    if (!s) {
      s = new Map();
      this.mailboxes.set(mailbox, s);
    }
    return s;
  }
}

function pick(stored: GraphEvent, like: GraphEvent): Record<string, unknown> {
  return Object.fromEntries(Object.keys(like).map((k) => [k, (stored as unknown as Record<string, unknown>)[k]]));
}

const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?$/;

function validate(e: GraphEvent): string | undefined {
  if (!e.start?.dateTime || !e.start.timeZone || !e.end?.dateTime || !e.end.timeZone) return 'Start and end with dateTime and timeZone are required.';
  if (!LOCAL.test(e.start.dateTime) || !LOCAL.test(e.end.dateTime)) return 'dateTime must be a local time without offset.';
  if (e.end.dateTime <= e.start.dateTime && e.start.timeZone === e.end.timeZone) return 'The end must be after the start.';
  if (e.isAllDay) {
    if (!/T00:00:00(\.0+)?$/.test(e.start.dateTime) || !/T00:00:00(\.0+)?$/.test(e.end.dateTime)) return 'Your request can\'t be completed. All-day events must start and end at midnight.';
    if (e.start.timeZone !== e.end.timeZone) return 'All-day events need the same time zone at start and end.';
  }
  if (e.reminderMinutesBeforeStart !== undefined && (e.reminderMinutesBeforeStart < 0 || !Number.isInteger(e.reminderMinutesBeforeStart))) return 'Invalid reminder.';
  return undefined;
}

function fail(res: ServerResponse, status: number, code: string, message: string, retryAfter?: number): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  res.writeHead(status, headers);
  res.end(JSON.stringify({ error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': 'fake' } } }));
}
