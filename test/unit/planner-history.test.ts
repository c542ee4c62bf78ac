import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { planTouches } from '../../src/planner/plan.ts';
import { NO_HISTORY, makeHistory, pinsOf, type Pin } from '../../src/planner/history.ts';
import type { Touch } from '../../src/domain/types.ts';
import { SETTINGS, client, configOf, employee } from '../helpers/config-folder.ts';

const config = configOf({
  ...SETTINGS,
  employees: [employee('am', 'account_manager')],
  clients: [client('a', { roles: ['buyer'], since: '2026-06-10' })],
  rules: [{ id: 'follow', ours: 'account_manager', theirs: 'buyer', kind: 'letter', every: '1 month', anchor: 'last' }],
});
const SERIES = 'rule:follow|a|a-buyer0';

describe('anchor: last', () => {
  it('with nothing done, the first touch is due `every` after since; when that is past it goes on the next working day — due, not yet overdue', () => {
    const now = DateTime.fromISO('2026-08-20T10:00:00+03:00');
    const { touches } = planTouches(config, NO_HISTORY, { from: '2026-08-20', to: '2026-10-31' }, now);
    const [first, ...rest] = touches;
    expect(first!.window).toEqual({ from: '2026-07-10', to: '2026-07-13' });
    expect(first!.date >= '2026-08-20' && first!.date <= '2026-08-24').toBe(true);
    // Its window says when it was due; overdue it is only once `overdue.after` days past the day it
    // is planned for, as for the daily check and `report overdue` (a new installation starts clean).
    expect(first!.overdue).toBe(false);
    // The cadence goes on from today, not from the missed day.
    expect(rest[0]!.window.from).toBe(DateTime.fromISO(first!.date).plus({ months: 1 }).toISODate());
    expect(rest[1]!.window.from).toBe(DateTime.fromISO(rest[0]!.date).plus({ months: 1 }).toISODate());
    for (const t of rest) expect(t.overdue).toBe(false);
  });

  it('while a touch is moved forward as overdue, the later ones stay on their days — they do not follow it every morning', () => {
    const first = planTouches(config, NO_HISTORY, { from: '2026-08-20', to: '2026-10-31' }, DateTime.fromISO('2026-08-20T10:00:00+03:00')).touches;
    const [t0, t1, t2] = first as [Touch, Touch, Touch];
    const pins = pinsOf(first);
    for (const day of ['2026-09-01', '2026-09-08', '2026-09-15']) {
      // Nobody wrote the first letter: the daily check moved it forward to this morning.
      pins.set(t0.id, { ...pins.get(t0.id)!, date: day, fixed: true, overdueFrom: t0.date });
      const { touches, movedPast } = planTouches(config, makeHistory([], pins), { from: day, to: '2026-10-31' }, DateTime.fromISO(`${day}T10:00:00+03:00`));
      expect(touches.map((t) => [t.id, t.date])).toEqual([[t0.id, day], [t1.id, t1.date], [t2.id, t2.date]]);
      expect(touches[0]!.overdue).toBe(true);
      expect(movedPast).toBeUndefined();
    }
    // Done at last, it anchors the chain: the next one is due a month after the day it was done.
    const done = planTouches(config, makeHistory([{ touchId: t0.id, series: SERIES, status: 'done', date: '2026-09-16' }], pins),
      { from: '2026-09-16', to: '2026-10-31' }, DateTime.fromISO('2026-09-16T10:00:00+03:00')).touches;
    expect(done.find((t) => t.id === t1.id)!.window.from).toBe('2026-10-16');
  });

  it('a touch recorded in the window that the chain pushes past its end (the first moved forward as overdue past the next one\'s day: that one steps on by `every`) is saved on its new day, not left out — which cancelled it, to be restored later', () => {
    const first = planTouches(config, NO_HISTORY, { from: '2026-08-20', to: '2026-10-31' }, DateTime.fromISO('2026-08-20T10:00:00+03:00')).touches;
    expect(first).toHaveLength(3);
    const [t0, t1, t2] = first as [Touch, Touch, Touch];
    // Nobody wrote the first letter: the daily check moved it forward to 28 September, past the
    // day the second was due. The second steps on a month, never on or before the open first.
    const pins = pinsOf(first);
    pins.set(t0.id, { ...pins.get(t0.id)!, date: '2026-09-28', fixed: true, overdueFrom: t0.date });
    const window = { from: '2026-09-28', to: '2026-10-31' };
    const at = DateTime.fromISO('2026-09-28T10:00:00+03:00');
    const { touches, movedPast } = planTouches(config, makeHistory([], pins), window, at);
    // The plan of the window lists what is in it; the third goes to be saved on its new day.
    expect(touches.map((t) => t.id)).toEqual([t0.id, t1.id]);
    const stepped = DateTime.fromISO(t0.date).plus({ months: 1 }).plus({ months: 1 }).toISODate()!;
    expect(touches[1]!.window.from).toBe(stepped);
    expect(touches[1]!.date >= stepped && touches[1]!.date <= '2026-10-31').toBe(true);
    expect(movedPast!.map((t) => t.id)).toEqual([t2.id]);
    expect(movedPast![0]!.date > '2026-10-31').toBe(true);
    // Once saved there, the same window plans the same touches, and moves nothing more.
    pins.set(t2.id, pinsOf(movedPast!).get(t2.id)!);
    const again = planTouches(config, makeHistory([], pins), window, at);
    expect(again.touches).toEqual(touches);
    expect(again.movedPast).toBeUndefined();
    // Nor on the next mornings, the first moved on again: the second keeps its new day.
    pins.set(t1.id, pinsOf(touches).get(t1.id)!);
    for (const day of ['2026-09-29', '2026-09-30', '2026-10-01']) {
      pins.set(t0.id, { ...pins.get(t0.id)!, date: day });
      const next = planTouches(config, makeHistory([], pins), { from: day, to: '2026-10-31' }, DateTime.fromISO(`${day}T10:00:00+03:00`));
      expect(next.touches.map((t) => [t.id, t.date])).toEqual([[t0.id, day], [t1.id, touches[1]!.date]]);
    }
    // One never recorded in the window is not planned past it.
    const fresh = new Map([...pins].filter(([id]) => id !== t2.id));
    expect(planTouches(config, makeHistory([], fresh), window, at).movedPast).toBeUndefined();
  });

  it('a chain\'s touch recorded after the window moves with the ones before it, in a pass (which plans no further than `plan` was asked to)', () => {
    const first = planTouches(config, NO_HISTORY, { from: '2026-08-20', to: '2026-10-31' }, DateTime.fromISO('2026-08-20T10:00:00+03:00')).touches;
    const [t0, t1, t2] = first as [Touch, Touch, Touch];
    const pins = pinsOf(first);
    pins.set(t0.id, { ...pins.get(t0.id)!, date: '2026-09-15', fixed: true, overdueFrom: t0.date });
    // Done at last on the 16th: the second goes a month on, past this window; the third was recorded after it.
    const history = makeHistory([{ touchId: t0.id, series: SERIES, status: 'done', date: '2026-09-16' }], pins);
    const window = { from: '2026-09-16', to: '2026-09-30' };
    const at = DateTime.fromISO('2026-09-16T10:00:00+03:00');
    const { movedPast } = planTouches(config, history, window, at, { chainsAfterWindow: true });
    const [second, third] = movedPast as [Touch, Touch];
    expect([second.id, third.id]).toEqual([t1.id, t2.id]);
    expect(second.window.from).toBe('2026-10-16');
    // Left on its day (20–24 October), it was a few days after the second, not a month.
    expect(third.date > t2.date).toBe(true);
    expect(third.window.from).toBe(DateTime.fromISO(second.date).plus({ months: 1 }).toISODate());
    // A `plan` of some days does not: after it, a year may be recorded that it does not see.
    expect(planTouches(config, history, window, at).movedPast!.map((t) => t.id)).toEqual([t1.id]);
  });

  it('a touch overdue once, cancelled (its client gone) and back: the next one is due `every` after where it is placed now, not stepped from its old day', () => {
    const first = planTouches(config, NO_HISTORY, { from: '2026-08-20', to: '2026-10-31' }, DateTime.fromISO('2026-08-20T10:00:00+03:00')).touches;
    const [t0] = first as [Touch];
    const pins = pinsOf(first);
    pins.set(t0.id, { ...pins.get(t0.id)!, date: '2026-08-27', fixed: true, overdueFrom: '2026-07-13', cancelled: true });
    const { touches } = planTouches(config, makeHistory([], pins), { from: '2026-09-15', to: '2026-10-31' }, DateTime.fromISO('2026-09-15T10:00:00+03:00'));
    const [again, next] = touches as [Touch, Touch];
    expect(again.id).toBe(t0.id);
    expect(again.date >= '2026-09-15').toBe(true);
    expect(next.window.from).toBe(DateTime.fromISO(again.date).plus({ months: 1 }).toISODate());
  });

  it('a window that starts after today lists no late touch placed before it: that one is in today\'s plan', () => {
    const now = DateTime.fromISO('2026-08-20T10:00:00+03:00');
    const today = planTouches(config, NO_HISTORY, { from: '2026-08-20', to: '2026-08-31' }, now).touches;
    const late = today[0]!;
    expect(late.window.to < '2026-08-20' && late.date >= '2026-08-20' && late.date < '2026-09-01').toBe(true);
    // A week from the 1st of next month: the late letter (placed this week) is not in it.
    const later = planTouches(config, NO_HISTORY, { from: '2026-09-01', to: '2026-09-07' }, now).touches;
    expect(later.every((t) => t.date >= '2026-09-01')).toBe(true);
    expect(later.map((t) => t.id)).not.toContain(late.id);
  });

  it('the next touch is due `every` after the last one done, as recorded in history', () => {
    const history = makeHistory([{ touchId: 'done-1', series: SERIES, status: 'done', date: '2027-01-12' }]);
    const now = DateTime.fromISO('2027-01-13T10:00:00+03:00');
    const { touches } = planTouches(config, history, { from: '2027-01-13', to: '2027-04-30' }, now);
    expect(touches.map((t) => t.window.from)).toEqual(['2027-02-12', expect.any(String), expect.any(String)]);
    expect(touches[0]!.date >= '2027-02-12' && touches[0]!.date <= '2027-02-15').toBe(true);
    // Each next one is a month after the previous planned one.
    expect(touches[1]!.window.from).toBe(DateTime.fromISO(touches[0]!.date).plus({ months: 1 }).toISODate());
    expect(touches.every((t) => !t.overdue)).toBe(true);
  });

  it('a later touch skipped ahead of its day leaves the open one before it where it is; the chain goes on after the skipped one (QA: skipping January\'s check-in cancelled December\'s)', () => {
    const now = DateTime.fromISO('2026-08-20T10:00:00+03:00');
    const window = { from: '2026-08-20', to: '2026-12-31' };
    const first = planTouches(config, NO_HISTORY, window, now).touches;
    const [t0, t1, t2] = first as [Touch, Touch, Touch];
    const skipped = makeHistory([{ touchId: t1.id, series: SERIES, status: 'skipped', date: t1.date }], pinsOf(first));
    const again = planTouches(config, skipped, window, now).touches;
    expect(again.slice(0, 3).map((t) => [t.id, t.date, t.status])).toEqual([[t0.id, t0.date, 'planned'], [t1.id, t1.date, 'skipped'], [t2.id, t2.date, 'planned']]);
    // Done, a later touch is the chain's contact: it goes on from there, the open one before it is no longer planned.
    const done = makeHistory([{ touchId: t1.id, series: SERIES, status: 'done', date: t1.date }], pinsOf(first));
    expect(planTouches(config, done, window, now).touches.map((t) => t.id)).not.toContain(t0.id);
  });

  it('a later done touch moves the cadence; an earlier one does not count', () => {
    const history = makeHistory([
      { touchId: 'x1', series: SERIES, status: 'done', date: '2027-03-01' },
      { touchId: 'x0', series: SERIES, status: 'done', date: '2027-01-05' },
    ]);
    const { touches } = planTouches(config, history, { from: '2027-03-01', to: '2027-04-30' }, DateTime.fromISO('2027-03-02T09:00:00Z'));
    expect(touches[0]!.window.from).toBe('2027-04-01');
  });

  it('an overdue touch stays planned and flagged until done; it is never dropped', () => {
    const history = makeHistory([{ touchId: 'd', series: SERIES, status: 'done', date: '2027-01-12' }]);
    const late = DateTime.fromISO('2027-04-01T10:00:00+03:00');
    const { touches } = planTouches(config, history, { from: '2027-04-01', to: '2027-04-30' }, late);
    expect(touches[0]!.window.from).toBe('2027-02-12');
    expect(touches[0]!.date >= '2027-04-01').toBe(true);
    expect(touches[0]!.overdue).toBe(false);
    // Recorded where it was first put (here: a February day), it stays there, still overdue.
    const pinned = makeHistory(
      [{ touchId: 'd', series: SERIES, status: 'done', date: '2027-01-12' }],
      new Map([[touches[0]!.id, { date: '2027-02-15', start: undefined, employee: 'am' }]]),
    );
    const later = planTouches(config, pinned, { from: '2027-04-01', to: '2027-04-30' }, late).touches;
    expect(later[0]).toMatchObject({ id: touches[0]!.id, date: '2027-02-15', overdue: true });
  });
});

