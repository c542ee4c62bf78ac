import { EventEmitter } from 'node:events';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { DateTime } from 'luxon';
import type { Clock } from '../clock.ts';
import type { DB } from '../storage/database.ts';
import { backoffDelay } from '../sync/retry-policy.ts';
import type { CronSchedule } from './cron-schedule.ts';
import { SupersededError } from './time-limits.ts';
import { claimRun, jobState, markFirstStartWait, recordFailure, recordSuccess } from '../storage/job-repository.ts';

export type RunReason = 'first run' | 'schedule' | 'catch-up' | 'retry' | 'requested';

export interface JobRun {
  readonly job: string;
  readonly reason: RunReason;
  /** The tick this run covers (for a catch-up, the first one missed). */
  readonly due: DateTime;
  readonly now: DateTime;
  /** Aborted when the daemon is stopping: stop taking new work, finish what is in flight. */
  readonly signal: AbortSignal;
}

export interface Job {
  readonly name: string;
  readonly schedule: CronSchedule;
  /** Does the work; returns a one-line summary for the log and `touchbase status`. */
  readonly run: (run: JobRun) => Promise<string>;
  /** On the very first start (no watermark yet): run at once, or wait for the first tick (default: run). */
  readonly firstStart?: 'run' | 'wait';
}

/** Typed events tests wait on instead of sleeping. */
export interface SchedulerEvents {
  'job:started': [JobRun];
  'job:finished': [JobRun & { summary: string; durationMs: number }];
  /** `superseded`: stopped for a newer run of it (SupersededError), which follows at once — no failure to alert on. */
  'job:failed': [JobRun & { error: Error; retryAt: DateTime; failures: number; durationMs: number; interrupted: boolean; superseded: boolean }];
  'clock:backwards': [{ job: string; watermark: string; now: string }];
  'timer:late': [{ expected: string; actual: string; lateMs: number }];
  'loop:idle': [{ wakeAt: DateTime }];
  /** A pass could not read or claim its jobs (the database cannot be used: a full disk, a lock held elsewhere); tried again after a pause. */
  'loop:error': [{ error: Error; retryInMs: number }];
}

export interface SchedulerDeps {
  readonly db: DB;
  readonly clock: Clock;
  readonly jobs: readonly Job[];
  /** Waits `ms` or until the signal aborts; injected so tests move a fake clock instead of sleeping. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  /** The longest the loop sleeps before it looks at the clock again (croner's maxDelay). */
  readonly maxSleepMs?: number;
  /** Backoff after a failed run: base and cap of the jittered exponential wait. */
  readonly backoff?: { baseDelayMs: number; maxDelayMs: number };
}

const DEFAULT_BACKOFF = { baseDelayMs: 30_000, maxDelayMs: 30 * 60_000 };
/** A timer this late means the machine slept or the clock jumped: said in the log. */
const LATE_MS = 60_000;
/** How far behind a run's watermark the clock may be before it is said to go backwards (#dueReason). */
const CLOCK_SKEW_MS = 5_000;

async function realSleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleepFor(ms, undefined, { signal });
  } catch {
    // aborted: woken early on purpose
  }
}

/**
 * The run loop. It never trusts its timer: each pass reads the clock and asks every job
 * "is the first tick after your watermark due?". So a machine that slept for a day runs each
 * job once (catch-up), not once per missed tick; a clock that went back finds no tick due
 * until it passes the watermark again; and the watermark is claimed in SQL before the run,
 * so no tick runs twice. Jobs run one at a time, so a sync and a calendar read never interleave.
 */
export class Scheduler extends EventEmitter<SchedulerEvents> {
  readonly #deps: SchedulerDeps;
  #jobs: readonly Job[];
  readonly #requested = new Set<string>();
  /**
   * Retries whose failure could not be written (the full disk that failed the job refuses its
   * record too): kept here, so that the job is tried again at its time and not at its next tick,
   * shown as running meanwhile. Dropped once a run of it is claimed.
   */
  readonly #unrecorded = new Map<string, DateTime>();
  readonly #stopping = new AbortController();
  #wake = new AbortController();
  #loop: Promise<void> | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #sleeping = false;

