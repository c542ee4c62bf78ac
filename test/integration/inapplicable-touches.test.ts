import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers/run-cli.ts';
import { writeConfig } from '../helpers/config-folder.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';
import { openMigrated } from '../../src/storage/database.ts';

/** The open touches and the cancellations of a database, by source. */
async function touchesOf(db: string) {
  const d = await openMigrated(db);
  try {
    const rows = await d.selectFrom('touches').select(['id', 'source', 'employee_id', 'status', 'date']).orderBy('date').execute();
    const cancelled = await d.selectFrom('touch_events').select(['touch_id', 'detail', 'cause']).where('type', '=', 'cancelled').execute();
    return { rows, cancelled };
  } finally {
    await d.destroy();
  }
}

const winBack = (stage: string) => `
settings: { company: ООО Тест, timezone: Europe/Moscow, country: RU, workdays: [mon, tue, wed, thu, fri], hours: "09:00-18:00", horizon: 90 days, calendar: ics, language: ru }
employees:
  - { id: am, name: Анна Иванова, email: am@t.example, role: account_manager }
  - { id: sd, name: Мария Козлова, email: sd@t.example, role: sales_director }
clients:
  - { id: k1, name: ООО Ромашка, country: RU, timezone: Europe/Moscow, ${stage}, since: 2020-01-01, contacts: [ { id: k1-dir, name: Пётр Сидоров, role: director } ] }
rules:
  - { id: winback-offer, ours: account_manager, theirs: director, kind: letter, after: 14 days, for: { stage: lapsed } }
  - { id: winback-sd, ours: sales_director, theirs: director, kind: call, after: 30 days, for: { stage: lapsed } }
  - { id: monthly, ours: account_manager, theirs: director, kind: call, every: 1 month, for: { stage: active } }
overdue: { after: 2 days, escalate_to: sales_director }
`;

