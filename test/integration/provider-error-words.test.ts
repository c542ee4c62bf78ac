import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { CalendarError, type CalendarOwner } from '../../src/calendar/port.ts';
import { MicrosoftCalendar } from '../../src/calendar/microsoft/microsoft-calendar.ts';
import { GraphCalendarFake } from '../fakes/graph-calendar-fake.ts';
import type { GoogleCalendarFake } from '../fakes/google-calendar-fake.ts';
import { googleClient, startGoogleFake } from '../helpers/google-fake.ts';
import { A } from '../helpers/sync-company.ts';

// What a user reads of a calendar that did not answer ("anna: calendar not read — …", `touchbase
// status`) came out in the client libraries' JavaScript words: "Microsoft Graph TypeError: fetch
// failed", "Google Calendar : The operation was aborted.", "Microsoft Graph 200 SyntaxError:
// Expected ',' …". Through the real SDK clients against the fakes (and a port nobody listens on),
// each is said in plain words, and keeps the kind it had — the sync's decisions go by that.

const owner: CalendarOwner = { employeeId: 'anna', email: A, timezone: 'Europe/Moscow' };
const FROM = '2027-01-11';
const TO = '2027-04-10';

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops) await stop();
  stops = [];
});

async function google(): Promise<{ fake: GoogleCalendarFake; url: string }> {
  const started = await startGoogleFake();
  stops.push(() => started.fake.stop());
  return started;
}

async function graph(): Promise<{ fake: GraphCalendarFake; url: string }> {
  const fake = new GraphCalendarFake();
  const url = await fake.start();
  stops.push(() => fake.stop());
  return { fake, url };
}

const outlook = (url: string, graphBaseUrl = url) => new MicrosoftCalendar({
  credentials: { tenantId: 'contoso', clientId: 'client-id', clientSecret: 'client-secret', authorityHost: url }, graphBaseUrl, timeoutMs: 500,
});

/** A local port nobody listens on: a connection to it is refused. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function failure(promise: Promise<unknown>): Promise<CalendarError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(CalendarError);
  return error as CalendarError;
}

describe('Google Calendar without an answer, in plain words', () => {
  it('a timeout: "no answer within … s (GOOGLE_TIMEOUT_MS)", not "The operation was aborted."', async () => {
    const { fake, url } = await google();
    fake.script({ kind: 'stall', ms: 2_000 }, { method: 'GET' });
    const e = await failure(googleClient(url, { timeoutMs: 300 }).listTagged(owner, FROM, TO));
    expect(e.message).toBe(`Google Calendar: no answer from ${new URL(url).host} within 0.3 s (GOOGLE_TIMEOUT_MS)`);
    expect(e.code).toBe('unknown'); // as before: retried, a write's outcome unknown
  });

  it('a refused connection names the host and port, not the request\'s whole address', async () => {
    await google();
    const port = await closedPort();
    const e = await failure(googleClient(`http://127.0.0.1:${port}`).listTagged(owner, FROM, TO));
    expect(e.message).toBe(`Google Calendar: connection refused by 127.0.0.1:${port}`);
    expect(e.code).toBe('no_answer');
  });

  it('a dropped connection', async () => {
    const { fake, url } = await google();
    fake.script({ kind: 'drop' }, { method: 'GET' });
    const e = await failure(googleClient(url).listTagged(owner, FROM, TO));
    expect(e.message).toBe(`Google Calendar: the connection to ${new URL(url).host} was closed before an answer (ECONNRESET)`);
    expect(e.code).toBe('no_answer');
  });
});

describe('Microsoft Graph without an answer, or with a broken one, in plain words', () => {
  it('a refused connection: "connection refused by host:port", not "TypeError: fetch failed"', async () => {
    const { url } = await graph();
    const port = await closedPort();
    const e = await failure(outlook(url, `http://127.0.0.1:${port}`).listTagged(owner, FROM, TO));
    expect(e.message).toBe(`Microsoft Graph: connection refused by 127.0.0.1:${port}`);
    expect(e.code).toBe('no_answer');
  });

  it('a timeout: "no answer within … s"', async () => {
    const { fake, url } = await graph();
    fake.script({ kind: 'stall', ms: 2_000 }, { method: 'GET' });
    const e = await failure(outlook(url).listTagged(owner, FROM, TO));
    expect(e.message).toBe(`Microsoft Graph: no answer from ${new URL(url).host} within 0.5 s`);
    expect(e.code).toBe('no_answer');
  });

  it('a dropped connection', async () => {
    const { fake, url } = await graph();
    fake.script({ kind: 'drop' }, { method: 'GET' });
    const e = await failure(outlook(url).listTagged(owner, FROM, TO));
    expect(e.message).toMatch(new RegExp(`^Microsoft Graph: the connection to ${new URL(url).host} was closed before an answer \\(`));
    expect(e.code).toBe('no_answer');
  });

  it('an answer cut short: "not valid JSON (cut short?)", not "200 SyntaxError: Expected \',\' …"', async () => {
    const { fake, url } = await graph();
    fake.script({ kind: 'raw', status: 200, contentType: 'application/json', body: '{"value":[{"id":"AAMk1","subject":"Call' }, { method: 'GET' });
    const e = await failure(outlook(url).listTagged(owner, FROM, TO));
    expect(e.message).toBe('Microsoft Graph 200: the answer was not valid JSON (cut short?)');
    expect(e.code).toBe('unknown');
  });

  it('an answer without a list of events (the old "page.value is not iterable") says so', async () => {
    const { fake, url } = await graph();
    fake.script({ kind: 'raw', status: 200, contentType: 'application/json', body: '{}' }, { method: 'GET' });
    const e = await failure(outlook(url).listTagged(owner, FROM, TO));
    expect(e.message).toBe('Microsoft Graph answered the listing without events (JSON with no fields): the calendar was not read');
    expect(e.code).toBe('temporary');
  });

  it('an identity platform that refuses the connection', async () => {
    const { url } = await graph();
    const port = await closedPort();
    const e = await failure(new MicrosoftCalendar({
      credentials: { tenantId: 'contoso', clientId: 'client-id', clientSecret: 'client-secret', authorityHost: `http://127.0.0.1:${port}` }, graphBaseUrl: url, timeoutMs: 500,
    }).listTagged(owner, FROM, TO));
    expect(e.message).toBe(`Microsoft identity platform unreachable: connection refused by 127.0.0.1:${port}`);
    expect(e.code).toBe('temporary');
  });
});
