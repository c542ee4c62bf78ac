import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { once } from 'node:events';
import { sql } from 'kysely';
import { openMigrated, type DB } from '../../src/storage/database.ts';
import { CronSchedule } from '../../src/daemon/cron-schedule.ts';
import { Scheduler, type Job, type JobRun } from '../../src/daemon/scheduler.ts';
import { FIRST_SUCCESS, getInfo, jobState, setInfo } from '../../src/storage/job-repository.ts';
import { DateTime } from 'luxon';
import { daemonStatus } from '../../src/daemon/status.ts';
import { tempDir } from '../helpers/config-folder.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';
import { cli } from '../helpers/run-cli.ts';

const open: { db: DB; schedules: CronSchedule[] }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.schedules.forEach((s) => s.dispose());
    await o.db.destroy();
  }
});

/** A scheduler over one job every five minutes (Moscow), recording each run. */
async function setup(start = '2027-01-15T10:00:00+03:00', file?: string, work?: (run: JobRun) => Promise<string>) {
  const db = await openMigrated(file ?? await tempDatabaseLocation());
  const clock = new ManualClock(start);
  const runs: JobRun[] = [];
  const schedule = new CronSchedule('*/5 * * * *', 'Europe/Moscow');
  open.push({ db, schedules: [schedule] });
  const job: Job = { name: 'sync', schedule, run: async (run) => { runs.push(run); return work ? work(run) : 'ok'; } };
  const scheduler = new Scheduler({ db, clock, jobs: [job], random: () => 0.5 });
  return { db, clock, runs, scheduler };
}

