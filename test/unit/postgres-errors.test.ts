import { describe, expect, it } from 'vitest';
import { explainPostgresError } from '../../src/storage/postgres/postgres-errors.ts';
import { DatabaseProblemError } from '../../src/storage/database-errors.ts';

const URL = 'postgres://touchbase:s3cret@db.example.com:5432/touchbase';
const pgError = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});
const explained = (error: Error) => explainPostgresError(error, URL) as DatabaseProblemError;

describe('PostgreSQL errors as people read them', () => {
  it('a server shutting down or restarting under a connected command is said as that, not as a firewall to check (QA)', () => {
    for (const error of [pgError('the database system is shutting down', '57P03'), pgError('terminating connection due to administrator command', '57P01'), pgError('Connection terminated unexpectedly')]) {
      const e = explained(error);
      expect(e).toBeInstanceOf(DatabaseProblemError);
      expect(e.problem).toBe('cannot-connect');
      expect(e.message).toContain('is shutting down, restarting or not yet accepting connections');
      expect(e.message).not.toContain('firewall');
      expect(e.message).not.toContain('s3cret');
    }
  });

  it('a server that cannot be reached at all still says to check that it runs and that a firewall lets this machine through', () => {
    for (const error of [pgError('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED'), pgError('getaddrinfo ENOTFOUND db.example.com', 'ENOTFOUND')]) {
      const e = explained(error);
      expect(e.problem).toBe('cannot-connect');
      expect(e.message).toContain('check that it runs and listens at that host and port');
      expect(e.message).toContain('firewall');
    }
  });
});
