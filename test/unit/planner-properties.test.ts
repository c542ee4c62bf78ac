import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import Holidays from 'date-holidays';
import { planTouches } from '../../src/planner/plan.ts';
import { NO_HISTORY } from '../../src/planner/history.ts';
import { SETTINGS, client, configOf, employee } from '../helpers/config-folder.ts';

const PLACES: [string, string][] = [['RU', 'Europe/Moscow'], ['RO', 'Europe/Bucharest'], ['MD', 'Europe/Chisinau'], ['DE', 'Europe/Berlin'], ['US', 'America/New_York']];
const publicDays = new Map<string, Set<string>>();
function isPublicHoliday(country: string, date: string): boolean {
  if (!publicDays.has(country)) {
    const days = new Set<string>();
    for (const h of new Holidays(country).getHolidays(2027)) {
      if (h.type !== 'public') continue;
      const n = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / 86_400_000));
      for (let i = 0; i < n; i++) days.add(DateTime.fromISO(h.date.slice(0, 10)).plus({ days: i }).toISODate()!);
    }
    publicDays.set(country, days);
  }
  return publicDays.get(country)!.has(date);
}

describe('planner properties over random programmes', () => {
  it('one touch per calendar period and unit, always on a working day of both countries, inside the period', () => {
    fc.assert(fc.property(
      fc.constantFrom('1 week', '2 weeks', '1 month', '2 months', '3 months', '6 months'),
      fc.constantFrom('meeting', 'call', 'letter', 'feedback'),
      fc.constantFrom('client', 'contact'),
      fc.integer({ min: 0, max: PLACES.length - 1 }),
      fc.integer({ min: 0, max: PLACES.length - 1 }),
      fc.integer({ min: 1, max: 4 }),
      (every, kind, per, employeePlace, clientPlace, buyers) => {
        const [ec, ez] = PLACES[employeePlace]!;
        const [cc, cz] = PLACES[clientPlace]!;
        // Moscow and New York share under an hour in winter: keep timed pairs that can meet.
        fc.pre(!(['meeting', 'call'].includes(kind) && ((ec === 'US') !== (cc === 'US'))));
        const config = configOf({
          ...SETTINGS,
          employees: [employee('e', 'account_manager', { country: ec, timezone: ez })],
          clients: [client('c', { country: cc, timezone: cz, roles: Array.from({ length: buyers }, () => 'buyer') })],
          rules: [{ id: 'r', ours: 'account_manager', theirs: 'buyer', kind, every, per }],
        });
        const { touches, warnings } = planTouches(config, NO_HISTORY, { from: '2027-01-01', to: '2027-12-31' }, DateTime.fromISO('2026-12-01T00:00:00Z'));
        // A touch is left unplanned only when its period has no working day at all
        // (a week of Russian New Year holidays, say).
        for (const w of warnings) {
          for (let d = DateTime.fromISO(w.window.from); d.toISODate()! <= w.window.to; d = d.plus({ days: 1 })) {
            const working = d.weekday <= 5 && !isPublicHoliday(ec, d.toISODate()!) && !isPublicHoliday(cc, d.toISODate()!);
            expect(working, `${d.toISODate()} in ${w.window.from}..${w.window.to}`).toBe(false);
          }
        }
        const seen = new Set<string>();
        for (const t of touches) {
          const key = `${t.contacts.join()}|${t.window.from}`;
          expect(seen.has(key)).toBe(false);
          seen.add(key);
          expect(t.date >= t.window.from && t.date <= t.window.to).toBe(true);
          expect(DateTime.fromISO(t.date).weekday).toBeLessThanOrEqual(5);
          expect(isPublicHoliday(ec, t.date) || isPublicHoliday(cc, t.date)).toBe(false);
        }
        // Every period wholly inside the year has a touch for each unit (edge periods may
        // have theirs outside the window).
        const units = per === 'client' ? 1 : buyers;
        const inside = touches.filter((t) => t.window.from >= '2027-01-01' && t.window.to <= '2027-12-31');
        const perPeriod = new Map<string, number>();
        for (const t of inside) perPeriod.set(t.window.from, (perPeriod.get(t.window.from) ?? 0) + 1);
        for (const n of perPeriod.values()) expect(n).toBe(units);
        expect(perPeriod.size).toBeGreaterThanOrEqual(every.includes('week') ? 24 : Math.floor(12 / Number(every[0])));
        expect(inside.length + warnings.filter((w) => w.window.from >= '2027-01-01' && w.window.to <= '2027-12-31').length)
          .toBe(units * (perPeriod.size + new Set(warnings.map((w) => w.window.from)).size));
      },
    ), { numRuns: 40, seed: 20261123 });
  });
});
