import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers/run-cli.ts';
import { exampleCompany } from '../helpers/config-folder.ts';
import { openMigrated } from '../../src/storage/database.ts';

/**
 * QA F3: a client that went from the configuration (an export cut short) and came back gets its
 * touches back under the same ids — the sequence step an earlier plan placed after its own days
 * (a late onboarding check-in) too. It stayed cancelled for good, the one touch of 454.
 */
describe('a returning client gets back a sequence step placed late', () => {
  it('cancelled with the client, restored with it on its day, same id', async () => {
    const { config, db } = exampleCompany();
    const run = (...args: string[]) => cli(...args, '--config', config, '--db', db, '--now', '2026-12-05T09:00:00+03:00');
    const checkin = async () => {
      const d = await openMigrated(db);
      try {
        return await d.selectFrom('touches').select(['id', 'date', 'status']).where('client_id', '=', 'cahulagro').where('source', '=', 'rule:onboarding-checkin').execute();
      } finally {
        await d.destroy();
      }
    };
    expect((await run('once')).code).toBe(0);
    // Onboarding since 2 November: its check-in was due 23–29 November, placed from today.
    const [placed, ...more] = await checkin();
    expect(more).toEqual([]);
    expect(placed).toMatchObject({ status: 'planned' });
    expect(placed!.date >= '2026-12-05').toBe(true);

    const files = ['crm/clients.csv', 'crm/contacts.csv'].map((f) => join(config, f));
    const kept = files.map((f) => readFileSync(f, 'utf8'));
    files.forEach((f, i) => writeFileSync(f, kept[i]!.split('\n').filter((l) => !l.startsWith('cahulagro;')).join('\n')));
    expect((await run('once')).code).toBe(0);
    expect(await checkin()).toEqual([{ ...placed, status: 'cancelled' }]);

    files.forEach((f, i) => writeFileSync(f, kept[i]!));
    const back = await run('once');
    expect(back.code).toBe(0);
    expect(await checkin()).toEqual([placed]);
    // Not said to be missed either (its welcome, due weeks before the first plan, is: never stored).
    expect(back.err).not.toContain('onboarding-checkin');
  });
});
