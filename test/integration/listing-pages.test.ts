import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { CalendarOwner } from '../../src/calendar/port.ts';
import type { MicrosoftCalendar } from '../../src/calendar/microsoft/microsoft-calendar.ts';
import { CalendarGateway } from '../../src/sync/calendar-gateway.ts';
import type { GraphCalendarFake } from '../fakes/graph-calendar-fake.ts';
import { googleClient } from '../helpers/google-fake.ts';
import { calendarFailure, fakesStoppedAfterEach, outlookClient } from '../helpers/calendar-fakes.ts';
import { A } from '../helpers/sync-company.ts';

// The listing of a calendar's events follows the service's pages: a page token or link given
// again, or pages without end, must end the read (not loop for ever against the quota), and every
// further page waits for the calendar's rate limit as any call does.

const owner: CalendarOwner = { employeeId: 'anna', email: A, timezone: 'Europe/Moscow' };
const FROM = '2027-01-11';
const TO = '2027-04-10';

const fakes = fakesStoppedAfterEach();
const google = fakes.google;

async function graph(): Promise<{ fake: GraphCalendarFake; port: MicrosoftCalendar; url: string }> {
  const { fake, url } = await fakes.graph();
  return { fake, port: outlookClient(url), url };
}

const googlePage = (nextPageToken?: string) => ({
  kind: 'raw' as const, status: 200, contentType: 'application/json',
  body: JSON.stringify({ kind: 'calendar#events', items: [{ id: `e${nextPageToken ?? 'last'}`, status: 'confirmed', start: { date: '2027-01-12' }, end: { date: '2027-01-13' }, extendedProperties: { private: { syncKey: `k${nextPageToken ?? 'last'}` } } }], ...(nextPageToken ? { nextPageToken } : {}) }),
});

describe('a Google listing whose pages do not end', () => {
  it('stops at a page token given twice: the calendar is not read, and the same page is asked for once', async () => {
    const { fake, url } = await google();
    fake.script(googlePage('p0'), { method: 'GET', path: '/events', times: 50 });
    const error = await calendarFailure(googleClient(url).listTagged(owner, FROM, TO));
    expect(error.code).toBe('invalid');
    expect(error.message).toMatch(/same next page of the listing twice.*not read/);
    expect(fake.log.filter((r) => r.method === 'GET' && r.path.endsWith('/events'))).toHaveLength(2);
  });

  it('follows pages that end, each further page waiting for the calendar\'s limit through the gateway', async () => {
    const { fake, url } = await google();
    for (const token of ['p1', 'p2', undefined]) fake.script(googlePage(token), { method: 'GET', path: '/events' });
    let t = DateTime.fromISO('2027-01-11T08:00:00+03:00').toMillis();
    const waits: number[] = [];
    const gateway = new CalendarGateway({
      ports: { google: googleClient(url) }, clock: { now: () => DateTime.fromMillis(t) }, rates: { google: { limit: 2, windowMs: 60_000 } },
      sleep: async (ms) => {
        waits.push(ms);
        t += ms;
      },
    });
    const listed = await gateway.read('google', owner, (port, pace) => port.listTagged(owner, FROM, TO, pace));
    expect(listed.map((e) => e.key)).toEqual(['kp1', 'kp2', 'klast']);
    // Three calls against a limit of two a minute: the third page waited for the minute.
    expect(waits).toEqual([60_001]);
    expect(gateway.reads).toBe(3);
  });
});

describe('a Microsoft Graph listing whose pages do not end', () => {
  it('stops at a next link given twice: the calendar is not read, and the same page is asked for once', async () => {
    const { fake, port, url } = await graph();
    const page = { value: [], '@odata.nextLink': `${url}/v1.0/users/${encodeURIComponent(A)}/calendarView?$skip=10` };
    fake.script({ kind: 'raw', status: 200, body: JSON.stringify(page) }, { method: 'GET', times: 50 });
    const error = await calendarFailure(port.listTagged(owner, FROM, TO));
    expect(error.code).toBe('invalid');
    expect(error.message).toMatch(/Microsoft Graph gave the same next page of the listing twice/);
    expect(fake.log.filter((r) => r.method === 'GET' && r.path.includes('calendarView'))).toHaveLength(2);
  });

  it('says what came instead of a listing (a proxy\'s page, `{}`) rather than a script error, and the calendar is not read', async () => {
    const { fake, port } = await graph();
    fake.script({ kind: 'raw', status: 200, body: '{}' }, { method: 'GET' });
    const empty = await calendarFailure(port.listTagged(owner, FROM, TO));
    expect(empty.message).toBe('Microsoft Graph answered the listing without events (JSON with no fields): the calendar was not read');
    fake.script({ kind: 'raw', status: 200, body: '{"error_page": "sign in", "value": "none"}' }, { method: 'GET' });
    const other = await calendarFailure(port.listTagged(owner, FROM, TO));
    expect(other.message).toMatch(/without events \(JSON with fields error_page, value\)/);
  });
});

describe('a Google token endpoint that does not answer', () => {
  it('fails the call after the timeout like any other call (it held the whole sync for ever)', async () => {
    const { fake, url } = await google();
    fake.tokenStallMs = 3_000;
    const started = performance.now();
    const error = await calendarFailure(googleClient(url, { timeoutMs: 300 }).listTagged(owner, FROM, TO));
    expect(performance.now() - started).toBeLessThan(2_000);
    // Not an answer: retried later, never taken for what the calendar holds.
    expect(error.retryable).toBe(true);
    expect(fake.log.filter((r) => r.path.endsWith('/events'))).toHaveLength(0);
  });
});
