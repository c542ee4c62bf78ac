import { distance } from 'fastest-levenshtein';
import { quote } from './config-issue.ts';
import { foldedWords, nameWords } from './name-key.ts';

/**
 * The candidate a misspelling most likely meant, or undefined when none is close: at most
 * one edit for short words, two for longer ones, three from twelve letters on, compared
 * without case ("europe/moskow" → "Europe/Moscow", "acount_manager" → "account_manager"); two
 * neighbouring letters typed the wrong way round are one edit ("kidn" → "kind"). Never another
 * number of a numbered id (otherNumber).
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const allowed = w.length <= 4 ? 1 : w.length < 12 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const c = candidate.toLowerCase();
    if (Math.abs(c.length - w.length) > allowed || otherNumber(w, c)) continue;
    const d = c === w ? 0 : swapped(w, c) ? 1 : distance(w, c);
    if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}

/**
 * For an id of several words ("christmas" for "christmas-day", "womens-day" for
 * "international-womens-day"): the candidate with every one of its words and the fewest others,
 * when a misspelling (closest) finds none.
 */
export function closestByWords(word: string, candidates: Iterable<string>): string | undefined {
  const mine = word.toLowerCase().split(/[-_\s]+/).filter(Boolean);
  if (mine.length === 0) return undefined;
  let best: string | undefined;
  let extra = Infinity;
  for (const candidate of candidates) {
    const theirs = candidate.toLowerCase().split(/[-_\s]+/);
    if (candidate === word || !mine.every((w) => theirs.includes(w))) continue;
    const more = theirs.length - mine.length;
    if (more < extra || (more === extra && best !== undefined && candidate < best)) {
      best = candidate;
      extra = more;
    }
  }
  return best;
}

/**
 * Whether two words differ only in their numbers ("client-5" and "client-1", "am-ru-3" and
 * "am-ru-5"): numbered ids, where another number is another client or person, not a typo — a
 * client merged away, its contacts offered an unrelated one (QA).
 */
function otherNumber(a: string, b: string): boolean {
  return /\d/.test(a) && /\d/.test(b) && a.replace(/\d+/g, '#') === b.replace(/\d+/g, '#');
}

/** Whether b is a with two neighbouring letters swapped. */
function swapped(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/** "; did you mean "account_manager"?" or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const best = closest(word, candidates);
  return best === undefined ? '' : `; did you mean ${quote(best)}?${mixedScript(word)}`;
}

/**
 * For a value of a short fixed list (`notice_from`, a channel): didYouMean, or else the one
 * option of the same stem — the word's first five letters, or all but its last when shorter,
 * and four at least — as a word is shortened or turned ("manager" for "management", "leave" for "leaving":
 * three edits, too many for closest).
 */
export function didYouMeanOption(word: string, options: readonly string[]): string {
  const close = didYouMean(word, options);
  if (close) return close;
  const w = word.toLowerCase();
  const stem = w.slice(0, Math.min(5, w.length - 1));
  if (stem.length < 4) return '';
  const same = options.filter((o) => o !== word && o.toLowerCase().startsWith(stem));
  return same.length === 1 ? `; did you mean ${quote(same[0]!)}?` : '';
}

/**
 * A letter of another alphabet among Latin ones (a Cyrillic "е" or "і" typed in an id on a Russian
 * keyboard layout), said with its place: the word, or a suggestion of the Latin one, reads the
 * same, and the difference is not seen.
 */
export function mixedScript(word: string): string {
  const letters = [...word];
  if (!letters.some((ch) => /\p{Script=Latin}/u.test(ch))) return '';
  const at = letters.findIndex((ch) => /\p{L}/u.test(ch) && !/\p{Script=Latin}/u.test(ch));
  if (at < 0) return '';
  const script = ['Cyrillic', 'Greek'].find((s) => new RegExp(`\\p{Script=${s}}`, 'u').test(letters[at]!)) ?? 'not Latin';
  return ` (letter ${at + 1}, "${letters[at]}", is ${script} among Latin letters)`;
}

/**
 * Other names a director may give a field (from other tools, or the word they think in), by the
 * field they mean: "cadence: 6 months" is the rule's every, and is reported as one unknown field
 * that names it, not also as a rule without every.
 */
const FIELD_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  every: ['cadence', 'frequency', 'interval', 'period', 'periodicity', 'recurrence', 'repeat'],
  remind: ['reminder', 'reminders', 'alarm', 'alarms', 'notify_before'],
  duration: ['length', 'minutes'],
  kind: ['type', 'channel'],
  title: ['subject', 'summary'],
  // A campaign's day: holidays say date:, so a campaign written the same way means on:.
  on: ['date', 'day'],
};

