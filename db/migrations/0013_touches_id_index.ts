import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../../src/storage/dialect.ts';

/**
 * SQLite: a touch's id is kept unique by an index of its own (`touches_id`) instead of the
 * table's primary key. The ids are hashes, so a primary key takes each new row at a random place
 * in its index: a first plan's inserts spent most of their time there (800,000 touches of a
 * 50,000-client company: 10.8 s of rows against 4.2 s without it), and growing with the table.
 * An index can be dropped while a first plan writes into an empty table and built after, sorted
 * in one go (storage/touch-repository.ts savePlan), as the other indexes of the table already are.
 * Lookups by id and the history's foreign key use the unique index as they used the key.
 *
 * SQLite cannot change a table's key in place: the table is made again with the same columns and
 * row ids (the generalized ALTER TABLE of sqlite.org/lang_altertable.html), which needs foreign
 * keys off while the old table is dropped — storage/database.ts migrate() runs migrations so.
 * PostgreSQL keeps its primary key: its bulk path (storage/postgres/bulk-touches.ts) copies rows
 * in, and a key there is no slower than a unique index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === 'postgres') return;
  await rebuild(db, '"id" text primary key', '"id" text not null');
  await sql`create unique index touches_id on touches (id)`.execute(db);
  await checkHistoryKeys(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === 'postgres') return;
  await sql`drop index touches_id`.execute(db);
  await rebuild(db, '"id" text not null', '"id" text primary key');
  await checkHistoryKeys(db);
}

async function rebuild(db: Kysely<unknown>, idWas: string, idBecomes: string): Promise<void> {
  const foreignKeys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
  if (foreignKeys.rows[0]?.foreign_keys !== 0) throw new Error('rebuilding the touches table needs foreign keys off (run it through migrate())');
  const made = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'touches'`.execute(db);
  const table = made.rows[0]?.sql ?? '';
  const named = /^(CREATE TABLE (?:IF NOT EXISTS )?)"touches"/i;
  if (!named.test(table) || !table.includes(idWas)) throw new Error(`the touches table is not as this migration expects: ${table}`);
  const indexes = await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and tbl_name = 'touches' and sql is not null`.execute(db);
  const columns = await sql<{ name: string }>`select name from pragma_table_info('touches')`.execute(db);
  const list = columns.rows.map((c) => `"${c.name.replace(/"/g, '""')}"`).join(', ');
  await sql.raw(table.replace(named, '$1"touches_rebuilt"').replace(idWas, idBecomes)).execute(db);
  // The same row ids: reads that break ties by rowid (the plan's order) keep their order.
  await sql.raw(`insert into touches_rebuilt (rowid, ${list}) select rowid, ${list} from touches order by rowid`).execute(db);
  await sql`drop table touches`.execute(db);
  await sql`alter table touches_rebuilt rename to touches`.execute(db);
  for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
}

/** Foreign keys were off while the table was made again: every history line still has its touch. */
async function checkHistoryKeys(db: Kysely<unknown>): Promise<void> {
  const broken = await sql`pragma foreign_key_check`.execute(db);
  if (broken.rows.length > 0) throw new Error(`the history refers to touches the rebuilt table lacks: ${JSON.stringify(broken.rows.slice(0, 5))}`);
}
