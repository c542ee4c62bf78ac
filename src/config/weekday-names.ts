/**
 * Weekdays as the companies' people write them (Russian, Romanian), for the configuration's
 * errors: `workdays: [пн, вт, ср, чт, пт]` is one mistake — the list in another language — said
 * once with the English it needs, not five "expected one of mon…" (QA).
 */
const NAMES: Readonly<Record<string, readonly string[]>> = {
  mon: ['пн', 'пон', 'понедельник', 'lu', 'lun', 'luni'],
  tue: ['вт', 'вто', 'вторник', 'ma', 'mar', 'marți', 'marţi', 'marti'],
  wed: ['ср', 'сре', 'среда', 'mi', 'mie', 'miercuri'],
  thu: ['чт', 'чет', 'четверг', 'jo', 'joi'],
  fri: ['пт', 'пят', 'пятница', 'vi', 'vin', 'vineri'],
  sat: ['сб', 'суб', 'суббота', 'sâ', 'sa', 'sâm', 'sam', 'sâmbătă', 'sîmbătă', 'sambata', 'simbata'],
  sun: ['вс', 'вос', 'воскресенье', 'du', 'dum', 'duminică', 'duminica'],
};

const BY_NAME = new Map(Object.entries(NAMES).flatMap(([day, names]) => names.map((n) => [n, day] as const)));

/** The English weekday (`mon`…`sun`) a Russian or Romanian name or abbreviation stands for ("Пн.", "luni"). */
export function englishWeekday(word: string): string | undefined {
  return BY_NAME.get(word.trim().toLowerCase().replace(/\.$/, ''));
}
