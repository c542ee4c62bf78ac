import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { Placer, type PlacementRequest } from '../../src/planner/placement.ts';
import { WorkCalendar } from '../../src/planner/work-calendar.ts';
import { SETTINGS, client, configOf, employee } from '../helpers/config-folder.ts';

const config = configOf({ ...SETTINGS, employees: [employee('am', 'account_manager', { meetings_per_day: 1 })], clients: [client('c0', { roles: ['buyer'] })] });
const at = (hhmm: string) => DateTime.fromISO(`2027-03-02T${hhmm}:00+03:00`).toMillis();
const request = (extra: Partial<PlacementRequest> = {}): PlacementRequest => ({
  seed: 1, employee: config.employees[0]!, client: config.clients[0]!, from: '2027-03-01', to: '2027-03-05', notBefore: undefined,
  mode: 'spread', durationMinutes: 30, overflow: false, ...extra,
});

describe('a recorded touch kept over meetings_per_day', () => {
  it('keeps its time when that is free, else takes the first free time of its day: over the cap, never on top of another touch', () => {
    const placer = new Placer(new WorkCalendar(config.settings.workdays));
    placer.reserve('am', '2027-03-02', at('10:00'), at('10:30'));
    // The day's one meeting is taken: a fresh placement there is refused.
    expect(placer.tryKeep(request(), '2027-03-02', at('14:00'))).toBeUndefined();
    expect(placer.keepOverCap(request(), '2027-03-02', at('14:00'))).toEqual({ date: '2027-03-02', start: at('14:00'), end: at('14:30'), overCap: true });
    // Its time taken by another: the first free half hour of the day (09:00), not 10:00 on top of it.
    expect(placer.keepOverCap(request(), '2027-03-02', at('10:00'))).toEqual({ date: '2027-03-02', start: at('09:00'), end: at('09:30'), overCap: true });
    expect(placer.keepOverCap(request(), '2027-03-02', at('10:00'))).toEqual({ date: '2027-03-02', start: at('09:30'), end: at('10:00'), overCap: true });
  });

  it('its time taken on today\'s date: the first free time after now, not one already past; none left, the first free one (review)', () => {
    const placer = new Placer(new WorkCalendar(config.settings.workdays));
    placer.reserve('am', '2027-03-02', at('16:00'), at('16:30'));
    const now = request({ notBefore: '2027-03-02', notBeforeMs: at('11:05') });
    expect(placer.keepOverCap(now, '2027-03-02', at('16:00'))).toEqual({ date: '2027-03-02', start: at('11:30'), end: at('12:00'), overCap: true });
    // Its own time stays its own, past or not.
    expect(placer.keepOverCap(now, '2027-03-02', at('10:00'))).toEqual({ date: '2027-03-02', start: at('10:00'), end: at('10:30'), overCap: true });
    // A day whose times after now are all taken: the first free one all the same, rather than no day.
    const late = request({ notBefore: '2027-03-02', notBeforeMs: at('17:50') });
    expect(placer.keepOverCap(late, '2027-03-02', at('16:00'))).toEqual({ date: '2027-03-02', start: at('09:00'), end: at('09:30'), overCap: true });
  });

  it('says whether the day was at its cap: a day under it that the touch was not placed on (its hours) is no day over the cap', () => {
    const placer = new Placer(new WorkCalendar(config.settings.workdays));
    expect(placer.keepOverCap(request(), '2027-03-02', at('14:00'))).toEqual({ date: '2027-03-02', start: at('14:00'), end: at('14:30'), overCap: false });
    expect(placer.keepOverCap(request(), '2027-03-02', at('15:00'))).toEqual({ date: '2027-03-02', start: at('15:00'), end: at('15:30'), overCap: true });
  });

  it('never outside its period, nor on the other side of a handover, nor on a day off', () => {
    const placer = new Placer(new WorkCalendar(config.settings.workdays));
    expect(placer.keepOverCap(request({ to: '2027-03-01' }), '2027-03-02', at('10:00'))).toBeUndefined();
    expect(placer.keepOverCap(request({ hardTo: '2027-03-01' }), '2027-03-02', at('10:00'))).toBeUndefined();
    expect(placer.keepOverCap(request({ from: '2027-03-06', to: '2027-03-07' }), '2027-03-06', DateTime.fromISO('2027-03-06T10:00:00+03:00').toMillis())).toBeUndefined();
  });
});
