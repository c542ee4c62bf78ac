import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import type { Clock } from '../clock.ts';
import type { DB } from '../storage/database.ts';
import { feedApp } from './feed-server.ts';
import { useLink, verifyLink, type LinkOutcome } from './action-links.ts';
import { escapeHtml, linkPage, page } from './pages.ts';

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
  /** A one-click link recorded an outcome: the calendars should follow soon. */
  readonly onOutcome: (outcome: LinkOutcome) => void;
  /** Extra API routes (issue-specific), mounted under /api behind the token. */
  readonly api?: (api: Hono) => void;
  /** Extra routes of their own (the dashboard under /dashboard), with their own sign-in. */
  readonly routes?: (app: Hono) => void;
}

/**
 * The daemon's HTTP server: feeds, health, metrics, a status page, the one-click links of
 * event descriptions, and the token-protected API.
 */
export function daemonApp(deps: DaemonAppDeps): Hono {
  const app = new Hono();
  app.route('/', feedApp(deps.feedDir));
  deps.routes?.(app);

  app.get('/readyz', async (c) => {
    const readiness = await deps.readiness().catch((error: unknown) => ({ ready: false, error: String(error) }));
    return c.json(readiness, readiness.ready ? 200 : 503);
  });

  app.get('/metrics', async (c) => c.body(await deps.metrics.text(), 200, { 'content-type': deps.metrics.contentType }));

  app.get('/status', async (c) => c.html(page('touchbase status', `<pre>${escapeHtml(JSON.stringify(await deps.status(), null, 2))}</pre>`)));

  // A GET never records anything: mail and link scanners open links before people do. The
  // page submits itself (one click for a person), and has a button where scripts are off.
  app.get('/a/:token', async (c) => {
    const claim = verifyLink(await deps.linkSecret(), c.req.param('token'));
    if (!claim) return c.html(page('Link not valid', '<p>This link is not valid. Use the links in the calendar event.</p>'), 404);
    const touch = await deps.db.selectFrom('touches').select(['title', 'status']).where('id', '=', claim.touchId).executeTakeFirst();
    if (!touch) return c.html(page('Touch not found', '<p>This touch is no longer in the plan.</p>'), 404);
    const verb = { done: 'Mark as done', skip: 'Skip', snooze: 'Snooze a week' }[claim.action];
    return c.html(page(verb, `<p>${escapeHtml(touch.title)}</p>
<form method="post" id="f"><button type="submit">${verb}</button></form>
<script>document.getElementById('f').submit()</script>`));
  });

  app.post('/a/:token', async (c) => {
    const outcome = await useLink(deps.db, await deps.linkSecret(), c.req.param('token'), deps.clock.now(), deps.zoneOf);
    if (outcome.result === 'recorded') deps.onOutcome(outcome);
    const { status, title, body } = linkPage(outcome);
    return c.html(page(title, body), status);
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
