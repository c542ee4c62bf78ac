import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';

import { STORED_REPORTS } from '../../src/dashboard/refresh.ts';
import { browser, closeBrowsers } from '../helpers/browser.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { HISTORY, NOW, dashboardCompany } from '../helpers/dashboard-company.ts';
import { dashboardDaemon, printedLink, stopDashboardDaemons } from '../helpers/dashboard-daemon.ts';
import { englishWords, leftovers, words } from '../helpers/english-leftovers.ts';

afterEach(async () => {
  await closeBrowsers();
  await stopDashboardDaemons();
});

/** Where screenshots go: test/artifacts/ (ignored by git), kept after the run for people to look at. */
const ARTIFACTS = new URL('../artifacts/', import.meta.url);

/**
 * Everything a person reads on a page: its title, its text (without what is code — a command
 * line, a file:line:col — and without addresses), and the texts of titles, labels and placeholders.
 */
async function readable(page: Page): Promise<string> {
  // A string, evaluated in the page: the tests compile without the DOM's types.
  const text = await page.evaluate(`(() => {
    const body = document.body.cloneNode(true);
    body.querySelectorAll('code, script, style').forEach((e) => e.remove());
    return [document.title, body.textContent,
      ...[...document.querySelectorAll('[title], [aria-label], [placeholder]')].flatMap((e) => ['title', 'aria-label', 'placeholder'].map((a) => e.getAttribute(a) ?? '')),
    ].join('\\n');
  })()`) as string;
  return text.replace(/https?:\/\/\S+/g, ' ');
}

async function signIn(link: string): Promise<Page> {
  const page = await (await browser()).newPage();
  await page.goto(link);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL(/\/dashboard\/$/);
  return page;
}

const DIRECTOR_PAGES = ['/', '/clients', '/clients?q=alfa&silent=1', '/clients?sort=name&dir=asc', '/clients/alfa', '/clients/beta', '/clients/gamma',
  '/employees', '/employees/anna', '/employees/oleg', '/employees/pavel', '/campaigns', '/reports', ...STORED_REPORTS.map((r) => `/reports/${r}`), '/no-such-page'];
const EMPLOYEE_PAGES = ['/', '/clients', '/clients/alfa', '/clients/beta', '/employees', '/employees/anna', '/reports', '/reports/punctuality', '/reports/coverage-months'];

describe('the dashboard in the company\'s language', () => {
  for (const language of ['ru', 'ro'] as const) {
    it(`${language}: every page has no English left over from the built-in texts; a screenshot of the overview is kept`, { timeout: 240_000 }, async () => {
      const config = dashboardCompany(language);
      const english = englishWords(language, [...words(JSON.stringify(config)), ...HISTORY.flatMap((t) => words(`${t.title} ${t.note ?? ''}`))]);
      const { daemon } = await dashboardDaemon({ config, clock: new ManualClock(NOW) });
      const found: string[] = [];
      const cut: string[] = [];
      const walk = async (page: Page, paths: readonly string[]) => {
        for (const path of paths) {
          await page.goto(`${daemon.url}/dashboard${path}`);
          expect(await page.getAttribute('html', 'lang'), path).toBe(language);
          for (const l of leftovers(await readable(page), english)) found.push(`${path}: ${l}`);
          // On a 1366×768 laptop no table is cut: its last columns (the clients' days of silence, the list's sort) show without scrolling it sideways.
          const wide = await page.$$eval('.table-wrap', (ws) => ws.filter((w) => w.scrollWidth > w.clientWidth + 1).map((w) => `${w.scrollWidth} > ${w.clientWidth}`));
          if (wide.length) cut.push(`${path}: ${wide.join(', ')}`);
        }
      };
      // Before signing in: the sign-in page, a link's page, a used link's page.
      const visitor = await (await browser()).newPage();
      const link = await printedLink(daemon);
      await walk(visitor, ['/sign-in', '/sign-in?out=1', '/sign-in?error=expired', link.slice(link.indexOf('/dashboard') + '/dashboard'.length)]);
      const director = await signIn(link);
      await director.setViewportSize({ width: 1366, height: 768 });
      await walk(director, DIRECTOR_PAGES);
      await walk(visitor, [link.slice(link.indexOf('/dashboard') + '/dashboard'.length)]);
      const anna = await signIn((await daemon.dashboard!.signInLink('anna')).url);
      await walk(anna, EMPLOYEE_PAGES);
      for (const name of ['overdue', 'coverage', 'punctuality']) {
        const header = (await (await director.request.get(`${daemon.url}/dashboard/reports/${name}.csv`)).text()).split('\n')[0]!;
        for (const l of leftovers(header, english)) found.push(`${name}.csv: ${l}`);
        expect(header).toContain(';');
      }
      expect(found).toEqual([]);
      expect(cut).toEqual([]);

      await director.goto(`${daemon.url}/dashboard/`);
      mkdirSync(ARTIFACTS, { recursive: true });
      await director.screenshot({ path: new URL(`overview-${language}.png`, ARTIFACTS).pathname, fullPage: true });
    });
  }

  it('each person may switch the dashboard to English, and back to the company\'s language', { timeout: 120_000 }, async () => {
    const { daemon } = await dashboardDaemon({ config: dashboardCompany('ru'), clock: new ManualClock(NOW) });
    const page = await signIn(await printedLink(daemon));
    expect(await page.locator('h1').innerText()).toBe('Обзор');
    await page.goto(`${daemon.url}/dashboard/clients/alfa`);
    await page.locator('select[name=language]').selectOption('en');
    await page.waitForURL(`${daemon.url}/dashboard/clients/alfa`);
    await page.waitForFunction("document.documentElement.lang === 'en'");
    expect(await page.locator('#map h2').innerText()).toBe('Relationship map');
    // Only this person: a colleague still sees Russian.
    const anna = await signIn((await daemon.dashboard!.signInLink('anna')).url);
    expect(await anna.locator('h1').innerText()).toBe('Мой обзор');
    await page.goto(`${daemon.url}/dashboard/`);
    expect(await page.locator('h1').innerText()).toBe('Overview');
    // A CSV is the company's all the same (README: as touchbase report writes it): ";" and Russian headers for Russian Excel.
    const header = (await (await page.request.get(`${daemon.url}/dashboard/reports/overdue.csv`)).text()).split('\n')[0]!;
    expect(header).toContain(';');
    expect(header).toMatch(/[а-яё]/);
    // Its cells too (a client's timeline: its events' words), not the reader's language under the company's header.
    const timeline = (await (await page.request.get(`${daemon.url}/dashboard/clients/alfa/timeline.csv`)).text()).split('\n').slice(1).join('\n');
    expect(timeline).toMatch(/выполнено/);
    expect(timeline).not.toMatch(/\bdone\b/);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL('overview-en.png', ARTIFACTS).pathname, fullPage: true });
    await page.locator('select[name=language]').selectOption('ru');
    await page.waitForFunction("document.documentElement.lang === 'ru'");
    expect(await page.locator('h1').innerText()).toBe('Обзор');
  });
});

