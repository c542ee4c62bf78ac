import { describe, expect, it, vi } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import ICAL from 'ical.js';
import { listedTouches } from '../helpers/calendar-entries.ts';
import { join } from 'node:path';
import { client, tempDir, writeConfig } from '../helpers/config-folder.ts';
import { workflowCompany } from '../helpers/workflow-company.ts';
import { cli } from '../helpers/run-cli.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';

interface PlanTouch { id: string; source: string; date: string; overdue: boolean; status: string }

describe('plan shows the whole period', () => {
  it('lists the touches a business event made beside the planner\'s, and says a filtered plan records the whole company', async () => {
    const dir = writeConfig({ 'touchbase.yaml': workflowCompany() });
    const db = await tempDatabaseLocation();
    const now = '2027-03-02T11:00:00+03:00';
    expect((await cli('event', 'order.shipped', '--config', dir, '--db', db, '--client', 'alpha', '--ref', 'SO-9', '--at', now, '--now', now)).code).toBe(0);
    const plan = await cli('plan', '--config', dir, '--db', db, '--from', '2027-03-02', '--to', '2027-03-31', '--format', 'json', '--now', now);
    const touches = JSON.parse(plan.out) as PlanTouch[];
    expect(touches.some((t) => t.source.startsWith('trigger:'))).toBe(true);
    expect(touches.some((t) => t.source.startsWith('rule:'))).toBe(true);
    expect(new Set(touches.map((t) => t.id)).size).toBe(touches.length);
    const mine = await cli('plan', '--config', dir, '--db', db, '--from', '2027-03-02', '--to', '2027-03-31', '--employee', 'anna', '--now', now);
    expect(mine.err).toMatch(/recorded the company's plan for 2027-03-02 to 2027-03-31 \(shown: anna\)/);
  });
});

describe('done touches stay whose they were', () => {
  it('after the client goes to someone else and its employee leaves, plan still shows the done call under who did it', async () => {
    const company = workflowCompany();
    const dir = writeConfig({ 'touchbase.yaml': company });
    const db = await tempDatabaseLocation();
    const now = '2027-03-02T11:00:00+03:00';
    const plan = async (at: string) => JSON.parse((await cli('plan', '--config', dir, '--db', db, '--from', '2027-03-02', '--to', '2027-04-30', '--format', 'json', '--now', at)).out) as (PlanTouch & { employee: string; client: string })[];
    const call = (await plan(now)).find((t) => t.client === 'alpha' && t.employee === 'anna' && t.source === 'rule:buyer-calls')!;
    expect((await cli('done', call.id.slice(0, 8), '--config', dir, '--db', db, '--now', now)).code).toBe(0);
    // Anna leaves: alpha is Oleg's now.
    writeFileSync(join(dir, 'touchbase.yaml'), stringify({ ...company, employees: company.employees.filter((e) => e.id !== 'anna'),
      clients: [client('alpha', { roles: ['ceo', 'director', 'buyer'], team: { account_manager: 'oleg' }, since: '2020-01-10' }), company.clients[1]] }));
    const after = await plan('2027-03-02T12:00:00+03:00');
    expect(after.find((t) => t.id === call.id)).toMatchObject({ status: 'done', employee: 'anna' });
    // Her open touches of alpha are Oleg's.
    expect(after.filter((t) => t.client === 'alpha' && t.status === 'planned' && t.source === 'rule:buyer-calls').every((t) => t.employee === 'oleg')).toBe(true);
  });
});

describe('overdue means one thing', () => {
  it('plan, report overdue and the feed agree on what is overdue; a new installation is not overdue on its first day', async () => {
    const dir = writeConfig({ 'touchbase.yaml': workflowCompany() });
    const db = await tempDatabaseLocation();
    const start = '2027-03-01T09:00:00+03:00';
    const later = '2027-03-22T09:00:00+03:00';
    // Installed on 1 March: the plan is recorded, nothing is ever done.
    const first = JSON.parse((await cli('plan', '--config', dir, '--db', db, '--from', '2027-03-01', '--to', '2027-03-31', '--format', 'json', '--now', start)).out) as PlanTouch[];
    expect(first.filter((t) => t.overdue)).toEqual([]);
    expect(JSON.parse((await cli('report', 'overdue', '--config', dir, '--db', db, '--format', 'json', '--now', start)).out).rows).toEqual([]);

    // Three weeks later, after the morning's checks (the daemon's daily job) moved what is overdue to today.
    expect((await cli('checks', '--config', dir, '--db', db, '--now', later)).code).toBe(0);
    const plan = JSON.parse((await cli('plan', '--config', dir, '--db', db, '--from', '2027-03-01', '--to', '2027-04-30', '--format', 'json', '--now', later)).out) as PlanTouch[];
    const flagged = plan.filter((t) => t.overdue).map((t) => t.id).sort();
    expect(flagged.length).toBeGreaterThan(0);
    const report = JSON.parse((await cli('report', 'overdue', '--config', dir, '--db', db, '--format', 'json', '--now', later)).out) as { rows: { id: string }[] };
    expect(report.rows.map((r) => r.id).sort()).toEqual(flagged);
    // The feed: every overdue touch's event says so, and no other's.
    // The feeds in a folder of the test's own (beside the database file means nothing on PostgreSQL).
    const folder = join(tempDir(), 'feeds');
    vi.stubEnv('TOUCHBASE_FEEDS_DIR', folder);
    try {
      expect((await cli('sync', '--config', dir, '--db', db, '--now', later)).code).toBe(0);
    } finally {
      vi.unstubAllEnvs();
    }
    const events = readdirSync(folder).filter((f) => f.endsWith('.ics')).flatMap((f) => new ICAL.Component(ICAL.parse(readFileSync(join(folder, f), 'utf8'))).getAllSubcomponents('vevent'))
      .filter((e) => e.getFirstPropertyValue('status') === 'CONFIRMED');
    const overdueInFeed = events.filter((e) => String(e.getFirstPropertyValue('summary')).startsWith('Overdue: '))
      .flatMap((e) => listedTouches(String(e.getFirstPropertyValue('description')))).sort();
    expect(overdueInFeed).toEqual(flagged);
  });
});

describe('a period that starts before today is shown whole and recorded from today on', () => {
  it('a plan of last months on a new database makes nothing overdue the next morning; what was recorded in time stays late', async () => {
    const dir = writeConfig({ 'touchbase.yaml': workflowCompany() });
    const db = await tempDatabaseLocation();
    const june = '2027-06-01T09:00:00+03:00';
    const plan = await cli('plan', '--config', dir, '--db', db, '--from', '2027-03-01', '--to', '2027-07-31', '--format', 'json', '--now', june);
    expect(plan.code).toBe(0);
    const touches = JSON.parse(plan.out) as PlanTouch[];
    const before = touches.filter((t) => t.date < '2027-06-01');
    expect(before.length).toBeGreaterThan(0); // shown…
    expect(before.filter((t) => t.overdue)).toEqual([]); // …as nobody's debt
    // The same shown without saving, on a database that has a plan (of June on): nothing of it overdue either.
    const preview = JSON.parse((await cli('plan', '--config', dir, '--db', db, '--from', '2027-03-01', '--to', '2027-07-31', '--format', 'json', '--now', june, '--no-save')).out) as PlanTouch[];
    expect(preview.filter((t) => t.date < '2027-06-01').length).toBe(before.length);
    expect(preview.filter((t) => t.date < '2027-06-01' && t.overdue)).toEqual([]);
    const mine = await cli('plan', '--config', dir, '--db', db, '--from', '2027-03-01', '--to', '2027-07-31', '--now', june);
    expect(mine.err).toContain('the days before 2027-06-01 are shown, not recorded again: a touch of theirs never recorded before was in nobody\'s calendar (it is not overdue); those recorded earlier show as they stand');
    expect(mine.err).toMatch(/recorded the company's plan for 2027-06-01 to 2027-07-31: /);
    // …and not recorded: no id of theirs is known, and the next morning's checks find nothing overdue.
    expect((await cli('done', before[0]!.id, '--config', dir, '--db', db, '--now', june)).code).toBe(2);
    const morning = await cli('checks', '--config', dir, '--db', db, '--now', '2027-06-02T06:30:00+03:00');
    expect(morning.out).toContain('overdue: 0 moved');
    expect(JSON.parse((await cli('report', 'overdue', '--config', dir, '--db', db, '--format', 'json', '--now', '2027-06-02T09:00:00+03:00')).out).rows).toEqual([]);
    const later = touches.filter((t) => t.date >= '2027-06-01');
    expect((await cli('done', later[0]!.id, '--config', dir, '--db', db, '--now', '2027-06-02T09:00:00+03:00')).code).toBe(0);

    // Touches recorded in time (a pass in May) and left undone are late in June's plan of the same months.
    const other = await tempDatabaseLocation();
    expect((await cli('plan', '--config', dir, '--db', other, '--from', '2027-05-03', '--to', '2027-05-31', '--now', '2027-05-03T09:00:00+03:00')).code).toBe(0);
    const again = JSON.parse((await cli('plan', '--config', dir, '--db', other, '--from', '2027-03-01', '--to', '2027-07-31', '--format', 'json', '--now', june)).out) as PlanTouch[];
    const late = again.filter((t) => t.overdue);
    expect(late.length).toBeGreaterThan(0);
    expect(late.every((t) => t.date >= '2027-05-03' && t.date < '2027-06-01')).toBe(true);
  });
});
