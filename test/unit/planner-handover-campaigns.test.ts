import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { planTouches } from '../../src/planner/plan.ts';
import { makeHistory, NO_HISTORY, pinsOf } from '../../src/planner/history.ts';
import { pinOf } from '../../src/storage/plan-save-rules.ts';
import { SETTINGS, client, configOf, employee, writeConfig } from '../helpers/config-folder.ts';
import { checkConfig } from '../../src/config/load-config.ts';
import type { Touch } from '../../src/domain/types.ts';

const NOW = DateTime.fromISO('2026-12-01T08:00:00Z');

describe('handovers', () => {
  const sections = (noticeFrom: 'management' | 'leaving') => ({
    ...SETTINGS,
    employees: [employee('ivanova', 'account_manager'), employee('sidorov', 'account_manager'), employee('petrov', 'sales_director')],
    clients: [
      client('stroymash', { roles: ['ceo', 'buyer'], team: { account_manager: 'ivanova' } }),
      client('other', { roles: ['buyer'], team: { account_manager: 'sidorov' } }),
    ],
    rules: [{ id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month' }],
    // 2027-03-15 is a Monday: notice on Thu 11 or Fri 12 March, introduction on Tue 16 or Wed 17.
    handovers: [{ from: 'ivanova', to: 'sidorov', on: '2027-03-15', notice_from: noticeFrom }],
  });

  it('a notice letter to every contact 1–2 working days before, from management, and an introduction from the successor 1–2 after', () => {
    const { touches } = planTouches(configOf(sections('management')), NO_HISTORY, { from: '2027-03-01', to: '2027-03-31' }, NOW);
    const letters = touches.filter((t) => t.source === 'handover:ivanova:sidorov');
    const notices = letters.filter((t) => t.title.includes('hands over'));
    const intros = letters.filter((t) => t.title.includes('introduce'));
    expect(notices.map((t) => t.contacts[0]).sort()).toEqual(['stroymash-buyer1', 'stroymash-ceo0']);
    expect(intros.map((t) => t.contacts[0]).sort()).toEqual(['stroymash-buyer1', 'stroymash-ceo0']);
    for (const n of notices) {
      expect(n.employee).toBe('petrov');
      expect(['2027-03-11', '2027-03-12']).toContain(n.date);
      expect(n.kind).toBe('letter');
    }
    for (const i of intros) {
      expect(i.employee).toBe('sidorov');
      expect(['2027-03-16', '2027-03-17']).toContain(i.date);
    }
    expect(letters.some((t) => t.client === 'other')).toBe(false);
  });

  it('the only account manager leaving, the successor added beside them: the clients with no team named are the leaver\'s, then the successor\'s, with the letters (QA: "2 employees hold account_manager")', () => {
    const sections = {
      ...SETTINGS,
      employees: [employee('ivanova', 'account_manager'), employee('novikov', 'account_manager'), employee('petrov', 'sales_director')],
      clients: [client('stroymash', { roles: ['ceo', 'buyer'] }), client('other', { roles: ['buyer'] })],
      rules: [{ id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month' }],
      handovers: [{ from: 'ivanova', to: 'novikov', on: '2027-03-15', notice_from: 'management' }],
    };
    const config = configOf(sections);
    expect(config.clients.map((c) => c.team.account_manager)).toEqual(['ivanova', 'ivanova']);
    const { touches } = planTouches(config, NO_HISTORY, { from: '2027-02-01', to: '2027-04-30' }, NOW);
    const calls = touches.filter((t) => t.source === 'rule:calls');
    expect(calls.filter((t) => t.date < '2027-03-15').every((t) => t.employee === 'ivanova')).toBe(true);
    expect(calls.filter((t) => t.date >= '2027-03-15').every((t) => t.employee === 'novikov')).toBe(true);
    expect(calls.some((t) => t.date >= '2027-03-15')).toBe(true);
    const intros = touches.filter((t) => t.source === 'handover:ivanova:novikov' && t.title.includes('introduce'));
    expect(new Set(intros.map((t) => t.client))).toEqual(new Set(['stroymash', 'other']));
    // Without the handover the two are two holders, and each client must name one, as before.
    const { issues } = checkConfig(writeConfig({ 'touchbase.yaml': { ...sections, handovers: [] } }));
    expect(issues.map((i) => i.found)).toContain('none named, and 2 employees hold account_manager (ivanova, novikov): name one under the client\'s team');
    // With another account manager staying, the teams must name one, and the error lists everyone they may name.
    const three = checkConfig(writeConfig({ 'touchbase.yaml': { ...sections, employees: [...sections.employees, employee('petrova', 'account_manager')] } }));
    expect(three.issues.map((i) => i.found)).toContain('none named, and 3 employees hold account_manager (ivanova, novikov, petrova): name one under the client\'s team');
  });

  it('a chain: the clients the second leaver took over by the first handover are told of the second too, by whoever directs them then', () => {
    const config = sections('management');
    config.employees.push(employee('kozlov', 'account_manager'), employee('orlova', 'sales_director'));
    // Ivanova's stroymash goes to Sidorov on 15 March, then with Sidorov's own "other" to Kozlov on
    // 15 April; Petrov, who directs them, hands over to Orlova on 1 April.
    (config.clients[0] as { team: Record<string, string> }).team.sales_director = 'petrov';
    (config.clients[1] as { team: Record<string, string> }).team.sales_director = 'petrov';
    config.handovers.push({ from: 'sidorov', to: 'kozlov', on: '2027-04-15', notice_from: 'management' }, { from: 'petrov', to: 'orlova', on: '2027-04-01', notice_from: 'management' });
    const { touches } = planTouches(configOf(config), NO_HISTORY, { from: '2027-04-01', to: '2027-04-30' }, NOW);
    const second = touches.filter((t) => t.source === 'handover:sidorov:kozlov');
    const told = (title: string) => [...new Set(second.filter((t) => t.title.includes(title)).map((t) => `${t.client} ${t.employee}`))].sort();
    expect(told('hands over')).toEqual(['other orlova', 'stroymash orlova']);
    expect(told('introduce')).toEqual(['other kozlov', 'stroymash kozlov']);
  });

  it('a plan of a period begun before today shows a recorded open touch of a past day as it stands: the successor\'s once the morning\'s check gave it on', () => {
    // Ivanova hands over on 1 April: March's call is hers by the rules.
    const config = configOf({ ...sections('management'), handovers: [{ from: 'ivanova', to: 'sidorov', on: '2027-04-01', notice_from: 'management' }] });
    const march = { from: '2027-03-01', to: '2027-03-31' };
    const first = planTouches(config, NO_HISTORY, march, NOW).touches.find((t) => t.client === 'stroymash' && t.source === 'rule:calls')!;
    expect(first.employee).toBe('ivanova');
    // Not done by her; on 1 April the check gave it to Sidorov, on its day (overdue since then).
    const pins = new Map([[first.id, pinOf(first.date, first.start, first.end, false, 'sidorov', 'stroymash', 'planned', false, first.date, false)]]);
    const later = DateTime.fromISO('2027-04-02T09:00:00+03:00', { setZone: true });
    const again = planTouches(config, makeHistory([], pins), march, later).touches.find((t) => t.id === first.id)!;
    expect([again.employee, again.date, again.start]).toEqual(['sidorov', first.date, first.start]);
  });

  it('with notice_from: leaving, the leaving employee sends the notice', () => {
    const { touches } = planTouches(configOf(sections('leaving')), NO_HISTORY, { from: '2027-03-01', to: '2027-03-31' }, NOW);
    const notices = touches.filter((t) => t.title.includes('hands over'));
    expect(notices.length).toBe(2);
    for (const n of notices) expect(n.employee).toBe('ivanova');
  });

  it('touches of the leaver due on or after `on` belong to the successor; earlier ones stay', () => {
    const { touches } = planTouches(configOf(sections('management')), NO_HISTORY, { from: '2027-01-01', to: '2027-06-30' }, NOW);
    const calls = touches.filter((t) => t.client === 'stroymash' && t.kind === 'call');
    expect(calls).toHaveLength(6);
    for (const c of calls) expect(c.employee).toBe(c.date >= '2027-03-15' ? 'sidorov' : 'ivanova');
    expect(calls.filter((c) => c.employee === 'sidorov').length).toBeGreaterThanOrEqual(3);
  });

  it('planned after `on` (a new install, a new rule), the current period goes from today to the successor, not to the leaver\'s past days', () => {
    const config = sections('management');
    // Eight buyers: their March calls would fall on both sides of `on` (15 March) by their hashes.
    config.clients[0] = client('stroymash', { roles: ['ceo', ...Array<string>(8).fill('buyer')], team: { account_manager: 'ivanova' } });
    config.rules.push({ id: 'news', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: '3 months' });
    const now = DateTime.fromISO('2027-03-22T06:00:00Z');
    const { touches, warnings } = planTouches(configOf(config), NO_HISTORY, { from: '2027-01-01', to: '2027-03-31' }, now);
    const march = touches.filter((t) => t.client === 'stroymash' && t.kind === 'call' && t.window.from === '2027-03-01');
    expect(march).toHaveLength(8);
    for (const c of march) expect([c.employee, c.date >= '2027-03-22']).toEqual(['sidorov', true]);
    // The quarter's letter (due since January) too, as a client without a handover would have it.
    const news = touches.filter((t) => t.client === 'stroymash' && t.source === 'rule:news');
    expect(news.map((t) => [t.employee, t.date >= '2027-03-22'])).toEqual([['sidorov', true]]);
    // Earlier months are past periods: they stay with the leaver, where they were due.
    const january = touches.filter((t) => t.client === 'stroymash' && t.kind === 'call' && t.window.from === '2027-01-01');
    for (const c of january) expect(c.employee).toBe('ivanova');
    // Only that the notices (11–12 March), never planned, were missed.
    expect(warnings.map((w) => [w.source, w.window.to])).toEqual([['handover:ivanova:sidorov', '2027-03-12']]);
  });

  it('a handover moves no touch off its day: before `on` the leaver keeps each on the day it had, from `on` the successor (no plan recorded yet)', () => {
    const config = sections('management');
    // Eight buyers: March calls on both sides of `on` (15 March); a half-year's letter likewise.
    config.clients[0] = client('stroymash', { roles: ['ceo', ...Array<string>(8).fill('buyer')], team: { account_manager: 'ivanova' } });
    config.rules.push({ id: 'feedback', ours: 'account_manager', theirs: 'buyer', kind: 'feedback', every: '6 months' });
    const plain = { ...config, handovers: [] };
    const window = { from: '2027-01-01', to: '2027-06-30' };
    const day = (touches: readonly Touch[]) => new Map(touches.map((t) => [t.id, t]));
    const without = day(planTouches(configOf(plain), NO_HISTORY, window, NOW).touches.filter((t) => t.client === 'stroymash'));
    const withHandover = day(planTouches(configOf(config), NO_HISTORY, window, NOW).touches.filter((t) => t.client === 'stroymash' && !t.source.startsWith('handover:')));
    expect(withHandover.size).toBe(without.size);
    const split = [...without.values()].filter((t) => t.date < '2027-03-15' && t.window.to >= '2027-03-15');
    expect(split.length).toBeGreaterThan(1);
    for (const [id, t] of without) {
      expect(withHandover.get(id)?.date, id).toBe(t.date);
      expect(withHandover.get(id)?.employee).toBe(t.date < '2027-03-15' ? 'ivanova' : 'sidorov');
    }
    // Planned after `on` too (the handover written in late): the current period's touches, from today, on the same days.
    const late = DateTime.fromISO('2027-03-17T06:00:00Z');
    const rest = { from: '2027-03-17', to: '2027-06-30' };
    const plainLate = day(planTouches(configOf(plain), NO_HISTORY, rest, late).touches.filter((t) => t.client === 'stroymash'));
    const handedLate = day(planTouches(configOf(config), NO_HISTORY, rest, late).touches.filter((t) => t.client === 'stroymash' && !t.source.startsWith('handover:')));
    expect([...plainLate.values()].filter((t) => t.window.from === '2027-03-01').length).toBeGreaterThan(3);
    for (const [id, t] of plainLate) expect([handedLate.get(id)?.date, handedLate.get(id)?.employee], id).toEqual([t.date, 'sidorov']);
  });

  it('a handover written in on its day or after: its notices, never planned, are named in a warning a client; a late introduction goes from today (QA: all dropped without a word)', () => {
    const config = configOf(sections('management'));
    const notice = (t: Touch) => t.title.includes('hands over');
    const intro = (t: Touch) => t.title.includes('introduce');
    // Written in on `on` (Monday 15 March): the notices' days (11–12 March) are past, the introductions' ahead.
    const onTheDay = planTouches(config, NO_HISTORY, { from: '2027-03-15', to: '2027-03-31' }, DateTime.fromISO('2027-03-15T06:00:00Z'));
    expect(onTheDay.touches.filter(notice)).toEqual([]);
    expect(onTheDay.touches.filter(intro).map((t) => t.date).sort()).toEqual([expect.stringMatching(/^2027-03-1[67]$/), expect.stringMatching(/^2027-03-1[67]$/)]);
    const missed = onTheDay.warnings.filter((w) => w.source === 'handover:ivanova:sidorov');
    expect(missed.map((w) => [w.client, w.employee, w.window])).toEqual([['stroymash', 'petrov', { from: '2027-03-11', to: '2027-03-12' }]]);
    expect(missed[0]!.message).toMatch(/^missed: the "your manager changes" letters .* before they were first planned \(the handover/);
    // Written in a week after: the introductions (due 16–17 March) go from today, their window saying when they were due.
    const weekLate = planTouches(config, NO_HISTORY, { from: '2027-03-22', to: '2027-03-31' }, DateTime.fromISO('2027-03-22T06:00:00Z'));
    const intros = weekLate.touches.filter(intro);
    expect(intros.map((t) => [t.employee, t.date >= '2027-03-22', t.window])).toEqual(Array(2).fill(['sidorov', true, { from: '2027-03-16', to: '2027-03-17' }]));
    expect(weekLate.warnings.filter((w) => w.source === 'handover:ivanova:sidorov').map((w) => w.client)).toEqual(['stroymash']);
    // Planned in time, the notices are history: no warning once their days are past, whether done or not.
    const inTime = planTouches(config, NO_HISTORY, { from: '2027-03-01', to: '2027-03-31' }, NOW).touches;
    const after = planTouches(config, makeHistory([], pinsOf(inTime)), { from: '2027-03-15', to: '2027-03-31' }, DateTime.fromISO('2027-03-15T06:00:00Z'));
    expect(after.warnings).toEqual([]);
    expect(after.touches.filter(notice)).toEqual([]);
    // More than a month later, it is history too: no warning.
    expect(planTouches(config, NO_HISTORY, { from: '2027-05-03', to: '2027-05-31' }, DateTime.fromISO('2027-05-03T06:00:00Z')).warnings).toEqual([]);
  });

  it('late handover letters: more than a week late an introduction is named once a client; none for a successor who has left since; none lost where the owner is west of the company; none on past days of a saved plan (review)', () => {
    const config = sections('management');
    const intro = (t: Touch) => t.title.includes('introduce');
    const notice = (t: Touch) => t.title.includes('hands over');
    const ours = (warnings: readonly { source: string; client: string; message: string }[]) => warnings.filter((w) => w.source === 'handover:ivanova:sidorov');
    // Written in on 29 March, the introductions (16–17 March) 12 days late: not placed, one warning for the client.
    const late = planTouches(configOf(config), NO_HISTORY, { from: '2027-03-29', to: '2027-04-30' }, DateTime.fromISO('2027-03-29T06:00:00Z'));
    expect(late.touches.filter(intro)).toEqual([]);
    expect(ours(late.warnings).map((w) => [w.client, /^missed: due 2027-03-16 to 2027-03-17, .*more than 7 days late/.test(w.message)])).toEqual([['stroymash', false], ['stroymash', true]]);
    // A chain written in late: Sidorov hands over to Petrova on 18 March; Ivanova's introductions are his no more to send.
    const chain = { ...config, employees: [...config.employees, employee('petrova', 'account_manager')], handovers: [...config.handovers, { from: 'sidorov', to: 'petrova', on: '2027-03-18' }] };
    const chained = planTouches(configOf(chain), NO_HISTORY, { from: '2027-03-22', to: '2027-04-30' }, DateTime.fromISO('2027-03-22T06:00:00Z'));
    expect(chained.touches.filter((t) => intro(t) && t.source === 'handover:ivanova:sidorov')).toEqual([]);
    expect(ours(chained.warnings).some((w) => /sidorov has handed their clients over too since/.test(w.message))).toBe(true);
    // The director sends the notices from New York: at 05:00 in Moscow on 13 March it is still the 12th there — named, not lost.
    const west = { ...config, employees: config.employees.map((e) => (e.id === 'petrov' ? { ...e, timezone: 'America/New_York' } : e)) };
    const early = planTouches(configOf(west), NO_HISTORY, { from: '2027-03-13', to: '2027-03-31' }, DateTime.fromISO('2027-03-13T02:00:00Z'));
    expect(early.touches.filter(notice)).toEqual([]);
    expect(ours(early.warnings).map((w) => w.client)).toEqual(['stroymash']);
    // A plan of past days (saved, as `plan` does) does not put the never-planned notices on their past days.
    const past = planTouches(configOf(config), NO_HISTORY, { from: '2027-03-01', to: '2027-03-31' }, DateTime.fromISO('2027-03-22T06:00:00Z'));
    expect(past.touches.filter(notice)).toEqual([]);
    expect(ours(past.warnings).map((w) => w.client)).toEqual(['stroymash']);
  });

  it('a handover put off after a notice was done tells that contact again, by a new touch; a notice not done yet moves with its days, the same touch (QA: never told the new day)', () => {
    const config = sections('management');
    const notice = (t: Touch) => t.title.includes('hands over');
    const on = (day: string) => configOf({ ...config, handovers: [{ ...config.handovers[0]!, on: day }] });
    // Planned for 15 March: the buyer's notice done on its day, the CEO's not yet.
    const march = planTouches(on('2027-03-15'), NO_HISTORY, { from: '2027-03-01', to: '2027-03-31' }, NOW).touches;
    const buyer = march.find((t) => notice(t) && t.contacts[0] === 'stroymash-buyer1')!;
    const ceo = march.find((t) => notice(t) && t.contacts[0] === 'stroymash-ceo0')!;
    const doneBuyer = { touchId: buyer.id, series: buyer.series, status: 'done' as const, date: buyer.date, window: buyer.window };
    const history = makeHistory([doneBuyer], pinsOf(march));
    const today = DateTime.fromISO(`${buyer.date}T15:00:00Z`);
    // Put off to 15 April: the buyer is told again (a new touch, its own id), the CEO's notice moves (the same touch).
    const putOff = planTouches(on('2027-04-15'), history, { from: '2027-03-01', to: '2027-04-30' }, today).touches.filter(notice);
    const april = (t: Touch) => t.date >= '2027-04-12' && t.date <= '2027-04-14';
    expect(putOff.filter((t) => t.contacts[0] === 'stroymash-ceo0').map((t) => [t.id, t.status, april(t)])).toEqual([[ceo.id, 'planned', true]]);
    const toBuyer = putOff.filter((t) => t.contacts[0] === 'stroymash-buyer1');
    expect(toBuyer.map((t) => [t.id === buyer.id, t.status, t.date === buyer.date || april(t)])).toEqual([[true, 'done', true], [false, 'planned', true]]);
    const retold = toBuyer[1]!;
    expect(retold.series).toBe(buyer.series);
    // The same date again: no second notice, the one done stands.
    const same = planTouches(on('2027-03-15'), history, { from: '2027-03-01', to: '2027-04-30' }, today).touches.filter((t) => notice(t) && t.contacts[0] === 'stroymash-buyer1');
    expect(same.map((t) => [t.id, t.status])).toEqual([[buyer.id, 'done']]);
    // Told again and done, then put off once more (to 17 May): a third touch; the two done stay.
    const twice = makeHistory([doneBuyer, { touchId: retold.id, series: retold.series, status: 'done', date: retold.date, window: retold.window }], pinsOf([...march, retold]));
    const may = planTouches(on('2027-05-17'), twice, { from: '2027-03-01', to: '2027-05-31' }, DateTime.fromISO(`${retold.date}T15:00:00Z`)).touches
      .filter((t) => notice(t) && t.contacts[0] === 'stroymash-buyer1');
    expect(may.map((t) => t.status)).toEqual(['done', 'done', 'planned']);
    expect(new Set(may.map((t) => t.id)).size).toBe(3);
    expect(may[2]!.date >= '2027-05-13' && may[2]!.date <= '2027-05-14').toBe(true);
    // Back to 15 March after being told 15 April: told again (what they were told last counts, review).
    const back = planTouches(on('2027-03-15'), twice, { from: '2027-03-01', to: '2027-04-30' }, DateTime.fromISO(`${buyer.date}T15:00:00Z`).minus({ days: 3 })).touches
      .filter((t) => notice(t) && t.contacts[0] === 'stroymash-buyer1');
    expect(back.map((t) => t.status)).toEqual(['done', 'planned', 'done']);
    // Brought forward to 11 March once the buyer was told 15 March, the new letters' days past: a warning says so, no letter after the change (review: "came into the configuration after").
    const forward = planTouches(on('2027-03-11'), history, { from: '2027-03-11', to: '2027-04-30' }, DateTime.fromISO('2027-03-11T15:00:00Z'));
    expect(forward.touches.filter((t) => notice(t) && t.contacts[0] === 'stroymash-buyer1' && t.status === 'planned')).toEqual([]);
    expect(forward.warnings.filter((w) => w.source === 'handover:ivanova:sidorov').map((w) => w.message)).toEqual([
      expect.stringMatching(/^missed: the "your manager changes" letters to its contacts were due 2027-03-09 to 2027-03-10, after its contacts were told another day, the handover's date was brought forward to before them;/),
    ]);
    // The same 15 March, its notice days moved by a day off decreed since (12 March): no second letter (review).
    const decreed = configOf({ ...config, settings: { ...config.settings, calendar_changes: { RU: { off: ['2027-03-12'] } } } });
    const moved = planTouches(decreed, history, { from: '2027-03-01', to: '2027-04-30' }, today);
    expect(moved.touches.filter((t) => notice(t) && t.contacts[0] === 'stroymash-buyer1').map((t) => [t.id, t.status])).toEqual([[buyer.id, 'done']]);
  });

  it('a touch handed over keeps the day it would have without the handover where leaver and successor have other holidays (QA: Bucharest → Chișinău, 25 March moved to the 29th)', () => {
    const sections = {
      settings: { company: 'Agro', timezone: 'Europe/Chisinau', country: 'MD', hours: '09:00-18:00', horizon: '90 days' },
      employees: [
        employee('lungu', 'account_manager', { country: 'RO', timezone: 'Europe/Bucharest' }),
        employee('turcanu', 'account_manager', { country: 'MD', timezone: 'Europe/Chisinau' }),
        employee('ciobanu', 'sales_director', { country: 'MD', timezone: 'Europe/Chisinau' }),
      ],
      clients: Array.from({ length: 12 }, (_, i) => client(`somes${i}`, { country: 'RO', timezone: 'Europe/Bucharest', since: '2020-01-01', team: { account_manager: 'lungu' }, roles: ['buyer'] })),
      rules: [{ id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', duration: '30 minutes' }],
    };
    // Moldova's holidays of these months that Romania does not have (Lungu's calls can be on them, Țurcanu's cannot).
    const moldovaOnly = new Set(['2027-03-08', '2027-05-10', '2027-08-27', '2027-08-31']);
    for (const [on, month] of [['2027-03-15', '03'], ['2027-05-03', '05'], ['2027-08-16', '08']] as const) {
      const period = { from: `2027-${month}-01`, to: `2027-${month}-${month === '05' || month === '08' || month === '03' ? '31' : '30'}` };
      const days = (config: typeof sections & { handovers?: unknown[] }) => new Map(planTouches(configOf(config), NO_HISTORY, period, NOW).touches.filter((t) => t.source === 'rule:calls').map((t) => [t.id, [t.date, t.employee]]));
      const without = days(sections);
      const handedOver = days({ ...sections, handovers: [{ from: 'lungu', to: 'turcanu', on }] });
      // Every call keeps its day — before `on` Lungu's, from it Țurcanu's — unless that day is a holiday of its holder's (review: 5 of 12 moved in August, all in May).
      expect([...handedOver.keys()].sort(), on).toEqual([...without.keys()].sort());
      let kept = 0;
      for (const [id, [date, holder]] of handedOver) {
        const before = without.get(id)![0]!;
        expect(holder, `${on} ${id}`).toBe(date! < on ? 'lungu' : 'turcanu');
        if (before >= on && moldovaOnly.has(before)) expect(date, `${on} ${id}`).not.toBe(before);
        else {
          expect(date, `${on} ${id}`).toBe(before);
          kept++;
        }
      }
      expect(kept, on).toBeGreaterThan(6);
    }
  });

  it('a handover keeps the touch ids: the same touch changes hands, it is not a new one', () => {
    const withHandover = planTouches(configOf(sections('management')), NO_HISTORY, { from: '2027-04-01', to: '2027-06-30' }, NOW).touches;
    const plain = sections('management');
    plain.handovers = [];
    const without = planTouches(configOf(plain), NO_HISTORY, { from: '2027-04-01', to: '2027-06-30' }, NOW).touches;
    const ids = (list: typeof without) => list.filter((t) => t.client === 'stroymash').map((t) => t.id).sort();
    expect(ids(withHandover)).toEqual(ids(without));
  });
});

describe('greeting campaigns', () => {
  const sections = {
    ...SETTINGS,
    employees: [employee('am', 'account_manager'), employee('acc', 'chief_accountant'), employee('ro', 'account_manager', { country: 'RO', timezone: 'Europe/Bucharest' })],
    clients: [
      client('builder', { industry: 'construction', roles: ['ceo', 'chief_accountant'], team: { account_manager: 'am' } }),
      client('shop', { industry: 'retail', roles: ['ceo'], team: { account_manager: 'am' } }),
      client('bucuresti', { country: 'RO', timezone: 'Europe/Bucharest', roles: ['ceo'], team: { account_manager: 'ro' } }),
    ],
    holidays: [
      { id: 'builders-day', name: "Builder's Day", rule: '2nd sunday of august', countries: ['RU'], industries: ['construction'] },
      { id: 'accountants-day', name: "Accountant's Day", date: '11-21', countries: ['RU'] },
      { id: 'sysadmin-day', name: 'Sysadmin Day', rule: 'last friday of july' },
      { id: 'orthodox-easter', name: 'Пасха', rule: 'orthodox easter', countries: ['RU'] },
    ],
    campaigns: [
      { id: 'womens-day', on: '03-08', ours: 'account_manager', for: { country: 'RU' }, prepare: '7 days' },
      { id: 'new-year', on: '12-28', ours: 'account_manager' },
      { id: 'builders', holiday: 'builders-day', ours: 'account_manager' },
      { id: 'accountants', holiday: 'accountants-day', ours: 'chief_accountant', theirs: 'chief_accountant' },
      { id: 'sysadmin', holiday: 'sysadmin-day', ours: 'account_manager', theirs: 'ceo', per: 'client' },
      { id: 'ro-national', holiday: 'national-holiday', ours: 'account_manager', for: { country: 'RO' } },
      { id: 'easter', holiday: 'orthodox-easter', ours: 'account_manager', theirs: 'ceo', per: 'client' },
    ],
  };
  const year = () => planTouches(configOf(sections), NO_HISTORY, { from: '2027-01-01', to: '2027-12-31' }, NOW).touches;

  it('a greeting is due on the last working day on or before the holiday', () => {
    const t = year();
    const dates = (source: string) => [...new Set(t.filter((x) => x.source === `campaign:${source}`).map((x) => x.date))];
    // 8 March 2027 is a Monday and a Russian public holiday: Friday 5 March.
    expect(dates('womens-day')).toEqual(['2027-03-05']);
    // 28 December 2027 is a Tuesday, a working day: that day.
    expect(dates('new-year')).toEqual(['2027-12-28']);
    // Builder's Day, 2nd Sunday of August 2027 = 8 August: Friday 6 August.
    expect(dates('builders')).toEqual(['2027-08-06']);
    // Orthodox Easter, Sunday 2 May 2027, for the Russian clients only: Friday 30 April.
    expect(dates('easter')).toEqual(['2027-04-30']);
    expect(t.filter((x) => x.source === 'campaign:easter').map((x) => x.client).sort()).toEqual(['builder', 'shop']);
    // Accountant's Day, Sunday 21 November 2027: Friday 19 November.
    expect(dates('accountants')).toEqual(['2027-11-19']);
    // Sysadmin Day, last Friday of July 2027 = 30 July, a working day.
    expect(dates('sysadmin')).toEqual(['2027-07-30']);
    // Romania's national day, 1 December (a Wednesday, public holiday): Tuesday 30 November is St Andrew's, also a holiday: Monday 29.
    expect(dates('ro-national')).toEqual(['2027-11-29']);
  });

  it('a client is not greeted for a holiday before its since, as no rule touches it before then (QA 2026-12-06)', () => {
    const later = { ...sections, clients: [...sections.clients, client('newcomer', { roles: ['ceo'], since: '2027-03-15', team: { account_manager: 'am' } })] };
    const t = planTouches(configOf(later), NO_HISTORY, { from: '2027-01-01', to: '2027-12-31' }, NOW).touches.filter((x) => x.client === 'newcomer');
    // 8 March is before 15 March: no greeting; Easter's (2 May), 28 December's are.
    expect(t.filter((x) => x.source.startsWith('campaign:')).map((x) => `${x.source} ${x.date}`).sort()).toEqual(['campaign:easter 2027-04-30', 'campaign:new-year 2027-12-28', 'campaign:sysadmin 2027-07-30']);
    // Ours from Thursday 4 March: 8 March's greeting is due on Friday 5 (review 2026-12-06); ours from Saturday 6, no working day is left before
    // the holiday (Monday 8 is one in Russia): no greeting, rather than one stepped back before the client was ours.
    const justBefore = { ...sections, clients: [client('justbefore', { roles: ['ceo'], since: '2027-03-04', team: { account_manager: 'am' } })] };
    const womens = planTouches(configOf(justBefore), NO_HISTORY, { from: '2027-01-01', to: '2027-12-31' }, NOW).touches.filter((x) => x.source === 'campaign:womens-day');
    expect(womens.map((x) => x.date)).toEqual(['2027-03-05']);
    const weekend = { ...sections, clients: [client('weekend', { roles: ['ceo'], since: '2027-03-06', team: { account_manager: 'am' } })] };
    const greeted = planTouches(configOf(weekend), NO_HISTORY, { from: '2027-01-01', to: '2027-12-31' }, NOW).touches.filter((x) => x.source === 'campaign:womens-day');
    expect(greeted).toEqual([]);
  });

  it('a greeting first planned when no working day is left before its holiday goes on its belated day; none once that is past (QA: silently not planned)', () => {
    // Per contact: the builder's two, the shop's one.
    const greetings = (now: string, from: string) => planTouches(configOf(sections), NO_HISTORY, { from, to: '2027-03-31' }, DateTime.fromISO(now)).touches
      .filter((x) => x.source === 'campaign:womens-day').map((x) => `${x.client} ${x.date}`).sort();
    // Friday 5 March was the day; on Saturday 6, Sunday 7 and on the holiday (Monday 8): Tuesday 9.
    for (const now of ['2027-03-06T10:00:00+03:00', '2027-03-07T10:00:00+03:00', '2027-03-08T10:00:00+03:00']) {
      expect(greetings(now, now.slice(0, 10)), now).toEqual(['builder 2027-03-09', 'builder 2027-03-09', 'shop 2027-03-09']);
    }
    // On the belated day itself, though the holiday is before the plan's first day.
    expect(greetings('2027-03-09T10:00:00+03:00', '2027-03-09')).toEqual(['builder 2027-03-09', 'builder 2027-03-09', 'shop 2027-03-09']);
    // The day after it: a greeting a week late is none.
    expect(greetings('2027-03-10T10:00:00+03:00', '2027-03-10')).toEqual([]);
    // On Friday, the day itself, as always.
    expect(greetings('2027-03-05T10:00:00+03:00', '2027-03-05')).toEqual(['builder 2027-03-05', 'builder 2027-03-05', 'shop 2027-03-05']);
    // A client ours only from the Saturday before is not greeted, whichever day it is planned on (review).
    const weekend = configOf({ ...sections, clients: [client('weekend', { roles: ['ceo'], since: '2027-03-06', team: { account_manager: 'am' } })] });
    for (const now of ['2027-03-06T10:00:00+03:00', '2027-03-07T10:00:00+03:00', '2027-03-09T10:00:00+03:00']) {
      expect(planTouches(weekend, NO_HISTORY, { from: now.slice(0, 10), to: '2027-03-31' }, DateTime.fromISO(now)).touches.filter((x) => x.source === 'campaign:womens-day'), now).toEqual([]);
    }
  });

  it('a belated greeting of 31 December is still the plan\'s in January, on its day after the New Year holidays (review: cancelled by the first plan of January)', () => {
    // 31 December 2028 is a Sunday; 1–8 January are days off in Russia: the belated day is Tuesday 9 January 2029.
    const newYear = configOf({ ...sections, campaigns: [{ id: 'eve', on: '12-31', ours: 'account_manager', theirs: 'ceo', per: 'client' }] });
    const eve = (now: string) => planTouches(newYear, NO_HISTORY, { from: now.slice(0, 10), to: '2029-01-31' }, DateTime.fromISO(now)).touches
      .filter((x) => x.source === 'campaign:eve').map((x) => `${x.client} ${x.date}`).sort();
    // Bucharest's is Wednesday 3 January (1–2 January are Romania's days off), and none once that is past.
    expect(eve('2028-12-30T10:00:00+03:00')).toEqual(['bucuresti 2029-01-03', 'builder 2029-01-09', 'shop 2029-01-09']);
    expect(eve('2029-01-02T10:00:00+03:00')).toEqual(['bucuresti 2029-01-03', 'builder 2029-01-09', 'shop 2029-01-09']);
    expect(eve('2029-01-09T10:00:00+03:00')).toEqual(['builder 2029-01-09', 'shop 2029-01-09']);
  });

  it('a professional holiday\'s industries take a client\'s industry in any case (a CRM\'s "Construction"; QA: not greeted, silently)', () => {
    const capital = { ...sections, clients: [client('builder2', { industry: 'Construction ', roles: ['ceo'], team: { account_manager: 'am' } })] };
    const t = planTouches(configOf(capital), NO_HISTORY, { from: '2027-08-01', to: '2027-08-31' }, NOW).touches;
    expect(t.filter((x) => x.source === 'campaign:builders').map((x) => `${x.client} ${x.date}`)).toEqual(['builder2 2027-08-06']);
  });

  it('professional holidays reach only the countries and industries they name; campaigns go per contact unless per: client', () => {
    const t = year();
    expect(t.filter((x) => x.source === 'campaign:builders').map((x) => x.client)).toEqual(['builder', 'builder']);
    expect(t.filter((x) => x.source === 'campaign:accountants').map((x) => x.contacts)).toEqual([['builder-chief-accountant1']]);
    expect(t.filter((x) => x.source === 'campaign:accountants')[0]!.employee).toBe('acc');
    expect(t.filter((x) => x.source === 'campaign:sysadmin')).toHaveLength(3);
    expect(t.filter((x) => x.source === 'campaign:womens-day').every((x) => x.client !== 'bucuresti')).toBe(true);
    expect(t.filter((x) => x.source === 'campaign:new-year')).toHaveLength(4);
  });

  it('greetings are all-day with the preparation reminder, and carry the holiday in the title', () => {
    const t = year().filter((x) => x.source === 'campaign:womens-day');
    for (const g of t) {
      expect(g.allDay).toBe(true);
      expect(g.end).toBe('2027-03-06');
      expect(g.remind).toContain(7 * 1440);
    }
    expect(year().find((x) => x.source === 'campaign:builders')!.title).toContain("Builder's Day");
  });
});

describe('a handover under a recorded plan with chained check-ins', () => {
  it('keeps a check-in changing hands on its hour: a new call of the successor goes around it, not the other way (review)', () => {
    const CHECKIN = { id: 'checkin', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '3 weeks', anchor: 'last' };
    const MONTHLY = { id: 'monthly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month' };
    const base = (more: object[] = [], handovers: object[] = []) => ({
      ...SETTINGS,
      employees: [employee('ivanova', 'account_manager'), employee('sidorov', 'account_manager', { meetings_per_day: 1 })],
      clients: [client('stroymash', { roles: ['buyer'], team: { account_manager: 'ivanova' }, since: '2026-11-16' }), ...more],
      rules: [CHECKIN, MONTHLY],
      handovers,
    });
    const window = { from: '2026-12-01', to: '2027-06-30' };
    const recorded = planTouches(configOf(base()), NO_HISTORY, window, NOW).touches;
    // Those alone on their day (the successor makes one call a day), before the first that is not
    // (which moves, and the chain's later ones with it).
    const alone = (t: Touch) => !recorded.some((o) => o !== t && o.date === t.date);
    const handed = recorded.filter((t) => t.source === 'rule:checkin' && t.date >= '2027-03-15');
    const checkins = handed.slice(0, handed.findIndex((t) => !alone(t)) >>> 0);
    expect(checkins.length).toBeGreaterThan(1);
    // A new client of the successor's whose monthly call falls, on its own, on a check-in's day.
    const newcomer = Array.from({ length: 400 }, (_, i) => client(`n${i}`, { roles: ['buyer'], team: { account_manager: 'sidorov' }, since: '2026-11-16' }))
      .find((c) => planTouches(configOf(base([c])), NO_HISTORY, window, NOW).touches
        .some((t) => t.client === c.id && t.source === 'rule:monthly' && checkins.some((k) => k.date === t.date)))!;
    expect(newcomer).toBeDefined();
    const handedOver = planTouches(configOf(base([newcomer], [{ from: 'ivanova', to: 'sidorov', on: '2027-03-15', notice_from: 'leaving' }])),
      makeHistory([], pinsOf(recorded)), window, NOW).touches;
    for (const k of checkins) expect(handedOver.find((t) => t.id === k.id), k.id).toMatchObject({ employee: 'sidorov', date: k.date, start: k.start });
  });
});
