import { Hono, type Context } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { NONCE, secureHeaders, type SecureHeadersVariables } from 'hono/secure-headers';
import type { Clock } from '../clock.ts';
import type { DB } from '../storage/database.ts';
import { feedApp } from './feed-server.ts';
import { useLink, useUndo, verifyLink, type LinkOutcome } from './action-links.ts';
import { touchById } from '../storage/used-links.ts';
import { escapeHtml, linkPage, MAX_REASON, openLinkPage, openUndoPage, page, undoPage } from './pages.ts';

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
  readonly readiness: () => Promise<Readiness>;
  readonly status: () => Promise<unknown>;
  readonly metrics: { text(): Promise<string>; readonly contentType: string };
  /** A one-click link recorded (or undid) an outcome: the calendars should follow soon. */
  readonly onOutcome: (outcome: LinkOutcome) => void;
  /** Extra API routes (issue-specific), mounted under /api behind the token. */
  readonly api?: (api: Hono) => void;
}

/** The largest request body accepted: far above any form or event, far below what hurts (a 400 MB body took 1.3 GB). */
export const MAX_BODY_BYTES = 1024 * 1024;

type Env = { Variables: SecureHeadersVariables };

/**
 * The daemon's HTTP server: feeds, health, metrics, a status page, the one-click links of
 * event descriptions, and the token-protected API. Every response carries the security
 * headers; HTML allows only its own nonce'd style and script; link pages are never cached.
 */
export function daemonApp(deps: DaemonAppDeps): Hono<Env> {
  const app = new Hono<Env>();
  app.use('*', secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"], scriptSrc: [NONCE], styleSrc: [NONCE], formAction: ["'self'"], baseUri: ["'none'"], frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY', referrerPolicy: 'no-referrer', xContentTypeOptions: 'nosniff',
    // Served over plain HTTP on loopback by default; HSTS belongs to the TLS proxy in front.
    strictTransportSecurity: false,
  }));
  app.use('*', bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => {
      const message = `the request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`;
      return c.req.path.startsWith('/api/') ? c.json({ error: message }, 413) : c.text(`${message}\n`, 413);
    },
  }));
  // Pages about one person's touches: never kept by a browser or a proxy.
  for (const path of ['/a/*', '/u/*', '/status']) {
    app.use(path, async (c, next) => {
      await next();
      c.header('Cache-Control', 'no-store');
    });
  }
  app.route('/', feedApp(deps.feedDir));

  app.get('/readyz', async (c) => {
    const readiness = await deps.readiness().catch((error: unknown) => ({ ready: false, error: String(error) }));
    return c.json(readiness, readiness.ready ? 200 : 503);
  });

  app.get('/metrics', async (c) => c.body(await deps.metrics.text(), 200, { 'content-type': deps.metrics.contentType }));

  app.get('/status', async (c) => c.html(page('touchbase status', `<pre>${escapeHtml(JSON.stringify(await deps.status(), null, 2))}</pre>`, nonceOf(c))));

  // A GET never records anything: mail and link scanners open links before people do.
  app.get('/a/:token', async (c) => {
    const claim = verifyLink(await deps.linkSecret(), c.req.param('token'));
    if (!claim) return c.html(page('Link not valid', '<p>This link is not valid. Use the links in the calendar event.</p>', nonceOf(c)), 404);
    const touch = await deps.db.selectFrom('touches').select(['title', 'status']).where('id', '=', claim.touchId).executeTakeFirst();
    if (!touch) return c.html(page('Touch not found', '<p>This touch is no longer in the plan.</p>', nonceOf(c)), 404);
    return c.html(openLinkPage(claim.action, touch.title, nonceOf(c)).html);
  });

  app.post('/a/:token', async (c) => {
    const token = c.req.param('token');
    const secret = await deps.linkSecret();
    const claim = verifyLink(secret, token);
    let reason: string | undefined;
    const touch = claim ? await touchById(deps.db, claim.touchId) : undefined;
    const open = touch?.status === 'planned';
    if (claim?.action === 'skip' && open) {
      const form = await c.req.parseBody().catch(() => ({} as Record<string, unknown>));
      reason = typeof form.reason === 'string' ? form.reason.trim() : '';
      const problem = !reason ? 'Give a reason: a skip is recorded with why it will not happen, as "touchbase skip --reason" records it.'
        : reason.length > MAX_REASON ? `The reason is ${reason.length} characters long; keep it within ${MAX_REASON}.` : undefined;
      if (problem) return c.html(openLinkPage('skip', touch?.title ?? '', nonceOf(c), problem).html, 400);
    }
    const outcome = await useLink(deps.db, secret, token, deps.clock.now(), deps.zoneOf, { reason });
    if (outcome.result === 'recorded') deps.onOutcome(outcome);
    const { status, html } = linkPage(outcome, nonceOf(c));
    return c.html(html, status);
  });

  app.get('/u/:token', (c) => c.html(openUndoPage(nonceOf(c))));

  app.post('/u/:token', async (c) => {
    const outcome = await useUndo(deps.db, await deps.linkSecret(), c.req.param('token'), deps.clock.now());
    if (outcome.result === 'undone') deps.onOutcome({ result: 'recorded', action: outcome.was === 'done' ? 'done' : 'skip', touch: outcome.touch });
    const { status, html } = undoPage(outcome, nonceOf(c));
    return c.html(html, status);
  });

  const api = new Hono();
  api.use('*', async (c, next) => {
    if (!deps.apiToken) return c.json({ error: 'the API is off: set TOUCHBASE_API_TOKEN (or TOUCHBASE_API_TOKEN_FILE) and restart' }, 503);
    return bearerAuth({ token: deps.apiToken, noAuthenticationHeaderMessage: { error: 'send Authorization: Bearer <TOUCHBASE_API_TOKEN>' }, invalidTokenMessage: { error: 'wrong API token' } })(c, next);
  });
  api.get('/status', async (c) => c.json(await deps.status()));
  deps.api?.(api);
  app.route('/api', api);
  return app;
}

/** The nonce secureHeaders made for this response's Content-Security-Policy. */
function nonceOf(c: Context<Env>): string {
  return c.get('secureHeadersNonce') ?? '';
}
