import { sql } from 'kysely';
import type { DB } from './database.ts';
import type { CalendarPauseRow, CalendarReadFailureRow, CalendarSyncRow } from './schema.ts';
import { inTransaction } from './touch-repository.ts';
import { eventKeyOf, generationOf, needsWork, type Remote, type SyncState, type WriteOp } from '../domain/sync-state.ts';

/**
 * The rows of calendar sync: one per calendar entry (a meeting or call, or one day's all-day
 * touches of a source) and calendar (docs/sync-states.md). Every write
 * goes through `save`, which keeps `dirty` equal to "this row needs a call", so pending work
 * is an index scan and never drifts from the state.
 */

export interface SyncKey {
  readonly entryId: string;
  readonly employeeId: string;
  readonly provider: string;
}

/** An entry that should be in a calendar: its day, its touches and the hash of the event's content. */
export interface Want extends SyncKey {
  readonly hash: string;
  readonly date: string;
  readonly members: readonly string[];
}

const CHUNK = 400;

export function stateOf(row: CalendarSyncRow): SyncState {
  return {
    desired: row.desired, desiredHash: row.desired_hash, remote: row.remote, remoteHash: row.remote_hash,
    inflight: row.inflight_op, failedHash: row.failed_hash,
  };
}

/** The row's own columns, with `dirty` recomputed (callers may hold rows joined with more). */
function withDirty(row: CalendarSyncRow): CalendarSyncRow {
  return {
    entry_id: row.entry_id, entry_date: row.entry_date, members: row.members, employee_id: row.employee_id, provider: row.provider, event_key: row.event_key,
    desired: row.desired, desired_hash: row.desired_hash, remote: row.remote, remote_id: row.remote_id, remote_etag: row.remote_etag,
    remote_hash: row.remote_hash, remote_start: row.remote_start, remote_end: row.remote_end, inflight_op: row.inflight_op,
    inflight_at: row.inflight_at, inflight_hash: row.inflight_hash, inflight_start: row.inflight_start, inflight_end: row.inflight_end, attempts: row.attempts, next_attempt_at: row.next_attempt_at, last_error: row.last_error,
    failed_hash: row.failed_hash, dirty: needsWork(stateOf(row)) ? 1 : 0, updated_at: row.updated_at, leaving_unread: row.leaving_unread,
  };
}

async function save(db: DB, row: CalendarSyncRow): Promise<void> {
  const { entry_id, employee_id, provider, ...rest } = withDirty(row);
  await db.updateTable('calendar_sync').set(rest)
    .where('entry_id', '=', entry_id).where('employee_id', '=', employee_id).where('provider', '=', provider).execute();
}

/**
 * The row as it is now, and no other connection's to change until the transaction `trx` ends:
 * what a conclusion drawn from an earlier read is checked against, and what a write-back merges
 * into. Taken by writing first (the row unchanged): PostgreSQL locks the row; SQLite takes the
 * write lock before the transaction has read anything. A transaction that read first and wrote
 * after another process's commit (daemons sharing a SQLite file) fails with SQLITE_BUSY_SNAPSHOT,
 * which no wait cures — and after a call that went through, a failed write-back must not be.
 */
export async function currentSyncRow(trx: DB, row: Pick<CalendarSyncRow, 'entry_id' | 'employee_id' | 'provider'>): Promise<CalendarSyncRow | undefined> {
  await trx.updateTable('calendar_sync').set((eb) => ({ dirty: eb.ref('dirty') }))
    .where('entry_id', '=', row.entry_id).where('employee_id', '=', row.employee_id).where('provider', '=', row.provider).execute();
  return trx.selectFrom('calendar_sync').selectAll()
    .where('entry_id', '=', row.entry_id).where('employee_id', '=', row.employee_id).where('provider', '=', row.provider).executeTakeFirst();
}

