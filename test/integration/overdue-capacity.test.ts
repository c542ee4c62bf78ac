import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { tempDatabase } from '../helpers/temp-database.ts';
import { planWithHistory } from '../../src/plan-service.ts';
import { runDailyWorkflows } from '../../src/workflows/daily.ts';
import { SETTINGS, client, configOf, employee } from '../helpers/config-folder.ts';
import { addDays } from '../../src/planner/dates.ts';
import { rescheduleByUser } from '../../src/storage/touch-moves.ts';
import { openMigrated } from '../../src/storage/database.ts';
import { writeConfig } from '../helpers/config-folder.ts';
import { cli, cliOn } from '../helpers/run-cli.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';

// One account manager (two calls a day at most) and eight clients called every week: eight
// calls in ten slots a week — until nobody marks anything done and the late ones pile up.
const config = configOf({
  ...SETTINGS,
  employees: [employee('am', 'account_manager', { meetings_per_day: 2 })],
  clients: Array.from({ length: 8 }, (_, i) => client(`c${i}`, { roles: ['buyer'], since: '2026-01-01' })),
  rules: [{ id: 'weekly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 week', per: 'client' }],
});

describe('late touches filling the days', () => {
  it('never cost an on-time touch its place: a touch already in the calendar is kept on its day over the cap, not cancelled at its period\'s end', async () => {
    const db = await tempDatabase();
    // The daemon's days: the morning check moves what is late, then the plan of the horizon.
    let day = '2027-03-01';
    await planWithHistory(db, config, { from: day, to: addDays(day, 30) }, DateTime.fromISO(`${day}T08:00:00+03:00`), true);
    for (; day <= '2027-03-26'; day = addDays(day, 1)) {
      await runDailyWorkflows(db, config, DateTime.fromISO(`${day}T06:30:00+03:00`));
      await planWithHistory(db, config, { from: day, to: addDays(day, 30) }, DateTime.fromISO(`${day}T07:00:00+03:00`), true);
    }
    const late = await db.selectFrom('touches').select((eb) => eb.fn.countAll<number>().as('n')).where('overdue_from', 'is not', null).executeTakeFirstOrThrow();
    // The scenario is what it says: late calls were moved forward, day after day.
    expect(Number(late.n)).toBeGreaterThan(8);
    const cancelled = await db.selectFrom('touch_events').select(['touch_id', 'detail']).where('type', '=', 'cancelled').execute();
    expect(cancelled).toEqual([]);
    // Kept over the cap, never on top of another touch, on time or late (the morning check puts a
    // late one at a free time).
    const open = await db.selectFrom('touches').select(['id', 'date', 'start_at', 'end_at', 'overdue_from']).where('status', '=', 'planned').execute();
    const span = (t: { start_at: string; end_at: string }) => [Date.parse(t.start_at), Date.parse(t.end_at)] as const;
    for (const t of open) {
      const [s, e] = span(t);
      expect(open.filter((o) => o.id !== t.id && o.date === t.date && span(o)[0] < e && s < span(o)[1]).map((o) => o.id), `${t.id} on ${t.date}`).toEqual([]);
    }
    // Every client still has its call of every week, open in someone's calendar (or late, moved
    // on) — or, once a later week's call is late too, closed as missed (skipped by nobody).
    const touches = await db.selectFrom('touches').select(['client_id', 'window_from', 'status', 'resolved_by']).execute();
    const kept = (t: (typeof touches)[number]) => t.status === 'planned' || (t.status === 'skipped' && t.resolved_by === null);
    for (const week of ['2027-03-01', '2027-03-15', '2027-03-22']) {
      expect(touches.filter((t) => t.window_from === week && kept(t)).map((t) => t.client_id).sort()).toEqual(config.clients.map((c) => c.id).sort());
    }
    expect(touches.some((t) => t.window_from === '2027-03-01' && t.status === 'skipped' && t.resolved_by === null)).toBe(true);
  });
});

