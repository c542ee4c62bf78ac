import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Daemon } from '../../src/daemon/daemon.ts';
import { ProcessRunner } from '../../src/daemon/job-runner.ts';
import { createLogger } from '../../src/daemon/logger.ts';
import { tempDir, writeConfig } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';
import { eventually, isAlive } from '../helpers/real-daemon.ts';
import { syncCompany } from '../helpers/sync-company.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';

const HANG = '# touchbase-test: hang\n';
const ENTRY = new URL('../fixtures/hanging-job-process.js', import.meta.url);
const daemons: Daemon[] = [];
const pidsToKill: number[] = [];
const pidFiles: string[] = [];
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stop()));
  for (const file of pidFiles.splice(0)) rmSync(file, { force: true });
  for (const pid of pidsToKill.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
});

/** A daemon whose jobs run in real child processes that really hang when the configuration says so. */
async function hangingDaemon(yamlPrefix: string, limits: { jobMs: number; checkMs?: number; stopGraceMs: number }) {
  // (the check limit defaults to a minute here: a real check under a loaded machine takes seconds)
  const company = stringify(syncCompany('ics'));
  const configDir = writeConfig({ 'touchbase.yaml': yamlPrefix + company });
  pidFiles.push(`${configDir}.pids`);
  const dbFile = await tempDatabaseLocation({ file: join(tempDir(), 'touchbase.sqlite') });
  const feedDir = join(tempDir(), 'feeds');
  let log = '';
  const logger = await createLogger({ level: 'info', destination: { write: (s: string) => { log += s; return true; } } as unknown as NodeJS.WritableStream });
  const daemon = new Daemon({
    configDir, dbFile, feedDir, logger, watch: { debounceMs: 100, pollMs: 500 }, http: { host: '127.0.0.1', port: 0 },
    limits: { checkMs: 60_000, ...limits },
    runner: () => new ProcessRunner({ dbFile, feedDir, entry: ENTRY, graceMs: limits.stopGraceMs }),
  });
  daemons.push(daemon);
  const pids = () => {
    const file = `${configDir}.pids`;
    if (!existsSync(file)) return [];
    const found = readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
    pidsToKill.push(...found);
    return found;
  };
  return { daemon, configDir, dbFile, company, pids, log: () => log };
}

async function readyz(daemon: Daemon): Promise<{ status: number; body: { ready: boolean; reasons?: string[] } }> {
  const res = await fetch(`${daemon.url}/readyz`);
  return { status: res.status, body: await res.json() as { ready: boolean; reasons?: string[] } };
}

