import { HTTPException } from 'hono/http-exception';
import { counted } from '../domain/english-count.ts';
import { Hono, type Context } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { NONCE, secureHeaders, type SecureHeadersVariables } from 'hono/secure-headers';
import type { Clock } from '../clock.ts';
import type { DB } from '../storage/database.ts';
import { feedApp } from './feed-server.ts';
import { peekLink, peekUndo, useLink, useUndo, verifyLink, type IsWorkday, type LinkAction } from './action-links.ts';
import type { TouchRow } from '../storage/schema.ts';
import { touchById } from '../storage/used-links.ts';
import { escapeHtml } from '../domain/html-escape.ts';
import { linkPage, noteProblem, openLinkPage, openUndoPage, page, reasonProblem, undoPage } from './pages.ts';
import { translator } from '../i18n/translator.ts';
import type { Language } from '../domain/types.ts';
import { databaseOutOfReach } from '../storage/database-errors.ts';

/** A link pressed and recorded: done, skipped, snoozed, or a done or skip undone ("undo": the touch is open again). */
export interface RecordedLink {
  readonly action: LinkAction | 'undo';
  readonly touch: TouchRow;
}

export interface Readiness {
  readonly ready: boolean;
  readonly [detail: string]: unknown;
}

export interface DaemonAppDeps {
  readonly feedDir: string;
  readonly db: DB;
  readonly clock: Clock;
  /** The API's bearer token (TOUCHBASE_API_TOKEN); without one the API answers 503. */
  readonly apiToken: string | undefined;
  readonly linkSecret: () => Promise<string>;
  readonly zoneOf: (employee: string) => string;
  /** Each employee's working days, for a snooze (loaded when first asked). */
  readonly workdays?: (() => Promise<IsWorkday>) | undefined;
  /** The company's language (settings.language): the one-click pages speak it. Default: English. */
  readonly language?: (() => Language) | undefined;
  readonly readiness: () => Promise<Readiness>;
  /** Why nothing can be recorded now (the database file deleted or replaced): every request but health answers 503. */
  readonly unavailable?: (() => string | undefined) | undefined;
  readonly status: () => Promise<unknown>;
  readonly metrics: { text(): Promise<string>; readonly contentType: string };
  /** A one-click link recorded (or undid) an outcome: the calendars should follow soon. */
  readonly onOutcome: (outcome: RecordedLink) => void;
  /** Extra API routes (issue-specific), mounted under /api behind the token. */
  readonly api?: (api: Hono) => void;
  /** Extra routes of their own (the dashboard under /dashboard), with their own sign-in. */
  readonly routes?: (app: Hono<Env>) => void;
  /** A request that failed unexpectedly: told to the daemon's log (one JSON line), not printed as a stack. */
  readonly onServerError?: ((error: Error, request: string) => void) | undefined;
}

/** The largest request body accepted: far above any form or event, far below what hurts (a 400 MB body took 1.3 GB). */
export const MAX_BODY_BYTES = 1024 * 1024;

export type Env = { Variables: SecureHeadersVariables };

/**
 * The daemon's HTTP server: feeds, health, metrics, a status page, the one-click links of
 * event descriptions, and the token-protected API. Every response carries the security
 * headers; HTML allows only its own nonce'd style and script; link pages are never cached.
 */
