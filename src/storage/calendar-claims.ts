import { PostgresAdapter, sql } from 'kysely';
import type { DB } from './database.ts';
import type { CalendarClaimRow } from './schema.ts';

/**
 * Claims on employees' calendars (employee × provider) when several daemons share one
 * database: one instance at a time works a calendar, so an employee's writes stay in order and
 * a provider's per-mailbox limits hold across instances. A claim is a lease: it expires unless
 * its holder renews it, so the calendars of an instance that died are taken over by the others.
 *
 * Fencing: a holder renews its claim before every write, and the renewal succeeds only while
 * the claim is still its own and unexpired. A holder that paused past its lease (a stop-the-world
 * pause, a machine that slept) finds it lost and stops writing, even if nobody took it over yet.
 *
 * Every statement here is portable SQL (SQLite ≥ 3.35 and PostgreSQL): one conditional upsert
 * per claim. The PostgreSQL-only refinement (FOR UPDATE SKIP LOCKED) is in claimDueCalendars.
 */

export interface CalendarKey {
  readonly employeeId: string;
  readonly provider: string;
}

/** Is this database PostgreSQL (from kysely's adapter, whatever wraps the connection)? */
export function usesPostgres(db: Pick<DB, 'getExecutor'>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Takes the calendar for `holder` until `expiresIso`, in one statement: succeeds when the
 * calendar is unclaimed, its claim expired (at or before `nowIso`), or it is already the
 * holder's (then the lease is extended). Two contenders at once: exactly one wins.
 */
export async function claimCalendar(db: DB, key: CalendarKey, holder: string, nowIso: string, expiresIso: string): Promise<boolean> {
  const row = await db.insertInto('calendar_claims')
    .values({ employee_id: key.employeeId, provider: key.provider, holder, claimed_at: nowIso, expires_at: expiresIso })
    .onConflict((oc) => oc.columns(['employee_id', 'provider'])
      .doUpdateSet((eb) => ({
        // A new holder's claim starts now; the holder's own keeps its start.
        claimed_at: eb.case().when('calendar_claims.holder', '=', eb.ref('excluded.holder')).then(eb.ref('calendar_claims.claimed_at')).else(eb.ref('excluded.claimed_at')).end(),
        holder: eb.ref('excluded.holder'),
        expires_at: eb.ref('excluded.expires_at'),
      }))
      .where((eb) => eb.or([eb('calendar_claims.holder', '=', eb.ref('excluded.holder')), eb('calendar_claims.expires_at', '<=', nowIso)])))
    .returning('holder')
    .executeTakeFirst();
  return row?.holder === holder;
}

/**
 * Extends the holder's lease, only while it is still the holder's and unexpired at `nowIso`:
 * false means the lease was lost (taken over, released, or run out) and the holder must stop
 * writing to that calendar.
 */
export async function renewClaim(db: DB, key: CalendarKey, holder: string, nowIso: string, expiresIso: string): Promise<boolean> {
  const res = await db.updateTable('calendar_claims').set({ expires_at: expiresIso })
    .where('employee_id', '=', key.employeeId).where('provider', '=', key.provider)
    .where('holder', '=', holder).where('expires_at', '>', nowIso)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Lets go of a calendar (only the holder's own claim): another instance may take it at once. */
export async function releaseClaim(db: DB, key: CalendarKey, holder: string): Promise<void> {
  await db.deleteFrom('calendar_claims')
    .where('employee_id', '=', key.employeeId).where('provider', '=', key.provider).where('holder', '=', holder).execute();
}

/** Every claim of a holder (a clean stop: the others need not wait for the leases to run out). */
export async function releaseAllClaims(db: DB, holder: string): Promise<number> {
  const res = await db.deleteFrom('calendar_claims').where('holder', '=', holder).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** The claims that hold at `nowIso` (unexpired), for status and metrics. */
export async function liveClaims(db: DB, nowIso: string): Promise<CalendarClaimRow[]> {
  return db.selectFrom('calendar_claims').selectAll().where('expires_at', '>', nowIso).orderBy('employee_id').orderBy('provider').execute();
}

/** A calendar with calls due: how many rows, and when the latest of them last changed. */
export interface DueCalendar extends CalendarKey {
  readonly rows: number;
  readonly latest: string;
}

/**
 * Calendars with a call due now (a dirty row whose wait is over) that no other instance holds
 * a live claim on and that are not paused: what a dispatch pass may take. (A calendar whose
 * credentials were refused waits for the scheduled sync, which tries it again.) Portable; see
 * claimDueCalendars for the PostgreSQL path.
 */
export async function claimableWork(db: DB, holder: string, nowIso: string, limit = 100): Promise<DueCalendar[]> {
  const rows = await db.selectFrom('calendar_sync as s')
    .select((eb) => ['s.employee_id', 's.provider', eb.fn.countAll<number>().as('n'), eb.fn.max('s.updated_at').as('latest')])
    .where('s.dirty', '=', 1)
    .where((eb) => eb.or([eb('s.next_attempt_at', 'is', null), eb('s.next_attempt_at', '<=', nowIso)]))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('calendar_claims as c').select('c.holder')
      .whereRef('c.employee_id', '=', 's.employee_id').whereRef('c.provider', '=', 's.provider')
      .where('c.holder', '<>', holder).where('c.expires_at', '>', nowIso))))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('calendar_pauses as p').select('p.employee_id')
      .whereRef('p.employee_id', '=', 's.employee_id').whereRef('p.provider', '=', 's.provider')
      .where((w) => w.or([w('p.until', 'is', null), w('p.until', '>', nowIso)])))))
    .groupBy(['s.employee_id', 's.provider'])
    .orderBy('s.employee_id').orderBy('s.provider')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ employeeId: r.employee_id, provider: r.provider, rows: Number(r.n), latest: String(r.latest) }));
}

