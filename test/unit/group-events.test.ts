import { describe, expect, it } from 'vitest';
import { campaignHolidayName } from '../../src/i18n/holiday-names.ts';
import { DateTime } from 'luxon';
import { planTouches } from '../../src/planner/plan.ts';
import { NO_HISTORY } from '../../src/planner/history.ts';
import { touchToRow } from '../../src/storage/touch-repository.ts';
import { entriesOf } from '../../src/sync/calendar-entries.ts';
import { GROUP_DESCRIPTION_BUDGET, entryEvent, type EventLinks } from '../../src/sync/desired-events.ts';
import { SETTINGS, client, configOf, employee } from '../helpers/config-folder.ts';
import { addDays } from '../../src/planner/dates.ts';

const NOW = DateTime.fromISO('2026-12-01T08:00:00Z');
const links: EventLinks = (t) => ({
  done: `https://touchbase.example/t/${t.id}/done?sig=0123456789abcdef0123456789abcdef`,
  skip: `https://touchbase.example/t/${t.id}/skip?sig=0123456789abcdef0123456789abcdef`,
  snooze: `https://touchbase.example/t/${t.id}/snooze?sig=0123456789abcdef0123456789abcdef`,
});

/** One day's New Year greetings of one account manager to `clients` clients: one all-day calendar event. */
function greetingDay(clients: number, language?: string) {
  const config = configOf({
    settings: { ...SETTINGS.settings, ...(language ? { language } : {}) },
    employees: [employee('am', 'account_manager')],
    clients: Array.from({ length: clients }, (_, i) => client(`c${String(i).padStart(4, '0')}`, { roles: ['ceo'], team: { account_manager: 'am' } })),
    campaigns: [{ id: 'new-year', on: '12-28', ours: 'account_manager', theirs: 'ceo' }],
  });
  const touches = planTouches(config, NO_HISTORY, { from: '2027-12-01', to: '2027-12-31' }, NOW).touches.filter((t) => t.source === 'campaign:new-year');
  const entries = entriesOf(touches.map((t) => touchToRow(t, undefined, NOW.toISO()!)));
  expect(entries).toHaveLength(1);
  // The entry's own order (by client): the order the event lists them in.
  return { event: entryEvent(entries[0]!, config, links, '2027-12-01'), touches: entries[0]!.touches };
}

describe('a day\'s group event (one campaign, one employee, one day)', () => {
  it('lists every recipient with its links when they fit', () => {
    const { event, touches } = greetingDay(5);
    expect(event.title).toContain('× 5');
    for (const t of touches) expect(event.description).toContain(links(t).done);
    expect(event.description).not.toContain('more:');
  });

  it('of thousands of recipients stays within what Google Calendar and Exchange take: the first ones with their links, the rest by count and the command that lists them', () => {
    const { event, touches } = greetingDay(2_000);
    // Google refuses a description much over 8,192 characters; listing all 2,000 would be ~1 MB.
    expect(event.description.length).toBeLessThanOrEqual(8_192);
    expect(event.description.length).toBeGreaterThan(GROUP_DESCRIPTION_BUDGET / 2);
    expect(event.title).toContain('× 2,000'); // numbers as the language writes them
    const listed = [...event.description.matchAll(/^(\d+)\. /gm)].map((m) => Number(m[1]));
    expect(listed.length).toBeGreaterThan(5);
    expect(listed).toEqual(listed.map((_, i) => i + 1));
    // The listed ones each have their own links, in the entry's order (by client).
    for (const t of touches.slice(0, listed.length)) expect(event.description).toContain(links(t).done);
    expect(event.description).not.toContain(links(touches[listed.length]!).done);
    const more = /… and ([\d,]+) more: "touchbase plan --employee am --from 2027-12-28 --to 2027-12-28" lists them all/.exec(event.description);
    expect(Number(more?.[1]?.replace(/,/g, ''))).toBe(2_000 - listed.length);
  });

  it('says the same in Russian and Romanian', () => {
    expect(greetingDay(2_000, 'ru').event.description).toMatch(/… и ещё [\d\s]+: все перечисляет «touchbase plan --employee am --from 2027-12-28 --to 2027-12-28»/);
    expect(greetingDay(2_000, 'ro').event.description).toMatch(/… și încă [\d.]+: toate sunt listate de „touchbase plan --employee am --from 2027-12-28 --to 2027-12-28”/);
  });
});

