import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { parse as parseCsv } from 'csv-parse/sync';
import type { DB } from '../../src/storage/database.ts';
import { tempDatabase } from '../helpers/temp-database.ts';
import { loadReportContext } from '../../src/reports/report-data.ts';
import { translator } from '../../src/i18n/translator.ts';
import { coverageReport } from '../../src/reports/coverage.ts';
import { breadthReport } from '../../src/reports/breadth.ts';
import { punctualityReport } from '../../src/reports/punctuality.ts';
import { overdueReport } from '../../src/reports/overdue-report.ts';
import { renderReport, type Report } from '../../src/reports/report.ts';
import { coverageCells, coverageMonthsReport } from '../../src/reports/coverage-months.ts';
import { clientsReport } from '../../src/reports/clients-report.ts';
import { greetingsReport } from '../../src/reports/greetings.ts';
import { handoversReport } from '../../src/reports/handovers.ts';
import { addDays } from '../../src/planner/dates.ts';
import { loadReport } from '../../src/reports/load.ts';
import { REPORT_NAMES, REPORTS } from '../../src/reports/registry.ts';
import { en as enMessages } from '../../src/i18n/en.ts';
import { ru } from '../../src/i18n/ru.ts';
import { ro } from '../../src/i18n/ro.ts';
import { client, configOf, tempDir, writeConfig } from '../helpers/config-folder.ts';
import { workflowCompany } from '../helpers/workflow-company.ts';
import { cli, cliOn } from '../helpers/run-cli.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';
import { openMigrated } from '../../src/storage/database.ts';

const TODAY = '2027-06-15';
const config = configOf(workflowCompany());
const en = translator('en');
const summary = (r: Report) => Object.fromEntries(r.summary.map((x) => [x.key, x.value]));

type Status = 'planned' | 'done' | 'skipped';
function touch(id: string, o: { client: string; employee: string; source: string; contacts: string[]; date: string; windowTo?: string; status?: Status; doneOn?: string; kind?: string }) {
  const status = o.status ?? 'planned';
  return {
    id, source: o.source, series: `${o.source}|${o.client}|${id}`, kind: o.kind ?? 'call', client_id: o.client, contact_ids: JSON.stringify(o.contacts),
    employee_id: o.employee, date: o.date, start_at: `${o.date}T10:00:00.000+03:00`, end_at: `${o.date}T10:30:00.000+03:00`, all_day: 0,
    title: `${o.source} ${o.client} ${o.date}`, window_from: o.date, window_to: o.windowTo ?? o.date, remind: '[]', status,
    resolved_at: status === 'planned' ? null : `${o.doneOn ?? o.date}T12:00:00Z`, resolved_date: status === 'planned' ? null : (o.doneOn ?? o.date),
    resolved_by: status === 'planned' ? null : o.employee, note: null, created_at: '2027-01-01T00:00:00Z', updated_at: '2027-01-01T00:00:00Z',
    moved_by_user: 0, overdue_from: null, body: null,
  };
}

/**
 * A fixed history: Alpha is served by Anna and Pavel, with two of its people; Beta only by
 * Oleg, with one buyer. Oleg moved three of his meetings in his calendar. Two touches are
 * overdue; one of Anna's was done late.
 */
async function history(): Promise<DB> {
  const db = await tempDatabase();
  await db.insertInto('touches').values([
    touch('a1', { client: 'alpha', employee: 'anna', source: 'rule:buyer-calls', contacts: ['alpha-buyer2'], date: '2027-04-10', windowTo: '2027-04-30', status: 'done' }),
    touch('a2', { client: 'alpha', employee: 'anna', source: 'rule:buyer-calls', contacts: ['alpha-buyer2'], date: '2027-05-20', windowTo: '2027-05-31' }),
    touch('a3', { client: 'alpha', employee: 'pavel', source: 'rule:ceo-meeting', contacts: ['alpha-ceo0'], date: '2027-05-12', windowTo: '2027-06-30', status: 'done', kind: 'meeting' }),
    touch('a4', { client: 'alpha', employee: 'anna', source: 'rule:buyer-calls', contacts: ['alpha-buyer2'], date: '2027-03-10', windowTo: '2027-03-31', status: 'done', doneOn: '2027-04-05' }),
    touch('a5', { client: 'alpha', employee: 'anna', source: 'rule:buyer-calls', contacts: ['alpha-buyer2'], date: '2027-06-20', windowTo: '2027-06-30' }),
    touch('b1', { client: 'beta', employee: 'oleg', source: 'rule:buyer-calls', contacts: ['beta-buyer1'], date: '2027-05-05', windowTo: '2027-05-31', status: 'done' }),
    touch('b2', { client: 'beta', employee: 'oleg', source: 'rule:buyer-calls', contacts: ['beta-buyer1'], date: '2027-06-01', windowTo: '2027-06-30' }),
    touch('b3', { client: 'beta', employee: 'oleg', source: 'rule:buyer-calls', contacts: ['beta-buyer2'], date: '2027-05-07', windowTo: '2027-05-31', status: 'skipped' }),
  ]).execute();
  for (const [id, from, to] of [['b1', '2027-05-03', '2027-05-05'], ['b2', '2027-05-28', '2027-05-30'], ['b2', '2027-05-30', '2027-06-01']]) {
    await db.insertInto('touch_events').values({ touch_id: id!, type: 'rescheduled', at: `${from}T08:00:00Z`, employee_id: 'oleg', from_date: from!, to_date: to!, detail: 'moved in the calendar by the employee', cause: 'employee' }).execute();
  }
  // A move by the plan is not the employee's.
  await db.insertInto('touch_events').values({ touch_id: 'a2', type: 'rescheduled', at: '2027-05-01T08:00:00Z', employee_id: 'anna', from_date: '2027-05-18', to_date: '2027-05-20', detail: 'plan changed', cause: 'plan' }).execute();
  return db;
}

