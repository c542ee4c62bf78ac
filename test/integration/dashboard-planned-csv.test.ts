import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';
import { openMigrated } from '../../src/storage/database.ts';
import { clientHistory, forecastOf } from '../../src/storage/dashboard-queries.ts';
import { NOW, dashboardCompany } from '../helpers/dashboard-company.ts';
import { dashboardDaemon, printedLink, stopDashboardDaemons } from '../helpers/dashboard-daemon.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { signIn } from '../helpers/dashboard-http.ts';

afterEach(stopDashboardDaemons);

// A client's "Planned for the next 12 months" had no CSV (every other table of its page had one).
// Over HTTP, as a browser asks.

describe('a client\'s coming touches as CSV', () => {
  it('lists the calendars\' horizon from the database (with each touch\'s id), then the forecast beyond it; the viewer\'s clients only', { timeout: 120_000 }, async () => {
    const { daemon, dbFile } = await dashboardDaemon({ config: dashboardCompany('ru'), clock: new ManualClock(NOW) });
    const director = await signIn(await printedLink(daemon));
    const anna = await signIn((await daemon.dashboard!.signInLink('anna')).url);
    const get = (session: string, path: string) => fetch(`${daemon.url}/dashboard${path}`, { headers: { cookie: session } });

    const page = await (await get(director, '/clients/alfa')).text();
    expect(page).toContain('href="/dashboard/clients/alfa/planned.csv" download');
    // Its late open touches come first: the heading says so (it said "the next 12 months" above a past day).
    expect(page).toContain('Открытые и план на 12 месяцев');
    const response = await get(director, '/clients/alfa/planned.csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="alfa-planned.csv"');
    const body = await response.text();
    // In the company's language, as every CSV of the dashboard: Russian headers, ";" and dd.mm.yyyy;
    // CRLF between rows, as `report --excel` writes it.
    expect(body.split('\r\n')[0]).toBe('дата;вид;ответственный;заголовок;касание');
    expect(body.replaceAll('\r\n', '')).not.toContain('\n');
    const rows = parseCsv(body, { delimiter: ';', columns: true }) as Record<string, string>[];

    const db = await openMigrated(dbFile);
    try {
      const open = (await clientHistory(db, 'alfa')).touches.filter((t) => t.status === 'planned')
        .sort((a, b) => a.date.localeCompare(b.date) || a.start_at.localeCompare(b.start_at));
      const forecast = await forecastOf(db, 'alfa');
      expect(open.length).toBeGreaterThan(0);
      expect(forecast.length).toBeGreaterThan(0);
      const ru = (date: string) => date.split('-').reverse().join('.');
      expect(rows.map((r) => [r['дата'], r['ответственный'], r['заголовок'], r['касание']])).toEqual([
        ...open.map((t) => [ru(t.date), t.employee_id, t.title, t.id]),
        ...forecast.map((f) => [ru(f.date), f.employee, f.title, '']),
      ]);
    } finally {
      await db.destroy();
    }

    // Anna's client is hers to download; Oleg's is not; no client, no file.
    expect((await get(anna, '/clients/alfa/planned.csv')).status).toBe(200);
    expect((await get(anna, '/clients/beta/planned.csv')).status).toBe(403);
    expect((await get(director, '/clients/never-was/planned.csv')).status).toBe(404);
  });
});
