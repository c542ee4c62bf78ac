import { describe, expect, it } from 'vitest';
import { collectAfterPlan } from '../../src/heap-growth.ts';

/** An object only a WeakRef points to, made in an earlier job (a WeakRef's target lives to the end of the job that made it). */
async function unreachable(): Promise<WeakRef<object>> {
  const ref = new WeakRef({ planner: new Array(1_000).fill('working state') });
  await new Promise((resolve) => setImmediate(resolve));
  return ref;
}

describe('the full collection after a large plan', () => {
  it('collects what the plan no longer holds, once the plan is large', async () => {
    const ref = await unreachable();
    collectAfterPlan(100_000);
    expect(ref.deref()).toBeUndefined();
  });
});
