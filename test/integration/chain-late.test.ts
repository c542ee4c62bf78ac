import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { tempDatabase } from '../helpers/temp-database.ts';
import { planWithHistory } from '../../src/plan-service.ts';
import { runDailyWorkflows } from '../../src/workflows/daily.ts';
import { SETTINGS, client, configOf, employee } from '../helpers/config-folder.ts';
import { addDays } from '../../src/planner/dates.ts';
import { markDone, markSkipped } from '../../src/storage/touch-repository.ts';
import { rescheduleByUser } from '../../src/storage/touch-moves.ts';
import { chainIdentity, chainStart } from '../../src/planner/chain-start.ts';
import { touchKey } from '../../src/domain/touch-id.ts';

// A check-in every 3 months after the last one done; the client was last touched long ago, so
// its first check-in is late from the start.
const company = configOf({
  ...SETTINGS,
  employees: [employee('anna', 'account_manager')],
  clients: [client('c0', { roles: ['buyer'], since: '2023-09-01', team: { account_manager: 'anna' } })],
  rules: [{ id: 'checkin', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '3 months', per: 'client', anchor: 'last' }],
});
const at = (iso: string) => DateTime.fromISO(iso, { setZone: true });

describe('a chain\'s late first touch', () => {
  it('stays on the day it was first put, so the morning check finds it late and moves it forward as overdue; it is not put again on each day\'s today', async () => {
    const db = await tempDatabase();
    const plan = (day: string) => planWithHistory(db, company, { from: day, to: '2027-06-30' }, at(`${day}T07:00:00+03:00`), true);
    await plan('2027-03-01');
    const first = await db.selectFrom('touches').selectAll().where('source', '=', 'rule:checkin').orderBy('date').executeTakeFirstOrThrow();
    expect(first.window_to < '2027-03-01').toBe(true);
    expect(first.date >= '2027-03-01').toBe(true);
    // Plans of the next days (nobody did it), past its day too: it stays where it was put.
    for (let day = '2027-03-02'; day <= addDays(first.date, 2); day = addDays(day, 1)) {
      await plan(day);
      const now = await db.selectFrom('touches').select(['date', 'start_at', 'status']).where('id', '=', first.id).executeTakeFirstOrThrow();
      expect(now, day).toEqual({ date: first.date, start_at: first.start_at, status: 'planned' });
    }
    const moves = await db.selectFrom('touch_events').select('cause').where('touch_id', '=', first.id).where('type', '=', 'rescheduled').execute();
    expect(moves).toEqual([]);
    // The morning check of the day its grace is over finds it overdue and moves it forward.
    const check = addDays(first.date, 3);
    await runDailyWorkflows(db, company, at(`${check}T06:30:00+03:00`));
    const late = await db.selectFrom('touches').select(['date', 'overdue_from']).where('id', '=', first.id).executeTakeFirstOrThrow();
    expect(late.overdue_from).toBe(first.date);
    expect(late.date >= check).toBe(true);
  });
});

describe('an anchor: last chain planned for a window that starts later', () => {
  it('records the window\'s touches, counted on from the first touch (before the window, not shown); the plan from today then records that one and moves none', async () => {
    const db = await tempDatabase();
    const sixWeeks = configOf({
      ...SETTINGS,
      employees: [employee('anna', 'account_manager')],
      clients: [client('c0', { roles: ['buyer'], since: '2023-09-01', team: { account_manager: 'anna' } })],
      rules: [{ id: 'checkin', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '6 weeks', per: 'client', anchor: 'last' }],
    });
    const later = await planWithHistory(db, sixWeeks, { from: '2027-03-10', to: '2027-06-30' }, at('2027-03-01T07:00:00+03:00'), true);
    const stored = async () => (await db.selectFrom('touches').select(['id', 'date', 'window_from']).where('status', '=', 'planned').orderBy('date').execute());
    const inWindow = await stored();
    expect(later.result.touches.map((t) => [t.id, t.date])).toEqual(inWindow.map((t) => [t.id, t.date]));
    expect(inWindow.every((t) => t.date >= '2027-03-10')).toBe(true);
    const today = await planWithHistory(db, sixWeeks, { from: '2027-03-01', to: '2027-06-30' }, at('2027-03-01T07:00:00+03:00'), true);
    // The late first touch goes from today: six weeks after it is the window's first, as the later plan had it.
    const [first, ...rest] = await stored();
    expect(first!.window_from < '2027-03-01' && first!.date < '2027-03-10').toBe(true);
    expect(rest).toEqual(inWindow);
    expect(inWindow[0]!.window_from).toBe(addDays(first!.date, 42));
    expect(today.saved).toMatchObject({ inserted: 1, rescheduled: 0, cancelled: 0 });
  });
});

