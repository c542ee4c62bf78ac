import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { exampleCompany, tempDir } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';

/**
 * A client removed from the CRM export loses its open touches: the late ones of days before
 * today (cancelled after the save, inapplicable-touches.ts) and the later ones (by the save).
 * What `once` says it recorded counts them all (QA: "1 cancelled" of five).
 */
describe('the count of cancelled touches a pass prints', () => {
  it('counts a removed client\'s late touches with its later ones, as many as the history says were cancelled', async () => {
    const { config: dir, db } = exampleCompany();
    process.env.TOUCHBASE_FEEDS_DIR = join(tempDir(), 'feeds');
    try {
      expect((await cli('once', '--config', dir, '--db', db, '--now', '2027-03-01T09:00:00+03:00')).code).toBe(0);
      // yugenergo leaves the export; nine days on, its touches of March 1-5 are late, the rest ahead.
      for (const file of ['crm/clients.csv', 'crm/contacts.csv']) {
        const path = join(dir, file);
        writeFileSync(path, readFileSync(path, 'utf8').split('\n').filter((line) => !line.startsWith('yugenergo;')).join('\n'));
      }
      const r = await cli('once', '--config', dir, '--db', db, '--now', '2027-03-10T09:00:00+03:00', '--allow-removals');
      expect(r.code, r.err).toBe(0);
      const stored = new SQLite(db, { readonly: true });
      const [late, later] = stored.prepare(`select count(*) filter (where t.date < '2027-03-10'), count(*) filter (where t.date >= '2027-03-10')
        from touch_events e join touches t on t.id = e.touch_id where e.type = 'cancelled' and t.client_id = 'yugenergo'`).raw().get() as [number, number];
      const all = stored.prepare("select count(*) from touch_events where type = 'cancelled'").pluck().get() as number;
      stored.close();
      expect(late).toBeGreaterThan(0);
      expect(later).toBeGreaterThan(0);
      // The example company speaks Russian: "отменено — N".
      expect(r.out).toMatch(new RegExp(`отменено — ${all}\\b`));
    } finally {
      delete process.env.TOUCHBASE_FEEDS_DIR;
    }
  });
});
