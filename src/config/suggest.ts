import { distance } from 'fastest-levenshtein';
import { quote } from './config-issue.ts';

/**
 * The candidate a misspelling most likely meant, or undefined when none is close: at most
 * one edit for short words, two for longer ones, three from twelve letters on, compared
 * without case ("europe/moskow" → "Europe/Moscow", "acount_manager" → "account_manager").
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const allowed = w.length <= 4 ? 1 : w.length < 12 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const c = candidate.toLowerCase();
    if (Math.abs(c.length - w.length) > allowed) continue;
    const d = c === w ? 0 : distance(w, c);
    if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}

/** "; did you mean "account_manager"?" or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const best = closest(word, candidates);
  return best === undefined ? '' : `; did you mean ${quote(best)}?`;
}

let zones: readonly string[] | undefined;
/** Every IANA zone name this Node knows, for suggestions. */
export function knownZones(): readonly string[] {
  zones ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
  return zones;
}
