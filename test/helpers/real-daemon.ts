import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach } from 'vitest';
import { tempDir } from './config-folder.ts';

/**
 * What a process printed so far, and a promise for the first text matching after `from` (with a
 * deadline). Given the process, a wait also ends when it exits without printing the match, with
 * what it wrote to stderr (a daemon that refused to start says why there).
 */
export function watchOutput(stream: NodeJS.ReadableStream, process?: ChildProcess) {
  let text = '';
  let errors = '';
  let exit: string | undefined;
  const waiters: { re: RegExp; from: number; resolve: (m: RegExpMatchArray) => void; reject: (e: Error) => void }[] = [];
  const failure = (what: string) => new Error(`${what}; output so far:\n${text.slice(-3000)}${errors ? `\nstderr:\n${errors.slice(-3000)}` : ''}`);
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    for (const w of [...waiters]) {
      const m = text.slice(w.from).match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  process?.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  // 'close': stdout and stderr are read to their end by then, so nothing printed is missed.
  process?.once('close', (code, signal) => {
    exit = `exited (${signal ?? `code ${code}`})`;
    for (const w of waiters.splice(0)) w.reject(failure(`${exit} before printing ${w.re}`));
  });
  return {
    text: () => text,
    waitFor: (re: RegExp, timeoutMs = 60_000, from = 0) => new Promise<RegExpMatchArray>((resolvePromise, reject) => {
      const m = text.slice(from).match(re);
      if (m) return resolvePromise(m);
      if (exit) return reject(failure(`${exit} before printing ${re}`));
      const waiter = {
        re, from,
        resolve: (match: RegExpMatchArray) => { clearTimeout(timer); resolvePromise(match); },
        reject: (error: Error) => { clearTimeout(timer); reject(error); },
      };
      // Past its deadline a wait is over: out of the list, so nothing settles it again.
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(failure(`no output matching ${re} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.push(waiter);
    }),
  };
}

/**
 * The pids of live processes whose environment carries `marker` (every process a test's
 * daemon started inherits it, even one that escaped to its own process group or was
 * orphaned): how a test checks that nothing is left behind.
 */
export function processesWithMarker(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8');
      const state = /^State:\s+(\w)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (state !== 'Z' && env.split('\0').includes(`TOUCHBASE_TEST_MARKER=${marker}`)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

export function isAlive(pid: number): boolean {
  try {
    const state = /^State:\s+(\w)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return state !== undefined && state !== 'Z';
  } catch {
    return false;
  }
}

/** Polls `condition` until it holds or the deadline passes (then throws with `what`). */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 10_000, everyMs = 50): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const started: { child: ChildProcess; marker: string }[] = [];

/** Teardown: every daemon a test started is killed by process group, and anything carrying its marker after it. */
afterEach(() => {
  for (const { child, marker } of started.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    for (const pid of processesWithMarker(marker)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }
});

export interface RealDaemon {
  readonly child: ChildProcess;
  readonly dir: string;
  readonly config: string;
  readonly db: string;
  readonly feeds: string;
  readonly marker: string;
  readonly out: ReturnType<typeof watchOutput>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The real `touchbase daemon` on a copy of the example company (or `configFrom`), in its own
 * process group, on a free port, logging at debug level (job processes are announced with
 * their pids). The test's teardown kills it and everything it started, even after a failure.
 */
export function startRealDaemon(o: { env?: Record<string, string>; configFrom?: string; args?: string[]; shared?: { config: string; db: string }; db?: string } = {}): RealDaemon {
  const dir = tempDir();
  // Several daemons on one database read the same configuration folder (no copy).
  const config = o.shared?.config ?? join(dir, 'config');
  if (!o.shared) cpSync(o.configFrom ?? resolve('config'), config, { recursive: true });
  const feeds = join(dir, 'feeds');
  const db = o.shared?.db ?? o.db ?? join(dir, 'touchbase.sqlite');
  const marker = randomUUID();
  const child = spawn(process.execPath, [resolve('src/touchbase.js'), 'daemon', '--config', config, '--db', db, '--port', '0', ...(o.args ?? [])], {
    env: { ...process.env, TOUCHBASE_FEEDS_DIR: feeds, TOUCHBASE_PUBLIC_URL: '', TOUCHBASE_LOG_LEVEL: 'debug', TOUCHBASE_TEST_MARKER: marker, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  started.push({ child, marker });
  const out = watchOutput(child.stdout!, child);
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolvePromise) => child.once('exit', (code, signal) => resolvePromise({ code, signal })));
  return { child, dir, config, db, feeds, marker, out, exited };
}
