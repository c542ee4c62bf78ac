import { sql, type RawBuilder } from 'kysely';
import { dialectOf } from './dialect.ts';
import type { DB } from './database.ts';
import type { DaemonJobRow } from './schema.ts';

/** The daemon's jobs and their watermarks as recorded in the database: what survives a restart. */
export async function jobState(db: DB, name: string): Promise<DaemonJobRow> {
  const row = await db.selectFrom('daemon_jobs').selectAll().where('name', '=', name).executeTakeFirst();
  return row ?? {
    name, watermark: null, last_started_at: null, last_finished_at: null, last_result: null, last_error: null,
    last_summary: null, last_duration_ms: null, failures: 0, retry_at: null,
  };
}

export async function allJobStates(db: DB): Promise<DaemonJobRow[]> {
  return db.selectFrom('daemon_jobs').selectAll().orderBy('name').execute();
}

/**
 * Claims a run: the watermark moves to `atIso` only if it is earlier, in one statement, so
 * the same tick can never run twice — not after a restart, not after the clock went back.
 * With `seen`, only if the watermark is still the one the caller read (compare-and-set).
 */
export async function claimRun(db: DB, name: string, atIso: string, requested = false, seen?: { watermark: string | null }): Promise<boolean> {
  await db.insertInto('daemon_jobs').values({ name, failures: 0 }).onConflict((oc) => oc.column('name').doNothing()).execute();
  // A requested run (a reload, a link) is extra: it never moves the watermark back.
  let update = db.updateTable('daemon_jobs')
    .set({
      watermark: requested ? later(db, sql<string>`coalesce(watermark, '')`, atIso) : atIso, last_started_at: atIso, last_result: 'running',
      // A retry taken is no longer due: another daemon reading the job meanwhile must not take it too.
      ...(requested ? {} : { retry_at: null }),
    })
    .where('name', '=', name);
  if (!requested) update = update.where((eb) => eb.or([eb('watermark', 'is', null), eb('watermark', '<', atIso)]));
  // Several daemons on one database: the tick is theirs only if nobody moved the watermark
  // since they read it (another instance, a moment earlier, ran the same tick).
  if (!requested && seen) update = update.where('watermark', seen.watermark === null ? 'is' : '=', seen.watermark);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * A job that waits for its first tick at a first start (the digest, the calendars' read): its
 * watermark set to now, if nobody set one, and nothing else — it has not run, so it has no
 * result, no start and no first success (status showed such a job "ok", last run at the start).
 * Of several daemons starting at once, the first sets it; the others find it set.
 */
export async function markFirstStartWait(db: DB, name: string, atIso: string): Promise<void> {
  await db.insertInto('daemon_jobs').values({ name, failures: 0 }).onConflict((oc) => oc.column('name').doNothing()).execute();
  await db.updateTable('daemon_jobs').set({ watermark: atIso }).where('name', '=', name).where('watermark', 'is', null).execute();
}

/** The later of two ISO instants as text (SQLite's two-argument max is PostgreSQL's greatest; both compare bytes: the column is collated "C" there). */
function later(db: DB, a: RawBuilder<string>, b: string): RawBuilder<string> {
  return dialectOf(db) === 'postgres' ? sql<string>`greatest(${a}, ${b}::text)` : sql<string>`max(${a}, ${b})`;
}

export async function recordSuccess(db: DB, name: string, finishedIso: string, durationMs: number, summary: string): Promise<void> {
  await db.updateTable('daemon_jobs').set({
    last_finished_at: finishedIso, last_result: 'ok', last_error: null, last_summary: summary, last_duration_ms: durationMs, failures: 0, retry_at: null,
  }).where('name', '=', name).execute();
  // The first run that worked, kept (readiness: a first sync that failed is no first sync done).
  await db.insertInto('daemon_info').values({ key: `${FIRST_SUCCESS}${name}`, value: finishedIso }).onConflict((oc) => oc.column('key').doNothing()).execute();
}

/** daemon_info's key of a job's first successful run (`job.first_ok.sync`). */
export const FIRST_SUCCESS = 'job.first_ok.';

/**
 * A run that did not succeed. `counted` false: one stopped for a newer run of itself (a newer
 * configuration's), which is no failure in a row — the retries' back-off does not grow for it.
 */
export async function recordFailure(db: DB, name: string, finishedIso: string, durationMs: number, error: string, retryAtIso: string, counted = true): Promise<number> {
  const row = await db.updateTable('daemon_jobs').set((eb) => ({
    last_finished_at: finishedIso, last_result: 'failed', last_error: error, last_duration_ms: durationMs,
    failures: counted ? eb('failures', '+', 1) : eb.ref('failures'), retry_at: retryAtIso,
  })).where('name', '=', name).returning('failures').executeTakeFirst();
  return row?.failures ?? 1;
}

/**
 * The runs still marked running when a daemon that works alone starts: cut short by the end of
 * the one before (no other process can be running them). Recorded as interrupted, due again now.
 */
export async function recordCutShort(db: DB, nowIso: string): Promise<string[]> {
  const rows = await db.updateTable('daemon_jobs').set({
    last_finished_at: nowIso, last_result: 'failed', retry_at: nowIso,
    last_error: 'interrupted: the daemon ended while it ran (killed?); it ran again at the next start',
  }).where('last_result', '=', 'running').returning('name').execute();
  return rows.map((r) => r.name);
}

/**
 * A run whose daemon died while it ran (several daemons on one database: its heartbeat stopped),
 * recorded as interrupted and due again now, as a lone daemon records its own at its next start;
 * only if it is still that run (started at `startedAt`, still running). Left as it was, the run
 * showed as running, then STUCK, and a first sync kept every other daemon unready until its next tick.
 */
export async function recordInterrupted(db: DB, name: string, startedAt: string, nowIso: string, who: string): Promise<boolean> {
  const res = await db.updateTable('daemon_jobs').set({
    last_finished_at: nowIso, last_result: 'failed', retry_at: nowIso,
    last_error: `interrupted: the daemon that ran it (${who}) stopped answering while it ran (killed?); it runs again now`,
  }).where('name', '=', name).where('last_result', '=', 'running').where('last_started_at', '=', startedAt).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Facts the daemon publishes for `status`, `/readyz` and the dashboard (its URL, a job's time-out, a provider's state). */
export async function setInfo(db: DB, values: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    await db.insertInto('daemon_info').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  }
}

export async function getInfo(db: DB): Promise<Record<string, string>> {
  const rows = await db.selectFrom('daemon_info').selectAll().execute();
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}
