import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How much V8 lets the old generation grow past what the last full collection kept (percent). */
const HEAP_GROWING_PERCENT = 50;
let bounded = false;

/**
 * A sync's phases (plan, desired events, their JSON, the feeds) each make objects that outlive
 * a young-generation collection and die at the phase's end. V8's default lets the old generation
 * grow to up to four times what its last full collection kept before it collects again, so a
 * first sync of the 10,000-client company peaked at 800+ MB of which two thirds was such garbage
 * (live data ~160 MB, `node --trace-gc`). Growth of 50% keeps the peak near 550 MB at the same
 * speed. Set once per process, at the first pass or plan that plans (not one read back from its
 * snapshot): the flag is read at every collection. A plan of the 10,000-client year (whose
 * demands are let go as they are placed) peaked 40 MB lower with it, at the same speed.
 */
export function boundHeapGrowth(): void {
  if (bounded) return;
  bounded = true;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** From how many planned touches a plan's end is worth a full collection. */
const LARGE_PLAN = 100_000;
let collect: (() => void) | undefined;

/**
 * A full collection now, when a large plan has just been made: the planner's working state
 * (demands, chains, each employee's booked slots) died with it, but V8 sized the old
 * generation's next limit from its last full collection, made mid-plan while that state was
 * live — so the save and the sync that follow would grow the heap by half of it again before
 * anything is collected (the 50,000-client first sync's peak). One collection of ~0.5 s here
 * sets the limit from what is really kept: the configuration and the plan.
 */
export function collectAfterPlan(touches: number): void {
  if (touches < LARGE_PLAN) return;
  if (!collect) {
    // `gc` is given to contexts made after the flag is set: one of its own, made once.
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}
