import { fork, type ChildProcess } from 'node:child_process';
import type { CaseRequest, CaseResult } from './fuzz-case.ts';

interface Slot {
  child: ChildProcess;
  ready: Promise<void>;
}

/**
 * Runs fuzz cases in child processes, each case against a deadline: a case that runs past it
 * (a loop that never ends) is reported as a hang, and its process is killed (by its pid) and
 * replaced. `close` kills every process the pool started.
 */
export class FuzzPool {
  readonly #all = new Set<ChildProcess>();
  /** Set by close: no case is started and no process spawned after it (a timed-out test must not leave any). */
  #closed = false;

  constructor(readonly size: number, readonly deadlineMs: number) {}

  #spawn(): Slot {
    if (this.#closed) throw new Error('the fuzz pool is closed');
    const child = fork(new URL('./fuzz-child.js', import.meta.url), [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.#all.add(child);
    child.once('exit', () => this.#all.delete(child));
    const ready = new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`a fuzz process ended (exit code ${code}) before it was ready`)));
    });
    ready.catch(() => undefined); // a process killed before it was used is no error
    return { child, ready };
  }

  /** Runs every request, `size` at a time; returns their results in request order. */
  async run(requests: readonly CaseRequest[], onResult?: (r: CaseResult) => void): Promise<CaseResult[]> {
    const results: CaseResult[] = new Array(requests.length);
    let next = 0;
    const worker = async () => {
      let slot = this.#spawn();
      while (next < requests.length && !this.#closed) {
        const i = next++;
        const request = requests[i]!;
        await slot.ready;
        const answer = await this.#one(slot.child, request);
        results[i] = answer;
        onResult?.(answer);
        // After a broken case (a hang, a polluted prototype) the process is not trusted again.
        if (answer.outcome === 'broken' || !slot.child.connected || slot.child.killed || slot.child.exitCode !== null) {
          slot.child.kill('SIGKILL');
          if (this.#closed) break;
          slot = this.#spawn();
        }
      }
      slot.child.kill('SIGKILL');
    };
    await Promise.all(Array.from({ length: this.size }, worker));
    return results;
  }

  #one(child: ChildProcess, request: CaseRequest): Promise<CaseResult> {
    return new Promise((resolve) => {
      const done = (r: CaseResult) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(r);
      };
      const broken = (problem: string): CaseResult => ({ index: request.index, company: request.company, outcome: 'broken', mutations: [`(replay: seed ${request.seed}, case ${request.index})`], ms: this.deadlineMs, problem });
      const onMessage = (m: CaseResult | 'ready') => {
        if (m !== 'ready') done(m);
      };
      const onExit = (code: number | null, signal: string | null) => done(broken(`its process ended (${signal ?? `exit code ${code}`}) before answering`));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        done(broken(`no answer within ${this.deadlineMs} ms: a hang`));
      }, this.deadlineMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(request);
    });
  }

  /** The pids of the processes alive now. */
  pids(): number[] {
    return [...this.#all].map((c) => c.pid!).filter((pid) => pid !== undefined);
  }

  /** Ends every process the pool started and waits until they are gone. */
  async close(): Promise<void> {
    this.#closed = true;
    const gone = [...this.#all].map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    }));
    await Promise.all(gone);
  }
}
