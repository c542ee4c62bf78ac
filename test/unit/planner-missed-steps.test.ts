import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { planTouches } from '../../src/planner/plan.ts';
import { NO_HISTORY, makeHistory, pinsOf } from '../../src/planner/history.ts';
import type { Touch } from '../../src/domain/types.ts';
import { SETTINGS, client, configOf, employee } from '../helpers/config-folder.ts';
import { addDays } from '../../src/planner/dates.ts';

// Monday 1 February 2027, 09:00 in Moscow: the horizon from today, as `once` and the daemon plan it.
const NOW = DateTime.fromISO('2027-02-01T09:00:00+03:00');
const HORIZON = { from: '2027-02-01', to: '2027-05-01' };

const WELCOME = { id: 'welcome', ours: 'account_manager', theirs: 'ceo', kind: 'letter', after: '1 day', per: 'client', for: { stage: 'onboarding' } };
const CHECKIN = { id: 'checkin', ours: 'account_manager', theirs: 'buyer', kind: 'call', after: '3 days', per: 'client', for: { stage: 'onboarding' } };
const WINBACK = { id: 'winback', ours: 'account_manager', theirs: 'ceo', kind: 'letter', after: '14 days', per: 'client', for: { stage: 'lapsed' } };

/** A company whose clients came into the CRM on these days (`since`), active (onboarding for 90 days). */
const company = (since: Record<string, string>, extra: object[] = []) => configOf({
  ...SETTINGS,
  employees: [employee('am', 'account_manager')],
  clients: [...Object.entries(since).map(([id, day]) => client(id, { since: day, roles: ['ceo', 'buyer'] })), ...extra],
  rules: [WELCOME, CHECKIN, WINBACK],
});
const of = (touches: readonly Touch[], client: string, source: string) => touches.filter((t) => t.client === client && t.source === source);

