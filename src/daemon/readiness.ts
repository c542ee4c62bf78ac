import { UNDER_DAEMON, unknownMigrations, type DB } from '../storage/database.ts';
import { allJobStates, FIRST_SUCCESS, getInfo } from '../storage/job-repository.ts';
import { pingDatabase } from '../storage/health-queries.ts';
import type { DateTime } from 'luxon';
import { sharedWorkView, type SharedWorkView } from './shared-work-view.ts';

/** The run in flight, as the daemon sees it (monotonic milliseconds, like the limit's timer). */
export interface RunningJob {
  readonly job: string;
  readonly startedMs: number;
  readonly limitMs: number;
}

export interface Readiness {
  readonly ready: boolean;
  /** Why not, in a sentence each (absent when ready). */
  readonly reasons?: readonly string[];
  readonly [detail: string]: unknown;
}

/**
 * /readyz answers anyone who reaches the daemon's port, without a token: it says states, never an
 * error's text — those name files, paths, servers and people, and are for `touchbase status` and
 * /api/status, behind the token (README, HTTP).
 *
 * Ready means: the database answers, and is of this version's schema (not upgraded since by a
 * newer touchbase, under which every job fails until the daemon restarts with it), the first sync
 * is done, and no job is jammed — none has run past its time limit, and none's last run was
 * killed for it (until a run of it succeeds).
 * A rejected configuration change does not make the daemon unready: it runs on the last valid one.
 */
export async function readinessOf(
  db: DB, o: { configRejected: boolean; running: RunningJob | undefined; nowMs: number; shared?: { now: DateTime; self: string } | undefined },
): Promise<Readiness> {
  let database = 'ok';
  try {
    await pingDatabase(db);
  } catch {
    return { ready: false, database: 'does not answer', reasons: ['the database does not answer (why: touchbase status, or the log)'] };
  }
  const info = await getInfo(db);
  const jobs = await allJobStates(db);
  const reasons: string[] = [];
  const newer = await unknownMigrations(db);
  if (newer.length > 0) reasons.push(`a newer version of touchbase upgraded the database since this daemon started (migration${newer.length > 1 ? 's' : ''} ${newer.join(', ')}): every job fails until the daemon is restarted with that version`);
  // touchbase was upgraded under this daemon: its job processes, started from the new files, refuse the database it has not upgraded.
  else if (jobs.some((j) => j.last_result === 'failed' && j.last_error?.includes(UNDER_DAEMON))) reasons.push('touchbase was upgraded since this daemon started: its jobs, run by the new version, wait for it to upgrade the database — restart the daemon');
  const sync = jobs.find((j) => j.name === 'sync');
  // Done once a sync has worked: one that failed (a full disk) wrote nobody's calendar.
  const firstSyncDone = !!info[`${FIRST_SUCCESS}sync`] || sync?.last_result === 'ok';
  if (!firstSyncDone) reasons.push(sync?.last_result === 'failed' ? 'no sync has worked yet (why: touchbase status, or the log)' : 'the first sync has not finished yet');
  const r = o.running;
  if (r && o.nowMs - r.startedMs > r.limitMs) {
    reasons.push(`job ${r.job} has run for ${Math.round((o.nowMs - r.startedMs) / 1000)} s, over its limit of ${Math.round(r.limitMs / 1000)} s: it is being stopped`);
  }
  // A time-out is remembered until a run of that job succeeds (set and cleared by the daemon's jobs).
  for (const [key, value] of Object.entries(info)) {
    if (key.startsWith('timeout.') && value) reasons.push(`job ${key.slice('timeout.'.length)} ${value}; ready again once a run of it succeeds`);
  }
  const providers = Object.fromEntries(Object.entries(info).filter(([k]) => k.startsWith('provider.')).map(([k, v]) => [k.slice('provider.'.length), v]));
  // Several daemons on the database: every one, live or recently dead (a dead one does not make this one unready).
  const shared: Partial<SharedWorkView> = o.shared ? await sharedWorkView(db, o.shared.now, o.shared.self) : {};
  return {
    ...shared,
    ready: reasons.length === 0, ...(reasons.length ? { reasons } : {}), database, firstSync: firstSyncDone ? 'done' : sync?.last_result === 'failed' ? 'failed' : 'running',
    jobs: Object.fromEntries(jobs.map((j) => [j.name, j.last_result ?? 'never run'])),
    config: o.configRejected ? 'last change rejected; running on the last valid configuration' : 'ok', providers,
  };
}
