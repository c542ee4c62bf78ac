import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

/**
 * Reads a query's rows a page at a time through a server-side cursor (in a read-only
 * transaction of its own), handing each page to `take`: PostgreSQL's counterpart of kysely's
 * SQLite `.stream()`, which needs pg-cursor on PostgreSQL. Memory holds one page of pg's rows.
 */
export async function forEachPage<R>(db: Kysely<any>, // eslint-disable-line @typescript-eslint/no-explicit-any -- any database
   query: Compilable<R>, size: number, take: (rows: R[]) => void): Promise<void> {
  const compiled = query.compile();
  await db.transaction().setAccessMode('read only').execute(async (trx) => {
    await trx.executeQuery(CompiledQuery.raw(`declare touchbase_rows no scroll cursor for ${compiled.sql}`, [...compiled.parameters]));
    for (;;) {
      const page = await trx.executeQuery<R>(CompiledQuery.raw(`fetch forward ${Math.max(1, Math.floor(size))} from touchbase_rows`));
      if (page.rows.length > 0) take(page.rows as R[]);
      if (page.rows.length < size) break;
    }
    await trx.executeQuery(CompiledQuery.raw('close touchbase_rows'));
  });
}