/**
 * A write-back after a call or a read (seconds after the row was read: a network call, a wait
 * for the rate limit): the calendar's side of the row, over what it should hold as it is now.
 * Another connection may have changed that meanwhile (a link's ✓, a reassignment, a second
 * daemon's pass); written back whole, the row would take its wish back, `dirty` cleared, and the
 * calendar keep the old event until the next full pass.
 */
async function saveCalendarSide(db: DB, next: CalendarSyncRow, wanted: Partial<Pick<CalendarSyncRow, 'desired' | 'desired_hash'>> = {}): Promise<CalendarSyncRow> {
  return inTransaction(db, async (trx) => {
    const now = await currentSyncRow(trx, next);
    const merged = withDirty(now
      ? { ...next, desired: now.desired, desired_hash: now.desired_hash, members: now.members, entry_date: now.entry_date, ...wanted }
      : { ...next, ...wanted });
    await save(trx, merged);
    return merged;
  });
}

export async function getSyncRow(db: DB, key: SyncKey): Promise<CalendarSyncRow | undefined> {
  return db.selectFrom('calendar_sync').selectAll()
    .where('entry_id', '=', key.entryId).where('employee_id', '=', key.employeeId).where('provider', '=', key.provider).executeTakeFirst();
}

function newRow(w: Want, nowIso: string): CalendarSyncRow {
  return withDirty({
    entry_id: w.entryId, entry_date: w.date, members: JSON.stringify(w.members), employee_id: w.employeeId, provider: w.provider, event_key: eventKeyOf(w.entryId, 0),
    desired: 'present', desired_hash: w.hash, remote: 'none', remote_id: null, remote_etag: null, remote_hash: null,
    remote_start: null, remote_end: null, inflight_op: null, inflight_at: null, inflight_hash: null, inflight_start: null, inflight_end: null,
    attempts: 0, next_attempt_at: null,
    last_error: null, failed_hash: null, dirty: 1, updated_at: nowIso, leaving_unread: 0,
  });
}

export interface DesiredChange {
  readonly row: CalendarSyncRow;
  /** The state before (undefined for a new row). */
  readonly before: CalendarSyncRow | undefined;
}

/**
 * Records what should be in the calendars, in one transaction: every want is desired present
 * with its hash; every other row in scope (entries dated on or after `from`, of `employee` if
 * given) is desired absent. Entries before `from` are history and stay as they are.
 * Returns the rows whose desired state changed.
 */
export async function applyDesired(db: DB, wants: readonly Want[], scope: { from: string; employee?: string; skipProvider?: string }, nowIso: string): Promise<DesiredChange[]> {
  return inTransaction(db, async (trx) => {
    const existing = new Map<string, CalendarSyncRow>();
    for (const row of await syncRowsFrom(trx, scope.from, scope.employee)) if (row.provider !== scope.skipProvider) existing.set(keyString(row.entry_id, row.employee_id, row.provider), row);
    // Wants for entries whose rows are outside the scope query (dated before it, or new).
    const missing = wants.filter((w) => !existing.has(keyString(w.entryId, w.employeeId, w.provider)));
    for (let i = 0; i < missing.length; i += CHUNK) {
      const ids = [...new Set(missing.slice(i, i + CHUNK).map((w) => w.entryId))];
      for (const row of await trx.selectFrom('calendar_sync').selectAll().where('entry_id', 'in', ids).execute()) {
        existing.set(keyString(row.entry_id, row.employee_id, row.provider), row);
      }
    }
    const changes: DesiredChange[] = [];
    const inserts: CalendarSyncRow[] = [];
    const wanted = new Set<string>();
    for (const w of wants) {
      const k = keyString(w.entryId, w.employeeId, w.provider);
      wanted.add(k);
      const row = existing.get(k);
      if (!row) {
        const fresh = newRow(w, nowIso);
        inserts.push(fresh);
        changes.push({ row: fresh, before: undefined });
        continue;
      }
      const members = JSON.stringify(w.members);
      if (row.desired === 'present' && row.desired_hash === w.hash && row.members === members && row.entry_date === w.date) continue;
      const next = withDirty({ ...row, desired: 'present', desired_hash: w.hash, members, entry_date: w.date, updated_at: nowIso });
      await save(trx, next);
      changes.push({ row: next, before: row });
    }
    for (const [k, row] of existing) {
      if (wanted.has(k) || row.desired === 'absent') continue;
      const next = withDirty({ ...row, desired: 'absent', desired_hash: null, updated_at: nowIso });
      await save(trx, next);
      changes.push({ row: next, before: row });
    }
    for (let i = 0; i < inserts.length; i += 40) await trx.insertInto('calendar_sync').values(inserts.slice(i, i + 40)).execute();
    return changes;
  });
}

