import { CATALOGUES } from '../../src/i18n/translator.ts';
import type { Language } from '../../src/domain/types.ts';
import type { Message } from '../../src/i18n/en.ts';

/** Words as the leftover check sees them: letters, digits, _ and - inside (so account_manager is one word). */
export function words(text: string): string[] {
  return text.match(/[\p{L}_][\p{L}\p{N}_'’-]*/gu) ?? [];
}

function texts(m: Message): string[] {
  return typeof m === 'string' ? [m] : Object.values(m).filter((x): x is string => typeof x === 'string');
}

/**
 * The English words of the built-in texts that a page in `language` must not show: every word
 * of three letters or more of the English catalogue (placeholders left out), except those the
 * language's own catalogue uses too (touchbase, CSV, Google Calendar…) and the data's own words.
 */
export function englishWords(language: Language, dataWords: Iterable<string> = []): Set<string> {
  const own = new Set(Object.values(CATALOGUES[language]).flatMap(texts).flatMap((t) => words(t.replace(/\{[^}]*\}/g, ' '))).map((w) => w.toLowerCase()));
  const data = new Set([...dataWords].map((w) => w.toLowerCase()));
  const out = new Set<string>();
  for (const t of Object.values(CATALOGUES.en).flatMap(texts)) {
    for (const w of words(t.replace(/\{[^}]*\}/g, ' '))) {
      const lower = w.toLowerCase();
      if (lower.length >= 3 && /^[a-z][a-z'’-]*$/.test(lower) && !own.has(lower) && !data.has(lower)) out.add(lower);
    }
  }
  return out;
}

/** The English words of the built-in texts found in a text, with a little context each. */
export function leftovers(text: string, english: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/[\p{L}_][\p{L}\p{N}_'’-]*/gu)) {
    if (english.has(m[0].toLowerCase())) found.push(`"${m[0]}" in …${text.slice(Math.max(0, m.index! - 40), m.index! + m[0].length + 40).replace(/\s+/g, ' ')}…`);
  }
  return found;
}
