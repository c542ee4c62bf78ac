import { describe, expect, it } from 'vitest';
import { forEachConcurrently } from '../../src/sync/concurrently.ts';

describe('forEachConcurrently', () => {
  it('runs every item, at most `limit` at once', async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachConcurrently([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 5));
      seen.push(n);
      running--;
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });

  it('after a failure starts nothing more, and rejects only once the items still running have ended', async () => {
    const started: number[] = [];
    const ended: number[] = [];
    const run = forEachConcurrently([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('the database failed');
      await new Promise((r) => setTimeout(r, 30));
      ended.push(n);
    });
    await expect(run).rejects.toThrow('the database failed');
    // Item 2 was running when 1 failed: it ended before the rejection; nothing after it began.
    expect(started).toEqual([1, 2]);
    expect(ended).toEqual([2]);
    await new Promise((r) => setTimeout(r, 100));
    expect(started).toEqual([1, 2]);
  });
});
