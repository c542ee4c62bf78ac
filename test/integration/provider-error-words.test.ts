import { describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import type { CalendarOwner } from '../../src/calendar/port.ts';
import { googleClient } from '../helpers/google-fake.ts';
import { calendarFailure, fakesStoppedAfterEach, outlookClient } from '../helpers/calendar-fakes.ts';
import { A } from '../helpers/sync-company.ts';

// What a user reads of a calendar that did not answer ("anna: calendar not read — …", `touchbase
// status`) came out in the client libraries' JavaScript words: "Microsoft Graph TypeError: fetch
// failed", "Google Calendar : The operation was aborted.", "Microsoft Graph 200 SyntaxError:
// Expected ',' …". Through the real SDK clients against the fakes (and a port nobody listens on),
// each is said in plain words, and keeps the kind it had — the sync's decisions go by that.

const owner: CalendarOwner = { employeeId: 'anna', email: A, timezone: 'Europe/Moscow' };
const FROM = '2027-01-11';
const TO = '2027-04-10';

const { google, graph } = fakesStoppedAfterEach();
const outlook = (url: string, graphBaseUrl = url) => outlookClient(url, { graphBaseUrl, timeoutMs: 500 });

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

describe('Google Calendar without an answer, in plain words', () => {
  it('a timeout: "no answer within … s (GOOGLE_TIMEOUT_MS)", not "The operation was aborted."', async () => {
    const { fake, url } = await google();
    fake.script({ kind: 'stall', ms: 2_000 }, { method: 'GET' });
    const e = await calendarFailure(googleClient(url, { timeoutMs: 300 }).listTagged(owner, FROM, TO));
    expect(e.message).toBe(`Google Calendar: no answer from ${new URL(url).host} within 0.3 s (GOOGLE_TIMEOUT_MS)`);
    // Of the kind Graph's timeout is (it was 'unknown', counted as google:unknown): retried, a write's outcome unknown.
    expect([e.code, e.retryable, e.outcomeUnknown]).toEqual(['no_answer', true, true]);
  });

  it('a token endpoint that does not answer in time: the same words and kind, said of the token endpoint, the calendar\'s as a whole', async () => {
    const { fake, url } = await google();
    fake.tokenStallMs = 2_000;
    const e = await calendarFailure(googleClient(url, { timeoutMs: 300 }).listTagged(owner, FROM, TO));
    expect(e.message).toBe(`Google's token endpoint (GOOGLE_TOKEN_URL): no answer from ${new URL(url).host} within 0.3 s (GOOGLE_TIMEOUT_MS)`);
    expect([e.code, e.retryable, e.outcomeUnknown, e.wholeCalendar]).toEqual(['no_answer', true, true, true]);
  });

  it('a token endpoint that answers 503 (Google\'s own "temporarily_unavailable"): retried later, the calendar\'s as a whole; a Calendar API failure is the event\'s', async () => {
    const { fake, url } = await google();
    fake.tokenUnavailable = true;
    const e = await calendarFailure(googleClient(url).listTagged(owner, FROM, TO));
    expect([e.code, e.retryable, e.wholeCalendar]).toEqual(['temporary', true, true]);
    expect(e.message).toMatch(/^Google's token endpoint \(GOOGLE_TOKEN_URL\) 503: /);
    fake.tokenUnavailable = false;
    fake.script({ kind: 'fail', status: 503, reason: 'backendError' }, { method: 'GET' });
    const api = await calendarFailure(googleClient(url).listTagged(owner, FROM, TO));
    expect([api.code, api.wholeCalendar]).toEqual(['temporary', false]);
  });

  it('a refused connection names the host and port, not the request\'s whole address', async () => {
    await google();
    const port = await closedPort();
    const e = await calendarFailure(googleClient(`http://127.0.0.1:${port}`).listTagged(owner, FROM, TO));
    // (The token is asked for first, there too.)
    expect(e.message).toBe(`Google's token endpoint (GOOGLE_TOKEN_URL): connection refused by 127.0.0.1:${port}`);
    expect(e.code).toBe('no_answer');
  });

  it('a dropped connection', async () => {
    const { fake, url } = await google();
    fake.script({ kind: 'drop' }, { method: 'GET' });
    const e = await calendarFailure(googleClient(url).listTagged(owner, FROM, TO));
    expect(e.message).toBe(`Google Calendar: the connection to ${new URL(url).host} was closed before an answer (ECONNRESET)`);
    expect(e.code).toBe('no_answer');
  });
});

describe('Microsoft Graph without an answer, or with a broken one, in plain words', () => {
  it('a refused connection: "connection refused by host:port", not "TypeError: fetch failed"', async () => {
    const { url } = await graph();
    const port = await closedPort();
    const e = await calendarFailure(outlook(url, `http://127.0.0.1:${port}`).listTagged(owner, FROM, TO));
    expect(e.message).toBe(`Microsoft Graph: connection refused by 127.0.0.1:${port}`);
    expect(e.code).toBe('no_answer');
  });

  it('a timeout: "no answer within … s"', async () => {
    const { fake, url } = await graph();
    fake.script({ kind: 'stall', ms: 2_000 }, { method: 'GET' });
    const e = await calendarFailure(outlook(url).listTagged(owner, FROM, TO));
    expect(e.message).toBe(`Microsoft Graph: no answer from ${new URL(url).host} within 0.5 s`);
    expect(e.code).toBe('no_answer');
  });

  it('a dropped connection', async () => {
    const { fake, url } = await graph();
    fake.script({ kind: 'drop' }, { method: 'GET' });
    const e = await calendarFailure(outlook(url).listTagged(owner, FROM, TO));
    expect(e.message).toMatch(new RegExp(`^Microsoft Graph: the connection to ${new URL(url).host} was closed before an answer \\(`));
    expect(e.code).toBe('no_answer');
  });

  it('an answer cut short: "not valid JSON (cut short?)", not "200 SyntaxError: Expected \',\' …"', async () => {
    const { fake, url } = await graph();
    fake.script({ kind: 'raw', status: 200, contentType: 'application/json', body: '{"value":[{"id":"AAMk1","subject":"Call' }, { method: 'GET' });
    const e = await calendarFailure(outlook(url).listTagged(owner, FROM, TO));
    expect(e.message).toBe('Microsoft Graph 200: the answer was not valid JSON (cut short?)');
    expect(e.code).toBe('unknown');
  });

  it('an answer without a list of events (the old "page.value is not iterable") says so', async () => {
    const { fake, url } = await graph();
    fake.script({ kind: 'raw', status: 200, contentType: 'application/json', body: '{}' }, { method: 'GET' });
    const e = await calendarFailure(outlook(url).listTagged(owner, FROM, TO));
    expect(e.message).toBe('Microsoft Graph answered the listing without events (JSON with no fields): the calendar was not read');
    expect(e.code).toBe('temporary');
  });

  it('an identity platform that refuses the connection', async () => {
    const { url } = await graph();
    const port = await closedPort();
    const e = await calendarFailure(outlookClient(url, { authorityHost: `http://127.0.0.1:${port}`, timeoutMs: 500 }).listTagged(owner, FROM, TO));
    expect(e.message).toBe(`Microsoft identity platform unreachable: connection refused by 127.0.0.1:${port}`);
    // The token's failure is every mailbox's: the sync leaves the calendar's other writes for later (reconciler.ts).
    expect([e.code, e.wholeCalendar]).toEqual(['temporary', true]);
  });
});
