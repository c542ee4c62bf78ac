import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Config, Employee } from '../../src/domain/types.ts';
import { todayIn } from '../../src/sync/desired-state.ts';
import { countedList } from '../helpers/counted-list.ts';

const employee = (id: string, timezone: string) => ({ id, timezone }) as unknown as Employee;
const company = (employees: Employee[]) => ({ employees, settings: { timezone: 'Europe/Bucharest' } }) as unknown as Config;

describe('todayIn (what is overdue is counted on each employee\'s calendar)', () => {
  it('gives each employee the day in their own zone, and the company\'s to someone unknown', () => {
    // 21:30 UTC: already the 15th in Moscow, still the 14th in Chișinău and Bucharest.
    const today = todayIn(company([employee('ivanova', 'Europe/Moscow'), employee('rusu', 'Europe/Chisinau')]), DateTime.fromISO('2026-12-14T21:30:00Z'));
    expect(today('ivanova')).toBe('2026-12-15');
    expect(today('rusu')).toBe('2026-12-14');
    expect(today('left-last-year')).toBe('2026-12-14');
  });

  it('reads the employees once however many calendars it is made for (a sync makes it once per employee)', () => {
    const { list, reads } = countedList(Array.from({ length: 2_000 }, (_, i) => employee(`e${i}`, i % 2 ? 'Europe/Moscow' : 'Europe/Chisinau')));
    const config = company(list);
    const now = DateTime.fromISO('2026-12-14T21:30:00Z');
    for (const e of list) expect(todayIn(config, now)(e.id)).toBe(e.timezone === 'Europe/Moscow' ? '2026-12-15' : '2026-12-14');
    expect(reads()).toBe(1);
  });
});