/** The rows of entries dated on or after `from` (of one employee's calendars, if given). */
export async function syncRowsFrom(db: DB, from: string, employee?: string): Promise<CalendarSyncRow[]> {
  let q = db.selectFrom('calendar_sync').selectAll().where('entry_date', '>=', from);
  if (employee) q = q.where('employee_id', '=', employee);
  return q.execute();
}

function keyString(entryId: string, employeeId: string, provider: string): string {
  return `${entryId}\u0000${employeeId}\u0000${provider}`;
}

/** The touch ids of an entry. */
export function membersOf(row: Pick<CalendarSyncRow, 'members'>): string[] {
  return JSON.parse(row.members) as string[];
}

/**
 * Rows that need a call and whose wait (after a failure) is over, earliest entry first per
 * calendar. Not the deletion of an event leaving a calendar that could not be read before it
 * left (leaving_unread): it waits for that read (observe-calendars.ts readBeforeLeaving), which
 * a delete sent first would make unreadable — the employee's deletion then no different from ours.
 */
export async function dueSyncRows(db: DB, nowIso: string, employee?: string): Promise<CalendarSyncRow[]> {
  let q = db.selectFrom('calendar_sync').selectAll()
    .where('dirty', '=', 1)
    .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', nowIso)]))
    .where((eb) => eb.not(eb.and([eb('leaving_unread', '=', 1), eb('desired', '=', 'absent'), eb('inflight_op', 'is', null)])))
    .orderBy('employee_id').orderBy('entry_date').orderBy('entry_id');
  if (employee) q = q.where('employee_id', '=', employee);
  return q.execute();
}

/** Every row that needs a call, due or waiting (for a dry run and for status). */
export async function dirtySyncRows(db: DB, employee?: string): Promise<CalendarSyncRow[]> {
  let q = db.selectFrom('calendar_sync').selectAll().where('dirty', '=', 1);
  if (employee) q = q.where('employee_id', '=', employee);
  return q.execute();
}

/**
 * Records, before the call, that a write is about to be sent: if the process dies or the answer
 * never comes, the next run reads the event back before anything else. Conditional on the row
 * being as the caller saw it (nothing in flight), so two workers never send the same write.
 */
export async function claimWrite(
  db: DB, row: CalendarSyncRow, op: WriteOp, eventKey: string, nowIso: string, writes?: { hash: string; start: string; end: string },
): Promise<CalendarSyncRow | undefined> {
  // What the event will be if the write lands: a read that settles it can tell our write from
  // the employee's move.
  const next = withDirty({
    ...row, inflight_op: op, inflight_at: nowIso, inflight_hash: writes?.hash ?? null, inflight_start: writes?.start ?? null,
    inflight_end: writes?.end ?? null, event_key: eventKey, updated_at: nowIso,
  });
  const { entry_id, employee_id, provider, ...rest } = next;
  const res = await db.updateTable('calendar_sync').set(rest)
    .where('entry_id', '=', entry_id).where('employee_id', '=', employee_id).where('provider', '=', provider)
    .where('inflight_op', 'is', null).where('updated_at', '=', row.updated_at).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1 ? next : undefined;
}

