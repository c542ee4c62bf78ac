import { counted } from '../domain/english-count.ts';
import { emptySummary, saveCounts } from '../storage/plan-save-rules.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../domain/types.ts';
import type { CalendarPort, ProviderName } from '../calendar/port.ts';
import type { DB } from '../storage/database.ts';
import type { SyncOptions } from '../sync/sync-calendars.ts';
import { planAndSync } from '../sync/pass.ts';
import { runDailyWorkflows } from '../workflows/daily.ts';
import { runWeeklyDigest } from '../workflows/digest.ts';
import { writeQueueSummary } from '../storage/calendar-sync-repository.ts';
import { refreshDashboardSafely } from '../dashboard/refresh.ts';
import { dispatchDue, type SharedRun } from './dispatch-pass.ts';
import { employeeById } from '../domain/config-index.ts';
import { localValue, MISSED_LOGGED_VALUE, setLocalValue } from '../storage/local-secrets.ts';
import { daysBetween } from '../planner/dates.ts';
import { MISSED_STEP_DAYS } from '../planner/rule-demands.ts';
import type { PlanWarning } from '../planner/plan.ts';

/**
 * What the daemon's jobs do; each runs in a child process (or in-process in tests). `dispatch`
 * is not a scheduled job: every daemon sharing a database runs it often (dispatch-pass.ts).
 */
export type WorkKind = 'sync' | 'calendars' | 'daily' | 'digest' | 'dispatch';

/** A job's outcome in plain data: it crosses from the job process to the daemon. */
export interface WorkReport {
  readonly summary: string;
  readonly planned: number;
  readonly written: number;
  readonly retried: number;
  readonly failed: number;
  /** Provider errors by "provider:code". */
  readonly errors: readonly (readonly [string, number])[];
  /** Employees whose calendar refused us, and why. */
  readonly paused: readonly (readonly [string, string])[];
  /** Employees whose calendar could not be read for their moves and deletions, and why. */
  readonly unread?: readonly (readonly [string, string])[];
  /**
   * The plan's touches missed before they were ever planned (a sequence's step, a handover's
   * notice: plan.ts missedStep), as "source at client: what", the first MISSED_LOGGED of them, and
   * how many: the daemon logs them, as `once` prints them (QA: a late handover's were nowhere).
   */
  readonly missed?: { readonly first: readonly string[]; readonly count: number };
  /** The providers this run wrote to, and whether all went well there. */
  readonly providers: readonly { readonly provider: string; readonly ok: boolean }[];
  readonly feeds: number;
  /** Cut short by the stop (or a newer configuration): what it did is recorded, the rest waits for the next run. */
  readonly stopped?: boolean;
}

export interface WorkDeps {
  readonly db: DB;
  readonly config: Config;
  readonly clock: Clock;
  readonly feedDir: string;
  readonly ports: Partial<Record<ProviderName, CalendarPort>>;
  readonly signal: AbortSignal;
  readonly dispatch?: SyncOptions['dispatch'];
  /** Several daemons share the database: calendars are claimed for this one, rate limits kept in the database. */
  readonly shared?: SharedRun | undefined;
}

/**
 * sync: re-plan the horizon and push the changes (the frequent job); calendars: the same,
 * after reading the employees' calendars for events they moved or deleted; daily: the
 * overdue and silence checks, then the same for the new day; digest: the directors' weekly
 * digest, then the same.
 */
