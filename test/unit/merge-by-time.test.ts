import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Touch } from '../../src/domain/types.ts';
import { mergeByTime, sortTouches } from '../../src/storage/touch-repository.ts';

/**
 * `plan` writes a plan read back from storage as it reads it, and places the workflows' touches
 * among them (mergeByTime): the order must be the one sorting all of them together gives
 * (sortTouches, the plan's own first among equals).
 */

const day = fc.constantFrom('2027-03-01', '2027-03-02', '2027-03-03');
const slot = fc.option(fc.constantFrom('09:00', '09:30', '14:00'), { nil: undefined });

function touch(id: string, date: string, time: string | undefined): Touch {
  return {
    id, source: 'rule:calls', series: 'rule:calls|alpha', kind: 'call', client: 'alpha', contacts: [], employee: 'anna', date,
    start: time ? `${date}T${time}:00.000+03:00` : date, end: time ? `${date}T${time}:00.000+03:00` : date, allDay: !time, title: id,
    window: { from: date, to: date }, remind: [], status: 'planned', overdue: false,
  };
}

const touches = (prefix: string) => fc.array(fc.tuple(day, slot), { maxLength: 12 }).map((list) => list.map(([d, t], i) => touch(`${prefix}${i}`, d, t)));

describe('mergeByTime', () => {
  it('gives the order of sortTouches over the plan and the others together', () => {
    fc.assert(fc.property(touches('p'), touches('w'), (plan, others) => {
      const sortedPlan = sortTouches([...plan]);
      const merged = [...mergeByTime(sortedPlan, sortTouches([...others]))].map((t) => t.id);
      expect(merged).toEqual(sortTouches([...sortedPlan, ...others]).map((t) => t.id));
    }), { numRuns: 300 });
  });
});
