import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openMigrated, type DB } from '../../src/storage/database.ts';
import { planWithHistory } from '../../src/plan-service.ts';
import { syncCalendars } from '../../src/sync/sync-calendars.ts';
import { dirtySyncRows } from '../../src/storage/calendar-sync-repository.ts';
import { claimCalendar, liveClaims, releaseClaim } from '../../src/storage/calendar-claims.ts';
import { dispatchDue } from '../../src/daemon/dispatch-pass.ts';
import type { CalendarPort } from '../../src/calendar/port.ts';
import { CalendarGateway } from '../../src/sync/calendar-gateway.ts';
import { systemClock } from '../../src/clock.ts';
import type { GoogleCalendarFake } from '../fakes/google-calendar-fake.ts';
import { googleClient, startGoogleFake } from '../helpers/google-fake.ts';
import { configOf, tempDir } from '../helpers/config-folder.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { A, B, HORIZON, NOW, syncCompany } from '../helpers/sync-company.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';

let fake: GoogleCalendarFake;
let url: string;
const open: DB[] = [];
beforeEach(async () => {
  ({ fake, url } = await startGoogleFake());
});
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
  await fake.stop();
});

/** Two daemons' connections on one database, the plan recorded. */
async function setup() {
  const file = await tempDatabaseLocation();
  const a = await openMigrated(file);
  const b = await openMigrated(file);
  open.push(a, b);
  const config = configOf(syncCompany('google', { clients: 6 }));
  const clock = new ManualClock(NOW);
  await planWithHistory(a, config, HORIZON, clock.now(), true);
  return { a, b, config, clock };
}

const TTL = 60_000;
const creates = (user: string) => fake.log.filter((r) => r.method === 'POST' && r.user === user && r.path.endsWith('/events'));
const anna = { employeeId: 'anna', provider: 'google' };
const boris = { employeeId: 'boris', provider: 'google' };