/** The known field an unknown one most likely meant: a misspelling of it, or of another name for it. */
export function meantField(key: string, known: readonly string[]): string | undefined {
  const near = closest(key, known);
  if (near !== undefined) return near;
  const synonyms = Object.entries(FIELD_SYNONYMS).filter(([field]) => known.includes(field));
  const names = synonyms.flatMap(([, n]) => n);
  // closest passes over a word that is the candidate itself: "cadence" written exactly is found by its case-blind match.
  const other = closest(key, names) ?? names.find((n) => n === key.toLowerCase());
  return other === undefined ? undefined : synonyms.find(([, n]) => n.includes(other))![0];
}

let zones: readonly string[] | undefined;
/** Every IANA zone name this Node knows, for suggestions. */
export function knownZones(): readonly string[] {
  zones ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
  return zones;
}

/**
 * The candidate a name most likely meant, as people write names: a misspelling of it (closest),
 * else the one whose words are all in the name or the other way round — a column header written
 * longer ("Ответственный менеджер" for the file's "Ответственный"), a name with its words in
 * another order or with one more ("Иванова Анна Сергеевна" for "Анна Иванова"). Words compare as
 * names do (nameKey); undefined when none is near, or when two are equally near.
 */
export function closestName(word: string, candidates: Iterable<string> | NameCandidates): string | undefined {
  const prepared = candidates instanceof NameCandidates ? candidates : new NameCandidates(candidates);
  const { list, words } = prepared;
  const near = closest(word, list);
  if (near !== undefined) return near;
  const mine = nameWords(word);
  if (mine.length === 0) return undefined;
  // Their words alone, without quotes and punctuation: "ООО Ромашко" for "ООО «Ромашка»".
  const nearBare = closest(mine.join(' '), prepared.bare.keys());
  const bare = nearBare === undefined ? undefined : prepared.bare.get(nearBare);
  if (bare !== undefined && bare !== word) return bare;
  let best: string[] = [];
  let bestShared = 0;
  for (let i = 0; i < list.length; i++) {
    const candidate = list[i]!;
    if (candidate === word) continue;
    const theirs = words[i]!;
    if (theirs.length === 0) continue;
    const [fewer, more] = theirs.length <= mine.length ? [theirs, mine] : [mine, theirs];
    // A one-letter word is an initial ("Иванова А. С." for "Анна Иванова").
    if (!fewer.every((w) => more.some((m) => m === w || (initial(m) && w.startsWith(m)) || (initial(w) && m.startsWith(w))))) continue;
    if (fewer.length > bestShared) {
      best = [candidate];
      bestShared = fewer.length;
    } else if (fewer.length === bestShared && !best.includes(candidate)) best.push(candidate);
  }
  return best.length === 1 ? best[0] : undefined;
}

/**
 * Candidates of closestName with their words split once: asked about many names (a clients
 * export cut short: a hundred unknown clients against 50,000 names), the words of every name
 * were split again at each question (28 s).
 */
export class NameCandidates {
  readonly list: readonly string[];
  readonly words: readonly (readonly string[])[];
  /** Each candidate by its words alone (the first of those that share them). */
  readonly bare = new Map<string, string>();

  constructor(candidates: Iterable<string>) {
    this.list = [...candidates];
    this.words = this.list.map((c) => nameWords(c));
    this.list.forEach((c, i) => {
      const key = this.words[i]!.join(' ');
      if (!this.bare.has(key)) this.bare.set(key, c);
    });
  }
}

/** "; did you mean "Ответственный"?" or nothing (see closestName). */
export function didYouMeanName(word: string, candidates: Iterable<string> | NameCandidates): string {
  const best = closestName(word, candidates);
  return best === undefined ? '' : `; did you mean ${quote(best)}?`;
}

/** A one-letter word of a name: an initial ("А." of "Иванова А. С."), not a digit ("Телефон 2"). */
function initial(word: string): boolean {
  return word.length === 1 && /\p{L}/u.test(word);
}

/**
 * The one of these (employees, clients) a mistyped id or name most likely meant, as an error
 * names it: its id, with its name where the name was the near one ("turcanu" (Ștefan Țurcanu));
 * names compared without their letters' marks. Undefined when none is near.
 */
export function meantByIdOrName(items: readonly { readonly id: string; readonly name: string }[], value: string): string | undefined {
  const id = closest(value, items.map((i) => i.id));
  if (id !== undefined) return JSON.stringify(id);
  const names = items.map((i) => foldedWords(i.name).join(' '));
  const name = closestName(foldedWords(value).join(' '), names);
  const item = name === undefined ? undefined : items[names.indexOf(name)];
  return item && `${JSON.stringify(item.id)} (${item.name})`;
}