describe('director reports on a fixed history', () => {
  it('breadth: the client served by one person comes first', async () => {
    const r = breadthReport(await loadReportContext(await history(), config, TODAY));
    expect(r.rows.map((x) => [x.client, x.our_people, x.their_people, x.risk])).toEqual([
      ['beta', 1, 1, 'one of ours, one of theirs'],
      ['alpha', 2, 2, ''],
    ]);
    expect(summary(r)['depending on one person']).toBe(1);
    expect(summary(r)['no touch in 12 months']).toBe(0);
  });

  it('breadth: a done silence alert (it lists all the client\'s people) counts who of ours did it, not every person of theirs; an escalation or digest counts no one (QA)', async () => {
    const db = await history();
    await db.insertInto('touches').values([
      touch('s1', { client: 'beta', employee: 'pavel', source: 'silence:beta', contacts: ['beta-buyer1', 'beta-buyer2', 'beta-ceo0'], date: '2027-06-01', status: 'done' }),
      touch('e1', { client: 'beta', employee: 'pavel', source: 'escalation:b2', contacts: ['beta-buyer2'], date: '2027-06-02', status: 'done' }),
      { ...touch('d1', { client: 'beta', employee: 'ivan', source: 'digest:ivan', contacts: ['beta-ceo0'], date: '2027-06-03', status: 'done' }), client_id: 'beta' },
    ]).execute();
    const r = breadthReport(await loadReportContext(db, config, TODAY));
    expect(r.rows.map((x) => [x.client, x.our_people, x.their_people, x.risk])).toEqual([
      ['beta', 2, 1, 'one of theirs'],
      ['alpha', 2, 2, ''],
    ]);
  });

  it('breadth: a client whose only done touch named nobody of theirs (a silence alert) is "nobody of theirs", not one person on each side (QA)', async () => {
    const base = workflowCompany();
    const withGamma = configOf({ ...base, clients: [...base.clients, client('gamma', { roles: ['ceo'], team: { account_manager: 'oleg' }, since: '2020-01-10' })] });
    const db = await history();
    await db.insertInto('touches').values(touch('g1', { client: 'gamma', employee: 'oleg', source: 'silence:gamma', contacts: ['gamma-ceo0'], date: '2027-06-01', status: 'done' })).execute();
    const r = breadthReport(await loadReportContext(db, withGamma, TODAY));
    expect(r.rows.filter((x) => x.client === 'gamma').map((x) => [x.our_people, x.their_people, x.risk])).toEqual([[1, 0, 'one of ours, none of theirs']]);
    expect(renderReport(r, 'table', translator('ru'))).toContain('один человек с нашей стороны, никого со стороны клиента');
  });

  it('breadth: a client nobody touched is counted as such, not as depending on one person', async () => {
    const base = workflowCompany();
    const withGamma = configOf({ ...base, clients: [...base.clients, client('gamma', { roles: ['ceo'], team: { account_manager: 'oleg' }, since: '2020-01-10' })] });
    const r = breadthReport(await loadReportContext(await history(), withGamma, TODAY));
    expect(r.rows.map((x) => [x.client, x.risk])).toEqual([['gamma', 'no touch in 12 months'], ['beta', 'one of ours, one of theirs'], ['alpha', '']]);
    expect(summary(r)).toMatchObject({ clients: 3, 'depending on one person': 1, 'no touch in 12 months': 1 });
    // The clients report counts them as breadth does (it said 2: nobody counted as one person).
    const clients = clientsReport(await loadReportContext(await history(), withGamma, TODAY));
    expect(summary(clients)).toMatchObject({ clients: 3, 'depending on one person': 1, 'no touch in 12 months': 1 });
    expect(clients.rows.filter((x) => x.single === 1).map((x) => x.client)).toEqual(['beta']);
  });

  it('punctuality: on time, late, rescheduled by the employee, skipped, missed per employee', async () => {
    const r = punctualityReport(await loadReportContext(await history(), config, TODAY));
    const by = Object.fromEntries(r.rows.map((x) => [x.employee, [x.on_time, x.late, x.rescheduled, x.skipped, x.missed]]));
    expect(by).toEqual({ anna: [1, 1, 0, 0, 1], oleg: [1, 0, 3, 1, 1], pavel: [1, 0, 0, 0, 0] });
  });

  it('punctuality keeps what someone gone from the configuration did: their row after the others, the totals unchanged', async () => {
    const before = punctualityReport(await loadReportContext(await history(), config, TODAY));
    const base = workflowCompany();
    const withoutOleg = configOf({ ...base, employees: base.employees.filter((e) => e.id !== 'oleg'), clients: base.clients.map((c) => ({ ...(c as object), team: { account_manager: 'anna' } })) });
    const after = punctualityReport(await loadReportContext(await history(), withoutOleg, TODAY));
    expect(after.rows.map((x) => [x.employee, x.name, x.on_time, x.late, x.rescheduled, x.skipped, x.missed])).toEqual([
      ['anna', 'Emp anna', 1, 1, 0, 0, 1], ['pavel', 'Emp pavel', 1, 0, 0, 0, 0], ['oleg', 'oleg', 1, 0, 3, 1, 1]]);
    expect(summary(after)).toEqual(summary(before));
  });

  it('punctuality counts a move as the employee\'s by its cause, whatever its words say', async () => {
    const db = await history();
    // Words that read like the employee's, but the overdue check moved it; and the employee's move in other words.
    await db.insertInto('touch_events').values([
      { touch_id: 'a5', type: 'rescheduled', at: '2027-05-02T08:00:00Z', employee_id: 'anna', from_date: '2027-06-18', to_date: '2027-06-20', detail: 'moved in the calendar by the employee', cause: 'overdue' },
      { touch_id: 'a5', type: 'rescheduled', at: '2027-05-03T08:00:00Z', employee_id: 'anna', from_date: '2027-06-20', to_date: '2027-06-22', detail: 'перенесено сотрудником', cause: 'employee' },
      { touch_id: 'a5', type: 'rescheduled', at: '2027-05-04T08:00:00Z', employee_id: 'anna', from_date: '2027-06-22', to_date: '2027-06-23', detail: null, cause: 'employee' },
    ]).execute();
    const r = punctualityReport(await loadReportContext(db, config, TODAY));
    expect(r.rows.find((x) => x.employee === 'anna')?.rescheduled).toBe(2);
  });

  it('punctuality counts a move for the employee who made it, not for whom the touch was handed to since (QA: a leaver\'s moves counted for the successor)', async () => {
    const db = await history();
    // Oleg moves Alpha's call in his calendar, then it is given to Anna (a handover), who moves it once more.
    await db.insertInto('touch_events').values([
      { touch_id: 'a5', type: 'rescheduled', at: '2027-05-02T08:00:00Z', employee_id: 'oleg', from_date: '2027-06-18', to_date: '2027-06-19', detail: null, cause: 'employee' },
      { touch_id: 'a5', type: 'reassigned', at: '2027-05-03T08:00:00Z', employee_id: 'anna', from_date: '2027-06-19', to_date: '2027-06-19', detail: 'from oleg', cause: 'handover' },
      { touch_id: 'a5', type: 'rescheduled', at: '2027-05-04T08:00:00Z', employee_id: 'anna', from_date: '2027-06-19', to_date: '2027-06-20', detail: null, cause: 'employee' },
    ]).execute();
    const before = Object.fromEntries(punctualityReport(await loadReportContext(await history(), config, TODAY)).rows.map((x) => [x.employee, x.rescheduled]));
    const after = Object.fromEntries(punctualityReport(await loadReportContext(db, config, TODAY)).rows.map((x) => [x.employee, x.rescheduled]));
    expect(after).toEqual({ ...before, anna: before.anna! + 1, oleg: before.oleg! + 1 });
  });

  it('overdue: every overdue touch, oldest first, with its owner', async () => {
    const r = overdueReport(await loadReportContext(await history(), config, TODAY));
    expect(r.rows.map((x) => [x.id, x.owner, x.due, x.days])).toEqual([['a2', 'anna', '2027-05-20', 26], ['b2', 'oleg', '2027-06-01', 14]]);
  });

  it('coverage: each role pair the rules ask for, last done, next due, on time or late, and the shares', async () => {
    const r = coverageReport(await loadReportContext(await history(), config, TODAY));
    expect(r.rows.map((x) => [x.client, x.ours, x.theirs, x.last_done, x.next_due, x.status, x.client_on_time])).toEqual([
      ['alpha', 'sales_director', 'ceo', '2027-05-12', null, 'on time', 0.5],
      ['alpha', 'account_manager', 'buyer', '2027-04-10', '2027-06-20', 'late', 0.5],
      ['beta', 'sales_director', 'ceo', null, null, 'no touch yet', 0],
      ['beta', 'account_manager', 'buyer', '2027-05-05', null, 'late', 0],
    ]);
    expect(summary(r)).toMatchObject({ 'role pairs': 4, 'on time': 1, 'share on time': 0.25 });
  });

  it('coverage: a pair whose only touch was skipped has had no touch, it is not on time', async () => {
    const db = await history();
    await db.insertInto('touches').values(touch('b4', { client: 'beta', employee: 'oleg', source: 'rule:ceo-meeting', contacts: ['beta-ceo0'], date: '2027-05-14', windowTo: '2027-06-30', status: 'skipped', kind: 'meeting' })).execute();
    const r = coverageReport(await loadReportContext(db, config, TODAY));
    expect(r.rows.filter((x) => x.client === 'beta').map((x) => [x.ours, x.status])).toEqual([['sales_director', 'no touch yet'], ['account_manager', 'late']]);
    expect(summary(r)).toMatchObject({ 'role pairs': 4, 'on time': 1 });
  });

  it('coverage: a pair whose touch lies beyond the saved plan (a half-yearly meeting in May, seen in February) is not due yet, not "no touch yet"', async () => {
    const halfYearly = configOf(workflowCompany({ rules: [
      { id: 'ceo-meeting', ours: 'sales_director', theirs: 'ceo', kind: 'meeting', every: '6 months' },
      { id: 'buyer-calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', per: 'contact' },
    ] }));
    // A new installation on 15 February (the horizon is 60 days: up to 16 April); nothing saved for alpha yet.
    const r = coverageReport(await loadReportContext(await tempDatabase(), halfYearly, '2027-02-15'));
    expect(r.rows.filter((x) => x.client === 'alpha').map((x) => [x.ours, x.theirs, x.status])).toEqual([
      ['sales_director', 'ceo', 'not due yet'],
      // February's call ends within the horizon: none saved is a gap.
      ['account_manager', 'buyer', 'no touch yet'],
    ]);
    expect(summary(r)).toMatchObject({ 'role pairs': 4, 'on time': 2 });
    expect(renderReport(r, 'table', translator('ru'))).toContain('срок ещё не наступил');
  });

  it('a report as of a moment counts only what was due by then: nothing due later is overdue or missed, nothing done later is done (QA camp F6)', async () => {
    const db = await history();
    // Due on 25 May, moved on as overdue to 10 June by the morning check.
    await db.insertInto('touches').values({ ...touch('b4', { client: 'beta', employee: 'oleg', source: 'rule:buyer-calls', contacts: ['beta-buyer1'], date: '2027-06-10' }), overdue_from: '2027-05-25' }).execute();
    const overdue = async (today: string) => overdueReport(await loadReportContext(db, config, today)).rows.map((x) => [x.id, x.due, x.days]);
    expect(await overdue(TODAY)).toEqual([['a2', '2027-05-20', 26], ['b4', '2027-05-25', 21], ['b2', '2027-06-01', 14]]);
    // On 1 April only a4 (due 10 March, done on 5 April) was late; the moved b4 was not due yet.
    expect(await overdue('2027-04-01')).toEqual([['a4', '2027-03-10', 22]]);
    expect(await overdue('2026-06-01')).toEqual([]);
    const punctuality = async (today: string) => Object.fromEntries(punctualityReport(await loadReportContext(db, config, today)).rows
      .map((x) => [x.employee, [x.on_time, x.late, x.skipped, x.missed]]));
    expect(await punctuality('2027-04-01')).toEqual({ anna: [0, 0, 0, 1], oleg: [0, 0, 0, 0], pavel: [0, 0, 0, 0] });
    expect(await punctuality('2026-06-01')).toEqual({ anna: [0, 0, 0, 0], oleg: [0, 0, 0, 0], pavel: [0, 0, 0, 0] });
    // A greeting planned on 1 January 2027 and done in March: open on 1 February, done on 15 June.
    await db.insertInto('touches').values(touch('g1', { client: 'alpha', employee: 'anna', source: 'campaign:new-year', contacts: ['alpha-ceo0'], date: '2027-03-05', status: 'done', kind: 'greeting' })).execute();
    const greetings = async (today: string) => greetingsReport(await loadReportContext(db, config, today));
    expect((await greetings('2027-02-01')).rows.map((x) => [x.date, x.done, x.open])).toEqual([['2027-03-05', 0, 1]]);
    expect((await greetings(TODAY)).rows.map((x) => [x.date, x.done, x.open])).toEqual([['2027-03-05', 1, 0]]);
    // On 1 June 2026 nothing was planned yet (the history starts on 1 January 2027): nothing to report, up to that day.
    const before = await greetings('2026-06-01');
    expect(before.rows).toEqual([]);
    expect(before.title.params.to).toEqual({ date: '2026-06-01' });
    const moves = (await loadReportContext(db, config, '2027-05-29')).data.movedByOwner;
    // Oleg moved b2 on 28 May and 30 May (at 08:00 UTC): on 29 May, once.
    expect(moves.get('b2')).toEqual(new Map([['oleg', 1]]));
  });

  it('a report as of a moment counts a touch cancelled after it as it stood then, and not one cancelled before it (a client removed, then back)', async () => {
    const alpha = client('alpha', { roles: ['ceo', 'director', 'buyer'], team: { account_manager: 'anna' }, since: '2020-01-10' });
    const beta = client('beta', { roles: ['ceo', 'buyer', 'buyer'], team: { account_manager: 'oleg' }, since: '2020-01-10' });
    const dir = writeConfig({ 'touchbase.yaml': workflowCompany({ clients: [alpha, beta] }) });
    const file = await tempDatabaseLocation();
    const at = cliOn(dir, file);
    const run = (day: string, ...args: string[]) => at(`${day}T09:00:00+03:00`, ...args);
    const configure = (clients: unknown[]) => writeFileSync(join(dir, 'touchbase.yaml'), stringify(workflowCompany({ clients })));
    await run('2027-03-01', 'once');
    const db = await openMigrated(file);
    const planned = await db.selectFrom('touches').select(['id', 'date', 'client_id']).where('client_id', '=', 'beta').orderBy('date').execute();
    await db.destroy();
    const beta0311 = planned.find((t) => t.date === '2027-03-11')!.id;
    // Oleg calls beta's buyer on 12 March; the rest of March is left undone.
    await run('2027-03-12', 'done', beta0311);
    // Beta leaves on 10 April: its open touches are cancelled, overdue ones too.
    configure([alpha]);
    await run('2027-04-10', 'once', '--allow-removals');
    // …and comes back on 20 April: its touches of April are planned again under their ids.
    configure([alpha, beta]);
    await run('2027-04-20', 'once');

    const report = async (name: string, day: string) => JSON.parse(await run(day, 'report', name, '--format', 'json')) as { rows: Record<string, unknown>[] };
    const overdue = async (day: string) => (await report('overdue', day)).rows.map((r) => [r.client, r.due]);
    const missed = async (day: string) => Object.fromEntries((await report('punctuality', day)).rows.map((r) => [r.employee, [r.on_time, r.missed]]));
    // On 5 April beta's call of 19 March and meeting of 30 March were overdue, as they were then.
    expect(await overdue('2027-04-05')).toEqual([['alpha', '2027-03-01'], ['beta', '2027-03-19'], ['alpha', '2027-03-24'], ['beta', '2027-03-30']]);
    expect(await missed('2027-04-05')).toEqual({ anna: [0, 1], oleg: [1, 1], pavel: [0, 2] });
    // From 10 April they were cancelled: not overdue, not missed (the done call still counts).
    expect(await overdue('2027-04-12')).toEqual([['alpha', '2027-03-01'], ['alpha', '2027-03-24']]);
    expect(await missed('2027-04-12')).toEqual({ anna: [0, 1], oleg: [1, 0], pavel: [0, 1] });
    // Restored when beta came back, its touches were cancelled between 10 and 20 April: beta had no next touch then.
    const next = async (day: string) => (await report('clients', day)).rows.find((r) => r.client === 'beta')!.next_touch;
    expect(await next('2027-04-15')).toBeNull();
    expect(await next('2027-04-21')).toBe('2027-04-30');
  });

  it('a leaver\'s missed touches stay theirs after the handover gives them to the successor, and a report as of a day before it names the leaver (QA: the successor was charged on the first day)', async () => {
    const dir = writeConfig({ 'touchbase.yaml': { ...workflowCompany(), handovers: [{ from: 'anna', to: 'oleg', on: '2027-04-15', notice_from: 'leaving' }] } });
    const file = await tempDatabaseLocation();
    const at = cliOn(dir, file);
    const run = (day: string, ...args: string[]) => at(`${day}T09:00:00+03:00`, ...args);
    await run('2027-03-01', 'once');
    for (const day of ['2027-03-31', '2027-04-14', '2027-04-15', '2027-04-16']) await run(day, 'checks');
    const report = async (name: string, day: string) => JSON.parse(await run(day, 'report', name, '--format', 'json')) as { rows: Record<string, unknown>[] };
    const missed = async (day: string) => Object.fromEntries((await report('punctuality', day)).rows.map((r) => [r.employee, r.missed]));
    const before = await missed('2027-04-14');
    expect(before.anna).toBeGreaterThan(0);
    // Given to Oleg on 15 April, Anna's late calls are his to do now (the overdue list says so), but missed by her.
    const overdueOwners = async (day: string) => new Set((await report('overdue', day)).rows.filter((r) => r.client === 'alpha' && r.kind === 'call').map((r) => r.owner));
    expect(await overdueOwners('2027-04-16')).toEqual(new Set(['oleg']));
    expect(await overdueOwners('2027-04-14')).toEqual(new Set(['anna']));
    const after = await missed('2027-04-16');
    expect(after.anna).toBeGreaterThanOrEqual(before.anna as number);
    expect(after.oleg).toBe(before.oleg);
    // As of 14 April, the report is as it read that day, the handover since notwithstanding.
    expect(await missed('2027-04-14')).toEqual(before);
    // Oleg clears one of her late calls: late in her record, not in his (QA: he was charged with her backlog).
    const counts = async (day: string) => Object.fromEntries((await report('punctuality', day)).rows.map((r) => [r.employee, { late: r.late, missed: r.missed }]));
    const beforeDone = await counts('2027-04-16');
    const hers = (await report('overdue', '2027-04-16')).rows.find((r) => r.client === 'alpha' && r.kind === 'call')!;
    await run('2027-04-16', 'done', String(hers.id));
    const afterDone = await counts('2027-04-16');
    expect(afterDone.oleg).toEqual(beforeDone.oleg);
    expect(afterDone.anna).toEqual({ late: Number(beforeDone.anna!.late) + 1, missed: Number(beforeDone.anna!.missed) - 1 });
  });

  it('skipping a silence alert says its escalation is withdrawn for now, the silence going on — not that the skip ended it (QA)', async () => {
    const dir = writeConfig({ 'touchbase.yaml': workflowCompany() });
    const file = await tempDatabaseLocation();
    const at = cliOn(dir, file);
    const run = (day: string, ...args: string[]) => at(`${day}T09:00:00+03:00`, ...args);
    await run('2027-03-01', 'once');
    // Silent from the first plan: an alert after 60 days, its escalation a week after its day.
    expect(await run('2027-05-04', 'checks')).toMatch(/^silence: 2 silent clients, 2 new alerts, 0 escalated/m);
    expect(await run('2027-05-17', 'checks')).toMatch(/^silence: 2 silent clients, 0 new alerts, 2 escalated/m);
    const db = await openMigrated(file);
    const alert = await db.selectFrom('touches').select('id').where('source', 'like', 'silence:%').where('client_id', '=', 'alpha').executeTakeFirstOrThrow();
    await db.destroy();
    const said = await run('2027-05-17', 'skip', alert.id.slice(0, 8), '--reason', 'their CEO is on holiday');
    expect(said).toMatch(/^withdrawn: 1 escalation of the silence alert skipped \(the silence goes on: a new alert comes when it has lasted again\)$/m);
    expect(said).not.toMatch(/which this ended/);
  });

  it('an overdue touch skipped is neither overdue nor missed from that day on, though a skip keeps the touch\'s own day (QA: it stayed listed, its day being the one the morning check had moved it to)', async () => {
    const dir = writeConfig({ 'touchbase.yaml': workflowCompany() });
    const file = await tempDatabaseLocation();
    const at = cliOn(dir, file);
    const run = (day: string, ...args: string[]) => at(`${day}T09:00:00+03:00`, ...args);
    await run('2027-03-01', 'once');
    // Saturday's morning check moves what is overdue on to the next working day (Monday 29 March).
    await run('2027-03-27', 'checks');
    const report = async (name: string, day: string) => JSON.parse(await run(day, 'report', name, '--format', 'json')) as { rows: Record<string, unknown>[] };
    const overdueIds = async (day: string) => (await report('overdue', day)).rows.map((r) => String(r.id));
    const counts = async (day: string) => (await report('punctuality', day)).rows.reduce((a, r) => [a[0]! + Number(r.skipped), a[1]! + Number(r.missed)], [0, 0]);
    const before = await overdueIds('2027-03-27');
    expect(before.length).toBeGreaterThan(1);
    const [skipped, skippedMissed] = await counts('2027-03-27');
    const id = before[0]!;
    await run('2027-03-27', 'skip', id, '--reason', 'the buyer is on leave');
    expect(await overdueIds('2027-03-27')).toEqual(before.slice(1));
    expect(await counts('2027-03-27')).toEqual([skipped! + 1, skippedMissed! - 1]);
    // As of the day before the skip, it was still overdue.
    expect(await overdueIds('2027-03-26')).toContain(id);
  });

  it('a digest left unread is never overdue: not in the plan\'s overdue marks, nor the report\'s (QA: every past digest was listed as overdue by plan)', async () => {
    const dir = writeConfig({ 'touchbase.yaml': workflowCompany() });
    const file = await tempDatabaseLocation();
    const at = cliOn(dir, file);
    const run = (day: string, ...args: string[]) => at(`${day}T09:00:00+03:00`, ...args);
    await run('2027-03-01', 'once');
    await run('2027-03-01', 'checks', '--digest');
    const plan = JSON.parse(await run('2027-03-20', 'plan', '--from', '2027-03-01', '--to', '2027-03-31', '--no-save', '--format', 'json')) as { source: string; status: string; overdue: boolean }[];
    const digests = plan.filter((t) => t.source.startsWith('digest:'));
    expect(digests.length).toBeGreaterThan(0);
    expect(digests.map((t) => [t.status, t.overdue])).toEqual(digests.map(() => ['planned', false]));
    expect(plan.some((t) => t.overdue && !t.source.startsWith('digest:'))).toBe(true);
  });

  it('a done or skipped undone by its employee after the moment (a restoration of their own) is no cancellation: the touch is counted then', async () => {
    const db = await history();
    // a2 (due 20 May) was closed and reopened from the one-click page on 1 June.
    await db.insertInto('touch_events').values({ touch_id: 'a2', type: 'restored', at: '2027-06-01T08:00:00Z', employee_id: 'anna', from_date: '2027-05-20', to_date: '2027-05-20', detail: 'undone', cause: 'employee' }).execute();
    expect(overdueReport(await loadReportContext(db, config, '2027-05-25')).rows.map((x) => x.id)).toEqual(['a2']);
  });

  it('JSON carries a share of nothing as null, a table as "–", CSV as an empty cell (QA camp F8)', async () => {
    const r = punctualityReport(await loadReportContext(await tempDatabase(), config, TODAY));
    const json = JSON.parse(renderReport(r, 'json', en)) as { summary: Record<string, unknown>; rows: Record<string, unknown>[] };
    expect(json.rows.map((x) => x.on_time_share)).toEqual([null, null, null]);
    expect(json.summary['share on time']).toBeNull();
    expect(renderReport(r, 'table', en)).toContain('share on time: –');
    const csv = parseCsv(renderReport(r, 'csv', en), { columns: false, from_line: 2 }) as string[][];
    expect(csv.map((row) => row.at(-1))).toEqual(['', '', '']);
  });

  it('renders as a table, as CSV and as JSON', async () => {
    const r = overdueReport(await loadReportContext(await history(), config, TODAY));
    const table = renderReport(r, 'table', en);
    expect(table).toMatch(/^Overdue touches on 2027-06-15/);
    expect(table).toMatch(/due +days late +owner/);
    expect(table).toContain('overdue: 2');
    const csv = parseCsv(renderReport(r, 'csv', en), { columns: true }) as Record<string, string>[];
    expect(csv.map((x) => [x.touch, x.owner, x['days late']])).toEqual([['a2', 'anna', '26'], ['b2', 'oleg', '14']]);
    const json = JSON.parse(renderReport(r, 'json', en)) as { report: string; summary: object; rows: { id: string }[] };
    expect(json).toMatchObject({ report: 'overdue', summary: { overdue: 2 } });
    expect(json.rows.map((x) => x.id)).toEqual(['a2', 'b2']);
  });

  it('every report\'s summary labels are plain texts in each language: printed without a count, a plural form was wrong (Romanian "de felicitări săptămâna aceasta: 0")', async () => {
    const ctx = await loadReportContext(await history(), config, TODAY);
    const catalogues = { en: enMessages, ru, ro } as Record<string, Record<string, unknown>>;
    for (const name of REPORT_NAMES) {
      for (const s of REPORTS[name](ctx).summary) {
        for (const [language, catalogue] of Object.entries(catalogues)) expect(typeof catalogue[s.label], `${name} ${s.label} in ${language}`).toBe('string');
      }
    }
  });

  it('shares in CSV are "83%" in every language (Russian\'s "83 %", with a no-break space, Excel kept as text)', async () => {
    const r = coverageReport(await loadReportContext(await history(), config, TODAY));
    for (const language of ['ru', 'ro', 'en'] as const) {
      const tr = translator(language);
      const sep = language === 'en' ? ',' : ';';
      const rows = parseCsv(renderReport(r, 'csv', tr), { delimiter: sep, columns: false, from_line: 2 }) as string[][];
      const shareColumn = r.columns.findIndex((c) => c.type === 'percent');
      const shares = rows.map((row) => row[shareColumn]!).filter(Boolean);
      expect(shares.length, language).toBeGreaterThan(0);
      for (const cell of shares) expect(cell, language).toMatch(/^\d+%$/);
    }
  });

  it('touchbase report prints each report and refuses an unknown one or format', async () => {
    const dir = writeConfig({ 'touchbase.yaml': workflowCompany() });
    const file = join(tempDir(), 't.sqlite');
    await cli('plan', '--config', dir, '--db', file, '--now', '2027-03-01T09:00:00+03:00');
    for (const name of REPORT_NAMES) {
      for (const format of ['table', 'csv', 'json']) {
        const r = await cli('report', name, '--format', format, '--config', dir, '--db', file, '--now', '2027-06-15T09:00:00+03:00');
        expect(r.code, `${name} ${format}`).toBe(0);
        if (format === 'json') expect(JSON.parse(r.out).report).toBe(name);
      }
    }
    // As of a day before anything was recorded: no data in any report, not every pair "never touched" at 0 %.
    for (const name of REPORT_NAMES) {
      const before = JSON.parse((await cli('report', name, '--format', 'json', '--config', dir, '--db', file, '--now', '2026-06-01T12:00:00+03:00')).out) as { rows: unknown[]; summary: object };
      expect([name, before.rows, before.summary]).toEqual([name, [], {}]);
    }
    expect((await cli('report', 'coverage', '--config', dir, '--db', file, '--now', '2026-06-01T12:00:00+03:00')).out).toContain('Nothing to report.');
    expect((await cli('report', 'gossip', '--config', dir, '--db', file)).err).toContain('expected one of coverage, coverage-months, breadth, punctuality, overdue, silence, greetings, handovers, clients, load');
    expect((await cli('report', 'overdue', '--format', 'xml', '--config', dir, '--db', file)).code).toBe(2);
  });

  it('coverage by month: per rule and month, the touches due and what became of them; the CLI sums the same cells', async () => {
    const ctx = await loadReportContext(await history(), config, TODAY);
    const cells = coverageCells(ctx);
    expect(cells.filter((c) => c.rule === 'buyer-calls' && c.month === '2027-05').map((c) => [c.employee, c.counts]).sort()).toEqual([
      ['anna', { on_time: 0, late: 0, skipped: 0, missed: 1, open: 0 }], ['oleg', { on_time: 1, late: 0, skipped: 1, missed: 0, open: 0 }],
    ]);
    const r = coverageMonthsReport(ctx);
    const row = (rule: string, month: string) => r.rows.find((x) => x.rule === rule && x.month === month)!;
    expect(r.rows).toHaveLength(2 * 12);
    expect([row('buyer-calls', '2027-03'), row('buyer-calls', '2027-04'), row('buyer-calls', '2027-06'), row('ceo-meeting', '2027-05')].map((x) => [x.due, x.on_time, x.late, x.missed, x.skipped, x.open, x.on_time_share]))
      .toEqual([[1, 0, 1, 0, 0, 0, 0], [1, 1, 0, 0, 0, 0, 1], [2, 0, 0, 1, 0, 1, 0], [1, 1, 0, 0, 0, 0, 1]]);
    expect(row('buyer-calls', '2026-07')).toMatchObject({ due: 0, on_time_share: null });
    expect(summary(r)).toMatchObject({ due: 8, 'on time': 3, late: 1, missed: 2, skipped: 1, open: 1 });
  });

  it('coverage by month keeps the done months of a rule gone from the configuration, as punctuality does (QA: its done calls left the report)', async () => {
    const db = await history();
    // A weekly check-in of Oleg's, done in April, and its rule then removed (its open touch cancelled with it).
    await db.insertInto('touches').values([
      touch('w1', { client: 'beta', employee: 'oleg', source: 'rule:weekly', contacts: ['beta-buyer1'], date: '2027-04-12', windowTo: '2027-04-16', status: 'done' }),
      touch('w2', { client: 'beta', employee: 'oleg', source: 'rule:weekly', contacts: ['beta-buyer1'], date: '2027-04-19', windowTo: '2027-04-23', status: 'skipped' }),
      { ...touch('w3', { client: 'beta', employee: 'oleg', source: 'rule:weekly', contacts: ['beta-buyer1'], date: '2027-06-21', windowTo: '2027-06-25' }), status: 'cancelled' },
    ]).execute();
    const ctx = await loadReportContext(db, config, TODAY);
    const r = coverageMonthsReport(ctx);
    expect(r.rows).toHaveLength(3 * 12);
    const weekly = r.rows.filter((x) => x.rule === 'weekly' && Number(x.due) > 0);
    expect(weekly).toEqual([expect.objectContaining({ ours: '', kind: 'call', month: '2027-04', due: 2, on_time: 1, skipped: 1, open: 0 })]);
    expect(summary(r)).toMatchObject({ due: 10, 'on time': 4, skipped: 2, open: 1 });
    // Its done call counts in punctuality as in coverage by month.
    const oleg = REPORTS.punctuality(ctx).rows.find((x) => x.employee === 'oleg')!;
    expect(oleg.on_time).toBe(2);
  });

  it('clients: owner, last done and by whom, next touch, people touched in 12 months, days of silence', async () => {
    const r = clientsReport(await loadReportContext(await history(), config, TODAY));
    expect(r.rows.map((x) => [x.client, x.owner, x.last_done, x.last_by, x.next_touch, x.ours_12, x.theirs_12, x.silent_days, x.single])).toEqual([
      ['alpha', 'anna', '2027-05-12', 'pavel', '2027-06-20', 2, 2, 34, 0],
      ['beta', 'oleg', '2027-05-05', 'oleg', null, 1, 1, 41, 1],
    ]);
  });

  it('clients: a client whose relationship began less than 90 days ago is at the stage the rules see, onboarding, not active (QA)', async () => {
    const fresh = configOf(workflowCompany({ clients: [client('alpha', { roles: ['ceo'], team: { account_manager: 'anna' }, since: '2027-05-01' }), client('beta', { roles: ['ceo'], team: { account_manager: 'oleg' }, since: '2020-01-10' })] }));
    const r = clientsReport(await loadReportContext(await tempDatabase(), fresh, TODAY));
    expect(r.rows.map((x) => [x.client, x.stage])).toEqual([['alpha', 'onboarding'], ['beta', 'active']]);
    expect(renderReport(r, 'table', translator('ru'))).toContain('подключение');
  });

  it('load: meetings and calls per day for two weeks against meetings_per_day', async () => {
    const capped = configOf({ ...workflowCompany(), employees: workflowCompany().employees.map((e) => (e.id === 'anna' ? { ...e, meetings_per_day: 1 } : e)) });
    const db = await history();
    await db.insertInto('touches').values(touch('a6', { client: 'alpha', employee: 'anna', source: 'rule:buyer-calls', contacts: ['alpha-buyer2'], date: '2027-06-20', windowTo: '2027-06-30' })).execute();
    const r = loadReport(await loadReportContext(db, capped, TODAY));
    expect(r.rows).toEqual([{ employee: 'anna', date: '2027-06-20', timed: 2, all_day: 0, limit: 1, over: 'yes' }]);
    // The second count is of every other touch (a business event's letter has its hour): not called "all-day".
    expect(renderReport(r, 'table', translator('ru'))).toMatch(/встречи и звонки\s+прочие касания/);
  });

  it('greetings per campaign, day and country with their done share; each handover\'s letters and how many are done', async () => {
    const sections = { ...workflowCompany(), campaigns: [{ id: 'new-year', on: '12-28', ours: 'account_manager' }], handovers: [{ from: 'oleg', to: 'anna', on: '2027-07-01' }] };
    const cfg = configOf(sections);
    const db = await history();
    const greeting = (id: string, clientId: string, contact: string, date: string, status: Status = 'planned') =>
      ({ ...touch(id, { client: clientId, employee: clientId === 'alpha' ? 'anna' : 'oleg', source: 'campaign:new-year', contacts: [contact], date, windowTo: date, status, kind: 'greeting' }) });
    // The notice was sent ahead of its day (done on a later day than today is not done yet).
    const letter = (id: string, which: 'notice' | 'intro', status: Status = 'planned') => ({
      ...touch(id, { client: 'beta', employee: which === 'notice' ? 'pavel' : 'anna', source: 'handover:oleg:anna', contacts: ['beta-ceo0'], date: which === 'notice' ? '2027-06-29' : '2027-07-02', status, doneOn: '2027-06-14', kind: 'letter' }),
      series: `handover:oleg:anna|beta|beta-ceo0|${which}`,
    });
    await db.insertInto('touches').values([
      greeting('g1', 'alpha', 'alpha-ceo0', '2026-12-28', 'done'), greeting('g2', 'alpha', 'alpha-buyer2', '2026-12-28', 'skipped'), greeting('g3', 'beta', 'beta-ceo0', '2026-12-28', 'done'),
      letter('h1', 'notice', 'done'), letter('h2', 'intro'),
    ]).execute();
    const ctx = await loadReportContext(db, cfg, TODAY);
    expect(greetingsReport(ctx).rows.map((x) => [x.campaign, x.date, x.country, x.contacts, x.done, x.skipped, x.open, x.done_share])).toEqual([['new-year', '2026-12-28', 'RU', 3, 2, 1, 0, 2 / 3]]);
    expect(handoversReport(ctx).rows).toEqual([{ from: 'oleg', to: 'anna', on: '2027-07-01', clients: 1, notices: 1, notices_done: 1, intros: 1, intros_done: 0, taken_over: 0 }]);
    // Put off after the notice was done, the contact is told again (plan.ts #announcing): one contact, one notice, not done until the second is.
    await db.insertInto('touches').values({ ...letter('h3', 'notice'), id: 'h3' }).execute();
    const counted = async () => handoversReport(await loadReportContext(db, cfg, TODAY)).rows.map((r) => [r.notices, r.notices_done]);
    expect(await counted()).toEqual([[1, 0]]);
    await db.updateTable('touches').set({ status: 'done', resolved_date: '2027-06-14' }).where('id', '=', 'h3').execute();
    expect(await counted()).toEqual([[1, 1]]);
  });

  it('a handover\'s touches taken over are counted for a horizon from the change, however far a plan was recorded (QA: 7, then 19 after a plan of the year)', async () => {
    const cfg = configOf({ ...workflowCompany(), handovers: [{ from: 'oleg', to: 'anna', on: '2027-07-01' }] });
    const db = await history();
    const call = (id: string, date: string) => touch(id, { client: 'beta', employee: 'anna', source: 'rule:buyer-calls', contacts: ['beta-buyer1'], date });
    // Within the 60-day horizon (to 14 August), and far beyond it (recorded by a plan of the year).
    await db.insertInto('touches').values([call('t1', '2027-07-05'), call('t2', '2027-08-02'), call('t3', '2027-11-03'), call('t4', '2027-12-01')]).execute();
    expect(handoversReport(await loadReportContext(db, cfg, TODAY)).rows.map((r) => r.taken_over)).toEqual([2]);
  });

  it('a handover whose letters are beyond the horizon has its letter counts empty, not 0, and the summary says why', async () => {
    // The horizon is 60 days: a handover in ten months has no letters yet; one within it and without letters has 0.
    const far = addDays(TODAY, 300);
    // Just past the horizon's end (its notices on its eve or before, which may be past it too).
    const edge = addDays(TODAY, 62);
    const near = addDays(TODAY, 20);
    const cfg = configOf({ ...workflowCompany(), handovers: [{ from: 'oleg', to: 'anna', on: far }, { from: 'pavel', to: 'anna', on: edge }] });
    const r = handoversReport(await loadReportContext(await history(), cfg, TODAY));
    expect(r.rows.map((x) => [x.on, x.notices, x.notices_done, x.intros, x.intros_done])).toEqual([[far, null, null, null, null], [edge, null, null, null, null]]);
    expect(summary(r)).toMatchObject({ handovers: 2, letters_later: 2 });
    const within = handoversReport(await loadReportContext(await history(), configOf({ ...workflowCompany(), handovers: [{ from: 'oleg', to: 'anna', on: near }] }), TODAY));
    expect(within.rows.map((x) => [x.on, x.notices, x.notices_done, x.intros, x.intros_done])).toEqual([[near, 0, 0, 0, 0]]);
    expect(summary(within)).not.toHaveProperty('letters_later');
    expect(summary(within)).not.toHaveProperty('notices_missed');
  });

  it('a handover whose notices\' days passed with none recorded (written in late) is counted as such, not as one with none to send (QA)', async () => {
    const past = addDays(TODAY, -1);
    const r = handoversReport(await loadReportContext(await history(), configOf({ ...workflowCompany(), handovers: [{ from: 'oleg', to: 'anna', on: past }] }), TODAY));
    expect(r.rows.map((x) => [x.on, x.clients, x.notices])).toEqual([[past, 1, 0]]);
    expect(summary(r)).toMatchObject({ handovers: 1, notices_missed: 1 });
    // More than a month ago (before touchbase, say): history, not counted.
    const old = handoversReport(await loadReportContext(await history(), configOf({ ...workflowCompany(), handovers: [{ from: 'oleg', to: 'anna', on: addDays(TODAY, -40) }] }), TODAY));
    expect(summary(old)).not.toHaveProperty('notices_missed');
  });

  it('a chained handover counts, at its second change, the clients the leaver had taken over at the first', async () => {
    // Oleg hands beta to Anna on 1 July; Anna, holding alpha and beta then, hands both to Irina on 1 September.
    const base = workflowCompany();
    const cfg = configOf({
      ...base, employees: [...base.employees, { id: 'irina', name: 'Emp irina', role: 'account_manager', email: 'irina@corp.example' }],
      handovers: [{ from: 'oleg', to: 'anna', on: '2027-07-01' }, { from: 'anna', to: 'irina', on: '2027-09-01' }],
    });
    const db = await history();
    await db.insertInto('touches').values([
      touch('t1', { client: 'alpha', employee: 'irina', source: 'rule:buyer-calls', contacts: ['alpha-buyer2'], date: '2027-09-10', windowTo: '2027-09-30' }),
      touch('t2', { client: 'beta', employee: 'irina', source: 'rule:buyer-calls', contacts: ['beta-buyer1'], date: '2027-09-12', windowTo: '2027-09-30' }),
    ]).execute();
    const rows = handoversReport(await loadReportContext(db, cfg, TODAY)).rows;
    expect(rows.map((x) => [x.from, x.to, x.clients, x.taken_over])).toEqual([['oleg', 'anna', 1, 0], ['anna', 'irina', 2, 2]]);
  });

  it('greetings go back to the same day a year before, in a leap year too (QA: 365 days began on 2 June)', async () => {
    const ctx = await loadReportContext(await history(), config, '2028-06-01');
    expect(greetingsReport(ctx).title.params).toMatchObject({ from: { date: '2027-06-01' } });
  });

  it('greetings: a campaign of letters (the year-end reconciliation) is listed with its kind, and counted in no greeting total (QA: "greetings this week: 40" were letters)', async () => {
    const cfg = configOf({ ...workflowCompany(), campaigns: [
      { id: 'new-year', on: '06-14', ours: 'account_manager' },
      { id: 'year-end', on: '06-15', ours: 'account_manager', kind: 'letter' },
    ] });
    const db = await tempDatabase();
    const of = (id: string, source: string, date: string, kind: string, status: Status) =>
      touch(id, { client: 'alpha', employee: 'anna', source, contacts: ['alpha-ceo0'], date, status, kind });
    await db.insertInto('touches').values([
      of('g1', 'campaign:new-year', '2027-06-14', 'greeting', 'done'),
      of('l1', 'campaign:year-end', '2027-06-15', 'letter', 'planned'), of('l2', 'campaign:year-end', '2027-06-16', 'letter', 'done'),
    ]).execute();
    const r = greetingsReport(await loadReportContext(db, cfg, TODAY));
    expect(r.rows.map((x) => [x.campaign, x.kind, x.date])).toEqual([['new-year', 'greeting', '2027-06-14'], ['year-end', 'letter', '2027-06-15'], ['year-end', 'letter', '2027-06-16']]);
    expect(summary(r)).toMatchObject({ greetings: 1, done: 1, 'this week': 1 });
    expect(renderReport(r, 'table', en)).toMatch(/year-end +letter/);
  });

  it('greetings of a whole board at once (per: client) count each person greeted: a row\'s contacts are its done, skipped and open added up', async () => {
    const cfg = configOf({ ...workflowCompany(), campaigns: [{ id: 'new-year', on: '12-28', ours: 'account_manager', per: 'client' }] });
    const db = await tempDatabase();
    const board = (id: string, clientId: string, contacts: string[], status: Status) =>
      touch(id, { client: clientId, employee: clientId === 'alpha' ? 'anna' : 'oleg', source: 'campaign:new-year', contacts, date: '2026-12-28', status, kind: 'greeting' });
    await db.insertInto('touches').values([board('g1', 'alpha', ['alpha-ceo0', 'alpha-director1', 'alpha-buyer2'], 'done'), board('g2', 'beta', ['beta-ceo0', 'beta-buyer1'], 'planned')]).execute();
    const r = greetingsReport(await loadReportContext(db, cfg, TODAY));
    expect(r.rows.map((x) => [x.contacts, x.done, x.skipped, x.open, x.done_share])).toEqual([[5, 3, 0, 2, 3 / 5]]);
    expect(summary(r)).toMatchObject({ greetings: 5, done: 3 });
  });
});
