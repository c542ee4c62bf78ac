import { describe, expect, it } from 'vitest';
import { daemonApp, publicStatus, type DaemonAppDeps } from '../../src/http/daemon-app.ts';
import { databaseOutOfReach, DatabaseProblemError, errorCodeOf } from '../../src/storage/database-errors.ts';
import { fixedClock } from '../../src/clock.ts';
import { DateTime } from 'luxon';

const TOKEN = 't'.repeat(40);
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** The daemon's HTTP app over a database that fails every read as `failure` says. */
function appFailingWith(failure: () => Error) {
  const deps = {
    feedDir: '/nonexistent', db: undefined as never, clock: fixedClock(DateTime.fromISO('2027-03-01T09:00:00Z')), apiToken: TOKEN,
    linkSecret: async () => 's'.repeat(40), zoneOf: () => 'UTC', readiness: async () => ({ ready: false }),
    status: async () => { throw failure(); }, metrics: { text: async () => '', contentType: 'text/plain' }, onOutcome: () => undefined,
    onServerError: () => undefined,
  } as unknown as DaemonAppDeps;
  return daemonApp(deps);
}

describe('the daemon\'s HTTP answers while its database is out of reach', () => {
  it('503 with Retry-After (send it again), not 500, when the database cannot be reached; 500 for a fault of ours', async () => {
    const down = appFailingWith(refused);
    const api = await down.request('/api/status', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(api.status).toBe(503);
    expect(api.headers.get('retry-after')).toBe('60');
    expect(await api.json()).toEqual({ error: 'the database is busy or out of reach now; nothing was recorded: send it again in a minute' });
    expect((await down.request('/status')).status).toBe(503);
    // An address the API does not have: JSON, as its other errors (behind the token like the rest).
    const unknown = await down.request('/api/nothing', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: expect.stringContaining('no such address: /api/nothing') }]);
    const broken = appFailingWith(() => new TypeError('x is undefined'));
    expect((await broken.request('/api/status', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(500);
  });

  it.each([
    ['refused', refused(), true],
    ['PostgreSQL shutting down (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }), true],
    ['a connection cut', new Error('Connection terminated unexpectedly'), true],
    ['explained: cannot connect', new DatabaseProblemError('cannot-connect', 'postgres://h/db', 'cannot connect'), true],
    ['explained: a full disk (sending again will not help)', new DatabaseProblemError('full', 'x.sqlite', 'full'), false],
    ['a constraint', Object.assign(new Error('duplicate key'), { code: '23505' }), false],
  ])('%s', (_what, error, outOfReach) => {
    expect(databaseOutOfReach(error)).toBe(outOfReach);
    // As the daemon sees it from a job process (an event is received there): a message and a code (QA: an event got a 500 while PostgreSQL was stopped).
    expect(databaseOutOfReach(Object.assign(new Error(error.message), errorCodeOf(error)))).toBe(outOfReach);
  });
});

describe('the public status of daemons that share a database', () => {
  it('is running while any of them is alive, though the one that stopped last wrote its stop into the shared record', () => {
    const shared = { startedAt: '2027-03-01T08:00:00Z', stoppedAt: '2027-03-01T09:00:00Z', jobs: [], instances: [{ live: false }, { live: true }] };
    expect(publicStatus(shared)).toMatchObject({ running: true });
    expect(publicStatus({ ...shared, instances: [{ live: false }] })).toMatchObject({ running: false });
    // A daemon working alone keeps no registry: its start and stop say it.
    expect(publicStatus({ startedAt: '2027-03-01T08:00:00Z', stoppedAt: '', jobs: [] })).toMatchObject({ running: true });
  });
});