export async function doWork(kind: WorkKind, deps: WorkDeps): Promise<WorkReport> {
  const { db, config, clock } = deps;
  if (kind === 'dispatch') return dispatchAndReport(deps);
  const now = clock.now();
  let checks = '';
  if (kind === 'daily') {
    const r = await runDailyWorkflows(db, config, now);
    checks = `checks: ${r.overdueMoved} overdue moved, ${r.overdueEscalated} escalated; ${counted(r.silent, 'silent client')}, ${counted(r.silenceAlerts, 'new alert')}, ${r.silenceEscalated} escalated; ${counted(r.cleared, 'alert')} cleared; ${r.cancelled > 0 ? `${counted(r.cancelled, 'touch', 'touches')} no longer in the plan cancelled; ` : ''}`;
  }
  if (kind === 'digest') checks = `digest: ${await runWeeklyDigest(db, config, now)} new; `;
  if (deps.signal.aborted) return { ...report('stopped before the calendars were written', 0), stopped: true };
  const passed = await passAndReport(kind, deps, checks);
  // The dashboard's figures after the calendars (people wait for their calendars; the pages say
  // as of when their figures are), and only when the plan, the history or the day changed. The
  // pass's plan and operations are out of reach by now: the snapshot's memory does not add to them.
  const dashboard = deps.signal.aborted ? '' : await refreshDashboardSafely(db, config, clock.now());
  return { ...passed, summary: `${passed.summary}${dashboard}`, stopped: deps.signal.aborted };
}

/** How many missed touches a pass's report names (the rest are counted): a new rule's first plan can miss many. */
const MISSED_LOGGED = 20;

/** At most this many kept: past it, the oldest are forgotten (and logged again, if a plan still misses them). */
const LOGGED_MISSED_KEPT = 5_000;

/**
 * Of a plan's missed touches, those no pass logged yet: each is missed at every plan for a month
 * (a day's first pass, an edit of its client, every daemon sharing the database), and was logged
 * as often (review). The ones logged are kept until their days are a month past.
 */
async function notLoggedYet(db: DB, missed: readonly PlanWarning[], today: string): Promise<PlanWarning[]> {
  if (missed.length === 0) return [];
  let logged: Record<string, string> = {};
  try {
    logged = JSON.parse(await localValue(db, MISSED_LOGGED_VALUE) ?? '{}') as Record<string, string>;
  } catch {
    // Unreadable (cut short by hand): logged again, as a first time.
  }
  const known = new Map(Object.entries(logged).filter(([, to]) => typeof to === 'string' && daysBetween(to, today) <= MISSED_STEP_DAYS + 1));
  const fresh = missed.filter((w) => !known.has(w.touch));
  if (fresh.length === 0) return [];
  for (const w of fresh) known.set(w.touch, w.window.to);
  const kept = [...known].sort((a, b) => (a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0)).slice(0, LOGGED_MISSED_KEPT);
  await setLocalValue(db, MISSED_LOGGED_VALUE, JSON.stringify(Object.fromEntries(kept)));
  return fresh;
}

