import type { Clock } from '../clock.ts';
import { CalendarError, type CalendarOwner, type DesiredEvent, type RemoteEvent } from '../calendar/port.ts';
import type { DB } from '../storage/database.ts';
import type { CalendarSyncRow } from '../storage/schema.ts';
import {
  claimWrite, clearPause, dueSyncRows, getSyncRow, pausesOf, recordAbsent, recordFailure, recordPresent, setPause, stateOf,
} from '../storage/calendar-sync-repository.ts';
import { inTransaction } from '../storage/touch-repository.ts';
import { afterRead, eventKeyOf, generationOf, nextStep, type WriteOp } from '../domain/sync-state.ts';
import { DEFAULT_RETRY, retryDelay, type RetryPolicy } from './retry-policy.ts';
import type { CalendarGateway } from './calendar-gateway.ts';
import { skipMembers, type RemoteChanges } from './remote-changes.ts';
import { forEachConcurrently } from './concurrently.ts';
import { listedKey } from './observe-calendars.ts';
import { claimCalendar, releaseClaim, renewClaim, type CalendarKey } from '../storage/calendar-claims.ts';

export interface DispatchResult {
  /** Writes the calendars confirmed (creates, updates, deletes). */
  done: number;
  /** Rows that failed this time and will be tried again. */
  retried: number;
  /** Rows whose content the calendar refused as invalid (tried again when it changes). */
  failed: number;
  /** Writes whose earlier outcome was unknown, settled by reading the event back. */
  settled: number;
  /** Touches found deleted by their employee while a write was settled. */
  deletedByUser: number;
  /** Events found moved by their employee while a write was settled (the touch follows). */
  movedByUser: number;
  /** Employees whose calendar refused us (auth, quota): their writes wait, the others go on. */
  paused: Map<string, string>;
  /** Rows that wait because their calendar refused us (in none of the counts above). */
  held: number;
  /** Rows not tried in this run because their calendar asked to slow down (Retry-After): they wait as long as it said (in none of the counts above). */
  slowed: number;
  /** Writes left for the next run because their calendar stopped answering (NO_ANSWER_STOP calls in a row). */
  unanswered: number;
  /** Provider errors met in this run, by "provider:code" (e.g. "google:rate_limited"). */
  errors: Map<string, number>;
  /** Calendars left alone because another daemon holds their claim (their rows wait for it, or for the next run). */
  elsewhere: number;
  /** Calendars stopped because this daemon's claim on them ran out while it worked (fencing). */
  fenced: number;
}

export interface ReconcilerDeps {
  readonly db: DB;
  readonly gateway: CalendarGateway;
  readonly owners: ReadonlyMap<string, CalendarOwner>;
  readonly clock: Clock;
  /** The event a row should show, as computed in this run (its key is the row's). */
  readonly eventFor: (row: CalendarSyncRow) => DesiredEvent | undefined;
  /** Records what a read shows the employee did (a move, a deletion). */
  readonly changes: RemoteChanges;
  readonly policy?: RetryPolicy;
  readonly random?: () => number;
  /** How many employees' calendars are worked on at once. */
  readonly concurrency?: number;
  /** Employees (and their reason) whose calendars are not worked on this time. */
  readonly skip?: ReadonlyMap<string, string>;
  readonly onProgress?: (finished: number, total: number) => void;
  /**
   * Several daemons share the database: each calendar is claimed for `holder` before it is
   * worked, the claim renewed before every write and released when done; a calendar another
   * live instance holds is skipped (storage/calendar-claims.ts). `ttlMs` must be longer than a
   * call's time-out: a takeover then comes after any write of the previous holder has landed.
   */
  readonly claims?: { readonly holder: string; readonly ttlMs: number };
  /**
   * Aborted when the daemon stops: no new call is started; the calls in flight finish (or time
   * out) and are recorded. What was not started is still to do at the next run.
   */
  readonly signal?: AbortSignal;
  /**
   * The events this sync's listings showed live (observe-calendars.ts listedKey). A read-back of
   * one of them that finds it gone contradicts a successful answer of moments before (a GET's
   * stray 404): nothing is concluded, it is read again later — taken as the employee deleting
   * it, the touch was skipped and its live event left in the calendar for good (QA).
   */
  readonly listedLive?: ReadonlySet<string>;
}

