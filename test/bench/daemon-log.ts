/**
 * A daemon's standard output as the benches read it: its JSON log lines parsed, fields read by
 * name and never by their order in the line (a field added to a log line once left a pattern
 * waiting for ever), and its address from the banner; each waited for with a deadline.
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LogLine {
  readonly job?: string;
  readonly reason?: string;
  readonly ms?: number;
  readonly msg?: string;
  readonly jobPid?: number;
  readonly purpose?: string;
  readonly failures?: number;
  readonly level?: number;
}

/** The daemon's standard output as JSON log lines (and its address, from the banner). */
export class DaemonLog {
  readonly lines: LogLine[] = [];
  url = '';
  #waiters: (() => void)[] = [];
  #ended: string | undefined;
  #rest = '';

  constructor(child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = this.#rest + chunk.toString();
      const parts = text.split('\n');
      this.#rest = parts.pop()!;
      for (const line of parts) {
        // The banner names the address: printed at a terminal, one of the log's lines otherwise (as here).
        this.url ||= /status: +(http:\/\/[^/\s"]+)\/status/.exec(line)?.[1] ?? '';
        if (line.startsWith('{')) {
          try {
            this.lines.push(JSON.parse(line) as LogLine);
          } catch {
            // not a log line
          }
        }
      }
      for (const w of this.#waiters.splice(0)) w();
    });
    child.once('exit', (code, signal) => {
      this.#ended = `the daemon exited (${signal ?? `code ${code}`})`;
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  /** The daemon's address (http://127.0.0.1:port), once its banner is out; rejects when it ends or at the deadline. */
  async address(timeoutMs: number): Promise<string> {
    const deadline = performance.now() + timeoutMs;
    while (!this.url) {
      if (this.#ended) throw new Error(`${this.#ended} before it printed its address`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`the daemon: no address within ${Math.round(timeoutMs / 1000)} s`);
      await Promise.race([new Promise<void>((r) => this.#waiters.push(r)), sleep(Math.min(left, 1000))]);
    }
    return this.url;
  }

  /** The first line from index `from` on that matches; rejects when a job fails, the daemon ends, or at the deadline. */
  async next(match: (l: LogLine) => boolean, what: string, from: number, timeoutMs: number): Promise<LogLine> {
    const deadline = performance.now() + timeoutMs;
    for (let i = from; ; ) {
      for (; i < this.lines.length; i++) {
        const l = this.lines[i]!;
        if (l.failures !== undefined) throw new Error(`the daemon: ${l.msg} (while waiting for ${what})`);
        if (match(l)) return l;
      }
      if (this.#ended) throw new Error(`${this.#ended} while waiting for ${what}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`the daemon: no ${what} within ${Math.round(timeoutMs / 1000)} s`);
      await Promise.race([new Promise<void>((r) => this.#waiters.push(r)), sleep(Math.min(left, 1000))]);
    }
  }
}

/** A job's end (its line says how long it took) for that reason. */
export const finished = (job: string, reason: string) => (l: LogLine) => l.job === job && l.reason === reason && l.ms !== undefined;
