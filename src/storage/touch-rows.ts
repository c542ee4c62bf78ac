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
  for (const t of readStoredTouches(sqlite, rest, params, overdue, { held: true })) visit(t);
}

/**
 * The touches of `from touches <rest>` one at a time, in the order SQLite gives them. `held`:
 * the caller keeps them all, so the values that repeat across rows (a rule's source and titles,
 * a client's id, a day, a period) are kept once — a year of touches held is a third of the
 * memory, and the copies the driver makes die young instead of being carried through every
 * collection; a caller that lets each go soon skips that work. Closing the generator (a
 * `return()`, or leaving a for-of) ends the statement.
 */
export function* readStoredTouches(
  sqlite: SQLite.Database, rest: string, params: readonly unknown[], overdue: OverdueRule, options: { held: boolean },
): Generator<Touch, void, undefined> {
  const lists = new Map<string, readonly never[]>();
  const list = <T>(json: string): readonly T[] => {
    let value = lists.get(json);
    if (value === undefined) lists.set(json, (value = JSON.parse(json) as never[]));
    return value as readonly T[];
  };
  const strings = new Map<string, string>();
  const one = options.held
    ? (value: string): string => {
      const kept = strings.get(value);
      if (kept !== undefined) return kept;
      if (strings.size < 500_000) strings.set(value, value);
      return value;
    }
    : (value: string): string => value;
  const windows = new Map<string, { readonly from: string; readonly to: string }>();
  const windowOf = options.held
    ? (from: string, to: string) => {
      const key = from + to;
      let w = windows.get(key);
      if (w === undefined) windows.set(key, (w = { from: one(from), to: one(to) }));
      return w;
    }
    : (from: string, to: string) => ({ from, to });
  for (const r of sqlite.prepare(`select ${COLUMNS} from touches ${rest}`).raw().iterate(...params) as Iterable<Row>) {
    const status = statusOf(r[15]);
    const allDay = r[10] === 1;
    const date = one(r[7]);
    yield {
      id: r[0], source: one(r[1]), series: r[2], kind: one(r[3]) as Touch['kind'], client: one(r[4]), contacts: list<string>(r[5]), employee: one(r[6]), date,
      start: allDay ? date : r[8], end: r[9], allDay, title: one(r[11]), window: windowOf(r[12], r[13]), remind: list<number>(r[14]),
      status, overdue: overdue(status, r[6], r[7], r[16]),
    };
  }
}

/**
 * A stored touch as `plan --format json` prints it, made by SQLite from the row, with what
 * placing it among other touches and filtering it need: for a year of touches read back and
 * written out, a fraction of the work of a Touch made in JavaScript and then written.
 */
export interface TouchJson {
  readonly id: string;
  readonly date: string;
  readonly start: string;
  readonly allDay: boolean;
  readonly client: string;
  readonly employee: string;
  /** The same text as jsonLine (cli/format-touches.ts) of the touch the row gives (tested byte for byte). */
  readonly json: string;
}

/**
 * jsonLine as SQL, up to the overdue flag (which the overdue rule decides in JavaScript). SQLite's
 * json_quote escapes as JSON.stringify does; the lists are stored as JSON.stringify wrote them;
 * ids, days, instants and statuses never need escaping (as in jsonLine).
 */
const JSON_LINE = `'{"id":"' || id || '","source":' || json_quote(source) || ',"kind":"' || kind || '","client":"' || client_id
  || '","contacts":' || contact_ids || ',"employee":"' || employee_id || '","date":"' || date
  || '","start":"' || (case when all_day = 1 then date else start_at end) || '","end":"' || end_at
  || '","allDay":' || (case when all_day = 1 then 'true' else 'false' end) || ',"title":' || json_quote(title)
  || ',"window":{"from":"' || window_from || '","to":"' || window_to || '"},"remind":' || remind
  || ',"status":"' || (case when status in ('done', 'skipped') then status else 'planned' end) || '","overdue":'`;

type JsonRow = [string, string, string, string, string, string | null, string, number, string];

/** readStoredTouches, each touch as its JSON text (TouchJson). */
export function* readStoredJson(sqlite: SQLite.Database, rest: string, params: readonly unknown[], overdue: OverdueRule): Generator<TouchJson, void, undefined> {
  const statement = sqlite.prepare(`select id, ${JSON_LINE}, status, employee_id, date, overdue_from, client_id, all_day, start_at from touches ${rest}`).raw();
  for (const r of statement.iterate(...params) as Iterable<JsonRow>) {
    const status = statusOf(r[2]);
    const allDay = r[7] === 1;
    yield {
      id: r[0], date: r[4], start: allDay ? r[4] : r[8], allDay, client: r[6], employee: r[3],
      json: r[1] + (overdue(status, r[3], r[4], r[5]) ? 'true}' : 'false}'),
    };
  }
}

/** A stored status as a touch shows it: done and skipped as they are, anything else (cancelled, read in a range) as planned. */
function statusOf(stored: string): Touch['status'] {
  return stored === 'done' || stored === 'skipped' ? stored : 'planned';
}
