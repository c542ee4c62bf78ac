/**
 * The dashboard at the scale of the demo company: a year of history (planned from a year ago,
 * three quarters done, some late, skipped or missed), the real `touchbase daemon` process on
 * it, and 20 concurrent viewers on each kind of page (autocannon), while /healthz is probed.
 * Prints p95 per page, page weight, /healthz latency during the load, and the snapshot's cost.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { systemClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { openMigrated } from '../../src/storage/database.ts';
import { planWithHistory } from '../../src/plan-service.ts';
import { refreshDashboard } from '../../src/dashboard/refresh.ts';
import { runCli } from '../../src/cli/program.ts';
import { MARKER } from './processes.ts';
import { DaemonLog, finished } from './daemon-log.ts';

type Row = (what: string, value: string, target: string, ok?: boolean) => void;

const VIEWERS = 20;
const P95_TARGET_MS = 300;
const WEIGHT_TARGET_KB = 300;
const HEALTHZ_TARGET_MS = 50;
/** How long the daemon may take to start, and to finish its first jobs on a year of history. */
const WAIT_MS = 10 * 60_000;

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
}

/**
 * A year of history in the database: the plan of the past year as it was made a year ago, then
 * outcomes by each touch's id (so every run is the same): 11 of 16 done on time, 1 done three
 * weeks late, 1 skipped, 3 never done (missed).
 */
async function yearOfHistory(dbFile: string, configDir: string, row: Row): Promise<void> {
  const config = loadConfig(configDir);
  const now = systemClock.now().setZone(config.settings.timezone);
  const db = await openMigrated(dbFile);
  try {
    let t = performance.now();
    const yearAgo = now.minus({ years: 1 }).startOf('day').set({ hour: 8 });
    const { saved } = await planWithHistory(db, config, { from: yearAgo.toISODate()!, to: now.minus({ days: 1 }).toISODate()! }, yearAgo, true);
    const today = now.toISODate()!;
    await sql`update touches set
        status = case when substr(id, 36, 1) in ('d') then 'skipped' when substr(id, 36, 1) in ('e', 'f') then 'planned' else 'done' end,
        resolved_date = case when substr(id, 36, 1) = 'c' then date(date, '+21 days') when substr(id, 36, 1) in ('e', 'f') then null else date end,
        resolved_by = case when substr(id, 36, 1) in ('e', 'f') then null else employee_id end,
        resolved_at = case when substr(id, 36, 1) in ('e', 'f') then null else date || 'T15:00:00Z' end
      where status = 'planned' and date < ${today}`.execute(db);
    row('dashboard: a year of history (plan + outcomes)', `${saved?.inserted ?? 0} touches in ${((performance.now() - t) / 1000).toFixed(0)} s`, '');
    t = performance.now();
    const rss = process.memoryUsage().rss;
    await refreshDashboard(db, config, now);
    row('dashboard snapshot in the job process (all reports + 12-month forecast)', `${((performance.now() - t) / 1000).toFixed(1)} s, +${Math.round((process.memoryUsage().rss - rss) / 1048576)} MB`, '');
  } finally {
    await db.destroy();
  }
}

