import { sql } from 'kysely';
import type { DB } from './database.ts';
import { dialectOf } from './dialect.ts';
import { dashboardDb, type DashboardClientRow, type DashboardEmployeeRow, type DashboardRow, type ForecastTouch } from './dashboard-tables.ts';
import { inTransaction } from './touch-repository.ts';
import { localValue } from './local-secrets.ts';
import { TOUCHES_SAVES } from './plan-snapshot-rows.ts';
import { readTouchesFingerprint } from './plan-snapshots.ts';

/** Everything the job process precomputes for the dashboard, written at once. */
export interface DashboardSnapshot {
  readonly meta: Readonly<Record<string, string>>;
  readonly clients: readonly DashboardClientRow[];
  /** Which employee may see which client (besides directors, who see all). */
  readonly clientPeople: readonly (readonly [employee: string, client: string])[];
  readonly employees: readonly DashboardEmployeeRow[];
  readonly rows: readonly Readonly<DashboardRow>[];
  /** The forecast by client, or undefined to keep the one stored (it is made once a day). */
  readonly forecast: ReadonlyMap<string, readonly ForecastTouch[]> | undefined;
}

/** Rows per INSERT: well under SQLite's limit of bound variables. */
const CHUNK = 200;
/** Report rows per INSERT … SELECT FROM json_each(?): one bound text of JSON each time. */
const JSON_CHUNK = 5_000;

async function insertChunks<T>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>, size = CHUNK): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/**
 * Replaces the dashboard's precomputed tables in one transaction: a page that reads while the
 * job writes sees the whole old snapshot or the whole new one (WAL), never a mix.
 */
export async function writeDashboardSnapshot(db: DB, snapshot: DashboardSnapshot): Promise<void> {
  await inTransaction(db, async (trx) => {
    const d = dashboardDb(trx);
    await d.deleteFrom('dashboard_clients').execute();
    await d.deleteFrom('dashboard_client_people').execute();
    await d.deleteFrom('dashboard_employees').execute();
    await d.deleteFrom('dashboard_rows').execute();
    await insertChunks(snapshot.clients, (c) => d.insertInto('dashboard_clients').values(c).execute());
    await insertChunks(snapshot.clientPeople, (c) => d.insertInto('dashboard_client_people').values(c.map(([employee_id, client_id]) => ({ employee_id, client_id }))).execute());
    await insertChunks(snapshot.employees, (c) => d.insertInto('dashboard_employees').values(c).execute());
    // Hundreds of thousands of report rows at 10,000 clients: the database unpacks them from JSON itself.
    const postgres = dialectOf(trx) === 'postgres';
    await insertChunks(snapshot.rows, (c) => (postgres
      ? sql`insert into dashboard_rows (report, pos, client_id, employee_id, row, tag, day)
        select report, pos, client_id, employee_id, row, tag, day
        from jsonb_to_recordset(${JSON.stringify(c)}::jsonb) as r(report text, pos integer, client_id text, employee_id text, row text, tag text, day text)`
      : sql`insert into dashboard_rows (report, pos, client_id, employee_id, row, tag, day)
        select value ->> 'report', value ->> 'pos', value ->> 'client_id', value ->> 'employee_id', value ->> 'row', value ->> 'tag', value ->> 'day'
        from json_each(${JSON.stringify(c)})`).execute(trx), JSON_CHUNK);
    if (snapshot.forecast) {
      await d.deleteFrom('dashboard_forecast').execute();
      const forecast = [...snapshot.forecast].map(([client_id, touches]) => ({ client_id, touches: JSON.stringify(touches) }));
      await insertChunks(forecast, (c) => d.insertInto('dashboard_forecast').values(c).execute());
    }
    for (const [key, value] of Object.entries(snapshot.meta)) {
      await d.insertInto('dashboard_meta').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
    }
  });
}

/** A stored fact of the last snapshot (its version, when it was made…), if any. */
export async function dashboardMeta(db: DB, keys?: readonly string[]): Promise<Record<string, string>> {
  let q = dashboardDb(db).selectFrom('dashboard_meta').selectAll();
  if (keys) q = q.where('key', 'in', keys.length ? [...keys] : ['']);
  const rows = await q.execute();
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/**
 * What the dashboard's figures depend on in the database: the last history event and the last
 * change of any touch (a re-plan may change a title without an event). Equal stamps, equal data.
 * On SQLite, the touches' number and newest row (touches are never deleted) and the count of plan
 * saves that changed any (TOUCHES_SAVES): read from the ends of indexes, where the newest update
 * time read every row (0.1 s of each job at a 10,000-client company).
 */
export async function touchesStamp(db: DB): Promise<string> {
  // The plan snapshots' fingerprint (count, newest row, newest history line), and the saves.
  if (dialectOf(db) === 'sqlite') return `${await readTouchesFingerprint(db)}|${await localValue(db, TOUCHES_SAVES) ?? 0}`;
  const events = await db.selectFrom('touch_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  const touches = await db.selectFrom('touches').select((eb) => [eb.fn.max('updated_at').as('updated'), eb.fn.countAll<number>().as('n')]).executeTakeFirst();
  return `${events?.seq ?? 0}|${touches?.updated ?? ''}|${touches?.n ?? 0}`;
}

/**
 * The latest outcome of each series (the only history a forecast beyond the calendars' horizon
 * needs: `anchor: last` cadences count from it), one row per series rather than every touch.
 */
export async function latestOutcomes(db: DB): Promise<{ touchId: string; series: string; status: 'done' | 'skipped'; date: string }[]> {
  // SQLite returns the other columns of the row holding max(): the latest outcome's own;
  // PostgreSQL says the same with DISTINCT ON.
  const rows = dialectOf(db) === 'postgres'
    ? await sql<{ id: string; series: string; status: 'done' | 'skipped'; day: string }>`
      select distinct on (series) id, series, status, coalesce(resolved_date, date) as day from touches
      where status in ('done', 'skipped') and source like 'rule:%' order by series, coalesce(resolved_date, date) desc, id`.execute(db)
    : await sql<{ id: string; series: string; status: 'done' | 'skipped'; day: string }>`
      select id, series, status, max(coalesce(resolved_date, date)) as day from touches
      where status in ('done', 'skipped') and source like 'rule:%' group by series`.execute(db);
  return rows.rows.map((r) => ({ touchId: r.id, series: r.series, status: r.status, date: r.day }));
}

/** Which of these touch ids are recorded already (asked in chunks). */
export async function recordedAmong(db: DB, ids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const r of await db.selectFrom('touches').select('id').where('id', 'in', ids.slice(i, i + 500)).execute()) out.add(r.id);
  }
  return out;
}