/** The plan-and-sync pass and what it did, as plain figures. */
async function passAndReport(kind: WorkKind, deps: WorkDeps, checks: string): Promise<WorkReport> {
  const { db, config, clock } = deps;
  // As far as anything changed since the last pass: one client edited re-plans that client and
  // rewrites the calendars of the people who serve it.
  const pass = await planAndSync(db, config, clock, {
    feedDir: deps.feedDir, ports: deps.ports, listOperations: false, keepTouches: () => false, readCalendars: kind === 'calendars' || kind === 'daily',
    dispatch: { ...deps.dispatch, signal: deps.signal, ...(deps.shared ? { claims: { holder: deps.shared.holder, ttlMs: deps.shared.claimTtlMs }, sharedRates: db } : {}) },
  });
  const saved = pass.planned?.saved;
  const synced = pass.synced;
  const d = synced.dispatched!;
  const used = new Set(config.employees.filter((e) => e.calendar !== 'none' && !synced.skipped.has(e.id)).map((e) => e.calendar));
  const errors = new Map(d.errors);
  // A calendar not read is a provider's error as much as a write's: its employee's moves and
  // deletions are not taken in while it lasts. It said "ok" (and the last good sync moved on)
  // while every Google read failed.
  const unread = [...synced.reconciled?.unreadable ?? []];
  for (const [employee, why] of unread) {
    const key = `${employeeById(config, employee)?.calendar ?? 'unknown'}:${/^[a-z_]+/.exec(why)?.[0] ?? 'unknown'}`;
    errors.set(key, (errors.get(key) ?? 0) + 1);
  }
  const troubled = new Set([...errors.keys()].map((k) => k.split(':')[0]!));
  for (const employee of d.paused.keys()) troubled.add(employeeById(config, employee)?.calendar ?? '');
  // Writes still waiting after an error (a retry not yet due, a paused calendar) keep a provider "not ok".
  for (const provider of (await writeQueueSummary(db, clock.now().toUTC().toISO()!)).troubledProviders) troubled.add(provider);
  const moved = synced.reconciled
    ? `; calendars read: ${synced.reconciled.moved} moved, ${synced.reconciled.deleted} deleted by employees${unread.length ? `, ${counted(unread.length, 'calendar')} not read` : ''}` : '';
  const summary = `${checks}plan: ${saveCounts(saved ?? emptySummary())}; `
    + `calendars: ${synced.changes} changes, ${d.done} written, ${d.retried} to retry, ${d.failed} failed, ${d.paused.size} paused${waiting(d)}${moved}${sharing(d)}`;
  const missed = await notLoggedYet(db, (pass.planned?.result.warnings ?? []).filter((w) => w.missedStep), clock.now().setZone(config.settings.timezone).toISODate()!);
  return {
    summary, planned: saved?.inserted ?? 0, written: d.done, retried: d.retried, failed: d.failed,
    errors: [...errors], paused: [...d.paused], unread, feeds: synced.feeds.length,
    ...(missed.length ? { missed: { first: missed.slice(0, MISSED_LOGGED).map((w) => `${w.source} at ${w.client}: ${w.message}`), count: missed.length } } : {}),
    providers: [...used].map((provider) => ({ provider, ok: !troubled.has(provider) })),
  };
}

/** The dispatch pass of a daemon sharing the database (dispatch-pass.ts), as plain figures. */
async function dispatchAndReport(deps: WorkDeps): Promise<WorkReport> {
  if (!deps.shared) throw new Error('a dispatch pass is for daemons sharing the database');
  const { result: d, calendars } = await dispatchDue(deps, deps.shared);
  const troubled = new Set([...d.errors.keys()].map((k) => k.split(':')[0]!));
  const providers = [...new Set(deps.config.employees.filter((e) => e.calendar !== 'none').map((e) => e.calendar))];
  return {
    summary: `dispatch: ${calendars} calendars claimed, ${d.done} written, ${d.settled} settled, ${d.retried} to retry, ${d.failed} failed, ${d.paused.size} paused${sharing(d)}`,
    planned: 0, written: d.done, retried: d.retried, failed: d.failed, errors: [...d.errors], paused: [...d.paused], feeds: 0,
    providers: calendars > 0 ? providers.map((provider) => ({ provider, ok: !troubled.has(provider) })) : [], stopped: deps.signal.aborted,
  };
}

/**
 * The writes this run did not try, their calendar having stopped answering, asked to wait or
 * refused us: they wait for a later run (QA: "278 written, 11 to retry" beside 70 waiting in status).
 */
function waiting(d: { unanswered: number; slowed: number; held: number }): string {
  const n = d.unanswered + d.slowed + d.held;
  return n > 0 ? `, ${n} left for a later run` : '';
}

function sharing(d: { elsewhere: number; fenced: number }): string {
  return `${d.elsewhere ? `; ${d.elsewhere} calendars worked by another daemon` : ''}${d.fenced ? `; ${d.fenced} stopped: their claim ran out` : ''}`;
}

function report(summary: string, planned: number): WorkReport {
  return { summary, planned, written: 0, retried: 0, failed: 0, errors: [], paused: [], providers: [], feeds: 0 };
}
