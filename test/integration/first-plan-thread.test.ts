import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { sql } from 'kysely';
import SQLite from 'better-sqlite3';
import { openMigrated, type DB } from '../../src/storage/database.ts';
import { DatabaseProblemError } from '../../src/storage/database-errors.ts';
import { savePlan } from '../../src/storage/touch-repository.ts';
import { readTouchesFingerprint } from '../../src/storage/plan-snapshots.ts';
import type { SnapshotRequest } from '../../src/storage/plan-snapshot-rows.ts';
import { planWithHistory } from '../../src/plan-service.ts';
import { touchKey } from '../../src/domain/touch-id.ts';
import type { Touch } from '../../src/domain/types.ts';
import { SETTINGS, client, configOf, employee, tempDir } from '../helpers/config-folder.ts';

/**
 * A first plan of many touches is written into the empty table by a thread of its own while the
 * plan is shown (storage/first-plan-loader.ts): the same rows, indexes and snapshot as a save
 * made before showing, nothing written when the load fails, the plan saved when the output fails.
 */

const NOW = DateTime.fromISO('2027-01-10T09:00:00+03:00');
const NOW_ISO = NOW.toUTC().toISO()!;
const WINDOW = { from: '2027-01-10', to: '2027-06-30' };
const KEY = `${WINDOW.from}..${WINDOW.to}`;