describe('recorded outcomes', () => {
  it('a done calendar touch shows as done on the date it was planned, and is not overdue', () => {
    const cfg = configOf({
      ...SETTINGS,
      employees: [employee('am', 'account_manager')],
      clients: [client('a', { roles: ['buyer'] })],
      rules: [{ id: 'm', ours: 'account_manager', theirs: 'buyer', kind: 'letter', every: '1 month' }],
    });
    const window = { from: '2027-01-01', to: '2027-03-31' };
    const first = planTouches(cfg, NO_HISTORY, window, DateTime.fromISO('2026-12-01T00:00:00Z')).touches;
    const jan = first[0]!;
    const history = makeHistory(
      [{ touchId: jan.id, series: jan.series, status: 'done', date: jan.date }],
      new Map(first.map((t) => [t.id, { date: t.date, start: undefined, employee: t.employee }])),
    );
    const later = planTouches(cfg, history, window, DateTime.fromISO('2027-03-01T00:00:00Z')).touches;
    expect(later.find((t) => t.id === jan.id)).toMatchObject({ status: 'done', overdue: false, date: jan.date });
    expect(later.find((t) => t.window.from === '2027-02-01')).toMatchObject({ status: 'planned', overdue: true });
  });
});

describe('a cancelled touch', () => {
  const meetings = configOf({
    ...SETTINGS,
    employees: [employee('ceo', 'ceo')],
    clients: [client('a', { roles: ['ceo'] })],
    rules: [{ id: 'ceo-meeting', ours: 'ceo', theirs: 'ceo', kind: 'meeting', every: '6 months', duration: '60 minutes' }],
  });
  const half = { from: '2027-01-01', to: '2027-06-30' };
  const first = planTouches(meetings, NO_HISTORY, half, DateTime.fromISO('2026-12-15T09:00:00+03:00')).touches[0]!;
  const cancelledPin = (t: typeof first) => new Map([[t.id, {
    date: t.date, start: t.start, startMs: Date.parse(t.start), endMs: Date.parse(t.end), employee: t.employee, client: t.client, cancelled: true,
  }]]);

  it('on a day now past (its client gone from an export a while) is planned again from today while its period runs, under its id', () => {
    const now = DateTime.fromISO(`${DateTime.fromISO(first.date).plus({ days: 6 }).toISODate()}T09:00:00+03:00`);
    const today = now.toISODate()!;
    const { touches } = planTouches(meetings, makeHistory([], cancelledPin(first)), { from: today, to: half.to }, now);
    const again = touches.find((t) => t.id === first.id);
    expect(again).toBeDefined();
    expect(again!.date >= today && again!.date <= half.to).toBe(true);
    expect(again!.status).toBe('planned');
  });

  it('on a day still to come is put back where it was', () => {
    const now = DateTime.fromISO(`${DateTime.fromISO(first.date).minus({ days: 2 }).toISODate()}T09:00:00+03:00`);
    const { touches } = planTouches(meetings, makeHistory([], cancelledPin(first)), { from: now.toISODate()!, to: half.to }, now);
    expect(touches.find((t) => t.id === first.id)).toMatchObject({ date: first.date, start: first.start });
  });
});

