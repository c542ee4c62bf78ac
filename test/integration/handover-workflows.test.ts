import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { DB } from '../../src/storage/database.ts';
import { tempDatabase } from '../helpers/temp-database.ts';
import { runDailyWorkflows } from '../../src/workflows/daily.ts';
import { runWeeklyDigest } from '../../src/workflows/digest.ts';
import { receiveEvent } from '../../src/workflows/trigger-events.ts';
import { loadReportContext } from '../../src/reports/report-data.ts';
import { clientsReport } from '../../src/reports/clients-report.ts';
import { coverageReport } from '../../src/reports/coverage.ts';
import { silenceReport } from '../../src/reports/silence-report.ts';
import { holderOn } from '../../src/domain/team.ts';
import { listHistory } from '../../src/storage/touch-repository.ts';
import { refreshDashboard } from '../../src/dashboard/refresh.ts';
import { isClientOf } from '../../src/storage/dashboard-queries.ts';
import { client, configOf } from '../helpers/config-folder.ts';
import { workflowCompany } from '../helpers/workflow-company.ts';
import { horizonWindow, planWithHistory } from '../../src/plan-service.ts';

// Anna (alpha's account manager) hands her clients over to Oleg on 1 April 2027; Pavel, their
// sales director, hands his over to Irina on 1 May. What goes to "the client's account manager"
// or "sales director" goes to whoever holds the role on the day, as the plan's touches do.
const base = workflowCompany({ clients: [
  client('alpha', { roles: ['ceo', 'director', 'buyer'], team: { account_manager: 'anna', sales_director: 'pavel' }, since: '2020-01-10' }),
  client('beta', { roles: ['ceo', 'buyer', 'buyer'], team: { account_manager: 'oleg', sales_director: 'pavel' }, since: '2020-01-10' }),
] });
const sections = {
  ...base,
  employees: [...base.employees, { id: 'irina', name: 'Emp irina', role: 'sales_director', email: 'irina@corp.example' }],
  handovers: [
    { from: 'anna', to: 'oleg', on: '2027-04-01', notice_from: 'management' },
    { from: 'pavel', to: 'irina', on: '2027-05-01', notice_from: 'management' },
  ],
  digest: { to: ['sales_director', 'account_manager'] },
};
const config = configOf(sections);
const morning = (date: string) => DateTime.fromISO(`${date}T07:00:00+03:00`, { setZone: true });

function done(id: string, clientId: string, employee: string, date: string) {
  return {
    // A rule of the company's (a touch of a rule it no longer has is cancelled, not handed on).
    id, source: 'rule:buyer-calls', series: `rule:buyer-calls|${clientId}|${id}`, kind: 'call', client_id: clientId, contact_ids: '[]', employee_id: employee,
    date, start_at: `${date}T10:00:00.000+03:00`, end_at: `${date}T10:15:00.000+03:00`, all_day: 0, title: `call ${clientId}`,
    window_from: date, window_to: date, remind: '[]', status: 'done' as const, resolved_at: `${date}T10:15:00Z`, resolved_date: date, resolved_by: employee,
    note: null, created_at: '2027-01-01T00:00:00Z', updated_at: '2027-01-01T00:00:00Z', moved_by_user: 0, overdue_from: null, body: null,
  };
}

async function company(): Promise<DB> {
  const d = await tempDatabase();
  // Beta's call is done before the days the tests look at (a report as of a day does not count
  // what is done after it).
  await d.insertInto('touches').values([done('a1', 'alpha', 'anna', '2027-02-01'), done('b1', 'beta', 'oleg', '2027-03-20')]).execute();
  return d;
}

const open = (d: DB, source: string) => d.selectFrom('touches').selectAll().where('source', 'like', `${source}%`).where('status', '=', 'planned').execute();

