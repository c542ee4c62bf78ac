import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { sql } from 'kysely';
import { DatabaseProblemError, openMigrated } from '../../src/storage/database.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { planWithHistory, horizonWindow } from '../../src/plan-service.ts';
import { reportError } from '../../src/cli/cli-error.ts';
import { tempDir } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';

const NOW = '2027-01-11T08:00:00+03:00';

/**
 * The real CLI run by a user who may read but not write the database: as root, the
 * unprivileged user nobody (root ignores file modes); otherwise this user, with the file and
 * its folder made read-only.
 */
function asReader(args: string[]) {
  const root = process.getuid?.() === 0;
  const r = spawnSync(process.execPath, [resolve('src/touchbase.js'), ...args], {
    encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL', cwd: resolve('.'),
    env: { ...process.env, HOME: '/tmp', TOUCHBASE_LINK_SECRET: '', TOUCHBASE_FEED_SECRET: '' }, ...(root ? { uid: 65534, gid: 65534 } : {}),
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A database with the example company's plan recorded (and its feed secret), then made read-only for others: 0644 in a 0755 folder. */
async function readOnlyDatabase(): Promise<{ dir: string; db: string }> {
  const dir = tempDir();
  const db = join(dir, 'touchbase.sqlite');
  expect((await cli('sync', '--config', 'config', '--db', db, '--now', NOW, '--no-read-calendars')).code).toBe(0);
  expect(existsSync(`${db}-wal`)).toBe(false); // closed cleanly: everything is in the file
  const root = process.getuid?.() === 0;
  chmodSync(db, root ? 0o644 : 0o444);
  chmodSync(dir, root ? 0o755 : 0o555);
  return { dir, db };
}

describe('a database the user may only read', () => {
  it('a -wal and -shm left read-only by a command run while the file was (SQLite gives them its mode) are made writable again once the file is; the message named them (QA: SQLITE_READONLY after chmod 600 of the file)', async () => {
    const dir = tempDir();
    const db = join(dir, 'touchbase.sqlite');
    expect((await cli('sync', '--config', 'config', '--db', db, '--now', NOW, '--no-read-calendars')).code).toBe(0);
    // The database and its folder are the reader's own (as root: nobody's), the file read-only.
    if (process.getuid?.() === 0) for (const f of [dir, db]) chownSync(f, 65534, 65534);
    chmodSync(db, 0o400);
    const args = ['plan', '--config', resolve('config'), '--db', db, '--now', NOW, '--from', '2027-01-11', '--to', '2027-01-31'];
    expect(asReader(args).code).toBe(1);
    // What that left beside it: the log and index with the file's mode.
    for (const side of ['-wal', '-shm']) expect(statSync(`${db}${side}`).mode & 0o777, side).toBe(0o400);
    chmodSync(db, 0o600);
    const again = asReader(args);
    expect(again.code, again.err).toBe(0);
    for (const side of ['-wal', '-shm']) if (existsSync(`${db}${side}`)) expect(statSync(`${db}${side}`).mode & 0o777, side).toBe(0o600);
  }, 120_000);

  it.runIf(process.getuid?.() === 0)('another user\'s database file, in a folder this user may write, is named as what this user may not read (QA: the message sent them to the folder)', async () => {
    const dir = tempDir();
    const db = join(dir, 'touchbase.sqlite');
    expect((await cli('sync', '--config', 'config', '--db', db, '--now', NOW, '--no-read-calendars')).code).toBe(0);
    chownSync(dir, 65534, 65534);
    chmodSync(db, 0o600);
    const r = asReader(['plan', '--config', resolve('config'), '--db', db, '--now', NOW, '--from', '2027-01-11', '--to', '2027-01-31']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`user nobody may not read it; run touchbase as the user that owns it (ls -l ${db})`);
    expect(r.err).not.toContain('check that its folder');
  }, 120_000);

  // Another user's file beside the reader's database takes root to make (and nobody to read it as).
  it.runIf(process.getuid?.() === 0)('a -shm that is not the user\'s to write is named as what blocks the write, not the file and its folder', async () => {
    const dir = tempDir();
    const db = join(dir, 'touchbase.sqlite');
    expect((await cli('sync', '--config', 'config', '--db', db, '--now', NOW, '--no-read-calendars')).code).toBe(0);
    for (const f of [dir, db]) chownSync(f, 65534, 65534);
    // root's, read-only: nobody may not change it.
    writeFileSync(`${db}-shm`, '');
    chmodSync(`${db}-shm`, 0o444);
    const r = asReader(['plan', '--config', resolve('config'), '--db', db, '--now', NOW, '--from', '2027-01-11', '--to', '2027-01-31']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`cannot write ${db}: ${db}-shm is read-only for user`);
  }, 120_000);

  it('reading commands work on it: plan --no-save, history, report, status, feeds, validate', async () => {
    const { db } = await readOnlyDatabase();
    const cfg = ['--config', resolve('config'), '--db', db];
    const plan = asReader(['plan', ...cfg, '--no-save', '--now', NOW, '--from', '2027-01-11', '--to', '2027-01-31']);
    expect(plan.code, plan.err).toBe(0);
    expect(plan.out).toMatch(/\d{4}-\d{2}-\d{2}/);
    const history = asReader(['history', ...cfg, '--all']);
    expect(history.code, history.err).toBe(0);
    expect(history.out).toContain('запланировано'); // the example company is Russian
    const report = asReader(['report', 'coverage', ...cfg, '--now', NOW]);
    expect(report.code, report.err).toBe(0);
    const status = asReader(['status', ...cfg]);
    expect(status.code, status.err).toBe(0);
    expect(status.out).toContain('демон: не запущен'); // with --config, in the company's language
    const feeds = asReader(['feeds', ...cfg]);
    expect(feeds.code, feeds.err).toBe(0);
    expect(feeds.out).toMatch(/\/feeds\/[A-Za-z0-9_-]{32}\.ics/);
    expect(asReader(['validate', ...cfg]).code).toBe(0);
  }, 120_000);

  it('a command that writes says the file is read-only for this user and what to do (exit 1)', async () => {
    const { db } = await readOnlyDatabase();
    const r = asReader(['plan', '--config', resolve('config'), '--db', db, '--now', NOW]);
    expect(r.code).toBe(1);
    // The file and its folder, named: both are read-only for this user.
    expect(r.err).toContain(`cannot write ${db}: ${db}, ${dirname(db)} are read-only for user`);
    expect(r.err).toMatch(/are read-only for user \S+ .*Run touchbase as the user that owns it/);
    expect(r.err).not.toContain('    at '); // no stack trace
  }, 60_000);

  it('the daemon started on it in a folder this user may not write says so and what to do, as the commands do (exit 1, no stack)', async () => {
    const { dir, db } = await readOnlyDatabase();
    const r = asReader(['daemon', '--config', resolve('config'), '--db', db, '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`cannot write ${db}: ${db}, ${dir} are read-only for user`);
    expect(r.err).toContain('Run touchbase as the user that owns it');
    expect(r.err).not.toContain('    at ');
    expect(r.err).not.toMatch(/^touchbase: EACCES/m);
  }, 60_000);

  it('a database this user may not read at all is named, with what to do', async () => {
    const { db } = await readOnlyDatabase();
    chmodSync(db, 0o600);
    if (process.getuid?.() !== 0) chmodSync(db, 0o000);
    const r = asReader(['history', '--config', resolve('config'), '--db', db]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`may not read ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\((EACCES|EPERM)\\)`));
  }, 60_000);

  it('a reading command on a database that needs a migration says so when it cannot write it', async () => {
    const dir = tempDir();
    const db = join(dir, 'touchbase.sqlite');
    const old = await openMigrated(db);
    await sql`delete from kysely_migration where name = '0005_workflows'`.execute(old);
    await old.destroy();
    const root = process.getuid?.() === 0;
    chmodSync(db, root ? 0o644 : 0o444);
    chmodSync(dir, root ? 0o755 : 0o555);
    const r = asReader(['history', '--config', resolve('config'), '--db', db]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${db} needs upgrading to this version of touchbase (migration 0005_workflows), but this user cannot write it: run "touchbase migrate --db ${db}" once as the user that owns it`);
  }, 60_000);
});

describe('a full disk', () => {
  it('is said plainly, naming the file (not "cannot rollback - no transaction is active"), and nothing half-written stays', async () => {
    const file = join(tempDir(), 'touchbase.sqlite');
    const db = await openMigrated(file);
    // The disk fills up: SQLite may not grow the file by a single page more.
    const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(db);
    await sql.raw(`pragma max_page_count = ${rows[0]!.page_count + 2}`).execute(db);
    const config = loadConfig(resolve('config'));
    const now = DateTime.fromISO(NOW, { setZone: true });
    const error = await planWithHistory(db, config, horizonWindow(config, now), now, true).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseProblemError);
    expect((error as DatabaseProblemError).problem).toBe('full');
    let printed = '';
    const code = reportError(error, { write: (s: string) => { printed += s; return true; } } as NodeJS.WritableStream);
    expect(code).toBe(1);
    expect(printed).toContain(`touchbase: cannot write ${file}: the disk (or the quota) of`);
    expect(printed).toContain('is full (SQLITE_FULL');
    expect(printed).toContain('Nothing of this change was written. Free some space');
    expect(printed).not.toContain('cannot rollback');
    // The transaction was rolled back whole, and the database still works.
    expect(await db.selectFrom('touches').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst()).toEqual({ n: 0 });
    await db.destroy();
  });
});

describe('a database written by a newer touchbase', () => {
  it('is refused with its file and what to do, by writing and reading commands alike (exit 1, nothing changed)', async () => {
    const file = join(tempDir(), 'touchbase.sqlite');
    const db = await openMigrated(file);
    await sql`insert into kysely_migration (name, timestamp) values ('0099_from_the_future', '2030-01-01T00:00:00.000Z')`.execute(db);
    await db.destroy();
    for (const args of [['plan', '--now', NOW], ['history'], ['migrate']]) {
      const r = await cli(...args, '--config', 'config', '--db', file);
      expect(r.code, args[0]).toBe(1);
      expect(r.err).toContain(`touchbase: ${file} was written by a newer version of touchbase (it has migration 0099_from_the_future, which this version does not know). Upgrade touchbase`);
      expect(r.err).not.toContain('corrupted migrations');
    }
  });
});