/** Signs in through a one-time link (`touchbase dashboard-link`) and returns the session cookie. */
async function session(base: string, configDir: string, dbFile: string): Promise<string> {
  let out = '';
  const code = await runCli(['dashboard-link', '--config', configDir, '--db', dbFile], { out: (s) => { out += s; }, err: () => undefined });
  if (code !== 0) throw new Error('touchbase dashboard-link failed');
  const link = out.trim().replace(/^https?:\/\/[^/]+/, base);
  const page = await fetch(link);
  const visitor = page.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const signed = await fetch(link, { method: 'POST', redirect: 'manual', headers: { cookie: visitor, 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${csrf}` });
  return signed.headers.get('set-cookie')!.split(';')[0]!;
}

/** 20 viewers on a set of paths for a while: every request's latency, and the failures. */
async function load(base: string, cookie: string, paths: readonly string[], seconds: number): Promise<{ latencies: number[]; errors: number; requests: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const instance = autocannon({
    url: base, connections: VIEWERS, duration: seconds, timeout: 30,
    // As browsers ask: compressed.
    requests: paths.map((path) => ({ method: 'GET' as const, path, headers: { cookie, 'accept-encoding': 'gzip' } })),
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
    if (status !== 200) errors++;
  });
  const result = await instance;
  return { latencies, errors: errors + result.errors + result.timeouts, requests: latencies.length };
}

export async function dashboardBench(demoDir: string, row: Row): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'touchbase-dashboard-bench-'));
  const seconds = Number(process.env.BENCH_DASHBOARD_S ?? 10);
  // The figures do not depend on calendars: the company writes none, so the daemon's sync is the plan.
  const configDir = join(work, 'config');
  cpSync(demoDir, configDir, { recursive: true });
  const settings = join(configDir, 'settings.yaml');
  if (existsSync(settings)) writeFileSync(settings, readFileSync(settings, 'utf8').replace(/calendar: \w+/, 'calendar: none'));
  // BENCH_DASHBOARD_DB keeps the (slow to build) database between runs.
  const dbFile = process.env.BENCH_DASHBOARD_DB ?? join(work, 'touchbase.sqlite');
  const fresh = !existsSync(dbFile);
  if (fresh) await yearOfHistory(dbFile, configDir, row);

  // Its own process group, with the run's marker: ended with everything else if the bench is interrupted.
  const child = spawn(process.execPath, [resolve('src/touchbase.js'), 'daemon', '--config', configDir, '--db', dbFile, '--port', '0'], {
    env: { ...process.env, TOUCHBASE_BENCH_MARKER: MARKER, TOUCHBASE_FEEDS_DIR: join(work, 'feeds'), TOUCHBASE_LOG_LEVEL: 'debug', TOUCHBASE_PUBLIC_URL: '' }, stdio: ['ignore', 'pipe', 'inherit'], detached: true,
  });
  const log = new DaemonLog(child);
  const exited = once(child, 'exit');
  try {
    const base = await log.address(WAIT_MS);
    const t0 = performance.now();
    // A fresh database: the first sync, then the first daily checks; a kept one: its first sync after the start.
    await log.next((l) => l.job === 'sync' && l.ms !== undefined, 'the first sync', 0, WAIT_MS);
    if (fresh) await log.next(finished('daily', 'first run'), 'the first daily checks', 0, WAIT_MS);
    row(`dashboard: daemon's first ${fresh ? 'sync + daily checks' : 'sync'} (snapshot included)`, `${((performance.now() - t0) / 1000).toFixed(0)} s`, '');
    const cookie = await session(base, configDir, dbFile);
    const t1 = performance.now();
    const first = await fetch(`${base}/dashboard/`, { headers: { cookie } });
    await first.text();
    row('dashboard: first page (starts the renderer thread)', `${Math.round(performance.now() - t1)} ms`, '');

    // Real paths: a sample of clients, employees, searches and sort orders.
    const clientsCsv = await (await fetch(`${base}/dashboard/clients.csv?sort=name&dir=asc`, { headers: { cookie } })).text();
    const clientIds = clientsCsv.split('\n').slice(1).map((l) => l.split(',')[0]!).filter(Boolean);
    const sample = <T>(list: readonly T[], n: number) => Array.from({ length: n }, (_, i) => list[Math.floor((i * 7919) % list.length)]!);
    const employees = [...new Set(sample(readFileSync(join(configDir, 'team.yaml'), 'utf8').match(/id: ([a-z0-9_-]+)/g) ?? [], 40))].map((m) => m.slice(4));
    const kinds: [string, string[]][] = [
      ['overview', ['/dashboard/']],
      ['clients (sorted, paged)', ['/dashboard/clients', '/dashboard/clients?sort=name&dir=asc&page=7', '/dashboard/clients?sort=last_done&dir=desc&page=3', '/dashboard/clients?silent=1']],
      ['clients (search)', ['/dashboard/clients?q=a', '/dashboard/clients?q=stroy', '/dashboard/clients?q=ro&tier=A', '/dashboard/clients?q=zzz']],
      ['a client (timeline, map, 12 months)', sample(clientIds, 60).map((id) => `/dashboard/clients/${id}`)],
      ['employees', ['/dashboard/employees']],
      ['an employee (agenda, load, punctuality)', employees.map((id) => `/dashboard/employees/${id}`)],
      ['campaigns and handovers', ['/dashboard/campaigns']],
      ['a report page', ['/dashboard/reports/overdue', '/dashboard/reports/coverage?page=40', '/dashboard/reports/breadth?page=2', '/dashboard/reports/coverage-months']],
    ];

    // /healthz every 50 ms through all the load, from a process of its own (autocannon's loop here
    // would delay the probe's own timers): the daemon's loop must stay free.
    const probe = spawn(process.execPath, ['-e', `
      let stop = false; process.on('SIGTERM', () => { stop = true; });
      const times = [];
      (async () => {
        while (!stop) {
          const t = performance.now();
          await (await fetch(${JSON.stringify(`${base}/healthz`)})).text();
          times.push(performance.now() - t);
          await new Promise((r) => setTimeout(r, 50));
        }
        process.stdout.write(JSON.stringify(times));
      })();`], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TOUCHBASE_BENCH_MARKER: MARKER } });
    let probed = '';
    probe.stdout!.on('data', (c: Buffer) => { probed += c.toString(); });
    const probeExited = once(probe, 'exit');
    for (const [name, paths] of kinds) {
      let weight = 0;
      let sent = 0;
      for (const path of paths.slice(0, 8)) {
        const response = await fetch(`${base}${path}`, { headers: { cookie, 'accept-encoding': 'gzip' } });
        weight = Math.max(weight, Buffer.byteLength(await response.text()));
        sent = Math.max(sent, Number(response.headers.get('content-length') ?? 0));
      }
      const r = await load(base, cookie, paths, seconds);
      const p95 = percentile(r.latencies, 95);
      row(`  ${name}: p95 (${VIEWERS} viewers, ${r.requests} pages${r.errors ? `, ${r.errors} failed` : ''})`, `${Math.round(p95)} ms`, `≤ ${P95_TARGET_MS} ms`, p95 <= P95_TARGET_MS && r.errors === 0);
      row(`  ${name}: weight (largest of ${Math.min(8, paths.length)}; gzip on the wire)`, `${(weight / 1024).toFixed(0)} KB (${(sent / 1024).toFixed(0)} KB)`, `≤ ${WEIGHT_TARGET_KB} KB`, weight <= WEIGHT_TARGET_KB * 1024);
    }
    probe.kill('SIGTERM');
    await probeExited;
    const health = JSON.parse(probed) as number[];
    const h95 = percentile(health, 95);
    row(`/healthz during the dashboard load (p95 of ${health.length}, max ${Math.round(Math.max(...health))} ms)`, `${h95.toFixed(1)} ms`, `≤ ${HEALTHZ_TARGET_MS} ms`, h95 <= HEALTHZ_TARGET_MS);
    row('daemon RSS after the load (renderer thread running)', `${Math.round(rssMb(child.pid!))} MB`, '');
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(work, { recursive: true, force: true });
  }
}
