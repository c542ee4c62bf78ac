import { describe, expect, it } from 'vitest';
import SQLite from 'better-sqlite3';
import { SYNCED_COLUMNS, syncedTouch } from '../../src/storage/sync-queries.ts';

/**
 * A sync reads its touches as arrays and makes each one's object by a literal (sync-queries.ts
 * syncedTouch): each value must land under its own column's name, in SYNCED_COLUMNS' order.
 */
describe('a synced touch made from its row', () => {
  it('puts every column under its own name, in the order of SYNCED_COLUMNS', () => {
    const made = syncedTouch([...SYNCED_COLUMNS] as never);
    expect(Object.keys(made)).toEqual([...SYNCED_COLUMNS]);
    for (const [name, value] of Object.entries(made)) expect(value, name).toBe(name);
  });

  it('is the object better-sqlite3 makes of the same row', () => {
    const db = new SQLite(':memory:');
    db.exec(`create table t (${SYNCED_COLUMNS.join(', ')})`);
    db.prepare(`insert into t values (${SYNCED_COLUMNS.map(() => '?').join(', ')})`).run(...SYNCED_COLUMNS.map((c, i) => (c === 'all_day' ? i : `${c}-value`)));
    const asObject = db.prepare(`select ${SYNCED_COLUMNS.join(', ')} from t`).get();
    const asArray = db.prepare(`select ${SYNCED_COLUMNS.join(', ')} from t`).raw().get() as never;
    expect(syncedTouch(asArray)).toEqual(asObject);
    db.close();
  });
});
