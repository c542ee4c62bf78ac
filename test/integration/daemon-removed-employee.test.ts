import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/daemon/logger.ts';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { GoogleCalendarFake } from '../fakes/google-calendar-fake.ts';
import { googleClient, startGoogleFake } from '../helpers/google-fake.ts';
import { writeConfig } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { A, NOW, syncCompany } from '../helpers/sync-company.ts';
import { daemonUnderTest, loopAsleep, nextFinished, startedAndSynced, stopAll } from '../helpers/daemon-under-test.ts';

let fake: GoogleCalendarFake;
let url: string;
beforeEach(async () => {
  ({ fake, url } = await startGoogleFake());
});
afterEach(async () => {
  await stopAll();
  await fake.stop();
});

/** The company syncing every minute and reading calendars once a year: only the sync job can bring the deletions back. */
function company(withAnna: boolean) {
  const sections = syncCompany('google');
  const settings = { ...sections.settings, schedules: { sync: '* * * * *', calendars: '0 0 1 1 *' } };
  if (withAnna) return { ...sections, settings };
  return {
    ...sections, settings,
    employees: sections.employees.filter((e) => e.id !== 'anna'),
    clients: sections.clients.map((c) => ({ ...c, team: { account_manager: 'boris' } })),
  };
}

describe('the daemon and an employee removed while their calendar does not answer', () => {
  it('deletes their events once the calendar answers, at a scheduled tick with nothing else changed; status says how many wait meanwhile', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': company(true) });
    const clock = new ManualClock(NOW);
    const { daemon, dbFile } = await daemonUnderTest({ configDir, clock, ports: { google: googleClient(url) } });
    await startedAndSynced(daemon);
    await loopAsleep(daemon);
    const live = () => fake.events(A).filter((e) => e.status === 'confirmed').length;
    const hers = live();
    expect(hers).toBeGreaterThan(3);

    // Anna leaves while her calendar answers nothing but 503.
    fake.script({ kind: 'fail', status: 503, reason: 'backendError' }, { user: A, times: 1_000_000 });
    writeFileSync(join(configDir, 'touchbase.yaml'), stringify(company(false)));
    const applied = nextFinished(daemon, 'sync');
    expect(await daemon.reload('SIGHUP')).toBe(true);
    await applied;
    await loopAsleep(daemon);
    expect(live()).toBe(hers);
    const waiting = await daemon.status();
    expect(waiting.leftovers.count).toBe(hers);
    expect(waiting.leftovers.lastError).toMatch(/^temporary: /);
    expect((await cli('status', '--db', dbFile)).out).toContain(`events to delete from calendars no longer used (an old address, an employee removed): ${hers} waiting — last error: temporary: `);

    // Her calendar answers again. Nothing else changes: the scheduled ticks of the next minutes
    // come back to the events to delete (within five minutes), and then do nothing again.
    fake.clearFaults();
    const summaries: string[] = [];
    daemon.on('job:finished', (r: { job: string; reason: string; summary: string }) => { if (r.job === 'sync') summaries.push(`${r.reason}: ${r.summary}`); });
    for (let minute = 1; minute <= 6; minute++) {
      clock.set(NOW.plus({ minutes: minute }));
      expect(await daemon.scheduler.runDue()).toContain('sync');
    }
    expect(summaries.filter((s) => s !== 'schedule: nothing changed')).toHaveLength(1);
    expect(summaries.at(-1)).toBe('schedule: nothing changed');
    expect(live()).toBe(0);
    expect((await daemon.status()).leftovers).toEqual({ count: 0, lastError: undefined });
  });
});

describe('the daemon\'s log of calendar failures', () => {
  it('says which calls failed, as status (a provider "ERRORS") points to the log for it (QA: only counts were)', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': company(true) });
    const clock = new ManualClock(NOW);
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _e, done) => { lines.push(chunk.toString()); done(); } });
    fake.script({ kind: 'fail', status: 503, reason: 'backendError' }, { method: 'POST', user: A, times: 2 });
    const { daemon } = await daemonUnderTest({ configDir, clock, ports: { google: googleClient(url) }, logger: await createLogger({ level: 'info', destination }) });
    await startedAndSynced(daemon);
    const failed = lines.map((l) => JSON.parse(l) as { msg: string; errors?: Record<string, number> }).filter((l) => l.errors);
    expect(failed.map((l) => [l.msg, l.errors])).toEqual([['calendar calls failed: google:temporary ×2 (each retried later; touchbase status lists the writes waiting)', { 'google:temporary': 2 }]]);
  });

  it('a sync\'s line counts the writes left for a later run, as status counts them waiting (QA: 278 written, 11 to retry, 70 waiting)', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': company(true) });
    const clock = new ManualClock(NOW);
    fake.tokenUnavailable = true;
    const { daemon } = await daemonUnderTest({ configDir, clock, ports: { google: googleClient(url) } });
    const summary = nextFinished(daemon, 'sync');
    await daemon.start();
    const left = Number(/, (\d+) left for a later run/.exec(await summary)?.[1]);
    expect(left).toBeGreaterThan(3);
    expect((await daemon.status()).outbox.pending).toBe(left + 2);
  });
});