describe('calendars claimed by the daemon that works them', () => {
  it('a calendar another live daemon holds is left to it: its rows wait; once it lets go, a dispatch pass works them', async () => {
    const { a, b, config, clock } = await setup();
    const nowIso = clock.now().toUTC().toISO()!;
    expect(await claimCalendar(b, boris, 'B', nowIso, clock.now().plus({ milliseconds: TTL }).toUTC().toISO()!)).toBe(true);
    const report = await syncCalendars(a, config, clock, { feedDir: tempDir(), ports: { google: googleClient(url) }, dispatch: { claims: { holder: 'A', ttlMs: TTL } } });
    expect(report.dispatched).toMatchObject({ elsewhere: 1, fenced: 0 });
    expect(creates(B)).toEqual([]);
    expect(creates(A).length).toBeGreaterThan(0);
    expect((await dirtySyncRows(a, 'boris')).length).toBeGreaterThan(0);
    expect(await dirtySyncRows(a, 'anna')).toEqual([]);
    // A let go of Anna's calendar when it was done; B's claim is B's.
    expect((await liveClaims(a, nowIso)).map((c) => [c.employee_id, c.holder])).toEqual([['boris', 'B']]);

    // B stops without working it (its claim released): A's next dispatch pass works out Boris's
    // events again (the sync that computed them is over) and writes them.
    await releaseClaim(b, boris, 'B');
    const { result, calendars } = await dispatchDue({ db: a, config, clock, feedDir: tempDir(), ports: { google: googleClient(url) }, signal: new AbortController().signal }, { holder: 'A', claimTtlMs: TTL });
    expect(calendars).toBe(1);
    expect(result.done).toBe(creates(B).length);
    expect(await dirtySyncRows(a, 'boris')).toEqual([]);
    expect(await liveClaims(a, nowIso)).toEqual([]);
    const ids = creates(B).map((r) => (r.body as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a daemon whose claim ran out while it paused makes no further write to that calendar (fencing)', async () => {
    const { a, b, config, clock } = await setup();
    const real = googleClient(url);
    let taken = false;
    // After Anna's second create, A stalls past its lease (a long pause, a machine asleep) and B takes her calendar over.
    const pausing: CalendarPort = Object.assign(Object.create(real) as CalendarPort, {
      create: async (...args: Parameters<CalendarPort['create']>) => {
        const created = await real.create(...args);
        if (args[0].employeeId === 'anna' && creates(A).length === 2 && !taken) {
          clock.advance(TTL + 1_000);
          taken = await claimCalendar(b, anna, 'B', clock.now().toUTC().toISO()!, clock.now().plus({ milliseconds: TTL }).toUTC().toISO()!);
        }
        return created;
      },
    });
    const report = await syncCalendars(a, config, clock, {
      feedDir: tempDir(), ports: { google: pausing }, dispatch: { claims: { holder: 'A', ttlMs: TTL }, concurrency: 1 },
    });
    expect(taken).toBe(true);
    expect(report.dispatched!.fenced).toBe(1);
    expect(creates(A)).toHaveLength(2);
    expect((await dirtySyncRows(a, 'anna')).length).toBeGreaterThan(0);
    // B's claim stands (A let go of nothing it no longer held); Boris's calendar was A's to finish.
    expect((await liveClaims(a, clock.now().toUTC().toISO()!)).map((c) => [c.employee_id, c.holder])).toEqual([['anna', 'B']]);
    expect(await dirtySyncRows(a, 'boris')).toEqual([]);
  });

  it('the claim is checked right before each call: a wait (here for the rate limit) that outlasts it sends nothing more', async () => {
    const { a, b, config, clock } = await setup();
    let sentBefore = -1;
    let takenAt = '';
    const report = await syncCalendars(a, config, clock, {
      feedDir: tempDir(), ports: { google: googleClient(url) }, readCalendars: false,
      dispatch: {
        claims: { holder: 'A', ttlMs: TTL }, concurrency: 1, perMinute: { google: 3 },
        // Anna's fourth call waits a minute for her rate limit: past A's lease, and B takes her calendar.
        sleep: async (ms) => {
          clock.advance(ms);
          if (sentBefore < 0) {
            sentBefore = creates(A).length;
            takenAt = clock.now().toUTC().toISO()!;
            expect(await claimCalendar(b, anna, 'B', takenAt, clock.now().plus({ milliseconds: TTL }).toUTC().toISO()!)).toBe(true);
          }
        },
      },
    });
    expect(sentBefore).toBe(3);
    expect(creates(A)).toHaveLength(3);
    // Boris's fourth call waits as long: nobody took his calendar, and still A stops there (its lease ran out).
    expect(creates(B)).toHaveLength(3);
    expect(report.dispatched!.fenced).toBe(2);
    // A let go of Boris's (its own, expired) and left B's claim on Anna's alone.
    expect((await liveClaims(a, takenAt)).map((c) => [c.employee_id, c.holder])).toEqual([['anna', 'B']]);
  });
});

describe('the per-user rate limit of several daemons', () => {
  it('two daemons calling one employee\'s calendar at once stay together under the limit the database keeps', async () => {
    const { a, b } = await setup();
    const rate = { limit: 12, windowMs: 2_000 };
    // The service refuses past 20 in any 2 s: our 12, with room for requests that arrive later than they left.
    fake.rateWindowMs = rate.windowMs;
    fake.perUserPerMinute = 20;
    const gateways = [a, b].map((db) => new CalendarGateway({ ports: { google: googleClient(url) }, clock: systemClock, rates: { google: rate }, sharedRates: db }));
    const owner = { employeeId: 'anna', email: A, timezone: 'Europe/Moscow' };
    await Promise.all(gateways.map(async (g) => {
      for (let i = 0; i < 20; i++) await g.read('google', owner, (port) => port.read(owner, `0000000000000000000000000000000${i % 10}`));
    }));
    const times = fake.log.filter((r) => r.user === A && r.method === 'GET').map((r) => r.at).sort((x, y) => x - y);
    // Each client asks once whether the calendar answers a listing after its first 404 (an event's 404 decides only then).
    expect(times).toHaveLength(42);
    let most = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= rate.windowMs) j++;
      most = Math.max(most, i - j + 1);
    }
    expect(most).toBeLessThanOrEqual(20);
  }, 60_000);
});
