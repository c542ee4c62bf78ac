import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GoogleCalendar } from '../../src/calendar/google/google-calendar.ts';
import { MicrosoftCalendar } from '../../src/calendar/microsoft/microsoft-calendar.ts';
import { CalendarError } from '../../src/calendar/port.ts';

/*
 * A proxy that gives a token and then answers every call with an error page listing the request
 * as "name: value" lines, bare values included (QA: the client secret, refresh tokens and access
 * tokens reached the terminal, the log and `touchbase status` that way).
 */
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

const body = (req: IncomingMessage) => new Promise<string>((done) => {
  let text = '';
  req.on('data', (c: Buffer) => (text += c.toString()));
  req.on('end', () => done(text));
});

async function echoingProxy(o: { tokenEcho: boolean }): Promise<string> {
  const server = createServer(async (req, res) => {
    const sent = await body(req);
    const lines = [...new URLSearchParams(sent)].map(([k, v]) => `${k}: ${v}`);
    const auth = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (/token/.test(req.url ?? '') && !o.tokenEcho) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'ya29.the-access-token-of-anna', token_type: 'Bearer', expires_in: 3600 }));
      return;
    }
    res.writeHead(400, { 'content-type': 'text/html' });
    res.end(`<html><body><h1>Bad gateway</h1><pre>${[...lines, `auth: ${auth}`, `raw: ${sent}`].join('\n')}</pre></body></html>`);
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const owner = { employeeId: 'anna', email: 'anna@corp.example', timezone: 'Europe/Moscow' };
const SECRETS = ['super-secret-client-XYZ', 'rt-refresh-of-anna-1', 'ya29.the-access-token-of-anna', 'ms-client-secret-QQQ'];

async function failure(call: () => Promise<unknown>): Promise<string> {
  const error = await call().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CalendarError);
  return (error as Error).message;
}

describe('a proxy\'s error page that echoes the request shows none of the secrets', () => {
  for (const tokenEcho of [true, false]) {
    it(`Google, ${tokenEcho ? 'its token endpoint echoing the form' : 'the calendar API echoing the access token'}`, async () => {
      const url = await echoingProxy({ tokenEcho });
      const google = new GoogleCalendar({
        auth: { kind: 'oauth', clientId: 'cid', clientSecret: 'super-secret-client-XYZ', refreshTokens: new Map([[owner.email, 'rt-refresh-of-anna-1']]) },
        rootUrl: `${url}/`, tokenUrl: `${url}/token`, timeoutMs: 5000,
      });
      const message = await failure(() => google.listTagged(owner, '2027-01-01', '2027-01-31'));
      expect(message).toMatch(tokenEcho ? /client_id: cid/ : /auth: \*\*\*/);
      for (const secret of SECRETS) expect(message).not.toContain(secret);
    });
  }

  it('Microsoft: the token endpoint echoing the form, then Graph echoing the access token', async () => {
    const echoing = await echoingProxy({ tokenEcho: true });
    const refused = new MicrosoftCalendar({ credentials: { tenantId: 't', clientId: 'client-id', clientSecret: 'ms-client-secret-QQQ', authorityHost: echoing }, graphBaseUrl: echoing, timeoutMs: 5000 });
    const first = await failure(() => refused.listTagged(owner, '2027-01-01', '2027-01-31'));
    for (const secret of SECRETS) expect(first).not.toContain(secret);
    const url = await echoingProxy({ tokenEcho: false });
    const graph = new MicrosoftCalendar({ credentials: { tenantId: 't', clientId: 'client-id', clientSecret: 'ms-client-secret-QQQ', authorityHost: url }, graphBaseUrl: url, timeoutMs: 5000 });
    const message = await failure(() => graph.listTagged(owner, '2027-01-01', '2027-01-31'));
    for (const secret of SECRETS) expect(message).not.toContain(secret);
  });
});