describe('a day\'s group event names its campaign as people do (QA camp F7)', () => {
  /** A Russian company of three clients of one account manager, with these campaigns for their CEOs. */
  const greetingCompany = (campaigns: object[]) => configOf({
    settings: { ...SETTINGS.settings, language: 'ru' },
    employees: [employee('am', 'account_manager')],
    clients: Array.from({ length: 3 }, (_, i) => client(`c${i}`, { roles: ['ceo'], team: { account_manager: 'am' } })),
    campaigns,
  });

  it('by its holiday\'s name in the company\'s language, not the campaign\'s id; a campaign of a date by its id', () => {
    const config = greetingCompany([
      { id: 'defender', holiday: 'defender-of-the-fatherland-day', ours: 'account_manager', theirs: 'ceo' },
      { id: 'new-year', on: '12-28', ours: 'account_manager', theirs: 'ceo' },
    ]);
    const touches = planTouches(config, NO_HISTORY, { from: '2027-01-01', to: '2027-12-31' }, NOW).touches;
    const titleOf = (source: string) => {
      const entries = entriesOf(touches.filter((t) => t.source === source).map((t) => touchToRow(t, undefined, NOW.toISO()!)));
      expect(entries).toHaveLength(1);
      return entryEvent(entries[0]!, config, links, '2027-01-01').title;
    };
    expect(titleOf('campaign:defender')).toBe('Поздравления (День защитника Отечества) × 3: c0 Ltd, c1 Ltd, c2 Ltd');
    expect(titleOf('campaign:new-year')).toBe('Поздравления (new-year) × 3: c0 Ltd, c1 Ltd, c2 Ltd');
  });

  it('a campaign given a name (`name:`) by that name, a campaign of a date too: in the day\'s event, each greeting\'s title and the greetings report (QA: every Russian calendar showed "womens-day")', () => {
    const config = greetingCompany([
      { id: 'womens-day', name: 'Международный женский день', on: '03-08', ours: 'account_manager', theirs: 'ceo' },
      { id: 'defender', name: '23 Февраля', holiday: 'defender-of-the-fatherland-day', ours: 'account_manager', theirs: 'ceo' },
    ]);
    const touches = planTouches(config, NO_HISTORY, { from: '2027-01-01', to: '2027-12-31' }, NOW).touches;
    const titleOf = (source: string) => entryEvent(entriesOf(touches.filter((t) => t.source === source).map((t) => touchToRow(t, undefined, NOW.toISO()!)))[0]!, config, links, '2027-01-01').title;
    expect(titleOf('campaign:womens-day')).toBe('Поздравления (Международный женский день) × 3: c0 Ltd, c1 Ltd, c2 Ltd');
    expect(titleOf('campaign:defender')).toBe('Поздравления (23 Февраля) × 3: c0 Ltd, c1 Ltd, c2 Ltd');
    expect(touches.find((t) => t.source === 'campaign:womens-day' && t.client === 'c0')!.title).toBe('c0 Ltd: поздравление с праздником «Международный женский день» — ceo of c0');
    expect(campaignHolidayName(config, 'womens-day', 'RU', '2027-03-08')).toBe('Международный женский день');
  });

  it('a rule by its name when it has one, else by its id (QA: "Запросы отзыва (feedback) × 2" in a Russian calendar)', () => {
    const config = configOf({
      settings: { ...SETTINGS.settings, language: 'ru' },
      employees: [employee('am', 'account_manager')],
      clients: Array.from({ length: 40 }, (_, i) => client(`c${i}`, { roles: ['ceo'], team: { account_manager: 'am' }, since: '2020-01-01' })),
      rules: [{ id: 'feedback', name: 'Отзыв о поставках', ours: 'account_manager', theirs: 'ceo', kind: 'feedback', every: '1 month', per: 'client' }],
    });
    const touches = planTouches(config, NO_HISTORY, { from: '2027-01-01', to: '2027-01-31' }, NOW).touches;
    const byDay = new Map<string, typeof touches>();
    for (const t of touches) byDay.set(t.date, [...byDay.get(t.date) ?? [], t]);
    const day = [...byDay.values()].find((ts) => ts.length > 1)!;
    const entries = entriesOf(day.map((t) => touchToRow(t, undefined, NOW.toISO()!)));
    expect(entryEvent(entries[0]!, config, links, '2027-01-01').title).toMatch(/^Запросы отзыва \(Отзыв о поставках\) × \d+: /);
  });

  it('a handover\'s letters by the two people\'s names, in the company\'s language', () => {
    const config = configOf({
      settings: { ...SETTINGS.settings, language: 'ru' },
      employees: [employee('am', 'account_manager'), employee('am2', 'account_manager')],
      clients: Array.from({ length: 3 }, (_, i) => client(`c${i}`, { roles: ['ceo'], team: { account_manager: 'am' } })),
      handovers: [{ from: 'am', to: 'am2', on: '2027-03-15', notice_from: 'leaving' }],
    });
    const touches = planTouches(config, NO_HISTORY, { from: '2027-01-01', to: '2027-12-31' }, NOW).touches.filter((t) => t.source.startsWith('handover:'));
    const entries = entriesOf(touches.map((t) => touchToRow(t, undefined, NOW.toISO()!)));
    const titles = entries.filter((e) => e.touches.length > 1).map((e) => entryEvent(e, config, links, '2027-01-01').title);
    expect(titles.length).toBeGreaterThan(0);
    for (const title of titles) expect(title).toMatch(/^Письма \(передача клиентов Emp am → Emp am2\) × \d: c\d Ltd(, c\d Ltd)*$/);
  });
});