describe('a sequence step whose days passed before its client was first planned', () => {
  it('up to a week late (its window\'s own length), it is placed from today, its window still saying when it was due, not overdue', () => {
    // Since 20 January: the welcome was due 21–27 January, the check-in 23–29 January.
    const { touches, warnings } = planTouches(company({ lagged: '2027-01-20' }), NO_HISTORY, HORIZON, NOW);
    const [welcome] = of(touches, 'lagged', 'rule:welcome');
    expect(welcome).toMatchObject({ window: { from: '2027-01-21', to: '2027-01-27' }, status: 'planned', overdue: false });
    expect(welcome!.date >= '2027-02-01' && welcome!.date <= '2027-02-07').toBe(true);
    const [call] = of(touches, 'lagged', 'rule:checkin');
    expect(call).toMatchObject({ window: { from: '2027-01-23', to: '2027-01-29' }, overdue: false });
    expect(call!.date >= '2027-02-01' && call!.date <= '2027-02-07').toBe(true);
    expect(Date.parse(call!.start)).toBeGreaterThanOrEqual(NOW.toMillis());
    expect(warnings).toEqual([]);
  });

  it('placed late once, it keeps its id and day at the next plans, and is not placed again once done', () => {
    const config = company({ lagged: '2027-01-20' });
    const first = planTouches(config, NO_HISTORY, HORIZON, NOW).touches.filter((t) => t.client === 'lagged');
    const next = planTouches(config, makeHistory([], pinsOf(first)), { from: '2027-02-02', to: '2027-05-02' }, DateTime.fromISO('2027-02-02T09:00:00+03:00')).touches;
    const late = first.filter((t) => t.window.to < '2027-02-01');
    expect(late).toHaveLength(2);
    for (const t of late) expect(next.find((n) => n.id === t.id), t.source).toMatchObject({ date: t.date, start: t.start });
    const welcome = late.find((t) => t.source === 'rule:welcome')!;
    const done = makeHistory([{ touchId: welcome.id, series: welcome.series, status: 'done', date: welcome.date, window: welcome.window }], pinsOf(first));
    const after = planTouches(config, done, { from: '2027-02-09', to: '2027-05-09' }, DateTime.fromISO('2027-02-09T09:00:00+03:00'));
    expect(of(after.touches, 'lagged', 'rule:welcome').filter((t) => t.status === 'planned')).toEqual([]);
    expect(after.warnings).toEqual([]);
  });

  it('more than a week late, it is not placed but named in a warning (client, rule, when it was due)', () => {
    // Since 10 January: the welcome was due 11–17 January, 15 days before today.
    const { touches, warnings } = planTouches(company({ lagged: '2027-01-10' }), NO_HISTORY, HORIZON, NOW);
    expect(of(touches, 'lagged', 'rule:welcome')).toEqual([]);
    expect(warnings.map((w) => [w.client, w.source, w.window.from, w.window.to, w.missedStep])).toEqual([
      ['lagged', 'rule:welcome', '2027-01-11', '2027-01-17', true],
      ['lagged', 'rule:checkin', '2027-01-13', '2027-01-19', true],
    ]);
    expect(warnings[0]!.message).toContain('missed');
  });

  it('a fresh installation neither sends old clients their welcome today nor warns about steps long past (a win-back of a client lapsed in 2024)', () => {
    const lapsed = { ...client('gone', { stage: 'lapsed', since: '2019-05-01', roles: ['ceo'] }), stage_since: '2024-03-01' };
    const config = company({ old: '2021-03-15', recent: '2026-12-10' }, [lapsed]);
    const { touches, warnings } = planTouches(config, NO_HISTORY, HORIZON, NOW);
    expect(touches.filter((t) => t.source === 'rule:welcome' || t.source === 'rule:checkin' || t.source === 'rule:winback')).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('a step stored before is history, not missed: left undone on its day, done, or cancelled, it is neither placed again nor warned about', () => {
    const config = company({ lagged: '2027-01-20' });
    // Planned on time on 25 January (the client was in the CRM then) and recorded.
    const onTime = planTouches(config, NO_HISTORY, { from: '2027-01-20', to: '2027-04-20' }, DateTime.fromISO('2027-01-20T09:00:00+03:00')).touches;
    const steps = onTime.filter((t) => t.source === 'rule:welcome' || t.source === 'rule:checkin');
    expect(steps).toHaveLength(2);
    const [welcome, call] = steps as [Touch, Touch];
    const histories = {
      open: makeHistory([], pinsOf(onTime)),
      done: makeHistory([{ touchId: welcome.id, series: welcome.series, status: 'done', date: welcome.date, window: welcome.window }, { touchId: call.id, series: call.series, status: 'skipped', date: call.date }], pinsOf(onTime)),
      cancelled: makeHistory([], new Map([...pinsOf(onTime)].map(([id, pin]) => [id, steps.some((s) => s.id === id) ? { ...pin, cancelled: true } : pin]))),
    };
    for (const [name, history] of Object.entries(histories)) {
      const { touches, warnings } = planTouches(config, history, HORIZON, NOW);
      expect(touches.filter((t) => steps.some((s) => s.id === t.id)), name).toEqual([]);
      expect(warnings, name).toEqual([]);
    }
  });

  it('re-planning the client alone gives what a full re-plan gives', () => {
    const config = company({ lagged: '2027-01-20', other: '2027-01-22', late: '2027-01-10' });
    const full = planTouches(config, NO_HISTORY, HORIZON, NOW);
    for (const id of ['lagged', 'other', 'late']) {
      const partial = planTouches(config, NO_HISTORY, HORIZON, NOW, { onlyClients: new Set([id]) });
      expect(partial.touches).toEqual(full.touches.filter((t) => t.client === id));
      expect(partial.warnings).toEqual(full.warnings.filter((w) => w.client === id));
    }
  });
});

describe('a sequence step whose week has no working day', () => {
  it('goes to the first working day after it (a one-off step has no next period to make up for it), its window still saying when it was due', () => {
    // Lapsed on 20 December: the win-back letter is due 3–9 January 2027, all of it Russia's New Year holidays and a weekend.
    const lapsed = { ...client('lapsed', { stage: 'lapsed' }), stage_since: '2026-12-20' };
    const config = company({}, [lapsed]);
    const now = DateTime.fromISO('2026-12-21T09:00:00+03:00');
    const { touches, warnings } = planTouches(config, NO_HISTORY, { from: '2026-12-21', to: '2027-03-21' }, now);
    expect(of(touches, 'lapsed', 'rule:winback').map((t) => [t.date, t.window.from, t.window.to])).toEqual([['2027-01-11', '2027-01-03', '2027-01-09']]);
    expect(warnings).toEqual([]);
    // Kept there by the next plans, before its week and after it.
    for (const day of ['2027-01-04', '2027-01-11']) {
      const next = planTouches(config, makeHistory([], pinsOf(touches)), { from: day, to: addDays(day, 90) }, DateTime.fromISO(`${day}T09:00:00+03:00`)).touches;
      expect(of(next, 'lapsed', 'rule:winback').map((t) => t.date), day).toEqual(['2027-01-11']);
    }
  });
});
