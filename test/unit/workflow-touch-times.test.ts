import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { nextWorkingStart } from '../../src/workflows/workflow-touch.ts';
import { SETTINGS, client, configOf, employee } from '../helpers/config-folder.ts';

const ms = (iso: string) => DateTime.fromISO(iso, { setZone: true }).toMillis();
const moscow = (t: number) => DateTime.fromMillis(t, { zone: 'Europe/Moscow' }).toFormat("yyyy-MM-dd'T'HH:mm");

describe('when a workflow\'s timed touch can start', () => {
  // A long day in Moscow (06:00–23:00) and a client eleven hours ahead (UTC+14, 09:00–18:00 there):
  // they share 06:00–07:00 (the end of the client's day) and 22:00–23:00 (the start of its next).
  const config = configOf({
    ...SETTINGS,
    employees: [employee('am', 'account_manager', { hours: '06:00-23:00' })],
    clients: [client('far', { timezone: 'Pacific/Kiritimati', team: { account_manager: 'am' } })],
    rules: [{ id: 'letters', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: '1 month' }],
  });
  const am = config.employees[0]!;
  const far = config.clients[0]!;

  it('takes the earliest stretch the two share that still has room that day, not the longest of the day (review)', () => {
    // 10:00 in Moscow: the morning's stretch is over, the evening's is ahead.
    expect(moscow(nextWorkingStart(config, am, far, ms('2027-03-02T10:00:00+03:00'), 15).startMs)).toBe('2027-03-02T22:00');
    // 06:20: the morning's still has room.
    expect(moscow(nextWorkingStart(config, am, far, ms('2027-03-02T06:20:00+03:00'), 15).startMs)).toBe('2027-03-02T06:20');
    // 06:50: 15 minutes no longer fit before 07:00, the evening's do.
    expect(moscow(nextWorkingStart(config, am, far, ms('2027-03-02T06:50:00+03:00'), 15).startMs)).toBe('2027-03-02T22:00');
  });

  it('without a client (a digest), the employee\'s own hours', () => {
    expect(moscow(nextWorkingStart(config, am, undefined, ms('2027-03-02T10:00:00+03:00'), 15).startMs)).toBe('2027-03-02T10:00');
  });
});