const NOTHING_IN_FLIGHT = { inflight_op: null, inflight_at: null, inflight_hash: null, inflight_start: null, inflight_end: null } as const;

export interface Confirmed {
  readonly id: string;
  readonly etag: string | null;
  readonly hash: string | null;
  readonly start: string;
  readonly end: string | null;
}

/** A call or read confirmed the event is there: its id and version, and the content and times it has. */
export async function recordPresent(db: DB, row: CalendarSyncRow, c: Confirmed, nowIso: string): Promise<CalendarSyncRow> {
  const next = withDirty({
    ...row, remote: 'present', remote_id: c.id, remote_etag: c.etag, remote_hash: c.hash, remote_start: c.start, remote_end: c.end,
    ...NOTHING_IN_FLIGHT, attempts: 0, next_attempt_at: null, last_error: null, updated_at: nowIso,
  });
  return saveCalendarSide(db, next);
}

/** A call or read settled the event as not there (our delete, a create that never happened, the employee's deletion). */
export async function recordAbsent(db: DB, row: CalendarSyncRow, remote: Exclude<Remote, 'present'>, nowIso: string, eventKey = keyAfter(row, remote)): Promise<CalendarSyncRow> {
  const next = withDirty({
    ...row, remote, remote_id: remote === 'none' ? null : row.remote_id, remote_etag: null, remote_hash: null,
    event_key: eventKey, ...NOTHING_IN_FLIGHT, attempts: 0, next_attempt_at: null, last_error: null, updated_at: nowIso,
  });
  // The employee's deletion: nothing of ours is wanted there any more.
  return saveCalendarSide(db, next, remote === 'deleted_by_user' ? { desired: 'absent', desired_hash: null } : {});
}

/**
 * The key a create of this row goes under after its event was found deleted (ours or the
 * employee's): the next one. Google keeps a deleted event under its id for good, so a create under
 * that id would only be refused (409) and sent again under the next key. (A create in flight whose
 * read finds a deleted event is no decision of the employee's either way: sync-state.ts afterRead.)
 */
function keyAfter(row: CalendarSyncRow, remote: Exclude<Remote, 'present'>): string {
  return remote === 'none' ? row.event_key : eventKeyOf(row.entry_id, generationOf(row.event_key) + 1);
}

/** A failed call: what is in flight stays in flight when its outcome is unknown; the row waits until `nextAttemptAt`. */
export async function recordFailure(
  db: DB, row: CalendarSyncRow,
  f: { outcomeUnknown: boolean; error: string; nextAttemptAt: string | null; countAttempt: boolean; refusedHash?: string },
  nowIso: string,
): Promise<CalendarSyncRow> {
  const next = withDirty({
    ...row, ...(f.outcomeUnknown ? {} : NOTHING_IN_FLIGHT),
    attempts: row.attempts + (f.countAttempt ? 1 : 0), next_attempt_at: f.nextAttemptAt, last_error: f.error,
    failed_hash: f.refusedHash ?? row.failed_hash, updated_at: nowIso,
  });
  return saveCalendarSide(db, next);
}

/**
 * The row as if nothing had ever been written for it (its calendar's address changed: what was
 * confirmed or in flight is at the old one): no remote state, no write in flight, no wait. A
 * desired event is then created anew; `remote` as seen at the old address means nothing here.
 */
export async function recordNothingWritten(db: DB, row: CalendarSyncRow, nowIso: string): Promise<void> {
  await save(db, {
    ...row, remote: 'none', remote_id: null, remote_etag: null, remote_hash: null, remote_start: null, remote_end: null,
    inflight_op: null, inflight_at: null, inflight_hash: null, inflight_start: null, inflight_end: null,
    attempts: 0, next_attempt_at: null, last_error: null, failed_hash: null, updated_at: nowIso,
  });
}

