import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { openMigrated } from '../../src/storage/database.ts';
import { eventually, isAlive, processesWithMarker, startRealDaemon, watchOutput } from '../helpers/real-daemon.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** Job processes the daemon announced (debug log), by pid. */
function jobPids(text: string): number[] {
  return [...text.matchAll(/"jobPid":(\d+)[^\n]*"msg":"job process started/g)].map((m) => Number(m[1]));
}

/**
 * A company whose first plan and sync take a few seconds (the example's takes under one), so a
 * signal sent when the sync starts finds it running.
 */
let large: string;
beforeAll(() => {
  // Its own folder: the helpers' temporary folders are removed after each test.
  large = join(mkdtempSync(join(tmpdir(), 'touchbase-large-')), 'config');
  const made = spawnSync(process.execPath, [resolve('src/touchbase.js'), 'demo-data', '--clients', '2000', '--out', large], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`demo-data failed: ${made.stderr}`);
});
afterAll(() => rmSync(join(large, '..'), { recursive: true, force: true }));

describe('one SIGTERM stops the real daemon and every process it started', () => {
  it('with a spare job process waiting and a configuration edit in flight: gone within 5 s, exit 0, no child left', async () => {
    // No process kept warm: the edit's first file event starts the spare (the next test has a warm one).
    const d = startRealDaemon({ db: await tempDatabaseLocation(), env: { TOUCHBASE_WARM_FOR: '0' } });
    await d.out.waitFor(/"job":"sync"[^\n]*"msg":"plan: \d+ new/, 90_000);
    const rules = join(d.config, 'rules.yaml');
    const text = readFileSync(rules, 'utf8');
    // A first edit is checked in a job process and applied.
    writeFileSync(rules, text.replace('every: 6 months', 'every: 4 months'));
    const [reloaded] = await d.out.waitFor(/"msg":"configuration reloaded"/);
    // The process that checked it stays for its sync; once the sync has taken it, no process waits.
    await d.out.waitFor(/"msg":"spare job process used \(sync\)"/, 60_000, d.out.text().indexOf(reloaded!));
    const before = d.out.text().length;
    // A second edit: its first file event starts a spare job process at once; the check follows.
    writeFileSync(rules, text);
    const [spareLine] = await d.out.waitFor(/[^\n]*"msg":"job process started \(spare\)"[^\n]*/, 30_000, before);
    const spare = Number(/"jobPid":(\d+)/.exec(spareLine!)![1]);
    expect(isAlive(spare)).toBe(true);
    const children = processesWithMarker(d.marker).filter((pid) => pid !== d.child.pid);
    expect(children).toContain(spare);

    const t0 = performance.now();
    d.child.kill('SIGTERM');
    const { code } = await d.exited;
    const elapsed = performance.now() - t0;
    expect(code).toBe(0);
    expect(elapsed, `stopped in ${Math.round(elapsed)} ms`).toBeLessThan(5_000);
    expect(d.out.text()).toContain('"msg":"touchbase daemon stopped"');
    // The second edit was still being checked when the signal came: it was never applied.
    expect(d.out.text().slice(before)).not.toContain('"msg":"configuration reloaded"');
    // Every job process it ever announced, and anything else it started, is gone.
    for (const pid of [...jobPids(d.out.text()), ...children]) expect(isAlive(pid), `process ${pid}`).toBe(false);
    expect(processesWithMarker(d.marker)).toEqual([]);
  }, 120_000);

  it('with a process kept warm (the configuration read ahead after the first sync): gone within 5 s, exit 0, no child left', async () => {
    const d = startRealDaemon({ db: await tempDatabaseLocation() });
    const [synced] = await d.out.waitFor(/"job":"sync"[^\n]*"msg":"plan: \d+ new/, 90_000);
    const [warmLine] = await d.out.waitFor(/[^\n]*"msg":"job process started \(warm\)"[^\n]*/, 30_000, d.out.text().indexOf(synced!));
    const warm = Number(/"jobPid":(\d+)/.exec(warmLine!)![1]);
    expect(isAlive(warm)).toBe(true);
    const t0 = performance.now();
    d.child.kill('SIGTERM');
    const { code } = await d.exited;
    expect(code).toBe(0);
    expect(performance.now() - t0).toBeLessThan(5_000);
    for (const pid of [warm, ...jobPids(d.out.text())]) expect(isAlive(pid), `process ${pid}`).toBe(false);
    expect(processesWithMarker(d.marker)).toEqual([]);
  }, 120_000);

  it('Ctrl-C (SIGINT) while a job runs (the first plan and sync): gone within 5 s, and the interrupted job runs again at the next start', async () => {
    const d = startRealDaemon({ configFrom: large, db: await tempDatabaseLocation() });
    const [line] = await d.out.waitFor(/[^\n]*"msg":"(job process started|spare job process used) \(sync\)"[^\n]*/, 90_000);
    const job = Number(/"jobPid":(\d+)/.exec(line!)![1]);
    expect(isAlive(job)).toBe(true);
    const t0 = performance.now();
    d.child.kill('SIGINT');
    const { code } = await d.exited;
    const elapsed = performance.now() - t0;
    expect(code).toBe(0);
    expect(elapsed, `stopped in ${Math.round(elapsed)} ms`).toBeLessThan(5_000);
    await eventually(() => !isAlive(job), `job process ${job} gone`, 1_000);
    expect(processesWithMarker(d.marker)).toEqual([]);
    // Recorded as interrupted, with its retry due at once: the next start runs it first.
    const db = await openMigrated(d.db);
    const sync = await db.selectFrom('daemon_jobs').selectAll().where('name', '=', 'sync').executeTakeFirstOrThrow();
    await db.destroy();
    expect(sync.last_error).toMatch(/^interrupted: the daemon stopped while it ran/);
    expect(Date.parse(sync.retry_at!)).toBeLessThanOrEqual(Date.now());
    // Logged as what it is, not as an error that alerts on every restart during a sync.
    expect(d.out.text()).toMatch(/"level":30,[^\n]*"msg":"job sync interrupted: the daemon stopped while it ran/);
    expect(d.out.text()).not.toMatch(/"level":50,[^\n]*"msg":"job sync failed: interrupted/);
  }, 120_000);

  it('the reader of its output going away (a `| tee` that died, a journald restarted) stops nothing: it goes on serving, and one SIGTERM still stops it', async () => {
    const port = await freePort();
    const d = startRealDaemon({ db: await tempDatabaseLocation(), args: ['--port', String(port)] });
    // Its first line read, nobody reads its output or its errors any more: what it prints next
    // (the banner, every log line) meets a closed pipe.
    await d.out.waitFor(/\n/, 30_000);
    d.child.stdout!.destroy();
    d.child.stderr!.destroy();
    const until = async (what: string, condition: () => Promise<boolean>) => {
      const deadline = performance.now() + 90_000;
      while (!(await condition().catch(() => false))) {
        if (performance.now() > deadline) throw new Error(`not within 90 s: ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const healthy = async () => (await (await fetch(`http://127.0.0.1:${port}/healthz`)).text()) === 'ok\n';
    await until('healthz answers', healthy);
    const db = await openMigrated(d.db);
    await until('the first sync ends', async () => !!(await db.selectFrom('daemon_jobs').select('last_finished_at').where('name', '=', 'sync').executeTakeFirst())?.last_finished_at);
    await db.destroy();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(isAlive(d.child.pid!)).toBe(true);
    expect(await healthy()).toBe(true);
    const t0 = performance.now();
    d.child.kill('SIGTERM');
    const { code } = await d.exited;
    expect(code).toBe(0);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(processesWithMarker(d.marker)).toEqual([]);
  }, 120_000);

  it('a second signal stops at once (exit 143, as killed by SIGTERM; 130 for Ctrl-C) and still leaves no job process behind', async () => {
    const d = startRealDaemon({ configFrom: large, db: await tempDatabaseLocation() });
    const [line] = await d.out.waitFor(/[^\n]*"msg":"(job process started|spare job process used) \(sync\)"[^\n]*/, 90_000);
    const job = Number(/"jobPid":(\d+)/.exec(line!)![1]);
    d.child.kill('SIGTERM');
    await d.out.waitFor(/"msg":"stopping \(send the signal again to force\)"/, 10_000);
    d.child.kill('SIGTERM');
    const { code } = await d.exited;
    expect(code).toBe(143);
    expect(d.out.text()).toContain('second signal: stopping now');
    await eventually(() => !isAlive(job), `job process ${job} gone`, 2_000);
    expect(processesWithMarker(d.marker)).toEqual([]);
  }, 120_000);
});

describe('npm start (the README\'s command) stopped by its supervisor', () => {
  it('SIGTERM to npm stops the daemon it started: the shell between them left it running, orphaned, holding the port (QA)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'touchbase-npm-start-'));
    const marker = `npm-start-${process.pid}-${Date.now()}`;
    const npm = spawn('npm', ['start', '--', '--config', resolve('config'), '--db', join(dir, 't.sqlite'), '--port', '0'], {
      env: { ...process.env, TOUCHBASE_FEEDS_DIR: join(dir, 'feeds'), TOUCHBASE_PUBLIC_URL: '', TOUCHBASE_TEST_MARKER: marker },
      stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    try {
      const out = watchOutput(npm.stdout!, npm);
      const [started] = await out.waitFor(/[^\n]*"msg":"touchbase daemon started"[^\n]*/, 90_000);
      const daemon = Number(/"pid":(\d+)/.exec(started!)![1]);
      expect(daemon).not.toBe(npm.pid);
      npm.kill('SIGTERM');
      await eventually(() => !isAlive(daemon), `the daemon (pid ${daemon}) stopped after npm's SIGTERM`, 10_000);
      // npm itself exits after the daemon it waits for (a few ms, more on a loaded machine: once a
      // failure in CI); what must not stay is anything of it.
      await eventually(() => processesWithMarker(marker).length === 0, `nothing of npm start left (${processesWithMarker(marker).join(', ')})`, 10_000);
    } finally {
      try {
        process.kill(-npm.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      for (const pid of processesWithMarker(marker)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
