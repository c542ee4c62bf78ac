import type { DB } from './database.ts';

/** Runs `work` in a transaction, or in the caller's when `db` already is one (kysely does not nest them). */
export async function inTransaction<T>(db: DB, work: (trx: DB) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute((trx) => work(trx as unknown as DB));
}
