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
 * Chișinău greets clients in Russia and Romania, in one language.
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

/** Per country, by a holiday's English name: its name in a language, where date-holidays has it wrong or not at all. */
export const HOLIDAY_NAMES: Readonly<Record<string, Readonly<Record<string, Names>>>> = {
  MD: {
    "New Year's Day": { ro: 'Anul Nou' },
    'Orthodox Christmas': { ro: 'Crăciunul pe stil vechi', ru: 'Рождество Христово (по старому стилю)' },
    "International Women's Day": { ro: 'Ziua Internațională a Femeii' },
    'Labour Day': { ro: 'Ziua Muncii', ru: 'День труда' },
    'Easter Sunday': { ru: 'Пасха' },
    'Easter Monday': { ru: 'Второй день Пасхи' },
    'Victory Day': { ru: 'День Победы' },
    'Memorial Day': { ro: 'Paștele Blajinilor', ru: 'Радоница' },
    "Children's Day": { ro: 'Ziua Ocrotirii Copilului', ru: 'День защиты детей' },
    'Independence Day': { ro: 'Ziua Independenței', ru: 'День независимости' },
    'National Language Day': { ro: 'Limba noastră', ru: 'Праздник «Limba noastră»' },
    'Christmas Day': { ro: 'Crăciunul pe stil nou', ru: 'Рождество Христово (по новому стилю)' },
  },
  RU: {
    "New Year's Day": { ro: 'Anul Nou' },
    'New Year Holiday': { ro: 'Vacanța de Anul Nou' },
    'Christmas Day': { ro: 'Crăciunul pe stil vechi' },
    'Defender of the Fatherland Day': { ro: 'Ziua Apărătorului Patriei' },
    "International Women's Day": { ro: 'Ziua Internațională a Femeii' },
    'Spring and Labour Day': { ro: 'Ziua Primăverii și a Muncii' },
    'Victory Day': { ro: 'Ziua Victoriei' },
    'Russia Day': { ro: 'Ziua Rusiei' },
    'Unity Day': { ro: 'Ziua Unității Poporului' },
  },
  RO: {
    // date-holidays writes "Anul nou" for Romania and "Anul Nou" for Moldova: the holiday is capitalised.
    "New Year's Day": { ro: 'Anul Nou', ru: 'Новый год' },
    Epiphany: { ru: 'Крещение Господне' },
    'Saint John the Baptist': { ru: 'Собор Иоанна Крестителя' },
    'Day of the Unification of the Romanian Principalities': { ru: 'День объединения румынских княжеств' },
    'Good Friday': { ru: 'Великая пятница' },
    'Labour Day': { ru: 'День труда' },
    'Easter Sunday': { ru: 'Пасха' },
    'Easter Monday': { ru: 'Второй день Пасхи' },
    "Children's Day": { ru: 'День защиты детей' },
    Pentecost: { ru: 'Троица' },
    'Whit Monday': { ru: 'Духов день' },
    Assumption: { ru: 'Успение Пресвятой Богородицы' },
    "St Andrew's Day": { ru: 'День святого Андрея' },
    'National holiday': { ru: 'Национальный день Румынии (День Великого объединения)' },
    'Christmas Day': { ru: 'Рождество Христово' },
    'Boxing Day': { ru: 'Второй день Рождества' },
  },
};
