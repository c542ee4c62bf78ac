import type { Hono } from 'hono';
import type { BusinessEvent } from '../workflows/trigger-events.ts';
import type { EventResult } from '../daemon/job-runner.ts';
import { bomOf } from '../config/decode-text.ts';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * POST /api/events: {"event": "order.shipped", "client": "stroymash", "ref": "SO-1042", "at": "…"}.
 * 201 with the new touches, 200 when the same event (name, client, ref) came before, 422 for an
 * unknown event or client (or a ref a title cannot show), 400 for a body that is not such an
 * object, 415 for one not in UTF-8. Mounted behind the token.
 */
export function eventsRoute(api: Hono, receive: (event: BusinessEvent) => Promise<EventResult>): void {
  api.post('/events', async (c) => {
    // JSON is UTF-8 (RFC 8259): a body said to be in another charset would be read as garbage.
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(c.req.header('content-type') ?? '')?.[1];
    if (charset && !/^utf-?8$/i.test(charset)) return c.json({ error: `expected a JSON body in UTF-8, found charset=${charset}` }, 415);
    // And a body that says nothing of its charset must be UTF-8 all the same: Windows-1251 bytes
    // read as UTF-8 would be an unknown client named with "\uFFFD", not a body in another charset.
    // A compressed body is not read (a gzip bomb past the size limit); said as what it is, not as "not UTF-8".
    const encoding = c.req.header('content-encoding')?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') return c.json({ error: `expected a JSON body as it is, found Content-Encoding: ${encoding} (send it uncompressed)` }, 415);
    let text: string;
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    try {
      text = UTF8.decode(bytes);
    } catch {
      const utf16 = bomOf(bytes)?.startsWith('utf-16');
      return c.json({ error: `expected a JSON body in UTF-8, found ${utf16 ? 'UTF-16 (a byte-order mark)' : 'bytes that are not UTF-8 (Windows-1251?)'}` }, 415);
    }
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    const problem = eventProblem(body);
    if (problem) return c.json({ error: problem }, 400);
    const result = await receive({ name: String(body!.event), client: String(body!.client), ref: body!.ref as string | undefined, at: body!.at as string | undefined });
    if (!result.ok) return c.json({ error: result.error }, 422);
    return c.json({ created: result.outcome.created, ref: result.outcome.ref, touches: result.outcome.touchIds }, result.outcome.created ? 201 : 200);
  });
}

/** What is wrong with a POST /api/events body, or undefined. */
function eventProblem(body: Record<string, unknown> | undefined): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'expected a JSON object like {"event": "order.shipped", "client": "stroymash", "ref": "SO-1042"}';
  for (const field of ['event', 'client'] as const) {
    if (typeof body[field] !== 'string' || !body[field]) return `${field}: expected a non-empty string`;
  }
  for (const field of ['ref', 'at'] as const) {
    if (body[field] !== undefined && typeof body[field] !== 'string') return `${field}: expected a string`;
  }
  const unknown = Object.keys(body).filter((k) => !['event', 'client', 'ref', 'at'].includes(k));
  return unknown.length ? `unknown field ${unknown[0]}: expected only event, client, ref and at` : undefined;
}
