import { afterEach, expect, it } from 'vitest';
import { doWork } from '../../src/daemon/work.ts';
import { daemonStatus } from '../../src/daemon/status.ts';
import { openMigrated } from '../../src/storage/database.ts';
import { fixedClock } from '../../src/clock.ts';
import { configOf, tempDir } from '../helpers/config-folder.ts';
import { tempDatabaseLocation } from '../helpers/temp-database.ts';
import { googleClient, startGoogleFake } from '../helpers/google-fake.ts';
import { NOW, syncCompany } from '../helpers/sync-company.ts';
import type { GoogleCalendarFake } from '../fakes/google-calendar-fake.ts';

let fake: GoogleCalendarFake | undefined;
afterEach(async () => fake?.stop());

// The daemon's calendars job reads each calendar for its employee's moves and deletions. A read
// that fails is no decision (nothing is taken as moved or deleted) and no success either: the job
// said "ok", /readyz kept the provider "ok" and its last good sync moved on while every read failed.
it('a calendars job whose reads fail names the calendars not read and counts the provider as in error', async () => {
  const started = await startGoogleFake();
  fake = started.fake;
  const config = configOf(syncCompany('google'));
  const db = await openMigrated(await tempDatabaseLocation());
  try {
    const deps = { db, config, clock: fixedClock(NOW), feedDir: tempDir(), ports: { google: googleClient(started.url, { timeoutMs: 1000 }) }, signal: new AbortController().signal };
    const first = await doWork('sync', deps);
    expect(first.providers).toEqual([{ provider: 'google', ok: true }]);
    // Every read of a calendar now fails (writes are not needed: nothing changed).
    fake.script({ kind: 'fail', status: 500, reason: 'backendError' }, { method: 'GET', times: 1000 });
    const read = await doWork('calendars', deps);
    expect(read.unread?.map(([employee]) => employee).sort()).toEqual(['anna', 'boris']);
    expect(read.unread?.[0]?.[1]).toMatch(/^temporary: /);
    expect(read.summary).toContain('0 moved, 0 deleted by employees, 2 calendars not read');
    expect(read.providers).toEqual([{ provider: 'google', ok: false }]);
    expect(read.errors).toContainEqual(['google:temporary', 2]);
  } finally {
    await db.destroy();
  }
});

// `touchbase status` reads the database alone: the daemon's failed reads are there until a read
// works, and a calendar no employee has any more (moved to the feed, gone) is no one's to report.
it('the daemon\'s failed reads are in the status until no employee has that calendar any more', async () => {
  const started = await startGoogleFake();
  fake = started.fake;
  const db = await openMigrated(await tempDatabaseLocation());
  try {
    const deps = (config: ReturnType<typeof configOf>) => ({ db, config, clock: fixedClock(NOW), feedDir: tempDir(), ports: { google: googleClient(started.url, { timeoutMs: 1000 }) }, signal: new AbortController().signal });
    const google = configOf(syncCompany('google'));
    await doWork('sync', deps(google));
    fake.script({ kind: 'fail', status: 500, reason: 'backendError' }, { method: 'GET', times: 1000 });
    await doWork('calendars', deps(google));
    const failed = (await daemonStatus(db, NOW)).unreadCalendars;
    expect(failed.map((u) => [u.employee, u.provider, u.failedAt, u.error.split(':')[0]])).toEqual([
      ['anna', 'google', '2027-03-01T05:00:00.000Z', 'temporary'], ['boris', 'google', '2027-03-01T05:00:00.000Z', 'temporary'],
    ]);
    // Anna moves to the feed: her Google calendar is no longer read, nor reported; Boris's still is.
    await doWork('sync', deps(configOf(syncCompany('google', { anna: { calendar: 'ics' } }))));
    expect((await daemonStatus(db, NOW)).unreadCalendars.map((u) => u.employee)).toEqual(['boris']);
  } finally {
    await db.destroy();
  }
});
