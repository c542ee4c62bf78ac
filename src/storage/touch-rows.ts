import type SQLite from 'better-sqlite3';
import type { Touch } from '../domain/types.ts';
import type { OverdueRule } from '../planner/overdue-rule.ts';

/**
 * Stored touches read as the planner's Touch in bulk: the columns a Touch needs as plain arrays
 * (no object per row from the driver), each distinct contact or reminder list parsed once and
 * shared (they repeat for every period of a unit).
 */

const COLUMNS = 'id, source, series, kind, client_id, contact_ids, employee_id, date, start_at, end_at, all_day, title, window_from, window_to, remind, status, overdue_from';
type Row = [string, string, string, Touch['kind'], string, string, string, string, string, string, number, string, string, string, string, string, string | null];

/**
 * Calls `visit` with each touch of `from touches <rest>` (a where clause and its parameters),
 * in the order SQLite gives them. Read on the database's own connection (see withRawReads).
 */
export function forEachStoredTouch(sqlite: SQLite.Database, rest: string, params: readonly unknown[], overdue: OverdueRule, visit: (t: Touch) => void): void {
  const lists = new Map<string, readonly never[]>();
  const list = <T>(json: string): readonly T[] => {
    let value = lists.get(json);
    if (value === undefined) lists.set(json, (value = JSON.parse(json) as never[]));
    return value as readonly T[];
  };
  // The values that repeat across rows (a rule's source and titles, a client's id, a day, a
  // period) are kept once: a year of touches held for the output is a third of the memory, and
  // the copies the driver makes die young instead of being carried through every collection.
  const strings = new Map<string, string>();
  const one = (value: string): string => {
    const kept = strings.get(value);
    if (kept !== undefined) return kept;
    if (strings.size < 500_000) strings.set(value, value);
    return value;
  };
  const windows = new Map<string, { readonly from: string; readonly to: string }>();
  const windowOf = (from: string, to: string) => {
    const key = from + to;
    let w = windows.get(key);
    if (w === undefined) windows.set(key, (w = { from: one(from), to: one(to) }));
    return w;
  };
  for (const r of sqlite.prepare(`select ${COLUMNS} from touches ${rest}`).raw().iterate(...params) as Iterable<Row>) {
    const status: Touch['status'] = r[15] === 'done' || r[15] === 'skipped' ? r[15] : 'planned';
    const allDay = r[10] === 1;
    const date = one(r[7]);
    visit({
      id: r[0], source: one(r[1]), series: r[2], kind: one(r[3]) as Touch['kind'], client: one(r[4]), contacts: list<string>(r[5]), employee: one(r[6]), date,
      start: allDay ? date : r[8], end: r[9], allDay, title: one(r[11]), window: windowOf(r[12], r[13]), remind: list<number>(r[14]),
      status, overdue: overdue(status, r[6], r[7], r[16]),
    });
  }
}
