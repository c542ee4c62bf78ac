import type { Language } from '../domain/types.ts';

/**
 * Where the date-holidays data is behind the law or the language of the people who read it.
 *
 * Moldova: the Labour Code (art. 111, amended by the law published 30 June 2023) made 1 June,
 * the Day of Child Protection, a non-working holiday; date-holidays does not list it. Its
 * Romanian names lack diacritics ("Ziua Independentei"), and where it has no Russian name it
 * falls back to Romanian — wrong for a company that writes to Moldovan clients in Russian.
 * The same for Russia's holidays read in Romanian (half of them left in Russian, 8 March without
 * diacritics) and Romania's read in Russian (all in Romanian, but Christmas): a company in
 * Chișinău greets clients in Russia and Romania, in one language. The usual names of common
 * holidays (COMMON_HOLIDAY_NAMES) serve every country whose own language is another.
 */

/** A public holiday date-holidays lacks: a fixed day, from a year on. */
export interface AddedHoliday {
  readonly country: string;
  readonly month: number;
  readonly day: number;
  readonly since: number;
  /** English, as date-holidays would name it (its slug is what `campaigns[].holiday` names). */
  readonly name: string;
}

export const ADDED_HOLIDAYS: readonly AddedHoliday[] = [
  { country: 'MD', month: 6, day: 1, since: 2024, name: "Children's Day" },
];

type Names = Partial<Record<Exclude<Language, 'en'>, string>>;

/**
 * A holiday's usual name in a language, by its English name, for the countries whose own language
 * it is not: a Romanian title greeting a client in Ukraine, Belarus or Kazakhstan. The data's
 * names there are the country's own ("Великдень", "Дзень Перамогi"), names without diacritics
 * ("Ziua Independentei") or another language's ("Ziua muncii" in Russian). A country's own
 * language keeps the data's name, and HOLIDAY_NAMES comes before this.
 */
export const COMMON_HOLIDAY_NAMES: Readonly<Record<string, Names>> = {
  "New Year's Day": { ro: 'Anul Nou', ru: 'Новый год' },
  'New Year': { ro: 'Anul Nou', ru: 'Новый год' },
  "International Women's Day": { ro: 'Ziua Internațională a Femeii', ru: 'Международный женский день' },
  'Labour Day': { ro: 'Ziua Muncii', ru: 'День труда' },
  'Good Friday': { ro: 'Vinerea Mare', ru: 'Великая пятница' },
  'Easter Sunday': { ro: 'Paștele', ru: 'Пасха' },
  'Orthodox Easter': { ro: 'Paștele', ru: 'Пасха' },
  'Easter Monday': { ro: 'A doua zi de Paști', ru: 'Второй день Пасхи' },
  'Commemoration Day': { ro: 'Paștele Blajinilor', ru: 'Радоница' },
  'Victory Day': { ro: 'Ziua Victoriei', ru: 'День Победы' },
  Pentecost: { ro: 'Rusaliile', ru: 'Троица' },
  'Whit Monday': { ro: 'A doua zi de Rusalii', ru: 'Духов день' },
  Assumption: { ro: 'Adormirea Maicii Domnului', ru: 'Успение Пресвятой Богородицы' },
  'Constitution Day': { ro: 'Ziua Constituției', ru: 'День Конституции' },
  'Independence Day': { ro: 'Ziua Independenței', ru: 'День независимости' },
  'Statehood Day': { ro: 'Ziua Statalității', ru: 'День государственности' },
  'Republic Day': { ro: 'Ziua Republicii', ru: 'День Республики' },
  'Defenders of Ukraine Day': { ro: 'Ziua Apărătorilor Ucrainei', ru: 'День защитников Украины' },
  'Defender of the Fatherland Day': { ro: 'Ziua Apărătorului Patriei', ru: 'День защитника Отечества' },
  'Orthodox Christmas': { ro: 'Crăciunul pe stil vechi', ru: 'Рождество Христово' },
  'Christmas Eve': { ro: 'Ajunul Crăciunului', ru: 'Сочельник' },
  'Christmas Day': { ro: 'Crăciunul', ru: 'Рождество Христово' },
  'Boxing Day': { ro: 'A doua zi de Crăciun', ru: 'Второй день Рождества' },
};

/** Per country, by a holiday's English name: its name in a language, where date-holidays has it wrong or not at all. */
export const HOLIDAY_NAMES: Readonly<Record<string, Readonly<Record<string, Names>>>> = {
  MD: {
    "New Year's Day": { ro: 'Anul Nou' },
    'Orthodox Christmas': { ro: 'Crăciunul pe stil vechi', ru: 'Рождество Христово (по старому стилю)' },
    "International Women's Day": { ro: 'Ziua Internațională a Femeii' },
    'Labour Day': { ro: 'Ziua Muncii' },
    'Memorial Day': { ro: 'Paștele Blajinilor', ru: 'Радоница' },
    "Children's Day": { ro: 'Ziua Ocrotirii Copilului', ru: 'День защиты детей' },
    'Independence Day': { ro: 'Ziua Independenței' },
    'National Language Day': { ro: 'Limba noastră', ru: 'Праздник «Limba noastră»' },
    'Christmas Day': { ro: 'Crăciunul pe stil nou', ru: 'Рождество Христово (по новому стилю)' },
  },
  RU: {
    'New Year Holiday': { ro: 'Vacanța de Anul Nou' },
    'Christmas Day': { ro: 'Crăciunul pe stil vechi' },
    'Spring and Labour Day': { ro: 'Ziua Primăverii și a Muncii' },
    'Russia Day': { ro: 'Ziua Rusiei' },
    'Unity Day': { ro: 'Ziua Unității Poporului' },
  },
  RO: {
    // date-holidays writes "Anul nou" and "Ziua muncii" for Romania and "Anul Nou", "Ziua Muncii" for Moldova: the holidays are capitalised.
    "New Year's Day": { ro: 'Anul Nou' },
    'Labour Day': { ro: 'Ziua Muncii' },
    Epiphany: { ru: 'Крещение Господне' },
    'Saint John the Baptist': { ru: 'Собор Иоанна Крестителя' },
    'Day of the Unification of the Romanian Principalities': { ru: 'День объединения румынских княжеств' },
    "Children's Day": { ru: 'День защиты детей' },
    "St Andrew's Day": { ru: 'День святого Андрея' },
    // The data's "Ziua națională, Ziua Marii Uniri" is two names: a greeting takes the day's own.
    'National holiday': { ro: 'Ziua Națională a României', ru: 'Национальный день Румынии (День Великого объединения)' },
  },
};
