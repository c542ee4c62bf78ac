import Holidays from 'date-holidays';
import type { Config, Language } from '../domain/types.ts';
import { COMMON_HOLIDAY_NAMES, HOLIDAY_NAMES } from '../planner/holiday-corrections.ts';
import { publicHolidays, slugify } from '../planner/public-holidays.ts';
import { closest } from '../config/suggest.ts';

const names = new Map<string, ReadonlyMap<string, string>>();

/**
 * The name of a country's public holiday on a date, in a language, from the offline
 * date-holidays data: "День России", "Ziua națională". Where the language is not the country's
 * own, the usual name of a common holiday comes first (the data's are patchy there); a name the
 * data has only in another script is given in English; some names are corrected
 * (holiday-corrections.ts).
 */
export function publicHolidayName(country: string, date: string, language: Language, fallback: string): string {
  if (language === 'en') return fallback;
  const year = Number(date.slice(0, 4));
  // A substitute day (Victory Day on a Sunday gives Monday off: public-holidays.ts): the
  // holiday's own name in the language, and the words for a substitute day — not the English
  // name in a Russian title.
  const base = fallback.replace(SUBSTITUTE, '');
  if (base !== fallback) {
    const own = publicHolidayName(country, firstDayNamed(country, year, base) ?? date, language, base);
    return own === base ? fallback : `${own} (${SUBSTITUTE_DAY[language]})`;
  }
  // `fallback` is the English name: where the data is known to be wrong, the corrected one.
  const corrected = HOLIDAY_NAMES[country]?.[fallback]?.[language];
  if (corrected) return corrected;
  const common = COMMON_HOLIDAY_NAMES[fallback]?.[language];
  if (common && ownLanguageOf(country) !== language) return common;
  const byDate = namesByDate(country, year, language);
  // A day of several the data names only by its first (New Year Holiday, 3–6 January): that one's name.
  const first = byDate.has(date) ? date : firstDayNamed(country, year, fallback);
  const named = first === undefined ? undefined : byDate.get(first);
  // A name in another script than the reader's (Kazakh in a Romanian title, Romanian in a Russian one) is no name to them: the English one is.
  return named !== undefined && SCRIPT[language].test(named) ? named : common ?? fallback;
}

/** Whether a name is written in a language's script: Romanian's letters are all Latin, a Russian name has Cyrillic ones. */
const SCRIPT: Readonly<Record<Exclude<Language, 'en'>, RegExp>> = { ro: /^[\p{Script=Latin}\P{L}]*$/u, ru: /\p{Script=Cyrillic}/u };

const ownLanguages = new Map<string, string | undefined>();
/** The country's first language in the data ("ro" for Moldova, "uk" for Ukraine): whose names the data has from the country itself. */
function ownLanguageOf(country: string): string | undefined {
  if (!ownLanguages.has(country)) ownLanguages.set(country, new Holidays(country).getLanguages()[0]);
  return ownLanguages.get(country);
}

/** The first day the data gives a holiday of this English name in a year. */
function firstDayNamed(country: string, year: number, english: string): string | undefined {
  for (const [day, name] of namesByDate(country, year, 'en')) if (name === english) return day;
  return undefined;
}

const SUBSTITUTE = /\s*\(substitute day\)$/i;
const SUBSTITUTE_DAY: Readonly<Record<Exclude<Language, 'en'>, string>> = { ru: 'перенесённый выходной', ro: 'zi liberă reportată' };

/**
 * The id (the slug of its English name) of a country's public holiday that `written` names by its
 * Romanian name or the country's own, as an id would be written: "limba-noastra" for
 * national-language-day, "ziua-independentei", "boze-narodzenie" — or the first two words or
 * more of one such name, when they begin no other ("ziua-nationala" for Romania's "Ziua
 * națională, Ziua Marii Uniri", QA). Failing those, the names whose words begin with each of its
 * words ("craciun" for both of Moldova's "Crăciunul pe stil nou/vechi", "ziua-copilului" for
 * "Ziua Ocrotirii Copilului"), or the one a letter or two away ("craciun-pe-stil-vechi"): up to
 * three, each said (QA: no "did you mean" for what a Romanian director types). Empty when none.
 */
