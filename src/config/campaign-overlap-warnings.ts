import type { Campaign, Client, Config } from '../domain/types.ts';
import { occasionOf } from '../planner/campaign-demands.ts';
import { placeOf } from './origin.ts';
import type { ConfigWarning } from './config-issue.ts';
import type { RawSources } from './sources.ts';
import { HOLIDAY_YEARS } from './build-cadence.ts';
import { commonRoles, couldSelect } from './config-warnings.ts';

/**
 * Two campaigns of the same role of ours, with a role of theirs in common, that greet a client
 * both take for the same day — the same holiday twice, or a holiday and a date campaign on its
 * day (`holiday: international-womens-day` and `on: 03-08`) — send that person two greetings on
 * one day, two events in one calendar (QA camp F2). The planner plans both, as it is told; the
 * warning names the pair once, with the day and the clients, as two rules in the same week get.
 */
export function campaignOverlapWarnings(config: Config, sources: RawSources): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  const professional = new Map(config.holidays.map((h) => [h.id, h]));
  // The day depends only on the campaign, the client's country and industry, and the year: the
  // pairs are compared per such group of clients, not per client (there may be 50,000).
  const groups = new Map<string, Client[]>();
  for (const c of config.clients) {
    const key = `${c.country}|${c.industry ?? ''}`;
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
  }
  const days = new Map<string, string | undefined>();
  const dayOf = (campaign: Campaign, group: string, client: Client, year: number) => {
    // A date campaign's day is everyone's; a public holiday's, its country's: worked out once each.
    const scope = campaign.on ? '' : professional.has(campaign.holiday!) ? group : client.country;
    const key = `${campaign.id}|${scope}|${year}`;
    // In English: only the day is compared, and naming a holiday in another language reads a calendar more.
    if (!days.has(key)) days.set(key, occasionOf(campaign, client, year, professional, 'en')?.date);
    return days.get(key);
  };
  const campaigns = config.campaigns;
  for (let j = 1; j < campaigns.length; j++) {
    for (let i = 0; i < j; i++) {
      const a = campaigns[i]!;
      const b = campaigns[j]!;
      if (a.ours !== b.ours) continue;
      if (a.on && b.on && (a.on.month !== b.on.month || a.on.day !== b.on.day)) continue;
      const roles = commonRoles(a.theirs, b.theirs);
      if (roles === undefined) continue;
      // Every year's day they share, not only the first: the first (2026) is past in December.
      const shared = new Set<string>();
      const both: Client[] = [];
      for (const [group, members] of groups) {
        const first = members[0]!;
        const same = HOLIDAY_YEARS.map((year) => dayOf(a, group, first, year)).filter((d, k) => d !== undefined && d === dayOf(b, group, first, HOLIDAY_YEARS[k]!));
        if (same.length === 0) continue;
        const taken = members.filter((c) => couldSelect(a.for, c) && couldSelect(b.for, c) && c.contacts.some((k) => roles === 'all' || roles.has(k.role)));
        if (taken.length === 0) continue;
        for (const d of same) shared.add(d!);
        both.push(...taken);
      }
      if (shared.size === 0) continue;
      const sharedDays = [...shared].sort();
      const day = sharedDays.length > HOLIDAY_YEARS.length ? `${sharedDays.slice(0, HOLIDAY_YEARS.length).join(', ')}, …` : sharedDays.join(', ');
      both.sort((x, y) => x.id.localeCompare(y.id));
      const firstPlace = placeOf(sources.campaigns[i]!.origin);
      const people = roles === 'all' ? 'every contact' : [...roles].join(', ');
      const at = both.length === 1 ? `client ${both[0]!.id}` : `${both.length} clients (${both.slice(0, 3).map((c) => c.id).join(', ')}${both.length > 3 ? ', …' : ''})`;
      out.push({
        ...placeOf(sources.campaigns[j]!.origin, [b.holiday ? 'holiday' : 'on']),
        message: `campaigns ${a.id} (${firstPlace.file}:${firstPlace.line}) and ${b.id} both have ${a.ours} greet ${people} at ${at} for the same day${sharedDays.length > 1 ? 's' : ''} (${day}): `
          + 'each of them gets two greetings that day; drop one of the campaigns, or narrow one\'s for or theirs',
      });
    }
  }
  return out;
}