describe('an employee removed from the configuration without a handover', () => {
  it('their late touches go to whoever holds the role for the client now, at the same local time, instead of staying late for good under their name', async () => {
    const db = await tempDatabase();
    const company = (who: string[], team: string) => configOf({
      ...SETTINGS,
      employees: who.map((id) => employee(id, 'account_manager', id === 'nika' ? { timezone: 'Europe/Samara' } : {})),
      clients: [client('c0', { roles: ['buyer'], since: '2026-01-01', team: { account_manager: team } })],
      rules: [{ id: 'monthly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', per: 'client' }],
    });
    await planWithHistory(db, company(['anna', 'nika'], 'anna'), { from: '2027-03-01', to: '2027-03-31' }, DateTime.fromISO('2027-03-01T08:00:00+03:00'), true);
    const call = await db.selectFrom('touches').selectAll().where('source', '=', 'rule:monthly').executeTakeFirstOrThrow();
    expect(call.employee_id).toBe('anna');
    // Anna is gone (her entry deleted, her client given to Nika), and the call was never made.
    const after = addDays(call.date, 4);
    const report = await runDailyWorkflows(db, company(['nika'], 'nika'), DateTime.fromISO(`${after}T06:30:00+03:00`));
    expect(report.overdueMoved).toBe(1);
    const moved = await db.selectFrom('touches').selectAll().where('id', '=', call.id).executeTakeFirstOrThrow();
    expect(moved).toMatchObject({ employee_id: 'nika', status: 'planned', overdue_from: call.date });
    expect(moved.date >= after).toBe(true);
    // 10:30 in Moscow, where it was written, is 10:30 for Nika in Samara.
    expect(DateTime.fromISO(moved.start_at, { setZone: true }).toFormat('HH:mm')).toBe(DateTime.fromISO(call.start_at, { setZone: true }).toFormat('HH:mm'));
    expect(DateTime.fromISO(moved.start_at, { setZone: true }).offset).toBe(240);
  });
});

