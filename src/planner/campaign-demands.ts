import type { Campaign, Client, Config, ProfessionalHoliday } from '../domain/types.ts';
import { contactsFor, includesValue, selects } from '../domain/selector.ts';
import { addDays, yearOf } from './dates.ts';
import { defaultTitle, demand, type Demand, type DemandUnit } from './demand.ts';
import { professionalHolidayDate, publicHolidays } from './public-holidays.ts';
import { monthDayIn } from '../domain/calendar-dates.ts';
import { translator } from '../i18n/translator.ts';
import { greetingHolidayName, publicHolidayName } from '../i18n/holiday-names.ts';
import type { Language } from '../domain/types.ts';

interface Occasion {
  readonly date: string;
  readonly window: { readonly from: string; readonly to: string };
  readonly shared: Omit<DemandUnit, 'series' | 'client' | 'contacts' | 'contactIds'>;
}

/** How many days before the holiday a greeting may go when the days right before are closed. */
const GREETING_LOOKBACK_DAYS = 14;

/** How far after a holiday its belated day can be: the first working day after it, past Russia's New Year week. */
const BELATED_WITHIN_DAYS = 14;

/**
 * Campaign touches for every year whose greeting date can fall in [from, to]: due on
 * the last working day on or before the holiday (or the `on` date).
 */
export function campaignDemands(config: Config, from: string, to: string, today: string, emit: (d: Demand) => void): void {
  const professional = new Map(config.holidays.map((h) => [h.id, h]));
  const language = config.settings.language;
  const { t } = translator(language);
  // The date depends only on the campaign, the client's country and industry, and the year.
  const occasions = new Map<string, Occasion | undefined>();
  const occasionFor = (campaign: Campaign, client: Client, year: number) => {
    const key = `${campaign.id}|${client.country}|${client.industry ?? ''}|${year}`;
    if (!occasions.has(key)) {
      const found = occasionOf(campaign, client, year, professional, language);
      occasions.set(key, found && {
        date: found.date,
        window: { from: addDays(found.date, -GREETING_LOOKBACK_DAYS), to: found.date },
        shared: {
          source: `campaign:${campaign.id}`, kind: campaign.kind, role: campaign.ours, employee: undefined,
          mode: 'latest', overflow: true, durationMinutes: 0,
          remind: campaign.prepareMinutes ? [...new Set([campaign.prepareMinutes, 1440])] : [1440],
          // A greeting (or a greeting letter) by default; a campaign of news, feedback requests or
          // meetings is titled as its kind is, not "greeting".
          title: campaign.title ?? (campaign.kind === 'greeting' || campaign.kind === 'letter'
            ? t(found.name ? 'title.holidayGreeting' : 'title.dateGreeting') : defaultTitle(campaign.kind, language)),
          // The default title's wording needs the name's form for its place ("de Paște"); a title of the campaign's own, the name.
          titleExtra: { 'campaign.id': campaign.id, 'holiday.name': found.name && !campaign.title ? greetingHolidayName(found.name, language) : found.name },
        },
      });
    }
    return occasions.get(key);
  };
  for (const campaign of config.campaigns) {
    for (const client of config.clients) {
      if (!selects(campaign.for, client, today)) continue;
      const contacts = contactsFor(campaign.theirs, client.contacts);
      if (contacts.length === 0) continue;
      const groups = campaign.per === 'client'
        ? [{ key: client.id, contacts, ids: contacts.map((c) => c.id) }]
        : contacts.map((c) => ({ key: `${client.id}|${c.id}`, contacts: [c], ids: [c.id] }));
      // From the year of a holiday whose belated day may still be in the window (31 December's, in January).
      for (let year = yearOf(addDays(from, -BELATED_WITHIN_DAYS)); year <= yearOf(to) + 1; year++) {
        const occasion = occasionFor(campaign, client, year);
        // A holiday just before the plan's first day is still the plan's while its belated day
        // (the first working day after it, the planner's #belatedGreeting) may be on or after it.
        if (!occasion || addDays(occasion.date, BELATED_WITHIN_DAYS) < from || occasion.window.from > to) continue;
        // No greeting for a holiday before the client's `since` (one that becomes ours on 15 March
        // is not greeted for 1 March), nor on a day before it, as no rule's touch comes before it.
        if (client.since !== undefined && occasion.date < client.since) continue;
        // Its days cut at `since`, a greeting with no working day left is none (not one stepped back past it).
        const cut = client.since !== undefined && occasion.window.from < client.since;
        const window = cut ? { from: client.since!, to: occasion.window.to } : occasion.window;
        const shared = cut ? { ...occasion.shared, overflow: false } : occasion.shared;
        for (const group of groups) {
          emit(demand(shared, `campaign:${campaign.id}|${group.key}|${year}`, window, {
            series: `campaign:${campaign.id}|${group.key}`, client, contacts: group.contacts, contactIds: group.ids,
          }));
        }
      }
    }
  }
}

/**
 * The day a campaign greets a client for in a year (before it steps back to a working day), and
 * the holiday's name; undefined when the client does not have the holiday that year. The
 * configuration's warnings use it too (two campaigns greeting for the same day).
 */
export function occasionOf(
  campaign: Campaign, client: Client, year: number, professional: Map<string, ProfessionalHoliday>, language: Language,
): { date: string; name: string | undefined } | undefined {
  // 02-29 falls on 28 February outside leap years (validation warns about it).
  if (campaign.on) return { date: monthDayIn(year, campaign.on.month, campaign.on.day), name: campaign.name };
  const holiday = professional.get(campaign.holiday!);
  if (holiday) {
    if (holiday.countries && !holiday.countries.includes(client.country)) return undefined;
    if (holiday.industries && !includesValue(holiday.industries, client.industry)) return undefined;
    const date = professionalHolidayDate(holiday, year);
    return date ? { date, name: campaign.name ?? holiday.name } : undefined;
  }
  // A public holiday of the client's own country, by the slug of its English name.
  const pub = publicHolidays(client.country, year).find((h) => h.slug === campaign.holiday);
  return pub ? { date: pub.date, name: campaign.name ?? publicHolidayName(client.country, pub.date, language, pub.name) } : undefined;
}
