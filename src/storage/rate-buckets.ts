import { sql } from 'kysely';
import type { DB } from './database.ts';

/**
 * Token buckets in the database: one per (provider, employee), shared by every daemon on it,
 * so two instances calling the same employee's calendar together stay under the provider's
 * per-user rate. A token is taken in one conditional update (refill, then take one if there is
 * one), so two instances can never take the same token.
 */

export interface BucketRule {
  /** Tokens a full bucket holds (the largest burst). */
  readonly capacity: number;
  /** Tokens added per millisecond. */
  readonly perMs: number;
}

/**
 * The bucket that keeps any window of `windowMs` at or under `limit` calls: a burst of a tenth
 * of the limit, refilled at the rest (burst + refill over one window = the limit).
 */
export function bucketFor(limit: number, windowMs: number): BucketRule {
  const capacity = Math.max(1, Math.floor(limit / 10));
  return { capacity, perMs: Math.max(limit - capacity, 1) / windowMs };
}

/**
 * Takes one token of the bucket at `nowMs`. Returns 0 when taken, otherwise how many
 * milliseconds until one will be there (nothing was taken; try again then).
 */
export async function takeToken(db: DB, provider: string, subject: string, rule: BucketRule, nowMs: number): Promise<number> {
  const now = Math.floor(nowMs);
  if (await take(db, provider, subject, rule, now)) return 0;
  // No token, or no bucket yet (a full one is made; a racing instance's stays as it is).
  await db.insertInto('rate_buckets').values({ provider, subject, tokens: rule.capacity, refilled_ms: now })
    .onConflict((oc) => oc.columns(['provider', 'subject']).doNothing()).execute();
  if (await take(db, provider, subject, rule, now)) return 0;
  const row = await db.selectFrom('rate_buckets').select(['tokens', 'refilled_ms']).where('provider', '=', provider).where('subject', '=', subject).executeTakeFirst();
  if (!row) return 1;
  const have = Math.min(rule.capacity, Number(row.tokens) + Math.max(0, now - Number(row.refilled_ms)) * rule.perMs);
  return Math.max(1, Math.ceil((1 - have) / rule.perMs));
}

/** Refills the bucket to `now` and takes one token, in one conditional update: false when there is none (or no bucket). */
async function take(db: DB, provider: string, subject: string, rule: BucketRule, now: number): Promise<boolean> {
  // The tokens there at `now`: refilled since the last take, never past the capacity; a clock
  // behind the last refill (another instance's clock is ahead) adds nothing. Casts make both
  // databases do the arithmetic in floating point.
  const elapsed = sql<number>`(cast(${now} as bigint) - refilled_ms)`;
  const refilled = sql<number>`case
    when ${elapsed} <= 0 then tokens
    when tokens + ${elapsed} * cast(${rule.perMs} as double precision) >= cast(${rule.capacity} as double precision) then cast(${rule.capacity} as double precision)
    else tokens + ${elapsed} * cast(${rule.perMs} as double precision) end`;
  const res = await db.updateTable('rate_buckets')
    .set({ tokens: sql<number>`${refilled} - 1`, refilled_ms: sql<number>`case when ${elapsed} > 0 then cast(${now} as bigint) else refilled_ms end` })
    .where('provider', '=', provider).where('subject', '=', subject)
    .where(sql<boolean>`${refilled} >= 1`)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
