import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import Holidays from 'date-holidays';
import { planTouches } from '../../src/planner/plan.ts';
import { NO_HISTORY } from '../../src/planner/history.ts';
import { SETTINGS, client, configOf, employee } from '../helpers/config-folder.ts';

const NOW = DateTime.fromISO('2026-12-01T08:00:00Z');
const YEAR = { from: '2027-01-01', to: '2027-12-31' };

describe('exactly one touch per period', () => {
  it('a monthly per-contact rule gives one touch per contact in each month of the year, inside that month', () => {
    const config = configOf({
      ...SETTINGS,
      employees: [employee('am', 'account_manager')],
      clients: [client('a', { roles: ['buyer', 'buyer'] }), client('b')],
      rules: [{ id: 'monthly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', per: 'contact' }],
    });
    const { touches } = planTouches(config, NO_HISTORY, YEAR, NOW);
    expect(touches).toHaveLength(3 * 12);
    const perContactMonth = new Map<string, number>();
    for (const t of touches) {
      expect(t.date.slice(0, 7)).toBe(t.window.from.slice(0, 7));
      const key = `${t.contacts[0]}|${t.date.slice(0, 7)}`;
      perContactMonth.set(key, (perContactMonth.get(key) ?? 0) + 1);
    }
    expect([...perContactMonth.values()].every((n) => n === 1)).toBe(true);
    expect(perContactMonth.size).toBe(36);
  });

  it('a half-yearly per-client meeting gives one touch per half-year with all matching contacts', () => {
    const config = configOf({
      ...SETTINGS,
      employees: [employee('boss', 'ceo')],
      clients: [client('a', { tier: 'A', roles: ['ceo', 'director', 'buyer'] }), client('b', { tier: 'B' })],
      rules: [{ id: 'ceo', ours: 'ceo', theirs: ['ceo', 'director'], kind: 'meeting', every: '6 months', for: { tier: 'A' }, duration: '90 minutes' }],
    });
    const { touches } = planTouches(config, NO_HISTORY, YEAR, NOW);
    expect(touches.map((t) => t.window)).toEqual([{ from: '2027-01-01', to: '2027-06-30' }, { from: '2027-07-01', to: '2027-12-31' }]);
    for (const t of touches) {
      expect(t.client).toBe('a');
      expect(t.contacts).toEqual(['a-ceo0', 'a-director1']);
      expect(DateTime.fromISO(t.end).diff(DateTime.fromISO(t.start), 'minutes').minutes).toBe(90);
    }
  });

  it('a client from a day to come (since in the future) has no touch before it: none of the months before, none of its first month\'s days before it', () => {
    const config = configOf({
      ...SETTINGS,
      employees: [employee('am', 'account_manager')],
      clients: [client('new', { roles: ['buyer'], since: '2027-03-17' }), client('old', { roles: ['buyer'], since: '2020-01-10' })],
      rules: [{ id: 'monthly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', per: 'client' }],
    });
    const { touches } = planTouches(config, NO_HISTORY, { from: '2027-01-01', to: '2027-05-31' }, NOW);
    const fresh = touches.filter((t) => t.client === 'new');
    expect(fresh.map((t) => t.window)).toEqual([
      { from: '2027-03-17', to: '2027-03-31' }, { from: '2027-04-01', to: '2027-04-30' }, { from: '2027-05-01', to: '2027-05-31' },
    ]);
    expect(fresh.every((t) => t.date >= '2027-03-17')).toBe(true);
    expect(touches.filter((t) => t.client === 'old')).toHaveLength(5);
  });

  it('a contact role the client lacks produces no touch there', () => {
    const config = configOf({
      ...SETTINGS,
      employees: [employee('am', 'account_manager')],
      clients: [client('a', { roles: ['ceo'] })],
      rules: [{ id: 'r', ours: 'account_manager', theirs: 'buyer', kind: 'letter', every: '1 month' }],
    });
    expect(planTouches(config, NO_HISTORY, YEAR, NOW).touches).toHaveLength(0);
  });
});

