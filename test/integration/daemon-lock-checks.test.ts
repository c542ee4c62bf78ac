import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDaemonLock, DaemonAlreadyRunningError, DaemonLock, isDaemonRunning } from '../../src/storage/daemon-lock.ts';
import { tempDir } from '../helpers/config-folder.ts';
import { tempDatabaseLocation, testBackend } from '../helpers/test-backend.ts';
import SQLite from 'better-sqlite3';
import { MIGRATION_NAMES, migrateTo, openDatabase, openMigrated } from '../../src/storage/database.ts';
import { cli } from '../helpers/run-cli.ts';

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

describe('no command upgrades a database a daemon of an older version runs on (QA 2026-12-06)', () => {
  // After a git pull, "touchbase status" migrated the database under the old daemon, whose every
  // job then failed on a database "written by a newer version" while /readyz said ready.
  it('a command (a job process opens it as commands do) and "touchbase migrate" refuse and change nothing; the daemon itself upgrades it', async () => {
    const file = join(tempDir(), 'tb.sqlite');
    const old = openDatabase(file);
    // One migration behind this version.
    await migrateTo(old, MIGRATION_NAMES.at(-2)!);
    await old.destroy();
    const migrations = () => {
      const raw = new SQLite(file, { readonly: true });
      try {
        return (raw.prepare('select count(*) as n from kysely_migration').get() as { n: number }).n;
      } finally {
        raw.close();
      }
    };
    expect(migrations()).toBe(MIGRATION_NAMES.length - 1);
    const daemon = DaemonLock.acquire(file, { pid: 4242, startedAt: '2027-03-01T05:00:00.000Z' });
    try {
      await expect(openMigrated(file)).rejects.toThrow(`needs upgrading to this version of touchbase (migration ${MIGRATION_NAMES.at(-1)}), and a daemon runs on it (pid 4242), of an older version`);
      await expect(openMigrated(file)).rejects.toThrow(/restart the daemon/);
      for (const argv of [['status', '--db', file], ['migrate', '--db', file]]) {
        const r = await cli(...argv);
        expect(r.code, argv[0]).not.toBe(0);
        expect(r.err, argv[0]).toMatch(/a daemon runs on it \(pid 4242\), of an older version/);
      }
      expect(migrations()).toBe(MIGRATION_NAMES.length - 1);
      // The daemon that holds the lock is the one that upgrades.
      await (await openMigrated(file, { ownDaemon: true })).destroy();
      expect(migrations()).toBe(MIGRATION_NAMES.length);
      // Up to date: a command beside the daemon runs as ever.
      await (await openMigrated(file)).destroy();
    } finally {
      daemon.release();
    }
  });
});

describe('SQLite: one daemon per database file, however it is reached', () => {
  it('a second daemon through a symbolic link to the file, or to its folder, is refused; status sees the first through either', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'tb.sqlite'), '');
    symlinkSync(join(dir, 'data', 'tb.sqlite'), join(dir, 'other.sqlite'));
    symlinkSync(join(dir, 'data'), join(dir, 'alias'));
    const first = DaemonLock.acquire(join(dir, 'data', 'tb.sqlite'), { pid: 4242, startedAt: '2027-03-01T05:00:00.000Z' });
    try {
      for (const path of [join(dir, 'other.sqlite'), join(dir, 'alias', 'tb.sqlite')]) {
        expect(() => DaemonLock.acquire(path, { pid: 4343, startedAt: '2027-03-01T05:01:00.000Z' })).toThrow(DaemonAlreadyRunningError);
        expect(() => DaemonLock.acquire(path, { pid: 4343, startedAt: '2027-03-01T05:01:00.000Z' })).toThrow(/pid 4242/);
        expect(DaemonLock.isHeld(path)).toBe(true);
      }
    } finally {
      first.release();
    }
    expect(DaemonLock.isHeld(join(dir, 'other.sqlite'))).toBe(false);
  });

  it('a daemon on a database whose folder is not there yet makes the folder (as migrate does); a check does not', () => {
    const dir = tempDir();
    expect(DaemonLock.isHeld(join(dir, 'none', 'tb.sqlite'))).toBe(false);
    expect(existsSync(join(dir, 'none'))).toBe(false);
    const held = DaemonLock.acquire(join(dir, 'acme', 'tb.sqlite'), { pid: 4242, startedAt: '2027-03-01T05:00:00.000Z' });
    held.release();
    expect(existsSync(join(dir, 'acme'))).toBe(true);
  });

  it('a check on a database no daemon ever ran on (a backup, an export) leaves nothing beside it', () => {
    const dir = tempDir();
    const backup = join(dir, 'backups', 'tb-2027-03-01.sqlite');
    mkdirSync(join(dir, 'backups'));
    new SQLite(backup).close();
    expect(DaemonLock.isHeld(backup)).toBe(false);
    expect(readdirSync(join(dir, 'backups'))).toEqual(['tb-2027-03-01.sqlite']);
    // Once a daemon ran there, the file it leaves is what a check looks at.
    DaemonLock.acquire(backup, { pid: 4242, startedAt: '2027-03-01T05:00:00.000Z' }).release();
    expect(DaemonLock.isHeld(backup)).toBe(false);
    const held = DaemonLock.acquire(backup, { pid: 4242, startedAt: '2027-03-01T05:00:00.000Z' });
    expect(DaemonLock.isHeld(backup)).toBe(true);
    held.release();
  });
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