export function daemonApp(deps: DaemonAppDeps): Hono<Env> {
  const app = new Hono<Env>();
  const trOf = () => translator(deps.language?.() ?? 'en');
  // The dashboard sets its own headers (its scripts and styles are files of its own, not nonce'd).
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"], scriptSrc: [NONCE], styleSrc: [NONCE], formAction: ["'self'"], baseUri: ["'none'"], frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY', referrerPolicy: 'no-referrer', xContentTypeOptions: 'nosniff',
    // Served over plain HTTP on loopback by default; HSTS belongs to the TLS proxy in front.
    strictTransportSecurity: false,
  });
  app.use('*', (c, next) => (c.req.path === '/dashboard' || c.req.path.startsWith('/dashboard/') ? next() : headers(c, next)));
  // Hono's own handler printed the error's stack to standard output, many lines among the JSON ones.
  app.onError((error, c) => {
    // A refusal a middleware threw (bearerAuth's 401) is its answer, not a failure.
    if (error instanceof HTTPException) return error.getResponse();
    if (deps.onServerError) deps.onServerError(error, `${c.req.method} ${c.req.path.replace(/\/(a|u|feeds)\/[^/]+/, '/$1/…')}`);
    else console.error(error);
    const later = (error as { tryAgainLater?: unknown }).tryAgainLater;
    if (typeof later === 'string') {
      // Over its time limit, or too many waiting (daemon/event-gate.ts): what it says, and when to send again.
      c.header('Retry-After', '60');
      const message = `${later}: send it again in a minute (the same ref is recorded once)`;
      return c.req.path.startsWith('/api/') ? c.json({ error: message }, 503) : c.text(`${message}\n`, 503);
    }
    if (databaseOutOfReach(error)) {
      // Nothing was recorded, and it can be sent again: a webhook sender retries a 503, not every 500.
      // Busy (another process held it past the wait) as often as out of reach: both pass, and the log says which.
      const message = 'the database is busy or out of reach now; nothing was recorded: send it again in a minute';
      c.header('Retry-After', '60');
      return c.req.path.startsWith('/api/') ? c.json({ error: message }, 503) : c.text(`${message}\n`, 503);
    }
    return c.req.path.startsWith('/api/') ? c.json({ error: 'internal error: see the daemon\'s log' }, 500) : c.text('internal error: see the daemon\'s log\n', 500);
  });
  app.use('*', bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => {
      const message = `the request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`;
      return c.req.path.startsWith('/api/') ? c.json({ error: message }, 413) : c.text(`${message}\n`, 413);
    },
  }));
  // A click recorded into a database file nobody will read again would be a lie: refused, and said
  // why. The metrics say it themselves (touchbase_database_up 0), and the feeds are the files last
  // written, which a calendar keeps showing rather than an error.
  app.use('*', async (c, next) => {
    const path = c.req.path;
    const problem = path === '/healthz' || path === '/readyz' || path === '/metrics' || path.startsWith('/feeds/') ? undefined : deps.unavailable?.();
    if (!problem) return next();
    return path.startsWith('/api/') ? c.json({ error: problem }, 503) : c.text(`${problem}\n`, 503);
  });
  // Pages about one person's touches: never kept by a browser or a proxy.
  for (const path of ['/a/*', '/u/*', '/status']) {
    app.use(path, async (c, next) => {
      await next();
      c.header('Cache-Control', 'no-store');
    });
  }
  app.route('/', feedApp(deps.feedDir));
  deps.routes?.(app);

  app.get('/readyz', async (c) => {
    // Its error's text is for the log (the daemon's own error handling), not for anyone who asks.
    const readiness = await deps.readiness().catch(() => ({ ready: false, reasons: ['readiness could not be read (why: the log)'] }));
    return c.json(readiness, readiness.ready ? 200 : 503);
  });

  app.get('/metrics', async (c) => c.body(await deps.metrics.text(), 200, { 'content-type': deps.metrics.contentType }));

  // Anyone who reaches the daemon's public address (its links' host) reaches this page: it says
  // whether things run, not what went wrong where (errors name files, clients and employees);
  // those are /api/status's, behind the API token, and `touchbase status`'s.
  app.get('/status', async (c) => c.html(page('touchbase status', `<pre>${escapeHtml(JSON.stringify(publicStatus(await deps.status()), null, 2))}</pre>`, nonceOf(c))));

  // A GET never records anything: mail and link scanners open links before people do.
  app.get('/a/:token', async (c) => {
    const tr = trOf();
    // Forged, used already, or its touch gone or no longer open: said at once, not after a press.
    const opened = await peekLink(deps.db, await deps.linkSecret(), c.req.param('token'), deps.zoneOf, deps.workdays);
    if ('refused' in opened) {
      const { status, html } = linkPage(opened.refused, nonceOf(c), tr);
      return c.html(html, status);
    }
    return c.html(openLinkPage(opened.action, opened.touch.title, nonceOf(c), tr).html);
  });

  app.post('/a/:token', async (c) => {
    const tr = trOf();
    const token = c.req.param('token');
    const secret = await deps.linkSecret();
    const claim = verifyLink(secret, token);
    let reason: string | undefined;
    let note: string | undefined;
    const touch = claim ? await touchById(deps.db, claim.touchId) : undefined;
    const open = touch?.status === 'planned';
    if ((claim?.action === 'skip' || claim?.action === 'done') && open) {
      // The text its form sends: a skip's reason (required), a done touch's note (if any).
      const skip = claim.action === 'skip';
      // A body that could not be read (the connection dropped, a trickle cut off, a broken
      // multipart form) is no click without a note: nothing is recorded, and the person is told
      // to send it again (QA: a half-sent note was recorded as done, its text lost, the link used).
      const form = await c.req.parseBody().catch(() => undefined);
      if (!form) return c.html(openLinkPage(claim.action, touch?.title ?? '', nonceOf(c), tr, tr.t('link.formBroken')).html, 400);
      const sent = form[skip ? 'reason' : 'note'];
      const text = typeof sent === 'string' ? sent.trim() : '';
      const problem = skip ? reasonProblem(text, tr) : noteProblem(text, tr);
      if (problem) return c.html(openLinkPage(claim.action, touch?.title ?? '', nonceOf(c), tr, problem).html, 400);
      if (skip) reason = text;
      else note = text;
    }
    const outcome = await useLink(deps.db, secret, token, deps.clock.now(), deps.zoneOf, { reason, note }, deps.workdays);
    if (outcome.result === 'recorded') deps.onOutcome(outcome);
    const { status, html } = linkPage(outcome, nonceOf(c), tr);
    return c.html(html, status);
  });

  app.get('/u/:token', async (c) => {
    // A forged, expired or used undo link is refused when opened, as a one-click link is.
    const refused = await peekUndo(deps.db, await deps.linkSecret(), c.req.param('token'), deps.clock.now());
    if (refused) {
      const { status, html } = undoPage(refused, nonceOf(c), trOf());
      return c.html(html, status);
    }
    return c.html(openUndoPage(nonceOf(c), trOf()));
  });

  app.post('/u/:token', async (c) => {
    const outcome = await useUndo(deps.db, await deps.linkSecret(), c.req.param('token'), deps.clock.now());
    if (outcome.result === 'undone') deps.onOutcome({ action: 'undo', touch: outcome.touch });
    const { status, html } = undoPage(outcome, nonceOf(c), trOf());
    return c.html(html, status);
  });

  const api = new Hono();
  api.use('*', async (c, next) => {
    if (!deps.apiToken) return c.json({ error: 'the API is off: set TOUCHBASE_API_TOKEN (or TOUCHBASE_API_TOKEN_FILE) and restart' }, 503);
    // Another scheme (Basic), or "Bearer" with no token: 401 as documented, in JSON (bearerAuth answers a bare 400).
    const header = c.req.header('authorization');
    if (header !== undefined && !/^Bearer +\S+$/i.test(header)) {
      c.header('WWW-Authenticate', 'Bearer realm="touchbase"');
      return c.json({ error: 'send Authorization: Bearer <TOUCHBASE_API_TOKEN>' }, 401);
    }
    return bearerAuth({ token: deps.apiToken, noAuthenticationHeaderMessage: { error: 'send Authorization: Bearer <TOUCHBASE_API_TOKEN>' }, invalidTokenMessage: { error: 'wrong API token' } })(c, next);
  });
  api.get('/status', async (c) => c.json(await deps.status()));
  deps.api?.(api);
  // A known address with another method: 405 naming the one it takes, not 404.
  const only = (method: string) => (c: Context) => {
    c.header('Allow', method);
    return c.json({ error: `${c.req.method} is not allowed here: use ${method}` }, 405);
  };
  api.all('/status', only('GET'));
  if (deps.api) for (const path of ['/sync', '/reload', '/events']) api.all(path, only('POST'));
  // An unknown address of the API answers in JSON too, as its other errors do (not Hono's "404 Not Found" text).
  api.all('*', (c) => c.json({ error: `no such address: ${c.req.path} (the API is /api/status, /api/sync, /api/reload, /api/events)` }, 404));
  app.route('/api', api);
  return app;
}

