import { CalendarError } from '../calendar/port.ts';

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Calendar writes: retried for as long as it takes (the sync converges toward the plan, it
 * does not give up on it), the wait growing to at most 30 minutes.
 */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 1_000, maxDelayMs: 30 * 60_000 };

/** Reads inside one sync: a few quick tries; a calendar still unreadable is read at the next sync. */
export const READ_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 10_000 };

/**
 * How long to wait before attempt `attempt` (1-based, after a failure), or undefined to give
 * up. Retry-After wins when given; otherwise capped exponential backoff with full jitter
 * (`random` is injected so tests are exact).
 */
export function retryDelay(error: unknown, attempt: number, policy: RetryPolicy = DEFAULT_RETRY, random: () => number = Math.random): number | undefined {
  if (!(error instanceof CalendarError) || !error.retryable) return undefined;
  if (attempt >= policy.maxAttempts) return undefined;
  if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, policy.maxDelayMs);
  return backoffDelay(attempt, policy, random);
}

/** Capped exponential backoff with full jitter: a random wait below min(max, base × 2^(attempt-1)). */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}
