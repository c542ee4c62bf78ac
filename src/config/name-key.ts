import { searchFold } from '../domain/search-fold.ts';

/**
 * How a name written in one place is found as written in another (a team's manager in a CRM
 * export, a contact's client by its name): without case or extra spaces, in one Unicode form,
 * and with the letters that have two spellings in these countries' files made one. Romanian ș
 * and ț are written with a comma below in Unicode but with a cedilla (ş ţ) by Windows-1250 and
 * older Excel; Russian ё is often written е.
 */
export function nameKey(name: string): string {
  return name.normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ').replace(/[şţё]/g, (c) => SAME[c]!);
}

const SAME: Record<string, string> = { 'ş': 'ș', 'ţ': 'ț', 'ё': 'е' };

/**
 * How a contact's client is found by its name: as names are (nameKey), and without the quotes
 * around a company's name, which the two exports of one company write each their own way (1C
 * `ООО "Ромашка"`, Bitrix `ООО «Ромашка»`, a manager's `АО “Ёлки”`, or none: `ООО Ромашка`).
 */
export function clientNameKey(name: string): string {
  return nameKey(name).replace(QUOTES, ' ').replace(/\s+/g, ' ').trim();
}

const QUOTES = /["'«»“”„‟‘’‚‛‹›]/g;

/** The words of a name, as names compare (nameKey), without quotes and punctuation. */
export function nameWords(name: string): string[] {
  return nameKey(name).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The words of a name as typed on a keyboard without its letters' marks: "Stefan Turcanu" for
 * "Ștefan Țurcanu", "Елкин" for "Ёлкин" (nameWords, then without accents: domain/search-fold.ts).
 */
export function foldedWords(name: string): string[] {
  return nameWords(name).map(searchFold);
}