describe('open touches whose rule no longer applies', () => {
  it('a client won back: its late win-back letter and call are cancelled, not moved on as overdue every morning', async () => {
    const dir = writeConfig({ 'all.yaml': winBack('stage: lapsed, stage_since: 2027-02-01') });
    const db = await tempDatabaseLocation();
    const run = (now: string, ...args: string[]) => cli(...args, '--config', dir, '--db', db, '--now', now);
    expect((await run('2027-01-20T09:00:00+03:00', 'plan')).code).toBe(0);
    const winBackTouches = (await touchesOf(db)).rows.filter((t) => t.source.startsWith('rule:winback'));
    expect(winBackTouches.map((t) => t.date)).toEqual(['2027-02-17', '2027-03-05']);

    // Won back on 22 March; neither win-back touch was done.
    writeFileSync(join(dir, 'all.yaml'), winBack('stage: active, stage_since: 2027-03-22'));
    expect((await run('2027-03-22T09:00:00+03:00', 'plan')).code).toBe(0);
    const after = await touchesOf(db);
    expect(after.rows.filter((t) => t.source.startsWith('rule:winback')).map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    expect(after.cancelled.filter((c) => winBackTouches.some((t) => t.id === c.touch_id)).map((c) => [c.detail, c.cause])).toEqual([['no longer in the plan', 'plan'], ['no longer in the plan', 'plan']]);
    const overdue = JSON.parse((await run('2027-03-22T12:00:00+03:00', 'report', 'overdue', '--format', 'json')).out) as { rows: unknown[] };
    expect(overdue.rows).toEqual([]);
    // The next morning's check has nothing of them to move.
    expect((await run('2027-03-23T06:30:00+03:00', 'checks')).out).toMatch(/^просроченные: перенесено вперёд — 0 /); // the company is Russian
  });

  it('a contact gone from the client (left the company, gone from the export): its late call is cancelled by the next check, not moved on every morning (QA)', async () => {
    const twoContacts = (contacts: string) => winBack('stage: active').replace('contacts: [ { id: k1-dir, name: Пётр Сидоров, role: director } ]', `contacts: [ ${contacts} ]`);
    const both = '{ id: k1-dir, name: Пётр Сидоров, role: director }, { id: k1-dir2, name: Олег Попов, role: director }';
    const dir = writeConfig({ 'all.yaml': twoContacts(both) });
    const db = await tempDatabaseLocation();
    const run = (now: string, ...args: string[]) => cli(...args, '--config', dir, '--db', db, '--now', now);
    expect((await run('2027-01-20T09:00:00+03:00', 'plan')).code).toBe(0);
    const contactOf = async (id: string) => {
      const d = await openMigrated(db);
      try {
        return (await d.selectFrom('touches').select('contact_ids').where('id', '=', id).executeTakeFirstOrThrow()).contact_ids;
      } finally {
        await d.destroy();
      }
    };
    const calls = (await touchesOf(db)).rows.filter((t) => t.source === 'rule:monthly' && t.date < '2027-02-01');
    const popov: typeof calls = [];
    for (const t of calls) if ((await contactOf(t.id)).includes('k1-dir2')) popov.push(t);
    expect(popov).toHaveLength(1);
    // Nobody made January's calls; Popov left the client in February.
    expect((await run('2027-02-03T06:30:00+03:00', 'checks')).code).toBe(0);
    const missed = async () => (JSON.parse((await run('2027-02-04T12:00:00+03:00', 'report', 'punctuality', '--format', 'json')).out) as { rows: { employee: string; missed: number }[] }).rows.find((r) => r.employee === 'am')!.missed;
    const missedBefore = await missed();
    expect(missedBefore).toBeGreaterThanOrEqual(2);
    writeFileSync(join(dir, 'all.yaml'), twoContacts('{ id: k1-dir, name: Пётр Сидоров, role: director }'));
    expect((await run('2027-02-04T06:30:00+03:00', 'checks')).code).toBe(0);
    const after = await touchesOf(db);
    expect(after.rows.find((t) => t.id === popov[0]!.id)!.status).toBe('cancelled');
    // Sidorov's late call is his still, moved on as overdue.
    const sidorov = calls.find((t) => t.id !== popov[0]!.id)!;
    expect(after.rows.find((t) => t.id === sidorov.id)).toMatchObject({ status: 'planned', date: '2027-02-04' });
    // Popov's call was missed before it was cancelled: still missed in the figures (QA: cancelling it took the miss out).
    expect(await missed()).toBe(missedBefore);
  });

  it('the daily check cancels them too when no plan ran since the change', async () => {
    const dir = writeConfig({ 'all.yaml': winBack('stage: lapsed, stage_since: 2027-02-01') });
    const db = await tempDatabaseLocation();
    const run = (now: string, ...args: string[]) => cli(...args, '--config', dir, '--db', db, '--now', now);
    expect((await run('2027-01-20T09:00:00+03:00', 'plan')).code).toBe(0);
    writeFileSync(join(dir, 'all.yaml'), winBack('stage: active, stage_since: 2027-03-22'));
    const checks = await run('2027-03-23T06:30:00+03:00', 'checks');
    expect(checks.out).toMatch(/^просроченные: перенесено вперёд — 0 /); // the company is Russian
    expect((await touchesOf(db)).rows.filter((t) => t.source.startsWith('rule:winback')).map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    // Said (QA: nothing the user saw reported them, and the pass after said "cancelled: 0").
    expect(checks.out).toContain('отменено открытых касаний, которых больше нет в плане (их правило, кампания или передача больше не относятся к клиенту, или нет клиента либо всех их контактов): 2\n');
    expect((await run('2027-03-23T06:35:00+03:00', 'checks')).out).not.toContain('отменено');
  });

  it('a leaver removed with their handover: the notices they did not send are cancelled, not left open under someone gone', async () => {
    const company = (leaver: boolean) => `
settings: { company: Nistru SRL, timezone: Europe/Chisinau, country: MD, workdays: [mon, tue, wed, thu, fri], hours: "09:00-18:00", horizon: 90 days, calendar: ics, language: ro }
employees:
${leaver ? '  - { id: ceban, name: Elena Ceban, email: ceban@n.example, role: account_manager }\n' : ''}  - { id: lupu, name: Vlad Lupu, email: lupu@n.example, role: account_manager }
  - { id: popa, name: Maria Popa, email: popa@n.example, role: sales_director }
clients:
  - { id: moldagro, name: MoldAgro SA, country: MD, timezone: Europe/Chisinau, stage: active, since: 2020-01-01, team: { account_manager: ${leaver ? 'ceban' : 'lupu'} }, contacts: [ { id: m-ceo, name: Petru Cojocaru, role: ceo }, { id: m-buyer, name: Natalia Munteanu, role: buyer } ] }
rules:
  - { id: monthly, ours: account_manager, theirs: buyer, kind: call, every: 1 month }
${leaver ? 'handovers:\n  - { from: ceban, to: lupu, on: 2027-03-15, notice_from: leaving }\n' : ''}overdue: { after: 2 days }
`;
    const dir = writeConfig({ 'all.yaml': company(true) });
    const db = await tempDatabaseLocation();
    const run = (now: string, ...args: string[]) => cli(...args, '--config', dir, '--db', db, '--now', now);
    expect((await run('2027-02-12T09:00:00+02:00', 'plan')).code).toBe(0);
    const notices = (await touchesOf(db)).rows.filter((t) => t.source === 'handover:ceban:lupu' && t.employee_id === 'ceban');
    expect(notices.length).toBeGreaterThan(0);
    writeFileSync(join(dir, 'all.yaml'), company(false));
    expect((await run('2027-03-22T09:00:00+02:00', 'plan')).code).toBe(0);
    const after = (await touchesOf(db)).rows;
    expect(after.filter((t) => t.status === 'planned' && t.employee_id === 'ceban')).toEqual([]);
    expect(after.filter((t) => notices.some((n) => n.id === t.id)).map((t) => t.status)).toEqual(notices.map(() => 'cancelled'));
  });
});

describe('a client gone from the configuration', () => {
  const company = (clients: readonly string[]) => `
settings: { company: Test SRL, timezone: Europe/Bucharest, country: RO, workdays: [mon, tue, wed, thu, fri], hours: "09:00-18:00", horizon: 30 days, calendar: ics, language: en }
employees:
  - { id: am, name: Ana Pop, email: am@t.example, role: account_manager }
clients:
${clients.map((id) => `  - { id: ${id}, name: ${id.toUpperCase()} SRL, country: RO, stage: active, since: 2020-01-01, team: { account_manager: am }, contacts: [ { id: ${id}-buyer, name: Buyer ${id}, role: buyer } ] }`).join('\n')}
rules:
  - { id: monthly, ours: account_manager, theirs: buyer, kind: call, every: 1 month }
triggers:
  - { id: shipped, event: order.shipped, ours: account_manager, theirs: buyer, kind: letter, within: 4 hours }
`;
  const all = ['k1', 'k2', 'k3', 'k4', 'k5'];

  it('loses its event\'s call at the plan that drops it, with the plan\'s touches: not left in the calendar under its id', async () => {
    const dir = writeConfig({ 'all.yaml': company(all) });
    const db = await tempDatabaseLocation();
    const run = (now: string, ...args: string[]) => cli(...args, '--config', dir, '--db', db, '--now', now);
    expect((await run('2027-03-01T10:00:00+02:00', 'plan')).code).toBe(0);
    expect((await run('2027-03-01T19:00:00+02:00', 'event', 'order.shipped', '--client', 'k2', '--ref', 'SO-7')).code).toBe(0);
    const call = (await touchesOf(db)).rows.find((t) => t.source === 'trigger:shipped')!;
    expect(call).toMatchObject({ status: 'planned', date: '2027-03-02' });
    writeFileSync(join(dir, 'all.yaml'), company(all.filter((id) => id !== 'k2')));
    expect((await run('2027-03-01T20:00:00+02:00', 'plan')).code).toBe(0);
    const after = await touchesOf(db);
    expect(after.rows.find((t) => t.id === call.id)!.status).toBe('cancelled');
    expect(after.cancelled.filter((c) => c.touch_id === call.id)).toEqual([{ touch_id: call.id, detail: 'no longer in the plan', cause: 'plan' }]);
    // The other clients' own, and k2's planned touches of the plan, as before: only k2's are cancelled.
    expect(after.rows.filter((t) => t.status === 'cancelled').every((t) => after.cancelled.some((c) => c.touch_id === t.id))).toBe(true);
  });

  it('many gone at once (an export cut short): the morning\'s checks refuse it, as a plan does, and cancel nothing', async () => {
    const dir = writeConfig({ 'all.yaml': company(all) });
    const db = await tempDatabaseLocation();
    const run = (now: string, ...args: string[]) => cli(...args, '--config', dir, '--db', db, '--now', now);
    expect((await run('2027-03-01T10:00:00+02:00', 'plan')).code).toBe(0);
    const before = (await touchesOf(db)).rows.filter((t) => t.status === 'planned').length;
    writeFileSync(join(dir, 'all.yaml'), company(['k1']));
    const refused = await run('2027-04-15T07:00:00+03:00', 'checks');
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/--allow-removals/);
    expect((await touchesOf(db)).rows.filter((t) => t.status === 'planned').length).toBe(before);
    expect((await touchesOf(db)).cancelled).toEqual([]);
    // Meant: said so, they go.
    expect((await run('2027-04-15T07:00:00+03:00', 'checks', '--allow-removals')).code).toBe(0);
    expect((await touchesOf(db)).cancelled.length).toBeGreaterThan(0);
  });
});