/**
 * Our event moved by the employee: the times (and version) it now has, the content hash it is
 * known to have (null: not known), and what the touch, rescheduled to it, now wants there.
 */
export async function recordSeenMove(
  db: DB, row: CalendarSyncRow, seen: { start: string; end: string | null; etag: string | null; hash: string | null; desiredHash: string | null; entryDate?: string }, nowIso: string,
): Promise<CalendarSyncRow> {
  const next = withDirty({
    ...row, entry_date: seen.entryDate ?? row.entry_date, remote_start: seen.start, remote_end: seen.end, remote_etag: seen.etag, remote_hash: seen.hash,
    desired_hash: row.desired === 'present' ? seen.desiredHash : row.desired_hash, updated_at: nowIso,
  });
  await save(db, next);
  return next;
}

/** Confirmed events of entries dated in [from, to] in one calendar, with nothing in flight: what a reading compares. */
/** The event keys of an employee's calendar that this sync may read back: a write in flight, or one to make (a 412 reads the event first). */
export async function keysToReadBack(db: DB, employeeId: string, provider: string): Promise<Set<string>> {
  const rows = await db.selectFrom('calendar_sync').select('event_key')
    .where('employee_id', '=', employeeId).where('provider', '=', provider)
    .where((eb) => eb.or([eb('dirty', '=', 1), eb('inflight_op', 'is not', null)])).execute();
  return new Set(rows.map((r) => r.event_key));
}

export async function confirmedRows(db: DB, employeeId: string, provider: string, window: { from: string; to: string }): Promise<CalendarSyncRow[]> {
  return db.selectFrom('calendar_sync').selectAll()
    .where('employee_id', '=', employeeId).where('provider', '=', provider)
    .where('remote', '=', 'present').where('inflight_op', 'is', null)
    .where('entry_date', '>=', window.from).where('entry_date', '<=', window.to).execute();
}

/**
 * A Google or Outlook calendar's events whose touch another employee holds now (a team changed,
 * a handover, its employee gone from the configuration), still wanted there by the last sync:
 * what their employee did to them since the last read is read before they leave (observeHandedOver).
 * `since`: only touches handed over after that point of the history (a daemon's pass: the others
 * were wanted elsewhere by an earlier pass already); without it, all (a sync from a shell).
 */
export async function handedOverRows(db: DB, window: { from: string; to: string }, since?: number): Promise<CalendarSyncRow[]> {
  let query = db.selectFrom('calendar_sync').innerJoin('touches', 'touches.id', 'calendar_sync.entry_id').selectAll('calendar_sync')
    .where('calendar_sync.remote', '=', 'present').where('calendar_sync.inflight_op', 'is', null).where('calendar_sync.desired', '=', 'present')
    .where('calendar_sync.provider', 'in', ['google', 'microsoft'])
    .where('calendar_sync.entry_date', '>=', window.from).where('calendar_sync.entry_date', '<=', window.to)
    .where('touches.status', '=', 'planned').whereRef('touches.employee_id', '<>', 'calendar_sync.employee_id');
  if (since !== undefined) {
    query = query.where('calendar_sync.entry_id', 'in', (eb) => eb.selectFrom('touch_events').select('touch_id').where('seq', '>', since).where('type', '=', 'reassigned'));
  }
  return query.execute();
}

/**
 * Events handed to another employee whose calendar could not be read before they left it
 * (leaving_unread): still planned and still in that calendar, their deletion waiting or not —
 * what the employee did to them there is read at the first sync that can (observeHandedOver).
 */
export async function leavingUnreadRows(db: DB, window: { from: string; to: string }): Promise<CalendarSyncRow[]> {
  return db.selectFrom('calendar_sync').innerJoin('touches', 'touches.id', 'calendar_sync.entry_id').selectAll('calendar_sync')
    .where('calendar_sync.leaving_unread', '=', 1).where('calendar_sync.remote', '=', 'present').where('calendar_sync.inflight_op', 'is', null)
    .where('calendar_sync.provider', 'in', ['google', 'microsoft'])
    .where('calendar_sync.entry_date', '>=', window.from).where('calendar_sync.entry_date', '<=', window.to)
    .where('touches.status', '=', 'planned').whereRef('touches.employee_id', '<>', 'calendar_sync.employee_id').execute();
}

