import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { tempDatabase } from '../helpers/temp-database.ts';
import { planWithHistory } from '../../src/plan-service.ts';
import { runDailyWorkflows } from '../../src/workflows/daily.ts';
import { SETTINGS, client, configOf, employee } from '../helpers/config-folder.ts';
import { addDays } from '../../src/planner/dates.ts';

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
