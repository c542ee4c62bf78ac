import { afterEach, describe, expect, it } from 'vitest';
import { openMigrated, type DB } from '../../src/storage/database.ts';
import { DaemonAlreadyRunningError } from '../../src/storage/daemon-lock.ts';
import { deregisterInstance, listInstances, registerInstance } from '../../src/storage/daemon-instances.ts';
import { setInfo } from '../../src/storage/job-repository.ts';
import { writeConfig } from '../helpers/config-folder.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { NOW, syncCompany } from '../helpers/sync-company.ts';
import { daemonUnderTest, loopAsleep, nextFinished, startedAndSynced, stopAll } from '../helpers/daemon-under-test.ts';
import { eventually } from '../helpers/real-daemon.ts';
import type { GoogleCalendarFake } from '../fakes/google-calendar-fake.ts';
import { googleClient, startGoogleFake } from '../helpers/google-fake.ts';
import { cli } from '../helpers/run-cli.ts';

const open: DB[] = [];
afterEach(async () => {
  await stopAll();
  for (const db of open.splice(0)) await db.destroy();
});

const sharing = { enabled: true, instanceLeaseMs: 30_000, heartbeatMs: 50, claimTtlMs: 60_000, dispatchEveryMs: 60_000, forgetAfterMs: 86_400_000 };

describe('a daemon sharing the work (in-process)', () => {
  it('a daemon that works alone refuses to start beside daemons that share the work, naming them', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const clock = new ManualClock(NOW);
    const first = await daemonUnderTest({ configDir, clock, shared: sharing });
    await startedAndSynced(first.daemon);
    const second = await daemonUnderTest({ configDir, clock, dbFile: first.dbFile, shared: sharing });
    await second.daemon.start();
    const alone = await daemonUnderTest({ configDir, clock, dbFile: first.dbFile, shared: { enabled: false } });
    await expect(alone.daemon.start()).rejects.toThrow(DaemonAlreadyRunningError);
    const again = await daemonUnderTest({ configDir, clock, dbFile: first.dbFile, shared: { enabled: false } });
    await expect(again.daemon.start()).rejects.toThrow(new RegExp(`2 touchbase daemons sharing the work already run on .*(touchbase\\.sqlite|touchbase_t_\\w+) \\(pid ${process.pid} on `));
    // Once they have stopped (and left the registry), it starts.
    await first.daemon.stop();
    await second.daemon.stop();
    const later = await daemonUnderTest({ configDir, clock, dbFile: first.dbFile, shared: { enabled: false } });
    await later.daemon.start();
  });

  it('a daemon sharing the work refuses to start beside one that works alone, and leaves no trace in the registry', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const clock = new ManualClock(NOW);
    const alone = await daemonUnderTest({ configDir, clock, shared: { enabled: false } });
    await alone.daemon.start();
    const sharer = await daemonUnderTest({ configDir, clock, dbFile: alone.dbFile, shared: sharing });
    await expect(sharer.daemon.start()).rejects.toThrow(/a touchbase daemon working alone \(TOUCHBASE_SHARED_WORK=off\) is running on /);
    const db = await openMigrated(alone.dbFile);
    open.push(db);
    expect(await listInstances(db, clock.now())).toEqual([]);
  });

  it('a daemon found missing from the registry (taken for dead and forgotten) puts itself back at its next heartbeat', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const clock = new ManualClock(NOW);
    const d = await daemonUnderTest({ configDir, clock, shared: sharing });
    await startedAndSynced(d.daemon);
    const db = await openMigrated(d.dbFile);
    open.push(db);
    const id = d.daemon.instanceId!;
    let ids: string[] = [];
    const look = async () => {
      ids = (await listInstances(db, clock.now())).map((i) => i.id);
    };
    await look();
    expect(ids).toEqual([id]);
    await deregisterInstance(db, id);
    await look();
    expect(ids).toEqual([]);
    await eventually(() => {
      void look();
      return ids.includes(id);
    }, 'the daemon registered again', 10_000);
    await d.daemon.stop();
    await look();
    expect(ids).toEqual([]);
  });
});