describe('greetings not sent by their holiday (belated)', () => {
  const config = configOf({
    ...SETTINGS,
    employees: [employee('am', 'account_manager')],
    clients: ['c1', 'c2'].map((id) => client(id, { roles: ['ceo'], team: { account_manager: 'am' } })),
    campaigns: [{ id: 'womens-day', on: '03-08', ours: 'account_manager', theirs: 'ceo' }],
  });
  // Moved by the morning's check onto the day after 8 March, and left there.
  const rows = planTouches(config, NO_HISTORY, { from: '2027-03-01', to: '2027-03-31' }, NOW).touches
    .map((t) => ({ ...touchToRow(t, undefined, NOW.toISO()!), date: '2027-03-09', start_at: '2027-03-09', end_at: '2027-03-10', overdue_from: t.date }));

  it('one or several on a day: "Overdue" in the title, and the event says it stays on this day (greetings are not moved on every morning)', () => {
    const [together] = entriesOf(rows);
    const group = entryEvent(together!, config, links, '2027-03-10');
    expect(group.title).toMatch(/^Overdue: .* × 2: /);
    expect(group.description).toContain('BELATED: it was due by');
    expect(group.description).toContain('it stays on this day until it is done or skipped');
    const [alone] = entriesOf(rows.slice(0, 1));
    const single = entryEvent(alone!, config, links, '2027-03-10');
    expect(single.title).toMatch(/^Overdue: /);
    expect(single.description).toContain('it stays on this day until it is done or skipped');
    expect(single.description).not.toContain('moved to the next working day');
    // An escalation of an overdue touch, itself overdue: its title says "overdue" once (QA: "Overdue: …: overdue since …").
    const escalation = { ...rows[0]!, id: '11111111-2222-5333-8444-555555555555', source: 'escalation:overdue:x', series: 'escalation:overdue:x', kind: 'call', all_day: 0,
      title: 'Alfa: overdue since 05.03.2027 — call', start_at: '2027-03-09T10:00:00.000+03:00', end_at: '2027-03-09T10:15:00.000+03:00' };
    const [escalated] = entriesOf([escalation]);
    expect(entryEvent(escalated!, config, links, '2027-03-10').title).toBe('Alfa: overdue since 05.03.2027 — call');
  });

  it('moved onto a day with the same rule\'s touches due that day: an event of its own, "Overdue" in its title, the same event from one morning to the next', () => {
    const letters = configOf({
      ...SETTINGS,
      employees: [employee('am', 'account_manager')],
      clients: ['c1', 'c2'].map((id) => client(id, { roles: ['ceo'], team: { account_manager: 'am' } })),
      rules: [{ id: 'letters', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: '1 month' }],
    });
    const [c1, c2] = ['c1', 'c2'].map((id) => planTouches(letters, NO_HISTORY, { from: '2027-03-01', to: '2027-03-31' }, NOW).touches
      .find((t) => t.client === id)!).map((t) => touchToRow(t, undefined, NOW.toISO()!));
    const movedTo = (day: string) => ({ ...c1!, date: day, start_at: day, end_at: addDays(day, 1), overdue_from: c1!.date });
    const mornings = [c2!.date, addDays(c2!.date, 1)].map((day) => entriesOf([movedTo(day), { ...c2!, date: day, start_at: day, end_at: addDays(day, 1) }]));
    for (const entries of mornings) {
      expect(entries).toHaveLength(2);
      const late = entries.find((e) => e.touches[0]!.client_id === 'c1')!;
      expect(late.touches).toHaveLength(1);
      expect(entryEvent(late, letters, links, late.date).title).toMatch(/^Overdue: /);
      expect(entryEvent(entries.find((e) => e !== late)!, letters, links, late.date).title).not.toMatch(/Overdue/);
    }
    expect(mornings[1]!.find((e) => e.touches[0]!.client_id === 'c1')!.id).toBe(mornings[0]!.find((e) => e.touches[0]!.client_id === 'c1')!.id);
  });

  it('one of them done, the other still open and late: still "Overdue" in the title (every open one is late)', () => {
    const [together] = entriesOf([{ ...rows[0]!, status: 'done' as const, resolved_date: '2027-03-09', resolved_by: 'am' }, rows[1]!]);
    expect(entryEvent(together!, config, links, '2027-03-10').title).toMatch(/^Overdue: /);
  });
});