/** `n` touches (past the bulk threshold) made from a small company's plan, on distinct ids. */
async function manyTouches(n: number): Promise<Touch[]> {
  const config = configOf({
    ...SETTINGS,
    employees: [employee('am', 'account_manager', { meetings_per_day: 2 })],
    clients: [client('a', { roles: ['buyer'] }), client('b', { roles: ['buyer', 'ceo'] })],
    rules: [{ id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month' }],
  });
  const base = (await planWithHistory(await openMigrated(join(tempDir(), 'seed.sqlite')), config, WINDOW, NOW, false)).result.touches;
  return Array.from({ length: n }, (_, i) => ({ ...base[i % base.length]!, id: touchKey(`thread|${i}`).id, title: `Звонок №${i}: «${base[i % base.length]!.title}»` }));
}

/** What plan-service asks savePlan to keep: the plan's snapshot, made from what the save read first. */
async function snapshotOf(db: DB, touches: readonly Touch[]): Promise<SnapshotRequest> {
  return {
    readAt: await readTouchesFingerprint(db),
    window: KEY,
    make: () => ({ basis: 'test', apart: '[]', warnings: '[]', first_date: touches[0]!.date, last_date: touches.at(-1)!.date }),
  };
}

const count = async (db: DB) => (await sql<{ n: number }>`select count(*) as n from touches`.execute(db)).rows[0]!.n;
const journalMode = async (db: DB) => (await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db)).rows[0]!.journal_mode;
/** What another connection sees committed now. */
const committed = (file: string) => {
  const reader = new SQLite(file, { readonly: true });
  try {
    return reader.prepare('select count(*) from touches').pluck().get() as number;
  } finally {
    reader.close();
  }
};
const table = async (db: DB, query: string) => (await sql.raw<Record<string, unknown>>(query).execute(db)).rows;

describe('a first plan written by a thread of its own', () => {
  it('is written while the plan is shown, with the same rows, indexes and snapshot as a save before showing', async () => {
    const many = await manyTouches(12_000);
    const file = join(tempDir(), 'thread.sqlite');
    const db = await openMigrated(file);
    const seen: number[] = [];
    const summary = await savePlan(db, many, WINDOW, NOW_ISO, {}, await snapshotOf(db, many), async () => {
      // Shown before the load is committed: another connection does not see it yet.
      seen.push(committed(file));
    });
    expect(seen).toEqual([0]);
    expect(summary).toMatchObject({ inserted: 12_000, unchanged: 0, cancelled: 0 });

    const before = await openMigrated(join(tempDir(), 'before.sqlite'));
    await savePlan(before, many, WINDOW, NOW_ISO, {}, await snapshotOf(before, many));
    expect(await count(before)).toBe(12_000);

    for (const query of [
      'select * from touches order by rowid',
      "select name, sql from sqlite_master where tbl_name = 'touches' order by name",
      'select * from plan_snapshots',
      'select * from plan_snapshot_ids order by plan_window, part',
    ]) expect(await table(db, query), query).toEqual(await table(before, query));
    // The snapshot's ids are the plan's, in its order, and its basis ends with the touches' fingerprint after the save.
    const ids = (await table(db, 'select ids from plan_snapshot_ids order by part')).flatMap((r) => String(r.ids).split('\n'));
    expect(ids).toEqual(many.map((t) => t.id));
    expect((await table(db, 'select basis from plan_snapshots'))[0]!.basis).toBe(`test|${await readTouchesFingerprint(db)}`);
    expect(await journalMode(db)).toBe('wal');
    expect(existsSync(`${file}-journal`)).toBe(false);
    expect((await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db)).rows[0]!.integrity_check).toBe('ok');
    await db.destroy();
    await before.destroy();
  });

  it('writes nothing when the load fails (a repeated id), after the plan was shown, and says why', async () => {
    const many = await manyTouches(12_000);
    const file = join(tempDir(), 'failed.sqlite');
    const db = await openMigrated(file);
    let shown = false;
    await expect(savePlan(db, [...many, { ...many[7_000]!, title: 'again' }], WINDOW, NOW_ISO, {}, undefined, async () => {
      shown = true;
    })).rejects.toThrow(/UNIQUE constraint failed: touches\.id/);
    expect(shown).toBe(true);
    expect(await count(db)).toBe(0);
    expect(await journalMode(db)).toBe('wal');
    const names = (await table(db, "select name from sqlite_master where type = 'index' and tbl_name = 'touches' order by name")).map((r) => r.name);
    expect(names).toContain('touches_id');
    // Nothing left half-done: the next save writes everything.
    await expect(savePlan(db, many, WINDOW, NOW_ISO, {}, undefined, async () => undefined)).resolves.toMatchObject({ inserted: 12_000 });
    expect(await count(db)).toBe(12_000);
    await db.destroy();
  });

  it('saves the plan when showing it fails, and gives the output\'s error as it is (not as the database\'s)', async () => {
    const many = await manyTouches(12_000);
    const db = await openMigrated(join(tempDir(), 'output.sqlite'));
    const full = Object.assign(new Error('no space left for the output'), { code: 'ENOSPC' });
    const failure = await savePlan(db, many, WINDOW, NOW_ISO, {}, undefined, async () => {
      throw full;
    }).catch((error: unknown) => error);
    expect(failure).toBe(full);
    expect(failure).not.toBeInstanceOf(DatabaseProblemError);
    expect(await count(db)).toBe(12_000);
    await db.destroy();
  });

  it('beside another connection of the database, loads through the write-ahead log, and that one reads beside it', async () => {
    const many = await manyTouches(12_000);
    const file = join(tempDir(), 'shared.sqlite');
    const db = await openMigrated(file);
    const reader = new SQLite(file, { readonly: true });
    const seen: number[] = [];
    await savePlan(db, many, WINDOW, NOW_ISO, {}, undefined, async () => {
      seen.push(reader.prepare('select count(*) from touches').pluck().get() as number);
    });
    expect(seen).toEqual([0]);
    expect(reader.prepare('select count(*) from touches').pluck().get()).toBe(12_000);
    expect(existsSync(`${file}-wal`)).toBe(true);
    reader.close();
    await db.destroy();
  });

  it('into a table that has touches, saves first and shows after', async () => {
    const many = await manyTouches(12_000);
    const file = join(tempDir(), 'again.sqlite');
    const db = await openMigrated(file);
    await savePlan(db, many.slice(0, 1), WINDOW, NOW_ISO);
    const seen: number[] = [];
    const summary = await savePlan(db, many, WINDOW, NOW_ISO, {}, undefined, async () => {
      seen.push(committed(file));
    });
    expect(seen).toEqual([12_000]);
    expect(summary).toMatchObject({ inserted: 11_999, unchanged: 1 });
    await db.destroy();
  });
});