describe('dispatch passes of a daemon sharing the work', () => {
  let fake: GoogleCalendarFake | undefined;
  afterEach(async () => {
    await stopAll();
    await fake?.stop();
  });

  it('work a pass could not move is tried again after a claim\'s time, not at every pass', async () => {
    const started = await startGoogleFake();
    fake = started.fake;
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('google') });
    const clock = new ManualClock(NOW);
    const claimTtlMs = 1_000;
    const d = await daemonUnderTest({ configDir, clock, ports: { google: googleClient(started.url) }, shared: { ...sharing, claimTtlMs, dispatchEveryMs: 50 } });
    // At the first start the sync, then the daily checks; after them the daemon is idle (its clock stands still).
    const daily = nextFinished(d.daemon, 'daily');
    await startedAndSynced(d.daemon);
    await daily;
    await loopAsleep(d.daemon);
    const db = await openMigrated(d.dbFile);
    open.push(db);
    // A row whose content changed since its sync: a pass leaves it (only the next sync can write it).
    const row = await db.selectFrom('calendar_sync').select(['entry_id', 'employee_id', 'provider']).limit(1).executeTakeFirstOrThrow();
    await db.updateTable('calendar_sync').set({ dirty: 1, desired_hash: 'changed since its sync', next_attempt_at: null })
      .where('entry_id', '=', row.entry_id).where('employee_id', '=', row.employee_id).where('provider', '=', row.provider).execute();
    const passes: number[] = [];
    d.daemon.on('dispatch:finished', () => passes.push(performance.now()));
    await eventually(() => passes.length >= 2, 'a second pass over the same work', 20_000).catch((e) => { throw new Error(`${e.message} (passes: ${passes.length})`); });
    // Not one pass per 50 ms: the second waited for the claim's time after the first.
    expect(passes[1]! - passes[0]!).toBeGreaterThanOrEqual(claimTtlMs - 50);
    const left = await db.selectFrom('calendar_sync').select('dirty').where('entry_id', '=', row.entry_id).where('employee_id', '=', row.employee_id).executeTakeFirstOrThrow();
    expect(Number(left.dirty)).toBe(1);
  });
});

describe('status beside a daemon that works alone', () => {
  it('names the daemon running alone, not only the dead ones that once shared the work (QA: "0 running; 1 DEAD" while it ran)', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    // Working alone (TOUCHBASE_SHARED_WORK=off on PostgreSQL; SQLite's way).
    const { daemon, dbFile } = await daemonUnderTest({ configDir, clock: new ManualClock(NOW), shared: { enabled: false } });
    // Left in the registry by daemons that shared the work on this database before.
    const db = await openMigrated(dbFile);
    open.push(db);
    // status reads the registry at the real time.
    const long = new Date(Date.now() - 2 * 3600_000).toISOString();
    await registerInstance(db, { id: 'gone-before', host: 'other-host', pid: 4242, version: 'x', url: '', started_at: long, lease_ms: 30_000 }, long);
    await startedAndSynced(daemon);
    const out = (await cli('status', '--db', dbFile)).out;
    expect(out).toMatch(new RegExp(`^daemon: running \\(pid ${process.pid}, since `, 'm'));
    expect(out).not.toContain('0 running');
  });
});

/** A daemon sharing the work, started, synced and asleep, and a connection of the test's own to its database. */
async function liveSharingDaemon() {
  const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
  const clock = new ManualClock(NOW);
  const live = await daemonUnderTest({ configDir, clock, shared: sharing });
  await startedAndSynced(live.daemon);
  await loopAsleep(live.daemon);
  const db = await openMigrated(live.dbFile);
  open.push(db);
  return { clock, live, db };
}

