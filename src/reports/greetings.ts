import { DateTime } from 'luxon';
import { campaignHolidayName } from '../i18n/holiday-names.ts';
import { share, type Cell, type Report } from './report.ts';
import type { ReportContext } from './report-data.ts';
import { dueDay } from './touch-outcome.ts';

/** The week (Monday to Sunday) a day belongs to. */
export function weekOf(today: string): { from: string; to: string } {
  const monday = DateTime.fromISO(today, { zone: 'utc' }).startOf('week');
  return { from: monday.toISODate()!, to: monday.plus({ days: 6 }).toISODate()! };
}

/** Whether a row of the report is of greetings (a campaign's other kinds are letters and news). */
export const isGreeting = (row: Readonly<Record<string, Cell>>): boolean => row.kind === 'greeting';

/**
 * The campaigns' touches from the same day a year ago to the last one planned (or today) — greetings, and letters
 * or news sent company-wide — per campaign, day and client country: how many contacts, and how
 * many of them were greeted (done), skipped, or are still open.
 */
export function greetingsReport({ config, data, today }: ReportContext): Report {
  // The same day a year before (in a leap year, 365 days were the day after it).
  const from = DateTime.fromISO(today).minus({ years: 1 }).toISODate()!;
  const countries = new Map(config.clients.map((c) => [c.id, c.country]));
  const groups = new Map<string, { campaign: string; kind: string; occasion: string | null; date: string; country: string; contacts: number; done: number; skipped: number; open: number }>();
  let to = today;
  for (const t of data.touches) {
    if (!t.source.startsWith('campaign:')) continue;
    const date = dueDay(t);
    if (date < from) continue;
    if (date > to) to = date;
    const campaign = t.source.slice('campaign:'.length);
    const country = countries.get(t.client_id) ?? '';
    const key = `${date}|${campaign}|${country}`;
    let g = groups.get(key);
    if (!g) {
      g = { campaign, kind: t.kind, occasion: campaignHolidayName(config, campaign, country, t.window_to), date, country, contacts: 0, done: 0, skipped: 0, open: 0 };
      groups.set(key, g);
    }
    // Counted in people throughout: a greeting of a client's whole board (per: client) greets
    // each of them, so a row's contacts are its done, skipped and open added up.
    const people = Math.max(1, data.contactsOf(t).length);
    g.contacts += people;
    if (t.status === 'done') g.done += people;
    else if (t.status === 'skipped') g.skipped += people;
    else g.open += people;
  }
  const rows: Record<string, Cell>[] = [...groups.values()]
    .sort((a, b) => a.date.localeCompare(b.date) || a.campaign.localeCompare(b.campaign) || a.country.localeCompare(b.country))
    .map((g) => ({ ...g, done_share: g.date < today ? share(g.done, g.done + g.skipped + g.open) : null }));
  const week = weekOf(today);
  // A campaign of letters or news (the year-end reconciliation) is listed with its kind, but no greeting.
  const greetings = rows.filter(isGreeting);
  const sum = (k: 'done' | 'skipped' | 'open') => greetings.reduce((n, r) => n + Number(r[k]), 0);
  return {
    name: 'greetings', title: { key: 'report.greetings.title', params: { from: { date: from }, to: { date: to } } },
    columns: [
      { key: 'campaign', header: 'col.campaign' }, { key: 'kind', header: 'col.kind', type: 'kind' }, { key: 'occasion', header: 'col.occasion' }, { key: 'date', header: 'col.date', type: 'date' },
      { key: 'country', header: 'col.country' }, { key: 'contacts', header: 'col.contacts', type: 'number' }, { key: 'done', header: 'col.done', type: 'number' },
      { key: 'skipped', header: 'col.skipped', type: 'number' }, { key: 'open', header: 'col.open', type: 'number' },
      { key: 'done_share', header: 'col.doneShare', type: 'percent' },
    ],
    rows,
    summary: [
      { key: 'greetings', label: 'sum.greetings', value: sum('done') + sum('skipped') + sum('open'), type: 'number' },
      { key: 'done', label: 'sum.done', value: sum('done'), type: 'number' },
      { key: 'this week', label: 'sum.greetingsThisWeek', value: greetings.filter((r) => String(r.date) >= week.from && String(r.date) <= week.to).reduce((n, r) => n + Number(r.done) + Number(r.skipped) + Number(r.open), 0), type: 'number' },
    ],
  };
}
