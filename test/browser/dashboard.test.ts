import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { parse as parseCsv } from 'csv-parse/sync';
import { addDays } from '../../src/planner/dates.ts';
import { feedSecret, feedToken } from '../../src/calendar/ics/feed-token.ts';
import { openMigrated } from '../../src/storage/database.ts';
import { REPORT_NAMES } from '../../src/reports/registry.ts';
import { browser, closeBrowsers } from '../helpers/browser.ts';
import { cli } from '../helpers/run-cli.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { HISTORY, NOW, TODAY, dashboardCompany } from '../helpers/dashboard-company.ts';
import { dashboardDaemon, printedLink, stopDashboardDaemons } from '../helpers/dashboard-daemon.ts';

afterEach(async () => {
  await closeBrowsers();
  await stopDashboardDaemons();
});

/** The example company's people and clients by id, as the pages name them. */
const NAMES: Readonly<Record<string, string>> = {
  anna: 'Anna Ivanova', oleg: 'Oleg Popov', pavel: 'Pavel Petrov', alfa: 'Alfa Stroy', beta: 'Beta Trans', gamma: 'Gamma Agro',
};

/** Opens a one-time link in a fresh browser and presses its button; returns the signed-in page. */
async function signIn(link: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser();
  const page = await context.newPage();
  await page.goto(link);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL(/\/dashboard\/$/);
  return { context, page };
}

/** The cells of the tables under a selector (or of the table it names), row by row. */
async function tableRows(page: Page, selector: string): Promise<string[][]> {
  const rows = selector.includes('table') ? `${selector} tbody tr` : `${selector} table tbody tr`;
  return page.$$eval(rows, (trs) => trs.map((r) => [...r.querySelectorAll('td, th')].map((c) => (c as unknown as { innerText: string }).innerText.trim())));
}