describe('a job that hangs', () => {
  it('is killed with its process group at its time limit, reported as timed out in status, the log and /readyz, and the next run goes on', async () => {
    const { daemon, configDir, dbFile, company, pids, log } = await hangingDaemon(HANG, { jobMs: 12_000, stopGraceMs: 5_000 });
    const failed = once(daemon, 'job:failed');
    await daemon.start();
    await eventually(() => pids().length === 2, 'the job started hanging', 30_000);
    const [job, grandchild] = pids() as [number, number];
    expect(isAlive(job) && isAlive(grandchild)).toBe(true);

    // Past its limit, before the grace period ends: stuck, and /readyz says so.
    let stuck: string[] = [];
    const deadline = performance.now() + 20_000;
    while (performance.now() < deadline) {
      const r = await readyz(daemon);
      if (r.status === 503 && r.body.reasons?.some((x) => x.includes('over its limit of 12 s'))) {
        stuck = r.body.reasons!;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(stuck.join('\n')).toMatch(/job sync has run for \d+ s, over its limit of 12 s/);
    const stuckStatus = (await cli('status', '--db', dbFile)).out;
    expect(stuckStatus, stuckStatus).toMatch(/sync +\S.* STUCK \d+ s \(limit 12 s\)/);

    const [event] = await failed as [{ job: string; error: Error }];
    expect(event.job).toBe('sync');
    expect(event.error.message).toBe('timed out after 12 s: its process did not stop when asked and was killed; the next run goes on');
    // The job process and what it started are gone.
    await eventually(() => !isAlive(job) && !isAlive(grandchild), 'the job process group killed', 5_000);
    expect(log()).toContain('"msg":"job sync failed: timed out after 12 s');
    // The metric says how long the killed run lasted (it said 0).
    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    expect(Number(/touchbase_job_last_duration_seconds\{job="sync"\} ([\d.]+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(12);
    const after = await readyz(daemon);
    expect(after.status).toBe(503);
    expect(after.body.reasons!.join('\n')).toMatch(/job sync timed out after 12 s.*ready again once a run of it succeeds/);
    const status = await cli('status', '--db', dbFile);
    expect(status.out).toMatch(/sync +\S.* FAILED ×1 .*timed out after 12 s/);

    // The file fixed: the next run goes on and the daemon is ready again.
    const finished = new Promise<void>((resolve) => daemon.on('job:finished', (r) => r.job === 'sync' && resolve()));
    writeFileSync(join(configDir, 'touchbase.yaml'), company);
    await finished;
    expect((await readyz(daemon)).status).toBe(200);
  }, 90_000);

  it('is stopped at once when a good configuration is restored: the fix is applied without waiting for the limit', async () => {
    const { daemon, configDir, company, pids } = await hangingDaemon('', { jobMs: 120_000, stopGraceMs: 1_000 });
    const first = new Promise<void>((resolve) => daemon.on('job:finished', (r) => r.job === 'sync' && resolve()));
    await daemon.start();
    await first;
    // A bad save: valid to the check, but the job on it hangs.
    writeFileSync(join(configDir, 'touchbase.yaml'), HANG + company);
    await eventually(() => pids().length === 2, 'the job on the bad file started hanging', 30_000);
    const [job, grandchild] = pids() as [number, number];
    const superseded = once(daemon, 'job:failed');
    const fixed = new Promise<string>((resolve) => daemon.on('job:finished', (r) => r.job === 'sync' && resolve(r.summary)));
    const t0 = performance.now();
    writeFileSync(join(configDir, 'touchbase.yaml'), company);
    const [event] = await superseded as [{ error: Error; superseded: boolean; failures: number }];
    expect(event.error.message).toMatch(/a newer configuration was applied while it ran/);
    // A routine save during a run: no failure in a row, nor one to alert on (QA: logged as an error, counted as failed).
    expect(event.superseded).toBe(true);
    expect(event.failures).toBe(0);
    expect(await fixed).toMatch(/^plan: /);
    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    expect(metrics).toMatch(/touchbase_job_runs_total\{job="sync",result="superseded"\} 1/);
    expect(metrics).not.toMatch(/touchbase_job_runs_total\{job="sync",result="failed"\}/);
    expect(performance.now() - t0).toBeLessThan(30_000); // far below the two-minute limit
    await eventually(() => !isAlive(job) && !isAlive(grandchild), 'the hanging job killed', 5_000);
    expect((await readyz(daemon)).status).toBe(200);
  }, 60_000);
});

describe('a configuration check that hangs', () => {
  it('is killed at its (shorter) limit and the change rejected with why; the daemon goes on, and the next save is applied', async () => {
    const { daemon, configDir, company } = await hangingDaemon('', { jobMs: 120_000, checkMs: 10_000, stopGraceMs: 1_000 });
    const first = new Promise<void>((resolve) => daemon.on('job:finished', (r) => r.job === 'sync' && resolve()));
    await daemon.start();
    await first;
    const rejected = once(daemon, 'config:rejected');
    writeFileSync(join(configDir, 'touchbase.yaml'), `# touchbase-test: hang-check\n${company}`);
    const [{ issues }] = await rejected as [{ issues: { found: string }[] }];
    expect(issues[0]!.found).toBe('the check timed out after 10 s: its process did not stop when asked and was killed; the next run goes on');
    expect((await daemon.status()).configErrors[0]).toContain('timed out after 10 s');
    expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);
    const applied = once(daemon, 'config:applied');
    writeFileSync(join(configDir, 'touchbase.yaml'), company.replace('every: 1 month', 'every: 2 months'));
    await applied;
    expect((await daemon.status()).configErrors).toEqual([]);
  }, 90_000);
});

describe('a configuration check whose process ends without an answer', () => {
  it('is no verdict on the files: checked again on a fresh process, and applied — not reported as rejected (QA 2026-12-06)', async () => {
    const { daemon, configDir, company, log } = await hangingDaemon('', { jobMs: 120_000, stopGraceMs: 1_000 });
    pidFiles.push(`${configDir}.died`);
    const first = new Promise<void>((resolve) => daemon.on('job:finished', (r) => r.job === 'sync' && resolve()));
    await daemon.start();
    await first;
    let rejected = false;
    daemon.on('config:rejected', () => {
      rejected = true;
    });
    const applied = once(daemon, 'config:applied');
    writeFileSync(join(configDir, 'touchbase.yaml'), `# touchbase-test: die-once-check\n${company.replace('every: 1 month', 'every: 2 months')}`);
    await applied;
    // The first process to get it did end without answering.
    expect(existsSync(`${configDir}.died`)).toBe(true);
    expect(rejected).toBe(false);
    expect((await daemon.status()).configErrors).toEqual([]);
    expect(log()).toContain('the configuration check ended without an answer: checked again');
  }, 90_000);
});
