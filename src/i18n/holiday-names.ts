import Holidays from 'date-holidays';
import type { Language } from '../domain/types.ts';
import { HOLIDAY_NAMES } from '../planner/holiday-corrections.ts';

const names = new Map<string, ReadonlyMap<string, string>>();

/**
 * The name of a country's public holiday on a date, in a language, from the offline
 * date-holidays data: "День России", "Ziua națională". Where the data has no translation it
 * gives the country's own language, which is what people there call the day anyway; some
 * names are corrected (holiday-corrections.ts).
 */
export function publicHolidayName(country: string, date: string, language: Language, fallback: string): string {
  if (language === 'en') return fallback;
  // `fallback` is the English name: where the data is known to be wrong, the corrected one.
  const corrected = HOLIDAY_NAMES[country]?.[fallback]?.[language];
  if (corrected) return corrected;
  const key = `${country}:${date.slice(0, 4)}:${language}`;
  let byDate = names.get(key);
  if (!byDate) {
    const map = new Map<string, string>();
    for (const h of new Holidays(country).getHolidays(Number(date.slice(0, 4)), language)) {
      if (h.type === 'public' && !map.has(h.date.slice(0, 10))) map.set(h.date.slice(0, 10), h.name);
    }
    byDate = map;
    names.set(key, byDate);
  }
  return byDate.get(date) ?? fallback;
}