/**
 * Lets go of what no read is owed for any more: events no longer in that calendar, dated outside
 * the window (a day gone by), or whose touch is no longer planned and another's (done, skipped,
 * cancelled, handed back): their deletion, if any, is held no longer (review: held for good).
 */
export async function releaseLeavingUnread(db: DB, window: { from: string; to: string }): Promise<void> {
  await db.updateTable('calendar_sync').set({ leaving_unread: 0 }).where('leaving_unread', '=', 1)
    .where((eb) => eb.or([
      eb('remote', '!=', 'present'), eb('entry_date', '<', window.from), eb('entry_date', '>', window.to),
      eb.not(eb.exists(eb.selectFrom('touches').select('touches.id').whereRef('touches.id', '=', 'calendar_sync.entry_id')
        .where('touches.status', '=', 'planned').whereRef('touches.employee_id', '<>', 'calendar_sync.employee_id'))),
    ])).execute();
}

/** Marks rows whose calendar could not be read before they left it (1), or that has been read since (0). */
export async function markLeavingUnread(db: DB, rows: readonly CalendarSyncRow[], unread: 0 | 1): Promise<void> {
  for (const r of rows) {
    await db.updateTable('calendar_sync').set({ leaving_unread: unread })
      .where('entry_id', '=', r.entry_id).where('employee_id', '=', r.employee_id).where('provider', '=', r.provider).execute();
  }
}

/** The events of a calendar its employee deleted (as a read showed), with nothing in flight: one live again was restored from the trash. */
export async function deletedByUserRows(db: DB, employeeId: string, provider: string, window: { from: string; to: string }): Promise<CalendarSyncRow[]> {
  return db.selectFrom('calendar_sync').selectAll()
    .where('employee_id', '=', employeeId).where('provider', '=', provider)
    .where('remote', '=', 'deleted_by_user').where('inflight_op', 'is', null)
    .where('entry_date', '>=', window.from).where('entry_date', '<=', window.to).execute();
}

// Pauses: an employee's calendar that refused us.

export async function pausesOf(db: DB): Promise<Map<string, CalendarPauseRow>> {
  const rows = await db.selectFrom('calendar_pauses').selectAll().execute();
  return new Map(rows.map((r) => [`${r.employee_id}\u0000${r.provider}`, r]));
}

export async function setPause(db: DB, p: CalendarPauseRow): Promise<void> {
  await db.insertInto('calendar_pauses').values(p)
    .onConflict((oc) => oc.columns(['employee_id', 'provider']).doUpdateSet({ code: p.code, reason: p.reason, until: p.until })).execute();
}

export async function clearPause(db: DB, employeeId: string, provider: string): Promise<void> {
  await db.deleteFrom('calendar_pauses').where('employee_id', '=', employeeId).where('provider', '=', provider).execute();
}

// Reads that failed: an employee's calendar whose moves and deletions could not be read (only reported).

/** A calendar's read failed: recorded (the first failure of a run kept as `since`) until a read succeeds. */
export async function recordReadFailure(db: DB, employeeId: string, provider: string, code: string, reason: string, nowIso: string): Promise<void> {
  await db.insertInto('calendar_read_failures').values({ employee_id: employeeId, provider, since: nowIso, failed_at: nowIso, code, reason })
    .onConflict((oc) => oc.columns(['employee_id', 'provider']).doUpdateSet({ failed_at: nowIso, code, reason })).execute();
}

