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
