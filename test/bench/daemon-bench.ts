/**
 * The daemon at the scale of the demo company: the real `touchbase daemon` process on the
 * 10,000-client folder. Measures its idle CPU and memory once the first sync is done, and how
 * long a configuration change takes to be validated and applied.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

type Row = (what: string, value: string, target: string, ok?: boolean) => void;

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

export async function daemonBench(configDir: string, row: Row): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'touchbase-daemon-bench-'));
  const idleSeconds = Number(process.env.BENCH_DAEMON_IDLE_S ?? 60);
  const child = spawn(process.execPath, [resolve('src/touchbase.js'), 'daemon', '--config', configDir, '--db', join(work, 'touchbase.sqlite'), '--port', '0'], {
    env: { ...process.env, TOUCHBASE_FEEDS_DIR: join(work, 'feeds'), TOUCHBASE_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let log = '';
  const waiters: { re: RegExp; from: number; resolve: () => void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    log += chunk.toString();
    for (const w of [...waiters]) if (w.re.test(log.slice(w.from))) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  });
  const next = (re: RegExp) => new Promise<void>((r) => waiters.push({ re, from: log.length, resolve: r }));
  const exited = once(child, 'exit');
  try {
    const t0 = performance.now();
    const checked = next(/"job":"daily","reason":"first run"/);
    await next(/"job":"sync","reason":"first run"/);
    row('daemon: first plan + sync of the horizon (iCalendar)', `${((performance.now() - t0) / 1000).toFixed(0)} s`, '');
    // At the very first start the daily checks run next; idle begins after them.
    await checked;
    row('  then the first daily checks + sync', `${((performance.now() - t0) / 1000).toFixed(0)} s after start`, '');
    await new Promise((r) => setTimeout(r, 5_000));
    const pid = child.pid!;
    const startTicks = cpuTicks(pid);
    const start = performance.now();
    let peak = 0;
    for (let i = 0; i < idleSeconds; i++) {
      peak = Math.max(peak, rssMb(pid));
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const cpu = ((cpuTicks(pid) - startTicks) / TICKS_PER_SECOND) / ((performance.now() - start) / 1000) * 100;
    row(`daemon idle CPU (${idleSeconds} s, 10,000 clients loaded)`, `${cpu.toFixed(2)} % of a core`, '≤ 1 %', cpu <= 1);
    row('daemon idle RSS (peak while idle)', `${Math.round(peak)} MB`, '≤ 150 MB', peak <= 150);

    // A director edits the rules: a title changes.
    const rules = join(configDir, 'rules.yaml');
    const text = readFileSync(rules, 'utf8');
    const edited = text.replace(/title: "([^"]*)"/, 'title: "$1 (edited)"');
    const reloaded = next(/"msg":"configuration reloaded"/);
    const replanned = next(/"job":"sync","reason":"requested"/);
    const t1 = performance.now();
    writeFileSync(rules, edited === text ? `${text}\n# edited\n` : edited);
    await reloaded;
    const reloadMs = performance.now() - t1;
    row('configuration reload (validated and applied)', `${(reloadMs / 1000).toFixed(2)} s`, '≤ 3 s', reloadMs <= 3000);
    await replanned;
    row('  then re-plan + sync of the horizon', `${((performance.now() - t1) / 1000).toFixed(1)} s`, '');
    writeFileSync(rules, text);
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(work, { recursive: true, force: true });
  }
}
