import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { DB } from '../../src/storage/database.ts';
import { tempDatabase } from '../helpers/temp-database.ts';
import { planWithHistory } from '../../src/plan-service.ts';
import { markDone } from '../../src/storage/touch-repository.ts';
import { markSkipped } from '../../src/storage/touch-outcomes.ts';
import { runDailyWorkflows, withdrawSettledAlerts } from '../../src/workflows/daily.ts';
import { planAndSync } from '../../src/sync/pass.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { join } from 'node:path';
import { tempDir } from '../helpers/config-folder.ts';
import { touchesChangedSince } from '../../src/storage/sync-queries.ts';
import { runWeeklyDigest } from '../../src/workflows/digest.ts';
import { desiredEvent } from '../../src/sync/desired-events.ts';
import { planTouches } from '../../src/planner/plan.ts';
import { NO_HISTORY } from '../../src/planner/history.ts';
import { client, configOf } from '../helpers/config-folder.ts';
import { workflowCompany } from '../helpers/workflow-company.ts';
import { loadReportContext } from '../../src/reports/report-data.ts';
import { silentOf } from '../../src/reports/silence-report.ts';

const db = () => tempDatabase();
const morning = (date: string) => DateTime.fromISO(`${date}T07:00:00+03:00`, { setZone: true });
const openTouches = (d: DB, source: string) => d.selectFrom('touches').selectAll().where('source', 'like', `${source}%`).where('status', '=', 'planned').execute();

