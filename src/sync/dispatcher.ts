import type { Clock } from '../clock.ts';
import { CalendarError, type CalendarOwner, type CalendarPort, type DesiredEvent, type ProviderName, type RemoteEvent } from '../calendar/port.ts';
import type { DB } from '../storage/database.ts';
import { DEFAULT_RETRY, retryDelay, type RetryPolicy } from './retry-policy.ts';
import { dueOperations, type OutboxEntry } from './outbox.ts';
import { recordDeletedByUser } from './calendar-records.ts';
import { SlidingWindowLimiter } from './rate-limiter.ts';
import { forEachConcurrently } from './concurrently.ts';

export interface DispatchResult {
  done: number;
  retried: number;
  failed: number;
  /** Employees whose calendar refused us (auth, quota): their writes wait, the others go on. */
  paused: Map<string, string>;
  /** Provider errors met in this run, by "provider:code" (e.g. "google:rate_limited"). */
  errors: Map<string, number>;
}

export interface DispatcherDeps {
  readonly db: DB;
  readonly ports: Partial<Record<ProviderName, CalendarPort>>;
  readonly owners: ReadonlyMap<string, CalendarOwner>;
  readonly clock: Clock;
  readonly policy?: RetryPolicy;
  readonly random?: () => number;
  /** How many employees' calendars are written to at once. */
  readonly concurrency?: number;
  /** Calls per minute per employee and provider (default: Google 500, under its ~600). */
  readonly perMinute?: Partial<Record<ProviderName, number>>;
  /** Waits; injected so tests do not sleep. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called after each operation with how many of this run's are finished. */
  readonly onProgress?: (finished: number, total: number) => void;
  /**
   * Aborted when the daemon stops: no new operation is started; the calls in flight finish
   * (or time out) and are recorded. What was not started stays in the outbox for next time.
   */
  readonly signal?: AbortSignal;
}

const DEFAULT_PER_MINUTE: Partial<Record<ProviderName, number>> = { google: 500 };

/** How long an employee is left alone after their calendar refused us. */
const PAUSE_MS: Partial<Record<string, number>> = { auth: 15 * 60_000, quota_exhausted: 60 * 60_000 };

/**
 * Carries out the outbox: each pending operation is sent to the employee's calendar, and the
 * answer is recorded with the operation marked done, in one transaction. Failures are
 * retried by our own policy (the SDKs' retries are off); one employee's refusal pauses only
 * that employee.
 */