describe('after a handover, work about the leaver\'s clients goes to the successor', () => {
  it('holderOn follows the handovers by day, through a chain', () => {
    const chain = [{ from: 'a', to: 'b', on: '2027-04-01', noticeFrom: 'management' as const }, { from: 'b', to: 'c', on: '2027-05-01', noticeFrom: 'management' as const }];
    expect(['2027-03-31', '2027-04-01', '2027-04-30', '2027-05-01'].map((day) => holderOn(chain, 'a', day))).toEqual(['a', 'b', 'b', 'c']);
    expect(holderOn(chain, 'z', '2027-06-01')).toBe('z');
  });

  it('a silence alert, and its escalation, go to who holds the roles on the day', async () => {
    const d = await company();
    // alpha: silent since 1 February (60 days: from 3 April on); Anna left on 1 April.
    expect(await runDailyWorkflows(d, config, morning('2027-04-05'))).toMatchObject({ silenceAlerts: 1 });
    const [alert] = await open(d, 'silence:');
    expect(alert).toMatchObject({ client_id: 'alpha', employee_id: 'oleg' });
    // A week later, undone: up to the sales director — Irina from 1 May, Pavel before.
    expect(await runDailyWorkflows(d, config, morning('2027-04-12'))).toMatchObject({ silenceEscalated: 1 });
    expect((await open(d, 'escalation:silence:'))[0]).toMatchObject({ employee_id: 'pavel' });
    expect(silenceReport(await loadReportContext(d, config, '2027-04-12')).rows).toMatchObject([{ client: 'alpha', account_manager: 'oleg' }]);
  });

  it('a business event\'s touch goes to whoever holds the role when it is due', async () => {
    const d = await company();
    const before = await receiveEvent(d, config, { name: 'order.shipped', client: 'alpha', ref: 'SO-1', at: '2027-03-30T11:00:00+03:00' }, DateTime.fromISO('2027-03-30T11:00:00+03:00', { setZone: true }));
    const after = await receiveEvent(d, config, { name: 'order.shipped', client: 'alpha', ref: 'SO-2', at: '2027-04-02T11:00:00+03:00' }, DateTime.fromISO('2027-04-02T11:00:00+03:00', { setZone: true }));
    const byRef = new Map((await open(d, 'trigger:')).map((t) => [t.title, t.employee_id]));
    expect([before.created, after.created]).toEqual([true, true]);
    expect([byRef.get('Tell alpha Ltd that order SO-1 has shipped'), byRef.get('Tell alpha Ltd that order SO-2 has shipped')]).toEqual(['anna', 'oleg']);
  });

  it('an event told the evening before a handover, its call on the handover\'s day, is the successor\'s at once, at a time they have free', async () => {
    const d = await company();
    const evening = (time: string) => DateTime.fromISO(`2027-03-31T${time}:00+03:00`, { setZone: true });
    // After hours on Wednesday: both calls go on Thursday 1 April, the day Oleg takes over Anna's clients.
    await receiveEvent(d, config, { name: 'order.shipped', client: 'beta', ref: 'SO-B' }, evening('19:20'));
    await receiveEvent(d, config, { name: 'order.shipped', client: 'alpha', ref: 'SO-A' }, evening('19:30'));
    const calls = (await open(d, 'trigger:')).map((t) => [t.client_id, t.employee_id, t.start_at, t.end_at]).sort();
    expect(calls).toEqual([
      ['alpha', 'oleg', '2027-04-01T09:15:00.000+03:00', '2027-04-01T09:30:00.000+03:00'],
      ['beta', 'oleg', '2027-04-01T09:00:00.000+03:00', '2027-04-01T09:15:00.000+03:00'],
    ]);
  });

  it('the reports and the digest name the successor as the client\'s owner from the handover\'s day', async () => {
    const d = await company();
    const owners = async (today: string) => clientsReport(await loadReportContext(d, config, today)).rows.map((r) => [r.client, r.owner]);
    expect(await owners('2027-03-31')).toEqual([['alpha', 'anna'], ['beta', 'oleg']]);
    expect(await owners('2027-04-01')).toEqual([['alpha', 'oleg'], ['beta', 'oleg']]);
    const coverage = coverageReport(await loadReportContext(d, config, '2027-04-01'));
    const alpha = coverage.rows.filter((r) => r.client === 'alpha');
    expect(alpha.length).toBeGreaterThan(0);
    for (const r of alpha) expect(r.employee).toBe(r.ours === 'account_manager' ? 'oleg' : 'pavel');
    // The Monday digest of 7 June: Anna reads nothing (she left); Oleg reads both clients, Irina too.
    await runWeeklyDigest(d, config, DateTime.fromISO('2027-06-07T07:30:00+03:00', { setZone: true }));
    const readers = (await d.selectFrom('touches').select('employee_id').where('source', 'like', 'digest:%').execute()).map((r) => r.employee_id).sort();
    expect(readers).toEqual(['irina', 'oleg']);
  });

  it('the dashboard shows the successor on the client\'s team, and lets them see the client', async () => {
    const d = await company();
    await refreshDashboard(d, config, morning('2027-04-05'));
    expect(await isClientOf(d, 'oleg', 'alpha')).toBe(true);
    const row = await d.selectFrom('dashboard_clients' as never).select('detail' as never).where('id' as never, '=', 'alpha' as never).executeTakeFirstOrThrow() as { detail: string };
    expect(JSON.parse(row.detail).team).toEqual([{ role: 'account_manager', employee: 'oleg' }, { role: 'sales_director', employee: 'pavel' }]);
  });

  it('a leaver\'s late touches go to the successor when the morning\'s check moves them, not on in the leaver\'s calendar', async () => {
    const d = await company();
    // Due in March, never done: late when Anna leaves on 1 April.
    const late = { ...done('late1', 'alpha', 'anna', '2027-03-25'), status: 'planned' as const, resolved_at: null, resolved_date: null, resolved_by: null };
    const ownLate = { ...done('late2', 'beta', 'oleg', '2027-03-25'), status: 'planned' as const, resolved_at: null, resolved_date: null, resolved_by: null };
    await d.insertInto('touches').values([late, ownLate]).execute();
    // Still hers before her last day…
    await runDailyWorkflows(d, config, morning('2027-03-30'));
    expect(await d.selectFrom('touches').select(['employee_id', 'date']).where('id', '=', 'late1').executeTakeFirstOrThrow()).toEqual({ employee_id: 'anna', date: '2027-03-30' });
    // …Oleg's from the handover's day, at the same time of day; Oleg's own late touch just moves,
    // to the first free time after that one (both were at 10:00: not on top of each other).
    await runDailyWorkflows(d, config, morning('2027-04-05'));
    const moved = await d.selectFrom('touches').selectAll().where('id', 'in', ['late1', 'late2']).orderBy('id').execute();
    expect(moved.map((t) => [t.id, t.employee_id, t.date, t.start_at.slice(11, 16), t.overdue_from])).toEqual([
      ['late1', 'oleg', '2027-04-05', '10:00', '2027-03-25'],
      ['late2', 'oleg', '2027-04-05', '10:15', '2027-03-25'],
    ]);
    const history = await d.selectFrom('touch_events').select(['type', 'cause', 'employee_id', 'detail']).where('touch_id', '=', 'late1').orderBy('seq').execute();
    expect(history.filter((h) => h.type === 'reassigned')).toEqual([{ type: 'reassigned', cause: 'handover', employee_id: 'oleg', detail: 'from anna' }]);
    expect(history.filter((h) => h.type === 'rescheduled').map((h) => h.employee_id)).toEqual(['anna', 'oleg']);
    // Its planning line says what was planned then: Anna's, on 25 March (not Oleg's, on the day it was moved to).
    const lines = await listHistory(d, { client: 'alpha' });
    expect(lines.find((l) => l.touchId === 'late1' && l.type === 'planned')).toMatchObject({ employee: 'anna', toDate: '2027-03-25' });
    expect(lines.filter((l) => l.touchId === 'late1').map((l) => [l.type, l.employee, l.fromDate, l.toDate])).toEqual([
      ['planned', 'anna', null, '2027-03-25'],
      ['rescheduled', 'anna', '2027-03-25', '2027-03-30'],
      ['reassigned', 'oleg', '2027-03-30', '2027-03-30'],
      ['rescheduled', 'oleg', '2027-03-30', '2027-04-05'],
    ]);
    // Moved again the next morning: no second reassignment.
    await runDailyWorkflows(d, config, morning('2027-04-07'));
    expect((await d.selectFrom('touch_events').select('type').where('touch_id', '=', 'late1').where('type', '=', 'reassigned').execute()).length).toBe(1);
  });

  it('a leaver\'s greeting whose day is over stays on its day, and goes to the successor from the handover\'s day, so that someone present can mark it', async () => {
    const withGreetings = configOf({ ...sections, campaigns: [{ id: 'womens-day', kind: 'greeting', on: '03-08', theirs: 'ceo', ours: 'account_manager', prepare: '10 days' }] });
    const d = await company();
    const greeting = {
      ...done('greet1', 'alpha', 'anna', '2027-03-05'), source: 'campaign:womens-day', series: 'campaign:womens-day|alpha|2027', kind: 'letter',
      start_at: '2027-03-05', end_at: '2027-03-06', all_day: 1, window_from: '2027-02-26', window_to: '2027-03-08',
      status: 'planned' as const, resolved_at: null, resolved_date: null, resolved_by: null,
    };
    await d.insertInto('touches').values([greeting]).execute();
    const where = async () => d.selectFrom('touches').select(['employee_id', 'date', 'status']).where('id', '=', 'greet1').executeTakeFirstOrThrow();
    // Missed, and still hers before her last day: it is not rolled on into April.
    await runDailyWorkflows(d, withGreetings, morning('2027-03-30'));
    expect(await where()).toEqual({ employee_id: 'anna', date: '2027-03-05', status: 'planned' });
    // From the handover's day, Oleg's, on the same day; once.
    await runDailyWorkflows(d, withGreetings, morning('2027-04-05'));
    expect(await where()).toEqual({ employee_id: 'oleg', date: '2027-03-05', status: 'planned' });
    await runDailyWorkflows(d, withGreetings, morning('2027-04-06'));
    const history = await d.selectFrom('touch_events').select(['type', 'cause', 'employee_id']).where('touch_id', '=', 'greet1').where('type', '=', 'reassigned').execute();
    expect(history).toEqual([{ type: 'reassigned', cause: 'handover', employee_id: 'oleg' }]);
  });

  it('a handover written late gives the successor the leaver\'s open workflow touches at the next plan, not when they are overdue', async () => {
    const d = await company();
    // Anna's last day was 31 March; nobody wrote it down. On 5 April the morning's check and an
    // order still give alpha's work to her.
    const unaware = { ...config, handovers: config.handovers.filter((h) => h.from !== 'anna') };
    const at = DateTime.fromISO('2027-04-05T11:00:00+03:00', { setZone: true });
    await runDailyWorkflows(d, unaware, morning('2027-04-05'));
    await receiveEvent(d, unaware, { name: 'order.shipped', client: 'alpha', ref: 'SO-3', at: at.toISO()! }, at);
    // Hers from before her last day, still open: the overdue check gives it on when it is late.
    const before = { ...done('own1', 'alpha', 'anna', '2027-03-31'), source: 'trigger:order-shipped', series: 'trigger:x', status: 'planned' as const, resolved_at: null, resolved_date: null, resolved_by: null };
    await d.insertInto('touches').values(before).execute();
    const held = async () => (await d.selectFrom('touches').select(['id', 'source', 'employee_id']).where('client_id', '=', 'alpha').where('status', '=', 'planned')
      .where((w) => w.or([w('source', 'like', 'silence:%'), w('source', 'like', 'trigger:%')])).orderBy('source').orderBy('id').execute()).map((r) => [r.source.split(':')[0], r.id === 'own1' ? 'own1' : 'new', r.employee_id]);
    expect(await held()).toEqual([['silence', 'new', 'anna'], ['trigger', 'new', 'anna'], ['trigger', 'own1', 'anna']]);
    // The handover is written at 11:00 and the daemon plans: the alert and the order's letter are Oleg's.
    await planWithHistory(d, config, horizonWindow(config, at), at, true);
    expect(await held()).toEqual([['silence', 'new', 'oleg'], ['trigger', 'new', 'oleg'], ['trigger', 'own1', 'anna']]);
    const given = await d.selectFrom('touch_events').select(['type', 'cause', 'employee_id', 'detail']).where('type', '=', 'reassigned').execute();
    expect(given).toEqual([
      { type: 'reassigned', cause: 'handover', employee_id: 'oleg', detail: 'from anna' },
      { type: 'reassigned', cause: 'handover', employee_id: 'oleg', detail: 'from anna' },
    ]);
    // Planned again: nothing more changes hands.
    await planWithHistory(d, config, horizonWindow(config, at), at.plus({ minutes: 5 }), true);
    expect((await d.selectFrom('touch_events').select('type').where('type', '=', 'reassigned').execute()).length).toBe(2);
  });

  it('an employee removed without a handover: their open touches of the days before today go to whoever holds the role now, not into nobody\'s calendar until overdue', async () => {
    const d = await company();
    const at = DateTime.fromISO('2027-04-06T09:00:00+03:00', { setZone: true });
    // Anna's call of yesterday, not marked yet; her order letter of today; a digest of hers (no client role: stays).
    const open = (id: string, source: string, date: string, clientId = 'alpha') => ({ ...done(id, clientId, 'anna', date), source, series: `${source}|${id}`, status: 'planned' as const, resolved_at: null, resolved_date: null, resolved_by: null });
    await d.insertInto('touches').values([open('y1', 'rule:buyer-calls', '2027-04-05'), open('t1', 'trigger:order-shipped', '2027-04-06'), open('g1', 'digest:weekly', '2027-04-05', '*'),
      open('s2', 'silence:alpha', '2027-04-06')]).execute();
    // Anna is gone from the configuration; alpha's account manager is Oleg now.
    const base = workflowCompany({ clients: [client('alpha', { roles: ['ceo', 'director', 'buyer'], team: { account_manager: 'oleg' }, since: '2020-01-10' })] });
    const without = configOf({ ...base, employees: base.employees.filter((e) => e.id !== 'anna') });
    await planWithHistory(d, without, horizonWindow(without, at), at, true);
    const held = await d.selectFrom('touches').select(['id', 'employee_id', 'date', 'start_at']).where('id', 'in', ['y1', 't1', 'g1', 's2']).orderBy('id').execute();
    expect(held.map((t) => [t.id, t.employee_id, t.date])).toEqual([['g1', 'anna', '2027-04-05'], ['s2', 'oleg', '2027-04-06'], ['t1', 'oleg', '2027-04-06'], ['y1', 'oleg', '2027-04-05']]);
    expect(held.find((t) => t.id === 'y1')!.start_at).toBe('2027-04-05T10:00:00.000+03:00');
    const given = await d.selectFrom('touch_events').select(['touch_id', 'cause', 'employee_id', 'detail']).where('type', '=', 'reassigned').orderBy('touch_id').execute();
    expect(given).toEqual([
      { touch_id: 's2', cause: 'plan', employee_id: 'oleg', detail: 'from anna, no longer in the configuration' },
      { touch_id: 't1', cause: 'plan', employee_id: 'oleg', detail: 'from anna, no longer in the configuration' },
      { touch_id: 'y1', cause: 'plan', employee_id: 'oleg', detail: 'from anna, no longer in the configuration' },
    ]);
  });

  it('a touch given on where its new holder is busy at its time goes to their next free time, not on top of their own', async () => {
    const d = await company();
    const at = DateTime.fromISO('2027-04-06T08:00:00+03:00', { setZone: true });
    const open = (id: string, employee: string, source: string) => ({
      ...done(id, 'alpha', employee, '2027-04-06'), source, series: `${source}|${id}`, status: 'planned' as const, resolved_at: null, resolved_date: null, resolved_by: null,
    });
    // Anna's order letter and silence alert at 10:00, written before her handover to Oleg (1 April) was; Oleg's own call at 10:00.
    await d.insertInto('touches').values([open('t1', 'anna', 'trigger:order-shipped'), open('s1', 'anna', 'silence:alpha'), open('o1', 'oleg', 'trigger:order-shipped')]).execute();
    await planWithHistory(d, config, horizonWindow(config, at), at, true);
    const rows = await d.selectFrom('touches').select(['id', 'employee_id', 'start_at']).where('id', 'in', ['t1', 's1', 'o1']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'o1', employee_id: 'oleg', start_at: '2027-04-06T10:00:00.000+03:00' },
      { id: 's1', employee_id: 'oleg', start_at: '2027-04-06T10:15:00.000+03:00' },
      { id: 't1', employee_id: 'oleg', start_at: '2027-04-06T10:30:00.000+03:00' },
    ]);
    // Nothing of Oleg's that day at one time with another.
    const spans = (await d.selectFrom('touches').select(['start_at', 'end_at']).where('employee_id', '=', 'oleg').where('date', '=', '2027-04-06').where('all_day', '=', 0).where('status', '=', 'planned').execute())
      .map((r) => [Date.parse(r.start_at), Date.parse(r.end_at)] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
  });

  it('a client given to another account manager in the CRM: its open workflow touches of today on go to the new one at the next plan; late ones, digests and other clients\' stay', async () => {
    const d = await company();
    const at = DateTime.fromISO('2027-03-10T09:00:00+03:00', { setZone: true });
    const open = (id: string, source: string, date: string, clientId = 'alpha') => ({ ...done(id, clientId, 'anna', date), source, series: `${source}|${id}`, status: 'planned' as const, resolved_at: null, resolved_date: null, resolved_by: null });
    // Anna's order letter of today and one of next week, a silence alert, yesterday's late one, her digest, and a letter at beta (not hers by role).
    await d.insertInto('touches').values([open('t1', 'trigger:order-shipped', '2027-03-10'), open('t2', 'trigger:order-shipped', '2027-03-15'), open('s1', 'silence:alpha', '2027-03-11'),
      open('late', 'trigger:order-shipped', '2027-03-09'), open('g1', 'digest:weekly', '2027-03-15', '*'), open('bt', 'trigger:order-shipped', '2027-03-12', 'beta')]).execute();
    const base = workflowCompany({ clients: [
      client('alpha', { roles: ['ceo', 'director', 'buyer'], team: { account_manager: 'oleg', sales_director: 'pavel' }, since: '2020-01-10' }),
      client('beta', { roles: ['ceo', 'buyer', 'buyer'], team: { account_manager: 'anna', sales_director: 'pavel' }, since: '2020-01-10' }),
    ] });
    const moved = configOf(base);
    await planWithHistory(d, moved, horizonWindow(moved, at), at, true);
    const held = async () => (await d.selectFrom('touches').select(['id', 'employee_id']).where('id', 'in', ['t1', 't2', 's1', 'late', 'g1', 'bt']).orderBy('id').execute()).map((t) => [t.id, t.employee_id]);
    expect(await held()).toEqual([['bt', 'anna'], ['g1', 'anna'], ['late', 'anna'], ['s1', 'oleg'], ['t1', 'oleg'], ['t2', 'oleg']]);
    const given = await d.selectFrom('touch_events').select(['touch_id', 'cause', 'employee_id', 'detail']).where('type', '=', 'reassigned').orderBy('touch_id').execute();
    expect(given).toEqual(['s1', 't1', 't2'].map((id) => ({ touch_id: id, cause: 'plan', employee_id: 'oleg', detail: 'from anna, who no longer holds that role for the client' })));
    // Planned again: nothing more changes hands.
    await planWithHistory(d, moved, horizonWindow(moved, at), at.plus({ minutes: 5 }), true);
    expect((await d.selectFrom('touch_events').select('type').where('type', '=', 'reassigned').execute()).length).toBe(3);
  });

  it('a touch given on takes its new holder\'s day and zone: the same wall-clock time in their zone, their next working day if its day is not one', async () => {
    const d = await company();
    const base = workflowCompany();
    // Anna (Moscow) hands over to Ion (Bucharest) on 1 March 2027; 1 June is a public holiday in Romania only.
    const config2 = configOf({ ...base, employees: [...base.employees, { id: 'ion', name: 'Ion', role: 'account_manager', timezone: 'Europe/Bucharest', country: 'RO', email: 'ion@corp.example' }],
      handovers: [{ from: 'anna', to: 'ion', on: '2027-03-01', notice_from: 'management' }] });
    const open = (id: string, source: string, date: string, start: string, end: string, allDay: 0 | 1) => ({
      ...done(id, 'alpha', 'anna', date), source, series: `${source}|${id}`, start_at: start, end_at: end, all_day: allDay,
      status: 'planned' as const, resolved_at: null, resolved_date: null, resolved_by: null,
    });
    await d.insertInto('touches').values([
      open('t1', 'trigger:order-shipped', '2027-03-02', '2027-03-02T10:00:00.000+03:00', '2027-03-02T10:15:00.000+03:00', 0),
      open('s1', 'silence:alpha', '2027-06-01', '2027-06-01', '2027-06-02', 1),
    ]).execute();
    const at = DateTime.fromISO('2027-03-02T08:00:00+03:00', { setZone: true });
    await planWithHistory(d, config2, horizonWindow(config2, at), at, true);
    const rows = await d.selectFrom('touches').select(['id', 'employee_id', 'date', 'start_at', 'end_at']).where('id', 'in', ['t1', 's1']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 's1', employee_id: 'ion', date: '2027-06-02', start_at: '2027-06-02', end_at: '2027-06-03' },
      { id: 't1', employee_id: 'ion', date: '2027-03-02', start_at: '2027-03-02T10:00:00.000+02:00', end_at: '2027-03-02T10:15:00.000+02:00' },
    ]);
  });

  it('an escalation is not given on to the person whose touch it escalates; one about someone else\'s is', async () => {
    const d = await company();
    const base = workflowCompany();
    // Pavel, the sales director, hands over to Anna, an account manager.
    const config2 = configOf({ ...base, handovers: [{ from: 'pavel', to: 'anna', on: '2027-03-01', notice_from: 'management' }] });
    const row = (id: string, employee: string, source: string, series: string, date = '2027-03-03') => ({
      ...done(id, 'alpha', employee, date), source, series, status: 'planned' as const, resolved_at: null, resolved_date: null, resolved_by: null,
    });
    await d.insertInto('touches').values([
      row('annas', 'anna', 'rule:ceo-meeting', 'rule:ceo-meeting|alpha|x', '2027-02-20'),
      row('olegs', 'oleg', 'rule:ceo-meeting', 'rule:ceo-meeting|beta|x', '2027-02-20'),
      row('e1', 'pavel', 'escalation:overdue:alpha', 'escalation:overdue:annas'),
      row('e2', 'pavel', 'escalation:overdue:beta', 'escalation:overdue:olegs'),
    ]).execute();
    const at = DateTime.fromISO('2027-03-02T08:00:00+03:00', { setZone: true });
    await planWithHistory(d, config2, horizonWindow(config2, at), at, true);
    const held = await d.selectFrom('touches').select(['id', 'employee_id']).where('id', 'in', ['e1', 'e2']).orderBy('id').execute();
    expect(held).toEqual([{ id: 'e1', employee_id: 'pavel' }, { id: 'e2', employee_id: 'anna' }]);
  });
});
