import { IANAZone } from 'luxon';
import { closest, didYouMean, knownZones } from './suggest.ts';
import { quote } from './config-issue.ts';

/**
 * Hints for a time zone or a country written as people write them rather than as the
 * configuration takes them: "UTC+3" (the closest name, "UTC", would put every meeting three hours
 * off), "Moscow", "Москва", "ro", "Россия".
 */

/** The zones the companies touchbase was written for: named first when they fit. */
const HOME_ZONES = ['Europe/Moscow', 'Europe/Bucharest', 'Europe/Chisinau'];

/** Cities written in the companies' languages (and the old spellings their CRMs keep). */
const CITY_ZONES: Readonly<Record<string, string>> = {
  москва: 'Europe/Moscow', мск: 'Europe/Moscow', msk: 'Europe/Moscow', 'санкт-петербург': 'Europe/Moscow', петербург: 'Europe/Moscow',
  'saint petersburg': 'Europe/Moscow', 'st petersburg': 'Europe/Moscow', екатеринбург: 'Asia/Yekaterinburg', новосибирск: 'Asia/Novosibirsk',
  калининград: 'Europe/Kaliningrad', самара: 'Europe/Samara', владивосток: 'Asia/Vladivostok',
  bucurești: 'Europe/Bucharest', bucuresti: 'Europe/Bucharest', бухарест: 'Europe/Bucharest',
  chișinău: 'Europe/Chisinau', chisinau: 'Europe/Chisinau', kishinev: 'Europe/Chisinau', кишинёв: 'Europe/Chisinau', кишинев: 'Europe/Chisinau',
};

/** "UTC+3", "GMT+03:00", "+03:00", "UTC +2": a fixed offset, in minutes east of UTC. */
const OFFSET = /^(?:UTC|GMT)?\s*([+\-\u2212])\s*(\d{1,2})(?::?(\d{2}))?$/i;

/** What to say after "…, which is not a known zone": the zones meant, or nothing. */
export function zoneHint(zone: string): string {
  const offset = OFFSET.exec(zone.trim());
  if (offset) {
    const minutes = (offset[1] === '+' ? 1 : -1) * (Number(offset[2]) * 60 + Number(offset[3] ?? 0));
    const fitting = zonesAt(minutes);
    if (fitting.length === 0) return '; a fixed offset is not a zone: write the zone of the city, like Europe/Moscow';
    return `; a fixed offset is not a zone (it knows no summer time): write the zone of the city, such as ${fitting.map((z) => quote(z)).join(', ')}`;
  }
  const word = zone.trim().toLowerCase();
  // "Europe/Kishinev": an old name of the zone that this machine's time-zone data no longer has (the city's is its own).
  const city = CITY_ZONES[word] ?? CITY_ZONES[word.slice(word.lastIndexOf('/') + 1)] ?? byCity(word);
  if (city) return `; did you mean ${quote(city)}?`;
  return didYouMean(zone, knownZones());
}

/** Zones whose offset is this one in winter or in summer: the home zones first, then up to three more in Europe. */
function zonesAt(minutes: number): string[] {
  const year = new Date().getUTCFullYear();
  const fits = (name: string) => {
    const z = IANAZone.create(name);
    return z.isValid && (z.offset(Date.UTC(year, 0, 15)) === minutes || z.offset(Date.UTC(year, 6, 15)) === minutes);
  };
  const home = HOME_ZONES.filter(fits);
  const more = knownZones().filter((z) => z.startsWith('Europe/') && !HOME_ZONES.includes(z) && fits(z));
  return [...home, ...more].slice(0, 3);
}

/** A zone named by its city alone ("Moscow", "bucharest", "New York"). */
function byCity(word: string): string | undefined {
  const key = word.replace(/\s+/g, '_');
  const cities = new Map(knownZones().map((z) => [z.slice(z.lastIndexOf('/') + 1).toLowerCase(), z]));
  const exact = cities.get(key);
  if (exact) return exact;
  const near = closest(key, [...cities.keys()]);
  return near === undefined ? undefined : cities.get(near);
}

/** Countries written by name in the companies' languages, or in lowercase. */
const COUNTRY_NAMES: Readonly<Record<string, string>> = {
  russia: 'RU', россия: 'RU', рф: 'RU', 'российская федерация': 'RU', rusia: 'RU',
  romania: 'RO', românia: 'RO', румыния: 'RO',
  moldova: 'MD', молдова: 'MD', молдавия: 'MD', 'republica moldova': 'MD',
  // Three letters (ISO alpha-3, as some CRMs and banks write them), and the UK by its usual name.
  rus: 'RU', rou: 'RO', rom: 'RO', mda: 'MD', ukr: 'UA', blr: 'BY', kaz: 'KZ', bgr: 'BG', deu: 'DE', fra: 'FR', ita: 'IT',
  pol: 'PL', tur: 'TR', chn: 'CN', usa: 'US', gbr: 'GB', uk: 'GB',
};

/** What to say after a country without a holiday calendar: its two letters when they are meant, or nothing. */
export function countryHint(country: string, hasCalendar: (code: string) => boolean): string {
  const word = country.trim().toLowerCase();
  const code = COUNTRY_NAMES[word] ?? (/^[a-z]{2}$/.test(word) ? word.toUpperCase() : undefined);
  return code !== undefined && code !== country && hasCalendar(code) ? `; did you mean ${quote(code)}?` : '';
}
