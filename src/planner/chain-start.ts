import { touchKey } from '../domain/touch-id.ts';
import type { Config } from '../domain/types.ts';
import type { Resolution } from './history.ts';

/** The sources (`rule:<id>`) of the rules whose touches form chains: `anchor: last`. */
export function chainSources(config: Pick<Config, 'rules'>): Set<string> {
  return new Set(config.rules.filter((r) => r.anchor === 'last').map((r) => `rule:${r.id}`));
}

/**
 * Where an `anchor: last` chain goes on from. Its touches are counted from a base: the k-th touch
 * after base B has the identity `series|after:B|k` (plan.ts #chainStep). Counting from the last
 * resolved touch itself would give every later touch a new identity each time one is done: the
 * calendar then sees each of them deleted and made again, and a touch its employee snoozed or
 * moved is lost with its old identity. So a chain keeps its base while its own touches are done
 * one after another (the first after B done, the next is the second after B, as planned), and
 * takes a new base only at a touch that is not one of its own (done under another cadence, or
 * planned before this way of counting: then the stored touches after it are kept as they are).
 */

/** The identity of the k-th touch after `base` in a chain. */
export function chainIdentity(series: string, base: string, k: number): string {
  return `${series}|after:${base}|${k}`;
}

/** How far past its expected place a done touch is looked for (one done while an earlier one is still open). */
const LOOK_AHEAD = 4;

export interface ChainStart {
  readonly base: string;
  /** The place of the chain's next touch after its base. */
  readonly k: number;
  /**
   * The resolution the chain goes on from (its `every` counts from that day). Given as undefined
   * when every resolved touch was passed over (skipped ahead of open ones): the chain goes on as
   * if none were resolved.
   */
  readonly last?: Resolution | undefined;
}

/**
 * The chain's next touch after the resolved touches of its series, oldest first: walked from the
 * start, each resolved touch found at its place in the chain so far (or as the first few after
 * the one resolved before it: a chain counted the earlier way) or else taken as a new base.
 * `planned` says whether a touch is stored and open: where the chain counted the earlier way (a new
 * base at each resolved touch) and its next touch is stored so, that one is kept.
 */
export function chainStart(series: string, resolved: readonly Resolution[], planned: (id: string) => boolean): ChainStart {
  let base = 'start';
  let k = 0;
  let previous: string | undefined;
  let last: Resolution | undefined;
  let passedOver = false;
  for (const r of resolved) {
    const at = placeAfter(series, base, k, r.touchId);
    if (at !== undefined && r.status === 'skipped' && openBetween(series, base, k, at, planned)) {
      // Skipped ahead of its day while one before it is still open ("not in January"): the chain
      // goes on through the open one, and the skipped one keeps its place after it. (Done, a later
      // touch is the chain's contact and the open one is missed: superseded-touches.ts.) Taken as
      // where the chain goes on from, it cancelled the open one (QA: tomorrow's check-in).
      passedOver = true;
      continue;
    }
    if (at !== undefined) k = at;
    else if (placeUpTo(series, base, k, r.touchId)) {
      // An earlier touch of the chain resolved after a later one was done (closed as missed
      // then: superseded-touches.ts): the chain goes on from the later one, as it was.
      continue;
    } else {
      const earlier = previous === undefined ? undefined : placeAfter(series, previous, 0, r.touchId);
      if (earlier !== undefined) {
        base = previous!;
        k = earlier;
      } else {
        base = r.touchId;
        k = 0;
      }
    }
    previous = r.touchId;
    last = r;
  }
  if (last && base !== last.touchId) {
    // Counted the earlier way, the next touch would be the first after the last resolved one.
    const walked = touchKey(chainIdentity(series, base, k + 1)).id;
    if (!planned(walked) && planned(touchKey(chainIdentity(series, last.touchId, 1)).id)) return { base: last.touchId, k: 1, last };
  }
  return { base, k: k + 1, ...(last || passedOver ? { last } : {}) };
}

/** Whether a touch at places k+1…at-1 from `base` is stored and open. */
function openBetween(series: string, base: string, k: number, at: number, planned: (id: string) => boolean): boolean {
  for (let j = k + 1; j < at; j++) if (planned(touchKey(chainIdentity(series, base, j)).id)) return true;
  return false;
}

/** Whether `id` is one of the touches at places 1…k from `base`. */
function placeUpTo(series: string, base: string, k: number, id: string): boolean {
  for (let j = 1; j <= k; j++) if (touchKey(chainIdentity(series, base, j)).id === id) return true;
  return false;
}

/** The place of `id` among the few touches after place `k` from `base`, if it is one of them. */
function placeAfter(series: string, base: string, k: number, id: string): number | undefined {
  for (let j = k + 1; j <= k + LOOK_AHEAD; j++) if (touchKey(chainIdentity(series, base, j)).id === id) return j;
  return undefined;
}
