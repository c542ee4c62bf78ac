import { DatabaseProblemError } from '../database-errors.ts';
import { redactLocation, scrubPassword } from '../location.ts';

/** Socket errors of a server that cannot be reached. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);

/**
 * PostgreSQL's error (or the connection's) as a DatabaseProblemError when it is about the
 * server, the role or the database rather than the query: what is wrong and what to do, with
 * the URL's password never in it. Anything else (a constraint, a bug) comes back as it is, its
 * message scrubbed of the password all the same.
 */
export function explainPostgresError(error: unknown, location: string): unknown {
  if (error instanceof DatabaseProblemError) return error;
  const where = redactLocation(location);
  const code = String((error as { code?: string })?.code ?? '');
  const detail = scrubPassword((error as Error)?.message ?? String(error), location);
  const problem = (kind: DatabaseProblemError['problem'], message: string) => new DatabaseProblemError(kind, where, message, code || undefined);
  // Connected, and the server went away: stopping or restarting (57P01 shutdown, 57P03 starting or
  // stopping, a session cut). Said as that, not as a firewall to check (QA: the advice sent an
  // operator looking at the network while the server was restarting).
  if (code === '57P01' || code === '57P02' || code === '57P03' || /Connection terminated unexpectedly/i.test(detail)) {
    return problem('cannot-connect', `the PostgreSQL server of ${where} is shutting down, restarting or not yet accepting connections (${code || detail}): `
      + 'run it again once the server is up (pg_isready -h HOST -p PORT): what was cut short is done again then. A running daemon reconnects by itself.');
  }
  if (UNREACHABLE.has(code) || /timeout expired|Connection terminated|connect ETIMEDOUT/i.test(detail)) {
    return problem('cannot-connect', `cannot connect to the PostgreSQL server of ${where} (${code || detail}): check that it runs and listens at that host and port `
      + '(pg_isready -h HOST -p PORT), and that a firewall lets this machine through; then run it again.');
  }
  if (code === '28P01') {
    return problem('authentication', `PostgreSQL refused the password of the role in ${where} (28P01: password authentication failed). `
      + 'Check the password in the database URL (--db, TOUCHBASE_DATABASE_URL, or the file TOUCHBASE_DATABASE_URL_FILE names): characters like @ : / # in it must be URL-encoded.');
  }
  if (/does not support SSL/i.test(detail)) {
    return problem('cannot-connect', `the PostgreSQL server of ${where} does not accept TLS (SSL) connections, which the URL asks for (sslmode): `
      + 'turn ssl on in the server\'s postgresql.conf, or, on a trusted network only, take sslmode out of the URL.');
  }
  if (code === '28000') {
    return problem('authentication', `PostgreSQL does not let the role of ${where} in (28000: ${detail}). `
      + 'Check the role exists (\\du in psql) and that pg_hba.conf admits it from this machine.');
  }
  if (code === '3D000') {
    return problem('no-database', `the database of ${where} does not exist (3D000: ${detail}). touchbase does not create it: `
      + 'create it once (createdb -O ROLE NAME, or CREATE DATABASE in psql), then run this again; touchbase creates its tables itself.');
  }
  if (code === '53100') {
    return problem('full', `the PostgreSQL server of ${where} has no disk space left (53100: ${detail}). Nothing of this change was written. `
      + 'Free space on the server (its data directory), then run it again.');
  }
  if (code === '25006') {
    return problem('read-only', `${where} was opened for reading only, but this needed to write to it (25006: ${detail}). `
      + 'Run the command that writes (sync, plan, the daemon) instead.');
  }
  if (code === '42501') {
    return problem('permission', `the role of ${where} lacks a right this needs (42501: ${detail}). touchbase's role must own the database's tables, `
      + 'or be allowed to CREATE in its schema and to SELECT, INSERT, UPDATE and DELETE on its tables (see the README, "PostgreSQL").');
  }
  if (code === '53300') {
    return problem('busy', `the PostgreSQL server of ${where} has no free connection (53300: ${detail}); try again, or raise max_connections.`);
  }
  if (error instanceof Error && detail !== error.message) {
    const scrubbed = new Error(detail);
    Object.assign(scrubbed, { code });
    return scrubbed;
  }
  return error;
}
