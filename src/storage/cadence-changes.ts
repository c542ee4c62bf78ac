import { sql } from 'kysely';
import type { DB } from './database.ts';
import type { CadenceChanged } from './plan-save-rules.ts';

/**
 * Of the carried touches whose rule's cadence changed (plan-save-rules.ts cadenceChanged), those
 * whose new period already has a touch of their series done: January's open call of a monthly
 * rule made quarterly, February's call done — the first quarter has its call, and the January one
 * gives way (left open, it was moved forward every morning beside the next quarter's). One look
 * up a touch, by the (series, status) index.
 */
export async function coveredByDone(db: DB, changed: readonly CadenceChanged[]): Promise<string[]> {
  const covered: string[] = [];
  for (const c of changed) {
    const done = await db.selectFrom('touches').select('id')
      .where('series', '=', c.series).where('status', '=', 'done').where('id', '!=', c.id)
      .where(sql<string>`coalesce(resolved_date, date)`, '>=', c.period.from).where(sql<string>`coalesce(resolved_date, date)`, '<=', c.period.to)
      .limit(1).executeTakeFirst();
    if (done) covered.push(c.id);
  }
  return covered;
}
