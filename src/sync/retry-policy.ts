import { CalendarError } from '../calendar/port.ts';

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 1_000, maxDelayMs: 5 * 60_000 };

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
