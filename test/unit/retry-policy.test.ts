import { describe, expect, it } from 'vitest';
import { CalendarError } from '../../src/calendar/port.ts';
import { retryDelay } from '../../src/sync/retry-policy.ts';

const policy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 8000 };
const top = () => 0.999999;

describe('retry policy', () => {
  it.each([
    ['a throttled call waits what Retry-After says', new CalendarError('rate_limited', '429', 3000), 1, 3000],
    ['Retry-After longer than the cap is capped', new CalendarError('rate_limited', '429', 600_000), 1, 8000],
    ['a temporary failure backs off exponentially (attempt 1: up to 1 s)', new CalendarError('temporary', '503'), 1, 999],
    ['a temporary failure backs off exponentially (attempt 3: up to 4 s)', new CalendarError('temporary', '503'), 3, 3999],
    ['the backoff is capped (attempt 4: up to 8 s)', new CalendarError('temporary', '503'), 4, 7999],
    ['an unknown failure is retried too', new CalendarError('unknown', '?'), 1, 999],
  ])('%s', (_title, error, attempt, expected) => {
    expect(retryDelay(error, attempt, policy, top)).toBe(expected);
  });

  it.each([
    ['an invalid request is not retried', new CalendarError('invalid', '400')],
    ['an auth failure is not retried (the employee is paused instead)', new CalendarError('auth', 'invalid_grant')],
    ['an exhausted quota is not retried (the employee is paused instead)', new CalendarError('quota_exhausted', '403')],
    ['a conflict is not retried (it is adopted)', new CalendarError('conflict', '409')],
    ['a plain Error from a bug is not a calendar answer', new Error('bug')],
  ])('%s', (_title, error) => {
    expect(retryDelay(error, 1, policy, top)).toBeUndefined();
  });

  it('gives up after the last attempt', () => {
    expect(retryDelay(new CalendarError('temporary', '503'), 5, policy, top)).toBeUndefined();
  });

  it('full jitter: a draw of 0 waits nothing, so retries spread instead of stampeding', () => {
    expect(retryDelay(new CalendarError('temporary', '503'), 3, policy, () => 0)).toBe(0);
  });
});
