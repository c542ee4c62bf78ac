import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { serve, type ServerType } from '@hono/node-server';

const TOKEN = /^[A-Za-z0-9_-]{32}$/;

/**
 * Serves the iCalendar feed files at /feeds/<token>.ics. The token is the only key: an
 * unknown or malformed one gets the same 404 as a missing file, so tokens cannot be probed.
 */
export function feedApp(feedDir: string): Hono {
  const app = new Hono();
  app.get('/feeds/:file', async (c) => {
    const file = c.req.param('file');
    const token = file.endsWith('.ics') ? file.slice(0, -4) : '';
    if (!TOKEN.test(token)) return c.text('not found\n', 404);
    try {
      const body = await readFile(join(feedDir, `${token}.ics`), 'utf8');
      return c.body(body, 200, { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, max-age=300' });
    } catch {
      return c.text('not found\n', 404);
    }
  });
  app.get('/healthz', (c) => c.text('ok\n'));
  return app;
}

/** Serves `app` on host:port; a port in use is said plainly. Resolves once listening. */
export function listen(app: { fetch: (request: Request) => Response | Promise<Response> }, host: string, port: number): Promise<{ server: ServerType; url: string }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
      resolve({ server, url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}` });
    });
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE'
      ? new Error(`${host}:${port} is already in use: set settings.http.port (or --port) to a free port`) : error));
  });
}

export function startFeedServer(feedDir: string, host: string, port: number): Promise<{ server: ServerType; url: string }> {
  return listen(feedApp(feedDir), host, port);
}
