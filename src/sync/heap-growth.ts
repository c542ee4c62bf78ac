import { setFlagsFromString } from 'node:v8';

/** How much V8 lets the old generation grow past what the last full collection kept (percent). */
const HEAP_GROWING_PERCENT = 50;
let bounded = false;

/**
 * A sync's phases (plan, desired events, their JSON, the feeds) each make objects that outlive
 * a young-generation collection and die at the phase's end. V8's default lets the old generation
 * grow to up to four times what its last full collection kept before it collects again, so a
 * first sync of the 10,000-client company peaked at 800+ MB of which two thirds was such garbage
 * (live data ~160 MB, `node --trace-gc`). Growth of 50% keeps the peak near 550 MB at the same
 * speed. Set once per process, at the first pass: the flag is read at every collection. Not for
 * `plan`, whose peak is live touches and which the flag only slows down.
 */
export function boundHeapGrowth(): void {
  if (bounded) return;
  bounded = true;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
