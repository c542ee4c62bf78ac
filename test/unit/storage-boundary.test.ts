import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openMigrated } from '../../src/storage/database.ts';
import { boundaryViolations } from '../helpers/sql-boundary.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');

/** The tables the migrations make, read from a migrated database (so a new table is covered at once). */
async function tableNames(): Promise<string[]> {
  const db = await openMigrated(':memory:');
  try {
    return (await db.introspection.getTables({ withInternalKyselyTables: true })).map((t) => t.name).sort();
  } finally {
    await db.destroy();
  }
}

/** Every source file of src/ outside src/storage/. */
function sourcesOutsideStorage(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === join(SRC, 'storage') ? [] : sourcesOutsideStorage(path);
    return /\.(ts|js|mjs|cjs)$/.test(entry.name) ? [path] : [];
  });
}

const TABLES = ['touches', 'touch_events', 'used_links', 'daemon_jobs'];
const found = (source: string) => boundaryViolations('example.ts', source, TABLES).map((v) => v.what);

describe('the storage layer owns all SQL', () => {
  it('no file outside src/storage/ imports kysely or better-sqlite3, builds a query or names a table in SQL', async () => {
    const tables = await tableNames();
    expect(tables).toEqual(expect.arrayContaining(['touches', 'touch_events', 'daemon_jobs', 'ics_events', 'kysely_migration']));
    const files = sourcesOutsideStorage();
    expect(files.length).toBeGreaterThan(50);
    const violations = files.flatMap((file) => boundaryViolations(relative(ROOT, file), readFileSync(file, 'utf8'), tables))
      .map((v) => `${v.file}:${v.line}: ${v.what}`);
    expect(violations).toEqual([]);
  });

  it.each([
    ["import { sql } from 'kysely';", 'imports kysely'],
    ["import type { Selectable } from 'kysely';", 'imports kysely'],
    ["export { Kysely } from 'kysely';", 'imports kysely'],
    ["import SQLite from 'better-sqlite3';", 'imports better-sqlite3'],
    ["const m = await import('better-sqlite3');", 'imports better-sqlite3'],
    ["const SQLite = require('better-sqlite3');", 'imports better-sqlite3'],
    ["type D = import('kysely').Kysely<unknown>;", 'imports kysely'],
    ["await db.selectFrom(table).selectAll().execute();", 'builds a query (.selectFrom)'],
    ["await trx.updateTable('x').set({ a: 1 }).execute();", 'builds a query (.updateTable)'],
    ['await sql`select 1`.execute(db);', 'writes an sql`…` template'],
    ["raw.exec('BEGIN EXCLUSIVE');", 'runs SQL (.exec)'],
    ["const s = raw.prepare(`select id from ${name}`);", 'runs SQL (.prepare)'],
    ["const q = 'select id, status from touches where date >= ?';", 'names table touches in SQL: "select id, status from touches"'],
    ["const q = `insert into touch_events (touch_id, type) values (?, ?)`;", 'names table touch_events in SQL: "insert into touch_events ("'],
    ["const q = 'update daemon_jobs set failures = failures + 1';", 'names table daemon_jobs in SQL: "update daemon_jobs set failures ="'],
    ["const q = 'delete from used_links where touch_id = ?';", 'names table used_links in SQL: "delete from used_links where"'],
    ["const q = 'select e.seq from touch_events e join touches t on t.id = e.touch_id';", 'names table touch_events in SQL: "select e.seq from touch_events"'],
  ])('finds %s', (source, what) => {
    expect(found(source)).toEqual([what]);
  });

  it.each([
    // Prose in comments and texts that mentions touches and their history is not SQL.
    '// select the touches from touches that are open, then update touches set by the plan',
    "const help = 'Touches recorded, by status (planned, done, skipped, cancelled).';",
    "const t = { 'col.count': 'touches', 'ui.x': 'Select a client to see its touches' };",
    "const s = 'moved from touches of the leaver to their successor; update touches in your calendar';",
    "const d = 'Delete from touches you no longer need? Insert into touches a note.';",
    "const r = /^(done|skip)\\.([0-9a-f]{32})$/.exec(token);",
    "const m = list.with(0, 'x');",
    "import type { DB } from '../storage/database.ts';",
  ])('leaves alone %s', (source) => {
    expect(found(source)).toEqual([]);
  });
});
