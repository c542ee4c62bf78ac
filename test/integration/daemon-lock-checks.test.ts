import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { acquireDaemonLock, isDaemonRunning } from '../../src/storage/daemon-lock.ts';
import { tempDatabaseLocation, testBackend } from '../helpers/test-backend.ts';

/**
 * Asking whether a daemon runs (`touchbase status`, and every daemon that shares the work, as it
 * starts) must never make a daemon starting at that moment believe another one runs: two
 * daemons started together once refused each other that way.
 */
describe('checks for a running daemon never stop one from starting', () => {
  const postgres = testBackend() === 'postgres';
  it(postgres ? 'PostgreSQL: the check reads pg_locks and never takes the lock, so a start beside checks always gets it'
    : 'SQLite: a start waits out a check that holds the lock file for a moment', () => (postgres ? startsBesideChecks() : startWaitsOutACheck()));
});

async function startsBesideChecks(): Promise<void> {
  const location = await tempDatabaseLocation();
  for (let round = 0; round < 25; round++) {
    const [held, ...checks] = await Promise.all([
      acquireDaemonLock(location, { pid: 4242, startedAt: '2027-03-01T05:00:00.000Z' }),
      isDaemonRunning(location), isDaemonRunning(location), isDaemonRunning(location),
    ]);
    expect(checks.every((c) => typeof c === 'boolean')).toBe(true);
    expect(await isDaemonRunning(location)).toBe(true);
    await held.release();
    expect(await isDaemonRunning(location)).toBe(false);
  }
}

async function startWaitsOutACheck(): Promise<void> {
  const location = await tempDatabaseLocation();
  // Another process takes the lock as a check does (holder-less), holds it 300 ms, lets go.
  const checker = spawn(process.execPath, ['--input-type=module', '-e', `
    import SQLite from 'better-sqlite3';
    const db = new SQLite(process.argv[1] + '.daemon-lock', { timeout: 0 });
    db.exec('BEGIN EXCLUSIVE');
    console.log('holding');
    setTimeout(() => { db.exec('ROLLBACK'); db.close(); }, 300);
  `, location], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await once(checker.stdout!, 'data');
    const held = await acquireDaemonLock(location, { pid: 4242, startedAt: '2027-03-01T05:00:00.000Z' });
    expect(await isDaemonRunning(location)).toBe(true);
    await held.release();
    expect(await isDaemonRunning(location)).toBe(false);
  } finally {
    if (checker.exitCode === null && checker.signalCode === null) {
      checker.kill('SIGKILL');
      await once(checker, 'exit');
    }
  }
}