/**
 * Since when the last read of a calendar being left (an address changed, a move to another
 * calendar) has failed: its first failure, kept until forgetLeavingFailure. Apart from the
 * calendar's read failures (recordReadFailure), whose row an ordinary read's failure long before
 * may hold, and which are forgotten once the employee's calendar is another (review).
 */
export async function leavingFailedSince(db: DB, calendar: { employeeId: string; provider: string; address: string }, nowIso: string): Promise<string> {
  const key = leavingKey(calendar);
  await db.insertInto('daemon_info').values({ key, value: nowIso }).onConflict((oc) => oc.column('key').doNothing()).execute();
  return (await db.selectFrom('daemon_info').select('value').where('key', '=', key).executeTakeFirstOrThrow()).value;
}

/** A calendar being left was read, refused us for good, or was waited for long enough: its failures' start is forgotten. */
export async function forgetLeavingFailure(db: DB, calendar: { employeeId: string; provider: string; address: string }): Promise<void> {
  await db.deleteFrom('daemon_info').where('key', '=', leavingKey(calendar)).execute();
}

/**
 * Forgets the failures' start of every calendar not being waited for now (`waited`: theirs as
 * leavingKey makes them): one left behind — a change of address undone, an employee removed — came
 * back months later as a wait already over (review).
 */
export async function forgetOtherLeavingFailures(db: DB, waited: readonly { employeeId: string; provider: string; address: string }[]): Promise<void> {
  const keep = waited.map(leavingKey);
  let q = db.deleteFrom('daemon_info').where('key', 'like', `${LEAVING_PREFIX}%`);
  if (keep.length > 0) q = q.where('key', 'not in', keep);
  await q.execute();
}

const LEAVING_PREFIX = 'leaving.read_failed ';

function leavingKey(c: { employeeId: string; provider: string; address: string }): string {
  return `${LEAVING_PREFIX}${c.employeeId} ${c.provider} ${c.address}`;
}

/** A calendar was read (or had nothing of ours to read): any failure recorded before is over. */
export async function clearReadFailure(db: DB, employeeId: string, provider: string): Promise<void> {
  await db.deleteFrom('calendar_read_failures').where('employee_id', '=', employeeId).where('provider', '=', provider).execute();
}

/** The calendars whose last read failed, by employee. */
export async function readFailures(db: DB): Promise<CalendarReadFailureRow[]> {
  return db.selectFrom('calendar_read_failures').selectAll().orderBy('employee_id').orderBy('provider').execute();
}

/**
 * Forgets the failed reads of calendars no employee has any more (one gone from the
 * configuration, or who changed provider): `current` holds "employee\0provider" of those read.
 */
export async function forgetOtherReadFailures(db: DB, current: ReadonlySet<string>): Promise<void> {
  for (const r of await readFailures(db)) {
    if (!current.has(`${r.employee_id}\u0000${r.provider}`)) await clearReadFailure(db, r.employee_id, r.provider);
  }
}

export interface WriteQueueSummary {
  /** Rows that need a call. */
  readonly pending: number;
  /** Of those, due now (not waiting for a retry); counted when `now` is given. */
  readonly dueNow: number;
  /** Refused by the service as invalid: waiting for the content to change. */
  readonly failed: number;
  /** Those refusals by calendar: how many, and the last error. */
  readonly refused: readonly { readonly employee: string; readonly provider: string; readonly count: number; readonly lastError: string | null }[];
  /** With an unresolved write (a lost answer) to read back. */
  readonly unresolved: number;
  /** Employees whose pending writes wait after an error, with the last error. */
  readonly waiting: readonly { readonly employee: string; readonly provider: string; readonly nextAttemptAt: string | null; readonly lastError: string | null }[];
  /** Providers with a pending write that failed last time. */
  readonly troubledProviders: readonly string[];
  readonly pauses: readonly CalendarPauseRow[];
}

