/**
 * The daemon as its users wait on it: the real `touchbase daemon` process on the demo company (a
 * copy, with the sync every minute so that a tick comes quickly), measured from outside.
 *   - its first plan and sync of the horizon into the feeds, and the job processes' peak memory;
 *   - one client's CSV file edited (a new buyer) → that client's account manager's feed file
 *     names the new contact;
 *   - the CPU of the daemon and every process it started over a scheduled tick with nothing
 *     changed, and over a sync requested over the API with nothing changed (that one runs the job);
 *   - its own memory.
 * The daemon and its job processes run with the rusage preload; CPU over a window comes from /proc
 * (the daemon, its live children, and those it reaped).
 */
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { feedToken } from '../../src/calendar/ics/feed-token.ts';
import { systemClock } from '../../src/clock.ts';
import { peakMb, readRusage, rssMb, startNode, tempDir, TOUCHBASE, treeCpuSeconds, cpuSeconds } from './processes.ts';
import { megabytes, within, type Figure } from './table.ts';
import { DaemonLog, finished } from './daemon-log.ts';

/** Unfolded iCalendar text (RFC 5545 folding: CRLF and one space or tab). */
const unfolded = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').replace(/\r\n[ \t]/g, '') : '');

/** A client in the middle of the company that is active (its buyers are called monthly), and its account manager. */
function pickClient(config: string): { id: string; manager: string } {
  const rows = parseCsv(readFileSync(join(config, 'crm', 'clients.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const active = rows.filter((r) => r.stage === 'active' && r['team.account_manager']);
  const row = active[Math.floor(active.length / 2)];
  if (!row) throw new Error('the demo company has no active client with an account manager');
  return { id: row.id!, manager: row['team.account_manager']! };
}

export interface DaemonBenchInput {
  readonly company: string;
  /** Floors from the commands section: node start + parsing the configuration, and one VEVENT by template. */
  readonly parseS: number;
  readonly icsPerEventS: number;
  readonly timeoutMs: number;
}

export async function daemonBench(input: DaemonBenchInput, figures: Figure[]): Promise<void> {
  const work = tempDir('daemon');
  const config = join(work, 'config');
  cpSync(input.company, config, { recursive: true });
  // The sync every minute (the default is every 5), so a scheduled tick comes within a minute;
  // the other jobs not at all during the bench (the daily checks still run once at the first start).
  appendFileSync(join(config, 'settings.yaml'), '  schedules:\n    sync: "* * * * *"\n    calendars: "0 0 1 1 *"\n    daily: "0 0 1 1 *"\n    digest: "0 0 1 1 *"\n');
  const feeds = join(work, 'feeds');
  const rusageDir = tempDir('daemon-rusage');
  const token = randomBytes(32).toString('hex');
  const feedSecret = randomBytes(32).toString('hex');
  const started = performance.now();
  const child = startNode([TOUCHBASE, 'daemon', '--config', config, '--db', join(work, 'touchbase.sqlite'), '--port', '0'], {
    rusageDir, stdio: ['ignore', 'pipe', 'inherit'],
    env: { TOUCHBASE_FEEDS_DIR: feeds, TOUCHBASE_LOG_LEVEL: 'debug', TOUCHBASE_API_TOKEN: token, TOUCHBASE_FEED_SECRET: feedSecret, TOUCHBASE_PUBLIC_URL: '' },
  });
  const pid = child.pid!;
  const exited = once(child, 'exit');
  const log = new DaemonLog(child);
  const jobProcesses = () => readRusage(rusageDir).filter((u) => u.pid !== pid);
  try {
    // 1. The first plan and sync of the horizon, then the first daily checks.
    await log.next(finished('sync', 'first run'), 'first sync', 0, input.timeoutMs);
    const firstS = (performance.now() - started) / 1000;
    const firstCpu = treeCpuSeconds(pid);
    const daily = await log.next(finished('daily', 'first run'), 'first daily checks', 0, input.timeoutMs);
    await sleep(1_000); // the daily job's process reports at its exit, just after its answer
    const jobs = jobProcesses();
    figures.push({
      measure: 'daemon: start → first plan + sync of the horizon done', wallS: firstS, cpuS: firstCpu, peakMb: peakMb(jobs), target: 'job processes ≤ 700 MB (as `once`)', ok: within({ peakMb: peakMb(jobs) }, { peakMb: 700 }),
      note: `peak RSS: the largest job process (${jobs.length} so far: configuration check and sync, daily checks, the processes kept warm between jobs); CPU: the daemon and its processes`,
    });

    // 2. A new buyer in one client's CSV row → that client's account manager's feed names them,
    // once the daemon is idle: the process it keeps warm after a job has read the configuration.
    await log.next((l) => l.msg === 'job process waiting with the configuration read', 'the process kept warm after the daily checks', log.lines.indexOf(daily), input.timeoutMs);
    const client = pickClient(config);
    const feed = join(feeds, `${feedToken(feedSecret, client.manager)}.ics`);
    if (!existsSync(feed)) throw new Error(`no feed for ${client.manager} after the first sync (${feed})`);
    const name = `Zebulon Benchmarkov ${randomBytes(3).toString('hex')}`;
    const eventsInFeed = unfolded(feed).split('BEGIN:VEVENT').length - 1;
    let from = log.lines.length;
    let cpu0 = treeCpuSeconds(pid);
    let t0 = performance.now();
    appendFileSync(join(config, 'crm', 'contacts.csv'), `${client.id},${client.id}-bench-buyer,${name},buyer,zebulon@clients.example,+40 700 000 000\n`);
    const deadline = t0 + input.timeoutMs;
    while (!unfolded(feed).includes(name)) {
      if (performance.now() > deadline) throw new Error(`the daemon: ${client.manager}'s feed did not name ${name} within ${input.timeoutMs / 1000} s`);
      if (child.exitCode !== null) throw new Error('the daemon exited while waiting for the edited client\'s feed');
      await sleep(25);
    }
    const editS = (performance.now() - t0) / 1000;
    const editCpu = treeCpuSeconds(pid) - cpu0;
    figures.push({
      measure: 'daemon: one client\'s file edited → that client\'s feed updated', wallS: editS, cpuS: editCpu, target: '≤ 3 s', ok: within({ wallS: editS }, { wallS: 3 }),
      floorS: input.parseS + input.icsPerEventS * eventsInFeed,
      note: `a buyer added to ${client.id} in contacts.csv, until ${client.manager}'s feed (${eventsInFeed} events) names them; floor: node + parse + that feed by template`,
    });
    // The sync that the edit requested ends (it wrote the feed, and records its state after).
    await log.next(finished('sync', 'requested'), 'the sync after the edit', from, input.timeoutMs);

    // 2b. The same right after a job (this edit's sync): the process kept warm is still reading
    // the configuration the edit replaces, and the edit waits for it.
    const second = `${name} Junior`;
    from = log.lines.length;
    cpu0 = treeCpuSeconds(pid);
    t0 = performance.now();
    appendFileSync(join(config, 'crm', 'contacts.csv'), `${client.id},${client.id}-bench-buyer-2,${second},buyer,zebulon2@clients.example,+40 700 000 001\n`);
    while (!unfolded(feed).includes(second)) {
      if (performance.now() > t0 + input.timeoutMs) throw new Error(`the daemon: ${client.manager}'s feed did not name ${second} within ${input.timeoutMs / 1000} s`);
      if (child.exitCode !== null) throw new Error('the daemon exited while waiting for the edited client\'s feed');
      await sleep(25);
    }
    const rushedS = (performance.now() - t0) / 1000;
    figures.push({
      measure: 'daemon: the same, edited just after a job ended', wallS: rushedS, cpuS: treeCpuSeconds(pid) - cpu0,
      note: 'another buyer, saved as the sync of the first edit ends: the process kept warm is still reading the configuration it replaces',
    });
    await log.next(finished('sync', 'requested'), 'the sync after the second edit', from, input.timeoutMs);
    // Idle again (the process kept warm has read the configuration) before the tick is measured.
    await log.next((l) => l.msg === 'job process waiting with the configuration read', 'the process kept warm after the second edit', from, input.timeoutMs);

    // 3. A scheduled tick with nothing changed: CPU from half a second before the minute until the tick is done.
    const untilMinute = 60_000 - (systemClock.now().toMillis() % 60_000);
    await sleep(untilMinute < 2_000 ? untilMinute + 59_500 : untilMinute - 500);
    from = log.lines.length;
    cpu0 = treeCpuSeconds(pid);
    t0 = performance.now();
    const tick = await log.next(finished('sync', 'schedule'), 'a scheduled sync tick', from, 120_000);
    const tickCpu = treeCpuSeconds(pid) - cpu0;
    const tickWall = (performance.now() - t0) / 1000;
    figures.push({
      measure: 'daemon tick with nothing changed (scheduled)', wallS: tickWall, cpuS: tickCpu, target: '≤ 0.5 s CPU', ok: within({ cpuS: tickCpu }, { cpuS: 0.5 }),
      note: `from 0.5 s before the minute to the tick's end; the tick took ${tick.ms} ms: "${tick.msg}"`,
    });

    // 4. A sync requested over the API with nothing changed: the job runs (the tick above skips it).
    from = log.lines.length;
    const before = new Set(jobProcesses().map((u) => u.pid));
    cpu0 = treeCpuSeconds(pid);
    t0 = performance.now();
    const answer = await fetch(`${log.url}/api/sync`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    if (answer.status !== 202) throw new Error(`POST /api/sync answered ${answer.status}`);
    const requested = await log.next(finished('sync', 'requested'), 'the requested sync', from, input.timeoutMs);
    const forcedWall = (performance.now() - t0) / 1000;
    const forcedCpu = treeCpuSeconds(pid) - cpu0;
    await sleep(1_000);
    const forcedJobs = jobProcesses().filter((u) => !before.has(u.pid));
    figures.push({
      measure: 'daemon: sync requested over the API, nothing changed', wallS: forcedWall, cpuS: forcedCpu, peakMb: forcedJobs.length ? peakMb(forcedJobs) : undefined,
      target: '(≤ 0.5 s CPU, as a tick)', ok: within({ cpuS: forcedCpu }, { cpuS: 0.5 }),
      note: `POST /api/sync; the job ran ${requested.ms} ms: "${(requested.msg ?? '').slice(0, 90)}"`,
    });

    const idleRss = rssMb(pid);
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(30_000)]);
    const own = readRusage(rusageDir).find((u) => u.pid === pid);
    const all = jobProcesses();
    figures.push({
      measure: 'daemon process itself (HTTP, scheduler, watcher)', cpuS: own ? cpuSeconds([own]) : undefined, peakMb: own ? own.maxRssKb / 1024 : undefined,
      note: `whole run, stopped with SIGTERM; RSS before stopping ${megabytes(idleRss)}; ${all.length} job processes, the largest ${megabytes(peakMb(all))}`,
    });
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
      await Promise.race([exited, sleep(5_000)]);
    }
  }
}
