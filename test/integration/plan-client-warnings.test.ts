import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cli } from '../helpers/run-cli.ts';
import { SETTINGS, client, employee, tempDir, writeConfig } from '../helpers/config-folder.ts';

// One account manager with one call a day and eight clients called every week: three of them
// find no slot each week, and the plan warns about them.
const dir = writeConfig({ 'touchbase.yaml': {
  ...SETTINGS,
  employees: [employee('am', 'account_manager', { meetings_per_day: 1 })],
  clients: Array.from({ length: 8 }, (_, i) => client(`c${i}`, { roles: ['buyer'], since: '2026-01-01' })),
  rules: [{ id: 'weekly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 week', per: 'client' }],
} });

describe('plan --client', () => {
  it('prints that client\'s warnings and counts the others\', instead of the whole company\'s', async () => {
    const args = ['plan', '--config', dir, '--db', join(tempDir(), 't.sqlite'), '--from', '2027-03-01', '--to', '2027-03-28', '--now', '2027-03-01T08:00:00+03:00', '--no-save'];
    const all = await cli(...args);
    const lines = (text: string) => text.split('\n').filter((l) => l.startsWith('warning: '));
    const clientsWarned = new Set(lines(all.err).map((l) => /^warning: \S+ at (\S+):/.exec(l)![1]));
    expect(clientsWarned.size).toBeGreaterThan(1);
    const one = [...clientsWarned][0]!;
    const mine = await cli(...args, '--client', one);
    expect(mine.code).toBe(0);
    expect(lines(mine.err).length).toBeGreaterThan(0);
    expect(lines(mine.err).every((l) => l.includes(` at ${one}: `))).toBe(true);
    expect(mine.err).toContain(`(${lines(all.err).length - lines(mine.err).length} warnings about other clients: "touchbase plan" without --client lists them)`);
  });
});

// Two account managers, each with one call a day and eight clients called every week.
const twoManagers = () => writeConfig({ 'touchbase.yaml': {
  ...SETTINGS,
  employees: [employee('am1', 'account_manager', { meetings_per_day: 1 }), employee('am2', 'account_manager', { meetings_per_day: 1 })],
  clients: Array.from({ length: 16 }, (_, i) => client(`c${i}`, { roles: ['buyer'], since: '2026-01-01', team: { account_manager: i < 8 ? 'am1' : 'am2' } })),
  rules: [{ id: 'weekly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 week', per: 'client' }],
} });

describe('plan --employee', () => {
  it('prints the warnings about that employee\'s touches and counts the others\'', async () => {
    const args = ['plan', '--config', twoManagers(), '--db', join(tempDir(), 't.sqlite'), '--from', '2027-03-01', '--to', '2027-03-28', '--now', '2027-03-01T08:00:00+03:00', '--no-save'];
    const all = await cli(...args);
    const lines = (text: string) => text.split('\n').filter((l) => l.startsWith('warning: '));
    const clientOf = (l: string) => /^warning: \S+ at (\S+):/.exec(l)![1]!;
    expect(lines(all.err).some((l) => Number(clientOf(l).slice(1)) < 8)).toBe(true);
    expect(lines(all.err).some((l) => Number(clientOf(l).slice(1)) >= 8)).toBe(true);
    const mine = await cli(...args, '--employee', 'am2');
    expect(mine.code).toBe(0);
    expect(lines(mine.err).length).toBeGreaterThan(0);
    expect(lines(mine.err).every((l) => Number(clientOf(l).slice(1)) >= 8 && l.includes('am2'))).toBe(true);
    expect(mine.err).toContain(`(${lines(all.err).length - lines(mine.err).length} warnings about other employees: "touchbase plan" without --employee lists them)`);
  });
});
