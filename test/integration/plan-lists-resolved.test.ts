import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { cli } from '../helpers/run-cli.ts';
import { SETTINGS, client, employee, tempDir, writeConfig } from '../helpers/config-folder.ts';

// Monthly calls to one buyer; in December the director makes them quarterly.
const company = (every: string) => ({
  ...SETTINGS,
  employees: [employee('anna', 'account_manager')],
  clients: [client('c0', { roles: ['buyer'], since: '2026-01-01' })],
  rules: [{ id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every, per: 'client' }],
});

describe('plan lists what was done in the period', () => {
  it('a call done under a cadence since changed is still listed (done), as the touch that covers its new period', async () => {
    const dir = writeConfig({ 'touchbase.yaml': company('1 month') });
    const db = join(tempDir(), 't.sqlite');
    const plan = (now: string) => cli('plan', '--config', dir, '--db', db, '--from', '2026-12-01', '--to', '2027-03-31', '--now', now, '--format', 'json');
    const first = await plan('2026-12-01T08:00:00+03:00');
    expect(first.code).toBe(0);
    const december = (JSON.parse(first.out) as { id: string; window: { from: string } }[]).find((t) => t.window.from === '2026-12-01')!;
    expect((await cli('done', december.id, '--config', dir, '--db', db, '--now', '2026-12-03T12:00:00+03:00')).code).toBe(0);
    writeFileSync(join(dir, 'touchbase.yaml'), stringify(company('3 months')));
    const after = await plan('2026-12-04T08:00:00+03:00');
    expect(after.code).toBe(0);
    const listed = JSON.parse(after.out) as { id: string; status: string; window: { from: string; to: string } }[];
    // December's call, done, and the first quarter's; no second touch for the fourth quarter.
    expect(listed.map((t) => [t.id === december.id ? 'december' : 'new', t.status, t.window.from, t.window.to])).toEqual([
      ['december', 'done', '2026-12-01', '2026-12-31'],
      ['new', 'planned', '2027-01-01', '2027-03-31'],
    ]);
    // The same when nothing changed since (the plan read back).
    const again = await plan('2026-12-04T08:30:00+03:00');
    expect(JSON.parse(again.out)).toEqual(listed);
  });
});
