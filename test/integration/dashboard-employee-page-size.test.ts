import { afterEach, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { openMigrated } from '../../src/storage/database.ts';
import { join } from 'node:path';
import { NOW, HISTORY, dashboardCompany } from '../helpers/dashboard-company.ts';
import { dashboardDaemon, printedLink, stopDashboardDaemons } from '../helpers/dashboard-daemon.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { signIn, text } from '../helpers/dashboard-http.ts';
import { tempDir } from '../helpers/config-folder.ts';

afterEach(stopDashboardDaemons);

/** The section of a page with this id, up to its end. */
function section(page: string, id: string): string {
  const m = new RegExp(`<section class="panel" id="${id}">[\\s\\S]*?</section>`).exec(page);
  if (!m) throw new Error(`no #${id} on the page`);
  return m[0];
}
const bodyRows = (fragment: string) => (/<tbody>([\s\S]*?)<\/tbody>/.exec(fragment)?.[1] ?? '').split('<tr').length - 1;

describe('an employee\'s page at a large company (QA: 8,950 touches in the agenda, a 2.6 MB page; 50 of 4,105 overdue listed, no way to the rest)', () => {
  it('lists the first 200 of the agenda and says how to list all; links to all their overdue touches, which the overdue report filters by employee', { timeout: 120_000 }, async () => {
    const company = dashboardCompany('en');
    // Anna calls two buyers at each of 300 clients every month: ~300 calls in two weeks.
    const clients = Array.from({ length: 300 }, (_, i) => ({ ...company.clients[0]!, id: `c${i}`, name: `Client ${i}`, contacts: company.clients[0]!.contacts.map((c) => ({ ...c, id: `c${i}-${c.id}`, email: undefined })) }));
    // 60 calls of Anna's long overdue (before the daemon's first check), and one of Oleg's.
    const dbFile = join(tempDir(), 'touchbase.sqlite');
    const db = await openMigrated(dbFile);
    const late = Array.from({ length: 60 }, (_, i) => {
      const date = DateTime.fromISO('2027-03-01').plus({ days: i }).toISODate()!;
      return { ...HISTORY[1]!, id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, client_id: `c${i}`, contact_ids: JSON.stringify([`c${i}-alfa-buyer`]), series: `rule:zvonki|c${i}|late${i}`, date, window_from: date, window_to: date, start_at: `${date}T10:00:00.000+03:00`, end_at: `${date}T10:15:00.000+03:00`, title: `late call ${i}` };
    });
    // One of hers at Beta, Oleg's client (as a handover leaves a leaver's late touches until `on`).
    const elsewhere = { ...late[0]!, id: '00000000-0000-4000-8000-00000000be7a', client_id: 'beta', contact_ids: JSON.stringify(['beta-buyer']), series: 'rule:zvonki|beta|late-anna', title: 'late call at Beta' };
    await db.insertInto('touches').values([...late, elsewhere, { ...HISTORY[5]! }]).execute();
    await db.destroy();
    const { daemon } = await dashboardDaemon({ config: { ...company, clients: [...company.clients, ...clients] }, clock: new ManualClock(DateTime.fromISO(NOW)), history: false, dbFile });
    const session = await signIn(await printedLink(daemon));
    const get = async (path: string) => {
      const response = await fetch(`${daemon.url}/dashboard${path}`, { headers: { cookie: session } });
      return { status: response.status, body: await response.text() };
    };

    const anna = await get('/employees/anna');
    expect(anna.status).toBe(200);
    // Its times are the company's, and said to be (QA: a director in Bucharest read Moscow's hour as his own).
    expect(text(anna.body)).toMatch(/Figures as of \S+ \S+, Europe\/Moscow time \(computed after each sync\); times on these pages are Europe\/Moscow time unless said\./);
    const agenda = section(anna.body, 'agenda');
    expect(bodyRows(agenda)).toBe(200);
    const more = /The first 200 of (\d+) touches; all of them: touchbase plan --no-save --employee anna --from (\S+) --to (\S+)/.exec(text(agenda));
    expect(more, text(agenda).slice(-300)).not.toBeNull();
    expect(Number(more![1])).toBeGreaterThan(200);
    expect(anna.body.length).toBeLessThan(300_000);
    const overdue = section(anna.body, 'overdue');
    expect(bodyRows(overdue)).toBe(50);
    expect(text(overdue)).toContain('All 61 overdue touches →');
    expect(overdue).toContain('href="/dashboard/reports/overdue?employee=anna"');

    const report = await get('/reports/overdue?employee=anna');
    expect(report.status).toBe(200);
    expect(text(report.body)).toContain('Anna Ivanova’s rows only');
    expect(text(report.body)).toContain('61 rows');
    expect(report.body).toContain('href="/dashboard/reports/overdue.csv?employee=anna"');
    const everyone = await get('/reports/overdue');
    expect(text(everyone.body)).toContain('62 rows');
    const csv = await get('/reports/overdue.csv?employee=anna');
    expect(csv.status).toBe(200);
    const lines = csv.body.trim().split(/\r?\n/);
    expect(lines.length).toBe(62);
    expect(lines.slice(1).every((l) => l.includes('anna'))).toBe(true);
    expect((await get('/reports/overdue?employee=nobody')).status).toBe(404);

    // Anna herself (no director): her own rows only; another's are refused saying why, as their page is (403, QA: it was 404), their name not said.
    const own = await signIn((await daemon.dashboard!.signInLink('anna')).url);
    const asAnna = async (path: string) => (await fetch(`${daemon.url}/dashboard${path}`, { headers: { cookie: own } })).status;
    expect(await asAnna('/reports/overdue?employee=anna')).toBe(200);
    const annasOwn = text(await (await fetch(`${daemon.url}/dashboard/reports/overdue?employee=anna`, { headers: { cookie: own } })).text());
    const annasPage = text(section(await (await fetch(`${daemon.url}/dashboard/employees/anna`, { headers: { cookie: own } })).text(), 'overdue'));
    // Her page's count and the report it links to agree, the one at Beta (no client of hers by the team) too.
    expect(annasPage).toContain('All 61 overdue touches →');
    expect(annasOwn).toContain('61 rows');
    expect(annasOwn).toContain('late call at Beta');
    expect(await asAnna('/reports/overdue?employee=oleg')).toBe(403);
    expect(await asAnna('/reports/overdue.csv?employee=oleg')).toBe(403);
    expect(await asAnna('/employees/oleg')).toBe(403);
    const refused = await (await fetch(`${daemon.url}/dashboard/reports/punctuality?employee=oleg`, { headers: { cookie: own } })).text();
    expect(text(refused)).not.toContain('Oleg');
  });
});