describe('an all-day event\'s reminders', () => {
  const letters = configOf({
    ...SETTINGS,
    employees: [employee('am', 'account_manager', { hours: '10:00-19:00' })],
    clients: Array.from({ length: 30 }, (_, i) => client(`c${i}`, { roles: ['ceo'], team: { account_manager: 'am' } })),
    rules: [{ id: 'letters', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: '1 month', remind: ['3 days', '1 day'] }],
  });
  const rows = planTouches(letters, NO_HISTORY, { from: '2027-03-01', to: '2027-03-31' }, NOW).touches.map((t) => touchToRow(t, undefined, NOW.toISO()!));
  const entries = entriesOf(rows);

  it('come at the start of the holder\'s working day, not at midnight: "1 day" is the day before at 10:00; a day\'s group of touches has every one of them, as a single touch has', () => {
    const single = entries.find((e) => e.touches.length === 1)!;
    // Minutes before the event's start (midnight): 1 day before at 10:00 is 14 hours before.
    expect(entryEvent(single, letters, links, '2027-03-01').reminders).toEqual([3 * 1440 - 600, 1440 - 600]);
    const group = entries.find((e) => e.touches.length > 1)!;
    expect(entryEvent(group, letters, links, '2027-03-01').reminders).toEqual([3 * 1440 - 600, 1440 - 600]);
    // One of them done while the rule asked for a week's notice: the open ones' reminders only.
    const [doneOne, ...open] = group.touches;
    const changed = { ...group, touches: [{ ...doneOne!, status: 'done' as const, remind: '[10080]' }, ...open] };
    expect(entryEvent(changed, letters, links, '2027-03-01').reminders).toEqual([3 * 1440 - 600, 1440 - 600]);
  });

  it('an alert "at its start" (touchbase\'s own, all-day) has none rather than one at 00:00', () => {
    const single = entries.find((e) => e.touches.length === 1)!;
    const alert = { ...single, touches: [{ ...single.touches[0]!, remind: '[0]' }] };
    expect(entryEvent(alert, letters, links, '2027-03-01').reminders).toEqual([]);
  });
});
