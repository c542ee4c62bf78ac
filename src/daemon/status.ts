import { DateTime } from 'luxon';
import type { DB } from '../storage/database.ts';
import { CronSchedule } from './cron-schedule.ts';
import { shownErrors } from '../config/config-issue.ts';
import { allJobStates, getInfo } from '../storage/job-repository.ts';
import { readFailures, writeQueueSummary } from '../storage/calendar-sync-repository.ts';
import { leftoverSummary } from '../storage/calendar-addresses.ts';
import { sharedWorkView, type InstanceStatus } from './shared-work-view.ts';

export interface JobStatus {
  readonly name: string;
  readonly schedule: string | undefined;
  readonly lastStarted: string | null;
  readonly lastFinished: string | null;
  readonly lastResult: string | null;
  readonly lastSummary: string | null;
  readonly lastError: string | null;
  readonly failuresInARow: number;
  readonly nextRun: string | undefined;
  /** While it runs: for how long, and whether that is past its time limit. */
  readonly runningSeconds?: number;
  readonly limitSeconds?: number;
  readonly overLimit?: boolean;
}

export interface DaemonStatus {
  readonly pid: number | undefined;
  readonly startedAt: string | undefined;
  readonly stoppedAt: string | undefined;
  readonly url: string | undefined;
  /** The rejected change's errors (the first SHOWN_ISSUES of them), and how many it had in all. */
  readonly configErrors: readonly string[];
  readonly configErrorCount: number;
  /** The configuration folder the daemon last ran on, and the hash of the files it last applied or rejected there. */
  readonly configDir: string | undefined;
  readonly configHash: string | undefined;
  readonly jobs: readonly JobStatus[];
  /** Calendar writes still to make: pending (due now or waiting), unresolved (a lost answer to read back), failed (refused as invalid). */
  readonly outbox: { readonly pending: number; readonly dueNow: number; readonly failed: number; readonly unresolved: number };
  /** Calendar entries refused as invalid, by calendar: they wait for their touch to change. */
  readonly refusedWrites: readonly { readonly employee: string; readonly provider: string; readonly count: number; readonly error: string }[];
  /** Employees whose calendar writes wait after a refusal (auth, quota), with the last error. */
  readonly waitingEmployees: readonly { readonly employee: string; readonly error: string; readonly until: string }[];
  /**
   * Calendars whose last read failed (their employee's moves and deletions wait for a read that
   * works), until a later read succeeds: since when in a row, the last failure and its reason.
   */
  readonly unreadCalendars: readonly { readonly employee: string; readonly provider: string; readonly since: string; readonly failedAt: string; readonly error: string }[];
  /** Events still to delete from calendars no longer used (an old address, an employee removed), with the last error. */
  readonly leftovers: { readonly count: number; readonly lastError: string | undefined };
  readonly providers: Readonly<Record<string, string>>;
  /** The company's zone: schedules run in it. */
  readonly timezone: string;
  /**
   * Daemons sharing the work on this database (PostgreSQL; README, "Running several daemons"):
   * each live one and those recently dead, with the calendars each holds. Empty for SQLite's single daemon.
   */
  readonly instances: readonly InstanceStatus[];
}

/** A pause without an end (credentials): in the JSON as these words; `status` says them in the company's language. */
export const UNTIL_NEXT_SYNC = 'the next sync (tried again at every sync)';

