import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import type { TouchRow } from '../storage/schema.ts';
import { recordOutcome } from '../storage/touch-outcomes.ts';
import { seriesTouches } from '../storage/workflow-repository.ts';
import { isOverdue } from './overdue.ts';

/** The history line of a touch closed because a later one of its series was done. */
export const SUPERSEDED_BY_DONE = /^closed as missed: a later touch of its series \(([0-9a-f]{8})\) was done on (\d{4}-\d{2}-\d{2})$/;
/** The history line of a touch closed because a later one of its series is overdue too. */
export const SUPERSEDED_BY_OVERDUE = /^closed as missed: a later touch of its series \(([0-9a-f]{8})\) is overdue too$/;

/**
 * Overdue touches of a rule that a later touch of the same series (the same rule, client and
 * contacts, a later period) makes pointless: that one is done (February's and March's missed
 * calls to a buyer, April's call made), or is overdue itself. Left open, each rolled forward
 * every morning, and a buyer just called had two more "overdue" calls to her on one day — for
 * ever, the overdue list growing. They are closed as missed: the reports count them as missed
 * (a skip by nobody, touch-outcome.ts), their history says why, their events leave the
 * calendars. Only what was read now decides: a touch done or overdue, not an error.
 */
export async function closeSupersededTouches(db: DB, config: Config, candidates: readonly TouchRow[], today: string, nowIso: string): Promise<Set<string>> {
  const overdue = candidates.filter((t) => t.source.startsWith('rule:') && isOverdue(config, t, today));
  const closed = new Set<string>();
  if (overdue.length === 0) return closed;
  const bySeries = new Map<string, Awaited<ReturnType<typeof seriesTouches>>>();
  for (const t of await seriesTouches(db, overdue.map((t) => t.series))) {
    const list = bySeries.get(t.series);
    if (list) list.push(t);
    else bySeries.set(t.series, [t]);
  }
  for (const touch of overdue) {
    const later = (bySeries.get(touch.series) ?? []).filter((o) => o.id !== touch.id && o.window_from > touch.window_to);
    const done = later.filter((o) => o.status === 'done').sort((a, b) => a.window_from.localeCompare(b.window_from))[0];
    const late = done ? undefined : later.find((o) => o.status === 'planned' && isOverdue(config, o, today));
    const by = done ?? late;
    if (!by) continue;
    const detail = done
      ? `closed as missed: a later touch of its series (${done.id.slice(0, 8)}) was done on ${done.resolved_date ?? done.date}`
      : `closed as missed: a later touch of its series (${by.id.slice(0, 8)}) is overdue too`;
    const result = await recordOutcome(db, touch.id, { status: 'skipped', at: nowIso, by: null, note: null, detail, cause: 'overdue' });
    if (result.recorded) closed.add(touch.id);
  }
  return closed;
}
