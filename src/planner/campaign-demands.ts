import type { Campaign, Client, Config, ProfessionalHoliday } from '../domain/types.ts';
import { contactsFor, selects } from '../domain/selector.ts';
import { addDays, yearOf } from './dates.ts';
import { contactValues, demand, type Demand } from './demand.ts';
import { professionalHolidayDate, publicHolidays } from './public-holidays.ts';

/** How many days before the holiday a greeting may go when the days right before are closed. */
const GREETING_LOOKBACK_DAYS = 14;

/**
 * Campaign touches for every year whose greeting date can fall in [from, to]: due on
 * the last working day on or before the holiday (or the `on` date).
 */
export function campaignDemands(config: Config, from: string, to: string): Demand[] {
  const out: Demand[] = [];
  const professional = new Map(config.holidays.map((h) => [h.id, h]));
  for (const campaign of config.campaigns) {
    for (const client of config.clients) {
      if (!selects(campaign.for, client)) continue;
      const contacts = contactsFor(campaign.theirs, client.contacts);
      if (contacts.length === 0) continue;
      const units = campaign.per === 'client'
        ? [{ key: client.id, contacts }]
        : contacts.map((c) => ({ key: `${client.id}|${c.id}`, contacts: [c] }));
      for (let year = yearOf(from); year <= yearOf(to) + 1; year++) {
        const occasion = occasionOf(campaign, client, year, professional);
        if (!occasion || occasion.date < from || addDays(occasion.date, -GREETING_LOOKBACK_DAYS) > to) continue;
        for (const unit of units) {
          out.push(demand({
            identity: `campaign:${campaign.id}|${unit.key}|${year}`,
            source: `campaign:${campaign.id}`, series: `campaign:${campaign.id}|${unit.key}`, kind: campaign.kind,
            client, contacts: unit.contacts, role: campaign.ours,
            from: addDays(occasion.date, -GREETING_LOOKBACK_DAYS), to: occasion.date, mode: 'latest', overflow: true,
            durationMinutes: 0,
            remind: campaign.prepareMinutes ? [...new Set([campaign.prepareMinutes, 1440])] : [1440],
            title: campaign.title ?? (occasion.name ? '{client.name}: {holiday.name} greeting to {contacts}' : '{client.name}: greeting to {contacts}'),
            titleValues: { ...contactValues(client, unit.contacts), 'campaign.id': campaign.id, 'holiday.name': occasion.name },
          }));
        }
      }
    }
  }
  return out;
}

function occasionOf(
  campaign: Campaign, client: Client, year: number, professional: Map<string, ProfessionalHoliday>,
): { date: string; name: string | undefined } | undefined {
  if (campaign.on) {
    const mm = String(campaign.on.month).padStart(2, '0');
    const dd = String(campaign.on.day).padStart(2, '0');
    return { date: `${year}-${mm}-${dd}`, name: undefined };
  }
  const holiday = professional.get(campaign.holiday!);
  if (holiday) {
    if (holiday.countries && !holiday.countries.includes(client.country)) return undefined;
    if (holiday.industries && (!client.industry || !holiday.industries.includes(client.industry))) return undefined;
    const date = professionalHolidayDate(holiday, year);
    return date ? { date, name: holiday.name } : undefined;
  }
  // A public holiday of the client's own country, by the slug of its English name.
  const pub = publicHolidays(client.country, year).find((h) => h.slug === campaign.holiday);
  return pub ? { date: pub.date, name: pub.name } : undefined;
}
