import type { Settings } from '../domain/types.ts';
import type { ConfigIssue, ConfigWarning } from '../config/config-issue.ts';
import type { ConfigSnapshot } from '../config/snapshot.ts';
import type { WorkKind, WorkReport } from './work.ts';
import type { BusinessEvent, EventOutcome } from '../workflows/trigger-events.ts';
import { JobProcess, type ProcessEnd } from './job-process-handle.ts';
import type { SharedRun } from './dispatch-pass.ts';

/** What the daemon keeps of a valid configuration: small, so the daemon itself stays small. */
export interface ConfigSummary {
  readonly settings: Settings;
  readonly employees: readonly {
    readonly id: string; readonly name: string; readonly calendar: string; readonly timezone: string; readonly country: string;
    /** For the dashboard's sign-in (matched by e-mail) and who is a director (by role). */
    readonly email: string | undefined; readonly role: string;
  }[];
  readonly clients: number;
  /** The clients' ids: what a change drops is weighed before it is applied (removal-check.ts). */
  readonly clientIds: readonly string[];
  /** Those of them with no contact: a contacts export that came out empty is weighed as well. */
  readonly contactless: readonly string[];
  /** Its rules' and campaigns' keys (`rule:<id>`, `campaign:<id>`): a rules file moved aside is weighed too. */
  readonly programme: readonly string[];
  /** Its contacts (`<client>/<contact>`): a contacts export cut short is weighed too. */
  readonly contacts: readonly string[];
  /** Days of grace before an open touch is overdue (overdue.after). */
  readonly overdueAfterDays: number;
  /** The dashboard's director roles. */
  readonly directors: readonly string[];
}

export type CheckResult = {
  readonly ok: true; readonly summary: ConfigSummary;
  /** Its warnings, as `validate` prints them (the first WARNINGS_KEPT), and how many there are. */
  readonly warnings?: { readonly first: readonly string[]; readonly count: number };
}
  /** `explaining`: how files were read, where it may explain the errors (ConfigWarning.ofText). */
  | { readonly ok: false; readonly issues: readonly ConfigIssue[]; readonly explaining?: readonly ConfigWarning[] };

/** A business event's outcome, or why it was refused (nothing recorded). */
export type EventResult = { readonly ok: true; readonly outcome: EventOutcome } | { readonly ok: false; readonly error: string };

/** The address the daemon really serves (its --port may differ from settings.http): links point there. */
export interface ServedAddress {
  readonly host: string;
  readonly port: number;
}

/** How one run is controlled: aborting the signal stops it (politely, then by force). */
export interface RunControl {
  readonly signal: AbortSignal;
  readonly served?: ServedAddress | undefined;
  /** Several daemons share the database: this one's instance id and claim lease. */
  readonly shared?: SharedRun | undefined;
}

/** Runs the heavy work (validating, planning, syncing) somewhere other than the daemon's loop. */
export interface JobRunner {
  /** A change is coming (a file was saved): get ready, so that the check that follows starts sooner. */
  prepare?(): void;
  /** The daemon runs on this configuration from now on (at start and after each accepted edit). */
  keepWarm?(snapshot: ConfigSnapshot): void;
  /** Stops everything it started (asks, then kills after the grace period) and waits until it is gone. */
  close?(): Promise<void>;
  /** Kills everything it started, at once and synchronously (a second signal, the process exiting). */
  killNow?(): void;
  check(snapshot: ConfigSnapshot, control: RunControl): Promise<CheckResult>;
  work(kind: WorkKind, snapshot: ConfigSnapshot, control: RunControl): Promise<WorkReport>;
  /** Records a business event's touches (it needs the whole configuration). */
  event(snapshot: ConfigSnapshot, event: BusinessEvent, control: RunControl): Promise<EventResult>;
}

/** The message a job process gets. */
export interface JobTask {
  readonly kind: WorkKind | 'check' | 'event';
  readonly event?: BusinessEvent;
  readonly dir: string;
  /** The snapshot's files: path and bytes (Buffers cross the process boundary as they are). */
  readonly files: readonly (readonly [string, Uint8Array])[];
  readonly hash: string;
  readonly dbFile: string;
  readonly feedDir: string;
  readonly served?: ServedAddress | undefined;
  readonly shared?: SharedRun | undefined;
}

/**
 * A check that passed may be answered with `stays`: the process keeps the configuration it just
 * read and waits for the job that follows (the sync of that configuration), which then does not
 * read the files again.
 */