describe('the dashboard in a browser', () => {
  it('the printed link signs in the first director, once; a used link or one an hour old is refused', { timeout: 120_000 }, async () => {
    const clock = new ManualClock(NOW);
    const { daemon } = await dashboardDaemon({ config: dashboardCompany('en'), clock });
    const link = await printedLink(daemon);
    const { page } = await signIn(link);
    expect(await page.locator('h1').innerText()).toBe('Overview');
    expect(await page.locator('.user').innerText()).toContain('Signed in as Pavel Petrov · director');

    const again = await (await browser()).newPage();
    const used = await again.goto(link);
    expect(used!.status()).toBe(410);
    expect(await again.locator('main').innerText()).toContain('This sign-in link has been used or has expired');

    const late = await daemon.dashboard!.signInLink();
    clock.advance(61 * 60_000);
    const expired = await again.goto(late.url);
    expect(expired!.status()).toBe(410);
    // A page that only shows the link does not use it up: a link preview cannot sign anyone in.
    const fresh = await daemon.dashboard!.signInLink();
    await again.goto(fresh.url);
    await again.goto(fresh.url);
    await again.locator('form button[type=submit]').click();
    await again.waitForURL(/\/dashboard\/$/);
  });

  it('a director sees every client, an account manager only theirs; a forged or expired session sees nothing', { timeout: 120_000 }, async () => {
    const clock = new ManualClock(NOW);
    const { daemon } = await dashboardDaemon({ config: dashboardCompany('en'), clock });
    const director = (await signIn(await printedLink(daemon))).page;
    await director.goto(`${daemon.url}/dashboard/clients`);
    expect((await tableRows(director, 'main')).map((r) => r[0]).sort()).toEqual(['Alfa Stroy', 'Beta Trans', 'Gamma Agro']);

    const anna = await signIn((await daemon.dashboard!.signInLink('anna')).url);
    expect(await anna.page.locator('h1').innerText()).toBe('My overview');
    // Her overview counts the overdue touches at her clients, a colleague's too, and says so (her own page has hers alone).
    expect(await anna.page.locator('[data-card="overdue"] .label').innerText()).toMatch(/^overdue touch(es)? at your clients, yours (and|or a) colleague/);
    await anna.page.goto(`${daemon.url}/dashboard/clients`);
    expect((await tableRows(anna.page, 'main')).map((r) => r[0]).sort()).toEqual(['Alfa Stroy', 'Gamma Agro']);
    const beta = await anna.page.goto(`${daemon.url}/dashboard/clients/beta`);
    expect(beta!.status()).toBe(403);
    expect(await anna.page.locator('main').innerText()).not.toContain('Beta Trans');
    expect(await anna.page.locator('main').innerText()).toContain('This page belongs to another employee\'s clients.');
    // Each refusal says why: another employee's page, a page for directors (not "another employee's clients").
    expect((await anna.page.goto(`${daemon.url}/dashboard/employees/oleg`))!.status()).toBe(403);
    expect(await anna.page.locator('main').innerText()).toContain('This page is another employee\'s');
    expect((await anna.page.goto(`${daemon.url}/dashboard/campaigns`))!.status()).toBe(403);
    expect(await anna.page.locator('main').innerText()).toContain('This page is for directors');
    const csv = await anna.page.request.get(`${daemon.url}/dashboard/reports/overdue.csv`);
    expect((await csv.text()).split('\n').filter((l) => l.includes('beta'))).toEqual([]);
    // A download refused is the page that says why, as the pages do (it was a bare 403, or English text in any language):
    // a director's report, another employee's load, another employee's client; a CSV that is not a report's here is not found.
    const refusal = async (path: string) => {
      const r = await anna.page.request.get(`${daemon.url}/dashboard${path}`);
      return [r.status(), r.headers()['content-type'], (await r.text()).replace(/<[^>]+>/g, ' ').replaceAll('&#39;', "'")] as const;
    };
    for (const [path, status, why] of [
      ['/reports/greetings.csv', 403, 'This page is for directors'], ['/employees/oleg/load.csv', 403, 'This page is another employee\'s'],
      ['/clients/beta/timeline.csv', 403, 'This page belongs to another employee\'s clients.'], ['/clients/beta/planned.csv', 403, 'This page belongs to another employee\'s clients.'],
      ['/clients/beta/map.csv', 403, 'This page belongs to another employee\'s clients.'], ['/reports/clients.csv', 404, 'There is no such page.'],
    ] as const) {
      const [got, type, text] = await refusal(path);
      expect([path, got, type]).toEqual([path, status, 'text/html; charset=UTF-8']);
      expect(text).toContain(why);
    }

    // The reports page names every report of `touchbase report` (a director's) and each link opens,
    // the load per day on the employees' pages among them.
    for (const [viewer, page, hidden] of [['director', director, []], ['anna', anna.page, ['greetings', 'handovers']]] as const) {
      await page.goto(`${daemon.url}/dashboard/reports`);
      const named = (await page.locator('main li code').allInnerTexts()).map((t) => t.replace('touchbase report ', ''));
      expect(named.sort(), viewer).toEqual(REPORT_NAMES.filter((n) => !(hidden as readonly string[]).includes(n)).sort());
      const links = await page.locator('main li a').evaluateAll((as) => as.map((a) => (a as unknown as { href: string }).href));
      expect(links.length, viewer).toBe(named.length * 2 - (viewer === 'director' ? 1 : 0)); // each report and its CSV; a director's load has none
      for (const link of links) expect((await page.request.get(link)).status(), `${viewer}: ${link}`).toBe(200);
    }

    // A forged cookie: the sign-in page, and no client's name anywhere.
    const stranger = await browser();
    await stranger.addCookies([{ name: 'tb_session', value: 'eyJlIjoicGF2ZWwiLCJuIjoieCIsIngiOjk5OTk5OTk5OTk5OTk5fQ.forged', url: daemon.url }]);
    const forged = await stranger.newPage();
    for (const path of ['/dashboard/', '/dashboard/clients', '/dashboard/clients/alfa', '/dashboard/reports/overdue.csv']) {
      await forged.goto(`${daemon.url}${path}`);
      expect(forged.url()).toBe(`${daemon.url}/dashboard/sign-in`);
      for (const name of ['Alfa Stroy', 'Beta Trans', 'Gamma Agro', 'Olga Belova']) expect(await forged.locator('body').innerText()).not.toContain(name);
    }
    // Thirteen hours later the director's session is over.
    clock.advance(13 * 3_600_000);
    await director.goto(`${daemon.url}/dashboard/clients/alfa`);
    expect(director.url()).toBe(`${daemon.url}/dashboard/sign-in`);
    expect(await director.locator('body').innerText()).not.toContain('Alfa Stroy');
  });

  it('the overview, a client\'s timeline and relationship map, an employee\'s punctuality and a CSV equal the recorded history and touchbase report', { timeout: 120_000 }, async () => {
    const clock = new ManualClock(NOW);
    const { daemon, configDir, dbFile } = await dashboardDaemon({ config: dashboardCompany('en'), clock });
    const { page } = await signIn(await printedLink(daemon));
    const report = async (name: string) => JSON.parse((await cli('report', name, '--format', 'json', '--config', configDir, '--db', dbFile, '--now', NOW)).out) as { summary: Record<string, unknown>; rows: Record<string, unknown>[] };

    // What the history says, computed here from the recorded rows.
    const overdue = HISTORY.filter((t) => t.status === 'planned' && addDays(t.date, 2) < TODAY);
    const card = (name: string) => page.locator(`[data-card="${name}"] .figure`).innerText();
    expect(await card('overdue')).toBe(String(overdue.length));
    expect(await card('silent')).toBe('1');
    expect(await card('coverage')).toBe((await report('coverage')).summary['share on time']);
    // "Served by one person or nobody": both of breadth's counts.
    const breadth = (await report('breadth')).summary;
    expect(Number(breadth['no touch in 12 months'])).toBeGreaterThan(0);
    expect(await card('single')).toBe(String(Number(breadth['depending on one person']) + Number(breadth['no touch in 12 months'])));
    // People and clients by the configuration's names (the CSV below keeps the ids).
    expect((await tableRows(page, '#overdue')).map((r) => [r[0], r[1], r[2], r[3]])).toEqual(
      overdue.sort((a, b) => a.date.localeCompare(b.date)).map((t) => [t.date, String((Date.parse(TODAY) - Date.parse(t.date)) / 86_400_000), NAMES[t.employee_id], NAMES[t.client_id]]));
    expect((await tableRows(page, '#silence')).map((r) => [r[0], r[1]])).toEqual([['Gamma Agro', '106']]);

    // The heat map: each month of the calls rule, from the history (June also has the plan's open calls).
    const counts = async (key: string) => (await page.locator(`[data-cell="${key}"]`).getAttribute('data-counts'))!.split(',').map(Number);
    // It starts at the first month anything was due (March), not with the empty months before the history.
    expect(await page.locator('table.heat thead th').nth(1).innerText()).toBe('Mar 2027');
    expect(await page.locator('[data-cell="zvonki|2027-02"]').count()).toBe(0);
    const month = (m: string, rule: string) => HISTORY.filter((t) => t.source === `rule:${rule}` && t.date.startsWith(m));
    for (const m of ['2027-03', '2027-04', '2027-05']) {
      const ts = month(m, 'zvonki');
      const onTime = ts.filter((t) => t.status === 'done' && (t.resolved_date! <= t.window_to || t.resolved_date! <= addDays(t.date, 2))).length;
      const late = ts.filter((t) => t.status === 'done').length - onTime;
      const missed = ts.filter((t) => t.status === 'planned').length;
      const skipped = ts.filter((t) => t.status === 'skipped').length;
      expect(await counts(`zvonki|${m}`), m).toEqual([ts.length, onTime, late, missed, skipped, 0]);
    }
    expect(await counts('vstrechi|2027-05')).toEqual([1, 1, 0, 0, 0, 0]);
    const months = (await report('coverage-months')).rows.filter((r) => r.rule === 'zvonki' && r.month === '2027-06')[0]!;
    expect(await counts('zvonki|2027-06')).toEqual([months.due, months.on_time, months.late, months.missed, months.skipped, months.open]);

    // Alfa: its history with notes and who, and who of ours has met whom of theirs.
    await page.goto(`${daemon.url}/dashboard/clients/alfa`);
    const map = await tableRows(page, '#map');
    const contacts = ['alfa-ceo', 'alfa-buyer', 'alfa-buyer2'];
    const expectedMap = (employee: string) => contacts.map((c) => {
      const met = HISTORY.filter((t) => t.status === 'done' && t.resolved_by === employee && JSON.parse(t.contact_ids).includes(c));
      if (met.length === 0) return '—';
      return `${met.map((t) => t.resolved_date!).sort().at(-1)} (${met.length} touch${met.length === 1 ? '' : 'es'})`;
    });
    expect(map).toEqual([['Anna Ivanova', ...expectedMap('anna')], ['Pavel Petrov', ...expectedMap('pavel')]]);
    const history = await tableRows(page, '#timeline table[data-table=history]');
    const done = HISTORY.filter((t) => t.client_id === 'alfa' && t.status === 'done');
    for (const t of done) expect(history.some((r) => r[1] === 'done' && r[2] === t.title && r[3] === NAMES[t.resolved_by!] && r[4] === (t.note ?? ''))).toBe(true);
    expect(history.some((r) => r[1]!.startsWith('moved from 2027-05-20 to') && r[4] === 'overdue since 2027-05-20: moved to the next working day')).toBe(true);

    // Anna's agenda says which of its touches are late, and since when (not "planned" on a pink row).
    await page.goto(`${daemon.url}/dashboard/employees/anna`);
    const agenda = await tableRows(page, '#agenda');
    const late = agenda.filter((r) => r.at(-1)!.startsWith('overdue'));
    expect(late.length).toBeGreaterThan(0);
    expect(late.every((r) => /^overdue, due \S+/.test(r.at(-1)!))).toBe(true);
    expect(late.map((r) => r.at(-1))).toContain('overdue, due 2027-05-20');
    // Only an open late touch is marked as late (a late one done since is not pink).
    const marked = await page.$$eval('#agenda tr.over', (rows) => rows.map((r) => r.lastElementChild!.textContent!.trim()));
    expect(marked.length).toBe(late.length);
    expect(marked.every((text) => text.startsWith('overdue'))).toBe(true);

    // Oleg's punctuality on his page, from the history (and his move in the calendar).
    await page.goto(`${daemon.url}/dashboard/employees/oleg`);
    const mine = HISTORY.filter((t) => t.employee_id === 'oleg');
    const punctuality = (await tableRows(page, '#punctuality'))[0]!;
    expect(punctuality.slice(2, 7)).toEqual([
      mine.filter((t) => t.status === 'done' && t.resolved_date! <= t.window_to).length, 0, 1,
      mine.filter((t) => t.status === 'skipped').length, mine.filter((t) => t.status === 'planned').length,
    ].map(String));

    // A CSV download is the CLI's CSV for Excel (`report --excel`), byte for byte: Excel's byte-order mark, CRLF.
    for (const name of ['overdue', 'punctuality', 'coverage', 'breadth']) {
      const csv = await page.request.get(`${daemon.url}/dashboard/reports/${name}.csv`);
      expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
      const text = await csv.text();
      expect(text.charCodeAt(0)).toBe(0xfeff);
      expect(text, name).toBe((await cli('report', name, '--format', 'csv', '--excel', '--config', configDir, '--db', dbFile, '--now', NOW)).out);
      expect(text.slice(1).replaceAll('\r\n', '\n'), name).toBe((await cli('report', name, '--format', 'csv', '--config', configDir, '--db', dbFile, '--now', NOW)).out);
    }
    const clients = parseCsv((await (await page.request.get(`${daemon.url}/dashboard/clients.csv?sort=name&dir=asc`)).text()).slice(1), { columns: true }) as Record<string, string>[];
    expect(clients.map((c) => [c.client, c['silent days']])).toEqual([['alfa', '34'], ['beta', '41'], ['gamma', '106']]);
  });

  it('a configuration error shows on the overview with its file, line and column', { timeout: 120_000 }, async () => {
    const clock = new ManualClock(NOW);
    const { daemon, configDir } = await dashboardDaemon({ config: dashboardCompany('en'), clock });
    const { page } = await signIn(await printedLink(daemon));
    expect(await page.locator('#configuration').innerText()).toContain('The configuration is valid and in use.');
    const { writeFileSync, readFileSync } = await import('node:fs');
    const file = `${configDir}/touchbase.yaml`;
    writeFileSync(file, readFileSync(file, 'utf8').replace('kind: meeting', 'kind: visit'));
    expect(await daemon.reload('test')).toBe(false);
    await page.reload();
    const text = await page.locator('#configuration').innerText();
    expect(text).toMatch(/The last edit of the configuration was rejected \(1 error\)/);
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('kind: visit')) + 1;
    // As touchbase validate prints it (in English whatever the company's language, as a whole, not half translated).
    expect(text).toMatch(new RegExp(`touchbase\\.yaml:${line}:\\d+: rules\\[0\\]\\.kind \\(rule [^)]+\\): expected `));
    expect(text).toContain('"visit"');
    // Every page of a director's says so at its top: the clients list below is the last valid configuration's.
    await page.goto(`${daemon.url}/dashboard/clients`);
    expect(await page.locator('.banner-rejected[role=alert]').innerText()).toContain('The last edit of the configuration was rejected (1 error): these pages show the last valid configuration');
    await page.locator('.banner-rejected a').click();
    await page.waitForURL(/\/dashboard\/#configuration$/);
    // Fixed: the line goes.
    writeFileSync(file, readFileSync(file, 'utf8').replace('kind: visit', 'kind: meeting'));
    expect(await daemon.reload('test')).toBe(true);
    await page.goto(`${daemon.url}/dashboard/clients`);
    expect(await page.locator('.banner-rejected').count()).toBe(0);
  });

  it('printed, a page keeps every column of its tables and leaves out the header and forms; heat-map figures are readable (4.5:1); filters follow the address on Back', { timeout: 120_000 }, async () => {
    const clock = new ManualClock(NOW);
    const { daemon } = await dashboardDaemon({ config: dashboardCompany('en'), clock });
    const { page } = await signIn(await printedLink(daemon));
    // A4 at 96 dpi, less its margins.
    await page.setViewportSize({ width: 720, height: 1000 });
    await page.emulateMedia({ media: 'print' });
    for (const path of ['/clients', '/', '/clients/alfa']) {
      await page.goto(`${daemon.url}/dashboard${path}`);
      const clipped = await page.$$eval('.table-wrap', (ws) => ws.filter((w) => w.scrollWidth > w.clientWidth + 1).length);
      const wide = await page.$$eval('table', (ts) => ts.filter((t) => t.getBoundingClientRect().right > 720 + 1).length);
      expect([path, clipped, wide], 'tables cut off when printed').toEqual([path, 0, 0]);
      expect(await page.locator('header.top').isVisible()).toBe(false);
    }
    await page.emulateMedia({ media: 'screen' });
    // Every figure on a heat-map cell at 4.5:1 or more against its cell.
    await page.goto(`${daemon.url}/dashboard/`);
    const ratios = await page.$$eval('.heat td .share, .legend span', (els) => els.map((el) => {
      type Node = { parentElement: Node | null };
      const { getComputedStyle } = globalThis as unknown as { getComputedStyle(e: Node): { color: string; backgroundColor: string } };
      const rgb = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
      const lum = ([r, g, b]: number[]) => [r!, g!, b!].map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i]!, 0);
      let cell: Node | null = el as unknown as Node;
      let bg = 'rgba(0, 0, 0, 0)';
      while (cell && /rgba\(.*, 0\)|transparent/.test(bg)) {
        bg = getComputedStyle(cell).backgroundColor;
        cell = cell.parentElement;
      }
      const [a, b] = [lum(rgb(getComputedStyle(el as unknown as Node).color)), lum(rgb(bg))];
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }));
    expect(ratios.length).toBeGreaterThan(0);
    expect(Math.min(...ratios)).toBeGreaterThanOrEqual(4.5);
    // The browser does not fill the filters back in on Back: they show what the address asks for.
    expect(await page.goto(`${daemon.url}/dashboard/clients`).then(() => page.getAttribute('form.filters', 'autocomplete'))).toBe('off');
    // The sorted column says so as a header (where assistive technology reads it), not on its link.
    expect(await page.$$eval('th[aria-sort]', (ths) => ths.length)).toBe(1);
    expect(await page.$$eval('a[aria-sort]', (as) => as.length)).toBe(0);
    // The load's CSV is under the load, not under the agenda that follows it.
    await page.goto(`${daemon.url}/dashboard/employees/anna`);
    expect(await page.$$eval('#load a[href$="load.csv"]', (as) => as.length)).toBe(1);
    expect(await page.$$eval('#agenda a[href$="load.csv"]', (as) => as.length)).toBe(0);
  });

  it('every page has a Content-Security-Policy and the usual headers, scripts only from the daemon, a CSRF token in every form that posts; nobody sees another\'s feed', { timeout: 120_000 }, async () => {
    const clock = new ManualClock(NOW);
    const config = dashboardCompany('en');
    // A CRM's name of one unbroken word wraps on a phone (QA: its heading ran past the page).
    config.clients[1]!.name = `Beta${'Транспорт'.repeat(15)}`;
    const { daemon, dbFile } = await dashboardDaemon({ config, clock });
    const { page } = await signIn(await printedLink(daemon));
    const db = await openMigrated(dbFile);
    const secret = await feedSecret(db);
    await db.destroy();
    const tokens = ['anna', 'oleg', 'pavel'].map((e) => [e, feedToken(secret, e)] as const);
    const paths = ['/', '/clients', '/clients/alfa', '/employees', '/employees/anna', '/employees/pavel', '/campaigns', '/reports', '/reports/overdue', '/sign-in'];
    for (const path of paths) {
      const response = await page.goto(`${daemon.url}/dashboard${path}`);
      const h = response!.headers();
      expect(h['content-security-policy'], path).toContain("script-src 'self'");
      expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
      expect([h['x-content-type-options'], h['x-frame-options'], h['referrer-policy'], h['cache-control']]).toEqual(['nosniff', 'DENY', 'no-referrer', 'no-store']);
      expect(await page.$$eval('script:not([src])', (s) => s.length)).toBe(0);
      expect(await page.$$eval('[style]', (s) => s.length)).toBe(0);
      for (const form of await page.$$eval('form[method=post]', (fs) => fs.map((f) => (f.querySelector('input[name=_csrf]') as unknown as { value: string } | null)?.value ?? ''))) expect(form).toMatch(/^[A-Za-z0-9_-]{32}$/);
      // The director sees their own feed address on their own page, and nobody else's anywhere.
      const html = await page.content();
      for (const [employee, token] of tokens) expect(html.includes(token), `${employee}'s feed on ${path}`).toBe(employee === 'pavel' && path === '/employees/pavel');
    }
    // The stylesheet and script are the daemon's own, kept by browsers (their address changes with them).
    for (const asset of await page.$$eval('link[rel=stylesheet], script[src]', (es) => es.map((e) => e.getAttribute('href') ?? e.getAttribute('src') ?? ''))) {
      expect(asset).toMatch(/^\/dashboard\/assets\/dashboard\.(css|js)\?v=[0-9a-f]{10}$/);
      expect((await page.request.get(`${daemon.url}${asset}`)).headers()['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    // Readable on a phone: nothing wider than the screen but the tables, which scroll in their own box.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/', '/clients', '/clients/alfa', '/clients/beta', '/employees/anna', '/employees/oleg', '/campaigns']) {
      await page.goto(`${daemon.url}/dashboard${path}`);
      expect(await page.evaluate('document.documentElement.scrollWidth'), path).toBeLessThanOrEqual(390);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    // A form posted without its token (as from another site) changes nothing.
    const forged = await page.request.post(`${daemon.url}/dashboard/language`, { form: { language: 'en', _csrf: 'x'.repeat(32) }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    const out = await page.request.post(`${daemon.url}/dashboard/sign-out`, { form: {}, maxRedirects: 0 });
    expect(out.status()).toBe(403);
    await page.goto(`${daemon.url}/dashboard/`);
    expect(await page.locator('h1').innerText()).toBe('Overview');
    // Signing out ends the session for good, even if its cookie was kept.
    const cookies = await page.context().cookies();
    await page.locator('form[action="/dashboard/sign-out"] button').click();
    await page.waitForURL(/sign-in\?out=1$/);
    await page.context().addCookies(cookies.filter((c) => c.name === 'tb_session'));
    await page.goto(`${daemon.url}/dashboard/`);
    expect(page.url()).toBe(`${daemon.url}/dashboard/sign-in`);
  });
});