/** What `touchbase status`, /metrics and /readyz say about calendar writes. */
export async function writeQueueSummary(db: DB, nowIso?: string): Promise<WriteQueueSummary> {
  const rows = await db.selectFrom('calendar_sync')
    .select(['employee_id', 'provider', 'next_attempt_at', 'last_error', 'inflight_op', 'failed_hash', 'desired_hash'])
    .where('dirty', '=', 1).execute();
  const waiting = new Map<string, { employee: string; provider: string; nextAttemptAt: string | null; lastError: string | null }>();
  let dueNow = 0;
  let unresolved = 0;
  const troubled = new Set<string>();
  const pauses = await db.selectFrom('calendar_pauses').selectAll().execute();
  // A calendar that asked to wait (a quota, Retry-After) has nothing due until then, whatever its rows say (QA: "19 due now" beside "waits until 16:21").
  const waitsNow = new Set(nowIso === undefined ? [] : pauses.filter((p) => p.until !== null && p.until > nowIso).map((p) => `${p.employee_id}\u0000${p.provider}`));
  for (const r of rows) {
    if (nowIso !== undefined && (r.next_attempt_at === null || r.next_attempt_at <= nowIso) && !waitsNow.has(`${r.employee_id}\u0000${r.provider}`)) dueNow++;
    if (r.inflight_op) unresolved++;
    if (r.last_error) {
      troubled.add(r.provider);
      const k = `${r.employee_id}\u0000${r.provider}`;
      const w = waiting.get(k);
      if (!w || (r.next_attempt_at ?? '') > (w.nextAttemptAt ?? '')) waiting.set(k, { employee: r.employee_id, provider: r.provider, nextAttemptAt: r.next_attempt_at, lastError: r.last_error });
    }
  }
  for (const p of pauses) troubled.add(p.provider);
  // Refused entries are not dirty (nothing to do until their touch changes): counted apart.
  const refused = new Map<string, { employee: string; provider: string; count: number; lastError: string | null }>();
  for (const r of await refusedWrites(db)) {
    const k = `${r.employee_id}\u0000${r.provider}`;
    const one = refused.get(k) ?? { employee: r.employee_id, provider: r.provider, count: 0, lastError: r.last_error };
    one.count++;
    refused.set(k, one);
  }
  const failed = [...refused.values()].reduce((n, r) => n + r.count, 0);
  return { pending: rows.length, dueNow, failed, refused: [...refused.values()], unresolved, waiting: [...waiting.values()], troubledProviders: [...troubled], pauses };
}

/**
 * Calendar entries the calendar refused as invalid and that still want that content: they are
 * written again only once their touch changes. Found by their partial index
 * (db/migrations/0018_refused_writes_index.ts: its condition, word for word).
 */
export async function refusedWrites(db: DB): Promise<Pick<CalendarSyncRow, 'employee_id' | 'provider' | 'last_error'>[]> {
  const rows = await db.selectFrom('calendar_sync').select(['employee_id', 'provider', 'last_error', 'failed_hash', 'desired_hash'])
    .where(sql<boolean>`failed_hash is not null`).execute();
  return rows.filter((r) => r.failed_hash === r.desired_hash);
}

/** Is any calendar write due now (the daemon's frequent job then syncs even when nothing else changed)? */
export async function hasDueWrites(db: DB, nowIso: string): Promise<boolean> {
  // Not those of a calendar that asked to wait (a quota, Retry-After): a pass every tick of the
  // wait wrote nothing (as writeQueueSummary counts them).
  const row = await db.selectFrom('calendar_sync').select('entry_id').where('dirty', '=', 1)
    .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', nowIso)]))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('calendar_pauses').select('calendar_pauses.employee_id')
      .whereRef('calendar_pauses.employee_id', '=', 'calendar_sync.employee_id').whereRef('calendar_pauses.provider', '=', 'calendar_sync.provider')
      .where('calendar_pauses.until', '>', nowIso))))
    .limit(1).executeTakeFirst();
  return row !== undefined;
}
