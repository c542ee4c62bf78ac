import { createRequire } from 'node:module';
import type pg from 'pg';

let loaded: typeof pg | undefined;

/**
 * node-postgres, loaded at the first use of a PostgreSQL database: a command on a SQLite one
 * (`status`, `validate`, every run of the example) never loads it, nor the fetch implementation
 * its start-up touches (a tenth of `status`'s time).
 */
export function pgModule(): typeof pg {
  return (loaded ??= createRequire(import.meta.url)('pg') as typeof pg);
}
