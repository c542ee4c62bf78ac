import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { etag } from 'hono/etag';
import { secureHeaders } from 'hono/secure-headers';
import { serve, type ServerType } from '@hono/node-server';

const TOKEN = /^[A-Za-z0-9_-]{32}$/;

/**
 * Serves the iCalendar feed files at /feeds/<token>.ics. The token is the only key: an
 * unknown or malformed one gets the same 404 as a missing file, so tokens cannot be probed.
 */
export function feedApp(feedDir: string): Hono {
  const app = new Hono();
  // Calendar apps poll every feed every few minutes to hours, most often for nothing new: they
  // are answered 304 by the ETag (a digest of the file) or by Last-Modified, and a changed feed
  // goes gzipped to those that take it (a feed of a few hundred events is ~10x smaller).
  // The ETag is weak because a gzipped body is another byte sequence of the same feed.
  app.use('/feeds/*', compress(), etag({ weak: true }));
  app.get('/feeds/:file', async (c) => {
    const file = c.req.param('file');
    const token = file.endsWith('.ics') ? file.slice(0, -4) : '';
    if (!TOKEN.test(token)) return c.text('not found\n', 404);
    const path = join(feedDir, `${token}.ics`);
    let body: string;
    let modified: Date;
    try {
      // stat before read: a feed rewritten in between then looks older than it is and is fetched
      // again next time, never newer than what was served (which would hide the rewrite).
      modified = (await stat(path)).mtime;
      body = await readFile(path, 'utf8');
    } catch {
      return c.text('not found\n', 404);
    }
    const lastModified = new Date(Math.floor(modified.getTime() / 1000) * 1000);
    const headers = { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, max-age=300', 'last-modified': lastModified.toUTCString() };
    if (notModifiedSince(c.req.header('if-modified-since'), c.req.header('if-none-match'), lastModified)) {
      return c.body(null, 304, { 'cache-control': headers['cache-control'], 'last-modified': headers['last-modified'] });
    }
    // Its length, which HEAD carries too (a subscriber's check before fetching); compress() drops it when it gzips.
    // Vary as a GET that compress() answers says it (HEAD is not compressed: its length is the plain feed's).
    return c.body(body, 200, { ...headers, 'content-length': String(Buffer.byteLength(body)), ...(c.req.method === 'HEAD' ? { vary: 'Accept-Encoding' } : {}) });
  });
  app.get('/healthz', (c) => c.text('ok\n'));
  return app;
}

/** The one date format a server sends (RFC 9110 5.6.7, IMF-fixdate), as our Last-Modified is written. */
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * RFC 9110 13.1.3: If-Modified-Since counts only without If-None-Match (the ETag middleware
 * answers that one), and only as a date the server could have sent: one in another format
 * (`Date.parse` takes "2027", "next year" read as a far date), or later than now (a client's
 * clock ahead), is ignored, so the feed is sent rather than wrongly withheld.
 */
function notModifiedSince(ifModifiedSince: string | undefined, ifNoneMatch: string | undefined, lastModified: Date, now = Date.now()): boolean {
  if (ifNoneMatch !== undefined || ifModifiedSince === undefined || !IMF_FIXDATE.test(ifModifiedSince.trim())) return false;
  const since = Date.parse(ifModifiedSince);
  return Number.isFinite(since) && since <= now && lastModified.getTime() <= since;
}

/**
 * Limits on what one client can hold open: a request (headers and body) must arrive within
 * REQUEST_TIMEOUT_MS — a body trickled a byte every few seconds held its connection for Node's
 * default five minutes, and 1,500 such took 1,500 descriptors and 60 MB — and past
 * MAX_CONNECTIONS at once new ones are refused. Calendars fetching feeds, people opening links
 * and pages, and the API each take a connection for milliseconds; a buffering reverse proxy in
 * front (README) is the better guard still.
 */
export const REQUEST_TIMEOUT_MS = 30_000;
export const MAX_CONNECTIONS = 1_000;

/** Serves `app` on host:port; a port in use is said plainly. Resolves once listening. */
export function listen(app: { fetch: (request: Request) => Response | Promise<Response> }, host: string, port: number): Promise<{ server: ServerType; url: string }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
      resolve({ server, url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}` });
    });
    if ('requestTimeout' in server) {
      server.requestTimeout = REQUEST_TIMEOUT_MS;
      server.headersTimeout = Math.min(server.headersTimeout, REQUEST_TIMEOUT_MS);
    }
    server.maxConnections = MAX_CONNECTIONS;
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, host, port)));
  });
}

/** `touchbase feeds --serve`: the feeds alone, with the security headers the daemon's answers carry. */
export function startFeedServer(feedDir: string, host: string, port: number): Promise<{ server: ServerType; url: string }> {
  const app = new Hono();
  app.use('*', secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    xFrameOptions: 'DENY', referrerPolicy: 'no-referrer', xContentTypeOptions: 'nosniff', strictTransportSecurity: false,
  }));
  app.route('/', feedApp(feedDir));
  return listen(app, host, port);
}

/** Why the server could not listen, in the words of the setting to change (the system's otherwise). */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = 'settings.http.host (or --host): an address of this machine, like 127.0.0.1, or 0.0.0.0 for all of them';
  switch (error.code) {
    case 'EADDRINUSE': return new Error(`${host}:${port} is already in use: set settings.http.port (or --port) to a free port`);
    case 'ENOTFOUND': case 'EAI_AGAIN': case 'EAI_NONAME': return new Error(`${host}: no host of that name could be found; expected ${where}`);
    case 'EADDRNOTAVAIL': return new Error(`${host} is not an address of this machine; expected ${where}`);
    case 'EACCES': return new Error(`${host}:${port}: this user may not listen on port ${port} (ports below 1024 need more rights): set settings.http.port (or --port) to one from 1024`);
    default: return error;
  }
}