describe('working days', () => {
  const COUNTRIES: [string, string][] = [['RU', 'Europe/Moscow'], ['RO', 'Europe/Bucharest'], ['MD', 'Europe/Chisinau'], ['US', 'America/New_York'], ['DE', 'Europe/Berlin']];
  const holidaysOf = (country: string) => {
    const hd = new Holidays(country);
    const days = new Set<string>();
    for (const year of [2027, 2028]) {
      for (const h of hd.getHolidays(year)) {
        if (h.type !== 'public') continue;
        for (let d = DateTime.fromISO(h.date.slice(0, 10)); d.toMillis() < DateTime.fromISO(h.date.slice(0, 10)).plus({ milliseconds: h.end.getTime() - h.start.getTime() }).toMillis(); d = d.plus({ days: 1 })) days.add(d.toISODate()!);
      }
    }
    return days;
  };

  it('no touch on a weekend or a public holiday of the employee\'s or the client\'s country (RU, RO, MD, US, DE)', () => {
    const employees = COUNTRIES.map(([c, z]) => employee(`am-${c.toLowerCase()}`, 'account_manager', { country: c, timezone: z }));
    const clients = [];
    for (const [c, z] of COUNTRIES) {
      for (const [ec] of COUNTRIES) {
        clients.push(client(`c-${c.toLowerCase()}-${ec.toLowerCase()}`, { country: c, timezone: z, roles: ['buyer', 'buyer', 'ceo'], team: { account_manager: `am-${ec.toLowerCase()}` } }));
      }
    }
    const config = configOf({
      ...SETTINGS, employees, clients,
      rules: [{ id: 'weekly', ours: 'account_manager', theirs: 'all', kind: 'letter', every: '1 week', per: 'contact' }],
    });
    const { touches } = planTouches(config, NO_HISTORY, YEAR, NOW);
    expect(touches.length).toBeGreaterThan(3000);
    const holidays = Object.fromEntries(COUNTRIES.map(([c]) => [c, holidaysOf(c)]));
    const countryOfEmployee = Object.fromEntries(config.employees.map((e) => [e.id, e.country]));
    const countryOfClient = Object.fromEntries(config.clients.map((c) => [c.id, c.country]));
    for (const t of touches) {
      expect(DateTime.fromISO(t.date).weekday, t.date).toBeLessThanOrEqual(5);
      expect(holidays[countryOfEmployee[t.employee]!]!.has(t.date), `${t.date} ${t.employee}`).toBe(false);
      expect(holidays[countryOfClient[t.client]!]!.has(t.date), `${t.date} ${t.client}`).toBe(false);
    }
  });

  it('respects custom workdays', () => {
    const config = configOf({
      settings: { ...SETTINGS.settings, workdays: ['sun', 'mon', 'tue', 'wed', 'thu'] },
      employees: [employee('am', 'account_manager')],
      clients: [client('a', { roles: ['buyer'] })],
      rules: [{ id: 'w', ours: 'account_manager', theirs: 'buyer', kind: 'letter', every: '1 week' }],
    });
    const { touches } = planTouches(config, NO_HISTORY, YEAR, NOW);
    for (const t of touches) expect([5, 6]).not.toContain(DateTime.fromISO(t.date).weekday);
  });
});

