import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { Config } from '../../src/domain/types.ts';
import { MAX_WORKDAY_SEARCH_DAYS, WorkCalendar } from '../../src/planner/work-calendar.ts';
import { periodsOverlapping } from '../../src/planner/periods.ts';
import { addDays, addDuration } from '../../src/planner/dates.ts';
import { planTouches, PlanTooLargeError } from '../../src/planner/plan.ts';
import { planSize } from '../../src/planner/plan-size.ts';
import { NO_HISTORY } from '../../src/planner/history.ts';
import { configOf, SETTINGS, client, employee } from '../helpers/config-folder.ts';

/**
 * No input makes a planner loop run for ever. Validation refuses impossible dates and absurd
 * cadences; these tests hand the planner such values directly (as a bug in validation, or a
 * damaged database, would) and check that it stops with an error that says what it met.
 */

const NOW = DateTime.fromISO('2027-03-01T09:00:00+03:00', { setZone: true });

/** A calendar on which no day is ever a working day (more holidays than any country has). */
class ClosedCalendar extends WorkCalendar {
  override isWorkday(): boolean {
    return false;
  }
}

describe('planner loops have bounds that do not depend on the input being sane', () => {
  it('shiftWorkdays stops on a date that does not exist instead of searching for ever', () => {
    const calendar = new WorkCalendar([1, 2, 3, 4, 5]);
    expect(() => calendar.shiftWorkdays('2027-02-29', -2, 'RU', 'RU')).toThrow('expected a date that exists, like 2027-03-15, found "2027-02-29"');
    expect(() => calendar.shiftWorkdays('2027-04-31', 1, 'RU', 'RU')).toThrow(RangeError);
    expect(calendar.shiftWorkdays('2027-03-15', -2, 'RU', 'RU')).toBe('2027-03-11');
  });

  it('shiftWorkdays stops after a year of days when no day is a working day', () => {
    const closed = new ClosedCalendar([1, 2, 3, 4, 5]);
    expect(() => closed.shiftWorkdays('2027-03-15', 2, 'RU', 'RO')).toThrow(`no working day (RU, RO) within ${MAX_WORKDAY_SEARCH_DAYS} days of 2027-03-15`);
    expect(() => closed.shiftWorkdays('2027-03-15', 1_000_000, 'RU', 'RO')).toThrow('a shift of 1 to 31 working days, found 1000000');
  });

  it('a calendar without any workday is refused when it is made', () => {
    expect(() => new WorkCalendar([])).toThrow('workdays: expected at least one day of the week');
  });

  it('working-day lists refuse dates that do not exist and spans of more than ten years', () => {
    const calendar = new WorkCalendar([1, 2, 3, 4, 5]);
    expect(() => calendar.workdaysBetween('2027-02-29', '2027-03-31', 'RU', 'RU')).toThrow(RangeError);
    expect(() => calendar.workdaysBetween('2027-01-01', '9999-12-31', 'RU', 'RU')).toThrow('at most 3691 days can be listed at once');
  });

  it('periods of an absurd cadence, or too many of them, are refused at once', () => {
    expect(() => periodsOverlapping({ n: 1e15, unit: 'days' }, '2027-01-01', '2027-12-31')).toThrow('a cadence of 1 day to 100 years, found 1000000000000000 days');
    expect(() => periodsOverlapping({ n: 0, unit: 'months' }, '2027-01-01', '2027-12-31')).toThrow(RangeError);
    expect(() => periodsOverlapping({ n: 1, unit: 'days' }, '2000-01-01', '2027-12-31')).toThrow('more than 4000 periods');
    expect(() => periodsOverlapping({ n: 1, unit: 'months' }, '2027-02-29', '2027-12-31')).toThrow(RangeError);
  });

  it('date arithmetic on a date that does not exist throws instead of returning nothing', () => {
    expect(() => addDays('2027-02-29', 1)).toThrow('no calendar date 1 days from "2027-02-29"');
    expect(() => addDuration('2027-01-31', { n: 1e15, unit: 'days' })).toThrow(RangeError);
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  it('a handover on a day that does not exist stops the plan with an error, not a loop (had validation let it through)', () => {
    const valid = configOf({
      ...SETTINGS,
      employees: [employee('ivanova', 'account_manager'), employee('sidorov', 'account_manager'), employee('petrov', 'sales_director')],
      clients: [client('c1', { team: { account_manager: 'ivanova' } })],
      handovers: [{ from: 'ivanova', to: 'sidorov', on: '2027-03-15' }],
    });
    const broken = { ...valid, handovers: [{ ...valid.handovers[0]!, on: '2027-02-29' }] } as Config;
    expect(() => planTouches(broken, NO_HISTORY, { from: '2027-02-01', to: '2027-03-31' }, NOW)).toThrow('expected a date that exists, like 2027-03-15, found "2027-02-29"');
  });

  it('a cadence of 10^15 days stops the plan with an error (had validation let it through)', () => {
    const valid = configOf({
      ...SETTINGS,
      employees: [employee('ivanova', 'account_manager')],
      clients: [client('c1')],
      rules: [{ id: 'r1', ours: 'account_manager', theirs: 'buyer', kind: 'letter', every: '1 month' }],
    });
    const broken = { ...valid, rules: [{ ...valid.rules[0]!, every: { n: 1e15, unit: 'days' } }] } as Config;
    expect(() => planTouches(broken, NO_HISTORY, { from: '2027-03-01', to: '2027-03-31' }, NOW)).toThrow(RangeError);
    const lastAnchored = { ...valid, rules: [{ ...valid.rules[0]!, anchor: 'last', every: { n: 1e15, unit: 'days' } }] } as Config;
    expect(() => planTouches(lastAnchored, NO_HISTORY, { from: '2027-03-01', to: '2027-03-31' }, NOW)).toThrow(RangeError);
  });

  it('a plan window that does not exist, is reversed, or spans more than ten years is handled at once', () => {
    const config = configOf({ ...SETTINGS, employees: [employee('ivanova', 'account_manager')], clients: [client('c1')] });
    expect(() => planTouches(config, NO_HISTORY, { from: '2027-02-30', to: '2027-03-31' }, NOW)).toThrow('plan window, first day');
    expect(planTouches(config, NO_HISTORY, { from: '2027-03-31', to: '2027-03-01' }, NOW).touches).toEqual([]);
    expect(() => planTouches(config, NO_HISTORY, { from: '2027-01-01', to: '9999-12-31' }, NOW)).toThrow('a plan window of at most 3660 days (ten years)');
  });
});

describe('a plan too large to make', () => {
  // 150 clients of 4 contacts, a letter to each every day: 600 a day, about 2.2 million over ten years.
  const config = configOf({
    ...SETTINGS,
    employees: [employee('am', 'account_manager')],
    clients: Array.from({ length: 150 }, (_, i) => client(`c${i}`, { roles: ['ceo', 'buyer', 'buyer', 'director'] })),
    rules: [
      { id: 'daily-letter', ours: 'account_manager', theirs: 'all', kind: 'letter', every: '1 day' },
      { id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month' },
    ],
  });

  it('is refused at once, before anything is planned, naming the rule that makes it so and what to do (QA: minutes and gigabytes until memory ran out)', () => {
    const started = performance.now();
    const window = { from: '2027-03-01', to: '2036-12-31' };
    expect(() => planTouches(config, NO_HISTORY, window, NOW)).toThrow(PlanTooLargeError);
    expect(() => planTouches(config, NO_HISTORY, window, NOW)).toThrow(/^the plan of 2027-03-01 to 2036-12-31 would hold about 2,\d{3},\d{3} touches, more than the 2,000,000 touchbase plans at once \(rule daily-letter makes about 2,\d{3},\d{3} of them: check its `every` and whom it reaches\); plan a shorter period/);
    expect(performance.now() - started).toBeLessThan(2_000);
    // Its size is counted as the rules reach: every contact daily, the buyers monthly.
    const size = planSize(config, window);
    expect(size.largest).toEqual({ source: 'rule daily-letter', kind: 'rule', id: 'daily-letter', touches: 600 * 3594 });
    expect(size.touches).toBe(600 * 3594 + 300 * Math.ceil(3594 / 30));
  });

  it('of a shorter period, or of the clients a change reaches, is planned', () => {
    expect(planTouches(config, NO_HISTORY, { from: '2027-03-01', to: '2027-03-31' }, NOW).touches.length).toBeGreaterThan(600 * 20);
    expect(planTouches(config, NO_HISTORY, { from: '2027-03-01', to: '2036-12-31' }, NOW, { onlyClients: new Set(['c1']) }).touches.length).toBeGreaterThan(4 * 2000);
  });
});
