import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { join } from 'node:path';
import { refreshDashboard, STORED_REPORTS } from '../../src/dashboard/refresh.ts';
import { REPORTS } from '../../src/reports/registry.ts';
import { loadReportContext } from '../../src/reports/report-data.ts';
import { dashboardMeta } from '../../src/storage/dashboard-snapshot.ts';
import { clientPage, forecastOf, isClientOf, reportRows } from '../../src/storage/dashboard-queries.ts';
import { markDone, savePlan } from '../../src/storage/touch-repository.ts';
import { planWithHistory, horizonWindow } from '../../src/plan-service.ts';
import { client, configOf, tempDir } from '../helpers/config-folder.ts';
import { workflowCompany } from '../helpers/workflow-company.ts';
import { tempDatabase } from '../helpers/temp-database.ts';
import { HISTORY, NOW, TODAY, dashboardCompany, recordHistory } from '../helpers/dashboard-company.ts';

const now = DateTime.fromISO(NOW, { setZone: true });
const config = configOf(dashboardCompany('en'));

async function plannedHistory() {
  const file = join(tempDir(), 't.sqlite');
  await recordHistory(file);
  const db = await tempDatabase(file);
  await planWithHistory(db, config, horizonWindow(config, now), now, true);
  return db;
}

describe('the dashboard\'s snapshot, made by the job process', () => {
  it('stores every report\'s rows as the report functions make them, and who may see which client', async () => {
    const db = await plannedHistory();
    expect(await refreshDashboard(db, config, now)).toMatchObject({ refreshed: true, forecast: true });
    const ctx = await loadReportContext(db, config, TODAY);
    for (const name of STORED_REPORTS) {
      expect((await reportRows(db, name, { all: true }, undefined)).rows, name).toEqual(JSON.parse(JSON.stringify(REPORTS[name](ctx).rows)));
    }
    const meta = await dashboardMeta(db);
    expect(meta).toMatchObject({ today: TODAY, company: 'Volna Test', language: 'en', forecast_as_of: TODAY });
    expect(JSON.parse(meta['report:overdue']!)).toMatchObject({ name: 'overdue', title: { key: 'report.overdue.title' } });
    expect([await isClientOf(db, 'anna', 'alfa'), await isClientOf(db, 'anna', 'gamma'), await isClientOf(db, 'anna', 'beta'), await isClientOf(db, 'pavel', 'alfa')]).toEqual([true, true, false, true]);
    // An employee's rows are those of their clients.
    expect(new Set((await reportRows(db, 'overdue', { all: false, employee: 'anna' }, undefined)).rows.map((r) => r.client))).toEqual(new Set(['alfa']));
    const page = await clientPage(db, { all: false, employee: 'oleg' }, { sort: 'name', descending: false, offset: 0, limit: 50 });
    expect(page.rows.map((r) => r.id)).toEqual(['beta']);
  });

  it('a client taken from an employee is theirs no more: a call they made gives no access, an open touch does (security review 2026-12-06)', async () => {
    const db = await plannedHistory();
    // Anna makes May's call to Alfa, late; then Alfa goes to Oleg: Anna keeps only the calls she made there.
    await markDone(db, '00000000-0000-4000-8000-0000000000a2', { at: now.toUTC().toISO()!, date: TODAY, by: 'anna', note: undefined });
    const company = dashboardCompany('en');
    const moved = configOf({ ...company, clients: company.clients.map((c) => (c.id === 'alfa' ? { ...c, team: { account_manager: 'oleg' } } : c)) });
    await planWithHistory(db, moved, horizonWindow(moved, now), now, true);
    await refreshDashboard(db, moved, now);
    expect(await isClientOf(db, 'oleg', 'alfa')).toBe(true);
    expect(await isClientOf(db, 'anna', 'alfa')).toBe(false);
    expect((await clientPage(db, { all: false, employee: 'anna' }, { sort: 'name', descending: false, offset: 0, limit: 50 })).rows.map((r) => r.id)).toEqual(['gamma']);
    // An open touch of hers at a client not on her team (an event's, a colleague's cover) still gives it.
    await db.insertInto('touches').values({ ...HISTORY[4]!, id: '00000000-0000-4000-8000-0000000000c1', employee_id: 'anna', status: 'planned', resolved_at: null, resolved_date: null, resolved_by: null, date: '2027-06-20', window_to: '2027-06-30' }).execute();
    await refreshDashboard(db, moved, now);
    expect(await isClientOf(db, 'anna', 'beta')).toBe(true);
    await db.destroy();
  });

  it('a leaver sees the clients handed over no more from the handover\'s day; before it they are still theirs (QA: a leaver signed in kept contacts and plans)', async () => {
    const db = await plannedHistory();
    const company = dashboardCompany('en');
    const handedOver = (on: string) => configOf({ ...company, handovers: [{ from: 'anna', to: 'oleg', on }] });
    const ahead = handedOver('2027-07-01');
    await planWithHistory(db, ahead, horizonWindow(ahead, now), now, true);
    await refreshDashboard(db, ahead, now);
    // (Oleg sees it already: its touches from July are his, open touches.)
    expect(await isClientOf(db, 'anna', 'gamma')).toBe(true);
    const today = handedOver(TODAY);
    await planWithHistory(db, today, horizonWindow(today, now), now, true);
    await refreshDashboard(db, today, now.plus({ minutes: 5 }));
    expect([await isClientOf(db, 'anna', 'gamma'), await isClientOf(db, 'oleg', 'gamma')]).toEqual([false, true]);
    // Nor does a late touch of hers there, until the morning's check hands it over.
    await db.insertInto('touches').values({ ...HISTORY[4]!, id: '00000000-0000-4000-8000-0000000000c2', client_id: 'gamma', employee_id: 'anna', status: 'planned', resolved_at: null, resolved_date: null, resolved_by: null, date: '2027-06-14', window_to: '2027-06-14' }).execute();
    await refreshDashboard(db, today, now.plus({ minutes: 10 }));
    expect(await isClientOf(db, 'anna', 'gamma')).toBe(false);
    await db.destroy();
  });

  it('the clients\' search ignores case and accents (ș ş s, ё е) and finds a client by a contact\'s name', async () => {
    const romanian = { ...client('ro1', { country: 'MD', timezone: 'Europe/Chisinau', team: { account_manager: 'anna' } }), name: 'Întreprinderea Științifică SRL' };
    const russian = { ...client('ru1', { team: { account_manager: 'anna' } }), name: 'ООО «Ёлка-Строй»' };
    russian.contacts[0]!.name = 'Мария Щукина';
    const small = configOf(workflowCompany({ clients: [romanian, russian] }));
    const db = await tempDatabase();
    await refreshDashboard(db, small, now);
    const found = async (search: string) => (await clientPage(db, { all: true }, { sort: 'name', descending: false, offset: 0, limit: 50, search })).rows.map((r) => r.id);
    for (const q of ['stiintifica', 'ŞTIINŢIFICĂ', 'științifică', 'intreprinderea']) expect(await found(q), q).toEqual(['ro1']);
    for (const q of ['елка', 'ЁЛКА', 'щукина']) expect(await found(q), q).toEqual(['ru1']);
    expect(await found('srl ёлка')).toEqual([]);
    // By its owner's name as the pages show it, not only by their id.
    expect(await found('Emp anna')).toEqual(['ro1', 'ru1']);
  });

  it('the forecast holds the plan after the calendars\' horizon, up to 12 months, and nothing already recorded', async () => {
    const db = await plannedHistory();
    await refreshDashboard(db, config, now);
    const horizon = horizonWindow(config, now);
    const forecast = await forecastOf(db, 'alfa');
    expect(forecast.length).toBeGreaterThan(10);
    expect(forecast.every((t) => t.date > horizon.to && t.date <= '2028-06-15')).toBe(true);
    // Monthly calls to each of Alfa's two buyers: one a month from the horizon's end to a year ahead.
    const calls = forecast.filter((t) => t.kind === 'call');
    expect(new Set(calls.map((t) => t.date.slice(0, 7))).size).toBeGreaterThanOrEqual(9);
  });

  it('does nothing when nothing changed; an outcome makes a new snapshot (the forecast waits for the next day)', async () => {
    const db = await plannedHistory();
    await refreshDashboard(db, config, now);
    const before = (await dashboardMeta(db)).version;
    expect(await refreshDashboard(db, config, now.plus({ minutes: 5 }))).toMatchObject({ refreshed: false });
    await markDone(db, HISTORY[1]!.id, { at: now.toUTC().toISO()!, date: TODAY, by: 'anna', note: 'called at last' });
    expect(await refreshDashboard(db, config, now.plus({ minutes: 10 }))).toMatchObject({ refreshed: true, forecast: false });
    expect((await dashboardMeta(db)).version).not.toBe(before);
    expect((await reportRows(db, 'overdue', { all: true }, undefined)).rows.map((r) => r.client)).toEqual(['beta']);
    expect(await refreshDashboard(db, config, now.plus({ days: 1 }))).toMatchObject({ refreshed: true, forecast: true });
  });

  it('a re-plan that changes a touch without a history line (a new title) makes a new snapshot; one that changes nothing does not', async () => {
    const db = await plannedHistory();
    await refreshDashboard(db, config, now);
    const window = horizonWindow(config, now);
    const planned = (await planWithHistory(db, config, window, now, false)).result.touches;
    const nowIso = now.toUTC().toISO()!;
    expect(await savePlan(db, planned, window, nowIso)).toMatchObject({ updated: 0, inserted: 0, cancelled: 0 });
    expect(await refreshDashboard(db, config, now.plus({ minutes: 5 }))).toMatchObject({ refreshed: false });
    const retitled = planned.map((t, i) => (i === 0 ? { ...t, title: `${t.title} (renamed)` } : t));
    expect(await savePlan(db, retitled, window, nowIso)).toMatchObject({ updated: 1, inserted: 0, rescheduled: 0 });
    expect(await refreshDashboard(db, config, now.plus({ minutes: 10 }))).toMatchObject({ refreshed: true });
    expect(await refreshDashboard(db, config, now.plus({ minutes: 15 }))).toMatchObject({ refreshed: false });
  });
});