  constructor(deps: SchedulerDeps) {
    super();
    this.#deps = deps;
    this.#jobs = deps.jobs;
  }

  /** New schedules after a configuration reload; watermarks stay, so nothing runs twice. */
  setJobs(jobs: readonly Job[]): void {
    this.#jobs = jobs;
    this.#wake.abort();
  }

  get signal(): AbortSignal {
    return this.#stopping.signal;
  }

  /** Whether the loop is between passes (asleep until the next tick, a request or a reload). */
  get sleeping(): boolean {
    return this.#sleeping;
  }

  /** Asks for a job to run at the next pass, whatever its schedule (a reload, an event). */
  request(job: string): void {
    this.#requested.add(job);
    this.#wake.abort();
  }

  /** One pass: runs each job that is due now, once. Returns the jobs that ran. */
  async runDue(): Promise<string[]> {
    const ran: string[] = [];
    for (const job of this.#jobs) {
      if (this.#stopping.signal.aborted) break;
      const now = this.#deps.clock.now();
      const reason = await this.#dueReason(job, now);
      if (!reason) continue;
      this.#requested.delete(job.name);
      // Compare-and-set on the watermark this pass read: of several daemons sharing the
      // database that find the same tick due, exactly one runs it.
      if (!(await claimRun(this.#deps.db, job.name, now.toUTC().toISO()!, reason.why === 'requested', { watermark: reason.watermark }))) continue;
      this.#unrecorded.delete(job.name);
      const run: JobRun = { job: job.name, reason: reason.why, due: reason.due, now, signal: this.#stopping.signal };
      const work = this.#execute(job, run);
      this.#running = work;
      await work;
      ran.push(job.name);
    }
    return ran;
  }

  async #dueReason(job: Job, now: DateTime): Promise<{ why: RunReason; due: DateTime; watermark: string | null } | undefined> {
    const state = await jobState(this.#deps.db, job.name);
    const watermark = state.watermark;
    if (this.#requested.has(job.name)) return { why: 'requested', due: now, watermark };
    const unrecorded = this.#unrecorded.get(job.name);
    if (unrecorded) return unrecorded <= now ? { why: 'retry', due: unrecorded, watermark } : undefined;
    if (state.retry_at) {
      const retryAt = DateTime.fromISO(state.retry_at);
      return retryAt <= now ? { why: 'retry', due: retryAt, watermark } : undefined;
    }
    if (!watermark) {
      if (job.firstStart !== 'wait') return { why: 'first run', due: now, watermark };
      await markFirstStartWait(this.#deps.db, job.name, now.toUTC().toISO()!);
      return undefined;
    }
    const mark = DateTime.fromISO(watermark);
    if (mark > now) {
      // A watermark a moment ahead is another daemon's run claimed just after this one read the
      // clock (daemons sharing a database), or their clocks a little apart: waited for, not said.
      if (mark.toMillis() - now.toMillis() > CLOCK_SKEW_MS) this.emit('clock:backwards', { job: job.name, watermark, now: now.toUTC().toISO()! });
      return undefined;
    }
    const due = job.schedule.nextAfter(mark);
    if (due > now) return undefined;
    // More than one tick passed (the machine slept, the clock jumped): one run covers them all.
    return { why: job.schedule.nextAfter(due) <= now ? 'catch-up' : 'schedule', due, watermark };
  }

  async #execute(job: Job, run: JobRun): Promise<void> {
    const { db, clock } = this.#deps;
    this.emit('job:started', run);
    const started = performance.now();
    try {
      const summary = await job.run(run);
      const durationMs = Math.round(performance.now() - started);
      await recordSuccess(db, job.name, clock.now().toUTC().toISO()!, durationMs, summary);
      this.emit('job:finished', { ...run, summary, durationMs });
    } catch (err) {
      let error = err instanceof Error ? err : new Error(String(err));
      const durationMs = Math.round(performance.now() - started);
      const interrupted = this.#stopping.signal.aborted;
      const superseded = !interrupted && error instanceof SupersededError;
      // Unread (the database failing too), it counts as the first failure: its retry still has a time.
      // Stopped for a newer run of itself, it is no failure in a row.
      const failures = ((await jobState(db, job.name).catch(() => undefined))?.failures ?? 0) + (superseded ? 0 : 1);
      let retryAt = clock.now().plus({ milliseconds: Math.max(1_000, backoffDelay(failures, this.#deps.backoff ?? DEFAULT_BACKOFF, this.#deps.random)) });
      if (superseded) retryAt = clock.now();
      if (interrupted) {
        // Cut short by the stop, not failed by itself: it runs again as soon as the daemon starts.
        error = new Error(`interrupted: the daemon stopped while it ran (${error.message}); it runs again at the next start`);
        retryAt = clock.now();
      }
      this.#unrecorded.set(job.name, retryAt);
      await recordFailure(db, job.name, clock.now().toUTC().toISO()!, durationMs, error.message, retryAt.toUTC().toISO()!, !superseded);
      this.#unrecorded.delete(job.name);
      this.emit('job:failed', { ...run, error, retryAt, failures, durationMs, interrupted, superseded });
    }
  }

  /** When the next job is due (a retry or a tick), for the loop's sleep and for status. */
  async nextWake(): Promise<DateTime> {
    let wake: DateTime | undefined;
    const now = this.#deps.clock.now();
    for (const job of this.#jobs) {
      const state = await jobState(this.#deps.db, job.name);
      let at: DateTime;
      const unrecorded = this.#unrecorded.get(job.name);
      if (unrecorded) at = unrecorded;
      else if (state.retry_at) at = DateTime.fromISO(state.retry_at);
      else if (!state.watermark) at = now;
      else at = job.schedule.nextAfter(DateTime.fromISO(state.watermark));
      if (!wake || at < wake) wake = at;
    }
    return wake ?? now.plus({ milliseconds: this.#deps.maxSleepMs ?? 30_000 });
  }

  /** Starts the loop (idempotent). */
  start(): void {
    this.#loop ??= this.#run();
  }

  async #run(): Promise<void> {
    const sleep = this.#deps.sleep ?? realSleep;
    const maxSleep = this.#deps.maxSleepMs ?? 30_000;
    while (!this.#stopping.signal.aborted) {
      // A request from here on aborts this controller, so the sleep below cannot miss it.
      this.#wake = new AbortController();
      let wakeAt: DateTime;
      try {
        await this.runDue();
        if (this.#stopping.signal.aborted) break;
        if (this.#requested.size > 0) continue;
        wakeAt = await this.nextWake();
        this.emit('loop:idle', { wakeAt });
      } catch (error) {
        // The jobs' own failures are recorded by #execute; this is the database failing under the
        // loop itself. The daemon must outlive it (and serve what it can) and try again.
        if (this.#stopping.signal.aborted) break;
        this.emit('loop:error', { error: error instanceof Error ? error : new Error(String(error)), retryInMs: maxSleep });
        wakeAt = this.#deps.clock.now().plus({ milliseconds: maxSleep });
      }
      const before = this.#deps.clock.now();
      // Never sleep long: a suspended machine or a changed clock is noticed within maxSleep.
      const ms = Math.min(maxSleep, Math.max(0, wakeAt.toMillis() - before.toMillis()));
      this.#sleeping = true;
      try {
        await sleep(ms, AbortSignal.any([this.#wake.signal, this.#stopping.signal]));
      } finally {
        this.#sleeping = false;
      }
      const after = this.#deps.clock.now();
      const lateMs = after.toMillis() - before.toMillis() - ms;
      if (lateMs > LATE_MS && !this.#wake.signal.aborted) {
        this.emit('timer:late', { expected: before.plus({ milliseconds: ms }).toUTC().toISO()!, actual: after.toUTC().toISO()!, lateMs });
      }
    }
  }

  /** Stops taking new runs and waits for the one in flight (idempotent). */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#running;
    await this.#loop;
  }
}
