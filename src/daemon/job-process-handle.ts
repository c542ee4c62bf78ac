import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { JobAnswer, JobTask } from './job-runner.ts';

/** How a job process ended, for the log and for the error of a job that got no answer. */
export interface ProcessEnd {
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** We killed it (SIGKILL to its process group) because it did not stop when asked. */
  readonly killed: boolean;
}

/** The job process ended before it answered. */
export class JobProcessEndedError extends Error {
  constructor(readonly end: ProcessEnd) {
    super(`the job process ended (${end.killed ? 'killed: it did not stop when asked' : end.signal ?? `exit code ${end.code}`}) without an answer`);
  }
}

/**
 * One job child process. It is the leader of its own process group (spawned detached), so
 * a Ctrl-C in the daemon's terminal does not reach it (the daemon decides when it stops),
 * and a kill takes it with anything it started. Asking it to stop is polite ("stop"); SIGKILL
 * to the group follows after `graceMs` if it is still there.
 */
export class JobProcess {
  readonly pid: number;
  readonly ready: Promise<void>;
  readonly exited: Promise<ProcessEnd>;
  readonly #child: ChildProcess;
  readonly #graceMs: number;
  #answer: ((a: JobAnswer) => void) | undefined;
  #killTimer: NodeJS.Timeout | undefined;
  #killed = false;
  #ended: ProcessEnd | undefined;

  constructor(entry: URL, graceMs: number) {
    this.#graceMs = graceMs;
    // stdout and stderr are the daemon's, so a job's crash report lands in the same log.
    this.#child = fork(fileURLToPath(entry), [], { detached: true, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.pid = this.#child.pid ?? -1;
    this.exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        clearTimeout(this.#killTimer);
        this.#ended = { pid: this.pid, code, signal, killed: this.#killed };
        // Anything it started in its group goes with it (a job never leaves a process behind).
        this.#killGroup();
        resolve(this.#ended);
      });
    });
    this.ready = new Promise<void>((resolve, reject) => {
      this.#child.once('message', () => resolve()); // the first message is "ready"
      void this.exited.then((end) => reject(new JobProcessEndedError(end)));
    });
    this.ready.catch(() => undefined); // a spare that ends unused is not an error
    this.#child.on('message', (m: JobAnswer | 'ready' | 'warmed') => {
      if (m === 'ready') return;
      if (m === 'warmed') return this.onWarmed?.();
      const answered = this.#answer;
      this.#answer = undefined;
      answered?.(m);
      // It disconnects and exits by itself after answering (unless it stays for the next task,
      // see JobAnswer); if it lingers, it is killed.
      if (!(m.type === 'check' && m.stays)) this.#killLater();
    });
    // An IPC error (the process died mid-send) shows as its exit, which settles everything.
    this.#child.on('error', () => undefined);
  }

  get ended(): ProcessEnd | undefined {
    return this.#ended;
  }

  /**
   * Whether it may take another task: not ended, and not asked to stop — a process told to stop
   * (its check superseded) may still answer that check, then ends without taking the next task.
   */
  get reusable(): boolean {
    return !this.#ended && !this.#stopAsked && this.#child.connected;
  }

  #stopAsked = false;

  /** Sends the task; resolves with the answer, rejects if the process ends without one. */
  async run(task: JobTask): Promise<JobAnswer> {
    await this.ready;
    return new Promise<JobAnswer>((resolve, reject) => {
      this.#answer = resolve;
      void this.exited.then((end) => {
        if (this.#answer === resolve) reject(new JobProcessEndedError(end));
      });
      if (!this.#child.connected) return; // it is exiting: `exited` rejects
      this.#child.send(task, (error) => {
        if (error) this.kill();
      });
    });
  }

  /** The configuration it was asked to read ahead (by hash). */
  warmedWith: string | undefined;
  /** Called when it has read the configuration it was asked to read ahead. */
  onWarmed: (() => void) | undefined;

  /** Asks it to read this configuration ahead of its next task (once it is ready; no answer). */
  warm(task: JobTask): void {
    this.warmedWith = task.hash;
    void this.ready.then(() => {
      if (this.#child.connected) this.#child.send({ warm: task }, () => undefined);
    }, () => undefined);
  }

  /**
   * Asks it to stop: an idle process ends at once, a busy one finishes its calls in flight and
   * answers (the channel stays open for that answer). SIGKILL after the grace period.
   */
  stop(): void {
    if (this.#ended) return;
    this.#stopAsked = true;
    if (this.#child.connected) {
      try {
        this.#child.send('stop', () => undefined);
        // Idle (a spare, or still loading): there is no answer to wait for, and a closed
        // channel ends it even if the "stop" came before it listened.
        if (!this.#answer) this.#child.disconnect();
      } catch {
        // the channel closed meanwhile: it is on its way out
      }
    }
    this.#killLater();
  }

  /** SIGKILL to its process group now (synchronous: usable in an exit handler). */
  kill(): void {
    if (this.#ended) return;
    this.#killed = true;
    this.#killGroup();
  }

  #killLater(): void {
    if (this.#killTimer || this.#ended) return;
    this.#killTimer = setTimeout(() => this.kill(), this.#graceMs);
  }

  #killGroup(): void {
    if (this.pid <= 0) return;
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // ESRCH: nothing left in the group
    }
  }
}
