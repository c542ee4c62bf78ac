import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer, readBody } from './fake-http-server.ts';

/**
 * A local Google Calendar v3 (and OAuth token endpoint) that behaves like the service in
 * everything touchbase uses: per-user stores, the same validation and error bodies, deleted
 * events kept as cancelled, 409 on a reused id, 410 on deleting twice, a per-user rate limit,
 * and scripted faults. Every request is logged.
 */

export interface FakeEvent {
  id: string;
  status: 'confirmed' | 'cancelled';
  etag: string;
  summary?: string;
  description?: string;
  start: { date?: string; dateTime?: string; timeZone?: string };
  end: { date?: string; dateTime?: string; timeZone?: string };
  reminders?: { useDefault: boolean; overrides?: { method: string; minutes: number }[] };
  extendedProperties?: { private?: Record<string, string> };
  visibility?: string;
  attendees?: unknown[];
  organizer?: { email: string; self?: boolean };
  updated: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  user: string | undefined;
  body: unknown;
  /** When it arrived, on the fake's clock (`now`). */
  at: number;
}

export type Fault =
  | { kind: 'fail'; status: number; reason: string; retryAfter?: number }
  | { kind: 'commit-then-fail'; status: number; reason: string }
  | { kind: 'drop' }
  | { kind: 'stall'; ms: number }
  /** An answer that is not Google's: a gateway's or proxy's page, an empty or cut body. */
  | { kind: 'raw'; status: number; body: string; contentType?: string };

interface ScriptedFault {
  method?: string;
  user?: string;
  path?: string;
  times: number;
  fault: Fault;
}

const ID = /^[a-v0-9]{5,1024}$/;

export class GoogleCalendarFake {
  readonly calendars = new Map<string, Map<string, FakeEvent>>();
  readonly log: LoggedRequest[] = [];
  /** The OAuth client secret the token endpoint accepts (any, unless set). */
  clientSecret: string | undefined;
  /** refresh token → user e-mail */
  readonly refreshTokens = new Map<string, string>();
  readonly revoked = new Set<string>();
  /** user → epoch ms until which their quota is exhausted */
  readonly quotaExhaustedUntil = new Map<string, number>();
  /** Requests per user per minute (per `rateWindowMs`) before 403 userRateLimitExceeded. */
  perUserPerMinute = 600;
  /** The window of the per-user limit (a minute, as Google's; shorter in tests that cannot wait minutes). */
  rateWindowMs = 60_000;
  /** Added to every answer, like a real network round trip. */
  latencyMs = 0;
  /** How long the token endpoint waits before it answers. */
  tokenStallMs = 0;
  /** The token endpoint is down: 503 with OAuth's "temporarily_unavailable" (RFC 6749 §5.2), as Google answers then. */
  tokenUnavailable = false;
  /** The fake's clock for its rate window (tests share one with the dispatcher). */
  now: () => number = () => Date.now();
  #tokens = new Map<string, { user: string; expires: number }>();
  #faults: ScriptedFault[] = [];
  #recent = new Map<string, number[]>();
  readonly #http = new FakeHttpServer();
  #seq = 0;
  /** Ids of deleted events Google has purged: gone, but still taken. */
  readonly #purged = new Set<string>();

  start(): Promise<string> {
    return this.#http.listen((req, res) => this.#handle(req, res));
  }

  stop(): Promise<void> {
    return this.#http.close();
  }

  /** Every request received so far has been handled (stalled ones have committed). */
  idle(): Promise<void> {
    return this.#http.idle();
  }

  /** Forgets every calendar, fault, rate window and log entry (a fresh service, same address and tokens). */
  reset(): void {
    this.calendars.clear();
    this.log.length = 0;
    this.revoked.clear();
    this.quotaExhaustedUntil.clear();
    this.#faults = [];
    this.#recent.clear();
    this.#purged.clear();
  }

  /** The service behaves again: no scripted fault is left. */
  clearFaults(): void {
    this.#faults = [];
  }

