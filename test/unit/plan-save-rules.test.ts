import { describe, expect, it } from 'vitest';
import type { Touch } from '../../src/domain/types.ts';
import { keepingMoves } from '../../src/storage/plan-save-rules.ts';

/** A call the plan puts on 2 March at 10:00 Moscow time. */
const planned: Touch = {
  id: 't1', source: 'rule:calls', series: 'rule:calls|acme|acme-buyer0', kind: 'call', client: 'acme', contacts: ['acme-buyer0'], employee: 'anna',
  date: '2027-03-02', start: '2027-03-02T10:00:00.000+03:00', end: '2027-03-02T10:30:00.000+03:00', allDay: false, title: 'Call',
  window: { from: '2027-03-01', to: '2027-03-31' }, remind: [15], status: 'planned', overdue: false,
};
const stored = (o: Partial<{ date: string; start: string; end: string; allDay: boolean; fixed: boolean; employee: string }>) => ({
  date: planned.date, start: planned.start, end: planned.end, allDay: false, fixed: true, employee: planned.employee, ...o,
});

describe('keepingMoves: a plan saved over a touch moved since its history was read', () => {
  it('keeps the stored day and time of a touch moved by its employee (or forward as overdue) that the plan would put elsewhere', () => {
    const snoozed = stored({ date: '2027-03-09', start: '2027-03-09T10:00:00.000+03:00', end: '2027-03-09T10:30:00.000+03:00' });
    expect(keepingMoves(planned, snoozed)).toMatchObject({ date: '2027-03-09', start: snoozed.start, end: snoozed.end, allDay: false, title: 'Call' });
    const later = stored({ start: '2027-03-02T15:00:00.000+03:00', end: '2027-03-02T16:00:00.000+03:00' });
    expect(keepingMoves(planned, later)).toMatchObject({ date: planned.date, start: later.start, end: later.end });
    const allDay = stored({ date: '2027-03-05', start: '2027-03-05', end: '2027-03-06', allDay: true });
    expect(keepingMoves(planned, allDay)).toMatchObject({ date: '2027-03-05', allDay: true });
  });

  it('leaves the plan\'s touch as it is where nothing was moved, or the plan keeps the same moment in its own form', () => {
    expect(keepingMoves(planned, stored({ fixed: false, date: '2027-03-09' }))).toBe(planned);
    expect(keepingMoves(planned, stored({}))).toBe(planned);
    // Handed to someone in Chișinău: the same instant written in their zone.
    expect(keepingMoves({ ...planned, start: '2027-03-02T09:00:00.000+02:00', end: '2027-03-02T09:30:00.000+02:00' }, stored({}))).toMatchObject({ start: '2027-03-02T09:00:00.000+02:00' });
    // Its rule turned it into a letter (all-day) on the day it was kept.
    const letter = { ...planned, kind: 'letter' as const, allDay: true, start: '2027-03-02', end: '2027-03-03' };
    expect(keepingMoves(letter, stored({}))).toBe(letter);
    // Changing hands (a handover): the plan put it where the new holder is free, not at the leaver's moved time.
    expect(keepingMoves(planned, stored({ employee: 'marina', start: '2027-03-02T16:00:00.000+03:00', end: '2027-03-02T16:30:00.000+03:00' }))).toBe(planned);
  });
});
