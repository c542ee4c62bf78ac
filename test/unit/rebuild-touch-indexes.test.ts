import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { openMigrated } from '../../src/storage/database.ts';
import { dropTouchIndexes, rebuildTouchIndexes } from '../../src/storage/touch-rows-written.ts';
import { tempDir } from '../helpers/config-folder.ts';

/**
 * A first plan's indexes are made again after its rows with SQLite's sorter on two threads
 * (touch-rows-written.ts): the same indexes as the migrations made, and the connection's own
 * setting back afterwards, also when a statement fails.
 */

async function migratedFile(): Promise<string> {
  const file = join(tempDir(), 'touches.sqlite');
  await (await openMigrated(file)).destroy();
  return file;
}

const indexesOf = (sqlite: SQLite.Database) =>
  sqlite.prepare("select name, sql from sqlite_master where type = 'index' and tbl_name = 'touches' and sql is not null order by name").all();

describe('rebuildTouchIndexes', () => {
  it('makes again every index dropTouchIndexes dropped and puts the sorter threads back', async () => {
    const sqlite = new SQLite(await migratedFile());
    try {
      const before = indexesOf(sqlite);
      expect(before.length).toBeGreaterThanOrEqual(5);
      sqlite.pragma('threads = 1');
      const made = dropTouchIndexes(sqlite);
      expect(indexesOf(sqlite)).toEqual([]);
      rebuildTouchIndexes(sqlite, made);
      expect(indexesOf(sqlite)).toEqual(before);
      expect(sqlite.pragma('threads', { simple: true })).toBe(1);
    } finally {
      sqlite.close();
    }
  });

  it('puts the sorter threads back when an index cannot be made', async () => {
    const sqlite = new SQLite(await migratedFile());
    try {
      dropTouchIndexes(sqlite);
      expect(() => rebuildTouchIndexes(sqlite, ['create index broken on no_such_table (x)'])).toThrow(/no such table/);
      expect(sqlite.pragma('threads', { simple: true })).toBe(0);
    } finally {
      sqlite.close();
    }
  });
});
