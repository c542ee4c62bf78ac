import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Language } from '../../src/domain/types.ts';
import { NOW, dashboardCompany } from '../helpers/dashboard-company.ts';
import { dashboardDaemon, printedLink, stopDashboardDaemons } from '../helpers/dashboard-daemon.ts';
import { nextFinished } from '../helpers/daemon-under-test.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { signIn, text } from '../helpers/dashboard-http.ts';

afterEach(stopDashboardDaemons);

// A client removed from the configuration keeps its history in the database ("their touches are
// cancelled, their history stays"), but its dashboard page answered 404: a director had no way
// to see what was done with a client that left. Over HTTP, as a browser asks (server-rendered).

/** The cells of a table's body rows, as text. */
function rowsOf(page: string, table: string): string[][] {
  const body = new RegExp(`<table data-table="${table}">[\\s\\S]*?<tbody>([\\s\\S]*?)</tbody>`).exec(page);
  if (!body) throw new Error(`no ${table} table on the page`);
  return [...body[1]!.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => text(c[1]!)));
}

/** The company without Beta Trans (Oleg's client: a done call, a skipped one, an open one in the recorded history). */
function withoutBeta(language: Language) {
  const company = dashboardCompany(language);
  return { ...company, clients: company.clients.filter((c) => c.id !== 'beta') };
}

/** A daemon on the whole company, then Beta removed from its configuration and applied; the director's and Oleg's sessions. */
async function betaRemoved(language: Language) {
  const { daemon, configDir } = await dashboardDaemon({ config: dashboardCompany(language), clock: new ManualClock(NOW) });
  const director = await signIn(await printedLink(daemon));
  const oleg = await signIn((await daemon.dashboard!.signInLink('oleg')).url);
  const get = (session: string, path: string) => fetch(`${daemon.url}/dashboard${path}`, { headers: { cookie: session }, redirect: 'manual' });
  expect((await get(director, '/clients/beta')).status).toBe(200);
  writeFileSync(join(configDir, 'touchbase.yaml'), stringify(withoutBeta(language)));
  const replanned = nextFinished(daemon, 'sync');
  expect(await daemon.reload('test')).toBe(true);
  await replanned;
  return { director, oleg, get };
}

describe('a client removed from the configuration, on the dashboard', () => {
  it('a director opens its page: it says the client is no longer configured, and shows what was done, skipped and cancelled, by whom; nothing planned', { timeout: 120_000 }, async () => {
    const { director, get } = await betaRemoved('en');
    const response = await get(director, '/clients/beta');
    expect(response.status).toBe(200);
    const page = await response.text();
    // Under the name it had, which the configuration no longer holds.
    expect(text(/<h1>[\s\S]*?<\/h1>/.exec(page)![0])).toBe('Beta Trans');
    expect(text(/<p class="banner-former"[^>]*>[\s\S]*?<\/p>/.exec(page)![0])).toBe('This client is no longer in the configuration (id beta): nothing is planned for it any more. What was recorded with it is kept and shown below.');
    const history = rowsOf(page, 'history').map(([, what, title, by, note]) => [what, title, by, note]);
    // Oleg's call done on 5 May (moved there in his calendar), the other buyer skipped, June's call cancelled with the client.
    expect(history).toContainEqual(['done', 'beta zvonki 2027-05-05', 'Oleg Popov', '']);
    expect(history).toContainEqual(['skipped', 'beta zvonki 2027-05-07', 'Oleg Popov', 'v otpuske']);
    expect(history).toContainEqual(['moved from 2027-05-03 to 2027-05-05', 'beta zvonki 2027-05-05', 'Oleg Popov', 'moved in the calendar by the employee']);
    expect(history).toContainEqual(['cancelled', 'beta zvonki 2027-06-01', 'Oleg Popov', 'no longer in the plan']);
    expect(page).not.toContain('data-table="planned"');
    expect(page).not.toContain('id="map"');
    // Its history downloads as before.
    const csv = await get(director, '/clients/beta/timeline.csv');
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain('v otpuske');
    // An id that never was a client's is still no page.
    expect((await get(director, '/clients/never-was')).status).toBe(404);
    expect((await get(director, '/clients/never-was/timeline.csv')).status).toBe(404);
    // The clients list is the configuration's.
    expect(await (await get(director, '/clients')).text()).not.toContain('/dashboard/clients/beta"');
  });

  it('says so in Russian and in Romanian', { timeout: 120_000 }, async () => {
    for (const [language, banner, cancelled] of [
      ['ru', 'Этого клиента больше нет в конфигурации (id beta): для него ничего не планируется.', 'отменено'],
      ['ro', 'Acest client nu mai este în configurație (id beta): nu se mai planifică nimic pentru el.', 'anulată'],
    ] as const) {
      const { director, get } = await betaRemoved(language);
      const page = await (await get(director, '/clients/beta')).text();
      expect(text(/<p class="banner-former"[^>]*>[\s\S]*?<\/p>/.exec(page)![0]), language).toContain(banner);
      expect(rowsOf(page, 'history').map((r) => r[1]), language).toContain(cancelled);
      await stopDashboardDaemons();
    }
  });

  it('an employee does not see it, even one who had touches there (the safe side: their clients are the configuration\'s)', { timeout: 120_000 }, async () => {
    const { oleg, get } = await betaRemoved('en');
    const response = await get(oleg, '/clients/beta');
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('Beta Trans');
    expect((await get(oleg, '/clients/beta/timeline.csv')).status).toBe(404);
  });
});