describe('late calls moved by the morning check', () => {
  // Marina calls three buyers a day at most. Back on Wednesday 10 March from two days away, she
  // has five calls of 1–2 March still open (all at 10:00), Wednesday already full, one call on
  // Thursday at 10:00.
  const marina = configOf({
    ...SETTINGS,
    employees: [employee('marina', 'account_manager', { meetings_per_day: 3 })],
    clients: Array.from({ length: 9 }, (_, i) => client(`c${i}`, { roles: ['buyer'], since: '2026-01-01' })),
    rules: [{ id: 'monthly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', per: 'client' }],
  });
  const call = (id: string, date: string, time: string) => ({
    id, source: 'rule:monthly', series: `rule:monthly|${id}`, kind: 'call', client_id: `c${id.slice(-1)}`, contact_ids: '[]', employee_id: 'marina',
    date, start_at: `${date}T${time}:00.000+03:00`, end_at: `${date}T${time.slice(0, 3)}${String(Number(time.slice(3)) + 30).padStart(2, '0')}:00.000+03:00`,
    all_day: 0, title: `call ${id}`, window_from: date, window_to: date, remind: '[]', status: 'planned' as const, resolved_at: null, resolved_date: null,
    resolved_by: null, note: null, created_at: '2027-01-01T00:00:00Z', updated_at: '2027-01-01T00:00:00Z', moved_by_user: 0, overdue_from: null, body: null,
  });

  it('go to the first working days with room under meetings_per_day, the longest late first, never on top of another touch', async () => {
    const db = await tempDatabase();
    await db.insertInto('touches').values([
      call('late-2', '2027-03-02', '10:00'), call('late-0', '2027-03-01', '10:00'), call('late-1', '2027-03-01', '10:00'),
      call('late-3', '2027-03-02', '10:00'), call('late-4', '2027-03-02', '10:00'),
      call('wed-5', '2027-03-10', '10:00'), call('wed-6', '2027-03-10', '11:00'), call('wed-7', '2027-03-10', '12:00'),
      call('thu-8', '2027-03-11', '10:00'),
    ]).execute();
    const report = await runDailyWorkflows(db, marina, DateTime.fromISO('2027-03-10T06:30:00+03:00'));
    expect(report.overdueMoved).toBe(5);
    const rows = await db.selectFrom('touches').select(['id', 'date', 'start_at', 'end_at', 'overdue_from']).orderBy('id').execute();
    const at = (id: string) => { const r = rows.find((t) => t.id === id)!; return [r.date, r.start_at.slice(11, 16), r.overdue_from]; };
    // Thursday has room for two (after its 10:00 call), Friday for the rest; 1 March's first.
    expect(['late-0', 'late-1', 'late-2', 'late-3', 'late-4'].map(at)).toEqual([
      ['2027-03-11', '10:30', '2027-03-01'], ['2027-03-11', '11:00', '2027-03-01'],
      ['2027-03-12', '10:00', '2027-03-02'], ['2027-03-12', '10:30', '2027-03-02'], ['2027-03-12', '11:00', '2027-03-02'],
    ]);
    for (const day of new Set(rows.map((r) => r.date))) {
      const on = rows.filter((r) => r.date === day);
      if (day >= '2027-03-10') expect(on.length, day).toBeLessThanOrEqual(3);
      for (const t of on) {
        expect(on.filter((o) => o.id !== t.id && o.start_at < t.end_at && t.start_at < o.end_at).map((o) => o.id), t.id).toEqual([]);
      }
    }
    // Run again the same morning: nothing moves.
    expect((await runDailyWorkflows(db, marina, DateTime.fromISO('2027-03-10T09:00:00+03:00'))).overdueMoved).toBe(0);
    // The plan keeps them where the check put them.
    await planWithHistory(db, marina, { from: '2027-03-10', to: '2027-04-30' }, DateTime.fromISO('2027-03-10T09:30:00+03:00'), true);
    const after = await db.selectFrom('touches').select(['id', 'date', 'start_at']).where('id', 'like', 'late-%').orderBy('id').execute();
    expect(after.map((r) => [r.id, r.date, r.start_at.slice(11, 16)])).toEqual(['late-0', 'late-1', 'late-2', 'late-3', 'late-4'].map((id) => [id, at(id)[0], at(id)[1]]));
  });

  it('go to a successor inside the hours they work: a leaver\'s 15:00 call is not kept at 15:00 for someone who works until 13:00', async () => {
    const handed = configOf({
      ...SETTINGS,
      employees: [employee('marina', 'account_manager'), employee('oleg', 'account_manager', { hours: '09:00-13:00' })],
      clients: [client('c0', { roles: ['buyer'], since: '2026-01-01', team: { account_manager: 'marina' } })],
      rules: [{ id: 'monthly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', per: 'client' }],
      handovers: [{ from: 'marina', to: 'oleg', on: '2027-03-08', notice_from: 'leaving' }],
    });
    const db = await tempDatabase();
    await db.insertInto('touches').values([call('late-0', '2027-03-03', '15:00'), { ...call('oleg-1', '2027-03-10', '09:00'), employee_id: 'oleg' }]).execute();
    await runDailyWorkflows(db, handed, DateTime.fromISO('2027-03-10T06:30:00+03:00'));
    const late = await db.selectFrom('touches').select(['employee_id', 'date', 'start_at']).where('id', '=', 'late-0').executeTakeFirstOrThrow();
    expect([late.employee_id, late.date, late.start_at.slice(11, 16)]).toEqual(['oleg', '2027-03-10', '09:30']);
  });

  it('are not put at a time already past: a check run at 14:05 puts a late 10:00 call at 14:15', async () => {
    const db = await tempDatabase();
    await db.insertInto('touches').values([call('late-0', '2027-03-01', '10:00')]).execute();
    await runDailyWorkflows(db, marina, DateTime.fromISO('2027-03-10T14:05:00+03:00'));
    const late = await db.selectFrom('touches').select(['date', 'start_at']).where('id', '=', 'late-0').executeTakeFirstOrThrow();
    expect([late.date, late.start_at.slice(11, 16)]).toEqual(['2027-03-10', '14:15']);
  });

  it('with no room in a week, go on the next working day over the cap, at a free time', async () => {
    const db = await tempDatabase();
    const full = ['2027-03-10', '2027-03-11', '2027-03-12', '2027-03-15', '2027-03-16'].flatMap((d, i) => ['10:00', '11:00', '12:00'].map((t, j) => call(`full-${i}${j}`, d, t)));
    await db.insertInto('touches').values([call('late-0', '2027-03-01', '10:00'), ...full]).execute();
    await runDailyWorkflows(db, marina, DateTime.fromISO('2027-03-10T06:30:00+03:00'));
    const late = await db.selectFrom('touches').select(['date', 'start_at']).where('id', '=', 'late-0').executeTakeFirstOrThrow();
    expect([late.date, late.start_at.slice(11, 16)]).toEqual(['2027-03-10', '10:30']);
  });

  it('with no room in a week and the next working day packed from morning to evening, go on the first day with a free time, never on top', async () => {
    const db = await tempDatabase();
    // Hour-long calls from 09:00 to 18:00.
    const packed = Array.from({ length: 9 }, (_, k) => {
      const h = String(9 + k).padStart(2, '0');
      const end = String(10 + k).padStart(2, '0');
      return { ...call(`packed-${k}`, '2027-03-10', `${h}:00`), end_at: `2027-03-10T${end}:00:00.000+03:00` };
    });
    const full = ['2027-03-11', '2027-03-12', '2027-03-15', '2027-03-16'].flatMap((d, i) => ['10:00', '11:00', '12:00'].map((t, j) => call(`full-${i}${j}`, d, t)));
    await db.insertInto('touches').values([call('late-0', '2027-03-01', '10:00'), ...packed, ...full]).execute();
    await runDailyWorkflows(db, marina, DateTime.fromISO('2027-03-10T06:30:00+03:00'));
    const late = await db.selectFrom('touches').select(['date', 'start_at']).where('id', '=', 'late-0').executeTakeFirstOrThrow();
    expect([late.date, late.start_at.slice(11, 16)]).toEqual(['2027-03-11', '10:30']);
  });
});