  /** Faults scripted and not yet used up. */
  pendingFaults(): number {
    return this.#faults.length;
  }

  /** The next `times` matching requests get this fault. */
  /** `path`: only requests whose path ends so (one event's, say). */
  script(fault: Fault, opts: { method?: string; user?: string; path?: string; times?: number } = {}): void {
    this.#faults.push({ method: opts.method, user: opts.user, path: opts.path, times: opts.times ?? 1, fault });
  }

  /** Every access token issued so far stops working (401), as when they expire. */
  expireAccessTokens(): void {
    this.#tokens.clear();
  }

  /** What the user does in their own calendar. */
  deleteAsUser(user: string, id: string): void {
    const e = this.calendars.get(user)?.get(id);
    if (e) Object.assign(e, { status: 'cancelled', etag: this.#etag(), updated: new Date().toISOString() });
  }

  /** The user restores an event from the trash (before Google purged it): live again, under its id. */
  restoreAsUser(user: string, id: string): void {
    const e = this.calendars.get(user)?.get(id);
    if (e?.status === 'cancelled') Object.assign(e, { status: 'confirmed', etag: this.#etag(), updated: new Date().toISOString() });
  }

  /** Google's own clean-up, some time after deletions: cancelled events are gone (404), their ids stay taken (409). */
  purgeDeleted(user: string): void {
    const store = this.calendars.get(user);
    if (!store) return;
    for (const [id, e] of store) {
      if (e.status !== 'cancelled') continue;
      store.delete(id);
      this.#purged.add(`${user}\u0000${id}`);
    }
  }

  moveAsUser(user: string, id: string, start: FakeEvent['start'], end: FakeEvent['end']): void {
    const e = this.calendars.get(user)?.get(id);
    if (e) Object.assign(e, { start, end, etag: this.#etag(), updated: new Date().toISOString() });
  }

  events(user: string): FakeEvent[] {
    return [...(this.calendars.get(user)?.values() ?? [])];
  }

  writes(): LoggedRequest[] {
    return this.log.filter((r) => r.method !== 'GET' && !r.path.endsWith('/token'));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, 'http://fake');
    const raw = await readBody(req);
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const query = Object.fromEntries(url.searchParams);
    if (url.pathname === '/token') {
      // A token endpoint that takes the request and answers late (or, for a client with a timeout, never).
      if (this.tokenStallMs > 0) await new Promise((r) => setTimeout(r, this.tokenStallMs));
      return this.#token(raw, res);
    }
    const user = this.#userOf(req);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return error(res, 400, 'parseError', 'Parse Error');
    }
    this.log.push({ method: req.method!, path: url.pathname, query, user, body, at: this.now() });
    if (!user) return error(res, 401, 'authError', 'Invalid Credentials');

    const fault = this.#takeFault(req.method!, user, url.pathname);
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'stall') {
      await new Promise((r) => setTimeout(r, fault.ms));
    }
    if (fault?.kind === 'fail') return error(res, fault.status, fault.reason, `scripted ${fault.reason}`, fault.retryAfter);
    if (fault?.kind === 'raw') {
      res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'text/html' });
      res.end(fault.body);
      return;
    }
    const until = this.quotaExhaustedUntil.get(user);
    if (until && until > Date.now()) return error(res, 403, 'quotaExceeded', 'Calendar usage limits exceeded.');
    if (this.#overRate(user)) return error(res, 403, 'userRateLimitExceeded', 'Rate Limit Exceeded');

    const match = /^\/calendar\/v3\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match) return error(res, 404, 'notFound', 'Not Found');
    const calendarId = decodeURIComponent(match[1]!);
    if (calendarId !== 'primary' && calendarId !== user) return error(res, 404, 'notFound', 'Not Found');
    const store = this.#store(user);
    const eventId = match[2] ? decodeURIComponent(match[2]) : undefined;

    const respond = (status: number, payload?: unknown) => {
      if (fault?.kind === 'commit-then-fail') return error(res, fault.status, fault.reason, 'Backend Error');
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };

    switch (`${req.method} ${eventId ? 'one' : 'all'}`) {
      case 'POST all': {
        const e = body as Partial<FakeEvent>;
        const invalid = validate(e);
        if (invalid) return error(res, 400, 'invalid', invalid);
        if (e.id !== undefined && !ID.test(e.id)) return error(res, 400, 'invalid', 'Invalid resource id value.');
        const id = e.id ?? `gen${++this.#seq}`;
        if (store.has(id) || this.#purged.has(`${user}\u0000${id}`)) return error(res, 409, 'duplicate', 'The requested identifier already exists.');
        // As Google: the organizer of an event written into a primary calendar is its account.
        const stored: FakeEvent = { ...(e as FakeEvent), id, status: 'confirmed', etag: this.#etag(), updated: new Date().toISOString(), organizer: { email: user, self: true } };
        store.set(id, stored);
        return respond(200, stored);
      }
      case 'GET one': {
        const e = store.get(eventId!);
        return e ? respond(200, e) : error(res, 404, 'notFound', 'Not Found');
      }
      case 'PATCH one': {
        const e = store.get(eventId!);
        if (!e) return error(res, 404, 'notFound', 'Not Found');
        if (e.status === 'cancelled') return error(res, 410, 'deleted', 'Resource has been deleted');
        const ifMatch = req.headers['if-match'];
        if (ifMatch && ifMatch !== e.etag) return error(res, 412, 'conditionNotMet', 'Precondition Failed');
        const patch = body as Partial<FakeEvent>;
        const merged: FakeEvent = { ...e, ...patch, id: e.id, etag: this.#etag(), updated: new Date().toISOString() };
        if (patch.extendedProperties?.private) {
          const priv = { ...(e.extendedProperties?.private ?? {}), ...patch.extendedProperties.private };
          for (const [k, v] of Object.entries(priv)) if (v === null) delete priv[k];
          merged.extendedProperties = { ...e.extendedProperties, private: priv };
        }
        const invalid = validate(merged);
        if (invalid) return error(res, 400, 'invalid', invalid);
        store.set(e.id, merged);
        return respond(200, merged);
      }
      case 'DELETE one': {
        const e = store.get(eventId!);
        if (!e) return error(res, 404, 'notFound', 'Not Found');
        if (e.status === 'cancelled') return error(res, 410, 'deleted', 'Resource has been deleted');
        Object.assign(e, { status: 'cancelled', etag: this.#etag(), updated: new Date().toISOString() });
        return respond(204);
      }
      case 'GET all': {
        if (query.syncToken && query.privateExtendedProperty) return error(res, 400, 'invalid', 'syncToken cannot be combined with privateExtendedProperty');
        const max = Math.min(Number(query.maxResults ?? 250), 2500);
        let items = [...store.values()].filter((e) => query.showDeleted === 'true' || e.status !== 'cancelled');
        if (query.timeMin || query.timeMax) {
          const min = query.timeMin ? Date.parse(query.timeMin) : -Infinity;
          const max = query.timeMax ? Date.parse(query.timeMax) : Infinity;
          items = items.filter((e) => {
            const s = Date.parse(e.start.dateTime ?? `${e.start.date}T00:00:00Z`);
            const en = Date.parse(e.end.dateTime ?? `${e.end.date}T00:00:00Z`);
            return en > min && s < max;
          });
        }
        if (query.privateExtendedProperty) {
          const [k, v] = query.privateExtendedProperty.split('=');
          items = items.filter((e) => e.extendedProperties?.private?.[k!] === v);
        }
        const offset = Number(query.pageToken ?? 0);
        const page = items.slice(offset, offset + max);
        // A primary calendar's summary is its account's address.
        return respond(200, { kind: 'calendar#events', summary: user, items: page, ...(offset + max < items.length ? { nextPageToken: String(offset + max) } : {}) });
      }
      default:
        return error(res, 404, 'notFound', 'Not Found');
    }
  }

  #token(raw: string, res: ServerResponse): void {
    const form = new URLSearchParams(raw);
    this.log.push({ method: 'POST', path: '/token', query: {}, user: undefined, body: Object.fromEntries(form), at: this.now() });
    if (this.tokenUnavailable) {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable' }));
      return;
    }
    let user: string | undefined;
    // An OAuth client whose secret is not the one Google knows: refused whatever the token.
    if (this.clientSecret !== undefined && form.has('client_secret') && form.get('client_secret') !== this.clientSecret) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_client', error_description: 'Unauthorized' }));
      return;
    }
    if (form.get('grant_type') === 'refresh_token') {
      const token = form.get('refresh_token') ?? '';
      if (this.revoked.has(token) || !this.refreshTokens.has(token)) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }));
        return;
      }
      user = this.refreshTokens.get(token);
    } else if (form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      const payload = JSON.parse(Buffer.from((form.get('assertion') ?? '..').split('.')[1] ?? '', 'base64url').toString() || '{}') as { sub?: string };
      user = payload.sub;
    }
    if (!user) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_request' }));
      return;
    }
    const access = `at-${++this.#seq}`;
    this.#tokens.set(access, { user, expires: Date.now() + 3600_000 });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: access, expires_in: 3600, token_type: 'Bearer' }));
  }

  #userOf(req: IncomingMessage): string | undefined {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const t = this.#tokens.get(token);
    return t && t.expires > Date.now() ? t.user : undefined;
  }

  #takeFault(method: string, user: string, path: string): Fault | undefined {
    const i = this.#faults.findIndex((f) => (!f.method || f.method === method) && (!f.user || f.user === user) && (!f.path || path.endsWith(f.path)));
    if (i < 0) return undefined;
    const f = this.#faults[i]!;
    if (--f.times <= 0) this.#faults.splice(i, 1);
    return f.fault;
  }

  #overRate(user: string): boolean {
    const now = this.now();
    const recent = (this.#recent.get(user) ?? []).filter((t) => t > now - this.rateWindowMs);
    recent.push(now);
    this.#recent.set(user, recent);
    return recent.length > this.perUserPerMinute;
  }

  #store(user: string): Map<string, FakeEvent> {
    let s = this.calendars.get(user);
    if (!s) {
      s = new Map();
      this.calendars.set(user, s);
    }
    return s;
  }

  #etag(): string {
    return `"${++this.#seq}"`;
  }
}