export function holidayIdByLocalName(country: string, year: number, written: string): { id: string; name: string }[] {
  const wanted = slugify(written);
  const own = namesByDate(country, year, ownLanguageOf(country) ?? 'en');
  const begun = new Map<string, { id: string; name: string }>();
  const named: { id: string; name: string; slug: string }[] = [];
  for (const h of publicHolidays(country, year)) {
    for (const name of [publicHolidayName(country, h.date, 'ro', h.name), own.get(h.date)]) {
      if (!name || h.slug === wanted) continue;
      const slug = slugify(name);
      if (slug === wanted) return [{ id: h.slug, name }];
      if (wanted.includes('-') && slug.startsWith(`${wanted}-`)) begun.set(h.slug, { id: h.slug, name });
      named.push({ id: h.slug, name, slug });
    }
  }
  if (begun.size === 1) return [...begun.values()];
  const words = wanted.split('-').filter((w) => w.length >= 3);
  const byWords = new Map<string, { id: string; name: string }>();
  for (const n of named) {
    const theirs = n.slug.split('-');
    if (words.length > 0 && words.every((w) => theirs.some((t) => t.startsWith(w)))) byWords.set(n.id, { id: n.id, name: n.name });
  }
  if (byWords.size > 0 && byWords.size <= 3) return [...byWords.values()];
  const near = closest(wanted, named.map((n) => n.slug));
  const found = near === undefined ? undefined : named.find((n) => n.slug === near);
  return found ? [{ id: found.id, name: found.name }] : [];
}

/** The data's public holidays of a year by their first day, named in a language (memoised; any of the data's languages). */
function namesByDate(country: string, year: number, language: string): ReadonlyMap<string, string> {
  const key = `${country}:${year}:${language}`;
  let byDate = names.get(key);
  if (!byDate) {
    const map = new Map<string, string>();
    for (const h of new Holidays(country).getHolidays(year, language)) {
      if (h.type === 'public' && !map.has(h.date.slice(0, 10))) map.set(h.date.slice(0, 10), h.name);
    }
    byDate = map;
    names.set(key, byDate);
  }
  return byDate;
}

/**
 * A holiday's name as the default greeting title puts it (title.holidayGreeting): after
 * Romanian "de" unarticulated — "felicitare de Paște", "de Crăciun pe stil vechi", not "de
 * Paștele" (a name with a genitive keeps its article: "de Paștele Blajinilor"); inside Russian
 * «…» once, without the word the title already says — "с праздником «Limba noastră»", not
 * "с праздником «Праздник «Limba noastră»»" — and a name's own quotes as inner „…“. A
 * campaign's own `title` gets the name as it is.
 */
export function greetingHolidayName(name: string, language: Language): string {
  if (language === 'ro') {
    return name.replace(/^Paștele$/, 'Paște').replace(/^Crăciunul(?= pe stil |$)/, 'Crăciun').replace(/^Rusaliile$/, 'Rusalii');
  }
  if (language === 'ru') {
    const inner = /^Праздник «(.+)»$/.exec(name)?.[1] ?? name;
    return inner.replace(/«([^«»]*)»/g, '„$1“');
  }
  return name;
}

/**
 * What a campaign greets for, in the company's language: the name of its holiday (a
 * professional one, or a public one of the client's country, in the year of `occasionDate`),
 * or null for a campaign of a date (`on:`) or one gone from the configuration. The greetings
 * report and the calendar's event of a day's greetings name it so (not by the campaign's id).
 */
export function campaignHolidayName(config: Pick<Config, 'campaigns' | 'holidays' | 'settings'>, campaignId: string, country: string, occasionDate: string): string | null {
  const campaign = config.campaigns.find((c) => c.id === campaignId);
  if (campaign?.name) return campaign.name;
  if (!campaign?.holiday) return null;
  const professional = config.holidays.find((h) => h.id === campaign.holiday);
  if (professional) return professional.name;
  const pub = publicHolidays(country, Number(occasionDate.slice(0, 4))).find((h) => h.slug === campaign.holiday);
  return pub ? publicHolidayName(country, pub.date, config.settings.language, pub.name) : campaign.holiday;
}