describe('a touch its holder moved, changing hands at a handover', () => {
  it('goes to the successor on its day at a time they work, not left in the leaver\'s calendar', async () => {
    const company = (handover: boolean) => configOf({
      ...SETTINGS,
      employees: [employee('marina', 'account_manager'), employee('oleg', 'account_manager', { hours: '09:00-13:00' })],
      clients: [client('c0', { roles: ['buyer'], since: '2026-01-01', team: { account_manager: 'marina' } })],
      rules: [{ id: 'monthly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', per: 'client' }],
      handovers: handover ? [{ from: 'marina', to: 'oleg', on: '2027-03-15', notice_from: 'leaving' }] : [],
    });
    const db = await tempDatabase();
    await planWithHistory(db, company(false), { from: '2027-03-01', to: '2027-03-31' }, DateTime.fromISO('2027-03-01T08:00:00+03:00'), true);
    const call = await db.selectFrom('touches').selectAll().where('source', '=', 'rule:monthly').where('window_from', '=', '2027-03-01').executeTakeFirstOrThrow();
    // Marina moved it to 16:00 on the 17th (snoozed, or dragged in her calendar); then she leaves on the 15th.
    const start = DateTime.fromISO('2027-03-17T16:00:00+03:00', { setZone: true });
    expect(await rescheduleByUser(db, call.id, { date: '2027-03-17', start: start.toISO()!, end: start.plus({ minutes: 15 }).toISO()! }, '2027-03-02T08:00:00Z')).toBe(true);
    await planWithHistory(db, company(true), { from: '2027-03-02', to: '2027-03-31' }, DateTime.fromISO('2027-03-02T08:00:00+03:00'), true);
    const moved = await db.selectFrom('touches').selectAll().where('id', '=', call.id).executeTakeFirstOrThrow();
    expect(moved.employee_id).toBe('oleg');
    expect(moved.date).toBe('2027-03-17');
    const hhmm = DateTime.fromISO(moved.start_at, { setZone: true }).toFormat('HH:mm');
    expect(hhmm >= '09:00' && hhmm < '13:00', hhmm).toBe(true);
  });
});

