import { describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';

/**
 * Clients cut from the export and brought back: the pass that restores them re-plans them alone
 * (the others' recorded touches in the way), and what it records is what a full re-plan would —
 * QA: a restored call took back its old day in a full re-plan, moving another client's check-in
 * call off it, so the next full pass churned the calendar that this one had just written.
 */
describe('clients that come back', () => {
  it('are restored as a full re-plan would restore them: the next full re-plan has nothing to change', { timeout: 120_000 }, async () => {
    const work = tempDir();
    const dir = join(work, 'config');
    const db = join(work, 'db.sqlite');
    expect((await cli('demo-data', '--clients', '200', '--out', dir)).code).toBe(0);
    const [clients, contacts] = [join(dir, 'crm/clients.csv'), join(dir, 'crm/contacts.csv')];
    copyFileSync(clients, join(work, 'clients.csv'));
    copyFileSync(contacts, join(work, 'contacts.csv'));
    process.env.TOUCHBASE_FEEDS_DIR = join(work, 'feeds');
    try {
      const pass = async (now: string, ...more: string[]) => {
        const r = await cli('once', '--config', dir, '--db', db, '--now', now, ...more);
        expect(r.code, r.err).toBe(0);
        return r.out;
      };
      await pass('2026-12-07T09:00:00+03:00');
      // The export cut after client-150, the cut accepted, and a day of planning without them.
      const kept = (line: string, i: number) => i === 0 || Number(/^client-(\d+)[,;]/.exec(line)?.[1] ?? 0) <= 150;
      writeFileSync(clients, readFileSync(join(work, 'clients.csv'), 'utf8').split('\n').filter(kept).join('\n'));
      writeFileSync(contacts, readFileSync(join(work, 'contacts.csv'), 'utf8').split('\n').filter(kept).join('\n'));
      expect(await pass('2026-12-07T10:00:00+03:00', '--allow-removals')).toMatch(/[1-9]\d* cancelled/);
      await pass('2026-12-08T10:00:00+03:00');
      // The whole export back.
      copyFileSync(join(work, 'clients.csv'), clients);
      copyFileSync(join(work, 'contacts.csv'), contacts);
      expect(await pass('2026-12-08T11:00:00+03:00')).toMatch(/[1-9]\d* restored/);
      const again = await cli('sync', '--dry-run', '--config', dir, '--db', db, '--now', '2026-12-08T11:05:00+03:00');
      expect(again.out).toMatch(/^Nothing to change/m);
    } finally {
      delete process.env.TOUCHBASE_FEEDS_DIR;
    }
  });
});
