/**
 * A sliding-window limit per key (an employee's calendar): at most `limit` calls in any
 * `windowMs`. `acquire` waits, through the injected sleep, until a call may go. Google asks
 * for about 600 requests per minute per user; staying under it avoids 403s altogether.
 */
export class SlidingWindowLimiter {
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