describe('status of daemons sharing the work', () => {
  it('names a live one, not the last to start when it has died since (QA: its pid and address shown as running)', async () => {
    const { clock, live, db } = await liveSharingDaemon();
    // Another daemon started after this one (its facts are the record's), then was killed: no heartbeat for 2 minutes.
    const started = clock.now().minus({ minutes: 2 }).toUTC().toISO()!;
    await registerInstance(db, { id: 'killed', host: 'other-host', pid: 4242, version: 'x', url: 'http://other-host:8787', started_at: started, lease_ms: 30_000 }, started);
    await setInfo(db, { pid: '4242', url: 'http://other-host:8787', started_at: started });
    const { daemonStatus } = await import('../../src/daemon/status.ts');
    const status = await daemonStatus(db, clock.now());
    expect([status.pid, status.url]).toEqual([process.pid, live.daemon.url]);
    expect(status.instances.map((i) => [i.pid, i.live])).toEqual([[process.pid, true], [4242, false]]);
  });
});

describe('a daemon that dies while it runs a job', () => {
  it('its run is taken for interrupted by a live daemon sharing the database, and run again at once (not left running, or STUCK, until the next tick)', async () => {
    const { clock, live, db } = await liveSharingDaemon();
    // Another daemon took the next sync and was killed while it ran: its heartbeat stopped 2 minutes ago.
    const started = clock.now().minus({ minutes: 2 }).toUTC().toISO()!;
    await registerInstance(db, { id: 'killed', host: 'other-host', pid: 4242, version: 'x', url: 'http://other-host:8787', started_at: started, lease_ms: 30_000 }, started);
    await db.updateTable('daemon_jobs').set({ last_result: 'running', last_started_at: started }).where('name', '=', 'sync').execute();
    await setInfo(db, { 'run.owner.sync': 'killed' });
    const rerun = nextFinished(live.daemon, 'sync');
    await Promise.race([rerun, new Promise((_, reject) => setTimeout(() => reject(new Error('the dead daemon\'s sync was not run again')), 10_000))]);
    const sync = (await live.daemon.status()).jobs.find((j) => j.name === 'sync')!;
    expect(sync.lastResult).toBe('ok');
    expect((await fetch(`${live.daemon.url}/readyz`)).status).toBe(200);
  });

  it('a run it started after its last heartbeat (killed seconds after its start) is run again once it has been its own for a lease, and not before (QA: left running for good)', async () => {
    const { clock, live, db } = await liveSharingDaemon();
    // Registered (its only heartbeat) 7 s before it claimed the daily check, then killed.
    const registered = clock.now().minus({ seconds: 7 }).toUTC().toISO()!;
    await registerInstance(db, { id: 'killed', host: 'other-host', pid: 4242, version: 'x', url: 'http://other-host:8787', started_at: registered, lease_ms: 30_000 }, registered);
    const started = clock.now().toUTC().toISO()!;
    await db.updateTable('daemon_jobs').set({ last_result: 'running', last_started_at: started }).where('name', '=', 'daily').execute();
    await setInfo(db, { 'run.owner.daily': 'killed' });
    // Within the lease of its start: it may be a live daemon's claim whose owner is not written yet.
    clock.advance(25_000);
    await new Promise((r) => setTimeout(r, 300));
    expect((await db.selectFrom('daemon_jobs').select('last_result').where('name', '=', 'daily').executeTakeFirstOrThrow()).last_result).toBe('running');
    // A lease after it (the killed one's heartbeat long past its lease too): interrupted, run again.
    const rerun = nextFinished(live.daemon, 'daily');
    clock.advance(10_000);
    await Promise.race([rerun, new Promise((_, reject) => setTimeout(() => reject(new Error('the killed daemon\'s daily check was not run again')), 10_000))]);
    const daily = (await live.daemon.status()).jobs.find((j) => j.name === 'daily')!;
    expect(daily.lastResult).toBe('ok');

    // A run started once the dead one's lease was long over is not its: a live daemon's whose owner
    // could not be written (a database blip). Never taken for interrupted, however long it runs.
    await db.updateTable('daemon_jobs').set({ last_result: 'running', last_started_at: clock.now().toUTC().toISO()! }).where('name', '=', 'daily').execute();
    await setInfo(db, { 'run.owner.daily': 'killed' });
    clock.advance(120_000);
    await new Promise((r) => setTimeout(r, 300));
    expect((await db.selectFrom('daemon_jobs').select('last_result').where('name', '=', 'daily').executeTakeFirstOrThrow()).last_result).toBe('running');
  });
});
