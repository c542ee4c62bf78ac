/**
 * Spawning what the bench measures: every process runs with the rusage preload (its CPU and peak
 * RSS written at exit, for it and for every node process it starts), in its own process group,
 * with a marker in its environment so that anything left behind can be found and ended.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const TOUCHBASE = join(ROOT, 'src', 'touchbase.js');
const PRELOAD = join(import.meta.dirname, 'rusage-preload.mjs');

/** Every bench process carries this in its environment (and passes it to its children). */
export const MARKER = randomUUID();

/** Temporary folders of this run, removed at the end whatever happened. */
const temps: string[] = [];
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `touchbase-bench-${prefix}-`));
  temps.push(dir);
  return dir;
}

/** One process's own account, written by the preload at its exit. */
export interface Rusage {
  readonly pid: number;
  readonly ppid: number;
  readonly argv: readonly string[];
  readonly maxRssKb: number;
  readonly userUs: number;
  readonly systemUs: number;
}

export function readRusage(dir: string): Rusage[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Rusage);
}

export const cpuSeconds = (r: readonly Rusage[]) => r.reduce((s, u) => s + (u.userUs + u.systemUs) / 1e6, 0);
export const peakMb = (r: readonly Rusage[]) => Math.max(0, ...r.map((u) => u.maxRssKb / 1024));

/** The environment of a measured process: the preload, its report folder, the marker. */
export function measuredEnv(rusageDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${PRELOAD}`.trim(),
    TOUCHBASE_BENCH_RUSAGE_DIR: rusageDir,
    TOUCHBASE_BENCH_MARKER: MARKER,
    ...extra,
  };
}

const live = new Set<ChildProcess>();

/** Starts a node process in its own group, with the preload; ended by endAll() if still running. */
export function startNode(args: readonly string[], o: { rusageDir: string; env?: Record<string, string>; stdio?: StdioOptions; cwd?: string }): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: o.cwd ?? ROOT, env: measuredEnv(o.rusageDir, o.env), stdio: o.stdio ?? 'ignore', detached: true });
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

export interface Measured {
  /** Wall clock from spawn to exit, seconds. */
  readonly wallS: number;
  /** User + system CPU of the process and every node process it started, seconds. */
  readonly cpuS: number;
  /** The largest peak RSS among them, MB. */
  readonly peakMb: number;
  readonly processes: number;
}

/**
 * Runs `node <args>` to its end and measures it. Standard output goes to `stdoutFile` (or
 * nowhere), standard error to a file whose tail is shown if the command fails: a failed command
 * fails the bench.
 */
/** A command the bench stopped because it ran past the time it was given (not a failure of the command). */
export class OverTimeError extends Error {}

export async function measureNode(args: readonly string[], o: { env?: Record<string, string>; stdoutFile?: string; what: string; cwd?: string; timeoutMs?: number }): Promise<Measured> {
  const rusageDir = tempDir('rusage');
  const errFile = join(rusageDir, 'stderr.txt');
  const out = o.stdoutFile ? openSync(o.stdoutFile, 'w') : 'ignore';
  const err = openSync(errFile, 'w');
  const started = performance.now();
  let child: ChildProcess;
  try {
    child = startNode(args, { rusageDir, env: o.env, stdio: ['ignore', out, err], cwd: o.cwd });
  } finally {
    if (typeof out === 'number') closeSync(out);
    closeSync(err);
  }
  let overTime = false;
  let peakSoFar = 0;
  const timer = o.timeoutMs === undefined ? undefined : setTimeout(() => {
    overTime = true;
    peakSoFar = hwmMb(child.pid!);
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // ended meanwhile
    }
  }, o.timeoutMs);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  const wallS = (performance.now() - started) / 1000;
  if (overTime) throw new OverTimeError(`${o.what}: stopped by the bench after ${Math.round(wallS)} s (its time limit), peak RSS ${Math.round(peakSoFar)} MB by then`);
  if (code !== 0) {
    const tail = readFileSync(errFile, 'utf8').slice(-3000);
    throw new Error(`${o.what} failed (${signal ?? `exit code ${code}`}): node ${args.join(' ')}\n${tail}`);
  }
  const usage = readRusage(rusageDir);
  if (!usage.some((u) => u.pid === child.pid)) throw new Error(`${o.what}: the process did not report its resource use (is the preload loaded?)`);
  rmSync(rusageDir, { recursive: true, force: true });
  return { wallS, cpuS: cpuSeconds(usage), peakMb: peakMb(usage), processes: usage.length };
}

/** Runs a command `times` times; returns the run with the median wall clock. */
export async function medianOf(times: number, run: () => Promise<Measured>): Promise<Measured & { runs: number[] }> {
  const all: Measured[] = [];
  for (let i = 0; i < times; i++) all.push(await run());
  const sorted = [...all].sort((a, b) => a.wallS - b.wallS);
  return { ...sorted[Math.floor(sorted.length / 2)]!, runs: all.map((m) => m.wallS) };
}

/** CPU seconds (utime + stime, and those of reaped children) of a live process, from /proc. */
function procCpu(pid: number): { own: number; ppid: number } | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // After "pid (comm) ": state ppid … utime(11) stime(12) cutime(13) cstime(14), in clock ticks (USER_HZ = 100).
    return { own: (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100, ppid: Number(fields[1]) };
  } catch {
    return undefined; // ended meanwhile
  }
}

/**
 * CPU seconds used so far by a process and all its descendants, live and ended (an ended child
 * that was waited for counts in its parent's cutime/cstime): the difference of two readings is
 * what the tree used in between, whichever of its processes came and went.
 */
export function treeCpuSeconds(root: number): number {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const p = procCpu(Number(entry));
    if (!p) continue;
    parent.set(Number(entry), p.ppid);
    cpu.set(Number(entry), p.own);
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p && hops < 64; p = parent.get(p), hops++) if (p === root) return true;
    return false;
  };
  let total = 0;
  for (const [pid, seconds] of cpu) if (inTree(pid)) total += seconds;
  return total;
}

/** The peak resident memory of a live process so far (VmHWM), MB (0 once it ended). */
function hwmMb(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Resident memory of a live process, MB (0 once it ended). */
export function rssMb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Live processes that carry this run's marker (whatever group they ended up in). */
function marked(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`TOUCHBASE_BENCH_MARKER=${MARKER}`)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/** Ends every process this run started (by process group, then anything carrying the marker) and removes the temporary folders. */
export function endAll(): void {
  for (const child of live) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const pid of marked()) {
    try {
      process.kill(-pid, 'SIGKILL'); // a job process leads its own group
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}
