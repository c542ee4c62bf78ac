/**
 * Weekdays as the companies' people write them (Russian, Romanian; English capitalised or
 * in full: `Mon`, `Monday`), for the configuration's errors: `workdays: [пн, вт, ср, чт, пт]` is one mistake — the list in another language — said
 * once with the English it needs, not five "expected one of mon…" (QA).
 */
const NAMES: Readonly<Record<string, readonly string[]>> = {
  mon: ['mon', 'monday', 'пн', 'пон', 'понедельник', 'lu', 'lun', 'luni'],
  tue: ['tue', 'tuesday', 'вт', 'вто', 'вторник', 'ma', 'mar', 'marți', 'marţi', 'marti'],
  wed: ['wed', 'wednesday', 'ср', 'сре', 'среда', 'mi', 'mie', 'miercuri'],
  thu: ['thu', 'thursday', 'чт', 'чет', 'четверг', 'jo', 'joi'],
  fri: ['fri', 'friday', 'пт', 'пят', 'пятница', 'vi', 'vin', 'vineri'],
  sat: ['sat', 'saturday', 'сб', 'суб', 'суббота', 'sâ', 'sa', 'sâm', 'sam', 'sâmbătă', 'sîmbătă', 'sambata', 'simbata'],
  sun: ['sun', 'sunday', 'вс', 'вос', 'воскресенье', 'du', 'dum', 'duminică', 'duminica'],
};

const BY_NAME = new Map(Object.entries(NAMES).flatMap(([day, names]) => names.map((n) => [n, day] as const)));

/** The English weekday (`mon`…`sun`) a Russian or Romanian name or abbreviation stands for ("Пн.", "luni"). */
export function englishWeekday(word: string): string | undefined {
  return BY_NAME.get(word.trim().toLowerCase().replace(/\.$/, ''));
}