/** The calendars of claimableWork, without their figures. */
export async function claimableCalendars(db: DB, holder: string, nowIso: string, limit = 100): Promise<CalendarKey[]> {
  return (await claimableWork(db, holder, nowIso, limit)).map((c) => ({ employeeId: c.employeeId, provider: c.provider }));
}

/**
 * Claims up to `limit` calendars with calls due for `holder`, and returns those it got.
 *
 * Portable path: the claimable calendars, each claimed by the conditional upsert (a calendar
 * another instance claimed in between is simply not won).
 *
 * ── PostgreSQL only ──────────────────────────────────────────────────────────────────────
 * Several instances dispatching at the same moment would all read the same candidates and
 * race for them, one upsert each. On PostgreSQL the candidates' claim rows are locked with
 * FOR UPDATE SKIP LOCKED in one transaction: each instance takes calendars the others are not
 * taking right now, and none waits on another's lock. (SQLite has one writer at a time and no
 * row locks: the portable path is exact there.) The upsert stays the arbiter either way.
 * ────────────────────────────────────────────────────────────────────────────────────────
 */
export async function claimDueCalendars(db: DB, holder: string, nowIso: string, expiresIso: string, limit = 100): Promise<CalendarKey[]> {
  if (!usesPostgres(db)) {
    const won: CalendarKey[] = [];
    for (const key of await claimableCalendars(db, holder, nowIso, limit)) {
      if (await claimCalendar(db, key, holder, nowIso, expiresIso)) won.push(key);
    }
    return won;
  }
  return db.transaction().execute(async (trx) => {
    // Every calendar with a call due gets a claim row (an expired one, free to take), so there is a row to lock.
    await sql`insert into calendar_claims (employee_id, provider, holder, claimed_at, expires_at)
      select distinct s.employee_id, s.provider, '', ${nowIso}, ${nowIso} from calendar_sync s
      where s.dirty and (s.next_attempt_at is null or s.next_attempt_at <= ${nowIso})
      on conflict (employee_id, provider) do nothing`.execute(trx);
    const picked = await sql<{ employee_id: string; provider: string }>`select c.employee_id, c.provider from calendar_claims c
      where (c.holder = ${holder} or c.expires_at <= ${nowIso})
        and exists (select 1 from calendar_sync s where s.employee_id = c.employee_id and s.provider = c.provider
          and s.dirty and (s.next_attempt_at is null or s.next_attempt_at <= ${nowIso}))
        and not exists (select 1 from calendar_pauses p where p.employee_id = c.employee_id and p.provider = c.provider
          and (p.until is null or p.until > ${nowIso}))
      order by c.employee_id, c.provider
      limit ${limit}
      for update of c skip locked`.execute(trx);
    const won: CalendarKey[] = [];
    for (const r of picked.rows) {
      const key = { employeeId: r.employee_id, provider: r.provider };
      if (await claimCalendar(trx as unknown as DB, key, holder, nowIso, expiresIso)) won.push(key);
    }
    return won;
  });
}
