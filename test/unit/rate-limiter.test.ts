import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from '../../src/sync/rate-limiter.ts';

describe('sliding-window limiter', () => {
  it('lets `limit` calls through per window per key and makes the next one wait for the window to slide', async () => {
    let now = 1_000_000;
    const waits: number[] = [];
    const limiter = new SlidingWindowLimiter(3, 60_000, () => now, async (ms) => {
      waits.push(ms);
      now += ms;
    });
    for (let i = 0; i < 3; i++) {
      await limiter.acquire('anna');
      now += 1000;
    }
    expect(waits).toEqual([]);
    await limiter.acquire('boris');
    expect(waits).toEqual([]);
    await limiter.acquire('anna');
    // The first of Anna's three calls was at 1,000,000; she may call again a minute after it.
    expect(waits).toEqual([60_000 - 3000 + 1]);
    expect(now).toBe(1_000_000 + 60_001);
  });
});
