import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ProcessRunner, type ProcessNotice } from '../../src/daemon/job-runner.ts';
import { readSnapshot } from '../../src/config/snapshot.ts';
import { tempDir, writeConfig } from '../helpers/config-folder.ts';
import { eventually, isAlive, watchOutput } from '../helpers/real-daemon.ts';

const ENTRY = new URL('../fixtures/hanging-job-process.js', import.meta.url);
const toKill: number[] = [];
const pidFiles: string[] = [];
afterEach(() => {
  for (const file of pidFiles.splice(0)) rmSync(file, { force: true });
  for (const pid of toKill.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
});

function runner(notices: ProcessNotice[], graceMs = 2_000) {
  const dir = tempDir();
  return new ProcessRunner({ dbFile: join(dir, 't.sqlite'), feedDir: join(dir, 'feeds'), entry: ENTRY, graceMs, onProcess: (n) => notices.push(n) });
}

const snapshotOf = (configDir: string, text: string) => ({ dir: configDir, files: new Map([[join(configDir, 'x.yaml'), new TextEncoder().encode(text)]]), hash: String(text.length) });

describe('job processes', () => {
  it('close() ends a spare that is still loading by itself (not killed after the grace period), and it is gone by pid', async () => {
    const notices: ProcessNotice[] = [];
    const r = runner(notices, 15_000);
    r.prepare();
    const spare = notices.find((n) => n.event === 'started')!.pid;
    toKill.push(spare);
    expect(isAlive(spare)).toBe(true);
    const t0 = performance.now();
    await r.close();
    expect(isAlive(spare)).toBe(false);
    expect(notices.find((n) => n.event === 'ended')).toMatchObject({ pid: spare, killed: false });
    expect(performance.now() - t0).toBeLessThan(15_000);
  });

  it('killNow() kills a busy job process and its group synchronously; the run rejects', async () => {
    const notices: ProcessNotice[] = [];
    const r = runner(notices);
    const configDir = writeConfig({ 'x.yaml': '# touchbase-test: hang\n' });
    pidFiles.push(`${configDir}.pids`);
    const work = r.work('sync', snapshotOf(configDir, '# touchbase-test: hang\n'), { signal: new AbortController().signal });
    work.catch(() => undefined);
    await eventually(() => existsSync(`${configDir}.pids`), 'the job is hanging', 30_000);
    const [job, grandchild] = readFileSync(`${configDir}.pids`, 'utf8').trim().split(' ').map(Number) as [number, number];
    toKill.push(job, grandchild);
    r.killNow();
    await expect(work).rejects.toThrow(/killed/);
    await eventually(() => !isAlive(job) && !isAlive(grandchild), 'job and grandchild gone', 5_000);
  });

  it('a job process whose daemon was killed with SIGKILL ends by itself, even in the middle of an endless loop', async () => {
    const host = spawn(process.execPath, ['--import', 'tsx', resolve('test/fixtures/runner-host.ts')], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    toKill.push(host.pid!);
    const out = watchOutput(host.stdout!);
    const [, configDir] = await out.waitFor(/dir (\S+)\n/, 30_000);
    try {
      await eventually(() => existsSync(`${configDir}.pids`), 'the job is hanging', 30_000);
      const [job, grandchild] = readFileSync(`${configDir}.pids`, 'utf8').trim().split(' ').map(Number) as [number, number];
      toKill.push(job, grandchild);
      process.kill(host.pid!, 'SIGKILL');
      // The orphan watchdog notices within a second and kills the group after its 3 s grace.
      await eventually(() => !isAlive(job) && !isAlive(grandchild), 'the orphaned job and its grandchild gone', 15_000);
    } finally {
      rmSync(dirname(configDir!), { recursive: true, force: true });
    }
  }, 60_000);
  it('a passed check stays for the sync of its configuration: the sync runs in that process, which then ends; a failed check ends at once', async () => {
    const notices: ProcessNotice[] = [];
    const dir = tempDir();
    // The real job process, on the example company.
    const r = new ProcessRunner({ dbFile: join(dir, 't.sqlite'), feedDir: join(dir, 'feeds'), onProcess: (n) => notices.push(n) });
    const signal = new AbortController().signal;
    try {
      const snapshot = readSnapshot(resolve('config'));
      expect((await r.check(snapshot, { signal })).ok).toBe(true);
      const checker = notices.find((n) => n.event === 'started')!.pid;
      toKill.push(checker);
      expect(isAlive(checker)).toBe(true);
      const report = await r.work('sync', snapshot, { signal });
      expect(report.planned).toBeGreaterThan(0);
      expect(notices.filter((n) => n.event === 'started')).toHaveLength(1);
      expect(notices).toContainEqual({ event: 'used', pid: checker, purpose: 'sync' });
      await eventually(() => !isAlive(checker), 'the process ends after its sync', 10_000);

      const broken = writeConfig({ 'settings.yaml': { settings: { company: 'X', timezone: 'Europe/Moskow' } } });
      const refused = await r.check(readSnapshot(broken), { signal });
      expect(refused.ok).toBe(false);
      const second = notices.filter((n) => n.event === 'started')[1]!.pid;
      toKill.push(second);
      await eventually(() => !isAlive(second), 'a process whose check failed ends at once', 10_000);
    } finally {
      await r.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('a process asked to stop (its check superseded by a newer save) is given no next task, even if it answered that it stays (QA 2026-12-06)', async () => {
    // It was kept as the spare, ended, and the next check's "ended without an answer" was reported
    // by the daemon as a rejected configuration.
    const notices: ProcessNotice[] = [];
    const dir = tempDir();
    const r = new ProcessRunner({ dbFile: join(dir, 't.sqlite'), feedDir: join(dir, 'feeds'), entry: new URL('../fixtures/late-stop-job-process.js', import.meta.url), onProcess: (n) => notices.push(n) });
    const snapshot = snapshotOf(dir, 'settings: {}\n');
    try {
      const superseded = new AbortController();
      const first = r.check(snapshot, { signal: superseded.signal });
      pidFiles.push(`${dir}.checking`);
      await eventually(() => existsSync(`${dir}.checking`), 'the check is in its process', 10_000);
      superseded.abort(new Error('the files changed again'));
      expect((await first).ok).toBe(true);
      const stopped = notices.find((n) => n.event === 'started')!.pid;
      const next = await r.check(snapshot, { signal: new AbortController().signal });
      expect(next.ok).toBe(true);
      // Answered by a process of its own, not by the one told to stop.
      expect(notices.filter((n) => n.event === 'started').map((n) => n.pid)).toEqual([stopped, expect.any(Number)]);
      expect(notices).not.toContainEqual(expect.objectContaining({ event: 'used', pid: stopped }));
      for (const n of notices) if (n.event === 'started') toKill.push(n.pid);
    } finally {
      await r.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a passed check whose sync never comes ends after the spare\'s wait', async () => {
    const notices: ProcessNotice[] = [];
    const dir = tempDir();
    const r = new ProcessRunner({ dbFile: join(dir, 't.sqlite'), feedDir: join(dir, 'feeds'), spareMs: 500, onProcess: (n) => notices.push(n) });
    try {
      expect((await r.check(readSnapshot(resolve('config')), { signal: new AbortController().signal })).ok).toBe(true);
      const checker = notices.find((n) => n.event === 'started')!.pid;
      toKill.push(checker);
      await eventually(() => notices.some((n) => n.event === 'ended' && n.pid === checker), 'the unused process ends', 10_000);
      expect(notices.find((n) => n.event === 'ended' && n.pid === checker)).toMatchObject({ killed: false });
    } finally {
      await r.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('kept warm: a process waits with the configuration read; a check of the same files and the job after it use it, a new one waits after the job, and it goes when the time is up', async () => {
    const notices: ProcessNotice[] = [];
    const dir = tempDir();
    const r = new ProcessRunner({ dbFile: join(dir, 't.sqlite'), feedDir: join(dir, 'feeds'), warmMs: 15_000, onProcess: (n) => notices.push(n) });
    const signal = new AbortController().signal;
    const started = (purpose: string) => notices.filter((n) => n.event === 'started' && n.purpose === purpose).map((n) => (n as { pid: number }).pid);
    try {
      const snapshot = readSnapshot(resolve('config'));
      r.keepWarm(snapshot);
      const [warm] = started('warm');
      expect(warm).toBeDefined();
      toKill.push(warm!);
      await eventually(() => notices.some((n) => n.event === 'warmed' && n.pid === warm), 'the warm process has read the configuration', 20_000);
      // The same files: answered from what it read ahead, in that process.
      expect((await r.check(snapshot, { signal })).ok).toBe(true);
      expect(notices).toContainEqual({ event: 'used', pid: warm, purpose: 'check' });
      expect(notices).toContainEqual({ event: 'read ahead', pid: warm });
      r.keepWarm(snapshot); // applied, as the daemon does after a passed check
      expect(started('warm')).toHaveLength(1);
      const report = await r.work('sync', snapshot, { signal });
      expect(report.planned).toBeGreaterThan(0);
      expect(notices).toContainEqual({ event: 'used', pid: warm, purpose: 'sync' });
      await eventually(() => !isAlive(warm!), 'the process that ran the sync ends', 10_000);
      // Within the warm period, the next process waits already, and a check of other files is read anew there.
      await eventually(() => started('warm').length === 2, 'a new warm process after the job', 10_000);
      const next = started('warm')[1]!;
      toKill.push(next);
      const broken = writeConfig({ 'settings.yaml': { settings: { company: 'X', timezone: 'Europe/Moskow' } } });
      const refused = await r.check(readSnapshot(broken), { signal });
      expect(refused.ok).toBe(false);
      expect(notices).toContainEqual({ event: 'used', pid: next, purpose: 'check' });
      expect(notices).not.toContainEqual({ event: 'read ahead', pid: next });
      // The failed check's process ended; the one that replaces it goes when the 15 s are up (long
      // enough that a loaded machine's sync and check fit in it: 8 s did not, under a full CI run).
      await eventually(() => started('warm').length === 3, 'a warm process again after the failed check', 10_000);
      const last = started('warm')[2]!;
      toKill.push(last);
      await eventually(() => notices.some((n) => n.event === 'ended' && n.pid === last), 'the warm process ends when its time is up', 25_000);
      expect(notices.find((n) => n.event === 'ended' && n.pid === last)).toMatchObject({ killed: false });
      expect(started('warm')).toHaveLength(3);
    } finally {
      await r.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