describe('late touches the morning check put on a day (over the cap, the week being full)', () => {
  it('cost no on-time touch already in the calendar its day: the late ones are what flexes (QA: six on-time calls moved a week on for twelve late ones)', () => {
    const config = configOf({
      ...SETTINGS,
      employees: [employee('am', 'account_manager', { meetings_per_day: 2 })],
      clients: Array.from({ length: 20 }, (_, i) => client(`c${i}`, { roles: ['buyer'], team: { account_manager: 'am' } })),
      rules: [{ id: 'monthly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month' }],
    });
    const now = DateTime.fromISO('2027-03-01T06:00:00+03:00');
    const march = { from: '2027-03-01', to: '2027-03-31' };
    const first = planTouches(config, NO_HISTORY, march, now).touches;
    // A day already at the cap with on-time calls.
    const byDay = new Map<string, Touch[]>();
    for (const t of first) byDay.set(t.date, [...(byDay.get(t.date) ?? []), t]);
    const [day, onTime] = [...byDay].find(([d, ts]) => d >= '2027-03-10' && ts.length === 2)!;
    // Three late calls of February put on it by the morning check, at times the day has free.
    const taken = onTime.map((t) => [Date.parse(t.start), Date.parse(t.end)] as const);
    const late = new Map<string, Pin>();
    for (let at = DateTime.fromISO(`${day}T09:00:00+03:00`).toMillis(); late.size < 3; at += 30 * 60_000) {
      if (taken.some(([s, e]) => at < e && s < at + 15 * 60_000)) continue;
      late.set(`late-${late.size}`, { date: day, start: new Date(at).toISOString(), startMs: at, endMs: at + 15 * 60_000, employee: 'am', client: `c${late.size}`, fixed: true, overdueFrom: '2027-02-15' });
    }
    const history = makeHistory([], new Map([...pinsOf(first), ...late]));
    const again = planTouches(config, history, march, now).touches;
    for (const t of onTime) expect(again.find((a) => a.id === t.id)).toMatchObject({ date: day, start: t.start });
  });
});
