import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { openMigrated, withRawReads, type DB } from '../../src/storage/database.ts';
import { tempDir } from '../helpers/config-folder.ts';

/** kysely's statements on SQLite are prepared once per text and run again (storage/database.ts). */
const open: DB[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

/** A migrated database, with the texts its connection prepares from now on. */
async function counted(): Promise<{ db: DB; prepared: string[] }> {
  const db = await openMigrated(join(tempDir(), 'cache.sqlite'));
  open.push(db);
  const prepared: string[] = [];
  await withRawReads(db, (sqlite: SQLite.Database) => {
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((text: string) => {
      prepared.push(text);
      return prepare(text);
    }) as typeof sqlite.prepare;
  });
  return { db, prepared };
}

const valueOf = (db: DB, name: string) => db.selectFrom('local_secrets').select('value').where('name', '=', name).executeTakeFirst();

describe('statements kept by the SQLite connection', () => {
  it('prepares a query once however often it runs, and answers each run with its own parameters', async () => {
    const { db, prepared } = await counted();
    for (let i = 0; i < 50; i++) await db.insertInto('local_secrets').values({ name: `k${i}`, value: `v${i}` }).execute();
    for (let i = 0; i < 50; i++) expect(await valueOf(db, `k${i}`)).toEqual({ value: `v${i}` });
    expect(await valueOf(db, 'none')).toBeUndefined();
    expect(prepared.filter((t) => /local_secrets/.test(t))).toHaveLength(2);
  });

  it('answers a query kept from before a change of the table with the table as it is now', async () => {
    const { db } = await counted();
    await db.insertInto('local_secrets').values({ name: 'a', value: '1' }).execute();
    const all = () => sql<Record<string, unknown>>`select * from local_secrets`.execute(db);
    expect(Object.keys((await all()).rows[0]!)).not.toContain('extra');
    await sql`alter table local_secrets add column extra text default 'x'`.execute(db);
    expect((await all()).rows[0]).toMatchObject({ name: 'a', value: '1', extra: 'x' });
  });

  it('keeps a bounded number of them: the least recently used is prepared again', async () => {
    const { db, prepared } = await counted();
    const query = (i: number) => sql`select ${sql.lit(i)} as n`.execute(db);
    for (let i = 0; i < 250; i++) await query(i);
    prepared.length = 0;
    await query(249); // among the last 200: kept
    await query(0); // let go
    expect(prepared).toEqual(['select 0 as n']);
  });
});
