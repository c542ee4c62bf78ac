import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientCredentialsToken } from '../../src/calendar/microsoft/client-credentials.ts';
import { CalendarError } from '../../src/calendar/port.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A token endpoint that answers as `answer` says (or never, when it returns nothing). */
async function identity(answer: (res: import('node:http').ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    answer(res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const token = (authorityHost: string) => new ClientCredentialsToken({ tenantId: 't', clientId: 'c', clientSecret: 's', authorityHost, scope: 'x/.default', timeoutMs: 300 });

describe('Microsoft app tokens', () => {
  it('an identity endpoint that never answers is "no answer" within the time, not a wait for ever', async () => {
    const host = await identity(() => undefined);
    const started = Date.now();
    const error = await token(host).get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CalendarError);
    expect((error as CalendarError).code).toBe('no_answer');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('one that sends its headers and stalls in the body is the same', async () => {
    const host = await identity((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"access_token":');
    });
    expect(((await token(host).get().catch((e: unknown) => e)) as CalendarError).code).toBe('no_answer');
  });

  it('a 429 is throttling with its Retry-After, not refused credentials (which would pause the employees)', async () => {
    const host = await identity((res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
      res.end('{"error":"temporarily_unavailable"}');
    });
    const error = (await token(host).get().catch((e: unknown) => e)) as CalendarError;
    expect([error.code, error.retryAfterMs]).toEqual(['rate_limited', 7000]);
  });

  it('a refused secret is "auth", asked once', async () => {
    let calls = 0;
    const refused = await identity((res) => {
      calls++;
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}');
    });
    expect(((await token(refused).get().catch((e: unknown) => e)) as CalendarError).code).toBe('auth');
    expect(calls).toBe(1);
  });

  it('an address that answers without an OAuth error (a wrong MS_AUTHORITY_HOST, a proxy\'s page) is named so, not as refused credentials', async () => {
    const elsewhere = await identity((res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>Not Found</body></html>');
    });
    const error = (await token(elsewhere).get().catch((e: unknown) => e)) as CalendarError;
    expect(error.message).toBe(`Microsoft identity platform: ${new URL(elsewhere).host} answered 404 without a token or an OAuth error (check MS_AUTHORITY_HOST, or the proxy in front)`);
    expect(error.message).not.toMatch(/refused the app credentials/);
  });
});
