import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { planTouches } from '../../src/planner/plan.ts';
import { NO_HISTORY, makeHistory, pinsOf } from '../../src/planner/history.ts';
import type { Touch } from '../../src/domain/types.ts';
import { SETTINGS, client, configOf, employee } from '../helpers/config-folder.ts';
import { holdersOf } from '../../src/plan-service.ts';

const NOW = DateTime.fromISO('2026-12-01T08:00:00Z');
const YEAR = { from: '2027-01-01', to: '2027-12-31' };

const recordedPlan = (touches: readonly Touch[]) => makeHistory([], pinsOf(touches));

const sections = (extraBuyer: boolean) => ({
  ...SETTINGS,
  employees: [employee('am', 'account_manager', { meetings_per_day: 2 })],
  clients: Array.from({ length: 20 }, (_, i) => client(`c${i}`, { roles: i === 7 && extraBuyer ? ['buyer', 'buyer', 'ceo'] : ['buyer', 'ceo'] })),
  rules: [
    { id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month' },
    { id: 'meet', ours: 'account_manager', theirs: 'ceo', kind: 'meeting', every: '3 months' },
  ],
});

describe('re-planning one changed client', () => {
  it('gives that client the touches a full re-plan would, keeps the cap, and leaves the others alone', () => {
    const before = planTouches(configOf(sections(false)), NO_HISTORY, YEAR, NOW).touches;
    const history = recordedPlan(before);
    const changed = configOf(sections(true));
    const full = planTouches(changed, history, YEAR, NOW).touches;
    const partial = planTouches(changed, history, YEAR, NOW, { onlyClients: new Set(['c7']) }).touches;
    expect(partial.every((t) => t.client === 'c7')).toBe(true);
    expect(partial.length).toBe(before.filter((t) => t.client === 'c7').length + 12);
    expect(partial).toEqual(full.filter((t) => t.client === 'c7'));
    // With everyone else's recorded meetings in the way, the employee's days stay within the cap.
    const perDay = new Map<string, number>();
    for (const t of [...before.filter((t) => t.client !== 'c7'), ...partial]) if (!t.allDay) perDay.set(t.date, (perDay.get(t.date) ?? 0) + 1);
    expect(Math.max(...perDay.values())).toBeLessThanOrEqual(2);
  });

  it('without the other clients\' recorded meetings in the way, the cap would be broken (the test can fail)', () => {
    const before = planTouches(configOf(sections(false)), NO_HISTORY, YEAR, NOW).touches;
    const changed = configOf(sections(true));
    const blind = planTouches(changed, NO_HISTORY, YEAR, NOW, { onlyClients: new Set(['c7']) }).touches;
    const perDay = new Map<string, number>();
    for (const t of [...before.filter((t) => t.client !== 'c7'), ...blind]) if (!t.allDay) perDay.set(t.date, (perDay.get(t.date) ?? 0) + 1);
    expect(Math.max(...perDay.values())).toBeGreaterThan(2);
  });

  it('needs of the others\' bookings only those of the people who can hold the changed client\'s touches (its team, and their successors)', () => {
    const twoTeams = (extraBuyer: boolean) => ({
      ...sections(extraBuyer),
      employees: [
        employee('am', 'account_manager', { meetings_per_day: 2 }), employee('am2', 'account_manager', { meetings_per_day: 2 }),
        employee('next', 'account_manager', { meetings_per_day: 2 }), employee('last', 'account_manager', { meetings_per_day: 2 }),
      ],
      clients: Array.from({ length: 20 }, (_, i) => client(`c${i}`, {
        roles: i === 7 && extraBuyer ? ['buyer', 'buyer', 'ceo'] : ['buyer', 'ceo'], team: { account_manager: i < 10 ? 'am' : 'am2' },
      })),
      // Two hops: am's clients go to next in March, then to last in June.
      handovers: [{ from: 'am', to: 'next', on: '2027-03-01', notice_from: 'leaving' }, { from: 'next', to: 'last', on: '2027-06-01', notice_from: 'leaving' }],
    });
    const before = planTouches(configOf(twoTeams(false)), NO_HISTORY, YEAR, NOW).touches;
    const changed = configOf(twoTeams(true));
    const holders = holdersOf(changed, ['c7']);
    expect(holders.sort()).toEqual(['am', 'last', 'next']);
    const full = planTouches(changed, recordedPlan(before), YEAR, NOW).touches;
    const narrowed = recordedPlan(before.filter((t) => t.client === 'c7' || holders.includes(t.employee)));
    const partial = planTouches(changed, narrowed, YEAR, NOW, { onlyClients: new Set(['c7']) }).touches;
    expect(partial).toEqual(full.filter((t) => t.client === 'c7'));
    // Without the successors' bookings the same plan breaks their cap (the narrowing is not too narrow by luck).
    const teamOnly = recordedPlan(before.filter((t) => t.client === 'c7' || t.employee === 'am'));
    expect(planTouches(changed, teamOnly, YEAR, NOW, { onlyClients: new Set(['c7']) }).touches).not.toEqual(full.filter((t) => t.client === 'c7'));
  });
});
