import { fork, type ChildProcess } from 'node:child_process';
import type { Settings } from '../domain/types.ts';
import type { ConfigIssue } from '../config/config-issue.ts';
import type { ConfigSnapshot } from '../config/snapshot.ts';
import type { WorkKind, WorkReport } from './work.ts';
import type { BusinessEvent, EventOutcome } from '../workflows/trigger-events.ts';

/** What the daemon keeps of a valid configuration: small, so the daemon itself stays small. */
export interface ConfigSummary {
  readonly settings: Settings;
  readonly employees: readonly {
    readonly id: string; readonly name: string; readonly calendar: string; readonly timezone: string;
    /** For the dashboard's sign-in (matched by e-mail) and who is a director (by role). */
    readonly email: string | undefined; readonly role: string;
  }[];
  readonly clients: number;
  /** The dashboard's director roles. */
  readonly directors: readonly string[];
}

export type CheckResult = { readonly ok: true; readonly summary: ConfigSummary } | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/** A business event's outcome, or why it was refused (nothing recorded). */
export type EventResult = { readonly ok: true; readonly outcome: EventOutcome } | { readonly ok: false; readonly error: string };

/** Runs the heavy work (validating, planning, syncing) somewhere other than the daemon's loop. */
export interface JobRunner {
  /** A change is coming (a file was saved): get ready, so that the check that follows starts sooner. */
  prepare?(): void;
  /** Lets go of anything prepared (at stop). */
  close?(): void;
  check(snapshot: ConfigSnapshot): Promise<CheckResult>;
  work(kind: WorkKind, snapshot: ConfigSnapshot, signal: AbortSignal): Promise<WorkReport>;
  /** Records a business event's touches (it needs the whole configuration). */
  event(snapshot: ConfigSnapshot, event: BusinessEvent): Promise<EventResult>;
}

/** The message a job process gets. */
export interface JobTask {
  readonly kind: WorkKind | 'check' | 'event';
  readonly event?: BusinessEvent;
  readonly dir: string;
  readonly files: readonly (readonly [string, string])[];
  readonly hash: string;
  readonly dbFile: string;
  readonly feedDir: string;
}

export type JobAnswer = { readonly type: 'check'; readonly result: CheckResult } | { readonly type: 'work'; readonly report: WorkReport }
  | { readonly type: 'event'; readonly result: EventResult } | { readonly type: 'error'; readonly message: string };

/**
 * Runs each job in a short-lived child process. Validating and planning a large company
 * takes seconds of CPU and hundreds of megabytes: on the daemon's thread that would stall the
 * HTTP server, and even a worker thread leaves its memory in the process's allocator. A
 * process that ends gives all of it back, and a crash in a job cannot take the daemon down.
 */
export class ProcessRunner implements JobRunner {
  readonly #dbFile: string;
  readonly #feedDir: string;
  /** A process started ahead (on the first file event of a save), loading while the save settles. */
  #spare: { child: ChildProcess; ready: Promise<void>; timer: NodeJS.Timeout } | undefined;

  constructor(options: { dbFile: string; feedDir: string }) {
    this.#dbFile = options.dbFile;
    this.#feedDir = options.feedDir;
  }

  async check(snapshot: ConfigSnapshot): Promise<CheckResult> {
    const answer = await this.#run('check', snapshot, undefined);
    if (answer.type !== 'check') throw new Error('the job process answered a check with something else');
    return answer.result;
  }

  async work(kind: WorkKind, snapshot: ConfigSnapshot, signal: AbortSignal): Promise<WorkReport> {
    const answer = await this.#run(kind, snapshot, signal);
    if (answer.type !== 'work') throw new Error('the job process answered a job with something else');
    return answer.report;
  }

  async event(snapshot: ConfigSnapshot, event: BusinessEvent): Promise<EventResult> {
    const answer = await this.#run('event', snapshot, undefined, event);
    if (answer.type !== 'event') throw new Error('the job process answered an event with something else');
    return answer.result;
  }

  prepare(): void {
    if (this.#spare) return;
    const { child, ready } = this.#spawn();
    // Unused (the save changed nothing that matters): it goes after a while. Using it clears the timer.
    const timer = setTimeout(() => {
      this.#spare = undefined;
      child.kill();
    }, 30_000);
    timer.unref();
    this.#spare = { child, ready, timer };
  }

  close(): void {
    if (!this.#spare) return;
    clearTimeout(this.#spare.timer);
    this.#spare.child.kill();
    this.#spare = undefined;
  }

  #spawn(): { child: ChildProcess; ready: Promise<void> } {
    // The entry registers tsx (the sources are TypeScript), as the CLI's does. stdout and
    // stderr are the daemon's, so a job's crash report lands in the same log.
    const child = fork(new URL('./job-process.js', import.meta.url), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve()); // the first message is "ready"
      child.once('exit', (code) => reject(new Error(`the job process ended (exit code ${code}) before it was ready`)));
      child.once('error', reject);
    });
    ready.catch(() => undefined); // a spare that dies unused is not an error
    return { child, ready };
  }

  async #run(kind: JobTask['kind'], snapshot: ConfigSnapshot, signal: AbortSignal | undefined, event?: BusinessEvent): Promise<JobAnswer> {
    const task: JobTask = { kind, event, dir: snapshot.dir, files: [...snapshot.files], hash: snapshot.hash, dbFile: this.#dbFile, feedDir: this.#feedDir };
    const spare = this.#spare;
    this.#spare = undefined;
    if (spare) clearTimeout(spare.timer);
    const { child, ready } = spare ?? this.#spawn();
    const onAbort = () => child.connected && child.send('stop');
    signal?.addEventListener('abort', onAbort, { once: true });
    await ready;
    child.send(task);
    return new Promise<JobAnswer>((resolve, reject) => {
      let answer: JobAnswer | undefined;
      child.on('message', (m: JobAnswer | 'ready') => {
        if (m !== 'ready') answer = m;
      });
      child.on('error', reject);
      child.on('exit', (code, sig) => {
        signal?.removeEventListener('abort', onAbort);
        if (!answer) reject(new Error(`the job process ended (${sig ?? `exit code ${code}`}) without an answer`));
        else if (answer.type === 'error') reject(new Error(answer.message));
        else resolve(answer);
      });
    });
  }
}
