import { afterEach, describe, expect, it } from 'vitest';
import { openMigrated } from '../../src/storage/database.ts';
import { browser, closeBrowsers } from '../helpers/browser.ts';
import { writeConfig } from '../helpers/config-folder.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { NOW, syncCompany, touchIdOf } from '../helpers/sync-company.ts';
import { daemonUnderTest, startedAndSynced, stopAll } from '../helpers/daemon-under-test.ts';
import { feedLinks } from '../helpers/feed-links.ts';

afterEach(async () => {
  await closeBrowsers();
  await stopAll();
});

async function statusOf(dbFile: string, uid: string): Promise<string> {
  const db = await openMigrated(dbFile);
  try {
    return (await db.selectFrom('touches').select('status').where('id', '=', touchIdOf(uid)).executeTakeFirstOrThrow()).status;
  } finally {
    await db.destroy();
  }
}

describe('one-click links opened in a real browser', () => {
  // A mail service's link scanner (Safe Links, Proofpoint) opens each link in a browser that
  // runs the page's scripts, before the employee does: that visit must record nothing.
  it('opening Done or Snooze records nothing, whatever the page runs; the person\'s press of the button does', { timeout: 90_000 }, async () => {
    const { daemon, dbFile, feedDir } = await daemonUnderTest({ configDir: writeConfig({ 'touchbase.yaml': syncCompany('ics') }), clock: new ManualClock(NOW) });
    await startedAndSynced(daemon);
    const [a, b] = feedLinks(feedDir) as [ReturnType<typeof feedLinks>[0], ReturnType<typeof feedLinks>[0]];
    const scanner = await (await browser()).newPage();
    for (const link of [a.done, b.snooze]) {
      await scanner.goto(`${daemon.url}${link}`, { waitUntil: 'networkidle' });
      // Whatever a script would have done, it had time to: the page is idle.
      await scanner.waitForTimeout(500);
      expect(await scanner.locator('h1').textContent()).not.toBe('Recorded');
    }
    expect(await statusOf(dbFile, a.uid)).toBe('planned');
    expect(await statusOf(dbFile, b.uid)).toBe('planned');

    // The employee opens the same link after the scanner did, and presses the button.
    const person = await (await browser()).newPage();
    await person.goto(`${daemon.url}${a.done}`);
    await person.getByRole('button', { name: 'Mark as done' }).click();
    await person.waitForLoadState('load');
    expect(await person.locator('body').textContent()).toContain('marked as done');
    expect(await statusOf(dbFile, a.uid)).toBe('done');
  });
});