export class Dispatcher {
  readonly #deps: DispatcherDeps;
  readonly #limiters = new Map<ProviderName, SlidingWindowLimiter>();

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
    const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (const [provider, limit] of Object.entries({ ...DEFAULT_PER_MINUTE, ...deps.perMinute })) {
      this.#limiters.set(provider as ProviderName, new SlidingWindowLimiter(limit, 60_000, () => deps.clock.now().toMillis(), sleep));
    }
  }

  /** Runs every operation due now; each employee's operations in order, employees side by side. */
  async runDue(employee?: string): Promise<DispatchResult> {
    const result: DispatchResult = { done: 0, retried: 0, failed: 0, paused: new Map(), errors: new Map() };
    const rows = await dueOperations(this.#deps.db, this.#nowIso(), employee);
    const byEmployee = new Map<string, OutboxEntry[]>();
    for (const row of rows) {
      const list = byEmployee.get(row.employee_id);
      if (list) list.push(row);
      else byEmployee.set(row.employee_id, [row]);
    }
    this.#total = rows.length;
    this.#finished = 0;
    await forEachConcurrently([...byEmployee.entries()], this.#deps.concurrency ?? 8, ([id, list]) => this.#runEmployee(id, list, result));
    return result;
  }

  #total = 0;
  #finished = 0;

  async #runEmployee(employee: string, rows: OutboxEntry[], result: DispatchResult): Promise<void> {
    for (const row of rows) {
      if (this.#deps.signal?.aborted) return;
      this.#deps.onProgress?.(++this.#finished, this.#total);
      try {
        await this.#execute(row);
        result.done++;
      } catch (error) {
        const e = error instanceof CalendarError ? error : new CalendarError('unknown', (error as Error)?.message ?? String(error));
        const key = `${row.provider}:${e.code}`;
        result.errors.set(key, (result.errors.get(key) ?? 0) + 1);
        const pause = PAUSE_MS[e.code];
        if (pause !== undefined) {
          await this.#postpone(row, e, pause, false);
          result.paused.set(employee, `${e.code}: ${e.message}`);
          return; // the rest of this employee's writes wait as well
        }
        const delay = retryDelay(e, row.attempts + 1, this.#deps.policy ?? DEFAULT_RETRY, this.#deps.random);
        if (delay === undefined) {
          await this.#postpone(row, e, 0, true);
          result.failed++;
        } else {
          await this.#postpone(row, e, delay, false);
          result.retried++;
        }
      }
    }
  }

  async #execute(row: OutboxEntry): Promise<void> {
    const port = this.#deps.ports[row.provider as ProviderName];
    const owner = this.#deps.owners.get(row.employee_id);
    if (!port || !owner) throw new CalendarError('auth', `no ${row.provider} calendar is configured for ${row.employee_id}`);
    await this.#limiters.get(port.provider)?.acquire(row.employee_id);
    if (row.op === 'delete') {
      try {
        await port.remove(owner, row.provider_id!);
      } catch (error) {
        if (!(error instanceof CalendarError && error.code === 'not_found')) throw error;
      }
      await this.#forget(row);
      return;
    }
    const event = JSON.parse(row.payload!) as DesiredEvent;
    if (row.op === 'create') {
      try {
        await this.#record(row, event, await port.create(owner, event));
      } catch (error) {
        // The id exists as an event the employee deleted: their decision stands.
        if (!(error instanceof CalendarError && error.code === 'not_found')) throw error;
        await this.#deletedByUser(row, event.key);
      }
      return;
    }
    try {
      await this.#record(row, event, await port.update(owner, row.provider_id!, event));
    } catch (error) {
      if (!(error instanceof CalendarError && error.code === 'not_found')) throw error;
      await this.#deletedByUser(row);
    }
  }

  async #record(row: OutboxEntry, event: DesiredEvent, remote: RemoteEvent): Promise<void> {
    const now = this.#nowIso();
    await this.#deps.db.transaction().execute(async (trx) => {
      const values = {
        touch_id: row.touch_id, employee_id: row.employee_id, provider: row.provider, event_key: event.key,
        provider_id: remote.providerId, etag: remote.etag ?? null, content_hash: event.contentHash, state: 'active' as const, updated_at: now,
      };
      await trx.insertInto('calendar_events').values(values).onConflict((oc) => oc.column('touch_id').doUpdateSet(values)).execute();
      await trx.updateTable('outbox').set({ status: 'done', attempts: row.attempts + 1, last_error: null, updated_at: now }).where('seq', '=', row.seq).execute();
    });
  }

  async #forget(row: OutboxEntry): Promise<void> {
    const now = this.#nowIso();
    await this.#deps.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('calendar_events').where('touch_id', '=', row.touch_id).where('employee_id', '=', row.employee_id).execute();
      await trx.updateTable('outbox').set({ status: 'done', attempts: row.attempts + 1, last_error: null, updated_at: now }).where('seq', '=', row.seq).execute();
    });
  }

  /** The employee deleted the event: recorded, never pushed again, and the touch counts as skipped by them. */
  async #deletedByUser(row: OutboxEntry, key?: string): Promise<void> {
    const now = this.#nowIso();
    await this.#deps.db.transaction().execute(async (trx) => {
      await recordDeletedByUser(trx as unknown as DB, {
        touchId: row.touch_id, employeeId: row.employee_id, provider: row.provider,
        key: key ?? row.provider_id ?? '', providerId: row.provider_id ?? key ?? '', contentHash: row.content_hash ?? '',
      }, now);
      await trx.updateTable('outbox').set({ status: 'done', attempts: row.attempts + 1, last_error: 'deleted by the user', updated_at: now }).where('seq', '=', row.seq).execute();
    });
  }

  async #postpone(row: OutboxEntry, error: CalendarError, delayMs: number, giveUp: boolean): Promise<void> {
    const now = this.#deps.clock.now();
    await this.#deps.db.updateTable('outbox').set({
      status: giveUp ? 'failed' : 'pending', attempts: row.attempts + 1, last_error: `${error.code}: ${error.message}`,
      next_attempt_at: now.plus({ milliseconds: delayMs }).toUTC().toISO()!, updated_at: now.toUTC().toISO()!,
    }).where('seq', '=', row.seq).execute();
  }

  #nowIso(): string {
    return this.#deps.clock.now().toUTC().toISO()!;
  }
}

