import type pg from 'pg';
import { pgModule } from './pg-module.ts';

/**
 * How values come back from PostgreSQL: exactly as SQLite gives them, so the rest of touchbase
 * (and the export file) cannot tell the databases apart.
 *
 * - boolean (the 0/1 flags) → 1 or 0
 * - bigint (touch_events.seq, count(*), sum()) and numeric (sum of bigints) → a number
 * - date → 'YYYY-MM-DD' as stored (pg's default makes a local-midnight Date of it)
 * - timestamptz → the ISO string touchbase writes, UTC with milliseconds
 *   ('2027-03-01T05:00:00.000Z'); the session's TimeZone is UTC (see open-postgres.ts), so the
 *   server writes '2027-03-01 05:00:00+00' or '… 05:00:00.12+00', rewritten here without a Date.
 *
 * Local to touchbase's pools (pg's `types` option), never pg's global parsers.
 */
const OID = { bool: 16, int8: 20, numeric: 1700, date: 1082, timestamptz: 1184 } as const;

export function isoFromTimestamptz(text: string): string {
  // '2027-03-01 05:00:00[.ffffff]+00'
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00$/.exec(text);
  if (!m) return new Date(text).toISOString();
  return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
}

const parsers: Record<number, (text: string) => unknown> = {
  [OID.bool]: (text) => (text === 't' ? 1 : 0),
  [OID.int8]: (text) => Number(text),
  [OID.numeric]: (text) => Number(text),
  [OID.date]: (text) => text,
  [OID.timestamptz]: isoFromTimestamptz,
};

/** The `types` of touchbase's pg pools. */
export const touchbaseTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary' && parsers[oid]) return parsers[oid];
    return pgModule().types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};
