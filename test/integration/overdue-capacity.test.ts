import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { tempDatabase } from '../helpers/temp-database.ts';
import { planWithHistory } from '../../src/plan-service.ts';
import { runDailyWorkflows } from '../../src/workflows/daily.ts';
import { SETTINGS, client, configOf, employee } from '../helpers/config-folder.ts';
import { addDays } from '../../src/planner/dates.ts';

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
    // Kept over the cap, never on top of another on-time touch. (A late one the morning check
    // moved forward keeps its time of day, wherever that falls: README, "Left".)
    const open = await db.selectFrom('touches').select(['id', 'date', 'start_at', 'end_at', 'overdue_from']).where('status', '=', 'planned').where('overdue_from', 'is', null).execute();
    const span = (t: { start_at: string; end_at: string }) => [Date.parse(t.start_at), Date.parse(t.end_at)] as const;
    for (const t of open) {
      const [s, e] = span(t);
      expect(open.filter((o) => o.id !== t.id && o.date === t.date && span(o)[0] < e && s < span(o)[1]).map((o) => o.id), `${t.id} on ${t.date}`).toEqual([]);
    }
    // Every client still has its call of every week, open in someone's calendar (or late, moved on).
    const touches = await db.selectFrom('touches').select(['client_id', 'window_from', 'status']).execute();
    for (const week of ['2027-03-01', '2027-03-15', '2027-03-22']) {
      expect(touches.filter((t) => t.window_from === week && t.status === 'planned').map((t) => t.client_id).sort()).toEqual(config.clients.map((c) => c.id).sort());
    }
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
