import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isoDatePlusDays } from '../../src/config/build-config.ts';
import { addDays } from '../../src/planner/dates.ts';
import { MAX_YEAR, MIN_YEAR } from '../../src/domain/calendar-dates.ts';

describe('a client\'s onboarding end (since + 90 days) without luxon', () => {
  it('is the planner\'s addDays for every date a configuration may write, across leap years and year ends', () => {
    const date = fc.date({ min: new Date(Date.UTC(MIN_YEAR, 0, 1)), max: new Date(Date.UTC(MAX_YEAR, 11, 31)), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(fc.property(date, fc.integer({ min: 0, max: 400 }), (iso, days) => {
      expect(isoDatePlusDays(iso, days)).toBe(addDays(iso, days));
    }), { numRuns: 3000 });
    for (const [iso, expected] of [['2024-12-01', '2025-03-01'], ['2023-12-01', '2024-02-29'], ['1900-01-01', '1900-04-01'], ['2199-12-31', '2200-03-31']] as const) {
      expect(isoDatePlusDays(iso, 90)).toBe(expected);
    }
  });
});
