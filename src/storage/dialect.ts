import { PostgresAdapter, sql, type Expression, type Kysely } from 'kysely';

/** Which database a kysely instance (or transaction) speaks to. */
export type Dialect = 'sqlite' | 'postgres';

/**
 * The database behind `db`: where a query must be written differently, the repository function
 * keeps both forms side by side and picks one by this.
 *
 * @example dialectOf(db) === 'postgres' ? sql`greatest(a, b)` : sql`max(a, b)`
 */
export function dialectOf(db: Pick<Kysely<unknown>, 'getExecutor'>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * The column types of the migrations, per database. SQLite keeps flags as 0/1 integers and
 * dates and instants as ISO text; PostgreSQL gets real types (read back as SQLite's values by
 * the type parsers of postgres/pg-types.ts). Text on PostgreSQL is collated "C", byte order, as
 * SQLite compares: sorts, `<`, `max` and primary-key order are the same on both, whatever
 * locale the server's database was created with.
 */
export function columnTypes(db: Pick<Kysely<unknown>, 'getExecutor'>) {
  const postgres = dialectOf(db) === 'postgres';
  return {
    postgres,
    text: (postgres ? sql`text collate "C"` : 'text') as 'text' | Expression<unknown>,
    /** A 0/1 flag (boolean on PostgreSQL). */
    flag: (postgres ? 'boolean' : 'integer') as 'boolean' | 'integer',
    /** The literal of a flag's value, for defaults and partial indexes. */
    flagValue: (value: boolean) => (postgres ? sql.lit(value) : sql.lit(value ? 1 : 0)),
    /** A calendar day, always 'YYYY-MM-DD'. */
    day: (postgres ? 'date' : 'text') as 'date' | 'text',
    /** An instant always written as UTC with milliseconds ('2027-03-01T05:00:00.000Z'). */
    instant: (postgres ? 'timestamptz' : 'text') as 'timestamptz' | 'text',
  };
}