/** How long an employee whose quota is exhausted is left alone (Google: "for hours"). */
const QUOTA_PAUSE_MS = 60 * 60_000;
/** How long after a write without an answer it is read back (a request can reach the service late). */
export const SETTLE_AFTER_MS = 60_000;
/** Steps one row may take in one run (read back, create, update…): always enough, never a loop. */
const MAX_STEPS = 5;
/** Calls in a row without an answer after which a calendar's other writes wait for the next run. */
export const NO_ANSWER_STOP = 3;

/** 'calendar-down': its credentials could not be had (CalendarError.wholeCalendar): its other rows wait for a later run. */
type Verdict = 'next-row' | 'stop-calendar' | 'calendar-down';

/**
 * Brings each calendar to the desired state, one (touch, calendar) row at a time: the next
 * call is decided from the row as it is right before the call (docs/sync-states.md), so an
 * intent abandoned while a calendar refused us is never sent, and a touch that moved to
 * another employee is never created in the first one's calendar. Every write is recorded as in
 * flight before it is sent; a missing answer is settled by reading, never concluded.
 */
export class Reconciler {
  readonly #d: ReconcilerDeps;
  #total = 0;
  #finished = 0;
  /** Events recomputed in this run for touches the employee moved (the run's desired state predates the move). */
  readonly #rewritten = new Map<string, DesiredEvent>();

  constructor(deps: ReconcilerDeps) {
    this.#d = deps;
  }