/** What the daemon is doing, from the database alone: works whether the daemon runs or not. */
export async function daemonStatus(db: DB, now: DateTime): Promise<DaemonStatus> {
  const info = await getInfo(db);
  const schedules = info.schedules ? (JSON.parse(info.schedules) as Record<string, string>) : {};
  const zone = info.timezone ?? 'UTC';
  const jobs = (await allJobStates(db)).map((j): JobStatus => {
    const expression = schedules[j.name];
    let nextRun: string | undefined;
    if (j.retry_at) nextRun = j.retry_at;
    else if (expression) {
      const schedule = new CronSchedule(expression, zone);
      nextRun = schedule.nextAfter(j.watermark ? DateTime.fromISO(j.watermark) : now).setZone(zone).toISO()!;
      schedule.dispose();
    }
    const limits = info.limits ? (JSON.parse(info.limits) as { job: number }) : undefined;
    const runningMs = j.last_result === 'running' && j.last_started_at ? Math.max(0, now.diff(DateTime.fromISO(j.last_started_at)).toMillis()) : undefined;
    return {
      ...(runningMs !== undefined && limits ? { runningSeconds: Math.round(runningMs / 1000), limitSeconds: limits.job / 1000, overLimit: runningMs > limits.job } : {}),
      name: j.name, schedule: expression, lastStarted: j.last_started_at, lastFinished: j.last_finished_at, lastResult: j.last_result,
      lastSummary: j.last_summary, lastError: j.last_error, failuresInARow: j.failures, nextRun,
    };
  });
  // A job no daemon has looked at yet (one killed in its first seconds): not run yet, as one that
  // waits for its first tick (QA: the calendars' read and the digest were missing from status).
  for (const [name, expression] of Object.entries(schedules)) {
    if (jobs.some((j) => j.name === name)) continue;
    const schedule = new CronSchedule(expression, zone);
    jobs.push({ name, schedule: expression, lastStarted: null, lastFinished: null, lastResult: null, lastSummary: null, lastError: null, failuresInARow: 0, nextRun: schedule.nextAfter(now).setZone(zone).toISO()! });
    schedule.dispose();
  }
  jobs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const nowIso = now.toUTC().toISO()!;
  const queue = await writeQueueSummary(db, nowIso);
  const leftovers = await leftoverSummary(db);
  const waiting = new Map<string, { employee: string; error: string; until: string }>();
  for (const p of queue.pauses) waiting.set(p.employee_id, { employee: p.employee_id, error: `${p.code}: ${p.reason}`, until: p.until ?? UNTIL_NEXT_SYNC });
  for (const w of queue.waiting) {
    if (!waiting.has(w.employee) && w.lastError && w.nextAttemptAt && w.nextAttemptAt > nowIso) waiting.set(w.employee, { employee: w.employee, error: w.lastError, until: w.nextAttemptAt });
  }
  const instances = (await sharedWorkView(db, now)).instances;
  // Daemons sharing the work keep one record of the last to start: when that one has died since,
  // a live one of them is named instead (QA: a killed daemon's pid and address shown as running).
  const recorded = { pid: info.pid ? Number(info.pid) : undefined, startedAt: info.started_at || undefined, url: info.url || undefined };
  const alive = instances.filter((i) => i.live);
  const named = alive.length === 0 || alive.some((i) => i.pid === recorded.pid && (i.url || undefined) === recorded.url) ? recorded
    : { pid: alive[0]!.pid, startedAt: alive[0]!.startedAt, url: alive[0]!.url || undefined };
  return {
    pid: named.pid, startedAt: named.startedAt, stoppedAt: info.stopped_at || undefined, url: named.url,
    ...configErrorsOf(info.config_errors),
    configDir: info.config_dir || undefined, configHash: info.config_hash || undefined,
    jobs,
    outbox: { pending: queue.pending, dueNow: queue.dueNow, failed: queue.failed, unresolved: queue.unresolved },
    waitingEmployees: [...waiting.values()],
    refusedWrites: queue.refused.map((r) => ({ employee: r.employee, provider: r.provider, count: r.count, error: r.lastError ?? '' })),
    unreadCalendars: (await readFailures(db)).map((r) => ({ employee: r.employee_id, provider: r.provider, since: r.since, failedAt: r.failed_at, error: `${r.code}: ${r.reason}` })),
    leftovers: { count: leftovers.count, lastError: leftovers.lastError },
    timezone: zone,
    instances,
    providers: Object.fromEntries(Object.entries(info).filter(([k]) => k.startsWith('provider.')).map(([k, v]) => [k.slice('provider.'.length), v])),
  };
}

/** The rejected change's errors as the daemon recorded them (shownIssueLines). */
function configErrorsOf(recorded: string | undefined): { configErrors: string[]; configErrorCount: number } {
  const { errors, count } = shownErrors(recorded ? (JSON.parse(recorded) as string[]) : []);
  return { configErrors: errors, configErrorCount: count };
}