describe('an anchor: last chain when one of its touches is done', () => {
  // A check-in every 2 weeks after the last one, for a client that started in January.
  const biweekly = configOf({
    ...SETTINGS,
    employees: [employee('anna', 'account_manager')],
    clients: [client('c0', { roles: ['buyer'], since: '2027-01-04', team: { account_manager: 'anna' } })],
    rules: [{ id: 'checkin', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '2 weeks', per: 'client', anchor: 'last' }],
  });
  const open = async (db: Awaited<ReturnType<typeof tempDatabase>>) => db.selectFrom('touches').select(['id', 'date', 'start_at', 'window_from'])
    .where('source', '=', 'rule:checkin').where('status', '=', 'planned').orderBy('date').execute();

  it('keeps the later touches (their ids, and a day their employee moved) when the first is done on its day or skipped: none is cancelled and made again', async () => {
    const db = await tempDatabase();
    const plan = (iso: string) => planWithHistory(db, biweekly, { from: iso.slice(0, 10), to: '2027-04-30' }, at(iso), true);
    await plan('2027-01-11T07:00:00+03:00');
    const before = await open(db);
    expect(before.length).toBeGreaterThanOrEqual(5);
    // The employee moves the third check-in a day later (snoozed by the calendar link, say).
    const third = before[2]!;
    const moved = { date: addDays(third.date, 1), start: `${addDays(third.date, 1)}T15:00:00.000+03:00`, end: `${addDays(third.date, 1)}T15:30:00.000+03:00` };
    expect(await rescheduleByUser(db, third.id, moved, '2027-01-11T05:00:00.000Z')).toBe(true);
    // The first is done on the day it was planned.
    await markDone(db, before[0]!.id, { at: `${before[0]!.date}T12:00:00Z`, date: before[0]!.date, by: 'anna', note: undefined });
    const after = await plan(`${before[0]!.date}T16:00:00+03:00`);
    expect(after.saved).toMatchObject({ cancelled: 0, inserted: 0 });
    const kept = await open(db);
    expect(kept.map((t) => t.id)).toEqual(before.slice(1).map((t) => t.id));
    expect(kept[1]).toMatchObject({ id: third.id, date: moved.date, start_at: moved.start });
    // Skipped, the second does the same.
    await markSkipped(db, before[1]!.id, { at: `${before[1]!.date}T12:00:00Z`, date: before[1]!.date, by: 'anna', note: 'on holiday' });
    const skipped = await plan(`${before[1]!.date}T16:00:00+03:00`);
    expect(skipped.saved).toMatchObject({ cancelled: 0, inserted: 0 });
    expect((await open(db)).map((t) => t.id)).toEqual(before.slice(2).map((t) => t.id));
    const cancelled = await db.selectFrom('touch_events').select('touch_id').where('type', '=', 'cancelled').execute();
    expect(cancelled).toEqual([]);
  });

  it('done early, moves the later touches by as much, each under its own id (rescheduled, not cancelled)', async () => {
    const db = await tempDatabase();
    const plan = (iso: string) => planWithHistory(db, biweekly, { from: iso.slice(0, 10), to: '2027-04-30' }, at(iso), true);
    await plan('2027-01-11T07:00:00+03:00');
    const before = await open(db);
    const early = addDays(before[0]!.date, -3);
    await markDone(db, before[0]!.id, { at: `${early}T12:00:00Z`, date: early, by: 'anna', note: undefined });
    const after = await plan(`${early}T16:00:00+03:00`);
    expect(after.saved!.cancelled).toBe(0);
    const now = await open(db);
    expect(now[0]!.id).toBe(before[1]!.id);
    expect(now[0]!.window_from).toBe(addDays(early, 14));
  });
});

describe('chainStart: where a chain goes on after its resolved touches', () => {
  const series = 'rule:checkin|c0';
  const id = (base: string, k: number) => touchKey(chainIdentity(series, base, k)).id;
  const resolution = (touchId: string, date: string) => ({ touchId, series, status: 'done' as const, date });
  const none = () => false;

  it('counts on from the chain\'s base while its own touches are done, one after another or one skipped over', () => {
    expect(chainStart(series, [], none)).toMatchObject({ base: 'start', k: 1 });
    expect(chainStart(series, [resolution(id('start', 1), '2027-01-15')], none)).toMatchObject({ base: 'start', k: 2 });
    expect(chainStart(series, [resolution(id('start', 1), '2027-01-15'), resolution(id('start', 3), '2027-02-15')], none)).toMatchObject({ base: 'start', k: 4 });
  });

  it('goes on from the later of two of its touches when the earlier one was resolved after it (closed as missed once the later was done), and counts from that one\'s day', () => {
    const later = resolution(id('start', 2), '2027-02-15');
    const closed = { ...resolution(id('start', 1), '2027-02-16'), status: 'skipped' as const };
    expect(chainStart(series, [later, closed], none)).toEqual({ base: 'start', k: 3, last: later });
  });

  it('takes a touch that is not the chain\'s as its new base; a chain counted the earlier way (a base at each done touch) is followed', () => {
    expect(chainStart(series, [resolution('other', '2027-01-15')], none)).toMatchObject({ base: 'other', k: 1 });
    const x0 = id('start', 1);
    const x1 = id(x0, 1);
    const x2 = id(x1, 1);
    // Walked through the earlier way's bases; its next stored touch kept when only it is stored.
    expect(chainStart(series, [resolution(x0, '2027-01-15'), resolution(x1, '2027-02-01'), resolution(x2, '2027-02-15')], none)).toMatchObject({ base: x1, k: 2 });
    const storedEarlierWay = (touch: string) => touch === id(x2, 1);
    expect(chainStart(series, [resolution(x0, '2027-01-15'), resolution(x1, '2027-02-01'), resolution(x2, '2027-02-15')], storedEarlierWay)).toMatchObject({ base: x2, k: 1 });
    const storedBoth = (touch: string) => touch === id(x2, 1) || touch === id(x1, 2);
    expect(chainStart(series, [resolution(x0, '2027-01-15'), resolution(x1, '2027-02-01'), resolution(x2, '2027-02-15')], storedBoth)).toMatchObject({ base: x1, k: 2 });
  });
});