describe('a moved touch changing hands, where the successor has their own call at that time', () => {
  it('leaves the successor\'s own call where it is and takes another time that day', async () => {
    const company = (handover: boolean) => configOf({
      ...SETTINGS,
      employees: [employee('marina', 'account_manager'), employee('oleg', 'account_manager')],
      clients: [
        client('c0', { roles: ['buyer'], since: '2026-01-01', team: { account_manager: 'marina' } }),
        client('c1', { roles: ['buyer'], since: '2026-01-01', team: { account_manager: 'oleg' } }),
      ],
      rules: [{ id: 'monthly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', per: 'client' }],
      handovers: handover ? [{ from: 'marina', to: 'oleg', on: '2027-03-15', notice_from: 'leaving' }] : [],
    });
    const db = await tempDatabase();
    await planWithHistory(db, company(false), { from: '2027-03-01', to: '2027-03-31' }, DateTime.fromISO('2027-03-01T08:00:00+03:00'), true);
    const march = (client: string) => db.selectFrom('touches').selectAll().where('source', '=', 'rule:monthly').where('client_id', '=', client).where('window_from', '=', '2027-03-01').executeTakeFirstOrThrow();
    const own = await march('c1');
    expect(own.date >= '2027-03-15').toBe(true);
    // Marina moves her c0 call onto the very day and time of Oleg's c1 call; then she leaves.
    expect(await rescheduleByUser(db, (await march('c0')).id, { date: own.date, start: own.start_at, end: own.end_at }, '2027-03-02T08:00:00Z')).toBe(true);
    await planWithHistory(db, company(true), { from: '2027-03-02', to: '2027-03-31' }, DateTime.fromISO('2027-03-02T08:00:00+03:00'), true);
    const [mine, handed] = [await march('c1'), await march('c0')];
    expect([mine.employee_id, mine.date, mine.start_at]).toEqual(['oleg', own.date, own.start_at]);
    expect([handed.employee_id, handed.date]).toEqual(['oleg', own.date]);
    expect(handed.start_at).not.toBe(own.start_at);
  });
});

describe('a late touch of an earlier period, moved forward by the morning check', () => {
  it('holds its time against what the plan places that day (it is no demand of the plan\'s window, yet it is in the calendar)', async () => {
    const company = configOf({
      ...SETTINGS,
      employees: [employee('anna', 'account_manager', { hours: '09:00-10:00' })],
      clients: [client('c0', { roles: ['buyer'], since: '2026-01-01', team: { account_manager: 'anna' } }), client('c1', { roles: ['buyer'], since: '2026-01-01', team: { account_manager: 'anna' } })],
      rules: [{ id: 'monthly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', per: 'client' }],
    });
    const db = await tempDatabase();
    // February's call to c1, never made, moved by the check onto the last day of March at 09:00.
    await db.insertInto('touches').values({
      id: 'late-feb', source: 'rule:monthly', series: 'rule:monthly|c1', kind: 'call', client_id: 'c1', contact_ids: '["c1-buyer0"]', employee_id: 'anna',
      date: '2027-03-31', start_at: '2027-03-31T09:00:00.000+03:00', end_at: '2027-03-31T09:30:00.000+03:00', all_day: 0, title: 'late call',
      window_from: '2027-02-01', window_to: '2027-02-28', remind: '[]', status: 'planned', resolved_at: null, resolved_date: null, resolved_by: null,
      note: null, created_at: '2027-02-01T00:00:00Z', updated_at: '2027-03-31T03:30:00Z', moved_by_user: 0, overdue_from: '2027-02-20', body: null,
    }).execute();
    // The plan of that day: March's calls to both clients have only that morning left, two
    // half-hour slots, one of them the late call's: one call fits, the other is "not planned".
    await planWithHistory(db, company, { from: '2027-03-31', to: '2027-03-31' }, DateTime.fromISO('2027-03-31T07:00:00+03:00'), true);
    const open = await db.selectFrom('touches').select(['id', 'start_at', 'end_at']).where('status', '=', 'planned').where('date', '=', '2027-03-31').execute();
    expect(open.map((t) => t.id)).toContain('late-feb');
    expect(open.length).toBe(2);
    for (const t of open) {
      expect(open.filter((o) => o.id !== t.id && Date.parse(o.start_at) < Date.parse(t.end_at) && Date.parse(t.start_at) < Date.parse(o.end_at)).map((o) => o.id), t.id).toEqual([]);
    }
  });
});

