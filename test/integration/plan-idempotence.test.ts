import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/config-folder.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';

const NOW = '2027-02-01T09:00:00+03:00';

describe('the plan does not depend on whether a plan was recorded before', () => {
  it('plan printed twice on the same database, and once on a new one, is the same, across the example company\'s handover', async () => {
    const plan = (db: string) => cli('plan', '--config', 'config', '--db', db, '--now', NOW, '--from', '2027-02-01', '--to', '2027-12-31', '--format', 'json');
    const db = await tempDatabaseLocation();
    const first = await plan(db);
    const second = await plan(db);
    const fresh = await plan(await tempDatabaseLocation());
    expect(first.code).toBe(0);
    const touches = JSON.parse(first.out) as { employee: string; source: string; date: string }[];
    expect(touches.some((t) => t.source.startsWith('handover:'))).toBe(true);
    expect(second.out).toBe(first.out);
    expect(fresh.out).toBe(first.out);
  }, 120_000);
});