function validate(e: Partial<FakeEvent>): string | undefined {
  if (!e.start || !e.end) return 'Missing time.';
  const allDay = e.start.date !== undefined;
  if (allDay !== (e.end.date !== undefined)) return 'Start and end must both be dates or both be date-times.';
  if (!allDay && (!e.start.dateTime || !e.end.dateTime)) return 'Missing time.';
  if (allDay ? e.end.date! <= e.start.date! : Date.parse(e.end.dateTime!) <= Date.parse(e.start.dateTime!)) return 'The specified time range is empty.';
  // Google refuses a description much over 8,192 characters.
  if ((e.description?.length ?? 0) > 8_192) return 'The description is too long.';
  if (e.reminders) {
    if (e.reminders.useDefault && e.reminders.overrides?.length) return 'Cannot specify both default reminders and overrides at the same time.';
    if ((e.reminders.overrides?.length ?? 0) > 5) return 'Too many reminders.';
    for (const o of e.reminders.overrides ?? []) if (o.minutes < 0 || o.minutes > 40320 || !['popup', 'email'].includes(o.method)) return 'Invalid reminder.';
  }
  return undefined;
}

function error(res: ServerResponse, code: number, reason: string, message: string, retryAfter?: number): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  res.writeHead(code, headers);
  res.end(JSON.stringify({ error: { code, message, errors: [{ domain: reason === 'authError' ? 'global' : 'usageLimits', reason, message }] } }));
}
