import { describe, expect, it } from 'vitest';
import { statusTime } from '../../src/cli/commands/status.ts';

describe('status times', () => {
  it('shows an instant to the minute in the company zone, with its offset', () => {
    expect(statusTime('2027-03-01T00:11:48.000Z', 'Europe/Moscow')).toBe('2027-03-01 03:11 +03');
    expect(statusTime('2027-07-01T00:11:00.000Z', 'Europe/Bucharest')).toBe('2027-07-01 03:11 +03');
  });

  it('shows the end of a wait as the next whole minute, so that it never reads as passed while it lasts', () => {
    expect(statusTime('2027-03-01T00:11:48.000Z', 'Europe/Moscow', true)).toBe('2027-03-01 03:12 +03');
    expect(statusTime('2027-03-01T00:11:00.001Z', 'Europe/Moscow', true)).toBe('2027-03-01 03:12 +03');
    // A whole minute is already its own end; the last minute of a day rolls into the next day.
    expect(statusTime('2027-03-01T00:11:00.000Z', 'Europe/Moscow', true)).toBe('2027-03-01 03:11 +03');
    expect(statusTime('2027-03-01T20:59:30.000Z', 'Europe/Moscow', true)).toBe('2027-03-02 00:00 +03');
  });

  it('leaves what is not an instant as it is, and nothing as nothing', () => {
    expect(statusTime('not a time', 'Europe/Moscow', true)).toBe('not a time');
    expect(statusTime(null, 'Europe/Moscow')).toBe('');
  });
});
