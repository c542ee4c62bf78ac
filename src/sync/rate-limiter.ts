import type { DB } from '../storage/database.ts';
import { bucketFor, takeToken, type BucketRule } from '../storage/rate-buckets.ts';

/** Waits until one more call for `key` (an employee's calendar) may go. */
export interface CallLimiter {
  acquire(key: string): Promise<void>;
}

/** A provider's per-user limit: at most `limit` calls in any `windowMs`. */
export interface RateLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * A sliding-window limit per key (an employee's calendar): at most `limit` calls in any
 * `windowMs`. `acquire` waits, through the injected sleep, until a call may go. Google asks
 * for about 600 requests per minute per user; staying under it avoids 403s altogether.
 * It lives in this process's memory: right for SQLite's single daemon (one process calls at a
 * time), not for several daemons sharing a database (SharedBucketLimiter).
 */
export class SlidingWindowLimiter implements CallLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #calls = new Map<string, number[]>();

  constructor(limit: number, windowMs: number, now: () => number, sleep: (ms: number) => Promise<void>) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#now = now;
    this.#sleep = sleep;
  }

  async acquire(key: string): Promise<void> {
    for (;;) {
      const now = this.#now();
      const recent = (this.#calls.get(key) ?? []).filter((t) => t > now - this.#windowMs);
      if (recent.length < this.#limit) {
        recent.push(now);
        this.#calls.set(key, recent);
        return;
      }
      this.#calls.set(key, recent);
      await this.#sleep(recent[0]! + this.#windowMs - now + 1);
    }
  }
}

/**
 * The same limit kept in the database (a token bucket per provider and key, storage/
 * rate-buckets.ts), so every daemon sharing the database counts against one budget: two
 * instances working one employee's calendars (a sync's reading on one, a dispatch on another)
 * together stay under the provider's per-user rate. One acquire is one or two statements.
 */
export class SharedBucketLimiter implements CallLimiter {
  readonly #db: DB;
  readonly #provider: string;
  readonly #rule: BucketRule;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(db: DB, provider: string, rate: RateLimit, now: () => number, sleep: (ms: number) => Promise<void>) {
    this.#db = db;
    this.#provider = provider;
    this.#rule = bucketFor(rate.limit, rate.windowMs);
    this.#now = now;
    this.#sleep = sleep;
  }

  async acquire(key: string): Promise<void> {
    for (;;) {
      const wait = await takeToken(this.#db, this.#provider, key, this.#rule, this.#now());
      if (wait === 0) return;
      await this.#sleep(wait);
    }
  }
}