export type JobAnswer = { readonly type: 'check'; readonly result: CheckResult; readonly stays?: boolean; readonly readAhead?: boolean } | { readonly type: 'work'; readonly report: WorkReport }
  | { readonly type: 'event'; readonly result: EventResult } | { readonly type: 'error'; readonly message: string; readonly code?: string };

/** What the runner tells about its processes (the daemon logs it at debug level; tests wait on it). */
export type ProcessNotice =
  | { readonly event: 'started'; readonly pid: number; readonly purpose: 'spare' | 'warm' | JobTask['kind'] }
  | { readonly event: 'used'; readonly pid: number; readonly purpose: JobTask['kind'] }
  /** A check answered from the configuration its (warm) process had read ahead: its files were not read again. */
  | { readonly event: 'read ahead'; readonly pid: number }
  /** A warm process has read the configuration and loaded the jobs' code: the next edit or job finds it ready. */
  | { readonly event: 'warmed'; readonly pid: number }
  | ({ readonly event: 'ended' } & ProcessEnd);

export interface ProcessRunnerOptions {
  readonly dbFile: string;
  readonly feedDir: string;
  /** How long a process asked to stop has before it is killed (default 2 s). */
  readonly graceMs?: number;
  /** How long an unused spare waits for a check before it goes (default 30 s). */
  readonly spareMs?: number;
  /**
   * For how long after the daemon starts and after each accepted edit one process is kept ready
   * with the configuration read and the jobs' code loaded (default 0: none). Edits come in
   * bursts: the next one is checked by compiled code and its sync starts at once, and the jobs
   * meanwhile do not read the configuration again. It holds the configuration's memory while it
   * waits, and goes when the time is up.
   */
  readonly warmMs?: number;
  /** The child's entry module (default ./job-process.js). */
  readonly entry?: URL;
  readonly onProcess?: (notice: ProcessNotice) => void;
}

/**
 * Runs each job in a short-lived child process. Validating and planning a large company
 * takes seconds of CPU and hundreds of megabytes: on the daemon's thread that would stall the
 * HTTP server, and even a worker thread leaves its memory in the process's allocator. A
 * process that ends gives all of it back, a crash in a job cannot take the daemon down, and a
 * job that hangs can be killed with everything it started.
 */
export class ProcessRunner implements JobRunner {
  readonly #o: ProcessRunnerOptions;
  readonly #graceMs: number;
  readonly #live = new Set<JobProcess>();
  /** A process started ahead (on the first file event of a save), loading while the save settles. */
  #spare: { proc: JobProcess; timer: NodeJS.Timeout } | undefined;
  /** The configuration to keep a process ready with, and until when (see warmMs). */
  #warm: { snapshot: ConfigSnapshot; until: number } | undefined;
  /** Tasks in flight: a warm process is started only when none is (it would compete with them). */
  #running = 0;
  #closing = false;

  constructor(options: ProcessRunnerOptions) {
    this.#o = options;
    this.#graceMs = options.graceMs ?? 2_000;
  }

  async check(snapshot: ConfigSnapshot, control: RunControl): Promise<CheckResult> {
    const answer = await this.#run('check', snapshot, control);
    if (answer.type !== 'check') throw new Error('the job process answered a check with something else');
    return answer.result;
  }

  async work(kind: WorkKind, snapshot: ConfigSnapshot, control: RunControl): Promise<WorkReport> {
    const answer = await this.#run(kind, snapshot, control);
    if (answer.type !== 'work') throw new Error('the job process answered a job with something else');
    return answer.report;
  }

  async event(snapshot: ConfigSnapshot, event: BusinessEvent, control: RunControl): Promise<EventResult> {
    const answer = await this.#run('event', snapshot, control, event);
    if (answer.type !== 'event') throw new Error('the job process answered an event with something else');
    return answer.result;
  }

