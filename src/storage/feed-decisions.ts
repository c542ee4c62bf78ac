import type { FeedChange, FeedWant } from './feed-repository.ts';

/** A feed event as stored, as far as deciding what to do with it goes. */
export interface StoredFeedEvent {
  readonly sequence: number;
  readonly status: string;
  readonly hash: string | null;
  readonly date: string | null;
}

/** What bringing the feeds to their wanted events writes; each database writes it its own way. */
export interface FeedDecisions {
  readonly inserts: FeedWant[];
  /** Changed, or wanted again after being cancelled: the next SEQUENCE. */
  readonly updates: { readonly want: FeedWant; readonly sequence: number }[];
  readonly cancels: { readonly employee: string; readonly key: string }[];
  readonly changes: FeedChange[];
}

/** The key of an event in `stored`: employee and event key. */
export const feedEventKey = (employee: string, key: string): string => `${employee}\u0000${key}`;

/**
 * The SEQUENCE an event with content `hash` has in its feed once synced: 0 when new, the stored
 * one when unchanged, the next one when its content changed or it was cancelled.
 */
export function feedSequence(row: StoredFeedEvent | undefined, hash: string): number {
  if (!row) return 0;
  return row.status !== 'confirmed' || row.hash !== hash ? row.sequence + 1 : row.sequence;
}

/**
 * The decisions of applyFeedEvents (feed-repository.ts), the same for SQLite and PostgreSQL:
 * a wanted event not stored is inserted, one whose content changed (or that was cancelled) takes
 * the next SEQUENCE, and a stored live event of this period (from `from` on) nobody wants any
 * more is cancelled. Only the events of `only` employees are touched.
 */
export function decideFeedChanges(stored: ReadonlyMap<string, StoredFeedEvent>, wants: readonly FeedWant[], only: ReadonlySet<string>, from: string): FeedDecisions {
  const d: FeedDecisions = { inserts: [], updates: [], cancels: [], changes: [] };
  const wanted = new Set<string>();
  for (const w of wants) {
    if (!only.has(w.employeeId)) continue;
    const k = feedEventKey(w.employeeId, w.key);
    wanted.add(k);
    const row = stored.get(k);
    if (!row) {
      d.inserts.push(w);
      d.changes.push({ op: 'create', employeeId: w.employeeId, key: w.key });
    } else if (row.status !== 'confirmed' || row.hash !== w.hash) {
      d.updates.push({ want: w, sequence: feedSequence(row, w.hash) });
      d.changes.push({ op: row.status === 'confirmed' ? 'update' : 'create', employeeId: w.employeeId, key: w.key });
    }
  }
  for (const [k, row] of stored) {
    if (wanted.has(k) || row.status !== 'confirmed' || (row.date ?? '') < from) continue;
    const [employee, key] = k.split('\u0000') as [string, string];
    d.cancels.push({ employee, key });
    d.changes.push({ op: 'delete', employeeId: employee, key });
  }
  return d;
}

/**
 * The events other feeds still show live (on a day before the window: `liveElsewhere` says which)
 * that these decisions give to a feed (created there, or back after a cancel): a key is one
 * touch's, in one feed at a time (a group's key names its employee). Those already cancelled by
 * the decisions are not listed twice.
 */
export function leavingOtherFeeds(d: FeedDecisions, liveElsewhere: (key: string, employee: string) => readonly string[]): { employee: string; key: string }[] {
  const cancelled = new Set(d.cancels.map((c) => feedEventKey(c.employee, c.key)));
  const away: { employee: string; key: string }[] = [];
  for (const c of d.changes) {
    if (c.op !== 'create') continue;
    for (const employee of liveElsewhere(c.key, c.employeeId)) if (!cancelled.has(feedEventKey(employee, c.key))) away.push({ employee, key: c.key });
  }
  return away;
}