/** The nonce secureHeaders made for this response's Content-Security-Policy. */
function nonceOf(c: Context<Env>): string {
  return c.get('secureHeadersNonce') ?? '';
}

/** What the public status page shows of the daemon's status: states and counts, no error texts, ids or addresses. */
export function publicStatus(status: unknown): unknown {
  const s = status as {
    startedAt?: string; stoppedAt?: string; configErrorCount?: number;
    jobs?: readonly { name: string; lastResult?: string | null; lastFinished?: string | null; nextRun?: string }[];
    outbox?: { pending: number; dueNow: number; failed: number; unresolved: number };
    instances?: readonly { live: boolean }[];
  };
  return {
    // Daemons sharing a database share its one record of the last start and stop: any live one
    // of their registry is running, whichever of them stopped last.
    running: s.instances?.some((i) => i.live) || (Boolean(s.startedAt) && !s.stoppedAt),
    startedAt: s.startedAt,
    configuration: (s.configErrorCount ?? 0) > 0 ? `the last change was rejected (${counted(s.configErrorCount!, 'error')}): touchbase status says which` : 'ok',
    jobs: (s.jobs ?? []).map((j) => ({ name: j.name, lastResult: j.lastResult ?? null, lastFinished: j.lastFinished ?? null, nextRun: j.nextRun ?? null })),
    calendarWrites: s.outbox,
    details: 'GET /api/status with the API token, or touchbase status',
  };
}