  prepare(): void {
    if (this.#spare || this.#closing) return;
    this.#keepAsSpare(this.#start('spare'));
  }

  keepWarm(snapshot: ConfigSnapshot): void {
    if (!this.#o.warmMs) return;
    this.#warm = { snapshot, until: Date.now() + this.#o.warmMs };
    this.#rewarm();
  }

  /** Within the warm period and with nothing running: the spare (or a new process) reads the configuration ahead. */
  #rewarm(): void {
    const warm = this.#warm;
    if (!warm || this.#closing || this.#running > 0) return;
    const left = warm.until - Date.now();
    if (left <= 0) {
      this.#warm = undefined;
      return;
    }
    const proc = this.#spare?.proc.reusable ? this.#spare.proc : this.#start('warm');
    // A process that checked this very configuration has it read already.
    if (proc.warmedWith !== warm.snapshot.hash) {
      proc.onWarmed = () => this.#o.onProcess?.({ event: 'warmed', pid: proc.pid });
      proc.warm(this.#task('check', warm.snapshot, {}));
    }
    this.#keepAsSpare(proc, left);
  }

  /** The next task goes to this process; unused (the save changed nothing that matters), it goes after a while. */
  #keepAsSpare(proc: JobProcess, waitMs = this.#o.spareMs ?? 30_000): void {
    if (this.#closing || !proc.reusable) return proc.stop();
    if (this.#spare) {
      clearTimeout(this.#spare.timer);
      if (this.#spare.proc !== proc) this.#spare.proc.stop();
    }
    const timer = setTimeout(() => {
      if (this.#spare?.proc === proc) this.#spare = undefined;
      proc.stop();
    }, waitMs);
    timer.unref();
    this.#spare = { proc, timer };
  }

  async close(): Promise<void> {
    this.#closing = true;
    if (this.#spare) clearTimeout(this.#spare.timer);
    this.#spare = undefined;
    const all = [...this.#live];
    for (const proc of all) proc.stop();
    await Promise.all(all.map((p) => p.exited));
  }

  killNow(): void {
    this.#closing = true;
    for (const proc of this.#live) proc.kill();
  }

  #start(purpose: 'spare' | 'warm' | JobTask['kind']): JobProcess {
    const proc = new JobProcess(this.#o.entry ?? new URL('./job-process.js', import.meta.url), this.#graceMs);
    this.#live.add(proc);
    this.#o.onProcess?.({ event: 'started', pid: proc.pid, purpose });
    void proc.exited.then((end) => {
      this.#live.delete(proc);
      if (this.#spare?.proc === proc) {
        clearTimeout(this.#spare.timer);
        this.#spare = undefined;
      }
      this.#o.onProcess?.({ event: 'ended', ...end });
    });
    return proc;
  }

  async #run(kind: JobTask['kind'], snapshot: ConfigSnapshot, control: RunControl, event?: BusinessEvent): Promise<JobAnswer> {
    control.signal.throwIfAborted();
    if (this.#closing) throw new Error('the daemon is stopping: no new job process');
    const task = this.#task(kind, snapshot, control, event);
    let proc: JobProcess;
    if (this.#spare?.proc.reusable) {
      proc = this.#spare.proc;
      clearTimeout(this.#spare.timer);
      this.#o.onProcess?.({ event: 'used', pid: proc.pid, purpose: kind });
    } else {
      proc = this.#start(kind);
    }
    this.#spare = undefined;
    const onAbort = () => proc.stop();
    control.signal.addEventListener('abort', onAbort, { once: true });
    this.#running++;
    let stays = false;
    try {
      const answer = await proc.run(task);
      // With its code: a database out of reach (ECONNREFUSED, SQLITE_BUSY) is a 503 to an HTTP sender, not a 500.
      if (answer.type === 'error') throw Object.assign(new Error(answer.message), answer.code ? { code: answer.code } : {});
      if (answer.type === 'check' && answer.readAhead) this.#o.onProcess?.({ event: 'read ahead', pid: proc.pid });
      if (answer.type === 'check' && answer.stays) {
        stays = true;
        proc.warmedWith = task.hash;
        this.#keepAsSpare(proc);
      }
      return answer;
    } finally {
      control.signal.removeEventListener('abort', onAbort);
      this.#running--;
      // A passed check's process holds the new configuration, which the daemon applies next
      // (keepWarm): it is not asked to read the one it replaces meanwhile.
      if (!stays) this.#rewarm();
    }
  }

  #task(kind: JobTask['kind'], snapshot: ConfigSnapshot, control: Pick<RunControl, 'served' | 'shared'>, event?: BusinessEvent): JobTask {
    return {
      kind, event, dir: snapshot.dir, files: [...snapshot.files], hash: snapshot.hash, dbFile: this.#o.dbFile, feedDir: this.#o.feedDir, served: control.served, shared: control.shared,
    };
  }
}
