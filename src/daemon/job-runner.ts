import { Worker } from 'node:worker_threads';
import type { Clock } from '../clock.ts';
import type { Config, Settings } from '../domain/types.ts';
import type { CalendarPort, ProviderName } from '../calendar/port.ts';
import { checkSnapshot } from '../config/load-config.ts';
import type { ConfigIssue } from '../config/config-issue.ts';
import type { ConfigSnapshot } from '../config/read-sources.ts';
import type { DB } from '../storage/database.ts';
import { doWork, type WorkDeps, type WorkKind, type WorkReport } from './work.ts';

/** What the daemon keeps of a valid configuration: small, so the daemon itself stays small. */
export interface ConfigSummary {
  readonly settings: Settings;
  readonly employees: readonly { readonly id: string; readonly name: string; readonly calendar: string; readonly timezone: string }[];
  readonly clients: number;
}

export type CheckResult = { readonly ok: true; readonly summary: ConfigSummary } | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/** Runs the heavy work (validating, planning, syncing) somewhere other than the daemon's loop. */
export interface JobRunner {
  check(snapshot: ConfigSnapshot): Promise<CheckResult>;
  work(kind: WorkKind, snapshot: ConfigSnapshot, signal: AbortSignal): Promise<WorkReport>;
}

export function summarise(config: Config): ConfigSummary {
  return {
    settings: config.settings, clients: config.clients.length,
    employees: config.employees.map((e) => ({ id: e.id, name: e.name, calendar: e.calendar, timezone: e.timezone })),
  };
}

export function checkOf(snapshot: ConfigSnapshot): { result: CheckResult; config: Config | undefined } {
  const { config, issues } = checkSnapshot(snapshot);
  return config ? { result: { ok: true, summary: summarise(config) }, config } : { result: { ok: false, issues }, config: undefined };
}

/**
 * Runs jobs on the daemon's own thread with an injected clock and calendar ports: what the
 * tests use, where time is fake and the fakes live in the same process.
 */
export class InProcessRunner implements JobRunner {
  readonly #deps: Omit<WorkDeps, 'config' | 'signal' | 'db'> & { db: () => DB };
  #cached: { hash: string; config: Config } | undefined;

  /** `db` is asked for when a job runs: the daemon opens the database only after the configuration proved valid. */
  constructor(deps: { db: () => DB; clock: Clock; feedDir: string; ports?: Partial<Record<ProviderName, CalendarPort>>; dispatch?: WorkDeps['dispatch'] }) {
    this.#deps = { ports: {}, ...deps };
  }

  async check(snapshot: ConfigSnapshot): Promise<CheckResult> {
    const { result, config } = checkOf(snapshot);
    if (config) this.#cached = { hash: snapshot.hash, config };
    return result;
  }

  async work(kind: WorkKind, snapshot: ConfigSnapshot, signal: AbortSignal): Promise<WorkReport> {
    if (this.#cached?.hash !== snapshot.hash) {
      const { config } = checkOf(snapshot);
      if (!config) throw new Error('the configuration given to the job is not valid');
      this.#cached = { hash: snapshot.hash, config };
    }
    return doWork(kind, { ...this.#deps, db: this.#deps.db(), config: this.#cached.config, signal });
  }
}

/** The message a job worker gets. */
export interface WorkerTask {
  readonly kind: WorkKind | 'check';
  readonly dir: string;
  readonly files: readonly (readonly [string, string])[];
  readonly hash: string;
  readonly dbFile: string;
  readonly feedDir: string;
}

export type WorkerAnswer = { readonly type: 'check'; readonly result: CheckResult } | { readonly type: 'work'; readonly report: WorkReport } | { readonly type: 'error'; readonly message: string };

/**
 * Runs each job in a fresh worker thread that ends with it. Validating and planning a large
 * company takes seconds of CPU and hundreds of megabytes; on the daemon's thread that would
 * stall the HTTP server and keep the memory for good. A thread that ends returns it.
 */
export class WorkerRunner implements JobRunner {
  readonly #dbFile: string;
  readonly #feedDir: string;

  constructor(options: { dbFile: string; feedDir: string }) {
    this.#dbFile = options.dbFile;
    this.#feedDir = options.feedDir;
  }

  async check(snapshot: ConfigSnapshot): Promise<CheckResult> {
    const answer = await this.#run('check', snapshot, undefined);
    if (answer.type !== 'check') throw new Error('the job worker answered a check with something else');
    return answer.result;
  }

  async work(kind: WorkKind, snapshot: ConfigSnapshot, signal: AbortSignal): Promise<WorkReport> {
    const answer = await this.#run(kind, snapshot, signal);
    if (answer.type !== 'work') throw new Error('the job worker answered a job with something else');
    return answer.report;
  }

  #run(kind: WorkerTask['kind'], snapshot: ConfigSnapshot, signal: AbortSignal | undefined): Promise<WorkerAnswer> {
    const task: WorkerTask = { kind, dir: snapshot.dir, files: [...snapshot.files], hash: snapshot.hash, dbFile: this.#dbFile, feedDir: this.#feedDir };
    // The sources are TypeScript: the worker's entry registers tsx, as the CLI's does.
    const worker = new Worker(new URL('./job-worker.js', import.meta.url), { workerData: task });
    const onAbort = () => worker.postMessage('stop');
    signal?.addEventListener('abort', onAbort, { once: true });
    return new Promise<WorkerAnswer>((resolve, reject) => {
      let answer: WorkerAnswer | undefined;
      worker.on('message', (m: WorkerAnswer) => { answer = m; });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        signal?.removeEventListener('abort', onAbort);
        if (!answer) reject(new Error(`the job worker stopped (exit code ${code}) without an answer`));
        else if (answer.type === 'error') reject(new Error(answer.message));
        else resolve(answer);
      });
    });
  }
}