describe('late calls of two rules to one person', () => {
  it('go to different days where the week has room, as the plan keeps them apart (QA weeks F7)', async () => {
    const db = await tempDatabase();
    const company = configOf({
      ...SETTINGS,
      employees: [employee('am', 'account_manager')],
      clients: [client('c0', { roles: ['buyer'], since: '2026-01-01' })],
      rules: [
        { id: 'weekly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 week', per: 'contact' },
        { id: 'monthly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', per: 'contact' },
      ],
    });
    await planWithHistory(db, company, { from: '2027-03-01', to: '2027-04-30' }, DateTime.fromISO('2027-03-01T08:00:00+03:00'), true);
    // Nobody marked anything in March: the morning check of the 31st moves the late calls on —
    // the latest of each rule; the weekly rule's earlier ones are closed as missed.
    const report = await runDailyWorkflows(db, company, DateTime.fromISO('2027-03-31T06:30:00+03:00'));
    expect(report.overdueMoved).toBe(2);
    const open = await db.selectFrom('touches').select(['id', 'source', 'date', 'overdue_from']).where('status', '=', 'planned').where('all_day', '=', 0).execute();
    const monthly = open.filter((t) => t.source === 'rule:monthly' && t.overdue_from !== null);
    expect(monthly).toHaveLength(1);
    // Not on a day of a weekly call (late or on time): the buyer is not called twice that day.
    expect(open.filter((t) => t.source === 'rule:weekly' && t.date === monthly[0]!.date)).toEqual([]);
  });
});

describe('a late call of a rule whose next call is in the coming days', () => {
  // QA: February's late call was moved onto the day of March's call: one buyer called twice by one rule that day.
  it('is not put on the day of the next one: that day is passed over while the week has another', async () => {
    const db = await tempDatabase();
    const company = configOf({
      ...SETTINGS,
      employees: [employee('am', 'account_manager')],
      clients: [client('c0', { roles: ['buyer'], since: '2026-01-01' })],
      rules: [{ id: 'monthly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', per: 'client' }],
    });
    await planWithHistory(db, company, { from: '2027-02-01', to: '2027-04-30' }, DateTime.fromISO('2027-02-01T08:00:00+03:00'), true);
    const calls = await db.selectFrom('touches').selectAll().where('status', '=', 'planned').orderBy('date').execute();
    const [february, march] = [calls.find((t) => t.window_from === '2027-02-01')!, calls.find((t) => t.window_from === '2027-03-01')!];
    // March's call is on Wednesday the 10th at 15:00 (its holder put it there); February's was never made.
    expect(await rescheduleByUser(db, march.id, { date: '2027-03-10', start: '2027-03-10T15:00:00.000+03:00', end: '2027-03-10T15:30:00.000+03:00' }, '2027-03-01T08:00:00Z')).toBe(true);
    const report = await runDailyWorkflows(db, company, DateTime.fromISO('2027-03-10T06:30:00+03:00'));
    expect(report.overdueMoved).toBe(1);
    const moved = await db.selectFrom('touches').select(['date', 'overdue_from']).where('id', '=', february.id).executeTakeFirstOrThrow();
    expect(moved).toEqual({ date: '2027-03-11', overdue_from: february.date });
  });
});

describe('a late letter a business event timed', () => {
  it('is no call: it goes on the next working day though one of its contacts has a call that day (QA workflows F2: it was held back a day, as a call would be)', async () => {
    const dir = writeConfig({ 'touchbase.yaml': {
      settings: { company: 'Mini', timezone: 'Europe/Moscow', country: 'RU', hours: '09:00-18:00', horizon: '90 days', language: 'en' },
      employees: [{ id: 'am', name: 'Anna Am', email: 'am@m.example', role: 'account_manager' }],
      clients: [{ id: 'c1', name: 'C One', since: '2020-01-01', contacts: [{ id: 'c1-buy', name: 'Bob Buyer', role: 'buyer' }, { id: 'c1-buy2', name: 'Bea Buyer', role: 'buyer' }] }],
      rules: [{ id: 'buyers', ours: 'account_manager', theirs: ['buyer'], kind: 'call', every: '1 month', per: 'contact', duration: '30 minutes' }],
      triggers: [{ id: 'shipped', event: 'order.shipped', ours: 'account_manager', theirs: ['buyer'], kind: 'letter', within: '4 hours' }],
      overdue: { after: '2 days' },
    } });
    const file = await tempDatabaseLocation();
    const run = cliOn(dir, file);
    await run('2027-01-04T08:00:00+03:00', 'once');
    await run('2027-01-15T09:00:00+03:00', 'event', 'order.shipped', '--client', 'c1', '--ref', 'SO-1', '--at', '2027-01-15T09:00:00+03:00');
    const db = await openMigrated(file);
    const touches = () => db.selectFrom('touches').select(['source', 'kind', 'date']).where('status', '=', 'planned').execute();
    // Tuesday 19 January: a buyer's call that day (the letter's contacts are both buyers).
    expect((await touches()).some((t) => t.kind === 'call' && t.date === '2027-01-19')).toBe(true);
    await run('2027-01-19T06:30:00+03:00', 'checks');
    expect((await touches()).filter((t) => t.source.startsWith('trigger:')).map((t) => t.date)).toEqual(['2027-01-19']);
    await db.destroy();
  });
});