describe('the run loop never trusts its timer', () => {
  it('ticks run at their times: not a second before, once at the tick', async () => {
    const { clock, runs, scheduler } = await setup();
    expect(await scheduler.runDue()).toEqual(['sync']); // first start
    clock.set('2027-01-15T10:04:59+03:00');
    expect(await scheduler.runDue()).toEqual([]);
    clock.set('2027-01-15T10:05:00+03:00');
    expect(await scheduler.runDue()).toEqual(['sync']);
    expect(await scheduler.runDue()).toEqual([]);
    clock.set('2027-01-15T10:10:01+03:00');
    expect(await scheduler.runDue()).toEqual(['sync']);
    expect(runs.map((r) => [r.reason, r.due.toISO()])).toEqual([
      ['first run', '2027-01-15T10:00:00.000+03:00'],
      ['schedule', '2027-01-15T10:05:00.000+03:00'],
      ['schedule', '2027-01-15T10:10:00.000+03:00'],
    ]);
  });

  it('a jump forward (the machine slept for a day) catches up once, not once per missed tick', async () => {
    const { clock, runs, scheduler } = await setup();
    await scheduler.runDue();
    clock.set('2027-01-16T10:02:00+03:00');
    expect(await scheduler.runDue()).toEqual(['sync']);
    expect(await scheduler.runDue()).toEqual([]);
    expect(runs.at(-1)).toMatchObject({ reason: 'catch-up' });
    expect(runs.at(-1)!.due.toISO()).toBe('2027-01-15T10:05:00.000+03:00');
    expect(runs).toHaveLength(2);
  });

  it('a jump backward does not repeat a run, and runs resume once time passes the last one', async () => {
    const { clock, runs, scheduler } = await setup();
    const backwards: unknown[] = [];
    scheduler.on('clock:backwards', (e) => backwards.push(e));
    clock.set('2027-01-15T10:20:00+03:00');
    await scheduler.runDue();
    // A watermark a moment ahead (another daemon's run claimed just after this one read the clock): waited for, not said.
    clock.set('2027-01-15T10:19:58+03:00');
    expect(await scheduler.runDue()).toEqual([]);
    expect(backwards).toHaveLength(0);
    clock.set('2027-01-15T10:06:00+03:00'); // an NTP correction of 14 minutes
    expect(await scheduler.runDue()).toEqual([]);
    expect(backwards).toHaveLength(1);
    clock.set('2027-01-15T10:21:00+03:00');
    expect(await scheduler.runDue()).toEqual([]);
    clock.set('2027-01-15T10:25:00+03:00');
    expect(await scheduler.runDue()).toEqual(['sync']);
    expect(runs).toHaveLength(2);
  });

  it('the watermark is in the database: a restarted daemon continues, neither repeating nor skipping', async () => {
    const file = await tempDatabaseLocation();
    const first = await setup('2027-01-15T10:00:00+03:00', file);
    await first.scheduler.runDue();
    const second = await setup('2027-01-15T10:03:00+03:00', file);
    expect(await second.scheduler.runDue()).toEqual([]);
    second.clock.set('2027-01-15T10:05:00+03:00');
    expect(await second.scheduler.runDue()).toEqual(['sync']);
  });

  it('a job that waits for its first tick has not run at the first start: no result, no start, no first success (status showed it "ok")', async () => {
    const location = await tempDatabaseLocation();
    const db = await openMigrated(location);
    const clock = new ManualClock('2027-01-15T10:02:00+03:00');
    const schedule = new CronSchedule('0 8 * * mon', 'Europe/Moscow');
    open.push({ db, schedules: [schedule] });
    const runs: JobRun[] = [];
    const scheduler = new Scheduler({ db, clock, jobs: [{ name: 'digest', schedule, firstStart: 'wait', run: async (run) => { runs.push(run); return 'sent'; } }], random: () => 0.5 });
    expect(await scheduler.runDue()).toEqual([]);
    // A second daemon starting on the same database a moment later finds the mark set: it neither runs the job nor moves the mark.
    const second = new Scheduler({ db, clock: new ManualClock('2027-01-15T10:02:30+03:00'), jobs: [{ name: 'digest', schedule, firstStart: 'wait', run: async (run) => { runs.push(run); return 'sent'; } }], random: () => 0.5 });
    expect(await second.runDue()).toEqual([]);
    expect(runs).toEqual([]);
    const shown = await cli('status', '--db', location);
    expect(shown.out).toMatch(/^digest +not run yet\s*$/m);
    const state = await jobState(db, 'digest');
    expect(state).toMatchObject({ watermark: '2027-01-15T07:02:00.000Z', last_result: null, last_started_at: null, last_finished_at: null, last_summary: null });
    expect(Object.keys(await getInfo(db))).not.toContain(`${FIRST_SUCCESS}digest`);
    const status = await daemonStatus(db, clock.now());
    expect(status.jobs.find((j) => j.name === 'digest')).toMatchObject({ lastResult: null, lastStarted: null });
    // Its first run is its first tick (Monday 08:00), not the start's moment.
    clock.set('2027-01-18T08:00:00+03:00');
    expect(await scheduler.runDue()).toEqual(['digest']);
    expect(runs.map((r) => r.reason)).toEqual(['schedule']);
    expect(await jobState(db, 'digest')).toMatchObject({ last_result: 'ok', last_summary: 'sent' });
  });

  it('a job no daemon looked at yet (one killed in its first seconds) is in status as not run yet (QA: missing)', async () => {
    const location = await tempDatabaseLocation();
    const db = await openMigrated(location);
    open.push({ db, schedules: [] });
    // The daemon recorded its jobs' schedules at its start, then ran only the sync before it was killed.
    await setInfo(db, { schedules: JSON.stringify({ sync: '*/5 * * * *', daily: '30 6 * * *', calendars: '0 * * * *', digest: '0 8 * * mon' }), timezone: 'Europe/Moscow', pid: '999999', started_at: '2027-01-15T07:00:00.000Z' });
    await db.insertInto('daemon_jobs').values({ name: 'sync', failures: 0, watermark: '2027-01-15T07:00:00.000Z', last_started_at: '2027-01-15T07:00:00.000Z', last_result: 'running' }).execute();
    const status = await daemonStatus(db, DateTime.fromISO('2027-01-15T10:00:02+03:00'));
    expect(status.jobs.map((j) => [j.name, j.lastResult])).toEqual([['calendars', null], ['daily', null], ['digest', null], ['sync', 'running']]);
    expect(status.jobs.find((j) => j.name === 'digest')!.nextRun).toBe('2027-01-18T08:00:00.000+03:00');
    const shown = await cli('status', '--db', location);
    expect(shown.out).toMatch(/^calendars +0 \* \* \* \* +not run yet\b/m);
    expect(shown.out).toMatch(/^digest +0 8 \* \* mon +not run yet\b/m);
  });

  it('after a failure it backs off with jitter, growing, and a success resets it', async () => {
    let fail = 2;
    const { db, clock, runs, scheduler } = await setup(undefined, undefined, async () => {
      if (fail-- > 0) throw new Error('database is locked');
      return 'ok';
    });
    const failures: { failures: number; retryAt: string }[] = [];
    scheduler.on('job:failed', (e) => failures.push({ failures: e.failures, retryAt: e.retryAt.toISO()! }));
    await scheduler.runDue();
    // random() = 0.5 of a 30 s ceiling: 15 s; then of 60 s: 30 s.
    expect(failures[0]).toEqual({ failures: 1, retryAt: '2027-01-15T10:00:15.000+03:00' });
    clock.set('2027-01-15T10:00:14+03:00');
    expect(await scheduler.runDue()).toEqual([]);
    clock.set('2027-01-15T10:00:15+03:00');
    await scheduler.runDue();
    expect(failures[1]).toEqual({ failures: 2, retryAt: '2027-01-15T10:00:45.000+03:00' });
    // A tick during the backoff does not cut it short.
    clock.set('2027-01-15T10:00:44+03:00');
    expect(await scheduler.runDue()).toEqual([]);
    clock.set('2027-01-15T10:00:45+03:00');
    await scheduler.runDue();
    expect(await jobState(db, 'sync')).toMatchObject({ last_result: 'ok', failures: 0, retry_at: null });
    expect(runs.map((r) => r.reason)).toEqual(['first run', 'retry', 'retry']);
  });

  it('the loop sleeps at most 30 s at a time and notices a clock that jumped while it slept', async () => {
    const { db, clock, runs } = await setup();
    const schedule = open.at(-1)!.schedules[0]!;
    const sleeps: number[] = [];
    const late: number[] = [];
    let enough!: () => void;
    const twelveSleeps = new Promise<void>((resolve) => { enough = resolve; });
    const loop = new Scheduler({
      db, clock, jobs: [{ name: 'sync', schedule, run: async (r) => { runs.push(r); return 'ok'; } }],
      sleep: async (ms) => {
        sleeps.push(ms);
        // The machine is suspended during the third sleep, for an hour.
        clock.advance(sleeps.length === 3 ? 3_600_000 : ms);
        if (sleeps.length === 12) enough();
      },
    });
    loop.on('timer:late', (e) => late.push(e.lateMs));
    loop.start();
    await twelveSleeps;
    await loop.stop();
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(30_000);
    expect(late).toEqual([3_600_000 - 30_000]);
    expect(runs.filter((r) => r.reason === 'catch-up')).toHaveLength(1);
    expect(runs[0]!.reason).toBe('first run');
    // Every run after the catch-up is on a five-minute tick.
    for (const r of runs.slice(1)) expect(r.due.minute % 5).toBe(0);
  });

  it('a pass whose database fails under it (a full disk) is reported and tried again; the loop lives on and runs the job once it can', async () => {
    const { db, clock, runs } = await setup();
    const schedule = open.at(-1)!.schedules[0]!;
    const errors: string[] = [];
    let sleeps = 0;
    let enough!: () => void;
    const ranAgain = new Promise<void>((resolve) => { enough = resolve; });
    // The jobs' table is gone for the first two passes (what a full disk or a broken file does to its reads).
    await sql`alter table daemon_jobs rename to daemon_jobs_away`.execute(db);
    const loop = new Scheduler({
      db, clock, jobs: [{ name: 'sync', schedule, run: async (r) => { runs.push(r); enough(); return 'ok'; } }],
      sleep: async (ms) => {
        sleeps++;
        clock.advance(ms);
        if (sleeps === 2) await sql`alter table daemon_jobs_away rename to daemon_jobs`.execute(db);
      },
    });
    loop.on('loop:error', (e) => errors.push(`${e.retryInMs}`));
    loop.start();
    await ranAgain;
    await loop.stop();
    expect(errors).toEqual(['30000', '30000']);
    expect(runs).toHaveLength(1);
  });

  it('a job whose failure cannot be written (the disk that failed it is full) is still tried again at its retry, not at its next tick (QA 2026-12-06)', async () => {
    let fail = true;
    const { db, clock, runs, scheduler } = await setup(undefined, undefined, async () => {
      if (!fail) return 'ok';
      fail = false;
      // What a full disk does to the job and then to its record: the jobs' table cannot be written.
      await sql`alter table daemon_jobs rename to daemon_jobs_away`.execute(db);
      throw new Error('the feed folder is full (ENOSPC)');
    });
    await expect(scheduler.runDue()).rejects.toThrow();
    await sql`alter table daemon_jobs_away rename to daemon_jobs`.execute(db);
    // random() = 0.5 of a 30 s ceiling: 15 s, as a recorded failure's; the next tick is at 10:05.
    clock.set('2027-01-15T10:00:14+03:00');
    expect(await scheduler.runDue()).toEqual([]);
    expect((await scheduler.nextWake()).toISO()).toBe('2027-01-15T10:00:15.000+03:00');
    clock.set('2027-01-15T10:00:15+03:00');
    expect(await scheduler.runDue()).toEqual(['sync']);
    expect(runs.map((r) => r.reason)).toEqual(['first run', 'retry']);
    expect(await jobState(db, 'sync')).toMatchObject({ last_result: 'ok', retry_at: null });
  });

  it('stop waits for the run in flight and starts no other', async () => {
    let release!: () => void;
    const { scheduler } = await setup(undefined, undefined, (run) => new Promise((resolve) => {
      release = () => resolve(run.signal.aborted ? 'stopped early' : 'finished');
    }));
    const finished: string[] = [];
    scheduler.on('job:finished', (r) => finished.push(r.summary));
    scheduler.start();
    await once(scheduler, 'job:started');
    const stopping = scheduler.stop();
    release();
    await stopping;
    expect(finished).toEqual(['stopped early']);
  });
});
