import { describe, expect, it } from 'vitest';
import { afterRead, eventKeyOf, generationOf, needsWork, nextStep, type SyncState } from '../../src/domain/sync-state.ts';

const state = (s: Partial<SyncState>): SyncState => ({
  desired: 'present', desiredHash: 'h1', remote: 'none', remoteHash: null, inflight: null, failedHash: null, ...s,
});

describe('what to do next for a touch in a calendar', () => {
  it.each([
    ['a write in flight is read back before anything else', state({ inflight: 'create' }), 'read'],
    ['even when the plan no longer wants the event: an unknown outcome is settled first', state({ desired: 'absent', desiredHash: null, remote: 'present', inflight: 'update' }), 'read'],
    ['wanted and never confirmed: create', state({}), 'create'],
    ['wanted and our delete confirmed: create (again)', state({ remote: 'gone' }), 'create'],
    ['wanted again after the employee deleted it (the touch was reopened): create', state({ remote: 'deleted_by_user' }), 'create'],
    ['wanted and there with the same content: nothing', state({ remote: 'present', remoteHash: 'h1' }), 'none'],
    ['wanted and there with other content: update', state({ remote: 'present', remoteHash: 'h0' }), 'update'],
    ['there with unknown content (a move made while the text changed): update', state({ remote: 'present', remoteHash: null }), 'update'],
    ['not wanted and there: delete', state({ desired: 'absent', desiredHash: null, remote: 'present', remoteHash: 'h1' }), 'delete'],
    ['not wanted and never there: nothing (an abandoned intent is simply never sent)', state({ desired: 'absent', desiredHash: null }), 'none'],
    ['not wanted and already deleted by us: nothing', state({ desired: 'absent', desiredHash: null, remote: 'gone' }), 'none'],
    ['not wanted and deleted by the employee: nothing', state({ desired: 'absent', desiredHash: null, remote: 'deleted_by_user' }), 'none'],
    ['content the calendar refused as invalid is not sent again', state({ failedHash: 'h1' }), 'none'],
    ['…until the content changes', state({ failedHash: 'h0' }), 'create'],
    ['an update refused as invalid waits too', state({ remote: 'present', remoteHash: 'h0', failedHash: 'h1' }), 'none'],
  ] as const)('%s', (_title, s, step) => {
    expect(nextStep(s)).toBe(step);
    expect(needsWork(s)).toBe(step !== 'none');
  });
});

describe('what a successful read means, given what was in flight', () => {
  it.each([
    ['a live event is there, whatever was in flight', 'create', 'live', 'present', 'present', false],
    ['our delete in flight, event gone: ours, not the employee\'s', 'delete', 'cancelled', 'present', 'gone', false],
    ['our delete in flight, event forgotten (404): ours', 'delete', 'absent', 'present', 'gone', false],
    ['our create in flight, no such event: the create never happened', 'create', 'absent', 'present', 'none', false],
    ['our create in flight, the id deleted: maybe an earlier event of ours under that id (QA), so no decision of theirs: sent again', 'create', 'cancelled', 'present', 'none', false],
    ['our update in flight, event deleted: an update cannot delete, so the employee did', 'update', 'cancelled', 'present', 'deleted_by_user', true],
    ['our update in flight, event forgotten (Graph 404): the employee deleted it', 'update', 'absent', 'present', 'deleted_by_user', true],
    ['nothing in flight, a confirmed event deleted: the employee did', null, 'cancelled', 'present', 'deleted_by_user', true],
    ['nothing in flight, but no longer wanted there: simply gone (nothing to record)', null, 'cancelled', 'absent', 'gone', false],
    ['our update in flight, no longer wanted there, deleted: gone', 'update', 'absent', 'absent', 'gone', false],
  ] as const)('%s', (_title, inflight, read, desired, remote, byUser) => {
    const settled = afterRead(inflight, read === 'live' ? { kind: 'live', hash: 'h' } : { kind: read }, desired);
    expect(settled).toEqual({ remote, deletedByUser: byUser });
  });
});

describe('event keys', () => {
  it('the first generation is the touch id without dashes (a valid Google id); later ones add v<n>', () => {
    const id = '3f0c6c1e-9d1a-5b0e-8c3f-0a1b2c3d4e5f';
    expect(eventKeyOf(id, 0)).toBe('3f0c6c1e9d1a5b0e8c3f0a1b2c3d4e5f');
    expect(eventKeyOf(id, 2)).toBe('3f0c6c1e9d1a5b0e8c3f0a1b2c3d4e5fv2');
    expect(eventKeyOf(id, 2)).toMatch(/^[a-v0-9]{5,1024}$/);
    expect(generationOf(eventKeyOf(id, 0))).toBe(0);
    expect(generationOf(eventKeyOf(id, 7))).toBe(7);
  });
});
