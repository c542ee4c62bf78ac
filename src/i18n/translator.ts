import { DateTime } from 'luxon';
import type { Duration, Language } from '../domain/types.ts';
import { en, type Catalogue, type Message, type MessageKey } from './en.ts';
import { ru } from './ru.ts';
import { ro } from './ro.ts';

export type { MessageKey, PlainMessageKey } from './en.ts';

/** Every catalogue, by language: each has exactly the keys of the English one (checked by the compiler). */
export const CATALOGUES: Readonly<Record<Language, Catalogue>> = { en, ru, ro };

export type Params = Readonly<Record<string, string | number | undefined>>;

/**
 * Texts, numbers and dates in one language. `t('wf.silence.title', { client, count: 63 })`
 * picks the plural form for 63 (Intl.PluralRules) and fills the {placeholders}.
 */
export interface Translator {
  readonly language: Language;
  t(key: MessageKey, params?: Params): string;
  /** A whole number or decimal in the language's digits grouping: 12,345 · 12 345 · 12.345. */
  number(n: number): string;
  /** A share (0…1) as a percentage, or "–" when there is nothing to share. */
  percent(share: number | null | undefined): string;
  /** A calendar date (ISO yyyy-mm-dd) as people of the language write it in a table. */
  date(iso: string | null | undefined): string;
  /** A date with the month in words: 15 June 2027 · 15 июня 2027 г. · 15 iunie 2027. */
  longDate(iso: string): string;
  /** An instant as a local date and time in a zone. */
  dateTime(isoInstant: string, zone: string): string;
  /** A month (yyyy-mm) with its name: Jun 2027 · июнь 2027 · iun. 2027. */
  month(yyyyMm: string): string;
  /** A day with its weekday, short: Tue 15 Jun · вт, 15 июн. · mar., 15 iun. */
  weekday(iso: string): string;
  /** "4 hours", "4 часа", "4 ore". */
  duration(d: Duration): string;
}

const cache = new Map<Language, Translator>();

/** A calendar day as the planner writes it. */
const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** The translator of a language (one per language, reused). */
export function translator(language: Language): Translator {
  let tr = cache.get(language);
  if (!tr) {
    tr = makeTranslator(language);
    cache.set(language, tr);
  }
  return tr;
}

function makeTranslator(language: Language): Translator {
  const catalogue = CATALOGUES[language];
  const plurals = new Intl.PluralRules(language);
  const numbers = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
  const percents = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 });
  // English writes dates as ISO 8601: unambiguous for English readers in every country
  // (05/06 is May in one and June in the other), and what touchbase has always printed.
  const dayFormat = language === 'en' ? 'yyyy-MM-dd' : 'dd.MM.yyyy';
  const locale = language === 'en' ? 'en-GB' : language;
  const t = (key: MessageKey, params: Params = {}): string => fill(pick(catalogue[key], params.count, plurals), params, numbers);
  return {
    language, t,
    number: (n) => numbers.format(n),
    percent: (share) => (share === null || share === undefined || Number.isNaN(share) ? '–' : percents.format(share)),
    // A day (the common case: every calendar event's text has several) without luxon.
    date: (iso) => (!iso ? '' : DAY.test(iso) ? (language === 'en' ? iso : `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`) : DateTime.fromISO(iso, { zone: 'utc' }).toFormat(dayFormat)),
    longDate: (iso) => DateTime.fromISO(iso, { zone: 'utc' }).setLocale(locale).toLocaleString(DateTime.DATE_FULL),
    dateTime: (instant, zone) => DateTime.fromISO(instant, { zone }).setLocale(locale).toFormat(`${dayFormat} HH:mm`),
    month: (ym) => DateTime.fromISO(`${ym}-01`, { zone: 'utc' }).setLocale(locale).toFormat('LLL yyyy'),
    weekday: (iso) => DateTime.fromISO(iso, { zone: 'utc' }).setLocale(locale).toLocaleString({ weekday: 'short', day: 'numeric', month: 'short' }),
    duration: (d) => t(`unit.${d.unit}`, { count: d.n }),
  };
}

function pick(message: Message, count: string | number | undefined, plurals: Intl.PluralRules): string {
  if (typeof message === 'string') return message;
  const form = typeof count === 'number' ? plurals.select(count) : 'other';
  return (message as Record<string, string | undefined>)[form] ?? message.other;
}

function fill(text: string, params: Params, numbers: Intl.NumberFormat): string {
  return text.replace(/\{([a-zA-Z0-9_.]+)\}/g, (whole, name: string) => {
    const v = params[name];
    if (v === undefined) return whole;
    return typeof v === 'number' ? numbers.format(v) : v;
  });
}

/** The first letter in upper case (a kind at the start of a sentence). */
export function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}
