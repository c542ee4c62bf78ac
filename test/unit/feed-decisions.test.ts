import { describe, expect, it } from 'vitest';
import { decideFeedChanges, feedEventKey, type StoredFeedEvent } from '../../src/storage/feed-decisions.ts';
import type { FeedWant } from '../../src/storage/feed-repository.ts';

const want = (employeeId: string, key: string, date: string, hash = 'h'): FeedWant => ({ employeeId, key, date, hash, payload: '{}' });
const stored = (rows: [string, string, StoredFeedEvent][]) => new Map(rows.map(([e, k, row]) => [feedEventKey(e, k), row]));
const live = (date: string, hash = 'h'): StoredFeedEvent => ({ sequence: 0, status: 'confirmed', hash, date });

describe('what a sync writes into the feeds', () => {
  it('cancels what nobody wants any more from `from` on, and leaves the history before it', () => {
    const d = decideFeedChanges(stored([
      ['anna', 'gone-now', live('2027-03-20')],
      ['anna', 'past', live('2027-02-01')],
      ['anna', 'kept', live('2027-03-21')],
    ]), [want('anna', 'kept', '2027-03-21')], new Set(['anna']), '2027-03-08');
    expect(d.cancels).toEqual([{ employee: 'anna', key: 'gone-now' }]);
    expect(d.inserts).toEqual([]);
    expect(d.updates).toEqual([]);
  });

  it('cancels an event of any day in the feed it left when another feed has it now (a late touch given to a successor after a long pause)', () => {
    // Anna's call of 1 February, never done; no sync ran for three weeks; the morning check moved
    // it forward to 22 February, to Oleg (Anna left). Her feed must not keep it live beside his.
    const d = decideFeedChanges(stored([['anna', 'call-1', live('2027-02-01')]]), [want('oleg', 'call-1', '2027-02-22')], new Set(['anna', 'oleg']), '2027-02-15');
    expect(d.cancels).toEqual([{ employee: 'anna', key: 'call-1' }]);
    expect(d.inserts.map((w) => [w.employeeId, w.key])).toEqual([['oleg', 'call-1']]);
    expect(d.changes).toEqual([{ op: 'create', employeeId: 'oleg', key: 'call-1' }, { op: 'delete', employeeId: 'anna', key: 'call-1' }]);
  });

  it('gives a changed or revived event the next SEQUENCE and leaves an unchanged one alone', () => {
    const d = decideFeedChanges(stored([
      ['anna', 'changed', live('2027-03-20', 'old')],
      ['anna', 'revived', { sequence: 3, status: 'cancelled', hash: 'h', date: '2027-03-20' }],
      ['anna', 'same', live('2027-03-20')],
    ]), [want('anna', 'changed', '2027-03-20', 'new'), want('anna', 'revived', '2027-03-20'), want('anna', 'same', '2027-03-20')], new Set(['anna']), '2027-03-08');
    expect(d.updates.map((u) => [u.want.key, u.sequence])).toEqual([['changed', 1], ['revived', 4]]);
    expect(d.changes.map((c) => c.op)).toEqual(['update', 'create']);
    expect(d.cancels).toEqual([]);
  });
});
