import type { DB } from './database.ts';
import type { TouchRow } from './schema.ts';

/** One-click tokens already used, kept by the hash of the token (never the token itself). */

export async function isTokenUsed(db: DB, tokenHash: string): Promise<boolean> {
  return !!(await db.selectFrom('used_links').select('used_at').where('token_hash', '=', tokenHash).executeTakeFirst());
}

export async function recordUsedToken(db: DB, row: { tokenHash: string; touchId: string; action: string; at: string }): Promise<void> {
  await db.insertInto('used_links').values({ token_hash: row.tokenHash, touch_id: row.touchId, action: row.action, used_at: row.at }).execute();
}

/** Makes a touch's used links of `action` usable again (after their click was undone). */
export async function forgetUsedTokens(db: DB, touchId: string, action: string): Promise<void> {
  await db.deleteFrom('used_links').where('touch_id', '=', touchId).where('action', '=', action).execute();
}

/** A touch as the one-click pages show it, or undefined. */
export async function touchById(db: DB, touchId: string): Promise<TouchRow | undefined> {
  return db.selectFrom('touches').selectAll().where('id', '=', touchId).executeTakeFirst();
}

/** How many times each touch was snoozed by link (touches never snoozed are absent). */
export async function snoozeCounts(db: DB): Promise<Map<string, number>> {
  const rows = await db.selectFrom('used_links').select(['touch_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('action', '=', 'snooze').groupBy('touch_id').execute();
  return new Map(rows.map((r) => [r.touch_id, Number(r.n)]));
}

/**
 * The version of each touch's one-click links (touches at version 0 are absent): its snoozes by
 * link and the times it changed hands. Each rewrites the event with links of the next version,
 * and a link of an earlier one is outdated — the one in the calendar of whoever held the touch
 * before (a colleague, a leaver) no longer marks what is now someone else's.
 */
export async function linkVersions(db: DB): Promise<Map<string, number>> {
  const versions = await snoozeCounts(db);
  const handed = await db.selectFrom('touch_events').select(['touch_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('type', '=', 'reassigned').groupBy('touch_id').execute();
  for (const r of handed) versions.set(r.touch_id, (versions.get(r.touch_id) ?? 0) + Number(r.n));
  return versions;
}

/** The version of one touch's links (see linkVersions). */
export async function linkVersion(db: DB, touchId: string): Promise<number> {
  const snoozes = await db.selectFrom('used_links').select((eb) => eb.fn.countAll<number>().as('n')).where('touch_id', '=', touchId).where('action', '=', 'snooze').executeTakeFirst();
  const handed = await db.selectFrom('touch_events').select((eb) => eb.fn.countAll<number>().as('n')).where('touch_id', '=', touchId).where('type', '=', 'reassigned').executeTakeFirst();
  return Number(snoozes?.n ?? 0) + Number(handed?.n ?? 0);
}