describe('time zones and working hours', () => {
  const inHours = (iso: string, zone: string, from = 9, to = 18) => {
    const d = DateTime.fromISO(iso).setZone(zone);
    const minutes = d.hour * 60 + d.minute;
    return minutes >= from * 60 && minutes <= to * 60;
  };

  it('timed touches start and end inside both parties\' hours across DST changes and the year boundary (Bucharest ↔ New York)', () => {
    const config = configOf({
      ...SETTINGS,
      employees: [employee('ro', 'account_manager', { country: 'RO', timezone: 'Europe/Bucharest' })],
      clients: Array.from({ length: 6 }, (_, i) => client(`ny${i}`, { country: 'US', timezone: 'America/New_York', roles: ['buyer'] })),
      rules: [{ id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 week', duration: '30 minutes' }],
    });
    // March (US changes 14 Mar, EU 28 Mar), October–November (EU 31 Oct, US 7 Nov), and New Year.
    for (const window of [{ from: '2027-03-01', to: '2027-04-10' }, { from: '2027-10-20', to: '2027-11-20' }, { from: '2027-12-20', to: '2028-01-15' }]) {
      const { touches } = planTouches(config, NO_HISTORY, window, NOW);
      expect(touches.length).toBeGreaterThan(20);
      for (const t of touches) {
        expect(t.allDay).toBe(false);
        expect(inHours(t.start, 'Europe/Bucharest') && inHours(t.end, 'Europe/Bucharest'), `${t.start} in Bucharest`).toBe(true);
        expect(inHours(t.start, 'America/New_York') && inHours(t.end, 'America/New_York'), `${t.start} in New York`).toBe(true);
        expect(DateTime.fromISO(t.start).setZone('Europe/Bucharest').toISODate()).toBe(t.date);
        expect(t.start).toMatch(/T\d\d:\d\d:00\.000\+0[23]:00$/);
      }
    }
  });

  it('a 10:00 meeting in Europe/Bucharest is 10:00 local on both sides of the DST change', () => {
    const config = configOf({
      ...SETTINGS,
      employees: [employee('ro', 'account_manager', { country: 'RO', timezone: 'Europe/Bucharest', hours: '10:00-11:00' })],
      clients: [client('buc', { country: 'RO', timezone: 'Europe/Bucharest', roles: ['buyer'] })],
      rules: [{ id: 'w', ours: 'account_manager', theirs: 'buyer', kind: 'meeting', every: '1 week', duration: '60 minutes' }],
    });
    const { touches } = planTouches(config, NO_HISTORY, { from: '2027-03-15', to: '2027-04-11' }, NOW);
    const offsets = new Set(touches.map((t) => t.start.slice(-6)));
    expect(offsets).toEqual(new Set(['+02:00', '+03:00']));
    for (const t of touches) expect(t.start.slice(11, 16)).toBe('10:00');
  });

  it('the planner finds the overlap of far-apart zones on the client\'s own local day (Moscow ↔ Novosibirsk)', () => {
    const config = configOf({
      ...SETTINGS,
      employees: [employee('msk', 'account_manager')],
      clients: [client('nsk', { timezone: 'Asia/Novosibirsk', roles: ['buyer'] })],
      rules: [{ id: 'c', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 week', duration: '60 minutes' }],
    });
    const { touches } = planTouches(config, NO_HISTORY, { from: '2027-02-01', to: '2027-03-31' }, NOW);
    for (const t of touches) {
      expect(inHours(t.start, 'Asia/Novosibirsk') && inHours(t.end, 'Asia/Novosibirsk')).toBe(true);
      expect(inHours(t.start, 'Europe/Moscow') && inHours(t.end, 'Europe/Moscow')).toBe(true);
    }
  });
});

describe('load: the daily cap and spreading', () => {
  it('meetings plus calls never exceed meetings_per_day, and never overlap', () => {
    const config = configOf({
      ...SETTINGS,
      employees: [employee('am', 'account_manager', { meetings_per_day: 3 })],
      clients: Array.from({ length: 24 }, (_, i) => client(`c${i}`, { roles: ['buyer', 'ceo'] })),
      rules: [
        { id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month' },
        { id: 'meet', ours: 'account_manager', theirs: 'ceo', kind: 'meeting', every: '3 months', duration: '2 hours' },
      ],
    });
    const { touches, warnings } = planTouches(config, NO_HISTORY, { from: '2027-01-01', to: '2027-06-30' }, NOW);
    expect(warnings).toEqual([]);
    const perDay = new Map<string, { s: number; e: number }[]>();
    for (const t of touches) {
      const list = perDay.get(t.date) ?? [];
      list.push({ s: DateTime.fromISO(t.start).toMillis(), e: DateTime.fromISO(t.end).toMillis() });
      perDay.set(t.date, list);
    }
    for (const [day, list] of perDay) {
      expect(list.length, day).toBeLessThanOrEqual(3);
      list.sort((a, b) => a.s - b.s);
      for (let i = 1; i < list.length; i++) expect(list[i - 1]!.e <= list[i]!.s, day).toBe(true);
    }
    expect(touches.filter((t) => t.kind === 'call')).toHaveLength(24 * 6);
  });

  it('a period with more touches than the cap allows keeps the cap, plans no second touch in another period, and warns', () => {
    const config = configOf({
      ...SETTINGS,
      employees: [employee('am', 'account_manager', { meetings_per_day: 1 })],
      clients: Array.from({ length: 25 }, (_, i) => client(`c${i}`, { roles: ['buyer'] })),
      rules: [{ id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month' }],
    });
    // January 2027 in Russia has 15 working days, February 19 (23 Feb is a holiday): 10 + 6 calls cannot be placed.
    const { touches, warnings } = planTouches(config, NO_HISTORY, { from: '2027-01-01', to: '2027-02-28' }, NOW);
    const january = touches.filter((t) => t.window.from === '2027-01-01');
    expect(january).toHaveLength(15);
    expect(new Set(touches.map((t) => t.date)).size).toBe(touches.length);
    for (const t of january) expect(t.date.slice(0, 7)).toBe('2027-01');
    expect(touches).toHaveLength(15 + 19);
    expect(warnings).toHaveLength(10 + 6);
    expect(warnings[0]!.message).toMatch(/no free slot/);
  });

  it('a warning of a full day names whose day it is, a handover before or after the period notwithstanding (QA: it named the successor of a handover in 2029)', () => {
    const company = (caps: [number, number], on: string) => configOf({
      ...SETTINGS,
      employees: [employee('ivanova', 'account_manager', { meetings_per_day: caps[0] }), employee('sidorov', 'account_manager', { meetings_per_day: caps[1] })],
      clients: Array.from({ length: 3 }, (_, i) => client(`c${i}`, { roles: ['buyer'], team: { account_manager: 'ivanova' } })),
      rules: [{ id: 'daily', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 day' }],
      handovers: [{ from: 'ivanova', to: 'sidorov', on, notice_from: 'leaving' }],
    });
    const full = (config: ReturnType<typeof company>, from: string) => planTouches(config, NO_HISTORY, { from, to: from }, NOW).warnings
      .filter((w) => /no free slot/.test(w.message)).map((w) => /not planned: (\S+) has/.exec(w.message)?.[1]);
    // Ivanova's day, the handover years away: hers.
    expect(full(company([1, 5], '2029-03-15'), '2027-03-02')).toEqual(['ivanova', 'ivanova']);
    // Sidorov's day, the handover the day before: his.
    expect(full(company([5, 1], '2027-03-01'), '2027-03-02')).toEqual(['sidorov', 'sidorov']);
  });

  it('a period with no working day (the New Year week in Russia) plans nothing there and warns about nothing: not a free slot missing', () => {
    const config = configOf({
      ...SETTINGS,
      employees: [employee('am', 'account_manager')],
      clients: [client('c1', { roles: ['buyer'] }), client('c2', { roles: ['buyer'] })],
      rules: [{ id: 'weekly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 week' }],
    });
    const { touches, warnings } = planTouches(config, NO_HISTORY, { from: '2027-01-01', to: '2027-01-17' }, NOW);
    expect(touches.filter((t) => t.date >= '2027-01-04' && t.date <= '2027-01-10')).toEqual([]);
    expect(touches.filter((t) => t.date >= '2027-01-11')).toHaveLength(2);
    expect(warnings).toEqual([]);
  });

  it('touches of one employee are spread over the period\'s working days, not piled on the first', () => {
    const config = configOf({
      ...SETTINGS,
      employees: [employee('am', 'account_manager')],
      clients: Array.from({ length: 60 }, (_, i) => client(`c${i}`, { roles: ['buyer'] })),
      rules: [{ id: 'letters', ours: 'account_manager', theirs: 'buyer', kind: 'letter', every: '1 month' }],
    });
    const { touches } = planTouches(config, NO_HISTORY, { from: '2027-06-01', to: '2027-06-30' }, NOW);
    const perDay = new Map<string, number>();
    for (const t of touches) perDay.set(t.date, (perDay.get(t.date) ?? 0) + 1);
    expect(touches).toHaveLength(60);
    expect(perDay.size).toBeGreaterThanOrEqual(15);
    expect(Math.max(...perDay.values())).toBeLessThanOrEqual(8);
  });

  it('a meeting planned today is never put in an hour that has already passed', () => {
    const config = configOf({
      ...SETTINGS,
      employees: [employee('am', 'account_manager')],
      clients: Array.from({ length: 20 }, (_, i) => client(`c${i}`, { roles: ['buyer'] })),
      rules: [{ id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 week' }],
    });
    // Thursday 24 June 2027, 14:00 in Moscow: the week's calls go on Thursday afternoon or Friday.
    const now = DateTime.fromISO('2027-06-24T14:00:00+03:00');
    const { touches } = planTouches(config, NO_HISTORY, { from: '2027-06-21', to: '2027-06-27' }, now);
    expect(touches).toHaveLength(20);
    const today = touches.filter((t) => t.date === '2027-06-24');
    expect(today.length).toBeGreaterThan(0);
    for (const t of touches) {
      expect(DateTime.fromISO(t.start).toMillis()).toBeGreaterThanOrEqual(now.toMillis());
      expect(t.overdue).toBe(false);
    }
  });

  it('a touch in the current period is never placed in the past when days remain', () => {
    const config = configOf({
      ...SETTINGS,
      employees: [employee('am', 'account_manager')],
      clients: Array.from({ length: 20 }, (_, i) => client(`c${i}`, { roles: ['buyer'] })),
      rules: [{ id: 'letters', ours: 'account_manager', theirs: 'buyer', kind: 'letter', every: '1 month' }],
    });
    const now = DateTime.fromISO('2027-06-20T10:00:00+03:00');
    const { touches } = planTouches(config, NO_HISTORY, { from: '2027-06-01', to: '2027-06-30' }, now);
    for (const t of touches) {
      expect(t.date >= '2027-06-21' || t.date === '2027-06-21' || t.date >= '2027-06-20').toBe(true);
      expect(t.overdue).toBe(false);
    }
  });
});
