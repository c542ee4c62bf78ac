import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { isoInZone, localDateOf, localToMs } from '../../src/planner/zoned-time.ts';

const ZONES = ['Europe/Bucharest', 'America/New_York', 'Europe/Moscow', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/Santiago'];

describe('zoned time agrees with luxon', () => {
  it('local wall time → instant, across DST gaps, overlaps, a year boundary and a leap day', () => {
    const dates = ['2027-03-14', '2027-03-28', '2027-10-31', '2027-11-07', '2027-12-31', '2028-01-01', '2028-02-29', '2027-04-04', '2027-09-05'];
    for (const zone of ZONES) {
      for (const date of dates) {
        for (const minutes of [0, 60, 150, 180, 540, 600, 1080, 1439]) {
          const expected = DateTime.fromISO(date, { zone }).set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }).toMillis();
          expect(localToMs(zone, date, minutes), `${zone} ${date} ${minutes}`).toBe(expected);
        }
      }
    }
  });

  it('instant → local date and ISO text with the right offset', () => {
    for (const zone of ZONES) {
      for (let ms = DateTime.fromISO('2027-03-01T00:00:00Z').toMillis(); ms < DateTime.fromISO('2027-04-10T00:00:00Z').toMillis(); ms += 47 * 60_000 * 7) {
        const d = DateTime.fromMillis(ms, { zone });
        expect(localDateOf(zone, ms)).toBe(d.toISODate());
        expect(isoInZone(ms, zone)).toBe(d.toISO());
      }
    }
  });
});
