import type { Clock } from '../clock.ts';
import type { Config, Touch } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import type { SaveSummary } from '../storage/touch-repository.ts';
import { localValue, setLocalValue } from '../storage/local-secrets.ts';
import { clientsResolvedSince, employeesHoldingTouchesOf, historyPoint, passHistoryPoint, touchesChangedSince } from '../storage/sync-queries.ts';
import { withdrawSettledAlerts } from '../workflows/daily.ts';
import { horizonWindow, planWithHistory } from '../plan-service.ts';
import type { PlanResult } from '../planner/plan.ts';
import { basisOf, scopeOf, type PassBasis, type PassScope } from './change-scope.ts';
import { linksBaseUrl } from './event-links.ts';
import { linkSecret } from '../http/action-links.ts';
import { feedSecret } from '../calendar/ics/feed-token.ts';
import { syncCalendars, type SyncOptions, type SyncReport } from './sync-calendars.ts';
import { boundHeapGrowth } from '../heap-growth.ts';
import { setInfo } from '../storage/job-repository.ts';

const BASIS = 'sync.basis';

export interface PassResult {
  /** The plan of the horizon, or undefined when nothing a plan depends on changed. */
  readonly planned: { result: PlanResult; saved: SaveSummary | undefined } | undefined;
  readonly synced: SyncReport;
  readonly scope: PassScope;
}

/**
 * One pass of plan and sync over the horizon — what the daemon's jobs, `touchbase once` and
 * `touchbase sync` do — doing only what changed since the last pass reaches: the clients to
 * re-plan and the calendars to rewrite (see change-scope.ts). A change that reaches every touch
 * (or no earlier pass) makes it a full one. The result is the same as a full pass's.
 */
export async function planAndSync(
  db: DB, config: Config, clock: Clock,
  options: SyncOptions & {
    full?: boolean;
    /**
     * Which of the plan's touches the result keeps (default all); the rest are let go before the
     * calendars are worked out — a first sync of a 50,000-client company plans 800,000 of them,
     * and holding them through the sync was a quarter of its memory.
     */
    keepTouches?: (t: Touch) => boolean;
    /**
     * Called once the plan is made and before the calendars are worked out: with the plan's
     * touches during their save when the pass planned everyone (it must not use the database
     * then: a first plan is saved by a thread of its own meanwhile), with undefined after an
     * incremental pass's save or when nothing was planned (the stored touches are the plan).
     */
    beforeSync?: (touches: readonly Touch[] | undefined) => Promise<void>;
    /**
     * beforeSync after the whole plan is recorded — the workflows' touches handed over with it
     * too — rather than during its save: what it prints reads them then. Not for a first plan,
     * whose save it overlaps.
     */
    beforeSyncAfterSave?: boolean;
  },
): Promise<PassResult> {
  boundHeapGrowth();
  const now = clock.now();
  const window = horizonWindow(config, now);
  const today = config.employees.map((e) => `${e.timezone}:${now.setZone(e.timezone).toISODate()}`).sort().join(',') || now.toISODate()!;
  // The feed secret names every feed file: a new one (how a leaked address is cut off) needs a
  // full pass, which writes each feed under its new name and removes the files of the old.
  const links = `${await linksBaseUrl(db, config.settings)}|${await linkSecret(db)}|${await feedSecret(db)}`;
  const last = options.full || options.employee || options.dryRun ? undefined : await loadBasis(db);
  // A touch done or skipped since the last pass (a calendar link, the API, a deleted event) ends
  // the alerts it was the reason for: withdrawn now, before the plan, not at the next daily check.
  if (last) for (const client of await clientsResolvedSince(db, last.since)) await withdrawSettledAlerts(db, config, now, client);
  // Only a pass that records its basis needs a point no later line can come in under.
  const saves = !options.dryRun && !options.employee;
  const point = saves ? (await passHistoryPoint(db)) ?? (last ?? await loadBasis(db))?.since ?? 0 : await historyPoint(db);
  const next = basisOf(config, window, today, links, point);
  const scope = last ? scopeOf(config, last, next, await touchesChangedSince(db, last.since)) : { full: true as const, reason: 'a full pass' };

  let planned: PassResult['planned'];
  if (scope.full) {
    planned = await planWithHistory(db, config, window, now, !options.dryRun, undefined, options.beforeSyncAfterSave ? undefined : options.beforeSync, true);
    if (options.beforeSyncAfterSave) await options.beforeSync?.(planned.result.touches);
  }
  let employees = scope.full ? undefined : new Set(scope.employees);
  if (!scope.full && scope.clients.size > 0) {
    const clients = [...scope.clients];
    // Whoever held these clients' touches before the re-plan and whoever holds them after: a
    // reassigned or handed-over touch leaves one calendar and joins another.
    for (const id of await employeesHoldingTouchesOf(db, clients)) employees!.add(id);
    planned = await planWithHistory(db, config, window, now, true, clients, undefined, true);
    for (const id of await employeesHoldingTouchesOf(db, clients)) employees!.add(id);
  }
  if (!scope.full) await options.beforeSync?.(undefined);
  if (planned && options.keepTouches) planned = { ...planned, result: { ...planned.result, touches: planned.result.touches.filter(options.keepTouches) } };
  const synced = await syncCalendars(db, config, clock, {
    ...options,
    ...(employees && last ? { scope: { employees, since: last.since } } : {}),
  });
  // Kept only when the pass ran to its end: a stopped one is redone.
  if (!options.dryRun && !options.employee && !options.dispatch?.signal?.aborted) await saveBasis(db, next);
  // `status` shows times in the company's zone, also where no daemon ever ran (`sync` from cron).
  if (!options.dryRun) await setInfo(db, { timezone: config.settings.timezone });
  return { planned, synced, scope };
}

async function loadBasis(db: DB): Promise<PassBasis | undefined> {
  const text = await localValue(db, BASIS);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as PassBasis;
  } catch {
    return undefined;
  }
}

async function saveBasis(db: DB, basis: PassBasis): Promise<void> {
  await setLocalValue(db, BASIS, JSON.stringify(basis));
}
