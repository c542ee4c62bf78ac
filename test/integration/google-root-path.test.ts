import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GoogleCalendar } from '../../src/calendar/google/google-calendar.ts';
import type { GoogleCalendarFake } from '../fakes/google-calendar-fake.ts';
import { startGoogleFake } from '../helpers/google-fake.ts';
import { A } from '../helpers/sync-company.ts';

/*
 * GOOGLE_API_ROOT_URL with a path: a proxy mounted at /egress/google/ that passes on only what
 * comes under it (QA: the client library dropped the path, and the calls went to /calendar/v3/…).
 */
let fake: GoogleCalendarFake;
let url: string;
let proxy: Server;
let proxied: string;
const seen: string[] = [];

beforeAll(async () => {
  ({ fake, url } = await startGoogleFake());
  const target = new URL(url);
  proxy = createServer((req, res) => {
    seen.push(req.url ?? '');
    if (!req.url?.startsWith('/egress/google/')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such route on the proxy');
      return;
    }
    const onward = request({ host: target.hostname, port: target.port, method: req.method, path: req.url.slice('/egress/google'.length), headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(onward);
  });
  await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
  proxied = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/egress/google/`;
});

afterAll(async () => {
  await new Promise((done) => proxy.close(done));
  await fake.stop();
});

describe('GOOGLE_API_ROOT_URL with a path', () => {
  it('sends every call under that path', async () => {
    const google = new GoogleCalendar({
      auth: { kind: 'oauth', clientId: 'cid', clientSecret: 'secret', refreshTokens: new Map([[A, 'rt-anna']]) }, rootUrl: proxied, tokenUrl: `${url}/token`, timeoutMs: 5000,
    });
    const owner = { employeeId: 'anna', email: A, timezone: 'Europe/Moscow' };
    expect(await google.listTagged(owner, '2027-01-01', '2027-01-31')).toEqual([]);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((path) => path.startsWith('/egress/google/calendar/v3/'))).toBe(true);
  });
});
