import { describe, expect, it } from 'vitest';
import { calendarRatesFromEnv, DEFAULT_SHARED_WORK, sharedWorkFromEnv } from '../../src/daemon/shared-work.ts';

describe('settings of several daemons on one database', () => {
  it.each([
    [{}, undefined],
    [{ TOUCHBASE_SHARED_WORK: 'on' }, true],
    [{ TOUCHBASE_SHARED_WORK: '1' }, true],
    [{ TOUCHBASE_SHARED_WORK: 'OFF' }, false],
    [{ TOUCHBASE_SHARED_WORK: '' }, undefined],
  ])('TOUCHBASE_SHARED_WORK %o: the backend decides unless forced (%s)', (env, enabled) => {
    expect(sharedWorkFromEnv(env)).toEqual({ ...DEFAULT_SHARED_WORK, enabled });
  });

  it('on is refused for a SQLite file (one daemon holds its lock there), taken for PostgreSQL; the tests\' own value shares a SQLite file', () => {
    expect(() => sharedWorkFromEnv({ TOUCHBASE_SHARED_WORK: 'on' }, '/var/lib/touchbase/touchbase.sqlite')).toThrow(/TOUCHBASE_SHARED_WORK=on: the database is a SQLite file/);
    expect(sharedWorkFromEnv({ TOUCHBASE_SHARED_WORK: 'on' }, 'postgres://touchbase@db/touchbase').enabled).toBe(true);
    expect(sharedWorkFromEnv({ TOUCHBASE_SHARED_WORK: 'off' }, '/var/lib/touchbase/touchbase.sqlite').enabled).toBe(false);
    expect(sharedWorkFromEnv({ TOUCHBASE_SHARED_WORK: 'sqlite-tests' }, '/tmp/t.sqlite').enabled).toBe(true);
  });

  it('one lease sets the heartbeat (a sixth), the claims (twice) and the dispatch interval (a third)', () => {
    expect(sharedWorkFromEnv({ TOUCHBASE_INSTANCE_LEASE: '60 s' })).toMatchObject({ instanceLeaseMs: 60_000, heartbeatMs: 10_000, claimTtlMs: 120_000, dispatchEveryMs: 20_000 });
    expect(sharedWorkFromEnv({ TOUCHBASE_INSTANCE_LEASE: '1500ms' })).toMatchObject({ instanceLeaseMs: 1_500, heartbeatMs: 250, claimTtlMs: 3_000, dispatchEveryMs: 500 });
  });

  it.each([
    [{ TOUCHBASE_SHARED_WORK: 'maybe' }, /TOUCHBASE_SHARED_WORK: expected on or off, found "maybe"/],
    [{ TOUCHBASE_INSTANCE_LEASE: 'soon' }, /TOUCHBASE_INSTANCE_LEASE: expected a duration like "30 s"/],
    [{ TOUCHBASE_INSTANCE_LEASE: '100ms' }, /at least 300 ms/],
  ])('a bad value %o is refused, naming the variable', (env, message) => {
    expect(() => sharedWorkFromEnv(env)).toThrow(message);
  });

  it('TOUCHBASE_CALENDAR_RATES: calls per window per provider; nothing set keeps the defaults', () => {
    expect(calendarRatesFromEnv({})).toBeUndefined();
    expect(calendarRatesFromEnv({ TOUCHBASE_CALENDAR_RATES: 'google=1000/60s, microsoft=4/1s' })).toEqual({
      google: { limit: 1000, windowMs: 60_000 }, microsoft: { limit: 4, windowMs: 1_000 },
    });
    expect(calendarRatesFromEnv({ TOUCHBASE_CALENDAR_RATES: 'google=16/2000ms' })).toEqual({ google: { limit: 16, windowMs: 2_000 } });
    expect(calendarRatesFromEnv({ TOUCHBASE_CALENDAR_RATES: 'google=600/1m' })).toEqual({ google: { limit: 600, windowMs: 60_000 } });
  });

  it.each(['google=fast', 'yahoo=5/1s', 'google=0/60s', 'google=5/50ms'])('TOUCHBASE_CALENDAR_RATES=%s is refused, naming the variable', (value) => {
    expect(() => calendarRatesFromEnv({ TOUCHBASE_CALENDAR_RATES: value })).toThrow(/TOUCHBASE_CALENDAR_RATES: /);
  });
});
