import type { Clock } from '../clock.ts';
import { asCalendarError, CalendarError, type CalendarOwner, type CalendarPort, type ProviderName } from '../calendar/port.ts';
import { READ_RETRY, retryDelay, type RetryPolicy } from './retry-policy.ts';
import { SharedBucketLimiter, SlidingWindowLimiter, type CallLimiter, type RateLimit } from './rate-limiter.ts';
import type { DB } from '../storage/database.ts';

export interface GatewayOptions {
  readonly ports: Partial<Record<ProviderName, CalendarPort>>;
  readonly clock: Clock;
  /** Calls per minute per employee and provider (default: Google 500, under its ~600). */
  readonly perMinute?: Partial<Record<ProviderName, number>>;
  /** Limits over other windows (TOUCHBASE_CALENDAR_RATES); they win over `perMinute`. */
  readonly rates?: Partial<Record<ProviderName, RateLimit>>;
  /** Limits on all of a provider's calls together (Google: 10,000 a minute per project); default PROJECT_RATES. */
  readonly projectRates?: Partial<Record<ProviderName, RateLimit>>;
  /**
   * Several daemons share this database: the limits are kept there (token buckets every
   * instance takes from), not in this process's memory.
   */
  readonly sharedRates?: DB;
  /** Waits; injected so tests do not sleep. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly readPolicy?: RetryPolicy;
  readonly random?: () => number;
}

const DEFAULT_PER_MINUTE: Partial<Record<ProviderName, number>> = { google: 500 };

/**
 * Google also limits a project's calls, all users together, to about 10,000 a minute; the sync
 * works 8 to 16 calendars at once, which at Google's usual 50 ms a call could go over it.
 */
export const PROJECT_RATES: Partial<Record<ProviderName, RateLimit>> = { google: { limit: 9_000, windowMs: 60_000 } };

/** The key of a project-wide limit: one budget for every employee's calls. */
const EVERYONE = '*';

/**
 * Every call to a calendar goes through here: reads and writes of one employee share one rate
 * limit per provider (Google allows about 600 calls a minute per user), and reads are retried
 * a few times by the same policy as writes (Retry-After first, then jittered backoff). Writes
 * are tried once: the reconciler records them before the call and decides what a failure means.
 */
export class CalendarGateway {
  readonly #o: GatewayOptions;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #limiters = new Map<ProviderName, CallLimiter>();
  readonly #projectLimiters = new Map<ProviderName, CallLimiter>();
  /** Calls that got their answer: reads (each page of a listing is one) and writes. */
  reads = 0;
  writes = 0;
  /**
   * Calls that failed (an error, no answer, an answer that is not what was asked for): counted
   * apart, or a sync whose every read failed said "(7 reads, 0 writes)". A read retried counts
   * each failed try.
   */
  failedReads = 0;
  failedWrites = 0;

  constructor(o: GatewayOptions) {
    this.#o = o;
    this.#sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const rates: Partial<Record<string, RateLimit>> = {};
    for (const [provider, limit] of Object.entries({ ...DEFAULT_PER_MINUTE, ...o.perMinute })) if (limit) rates[provider] = { limit, windowMs: 60_000 };
    Object.assign(rates, o.rates);
    // The limits count the provider's minutes. Waits that are real (no `sleep` injected) count
    // them by the real clock: under a fixed "now" (`once --now …`) a full window never passed,
    // and the call past the limit waited for ever. Waits injected by a test run on its clock.
    const now = o.sleep ? () => o.clock.now().toMillis() : () => Date.now();
    const limiter = (bucket: string, rate: RateLimit) => o.sharedRates
      ? new SharedBucketLimiter(o.sharedRates, bucket, rate, now, this.#sleep)
      : new SlidingWindowLimiter(rate.limit, rate.windowMs, now, this.#sleep);
    for (const [provider, rate] of Object.entries(rates)) if (rate) this.#limiters.set(provider as ProviderName, limiter(provider, rate));
    for (const [provider, rate] of Object.entries(o.projectRates ?? PROJECT_RATES)) if (rate) this.#projectLimiters.set(provider as ProviderName, limiter(`${provider}:project`, rate));
  }

  /** Waits for the employee's limit, then the project's (a call waiting on one person's calendar takes no share of everyone's meanwhile). */
  async #acquire(provider: ProviderName, employeeId: string): Promise<void> {
    await this.#limiters.get(provider)?.acquire(employeeId);
    await this.#projectLimiters.get(provider)?.acquire(EVERYONE);
  }

  port(provider: string): CalendarPort | undefined {
    return this.#o.ports[provider as ProviderName];
  }

  /**
   * One write, after waiting for the employee's rate limit. Failures are thrown as
   * CalendarErrors. `guard` runs last, right before the call (after any wait): a claim's
   * fencing check, whose own error is thrown as it is and means the call was not made.
   * `conflictAnswers`: a conflict is an answer the caller takes in (an update refused because the
   * event changed since it was read), not a failed write.
   */
  async write<T>(provider: string, owner: CalendarOwner, call: (port: CalendarPort) => Promise<T>, guard?: () => Promise<void>, conflictAnswers = false): Promise<T> {
    const port = this.#require(provider, owner);
    await this.#acquire(port.provider, owner.employeeId);
    await guard?.();
    try {
      const done = await call(port);
      this.writes++;
      return done;
    } catch (error) {
      const e = asCalendarError(error);
      // An id the calendar keeps for a deleted event: answered, and the event goes under its next
      // key at once — no failure the summary should count ("97 writes failed" that all landed).
      // Nor is a conflict where the caller takes it in (an update's 412: its holder changed the event
      // since it was read; QA: a user's move kept, "2 writes failed").
      if (e.code === 'id_taken' || (e.code === 'conflict' && conflictAnswers)) this.writes++;
      else this.failedWrites++;
      throw e;
    }
  }

  /**
   * A read, retried while the failure is retryable and the tries last; then the failure is thrown.
   * `call` is given the port and the wait of this calendar's limit, for the further pages of a listing.
   */
  async read<T>(provider: string, owner: CalendarOwner, call: (port: CalendarPort, pace: () => Promise<void>) => Promise<T>): Promise<T> {
    const port = this.#require(provider, owner);
    const policy = this.#o.readPolicy ?? READ_RETRY;
    for (let attempt = 1; ; attempt++) {
      await this.#acquire(port.provider, owner.employeeId);
      // Each further page of a listing is one more call; the one that fails is the last one made.
      let calls = 1;
      try {
        const done = await call(port, () => {
          calls++;
          return this.#acquire(port.provider, owner.employeeId);
        });
        this.reads += calls;
        return done;
      } catch (error) {
        this.reads += calls - 1;
        this.failedReads++;
        const e = asCalendarError(error);
        // A wait longer than the policy's cap is not waited here: the next sync reads again.
        const delay = e.retryAfterMs !== undefined && e.retryAfterMs > policy.maxDelayMs ? undefined : retryDelay(e, attempt, policy, this.#o.random);
        if (delay === undefined) throw e;
        await this.#sleep(delay);
      }
    }
  }

  #require(provider: string, owner: CalendarOwner): CalendarPort {
    const port = this.port(provider);
    if (!port) throw new CalendarError('auth', `no ${provider} calendar connection is configured (for ${owner.employeeId})`);
    return port;
  }
}
