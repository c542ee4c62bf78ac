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
 * more, or of any day that another feed now has, is cancelled. Only the events of `only` employees are touched.
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
  // Events wanted in some feed: one of before `from` that is in another feed now changed hands
  // (moved forward as late to a leaver's successor while no sync ran for over a week), and is
  // cancelled in its old feed like any other; left live, the same UID was in two calendars.
  const anywhere = new Set(wants.map((w) => w.key));
  for (const [k, row] of stored) {
    if (wanted.has(k) || row.status !== 'confirmed') continue;
    const [employee, key] = k.split('\u0000') as [string, string];
    if ((row.date ?? '') < from && !anywhere.has(key)) continue;
    d.cancels.push({ employee, key });
    d.changes.push({ op: 'delete', employeeId: employee, key });
  }
  return d;
}
