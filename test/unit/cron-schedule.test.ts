import { afterEach, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { CronSchedule, upcoming } from '../../src/daemon/cron-schedule.ts';

const made: CronSchedule[] = [];
const cron = (expression: string, zone: string) => {
  const s = new CronSchedule(expression, zone);
  made.push(s);
  return s;
};
afterEach(() => made.splice(0).forEach((s) => s.dispose()));
const at = (iso: string) => DateTime.fromISO(iso, { setZone: true });
const iso = (t: DateTime) => t.toISO();

describe('cron schedules in the company zone, from any reference instant', () => {
  it('every five minutes: the next tick is strictly after the reference', () => {
    const s = cron('*/5 * * * *', 'Europe/Moscow');
    expect(iso(s.nextAfter(at('2027-01-15T10:02:00+03:00')))).toBe('2027-01-15T10:05:00.000+03:00');
    expect(iso(s.nextAfter(at('2027-01-15T10:05:00+03:00')))).toBe('2027-01-15T10:10:00.000+03:00');
  });

  it('a daily time is local time in the zone, whatever zone the reference is in', () => {
    const s = cron('30 6 * * *', 'Asia/Kathmandu');
    expect(iso(s.nextAfter(at('2027-01-15T00:00:00Z')))).toBe('2027-01-15T06:30:00.000+05:45');
  });

  it('a weekly Monday digest crosses the year boundary', () => {
    const s = cron('0 8 * * mon', 'Europe/Moscow');
    expect(iso(s.nextAfter(at('2026-12-29T09:00:00+03:00')))).toBe('2027-01-04T08:00:00.000+03:00');
  });

  it('29 February is found in the next leap year', () => {
    const s = cron('0 9 29 2 *', 'Europe/Bucharest');
    expect(iso(s.nextAfter(at('2027-03-01T00:00:00+02:00')))).toBe('2028-02-29T09:00:00.000+02:00');
  });

  it('a time in the hour skipped when clocks go forward does not tick that day', () => {
    // Bucharest, 28 March 2027: 03:00 becomes 04:00; 03:30 does not exist.
    const s = cron('30 3 * * *', 'Europe/Bucharest');
    expect(upcoming(s, at('2027-03-27T12:00:00+02:00'), 2).map(iso)).toEqual(['2027-03-29T03:30:00.000+03:00', '2027-03-30T03:30:00.000+03:00']);
  });

  it('a time in the hour repeated when clocks go back ticks once', () => {
    // Bucharest, 31 October 2027: 04:00 becomes 03:00; 03:30 happens twice.
    const s = cron('30 3 * * *', 'Europe/Bucharest');
    const ticks = upcoming(s, at('2027-10-30T12:00:00+03:00'), 2);
    expect(ticks.map(iso)).toEqual(['2027-10-31T03:30:00.000+03:00', '2027-11-01T03:30:00.000+02:00']);
    // Asked again from the second 03:30 (an hour later in real time), it does not tick again that day.
    expect(iso(s.nextAfter(at('2027-10-31T03:30:00+02:00')))).toBe('2027-11-01T03:30:00.000+02:00');
  });

  it('every 15 minutes across the repeated hour: ticks stay in real-time order, none twice', () => {
    const s = cron('*/15 * * * *', 'Europe/Bucharest');
    const ticks = upcoming(s, at('2027-10-31T02:50:00+03:00'), 6).map((t) => t.toMillis());
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]!).toBeGreaterThan(ticks[i - 1]!);
  });

  it('a bad expression is refused by node-cron', () => {
    expect(() => new CronSchedule('61 * * * *', 'UTC')).toThrow();
  });
});
