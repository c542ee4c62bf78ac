import { afterEach, describe, expect, it } from 'vitest';
import { openMigrated } from '../../src/storage/database.ts';
import { clearReadFailure, recordReadFailure } from '../../src/storage/calendar-sync-repository.ts';
import { NOW, dashboardCompany } from '../helpers/dashboard-company.ts';
import { dashboardDaemon, printedLink, stopDashboardDaemons } from '../helpers/dashboard-daemon.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { signIn, text } from '../helpers/dashboard-http.ts';

afterEach(stopDashboardDaemons);

// `touchbase status` lists the calendars whose last reading failed (calendar_read_failures); the
// dashboard's overview showed the calendars "in sync" all the same. Over HTTP, as a browser asks
// (the page is rendered on the server): the overview's calendars panel lists them, in each language.

/** The calendars panel of the overview (its section, up to the next one). */
function calendarsPanel(page: string): string {
  const m = /<section class="panel" id="calendars">[\s\S]*?<\/section>/.exec(page);
  if (!m) throw new Error('no calendars panel on the overview');
  return m[0];
}

/** A daemon on the dashboard's company in `language`, signed in as its director: the overview's page, each time asked. */
async function overviewOf(language: 'en' | 'ru' | 'ro'): Promise<{ dbFile: string; overview: () => Promise<string> }> {
  const { daemon, dbFile } = await dashboardDaemon({ config: dashboardCompany(language), clock: new ManualClock(NOW) });
  const session = await signIn(await printedLink(daemon));
  return {
    dbFile,
    overview: async () => {
      const response = await fetch(`${daemon.url}/dashboard/`, { headers: { cookie: session } });
      expect(response.status).toBe(200);
      return response.text();
    },
  };
}

const reason = 'Google Calendar: no answer from www.googleapis.com:443 within 30 s (GOOGLE_TIMEOUT_MS)';

/** Anna's Google calendar not read twice in a row (05:00 and 06:00 UTC), Oleg's Outlook once. */
async function failedReads(dbFile: string): Promise<void> {
  const db = await openMigrated(dbFile);
  try {
    await recordReadFailure(db, 'anna', 'google', 'no_answer', reason, '2027-06-15T05:00:00.000Z');
    await recordReadFailure(db, 'anna', 'google', 'no_answer', reason, '2027-06-15T06:00:00.000Z');
    await recordReadFailure(db, 'oleg', 'microsoft', 'auth', 'Microsoft Graph 401 InvalidAuthenticationToken: <expired> & "revoked"', '2027-06-15T06:00:00.000Z');
  } finally {
    await db.destroy();
  }
}

const heading = (panel: string) => text(/<h3 id="calendars-not-read"[\s\S]*?<\/h3>/.exec(panel)?.[0] ?? '');

describe('the dashboard\'s overview and the calendars that could not be read', () => {
  it('lists each calendar not read with its employee, the time of the failure, since when and why; none once read again', { timeout: 120_000 }, async () => {
    const { dbFile, overview } = await overviewOf('en');
    expect(calendarsPanel(await overview())).not.toContain('id="calendars-not-read"');

    await failedReads(dbFile);
    const panel = calendarsPanel(await overview());
    expect(heading(panel)).toBe('Calendars not read (2)');
    expect(text(panel)).toContain('the moves and deletions made there wait for a reading that works');
    const rows = [...panel.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => text(c[1]!))).filter((r) => r.length === 5);
    // Times in the company's zone (Europe/Moscow); "since" only when the failures go back further than the last one. Employees by name.
    expect(rows).toEqual([
      ['Anna Ivanova', 'Google Calendar', '2027-06-15 09:00', '2027-06-15 08:00', `no_answer: ${reason}`],
      ['Oleg Popov', 'Outlook (Microsoft 365)', '2027-06-15 09:00', '', 'auth: Microsoft Graph 401 InvalidAuthenticationToken: <expired> & "revoked"'],
    ]);
    expect(panel).toContain('href="/dashboard/employees/anna"');
    expect(panel).toContain('&lt;expired&gt; &amp; &quot;revoked&quot;'); // the reason is text, not markup

    // Read again: gone from the overview.
    const db = await openMigrated(dbFile);
    try {
      await clearReadFailure(db, 'anna', 'google');
      await clearReadFailure(db, 'oleg', 'microsoft');
    } finally {
      await db.destroy();
    }
    expect(calendarsPanel(await overview())).not.toContain('id="calendars-not-read"');
  });

  it.each([
    ['ru', 'Не прочитаны календари (2)', 'ждут удачного чтения', 'сотрудник'],
    ['ro', 'Calendare necitite (2)', 'așteaptă o citire reușită', 'angajat'],
  ] as const)('in the dashboard\'s language: %s', { timeout: 120_000 }, async (language, title, intro, column) => {
    const { dbFile, overview } = await overviewOf(language);
    await failedReads(dbFile);
    const panel = calendarsPanel(await overview());
    expect(heading(panel)).toBe(title);
    expect(text(panel)).toContain(intro);
    expect(text(panel)).toContain(column);
  });
});
