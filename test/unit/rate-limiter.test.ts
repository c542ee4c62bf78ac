import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { SlidingWindowLimiter } from '../../src/sync/rate-limiter.ts';
import { CalendarGateway, PROJECT_RATES } from '../../src/sync/calendar-gateway.ts';
import type { CalendarPort } from '../../src/calendar/port.ts';

describe('sliding-window limiter', () => {
  it('lets `limit` calls through per window per key and makes the next one wait for the window to slide', async () => {
    let now = 1_000_000;
    const waits: number[] = [];
    const limiter = new SlidingWindowLimiter(3, 60_000, () => now, async (ms) => {
      waits.push(ms);
      now += ms;
    });
    for (let i = 0; i < 3; i++) {
      await limiter.acquire('anna');
      now += 1000;
    }
    expect(waits).toEqual([]);
    await limiter.acquire('boris');
    expect(waits).toEqual([]);
    await limiter.acquire('anna');
    // The first of Anna's three calls was at 1,000,000; she may call again a minute after it.
    expect(waits).toEqual([60_000 - 3000 + 1]);
    expect(now).toBe(1_000_000 + 60_001);
  });
});

describe('a provider\'s project-wide limit', () => {
  it('holds all employees\' calls together under it, on top of each one\'s own', async () => {
    let now = 1_000_000;
    const waits: number[] = [];
    const port = { provider: 'google' } as unknown as CalendarPort;
    const gateway = new CalendarGateway({
      ports: { google: port }, clock: { now: () => DateTime.fromMillis(now) }, perMinute: { google: 100 },
      projectRates: { google: { limit: 4, windowMs: 60_000 } },
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    const owner = (employeeId: string) => ({ employeeId, email: `${employeeId}@x.example`, timezone: 'Europe/Moscow' });
    for (const who of ['anna', 'boris', 'clara', 'dan']) await gateway.write('google', owner(who), async () => undefined);
    expect(waits).toEqual([]);
    // A fifth person's first call waits for the project's minute, though their own budget is whole.
    await gateway.read('google', owner('eve'), async () => undefined);
    expect(waits).toEqual([60_001]);
    expect(PROJECT_RATES.google).toEqual({ limit: 9_000, windowMs: 60_000 });
  });
});

describe('limits under a fixed "now" (`once --now …`)', () => {
  it('count real time when the waits are real: the call past the limit waits for the window and goes', async () => {
    const fixed = DateTime.fromISO('2027-01-11T08:00:00+03:00');
    const port = { provider: 'google' } as unknown as CalendarPort;
    const gateway = new CalendarGateway({ ports: { google: port }, clock: { now: () => fixed }, rates: { google: { limit: 2, windowMs: 300 } } });
    const owner = { employeeId: 'anna', email: 'anna@x.example', timezone: 'Europe/Moscow' };
    const started = performance.now();
    for (let i = 0; i < 3; i++) await gateway.write('google', owner, async () => undefined);
    // The third call waited for the first one's window to pass (with the fixed clock's time it never did).
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(gateway.writes).toBe(3);
  }, 10_000);
});