describe('silence', () => {
  const config = configOf(workflowCompany({ rules: [] }));

  async function withLastTouch(date: string) {
    const d = await db();
    // One done touch with alpha (a call by Anna) and one with beta, recent.
    await d.insertInto('touches').values([
      { ...row('t-alpha', 'alpha', 'anna', date), status: 'done', resolved_date: date, resolved_by: 'anna', resolved_at: `${date}T10:00:00Z` },
      { ...row('t-beta', 'beta', 'oleg', '2027-04-20'), status: 'done', resolved_date: '2027-04-20', resolved_by: 'oleg', resolved_at: '2027-04-20T10:00:00Z' },
    ]).execute();
    return d;
  }

  it('is found the day after `after` has passed, not before; the account manager gets an alert', async () => {
    const d = await withLastTouch('2027-03-01');
    // 60 days after 1 March is 30 April: not yet silent "for longer than 60 days".
    expect(await runDailyWorkflows(d, config, morning('2027-04-30'))).toMatchObject({ silent: 0, silenceAlerts: 0 });
    expect(await runDailyWorkflows(d, config, morning('2027-05-03'))).toMatchObject({ silent: 1, silenceAlerts: 1 });
    const [alert] = await openTouches(d, 'silence:');
    // Found on 3 May, a day off in Russia (1 May was a Saturday): the alert is on the next working day.
    expect(alert).toMatchObject({ client_id: 'alpha', employee_id: 'anna', date: '2027-05-04', all_day: 1, title: 'alpha Ltd: silent since 1 March 2027 — get in touch' });
    expect(alert!.body).toBe('Nobody of ours has done a touch with alpha Ltd since 2027-03-01: 63 days on 2027-05-03. The last touch was "call alpha" on 2027-03-01 by anna.');
    // The next day's run finds the same silence and makes no second alert.
    expect(await runDailyWorkflows(d, config, morning('2027-05-04'))).toMatchObject({ silent: 1, silenceAlerts: 0 });
    // Left undone, the alert stays in the calendar: its title says what is still true a week on
    // (a day count would have said 63 days on the 70th).
    await runDailyWorkflows(d, config, morning('2027-05-10'));
    const [later] = await openTouches(d, 'silence:');
    expect(later!.title).toBe('alpha Ltd: silent since 1 March 2027 — get in touch');
  });

  it('an open alert takes the company\'s new language at the next check (QA: a Russian alert on a Romanian dashboard)', async () => {
    const d = await withLastTouch('2027-03-01');
    expect(await runDailyWorkflows(d, config, morning('2027-05-03'))).toMatchObject({ silenceAlerts: 1 });
    const base = workflowCompany({ rules: [] });
    const russian = configOf({ ...base, settings: { ...base.settings, language: 'ru' } });
    expect(await runDailyWorkflows(d, russian, morning('2027-05-04'))).toMatchObject({ silent: 1, silenceAlerts: 0 });
    const [alert] = await openTouches(d, 'silence:');
    expect(alert!.title).toMatch(/^alpha Ltd: нет контакта с 1\sмарта\s2027\sг\.\s—\sсвяжитесь с клиентом$/);
    expect(alert!.body).toMatch(/^Никто из наших/);
    // The same language the next day: nothing written (its body's day count is not news).
    const updated = alert!.updated_at;
    await runDailyWorkflows(d, russian, DateTime.fromISO('2027-05-05T07:00:00+03:00', { setZone: true }));
    expect((await openTouches(d, 'silence:'))[0]!.updated_at).toBe(updated);
  });

  it('its alert is news to the daemon\'s next incremental pass, which puts it in the calendar at once', async () => {
    const d = await withLastTouch('2027-03-01');
    const seq = Number((await d.selectFrom('touch_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst())?.seq ?? 0);
    expect(await runDailyWorkflows(d, config, morning('2027-05-03'))).toMatchObject({ silenceAlerts: 1 });
    const changed = await touchesChangedSince(d, seq);
    expect([...changed.clients]).toEqual(['alpha']);
    expect([...changed.employees]).toEqual(['anna']);
  });

  it('is escalated to the sales director when the alert stays undone for a week, and cleared by a done touch', async () => {
    const d = await withLastTouch('2027-03-01');
    await runDailyWorkflows(d, config, morning('2027-05-04'));
    expect(await runDailyWorkflows(d, config, morning('2027-05-10'))).toMatchObject({ silenceEscalated: 0 });
    expect(await runDailyWorkflows(d, config, morning('2027-05-11'))).toMatchObject({ silenceEscalated: 1 });
    const [escalation] = await openTouches(d, 'escalation:silence:');
    expect(escalation).toMatchObject({ employee_id: 'pavel', client_id: 'alpha', date: '2027-05-11' });
    expect(escalation!.title).toBe('alpha Ltd: silent since 1 March 2027; Emp anna has not got in touch for a week');
    // Anna calls: the alert is done; the silence is over and the escalation is withdrawn.
    const [alert] = await openTouches(d, 'silence:');
    await markDone(d, alert!.id, { at: '2027-05-11T09:00:00Z', date: '2027-05-11', by: 'anna', note: undefined });
    expect(await runDailyWorkflows(d, config, morning('2027-05-12'))).toMatchObject({ silent: 0, cleared: 1 });
    expect(await openTouches(d, 'escalation:')).toEqual([]);
  });

  it('an alert skipped ("their CEO is on holiday") is "not now": the silence that goes on is alerted again `after` from the skip, and escalated again (QA: muted for good)', async () => {
    const d = await withLastTouch('2027-03-01');
    await runDailyWorkflows(d, config, morning('2027-05-03'));
    const [first] = await openTouches(d, 'silence:');
    await markSkipped(d, first!.id, { at: '2027-05-04T10:00:00Z', date: '2027-05-04', by: 'anna', note: 'CEO on vacation' });
    // Still silent, and the report says so; no alert until 60 days after the skip (3 July).
    expect(await runDailyWorkflows(d, config, morning('2027-05-11'))).toMatchObject({ silent: 1, silenceAlerts: 0, silenceEscalated: 0, cleared: 0 });
    // (Beta, last touched on 20 April, is silent by July: its own first alert.)
    await runDailyWorkflows(d, config, morning('2027-07-02'));
    expect(await openTouches(d, 'silence:alpha')).toEqual([]);
    await runDailyWorkflows(d, config, morning('2027-07-05'));
    const [again, ...more] = await openTouches(d, 'silence:alpha');
    expect(more).toEqual([]);
    expect(again).toMatchObject({ client_id: 'alpha', employee_id: 'anna', date: '2027-07-05', title: 'alpha Ltd: silent since 1 March 2027 — get in touch' });
    expect(again!.id).not.toBe(first!.id);
    expect(again!.body).toContain('Its alert was skipped on 2027-05-04; the silence has gone on since.');
    // Only one alert of the new round, however many mornings; left undone a week, it goes up.
    await runDailyWorkflows(d, config, morning('2027-07-06'));
    expect(await openTouches(d, 'silence:alpha')).toHaveLength(1);
    await runDailyWorkflows(d, config, morning('2027-07-12'));
    expect(await openTouches(d, 'escalation:silence:alpha')).toMatchObject([{ employee_id: 'pavel', client_id: 'alpha' }]);
    // A done touch ends the silence: the new round's alert and its escalation are withdrawn.
    await markDone(d, again!.id, { at: '2027-07-12T09:00:00Z', date: '2027-07-12', by: 'anna', note: undefined });
    await runDailyWorkflows(d, config, morning('2027-07-13'));
    expect(await openTouches(d, 'escalation:silence:alpha')).toEqual([]);
    expect(await openTouches(d, 'silence:alpha')).toEqual([]);
  });

  it('an alert skipped after it went up withdraws its escalation: the next round\'s is the only one the director gets (review)', async () => {
    const d = await withLastTouch('2027-03-01');
    await runDailyWorkflows(d, config, morning('2027-05-03'));
    await runDailyWorkflows(d, config, morning('2027-05-11'));
    expect(await openTouches(d, 'escalation:silence:alpha')).toHaveLength(1);
    const [first] = await openTouches(d, 'silence:alpha');
    await markSkipped(d, first!.id, { at: '2027-05-12T10:00:00Z', date: '2027-05-12', by: 'anna', note: 'CEO on vacation' });
    await runDailyWorkflows(d, config, morning('2027-05-13'));
    expect(await openTouches(d, 'escalation:silence:alpha')).toEqual([]);
    // 60 days after the skip (12 May) is 11 July: the next round the day after, and a week on its escalation, alone.
    await runDailyWorkflows(d, config, morning('2027-07-11'));
    expect(await openTouches(d, 'silence:alpha')).toEqual([]);
    await runDailyWorkflows(d, config, morning('2027-07-12'));
    expect(await openTouches(d, 'silence:alpha')).toHaveLength(1);
    await runDailyWorkflows(d, config, morning('2027-07-19'));
    expect(await openTouches(d, 'escalation:silence:alpha')).toMatchObject([{ employee_id: 'pavel', date: '2027-07-19' }]);
  });
});

describe('alerts withdrawn as soon as their reason ends', () => {
  const config = configOf(workflowCompany({ rules: [] }));

  it('a done touch counts as closed by it only the earlier touches of its own series; the client\'s others closed meanwhile are counted apart (QA: "7 … by the same rule", 5 of them another rule\'s)', async () => {
    const rules = configOf(workflowCompany());
    const d = await db();
    const of = (id: string, source: string, date: string, window: [string, string]) => ({
      ...row(id, 'alpha', 'anna', date), source, series: `${source}|alpha`, window_from: window[0], window_to: window[1],
    });
    await d.insertInto('touches').values([
      of('call-feb', 'rule:buyer-calls', '2027-02-10', ['2027-02-01', '2027-02-28']),
      of('call-mar', 'rule:buyer-calls', '2027-03-10', ['2027-03-01', '2027-03-31']),
      of('call-apr', 'rule:buyer-calls', '2027-04-05', ['2027-04-01', '2027-04-30']),
      // Another rule's: the first quarter's meeting behind the second's, overdue too.
      { ...of('meet-q1', 'rule:ceo-meeting', '2027-02-15', ['2027-01-01', '2027-03-31']), employee_id: 'pavel' },
      { ...of('meet-q2', 'rule:ceo-meeting', '2027-04-01', ['2027-04-01', '2027-06-30']), employee_id: 'pavel' },
    ]).execute();
    await markDone(d, 'call-apr', { at: '2027-04-06T08:00:00Z', date: '2027-04-06', by: 'anna', note: undefined });
    expect(await withdrawSettledAlerts(d, rules, morning('2027-04-06'), 'alpha', 'call-apr')).toMatchObject({ closed: 2, closedOthers: 1 });
    const status = Object.fromEntries((await d.selectFrom('touches').select(['id', 'status']).execute()).map((r) => [r.id, r.status]));
    expect(status).toEqual({ 'call-feb': 'skipped', 'call-mar': 'skipped', 'call-apr': 'done', 'meet-q1': 'skipped', 'meet-q2': 'planned' });
  });

  it('a done touch with a silent client withdraws its alert and escalation at once (not at the next morning\'s check); a touch of another client withdraws nothing', async () => {
    const d = await db();
    await d.insertInto('touches').values([
      { ...row('t-alpha', 'alpha', 'anna', '2027-03-01'), status: 'done', resolved_date: '2027-03-01', resolved_by: 'anna', resolved_at: '2027-03-01T10:00:00Z' },
      { ...row('t-beta', 'beta', 'oleg', '2027-04-20'), status: 'done', resolved_date: '2027-04-20', resolved_by: 'oleg', resolved_at: '2027-04-20T10:00:00Z' },
      row('next-alpha', 'alpha', 'anna', '2027-05-12'), row('next-beta', 'beta', 'oleg', '2027-05-12'),
    ]).execute();
    await runDailyWorkflows(d, config, morning('2027-05-04'));
    await runDailyWorkflows(d, config, morning('2027-05-11'));
    expect((await openTouches(d, 'silence:')).length + (await openTouches(d, 'escalation:silence:')).length).toBe(2);
    const noon = DateTime.fromISO('2027-05-11T12:00:00+03:00', { setZone: true });
    await markDone(d, 'next-beta', { at: noon.toUTC().toISO()!, date: '2027-05-11', by: 'oleg', note: undefined });
    expect(await withdrawSettledAlerts(d, config, noon, 'beta')).toEqual({ overdue: 0, silence: 0, closed: 0, closedOthers: 0 });
    // Anna calls alpha a day early (its next call, not the alert): both alerts go now.
    await markDone(d, 'next-alpha', { at: noon.toUTC().toISO()!, date: '2027-05-11', by: 'anna', note: undefined });
    expect(await withdrawSettledAlerts(d, config, noon, 'alpha')).toEqual({ overdue: 0, silence: 2, silenceSkipped: 0, closed: 0, closedOthers: 0 });
    expect(await openTouches(d, 'silence:')).toEqual([]);
    expect(await openTouches(d, 'escalation:')).toEqual([]);
    const lines = await d.selectFrom('touch_events').select(['type', 'detail']).where('type', '=', 'cancelled').execute();
    expect(lines).toEqual([{ type: 'cancelled', detail: 'the client was touched: the silence is over' }, { type: 'cancelled', detail: 'the client was touched: the silence is over' }]);
    // The morning's check finds nothing left to clear.
    expect(await runDailyWorkflows(d, config, morning('2027-05-12'))).toMatchObject({ silent: 0, cleared: 0 });
  });

  it('an alert withdrawn because its client lapsed (no longer of silence.for) says so, not that the client was touched (QA)', async () => {
    const d = await db();
    await d.insertInto('touches').values([
      { ...row('t-alpha', 'alpha', 'anna', '2027-03-01'), status: 'done', resolved_date: '2027-03-01', resolved_by: 'anna', resolved_at: '2027-03-01T10:00:00Z' },
      { ...row('t-beta', 'beta', 'oleg', '2027-04-20'), status: 'done', resolved_date: '2027-04-20', resolved_by: 'oleg', resolved_at: '2027-04-20T10:00:00Z' },
    ]).execute();
    await runDailyWorkflows(d, config, morning('2027-05-04'));
    await runDailyWorkflows(d, config, morning('2027-05-11'));
    expect((await openTouches(d, 'silence:')).length + (await openTouches(d, 'escalation:silence:')).length).toBe(2);
    const lapsed = configOf(workflowCompany({ rules: [], clients: [
      client('alpha', { roles: ['ceo', 'director', 'buyer'], team: { account_manager: 'anna' }, since: '2020-01-10', stage: 'lapsed' }),
      client('beta', { roles: ['ceo', 'buyer', 'buyer'], team: { account_manager: 'oleg' }, since: '2020-01-10' }),
    ] }));
    expect(await runDailyWorkflows(d, lapsed, morning('2027-05-12'))).toMatchObject({ cleared: 2 });
    const lines = await d.selectFrom('touch_events').select(['type', 'detail']).where('type', '=', 'cancelled').execute();
    expect(lines).toEqual([
      { type: 'cancelled', detail: 'the client is no longer watched for silence (silence.for, or gone from the configuration)' },
      { type: 'cancelled', detail: 'the client is no longer watched for silence (silence.for, or gone from the configuration)' },
    ]);
  });

  it('the daemon\'s next pass withdraws them after a touch is done by a calendar link (no command ran to do it)', async () => {
    const d = await db();
    await d.insertInto('touches').values([
      { ...row('t-alpha', 'alpha', 'anna', '2027-03-01'), status: 'done', resolved_date: '2027-03-01', resolved_by: 'anna', resolved_at: '2027-03-01T10:00:00Z' },
      // beta was touched lately: not silent.
      { ...row('t-beta', 'beta', 'oleg', '2027-04-20'), status: 'done', resolved_date: '2027-04-20', resolved_by: 'oleg', resolved_at: '2027-04-20T10:00:00Z' },
      // A business event's touch (the plan's own would be cancelled: this company has no rules).
      { ...row('next-alpha', 'alpha', 'anna', '2027-05-06'), source: 'event:order.shipped', series: 'event:order.shipped|alpha|Z1' },
    ]).execute();
    const clock = new ManualClock('2027-05-04T07:00:00+03:00');
    await planAndSync(d, config, clock, { feedDir: join(tempDir(), 'feeds') });
    await runDailyWorkflows(d, config, morning('2027-05-04'));
    await planAndSync(d, config, clock, { feedDir: join(tempDir(), 'feeds') });
    const [alert] = await openTouches(d, 'silence:');
    expect(alert).toBeDefined();
    // As a link records it: Anna's next call with alpha done two days early.
    await markDone(d, 'next-alpha', { at: '2027-05-04T09:00:00Z', date: '2027-05-04', by: 'anna', note: 'marked done from the calendar link' });
    clock.advance(3_600_000);
    await planAndSync(d, config, clock, { feedDir: join(tempDir(), 'feeds') });
    expect(await openTouches(d, 'silence:')).toEqual([]);
  });
});

describe('an undone silence alert', () => {
  it('goes up once, by the silence workflow a week on, not also as an overdue call days before (escalate_kinds with call)', async () => {
    const company = workflowCompany({ rules: [] });
    const config = configOf({ ...company, overdue: { ...company.overdue, escalate_kinds: ['meeting', 'call'] } });
    const d = await db();
    await d.insertInto('touches').values([
      { ...row('t-alpha', 'alpha', 'anna', '2027-03-01'), status: 'done', resolved_date: '2027-03-01', resolved_by: 'anna', resolved_at: '2027-03-01T10:00:00Z' },
      { ...row('t-beta', 'beta', 'oleg', '2027-04-20'), status: 'done', resolved_date: '2027-04-20', resolved_by: 'oleg', resolved_at: '2027-04-20T10:00:00Z' },
    ]).execute();
    for (let day = DateTime.fromISO('2027-05-03'); day.toISODate()! <= '2027-05-14'; day = day.plus({ days: 1 })) await runDailyWorkflows(d, config, morning(day.toISODate()!));
    const [alert] = await d.selectFrom('touches').selectAll().where('source', 'like', 'silence:%').execute();
    // The alert was left undone past overdue.after: moved forward as any late touch.
    expect(alert!.overdue_from).not.toBeNull();
    const up = await openTouches(d, 'escalation:');
    expect(up.map((t) => [t.source.replace(/:[^:]*$/, ''), t.employee_id])).toEqual([['escalation:silence', 'pavel']]);

    // Where silence has no escalation of its own, the overdue one still takes the alert up.
    const { escalate_to: _none, ...unescalated } = company.silence;
    const alone = configOf({ ...company, silence: unescalated, overdue: { ...company.overdue, escalate_kinds: ['meeting', 'call'] } });
    const e = await db();
    await e.insertInto('touches').values([
      { ...row('t-alpha', 'alpha', 'anna', '2027-03-01'), status: 'done', resolved_date: '2027-03-01', resolved_by: 'anna', resolved_at: '2027-03-01T10:00:00Z' },
      { ...row('t-beta', 'beta', 'oleg', '2027-04-20'), status: 'done', resolved_date: '2027-04-20', resolved_by: 'oleg', resolved_at: '2027-04-20T10:00:00Z' },
    ]).execute();
    for (let day = DateTime.fromISO('2027-05-03'); day.toISODate()! <= '2027-05-14'; day = day.plus({ days: 1 })) await runDailyWorkflows(e, alone, morning(day.toISODate()!));
    expect((await openTouches(e, 'escalation:')).map((t) => [t.source.replace(/:[^:]*$/, ''), t.employee_id])).toEqual([['escalation:overdue', 'pavel']]);
  });
});

describe('silence on a fresh installation', () => {
  it('counts from the CRM\'s last_contact, else from when touchbase started: old clients are not all silent on the first morning', async () => {
    const config = configOf(workflowCompany({
      rules: [],
      clients: [
        client('old', { since: '2015-01-01', team: { account_manager: 'anna' } }),
        { ...client('quiet', { since: '2015-01-01', team: { account_manager: 'oleg' } }), last_contact: '2027-01-20' },
      ],
    }));
    const d = await db();
    await d.insertInto('touches').values([{ ...row('p1', 'old', 'anna', '2027-03-10'), created_at: '2027-03-01T06:00:00Z' }, { ...row('p2', 'quiet', 'oleg', '2027-03-10'), created_at: '2027-03-01T06:00:00Z' }]).execute();
    expect(await runDailyWorkflows(d, config, morning('2027-03-25'))).toMatchObject({ silent: 1, silenceAlerts: 1 });
    const [alert] = await openTouches(d, 'silence:');
    expect(alert).toMatchObject({ client_id: 'quiet', title: 'quiet Ltd: silent since 20 January 2027 — get in touch' });
    // "old" counts from 1 March, when touchbase first planned for it: silent after 30 April.
    expect(await runDailyWorkflows(d, config, morning('2027-05-03'))).toMatchObject({ silent: 2 });
  });
});

describe('a client nothing is planned for', () => {
  it('is silent counted from the company\'s first plan: a client with no contacts has nobody in touch with it', async () => {
    const config = configOf(workflowCompany({
      rules: [],
      clients: [client('old', { since: '2015-01-01', team: { account_manager: 'anna' } }), client('empty', { since: '2015-01-01', team: { account_manager: 'oleg' }, roles: [] })],
    }));
    const d = await db();
    // The first plan (1 March) has a touch of "old" only: "empty" has no one to plan for.
    await d.insertInto('touches').values({ ...row('p1', 'old', 'anna', '2027-03-10'), created_at: '2027-03-01T06:00:00Z' }).execute();
    expect(await runDailyWorkflows(d, config, morning('2027-04-30'))).toMatchObject({ silent: 0 });
    expect(await runDailyWorkflows(d, config, morning('2027-05-03'))).toMatchObject({ silent: 2, silenceAlerts: 2 });
    const alerts = await openTouches(d, 'silence:');
    expect(alerts.map((t) => [t.client_id, t.employee_id, t.title])).toContainEqual(['empty', 'oleg', 'empty Ltd: silent since 1 March 2027 — get in touch']);
    // The reports say the same.
    const ctx = await loadReportContext(d, config, '2027-05-03');
    expect(silentOf(ctx).map((s) => [s.client.id, s.since])).toEqual([['empty', '2027-03-01'], ['old', '2027-03-01']]);
  });
});

describe('silence before the first plan', () => {
  const config = configOf(workflowCompany({
    rules: [],
    clients: [
      client('old', { since: '2015-01-01', team: { account_manager: 'anna' } }),
      { ...client('quiet', { since: '2015-01-01', team: { account_manager: 'oleg' } }), last_contact: '2027-01-20' },
    ],
  }));

  it('the checks run on a new database call no client silent that touchbase never planned for, only one the CRM says is', async () => {
    const d = await db();
    expect(await runDailyWorkflows(d, config, morning('2027-03-25'))).toMatchObject({ silent: 1, silenceAlerts: 1 });
    expect((await openTouches(d, 'silence:')).map((t) => t.client_id)).toEqual(['quiet']);
  });

  it('counts from the company\'s day of the first plan, not its UTC date: a plan at 01:00 in Moscow is that day\'s', async () => {
    const d = await db();
    // 1 March, 01:00 in Moscow: still 28 February in UTC.
    await d.insertInto('touches').values({ ...row('p1', 'old', 'anna', '2027-03-10'), created_at: '2027-02-28T22:00:00.000Z' }).execute();
    // 60 days after 1 March is 30 April: silent "for longer than 60 days" from 1 May on.
    expect(await runDailyWorkflows(d, config, morning('2027-04-30'))).toMatchObject({ silent: 1 });
    expect((await openTouches(d, 'silence:')).map((t) => t.client_id)).toEqual(['quiet']);
    expect(await runDailyWorkflows(d, config, morning('2027-05-01'))).toMatchObject({ silent: 2 });
  });
});

describe('win-back and onboarding cadences through selectors', () => {
  it('lapsed clients get the win-back sequence from stage_since; new clients (onboarding, or since < 90 days) get onboarding; others neither', () => {
    const config = configOf(workflowCompany({
      clients: [
        client('lost', { stage: 'lapsed', since: '2015-01-01', team: { account_manager: 'anna' } }),
        { ...client('lost2', { stage: 'lapsed', since: '2015-01-01', team: { account_manager: 'anna' } }), stage_since: '2027-03-01' },
        client('fresh', { since: '2027-02-15', team: { account_manager: 'anna' } }),
        client('signed', { stage: 'onboarding', since: '2026-12-01', team: { account_manager: 'anna' } }),
        client('old', { since: '2020-01-01', team: { account_manager: 'oleg' } }),
      ],
      rules: [
        { id: 'winback-call', ours: 'account_manager', theirs: 'buyer', kind: 'call', after: '1 day', per: 'client', for: { stage: 'lapsed' } },
        { id: 'winback-offer', ours: 'account_manager', theirs: 'ceo', kind: 'letter', after: '14 days', per: 'client', for: { stage: 'lapsed' } },
        { id: 'onboarding-feedback', ours: 'account_manager', theirs: 'ceo', kind: 'feedback', after: '30 days', per: 'client', for: { stage: 'onboarding' } },
      ],
    }));
    const plan = planTouches(config, NO_HISTORY, { from: '2027-03-01', to: '2027-05-31' }, DateTime.fromISO('2027-03-01T08:00:00+03:00'));
    const got = plan.touches.map((t) => `${t.source} ${t.client} ${t.window.from}`).sort();
    // "lost" has no stage_since: its sequence counts from since (2015), long past. "signed" is
    // onboarding but its 30 days after since were in December. "old" is simply active.
    expect(got).toEqual([
      'rule:onboarding-feedback fresh 2027-03-17',
      'rule:winback-call lost2 2027-03-02',
      'rule:winback-offer lost2 2027-03-15',
    ]);
    expect(plan.touches.some((t) => t.client === 'old' || t.client === 'signed')).toBe(false);
  });
});

describe('overdue touches', () => {
  const config = configOf(workflowCompany());

  it('move to the next working day with "Overdue" in the title until done; an overdue meeting with the CEO goes to the director', async () => {
    const d = await db();
    const now = DateTime.fromISO('2027-03-01T08:00:00+03:00');
    await planWithHistory(d, config, { from: '2027-03-01', to: '2027-03-31' }, now, true);
    const meeting = (await d.selectFrom('touches').selectAll().where('source', '=', 'rule:ceo-meeting').where('client_id', '=', 'beta').executeTakeFirstOrThrow());
    // Not overdue within the grace period (2 days after its day).
    const dueDay = DateTime.fromISO(meeting.date);
    await runDailyWorkflows(d, config, morning(dueDay.plus({ days: 2 }).toISODate()!));
    expect(await d.selectFrom('touches').select(['date', 'overdue_from']).where('id', '=', meeting.id).executeTakeFirstOrThrow()).toEqual({ date: meeting.date, overdue_from: null });
    const later = dueDay.plus({ days: 3 });
    const r = await runDailyWorkflows(d, config, morning(later.toISODate()!));
    expect(r.overdueMoved).toBeGreaterThanOrEqual(1);
    const moved = await d.selectFrom('touches').selectAll().where('id', '=', meeting.id).executeTakeFirstOrThrow();
    expect(moved.overdue_from).toBe(meeting.date);
    expect(moved.date >= later.toISODate()!).toBe(true);
    expect(DateTime.fromISO(moved.start_at).toFormat('HH:mm')).toBe(DateTime.fromISO(meeting.start_at).toFormat('HH:mm'));
    expect(desiredEvent(moved, config).title).toBe(`Overdue: ${meeting.title}`);
    // Pavel holds the meeting himself here: escalating to himself makes no sense.
    expect(r.overdueEscalated).toBe(0);
    // A re-plan keeps the moved day.
    await planWithHistory(d, config, { from: later.toISODate()!, to: '2027-04-30' }, morning(later.toISODate()!), true);
    expect((await d.selectFrom('touches').select(['date', 'status']).where('id', '=', meeting.id).executeTakeFirstOrThrow())).toEqual({ date: moved.date, status: 'planned' });
  });

  it('an overdue meeting of an account manager with a client\'s director is escalated once, and withdrawn when it is done', async () => {
    const config2 = configOf(workflowCompany({ rules: [{ id: 'am-director', ours: 'account_manager', theirs: 'director', kind: 'meeting', every: '1 month' }] }));
    const d = await db();
    await planWithHistory(d, config2, { from: '2027-03-01', to: '2027-03-31' }, DateTime.fromISO('2027-03-01T08:00:00+03:00'), true);
    const meeting = await d.selectFrom('touches').selectAll().where('client_id', '=', 'alpha').executeTakeFirstOrThrow();
    const day = DateTime.fromISO(meeting.date).plus({ days: 5 }).toISODate()!;
    expect(await runDailyWorkflows(d, config2, morning(day))).toMatchObject({ overdueEscalated: 1 });
    expect(await runDailyWorkflows(d, config2, morning(DateTime.fromISO(day).plus({ days: 1 }).toISODate()!))).toMatchObject({ overdueEscalated: 0 });
    const [escalation] = await openTouches(d, 'escalation:overdue:');
    expect(escalation).toMatchObject({ employee_id: 'pavel', client_id: 'alpha' });
    expect(escalation!.title).toContain(`overdue since ${meeting.date} — Emp anna`);
    await markDone(d, meeting.id, { at: '2027-04-01T09:00:00Z', date: '2027-04-01', by: 'anna', note: undefined });
    // Withdrawn as what it is: an escalation of the touch (not "the client's silence" too, QA).
    expect(await withdrawSettledAlerts(d, config2, DateTime.fromISO('2027-04-01T12:00:00+03:00'), 'alpha')).toEqual({ overdue: 1, silence: 0, silenceSkipped: 0, closed: 0, closedOthers: 0 });
    const after = await d.selectFrom('touches').select('status').where('id', '=', escalation!.id).executeTakeFirstOrThrow();
    expect(after.status).toBe('cancelled');
  });
});

describe('overdue touches of a chain (anchor: last)', () => {
  it('a later touch overdue beside an earlier open one (no pass ran between: a daemon off over a weekend) is left to the next plan, not moved on beside it', async () => {
    const config = configOf(workflowCompany({ rules: [{ id: 'weekly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 week', anchor: 'last' }] }));
    const d = await db();
    await planWithHistory(d, config, { from: '2027-03-01', to: '2027-03-31' }, morning('2027-03-01'), true);
    const chain = await d.selectFrom('touches').selectAll().where('source', '=', 'rule:weekly').where('client_id', '=', 'alpha').orderBy('window_from').execute();
    const [first, second] = chain;
    // The first was moved on as overdue to Wednesday the 10th; the second is on Thursday the 11th; no pass ran since.
    const put = async (t: typeof first, date: string, overdueFrom: string | null) => {
      const days = DateTime.fromISO(date).diff(DateTime.fromISO(t!.date), 'days').days;
      const shift = (iso: string) => DateTime.fromISO(iso, { setZone: true }).plus({ days }).toISO()!;
      await d.updateTable('touches').set({ date, start_at: shift(t!.start_at), end_at: shift(t!.end_at), overdue_from: overdueFrom }).where('id', '=', t!.id).execute();
    };
    await put(first, '2027-03-10', first!.date);
    await put(second, '2027-03-11', null);
    await runDailyWorkflows(d, config, morning('2027-03-15'));
    const read = async (t: typeof first) => d.selectFrom('touches').select(['date', 'overdue_from', 'status']).where('id', '=', t!.id).executeTakeFirstOrThrow();
    expect(await read(first)).toEqual({ date: '2027-03-15', overdue_from: first!.date, status: 'planned' });
    // Moved, the second was the check's: every plan kept it where the check put it, and the two rolled on together.
    expect(await read(second)).toEqual({ date: '2027-03-11', overdue_from: null, status: 'planned' });
    // The next plan puts it on after the first.
    await planWithHistory(d, config, { from: '2027-03-15', to: '2027-04-15' }, morning('2027-03-15'), true);
    const replanned = await read(second);
    expect(replanned.date > '2027-03-15' && replanned.overdue_from === null && replanned.status === 'planned').toBe(true);
  });
});

describe('an escalation after a handover', () => {
  it('names the successor once the overdue touch is theirs, in its title and description (QA: the director chased someone who had left)', async () => {
    const rules = [{ id: 'am-director', ours: 'account_manager', theirs: 'director', kind: 'meeting', every: '1 month' }];
    const before = configOf(workflowCompany({ rules }));
    const d = await db();
    await planWithHistory(d, before, { from: '2027-03-01', to: '2027-03-31' }, DateTime.fromISO('2027-03-01T08:00:00+03:00'), true);
    const meeting = await d.selectFrom('touches').selectAll().where('client_id', '=', 'alpha').executeTakeFirstOrThrow();
    const day = DateTime.fromISO(meeting.date).plus({ days: 5 }).toISODate()!;
    expect(await runDailyWorkflows(d, before, morning(day))).toMatchObject({ overdueEscalated: 1 });
    const [escalation] = await openTouches(d, 'escalation:overdue:');
    expect(escalation!.title).toContain('Emp anna');
    // Anna leaves the next day: her late meeting is Oleg's, and so is the escalation's subject.
    const next = DateTime.fromISO(day).plus({ days: 1 }).toISODate()!;
    const after = configOf({ ...workflowCompany({ rules }), handovers: [{ from: 'anna', to: 'oleg', on: next, notice_from: 'leaving' }] });
    await runDailyWorkflows(d, after, morning(next));
    expect((await d.selectFrom('touches').select('employee_id').where('id', '=', meeting.id).executeTakeFirstOrThrow()).employee_id).toBe('oleg');
    const [retitled] = await openTouches(d, 'escalation:overdue:');
    expect(retitled!.id).toBe(escalation!.id);
    expect(retitled!.title).toContain('Emp oleg');
    expect(retitled!.body).toContain('Emp oleg');
    expect(retitled!.updated_at > escalation!.updated_at).toBe(true);
  });
});

function row(id: string, clientId: string, employee: string, date: string) {
  return {
    id, source: 'rule:test', series: `rule:test|${clientId}|${id}`, kind: 'call', client_id: clientId, contact_ids: '[]', employee_id: employee,
    date, start_at: `${date}T10:00:00.000+03:00`, end_at: `${date}T10:15:00.000+03:00`, all_day: 0, title: `call ${clientId}`,
    window_from: date, window_to: date, remind: '[]', status: 'planned' as const, resolved_at: null, resolved_date: null, resolved_by: null,
    note: null, created_at: '2027-01-01T00:00:00Z', updated_at: '2027-01-01T00:00:00Z', moved_by_user: 0, overdue_from: null, body: null,
  };
}

describe('a greeting not sent by its holiday', () => {
  it('moves once onto the first working day after the holiday (a belated greeting), then stays there, late: not rolled on every morning', async () => {
    // The campaign is the company's: a touch of a campaign it no longer has is cancelled, not moved.
    const campaigns = [{ id: 'womens-day', on: '03-08', ours: 'account_manager' }];
    const config = configOf({ ...workflowCompany(), campaigns });
    const d = await db();
    // The 8 March greeting, on Friday 5 March (8 March is a day off in Russia).
    await d.insertInto('touches').values({
      ...row('g1', 'alpha', 'anna', '2027-03-05'), source: 'campaign:womens-day', series: 'campaign:womens-day|alpha|alpha-ceo0|2027', kind: 'greeting',
      all_day: 1, start_at: '2027-03-05', end_at: '2027-03-06', window_from: '2027-02-22', window_to: '2027-03-08',
    }).execute();
    const at = async () => (await d.selectFrom('touches').select(['date', 'status', 'overdue_from']).where('id', '=', 'g1').executeTakeFirstOrThrow());
    expect((await runDailyWorkflows(d, config, morning('2027-03-09'))).overdueMoved).toBe(1);
    expect(await at()).toEqual({ date: '2027-03-09', status: 'planned', overdue_from: '2027-03-05' });
    // The holiday is its deadline, whatever the grace (overdue.after: 2 weeks): moved onto the
    // belated day by that day's check (QA campaigns F5), and left on its day once that is over.
    const patient = configOf({ ...workflowCompany(), campaigns, overdue: { ...workflowCompany().overdue, after: '2 weeks' } });
    const d2 = await db();
    const greeting = (id: string) => ({
      ...row(id, 'alpha', 'anna', '2027-03-05'), source: 'campaign:womens-day', series: `campaign:womens-day|alpha|alpha-ceo0|${id}`, kind: 'greeting',
      all_day: 1, start_at: '2027-03-05', end_at: '2027-03-06', window_from: '2027-02-22', window_to: '2027-03-08',
    });
    await d2.insertInto('touches').values([greeting('g2'), greeting('g3')]).execute();
    const day = async (id: string) => d2.selectFrom('touches').select(['date', 'overdue_from']).where('id', '=', id).executeTakeFirstOrThrow();
    // On the holiday itself (a day off, no check moves anything yet) it is not late.
    await runDailyWorkflows(d2, patient, morning('2027-03-08'));
    expect(await day('g2')).toEqual({ date: '2027-03-05', overdue_from: null });
    expect((await runDailyWorkflows(d2, patient, morning('2027-03-09'))).overdueMoved).toBe(2);
    expect(await day('g2')).toEqual({ date: '2027-03-09', overdue_from: '2027-03-05' });
    await runDailyWorkflows(d2, patient, morning('2027-03-10'));
    expect(await day('g2')).toEqual({ date: '2027-03-09', overdue_from: '2027-03-05' });
    // No check ran on the belated day (the daemon was down): left on its day, as before.
    const d3 = await db();
    await d3.insertInto('touches').values(greeting('g4')).execute();
    await runDailyWorkflows(d3, patient, morning('2027-03-22'));
    expect(await d3.selectFrom('touches').select(['date', 'overdue_from']).where('id', '=', 'g4').executeTakeFirstOrThrow()).toEqual({ date: '2027-03-05', overdue_from: null });
    // An ordinary late call goes on moving, as before.
    await d.insertInto('touches').values({ ...row('c1', 'alpha', 'anna', '2027-03-05'), source: 'rule:buyer-calls', series: 'rule:buyer-calls|alpha|c1' }).execute();
    for (const day of ['2027-03-10', '2027-03-11', '2027-03-15']) {
      await runDailyWorkflows(d, config, morning(day));
      expect(await at(), day).toEqual({ date: '2027-03-09', status: 'planned', overdue_from: '2027-03-05' });
      expect((await d.selectFrom('touches').select('date').where('id', '=', 'c1').executeTakeFirstOrThrow()).date, day).toBe(day);
    }
  });
});

describe('the weekly digest', () => {
  it('is one Monday-morning event per director listing overdue touches, silent clients and single-person clients', async () => {
    const config = configOf(workflowCompany());
    const d = await db();
    await d.insertInto('touches').values([
      { ...row('o1', 'alpha', 'anna', '2027-05-20') },
      { ...row('d1', 'beta', 'oleg', '2027-05-05'), status: 'done', resolved_date: '2027-05-05', resolved_by: 'oleg', resolved_at: '2027-05-05T10:00:00Z', contact_ids: '["beta-buyer1"]' },
    ]).execute();
    const monday = DateTime.fromISO('2027-06-14T07:30:00+03:00');
    expect(await runWeeklyDigest(d, config, monday)).toBe(1);
    expect(await runWeeklyDigest(d, config, monday.plus({ hours: 3 }))).toBe(0);
    const digest = await d.selectFrom('touches').selectAll().where('source', 'like', 'digest:%').executeTakeFirstOrThrow();
    // 14 June 2027 is a day off in Russia (Russia Day, 12 June, was a Saturday): the digest is on Tuesday morning.
    expect(digest).toMatchObject({ employee_id: 'pavel', date: '2027-06-15', start_at: '2027-06-15T09:00:00.000+03:00', all_day: 0 });
    expect(digest.title).toBe('Weekly digest: 1 overdue, 1 silent, 2 clients on one person or nobody');
    expect(digest.body).toContain('Overdue touches (1):\n- 2027-05-20 call alpha — Emp anna');
    expect(digest.body).toContain('- beta Ltd: 1 of ours (Emp oleg), 1 of theirs');
    expect(desiredEvent(digest, config).description).toContain('Silent clients (1):\n- alpha Ltd:');
  });

  it('comes after a meeting its reader already has that morning, not at the same time', async () => {
    const config = configOf(workflowCompany());
    const d = await db();
    const meeting = { ...row('m1', 'beta', 'pavel', '2027-06-15'), kind: 'meeting', start_at: '2027-06-15T09:00:00.000+03:00', end_at: '2027-06-15T10:30:00.000+03:00' };
    await d.insertInto('touches').values([meeting]).execute();
    expect(await runWeeklyDigest(d, config, DateTime.fromISO('2027-06-14T07:30:00+03:00'))).toBe(1);
    const digest = await d.selectFrom('touches').selectAll().where('source', 'like', 'digest:%').executeTakeFirstOrThrow();
    expect(digest).toMatchObject({ employee_id: 'pavel', date: '2027-06-15', start_at: '2027-06-15T10:30:00.000+03:00', end_at: '2027-06-15T11:00:00.000+03:00' });
  });

  it('goes to every holder of a digest role, each with the lines of their own clients only', async () => {
    const config = configOf({ ...workflowCompany(), digest: { to: ['sales_director', 'account_manager'] } });
    const d = await db();
    await d.insertInto('touches').values([
      { ...row('o1', 'alpha', 'anna', '2027-05-20') },
      { ...row('o2', 'beta', 'oleg', '2027-05-25') },
      { ...row('o3', 'alpha', 'anna', '2027-05-27') },
    ]).execute();
    expect(await runWeeklyDigest(d, config, DateTime.fromISO('2027-06-14T07:30:00+03:00'))).toBe(3);
    const digests = new Map((await d.selectFrom('touches').selectAll().where('source', 'like', 'digest:%').execute()).map((r) => [r.employee_id, r]));
    const body = (id: string) => digests.get(id)!.body!;
    expect(digests.get('anna')!.title).toBe('Weekly digest: 2 overdue, 1 silent, 1 client on one person or nobody');
    expect(body('anna')).toContain('Overdue touches (2):\n- 2027-05-20 call alpha — Emp anna\n- 2027-05-27 call alpha — Emp anna\n');
    expect(body('anna')).not.toContain('beta');
    expect(digests.get('oleg')!.title).toBe('Weekly digest: 1 overdue, 1 silent, 1 client on one person or nobody');
    expect(body('oleg')).toContain('Overdue touches (1):\n- 2027-05-25 call beta — Emp oleg\n');
    expect(body('oleg')).not.toContain('alpha');
    // Their sales director reads both clients, each list in the order the reports give it.
    expect(digests.get('pavel')!.title).toBe('Weekly digest: 3 overdue, 2 silent, 2 clients on one person or nobody');
    expect(body('pavel')).toContain('Overdue touches (3):\n- 2027-05-20 call alpha — Emp anna\n- 2027-05-25 call beta — Emp oleg\n- 2027-05-27 call alpha — Emp anna\n');
  });
});