  /** Works every row that needs a call and is due; each calendar's rows in order, calendars side by side. */
  async runDue(employee?: string): Promise<DispatchResult> {
    const result: DispatchResult = { done: 0, retried: 0, failed: 0, settled: 0, deletedByUser: 0, movedByUser: 0, paused: new Map(), held: 0, slowed: 0, unanswered: 0, errors: new Map(), elsewhere: 0, fenced: 0 };
    const rows = (await dueSyncRows(this.#d.db, this.#nowIso(), employee)).filter((r) => !this.#d.skip?.has(r.employee_id));
    const byCalendar = new Map<string, CalendarSyncRow[]>();
    for (const row of rows) {
      const k = `${row.employee_id}\u0000${row.provider}`;
      const list = byCalendar.get(k);
      if (list) list.push(row);
      else byCalendar.set(k, [row]);
    }
    this.#total = rows.length;
    this.#finished = 0;
    const pauses = await pausesOf(this.#d.db);
    await forEachConcurrently([...byCalendar.entries()], this.#d.concurrency ?? 8, async ([k, list]) => {
      const pause = pauses.get(k);
      const first = list[0]!;
      if (pause?.until && pause.until > this.#nowIso()) {
        // Asked to slow down (a 429, a Retry-After) is no refusal: its rows wait as long as it said.
        if (pause.code !== 'auth' && pause.code !== 'quota_exhausted') {
          result.slowed += list.length;
          return;
        }
        result.paused.set(first.employee_id, `${pause.code}: ${pause.reason}`);
        result.held += list.length;
        return;
      }
      let lease: CalendarLease | undefined;
      if (this.#d.claims) {
        lease = await CalendarLease.take(this.#d.db, this.#d.clock, { employeeId: first.employee_id, provider: first.provider }, this.#d.claims);
        if (!lease) {
          result.elsewhere++;
          return;
        }
      }
      try {
        await this.#runCalendar(list, result, pause !== undefined, lease);
      } finally {
        if (lease?.lost) result.fenced++;
        await lease?.release();
      }
    });
    return result;
  }

  /** One calendar's rows, in order. A paused calendar (its credentials failed before) is tried with its first row. */
  async #runCalendar(rows: readonly CalendarSyncRow[], result: DispatchResult, paused: boolean, lease?: CalendarLease): Promise<void> {
    let probing = paused;
    let unanswered = 0;
    for (const [i, due] of rows.entries()) {
      if (this.#d.signal?.aborted) return;
      // The claim is kept up while the calendar is worked (and checked before each write).
      if (lease && !(await lease.keep())) return;
      this.#d.onProgress?.(++this.#finished, this.#total);
      const key = `${due.provider}:no_answer`;
      const before = result.errors.get(key) ?? 0;
      const verdict = await this.#work(due, result, lease);
      unanswered = (result.errors.get(key) ?? 0) > before ? unanswered + 1 : 0;
      if (verdict === 'calendar-down') {
        // Every other call to it would ask the token endpoint again and fail the same way.
        result.unanswered += rows.length - i - 1;
        return;
      }
      if (verdict !== 'stop-calendar' && unanswered >= NO_ANSWER_STOP && i < rows.length - 1) {
        // A calendar that stopped answering costs the whole timeout per call: its other writes
        // wait for the next run rather than each waiting out its own (hundreds of them held a
        // sync, every other calendar's too, for many minutes in an outage).
        result.unanswered += rows.length - i - 1;
        return;
      }
      if (verdict === 'stop-calendar') {
        // Refused as a whole (credentials, quota): this row and the rest wait for the calendar.
        // Asked to slow down: this row is counted to retry, the rest wait as long as it said.
        if (result.paused.has(due.employee_id)) result.held += rows.length - i;
        else if (!this.#d.signal?.aborted && !lease?.lost) result.slowed += rows.length - i - 1;
        return;
      }
      if (probing) {
        // The calendar answered: whatever refused us before is fixed.
        await clearPause(this.#d.db, due.employee_id, due.provider);
        probing = false;
      }
    }
  }

  /** Takes one row as far as it can go now. */
  async #work(due: CalendarSyncRow, result: DispatchResult, lease?: CalendarLease): Promise<Verdict> {
    let row = await getSyncRow(this.#d.db, { entryId: due.entry_id, employeeId: due.employee_id, provider: due.provider });
    const owner = this.#d.owners.get(due.employee_id);
    for (let step = 0; row && owner && step < MAX_STEPS; step++) {
      if (row.next_attempt_at !== null && row.next_attempt_at > this.#nowIso()) return 'next-row';
      const next = nextStep(stateOf(row));
      if (next === 'none') return 'next-row';
      if (step > 0 && this.#d.signal?.aborted) return 'stop-calendar';
      if (next === 'read') {
        const read = await this.#settle(row, owner, result);
        if (read.verdict) return read.verdict;
        row = read.row;
        continue;
      }
      const event = next === 'delete' ? undefined : this.#rewritten.get(rowKeyOf(row)) ?? this.#d.eventFor(row);
      // The content of this run was not computed for this row (it changed meanwhile): next run.
      if (next !== 'delete' && (!event || event.contentHash !== row.desired_hash)) return 'next-row';
      const written = await this.#write(row, next, owner, event, result, lease);
      if (written.verdict) return written.verdict;
      row = written.row;
    }
    return 'next-row';
  }

  /** A write of unknown outcome: read the event back and record what it shows. */
  async #settle(row: CalendarSyncRow, owner: CalendarOwner, result: DispatchResult): Promise<{ row?: CalendarSyncRow; verdict?: Verdict }> {
    let found: RemoteEvent | undefined;
    try {
      found = await this.#d.gateway.read(row.provider, owner, (port, pace) => port.read(owner, row.event_key, row.remote_id ?? undefined, pace));
    } catch (error) {
      // Still unresolved: nothing is concluded, the read is tried again later.
      return { verdict: await this.#failed(row, error as CalendarError, result, true) };
    }
    const disagreeing = this.#contradictsListing(row, found);
    if (disagreeing) return { verdict: await this.#failed(row, disagreeing, result, true) };
    result.settled++;
    const settled = await this.#recordRead(row, found, result);
    return settled ? { row: settled } : { verdict: 'next-row' };
  }

  /** The row after a read settled it, or undefined when what it wants is only known at the next run (a day's entry moved). */
  async #recordRead(row: CalendarSyncRow, found: RemoteEvent | undefined, result: DispatchResult): Promise<CalendarSyncRow | undefined> {
    const now = this.#nowIso();
    const read = !found ? { kind: 'absent' as const } : found.status === 'cancelled' ? { kind: 'cancelled' as const } : { kind: 'live' as const, hash: found.contentHash ?? null };
    const settled = afterRead(row.inflight_op, read, row.desired);
    if (found && read.kind === 'live') {
      // The times the event has by our doing: what the write in flight set if it landed (the
      // event carries its content hash), else what we last confirmed. Other times are the
      // employee's move, made since.
      const landed = row.inflight_hash !== null && found.contentHash === row.inflight_hash;
      const ours = landed ? { start: row.inflight_start, end: row.inflight_end } : { start: row.remote_start, end: row.remote_end };
      const present = await recordPresent(this.#d.db, row, { ...confirmed(found), start: ours.start ?? found.start, end: ours.end ?? (found.end || null) }, now);
      return this.#seen(present, await this.#d.changes.record(present, found, now), result);
    }
    return inTransaction(this.#d.db, async (trx) => {
      const next = await recordAbsent(trx, row, settled.remote as Exclude<typeof settled.remote, 'present'>, now);
      if (settled.deletedByUser) result.deletedByUser += await skipMembers(trx, row, now);
      return next;
    });
  }

  async #write(
    row: CalendarSyncRow, op: WriteOp, owner: CalendarOwner, event: DesiredEvent | undefined, result: DispatchResult, lease?: CalendarLease,
  ): Promise<{ row?: CalendarSyncRow; verdict?: Verdict }> {
    const now = this.#nowIso();
    const guard = lease && (() => lease.guard());
    // Recorded before the call: whatever happens next, the next run knows a write may have gone out.
    const claimed = await claimWrite(this.#d.db, row, op, row.event_key, now, event && { hash: event.contentHash, start: event.start, end: event.end });
    if (!claimed) return { verdict: 'next-row' };
    try {
      if (op === 'delete') {
        await this.#d.gateway.write(row.provider, owner, (port) => port.remove(owner, claimed.remote_id!), guard);
        result.done++;
        return { row: await recordAbsent(this.#d.db, claimed, 'gone', this.#nowIso()) };
      }
      const keyed: DesiredEvent = { ...event!, key: claimed.event_key };
      const remote = op === 'create'
        ? await this.#d.gateway.write(row.provider, owner, (port) => port.create(owner, keyed), guard)
        // If-Match: an event the employee changed since we last saw it is not overwritten.
        : await this.#d.gateway.write(row.provider, owner, (port) => port.update(owner, claimed.remote_id!, keyed, claimed.remote_etag ?? undefined), guard, true);
      result.done++;
      return { row: await recordPresent(this.#d.db, claimed, confirmed(remote), this.#nowIso()) };
    } catch (error) {
      // Our claim ran out before the call: nothing was sent, and the row is no longer ours to
      // touch (it stays in flight: whoever holds the calendar now reads it back, finds nothing).
      if (error instanceof LeaseLostError) return { verdict: 'stop-calendar' };
      // Not the calendar's answer (the database failed to record it): whether the write went
      // out is not known, so the row stays in flight as claimed and is read back next time. Taken
      // for a call not carried out, the row went back and the create was sent again.
      if (!(error instanceof CalendarError)) throw error;
      const e = error;
      if (op === 'create' && e.code === 'id_taken') {
        // Google keeps a deleted event's id for good (Graph, perhaps, its transaction id): the touch comes back under its next key.
        const next = eventKeyOf(row.entry_id, generationOf(claimed.event_key) + 1);
        return { row: await recordAbsent(this.#d.db, claimed, 'none', this.#nowIso(), next) };
      }
      if (op === 'update' && e.code === 'conflict') {
        // Not carried out: the event changed in the calendar since we last saw it. Read it and
        // take over what the employee did before anything is written.
        return this.#changedRemotely({ ...row, updated_at: claimed.updated_at }, owner, result);
      }
      if (op === 'update' && e.code === 'not_found') {
        // Gone from under us: whose doing it was, only a read can tell. Still in flight, so read next.
        return { row: await recordFailure(this.#d.db, claimed, { outcomeUnknown: true, error: `${e.code}: ${e.message}`, nextAttemptAt: null, countAttempt: false }, this.#nowIso()) };
      }
      // Not carried out: the row goes back to what it was before the claim (with the failure noted).
      return { verdict: await this.#failed(e.outcomeUnknown ? claimed : { ...row, updated_at: claimed.updated_at }, e, result) };
    }
  }

  async #changedRemotely(row: CalendarSyncRow, owner: CalendarOwner, result: DispatchResult): Promise<{ row?: CalendarSyncRow; verdict?: Verdict }> {
    let found: RemoteEvent | undefined;
    try {
      found = await this.#d.gateway.read(row.provider, owner, (port, pace) => port.read(owner, row.event_key, row.remote_id ?? undefined, pace));
    } catch (error) {
      return { verdict: await this.#failed(row, error as CalendarError, result) };
    }
    const disagreeing = this.#contradictsListing(row, found);
    if (disagreeing) return { verdict: await this.#failed(row, disagreeing, result) };
    const seen = await this.#d.changes.record(row, found, this.#nowIso());
    if (seen.skipped) result.deletedByUser++;
    const next = this.#seen(row, seen, result);
    return next ? { row: next } : { verdict: 'next-row' };
  }

  /** A read that finds gone an event this sync's listing showed live: the calendar's answers disagree (listedLive). */
  #contradictsListing(row: CalendarSyncRow, found: RemoteEvent | undefined): CalendarError | undefined {
    if (found && found.status !== 'cancelled') return undefined;
    if (!this.#d.listedLive?.has(listedKey(row.provider, row.employee_id, row.event_key))) return undefined;
    return new CalendarError('temporary', `the event was read back as ${found ? 'cancelled' : 'not found'}, though this sync's listing of the calendar showed it: nothing is concluded, it is read again later`);
  }

  /**
   * After a move the touch wants another event (its new time): this run writes that one. A
   * day's entry moved to another day is another entry: worked out at the next run.
   */
  #seen(_row: CalendarSyncRow, seen: { change: string; row: CalendarSyncRow; event?: DesiredEvent }, result: DispatchResult): CalendarSyncRow | undefined {
    if (seen.change === 'moved') result.movedByUser++;
    if (seen.event) this.#rewritten.set(rowKeyOf(seen.row), seen.event);
    else if (seen.change === 'moved') return undefined;
    return seen.row;
  }

  /**
   * Records a failed call and says whether this calendar's other rows may go on. A write whose
   * outcome is unknown stays in flight (read back next time); so does anything whose settling
   * read failed (`reading`).
   */
  async #failed(row: CalendarSyncRow, e: CalendarError, result: DispatchResult, reading = false): Promise<Verdict> {
    const keepInflight = reading || e.outcomeUnknown;
    const now = this.#d.clock.now();
    const nowIso = now.toUTC().toISO()!;
    const key = `${row.provider}:${e.code}`;
    result.errors.set(key, (result.errors.get(key) ?? 0) + 1);
    const error = `${e.code}: ${e.message}`;
    if (e.code === 'auth' || e.code === 'quota_exhausted') {
      // Not carried out; the calendar refuses us as a whole. Its writes wait without a timer of
      // their own: credentials are tried again at every sync (so a fixed token resumes at once),
      // an exhausted quota after an hour.
      await recordFailure(this.#d.db, row, { outcomeUnknown: keepInflight, error, nextAttemptAt: null, countAttempt: false }, nowIso);
      await setPause(this.#d.db, {
        employee_id: row.employee_id, provider: row.provider, code: e.code, reason: e.message, since: nowIso,
        until: e.code === 'quota_exhausted' ? now.plus({ milliseconds: QUOTA_PAUSE_MS }).toUTC().toISO()! : null,
      });
      result.paused.set(row.employee_id, error);
      return 'stop-calendar';
    }
    if (e.code === 'invalid') {
      await recordFailure(this.#d.db, row, { outcomeUnknown: keepInflight, error, nextAttemptAt: null, countAttempt: true, refusedHash: reading ? undefined : row.desired_hash ?? undefined }, nowIso);
      result.failed++;
      return 'next-row';
    }
    let delay = retryDelay(new CalendarError(e.retryable ? e.code : 'unknown', e.message, e.retryAfterMs), row.attempts + 1, this.#d.policy ?? DEFAULT_RETRY, this.#d.random) ?? 60_000;
    // A write that got no answer may still be on its way: it is read back only once a late
    // arrival has had time to land, so the read sees what the service will keep.
    if (keepInflight && !reading) delay = Math.max(delay, SETTLE_AFTER_MS);
    await recordFailure(this.#d.db, row, {
      outcomeUnknown: keepInflight, error, nextAttemptAt: now.plus({ milliseconds: Math.max(delay, 1) }).toUTC().toISO()!, countAttempt: true,
    }, nowIso);
    result.retried++;
    if (!e.wholeCalendar && e.code !== 'rate_limited' && (e.retryAfterMs === undefined || !e.retryable)) return 'next-row';
    // The calendar asked us to slow down (Google and Graph limit per user), or said when it is
    // back (a 503 with Retry-After): all its writes wait as long as it said, not only this one.
    // (A 503's write may have gone through: the row itself waits to be read back, its calendar only as it said.)
    // Its credentials could not be had (wholeCalendar): it waits as long as this row does, its
    // reads too (observe-calendars.ts), rather than each call asking the token endpoint again.
    const hold = e.code === 'rate_limited' ? delay : e.retryAfterMs ?? delay;
    await setPause(this.#d.db, {
      employee_id: row.employee_id, provider: row.provider, code: e.code, reason: e.message, since: nowIso,
      until: now.plus({ milliseconds: Math.max(hold, 1) }).toUTC().toISO()!,
    });
    return e.wholeCalendar ? 'calendar-down' : 'stop-calendar';
  }

  #nowIso(): string {
    return this.#d.clock.now().toUTC().toISO()!;
  }
}

/** A write was not made: the claim on its calendar ran out or was taken over (fencing). */
export class LeaseLostError extends Error {}

/**
 * This daemon's claim on one calendar while it works it: renewed every third of its time to
 * live as rows go by, and before every write; once a renewal fails the lease is lost for good
 * (another instance may be writing there now) and no further write is made.
 */
class CalendarLease {
  readonly #db: DB;
  readonly #clock: Clock;
  readonly #key: CalendarKey;
  readonly #holder: string;
  readonly #ttlMs: number;
  #renewedMs: number;
  lost = false;

  private constructor(db: DB, clock: Clock, key: CalendarKey, claims: { holder: string; ttlMs: number }, nowMs: number) {
    this.#db = db;
    this.#clock = clock;
    this.#key = key;
    this.#holder = claims.holder;
    this.#ttlMs = claims.ttlMs;
    this.#renewedMs = nowMs;
  }

  /** The calendar claimed for the holder, or undefined when another live instance holds it. */
  static async take(db: DB, clock: Clock, key: CalendarKey, claims: { holder: string; ttlMs: number }): Promise<CalendarLease | undefined> {
    const now = clock.now();
    const won = await claimCalendar(db, key, claims.holder, now.toUTC().toISO()!, now.plus({ milliseconds: claims.ttlMs }).toUTC().toISO()!);
    return won ? new CalendarLease(db, clock, key, claims, now.toMillis()) : undefined;
  }

  /** Renews when a third of the lease has gone by; false once it is lost. */
  async keep(): Promise<boolean> {
    if (this.lost) return false;
    if (this.#clock.now().toMillis() - this.#renewedMs < this.#ttlMs / 3) return true;
    return this.#renew();
  }

  /** Right before a write: renews, or throws LeaseLostError (the write is not made). */
  async guard(): Promise<void> {
    if (!(await this.#renew())) throw new LeaseLostError(`the claim on ${this.#key.employeeId}'s ${this.#key.provider} calendar ran out: another daemon may be working it`);
  }

  async #renew(): Promise<boolean> {
    if (this.lost) return false;
    const now = this.#clock.now();
    const ok = await renewClaim(this.#db, this.#key, this.#holder, now.toUTC().toISO()!, now.plus({ milliseconds: this.#ttlMs }).toUTC().toISO()!);
    if (ok) this.#renewedMs = now.toMillis();
    else this.lost = true;
    return ok;
  }

  async release(): Promise<void> {
    await releaseClaim(this.#db, this.#key, this.#holder);
  }
}

function rowKeyOf(row: CalendarSyncRow): string {
  return `${row.entry_id}\u0000${row.employee_id}\u0000${row.provider}`;
}

function confirmed(remote: RemoteEvent) {
  return { id: remote.providerId, etag: remote.etag ?? null, hash: remote.contentHash ?? null, start: remote.start, end: remote.end || null };
}
