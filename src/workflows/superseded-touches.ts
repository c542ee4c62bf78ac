import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import type { TouchRow } from '../storage/schema.ts';
import { recordOutcome } from '../storage/touch-outcomes.ts';
import { seriesTouches, type SeriesTouch } from '../storage/workflow-repository.ts';
import { isOverdue } from './overdue.ts';

/** What makes an overdue touch pointless: a later touch of its rule's series, or the successor's introduction after a handover's notice. */
const LATER = { series: 'a later touch of its series', intro: 'the successor\'s introduction to the same contact' } as const;

/** The history line of a touch closed as superseded: what superseded it, its short id, and the day it was done (none: overdue too). */
export const SUPERSEDED = /^closed as missed: (a later touch of its series|the successor's introduction to the same contact) \(([0-9a-f]{8})\) (?:was done on (\d{4}-\d{2}-\d{2})|is overdue too)$/;

/** Whether a SUPERSEDED line's first group is a handover's introduction. */
export function byIntroduction(what: string): boolean {
  return what === LATER.intro;
}

/**
 * The series of the touch that supersedes this one, once done or overdue: a rule's own series
 * (a later period's touch), or, for a handover's notice ("your manager changes"), the successor's
 * introduction to the same contact — a notice not sent by then tells of a change already made.
 */
function supersedingSeries(config: Config, t: Pick<TouchRow, 'source' | 'series' | 'moved_by_user'>): { series: string; what: keyof typeof LATER; doneOnly?: true } | undefined {
  // Put on its day by its holder (moved in the calendar, snoozed): theirs, whatever came after it.
  if (t.moved_by_user === 1) return undefined;
  if (t.source.startsWith('rule:')) {
    // A chain (anchor: last): its touches after an open one are planned after it, and are not
    // moved on as overdue beside it (daily.ts waitsOnEarlierOfChain); one of them done (the wrong one of a client's two events) is the
    // chain's contact, which it goes on from (chain-start.ts): the overdue one is then missed.
    const rule = config.rules.find((r) => r.id === t.source.slice(5));
    return { series: t.series, what: 'series', ...(rule?.anchor === 'last' ? { doneOnly: true as const } : {}) };
  }
  if (t.source.startsWith('handover:') && t.series.endsWith('|notice')) return { series: `${t.series.slice(0, -'notice'.length)}intro`, what: 'intro' };
  return undefined;
}

/**
 * Overdue touches a later touch makes pointless, closed as missed instead of rolling on: a
 * rule's touch whose series (the same rule, client and contacts) has a later period's touch done
 * (February's and March's missed calls to a buyer, April's call made) or overdue itself; a
 * handover's notice whose introduction by the successor is done or overdue. Left open, each
 * rolled forward every morning — a buyer just called had two more "overdue" calls to her on one
 * day, and a notice of a change made weeks before stayed in the overdue list. The reports count
 * them as missed (a skip by nobody, touch-outcome.ts), their history says why, their events
 * leave the calendars. Only what was read now decides: a touch done or overdue, not an error.
 */
export async function closeSupersededTouches(db: DB, config: Config, candidates: readonly TouchRow[], today: string, nowIso: string): Promise<Map<string, string>> {
  const overdue = candidates.flatMap((t) => {
    const by = isOverdue(config, t, today) ? supersedingSeries(config, t) : undefined;
    return by ? [{ touch: t, ...by }] : [];
  });
  // Each touch closed, with the later one that closed it (done, or overdue too).
  const closed = new Map<string, string>();
  if (overdue.length === 0) return closed;
  const bySeries = new Map<string, SeriesTouch[]>();
  for (const t of await seriesTouches(db, overdue.map((o) => ({ client: o.touch.client_id, series: o.series })))) {
    const list = bySeries.get(t.series);
    if (list) list.push(t);
    else bySeries.set(t.series, [t]);
  }
  for (const { touch, series, what, doneOnly } of overdue) {
    const later = (bySeries.get(series) ?? []).filter((o) => o.id !== touch.id && o.window_from > touch.window_to);
    const done = later.filter((o) => o.status === 'done').sort((a, b) => a.window_from.localeCompare(b.window_from))[0];
    const late = done || doneOnly ? undefined : later.find((o) => o.status === 'planned' && isOverdue(config, o, today));
    const by = done ?? late;
    if (!by) continue;
    const detail = `closed as missed: ${LATER[what]} (${by.id.slice(0, 8)}) ${done ? `was done on ${done.resolved_date ?? done.date}` : 'is overdue too'}`;
    const result = await recordOutcome(db, touch.id, { status: 'skipped', at: nowIso, by: null, note: null, detail, cause: 'overdue' });
    if (result.recorded) closed.set(touch.id, by.id);
  }
  return closed;
}
