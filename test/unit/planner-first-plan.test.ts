import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { planTouches } from '../../src/planner/plan.ts';
import { NO_HISTORY, makeHistory, pinsOf } from '../../src/planner/history.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { SETTINGS, client, configOf, employee } from '../helpers/config-folder.ts';
import type { Touch } from '../../src/domain/types.ts';

const NOW = DateTime.fromISO('2026-12-01T08:00:00Z');
const WINDOW = { from: '2026-12-01', to: '2027-11-30' };

/** What a touch is, as a calendar would see it. */
const shape = (t: Touch) => `${t.id} ${t.employee} ${t.date} ${t.start} ${t.end} ${t.title}`;

/** Plans from nothing, records the placements as storage does, and plans again. */
function firstAndSecond(config: Parameters<typeof planTouches>[0], window = WINDOW) {
  const first = planTouches(config, NO_HISTORY, window, NOW).touches;
  const second = planTouches(config, makeHistory([], pinsOf(first)), window, NOW).touches;
  return { first, second };
}

describe('the first plan is the plan', () => {
  it('on the example company, planning again over the recorded plan changes nothing', () => {
    const { first, second } = firstAndSecond(loadConfig('config'));
    expect(second.map(shape)).toEqual(first.map(shape));
  });

  it('with handovers on any day and busy employees, the plan from nothing equals the plan over it, and nothing from `on` stays with the leaver', () => {
    fc.assert(fc.property(
      fc.record({
        on: fc.integer({ min: 0, max: 300 }),
        cap: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        clients: fc.integer({ min: 1, max: 6 }),
        every: fc.constantFrom('1 month', '2 weeks', '3 months', '10 days'),
        anchor: fc.constantFrom('calendar', 'last'),
        kind: fc.constantFrom('meeting', 'call', 'letter'),
        chain: fc.boolean(),
      }),
      (p) => {
        const on = DateTime.fromISO(WINDOW.from).plus({ days: p.on }).toISODate()!;
        const later = DateTime.fromISO(on).plus({ days: 40 }).toISODate()!;
        const sections = {
          ...SETTINGS,
          employees: [
            employee('ivanova', 'account_manager', p.cap ? { meetings_per_day: p.cap } : {}),
            employee('sidorov', 'account_manager', { country: 'RO', timezone: 'Europe/Bucharest', ...(p.cap ? { meetings_per_day: p.cap } : {}) }),
            employee('kuznetsova', 'account_manager'),
            employee('petrov', 'sales_director'),
          ],
          clients: Array.from({ length: p.clients }, (_, i) => client(`c${i}`, { roles: ['ceo', 'buyer'], since: '2024-01-15', team: { account_manager: i % 3 === 2 ? 'kuznetsova' : 'ivanova' } })),
          rules: [{ id: 'r', ours: 'account_manager', theirs: 'buyer', kind: p.kind, every: p.every, anchor: p.anchor }],
          handovers: [
            { from: 'ivanova', to: 'sidorov', on, notice_from: 'management' },
            ...(p.chain ? [{ from: 'sidorov', to: 'kuznetsova', on: later, notice_from: 'leaving' }] : []),
          ],
        };
        const { first, second } = firstAndSecond(configOf(sections));
        expect(second.map(shape)).toEqual(first.map(shape));
        for (const t of first) {
          if (t.source !== 'rule:r' || Number(t.client.slice(1)) % 3 === 2) continue; // kuznetsova's own clients
          if (t.date >= on) expect(t.employee, `${t.date} on ${on}`).not.toBe('ivanova');
          if (p.chain && t.date >= later) expect(t.employee, `${t.date} on ${later}`).not.toBe('sidorov');
          if (t.date < on) expect(t.employee, `${t.date} before ${on}`).toBe('ivanova');
        }
      },
    ), { numRuns: 60, seed: 20261201 });
  });
});

describe('an old client\'s first chained touch, late, with no time to place it', () => {
  it('is warned about with the days it was tried on (from today), not the days it was due years ago', () => {
    // Vladivostok 09:00–18:00 and Bucharest 10:00–16:00 share no hour in winter.
    const config = configOf({
      ...SETTINGS,
      employees: [employee('am', 'account_manager', { timezone: 'Asia/Vladivostok' })],
      clients: [{ ...client('buc', { roles: ['buyer'], country: 'RO', timezone: 'Europe/Bucharest', since: '2020-01-01' }), hours: '10:00-16:00' }],
      rules: [{ id: 'checkin', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '6 weeks', anchor: 'last' }],
    });
    const { warnings } = planTouches(config, NO_HISTORY, { from: '2026-12-01', to: '2027-01-31' }, NOW);
    expect(warnings.map((w) => w.message)).toEqual(['no working day with free time for am between 2026-12-01 and 2027-01-05']);
    expect(warnings[0]!.window.from < '2020-03-01').toBe(true);
  });
});