describe('a touch cancelled by a cadence change, its period back under a cadence changed back', () => {
  // QA: monthly → quarterly → monthly. February's call, cancelled while the rule was quarterly, was
  // "kept on its day over meetings_per_day" by every later plan — a day already past: shown as
  // overdue, recorded by no save (it stayed cancelled), and no warning said February had no call.
  it('is placed from today where there is room, and otherwise named in a warning, never kept on its past day', async () => {
    const db = await tempDatabase();
    const company = (every: string, perDay: number) => configOf({
      ...SETTINGS,
      employees: [employee('am', 'account_manager', { meetings_per_day: perDay })],
      clients: [client('c0', { roles: ['buyer'], since: '2026-01-01', tier: 'A' }), ...['c1', 'c2', 'c3', 'c4'].map((id) => client(id, { roles: ['buyer'], since: '2026-01-01', tier: 'B' }))],
      rules: [
        { id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every, per: 'client', for: { tier: ['A'] } },
        { id: 'visits', ours: 'account_manager', theirs: 'buyer', kind: 'meeting', every: '3 months', per: 'client', for: { tier: ['B'] } },
      ],
    });
    const at = (day: string) => DateTime.fromISO(`${day}T08:00:00+03:00`);
    await planWithHistory(db, company('1 month', 1), { from: '2027-01-11', to: '2027-04-30' }, at('2027-01-11'), true);
    const february = await db.selectFrom('touches').selectAll().where('source', '=', 'rule:calls').where('window_from', '=', '2027-02-01').executeTakeFirstOrThrow();
    await planWithHistory(db, company('3 months', 1), { from: '2027-01-25', to: '2027-04-30' }, at('2027-01-25'), true);
    expect((await db.selectFrom('touches').select('status').where('id', '=', february.id).executeTakeFirstOrThrow()).status).toBe('cancelled');
    // The day after February's call was due, the rest of February filled: the visits moved there by the employee.
    const today = addDays(february.date, 1);
    const workdays = ['2027-02-15', '2027-02-16', '2027-02-17', '2027-02-18', '2027-02-19', '2027-02-22', '2027-02-24', '2027-02-25', '2027-02-26'].filter((d) => d >= today);
    const visits = await db.selectFrom('touches').selectAll().where('source', '=', 'rule:visits').where('status', '=', 'planned').orderBy('date').execute();
    expect(workdays.length).toBeGreaterThan(0);
    expect(visits.length).toBeGreaterThanOrEqual(workdays.length);
    for (const [i, day] of workdays.entries()) {
      expect(await rescheduleByUser(db, visits[i]!.id, { date: day, start: `${day}T11:00:00.000+03:00`, end: `${day}T12:00:00.000+03:00` }, `${february.date}T12:00:00Z`)).toBe(true);
    }
    const { result } = await planWithHistory(db, company('1 month', 1), { from: today, to: '2027-04-30' }, at(today), true);
    expect(result.touches.filter((t) => t.id === february.id)).toEqual([]);
    expect(result.warnings.filter((w) => w.touch === february.id).map((w) => w.message)).toEqual([
      expect.stringMatching(/^not planned: am has no free slot .* on any working day from 2027-02-01 to 2027-02-28$/),
    ]);
    // With room (two a day), it is placed from today.
    const { result: again } = await planWithHistory(db, company('1 month', 2), { from: today, to: '2027-04-30' }, at(today), true);
    expect(again.touches.filter((t) => t.id === february.id).map((t) => [t.date, t.status])).toEqual([[workdays[0], 'planned']]);
  });
});
