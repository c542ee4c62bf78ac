import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DaemonLock, recordedDaemonFiles } from '../../src/storage/daemon-lock.ts';
import { databaseFileIdentity, setAsideLogsOfReplacedFile, sideFilesIdentity } from '../../src/storage/database-file.ts';
import { tempDir } from '../helpers/config-folder.ts';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** A database file in WAL mode with its -wal and -shm beside it, held open by this connection. */
function walDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('create table t (x integer); insert into t values (1)');
  return db;
}

describe('what a killed daemon leaves for the next start', () => {
  it('its record of the files it opened survives a start that could not deal with them (kept, not removed, by that start)', () => {
    const dir = tempDir();
    const file = join(dir, 'touchbase.sqlite');
    writeFileSync(file, '');
    const first = DaemonLock.acquire(file, { pid: 4242, startedAt: '2027-03-01T08:00:00Z' });
    first.recordFiles({ db: '1:100', side: '1:101|1:102' });
    // Killed: its lock goes with the process, its pid file stays (simulated: the lock released, the file put back).
    const record = readFileSync(`${file}.daemon-pid`, 'utf8');
    first.release();
    writeFileSync(`${file}.daemon-pid`, record);
    const second = DaemonLock.acquire(file, { pid: 4343, startedAt: '2027-03-01T08:05:00Z' });
    expect(second.previousFiles).toEqual({ db: '1:100', side: '1:101|1:102' });
    // Until it records its own, the killed one's record is in the file it wrote — as the killed
    // one's, not as the files it runs on (a command must not take them for those: review).
    expect(JSON.parse(readFileSync(`${file}.daemon-pid`, 'utf8'))).toMatchObject({ pid: 4343, killedFiles: { db: '1:100' } });
    expect(recordedDaemonFiles(file)).toBeUndefined();
    // Its start failed on them: the record stays for the next start.
    second.keepRecord();
    second.release();
    const third = DaemonLock.acquire(file, { pid: 4444, startedAt: '2027-03-01T08:06:00Z' });
    expect(third.previousFiles).toEqual({ db: '1:100', side: '1:101|1:102' });
    third.recordFiles({ db: '1:200', side: undefined });
    expect(recordedDaemonFiles(file)).toEqual({ db: '1:200', side: undefined });
    third.release();
    expect(existsSync(`${file}.daemon-pid`)).toBe(false);
  });

  it('the old log is not moved while another process has the file or it open: said, with its pid; moved once it is gone', async () => {
    const dir = tempDir();
    const file = join(dir, 'touchbase.sqlite');
    const old = walDatabase(file);
    const recorded = { db: databaseFileIdentity(file)!, side: sideFilesIdentity(file) };
    // The backup put in its place by mv, under the (killed) daemon: the old log is still beside it.
    const backup = join(dir, 'backup.sqlite');
    new Database(backup).exec('create table t (x integer)');
    renameSync(backup, file);
    // Another process (a command) has the new file open, with the log it found there.
    const child = spawn(process.execPath, ['-e', `const D = require(${JSON.stringify(resolve('node_modules/better-sqlite3'))}); const d = new D(${JSON.stringify(file)}); d.prepare('select count(*) from sqlite_master').get(); console.log('open'); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    await once(child.stdout!, 'data');
    expect(() => setAsideLogsOfReplacedFile(file, recorded, '20270301T080000Z')).toThrow(new RegExp(`process ${child.pid} has ${file} or its -wal/-shm open`));
    expect(readdirSync(dir).some((f) => f.includes('of-replaced'))).toBe(false);
    child.kill('SIGKILL');
    await once(child, 'exit');
    // The killed daemon's own connection (this one's here) is the old file's: not another process.
    const moved = setAsideLogsOfReplacedFile(file, recorded, '20270301T080000Z');
    expect(moved.map((m) => m.slice(file.length))).toEqual(['-wal.of-replaced-20270301T080000Z', '-shm.of-replaced-20270301T080000Z']);
    old.close();
  });
});
