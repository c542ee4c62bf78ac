import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { chmodSync, existsSync, linkSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join, resolve } from 'node:path';
import { openDatabase, openMigrated, openReadOnly } from '../../src/storage/database.ts';
import { prepareFeedFolder } from '../../src/storage/private-files.ts';
import { DaemonLock } from '../../src/storage/daemon-lock.ts';
import { Daemon } from '../../src/daemon/daemon.ts';
import { WeakSecretError } from '../../src/storage/local-secrets.ts';
import { tempDir } from '../helpers/config-folder.ts';

const mode = (path: string) => (statSync(path).mode & 0o7777).toString(8);

/** The real CLI in its own process (the daemon command reads the real environment), with a deadline. */
function touchbase(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [resolve('src/touchbase.js'), ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
  return { code: r.status, err: r.stderr, out: r.stdout };
}

/** The daemon started with `variable=value` exits 2 saying `message` (a pattern, or text it contains), with no database made. */
function expectRefusedAtStart(variable: string, value: string, message: RegExp | string): void {
  const dir = tempDir();
  const db = join(dir, 'touchbase.sqlite');
  const r = touchbase(['daemon', '--config', resolve('config'), '--db', db, '--port', '0'], { [variable]: value, TOUCHBASE_FEEDS_DIR: join(dir, 'feeds') });
  expect(r.code).toBe(2);
  if (typeof message === 'string') expect(r.err).toContain(message);
  else expect(r.err).toMatch(message);
  expect(existsSync(db)).toBe(false);
}

const locks: DaemonLock[] = [];
afterEach(() => {
  for (const l of locks.splice(0)) l.release();
});

describe('secrets shorter than 32 characters are refused at start', () => {
  it.each([
    ['TOUCHBASE_LINK_SECRET', 'x', /TOUCHBASE_LINK_SECRET is 1 character long; it must be at least 32 \(128 bits: it signs the one-click/],
    ['TOUCHBASE_FEED_SECRET', 'short-secret', /TOUCHBASE_FEED_SECRET is 12 characters long; it must be at least 32 .*feed addresses unguessable/],
    ['TOUCHBASE_API_TOKEN', 'abc', /TOUCHBASE_API_TOKEN is 3 characters long; it must be at least 32 .*openssl rand -hex 32/],
    // Checked on first use only, it broke every dashboard page (500) of a daemon that had started.
    ['TOUCHBASE_SESSION_SECRET', 'short', /TOUCHBASE_SESSION_SECRET is 5 characters long; it must be at least 32 .*sign-in sessions/],
    // Spaces carry nothing: 36 of them are no secret.
    ['TOUCHBASE_SESSION_SECRET', ' '.repeat(36), /TOUCHBASE_SESSION_SECRET is 0 characters long without its leading and trailing spaces; it must be at least 32/],
    // Long enough, but refused by the API's Authorization check: every request got a bare 400.
    ['TOUCHBASE_API_TOKEN', 'correct-horse-battery-staple!-0123456789', /TOUCHBASE_API_TOKEN contains "!", which an "Authorization: Bearer" header cannot carry/],
  ])('%s=%s: the daemon exits 2 with why, before opening anything', (variable, value, message) => expectRefusedAtStart(variable, value, message), 90_000);

  it('a bad token in TOUCHBASE_API_TOKEN_FILE is named by that file, not by TOUCHBASE_API_TOKEN (which was not set)', () => {
    const dir = tempDir();
    const file = join(dir, 'api-token');
    for (const [token, message] of [
      ['abcdefghijabcdefghijabcdefghij12!!', 'contains "!"'],
      ['q7Zx9', 'is 5 characters long'],
    ] as const) {
      writeFileSync(file, `${token}\n`, { mode: 0o600 });
      const r = touchbase(['daemon', '--config', resolve('config'), '--db', join(dir, 'touchbase.sqlite'), '--port', '0'], { TOUCHBASE_API_TOKEN_FILE: file, TOUCHBASE_FEEDS_DIR: join(dir, 'feeds') });
      expect(r.code).toBe(2);
      expect(r.err).toContain(`The token in TOUCHBASE_API_TOKEN_FILE (${file}) ${message}`);
      expect(r.err).not.toContain(token);
    }
    // Named and empty (or spaces): refused, not the API turned off in silence.
    writeFileSync(file, '   \n', { mode: 0o600 });
    const empty = touchbase(['daemon', '--config', resolve('config'), '--db', join(dir, 'touchbase.sqlite'), '--port', '0'], { TOUCHBASE_API_TOKEN_FILE: file, TOUCHBASE_FEEDS_DIR: join(dir, 'feeds') });
    expect(empty.code).toBe(2);
    expect(empty.err).toContain(`TOUCHBASE_API_TOKEN_FILE: ${file} has no token on its first line`);
  }, 90_000);

  it('TOUCHBASE_LOG_LEVEL=verbose: the daemon exits 2 naming the variable, the value and the levels, before opening anything (QA readme F6)', () => {
    const dir = tempDir();
    const db = join(dir, 'touchbase.sqlite');
    const r = touchbase(['daemon', '--config', resolve('config'), '--db', db, '--port', '0'], { TOUCHBASE_LOG_LEVEL: 'verbose', TOUCHBASE_FEEDS_DIR: join(dir, 'feeds') });
    expect(r.code).toBe(2);
    expect(r.err).toContain('TOUCHBASE_LOG_LEVEL: expected one of trace, debug, info, warn, error, fatal, silent (default info), found "verbose"');
    expect(existsSync(db)).toBe(false);
  }, 90_000);

  it.each([
    ['TOUCHBASE_PUBLIC_URL', 'notaurl', 'TOUCHBASE_PUBLIC_URL: expected an http(s) address like https://touchbase.example.com, with no ?query or #fragment (links are added to it), found "notaurl"'],
    ['TOUCHBASE_PUBLIC_URL', 'https://x.example/t?a=1', 'TOUCHBASE_PUBLIC_URL: expected an http(s) address like https://touchbase.example.com, with no ?query or #fragment (links are added to it), found "https://x.example/t?a=1"'],
    ['GOOGLE_SERVICE_ACCOUNT_KEY_FILE', '/nonexistent/key.json', 'GOOGLE_SERVICE_ACCOUNT_KEY_FILE: cannot read /nonexistent/key.json (ENOENT)'],
  ])('%s=%s: the daemon exits 2 naming it before opening anything, not serving links to nowhere or failing every job', (name, value, message) => expectRefusedAtStart(name, value, message), 90_000);

  it('TOUCHBASE_FEEDS_DIR set empty (as .env.example has it) is not set: the feeds go beside the database; naming a file, it is refused', () => {
    const dir = tempDir();
    const db = join(dir, 'touchbase.sqlite');
    const empty = touchbase(['once', '--config', resolve('config'), '--db', db, '--now', '2027-03-01T09:00:00+03:00'], { TOUCHBASE_FEEDS_DIR: '' });
    expect(empty.code, empty.err).toBe(0);
    expect(statSync(join(dir, 'feeds')).isDirectory()).toBe(true);
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, '');
    const aFile = touchbase(['once', '--config', resolve('config'), '--db', db, '--now', '2027-03-01T09:00:00+03:00'], { TOUCHBASE_FEEDS_DIR: file });
    expect(aFile.code).toBe(2);
    expect(aFile.err).toContain(`TOUCHBASE_FEEDS_DIR: expected a folder for the feed files, found ${file}, which is a file`);
  }, 90_000);

  it.each(['on', 'yes'])('TOUCHBASE_SHARED_WORK=%s on a SQLite file: the daemon exits 2 saying why, instead of dropping its lock in silence (QA readme F7)', (value) => {
    const dir = tempDir();
    const db = join(dir, 'touchbase.sqlite');
    const r = touchbase(['daemon', '--config', resolve('config'), '--db', db, '--port', '0'], { TOUCHBASE_SHARED_WORK: value, TOUCHBASE_FEEDS_DIR: join(dir, 'feeds') });
    expect(r.code).toBe(2);
    expect(r.err).toContain(`TOUCHBASE_SHARED_WORK=${value}: the database is a SQLite file, which one daemon works on alone, holding its lock`);
    expect(r.err).toContain('unset TOUCHBASE_SHARED_WORK (or set it to off)');
    expect(existsSync(db)).toBe(false);
  }, 90_000);

  it('the Daemon refuses a short API token, and a secret of 32 characters is accepted', async () => {
    const dir = tempDir();
    const daemon = new Daemon({ configDir: resolve('config'), dbFile: join(dir, 't.sqlite'), feedDir: join(dir, 'feeds'), apiToken: 'short', http: false, watch: false });
    await expect(daemon.start()).rejects.toThrow(WeakSecretError);
    const r = touchbase(['feeds', '--config', resolve('config'), '--db', join(dir, 'ok.sqlite')], { TOUCHBASE_FEED_SECRET: 'f'.repeat(32) });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\/feeds\/[A-Za-z0-9_-]{32}\.ics/);
  }, 90_000);
});

describe('file modes: the database, its lock and the feeds are their owner\'s alone', () => {
  it('a new database and its -wal and -shm are created 0600, even under a lax umask', async () => {
    const previous = process.umask(0o022);
    try {
      const file = join(tempDir(), 'sub', 'touchbase.sqlite');
      const db = await openMigrated(file);
      await db.insertInto('daemon_info').values({ key: 'k', value: 'v' }).execute();
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f), f).toBe('600');
      await db.destroy();
      locks.push(DaemonLock.acquire(file, { pid: process.pid, startedAt: 'now' }));
      expect(mode(`${file}.daemon-lock`)).toBe('600');
      expect(mode(`${file}.daemon-pid`)).toBe('600');
    } finally {
      process.umask(previous);
    }
  });

  it('existing world-readable files are tightened: the database, its lock, the feed folder and feeds', async () => {
    const dir = tempDir();
    const file = join(dir, 'touchbase.sqlite');
    await (await openMigrated(file)).destroy();
    writeFileSync(`${file}.daemon-lock`, '');
    for (const f of [file, `${file}.daemon-lock`]) chmodSync(f, 0o644);
    const db = openDatabase(file);
    expect(mode(file)).toBe('600');
    await db.destroy();
    // A reading command (history, status, report) as well, and the -shm it makes is 0600 too.
    chmodSync(file, 0o644);
    const reader = openReadOnly(file);
    await reader.selectFrom('touches').select('id').execute();
    expect(mode(file)).toBe('600');
    if (existsSync(`${file}-shm`)) expect(mode(`${file}-shm`)).toBe('600');
    await reader.destroy();
    locks.push(DaemonLock.acquire(file, undefined));
    expect(mode(`${file}.daemon-lock`)).toBe('600');

    const feeds = join(dir, 'feeds');
    mkdirSync(feeds, { mode: 0o755 });
    chmodSync(feeds, 0o755);
    writeFileSync(join(feeds, 'a.ics'), 'BEGIN:VCALENDAR', { mode: 0o644 });
    chmodSync(join(feeds, 'a.ics'), 0o644);
    expect(prepareFeedFolder(feeds, 'private').sort()).toEqual([feeds, join(feeds, 'a.ics')].sort());
    expect(mode(feeds)).toBe('700');
    expect(mode(join(feeds, 'a.ics'))).toBe('600');
  });

  it('TOUCHBASE_FEEDS_MODE=group keeps the feeds readable by the folder\'s group (and its set-group-id bit)', () => {
    const feeds = join(tempDir(), 'feeds');
    mkdirSync(feeds);
    chmodSync(feeds, 0o2775);
    writeFileSync(join(feeds, 'a.ics'), 'BEGIN:VCALENDAR');
    chmodSync(join(feeds, 'a.ics'), 0o664);
    prepareFeedFolder(feeds, 'group');
    expect(mode(feeds)).toBe('2750');
    expect(mode(join(feeds, 'a.ics'))).toBe('640');
  });

  it('the CLI creates feeds owner-only (its umask), and with TOUCHBASE_FEEDS_MODE=group readable by the group', () => {
    for (const [access, dirMode, fileMode] of [['private', '700', '600'], ['group', '750', '640']] as const) {
      const dir = tempDir();
      const feeds = join(dir, 'feeds');
      const r = touchbase(['sync', '--config', resolve('config'), '--db', join(dir, 't.sqlite'), '--now', '2027-01-11T08:00:00+03:00', '--no-read-calendars'],
        { TOUCHBASE_FEEDS_DIR: feeds, TOUCHBASE_FEEDS_MODE: access });
      expect(r.code, r.err).toBe(0);
      expect(mode(feeds), access).toBe(dirMode);
      const files = spawnSync('ls', [feeds], { encoding: 'utf8' }).stdout.trim().split('\n');
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(mode(join(feeds, f)), `${access} ${f}`).toBe(fileMode);
      expect(mode(join(dir, 't.sqlite'))).toBe('600');
    }
  }, 120_000);

  it('the built entry started on its own (node dist/touchbase.js) under a lax umask creates the database and feeds owner-only too', () => {
    // The bin builds dist/ when it is older than the sources: then it is this checkout's.
    expect(touchbase(['--help'], {}).code).toBe(0);
    const dir = tempDir();
    const feeds = join(dir, 'feeds');
    const r = spawnSync('sh', ['-c', `umask 022 && exec "${process.execPath}" dist/touchbase.js sync --config config --db "${join(dir, 't.sqlite')}" --now 2027-01-11T08:00:00+03:00 --no-read-calendars`], {
      env: { ...process.env, TOUCHBASE_FEEDS_DIR: feeds }, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL',
    });
    expect(r.status, r.stderr).toBe(0);
    const files = spawnSync('ls', [feeds], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(mode(join(feeds, f)), f).toBe('600');
    expect(mode(join(dir, 't.sqlite'))).toBe('600');
  }, 120_000);
});

describe('one daemon per database file, whatever the path to it', () => {
  it('a daemon started through a hard link to a database another daemon runs on refuses to start (its lock is beside the other path)', async () => {
    const dir = tempDir();
    const db = join(dir, 'touchbase.sqlite');
    const env = { ...process.env, TOUCHBASE_FEEDS_DIR: join(dir, 'feeds'), TOUCHBASE_LINK_SECRET: 'l'.repeat(40), TOUCHBASE_FEED_SECRET: 'f'.repeat(40) };
    const first = spawn(process.execPath, [resolve('src/touchbase.js'), 'daemon', '--config', resolve('config'), '--db', db, '--port', '0'], { env, stdio: 'ignore' });
    const exited = once(first, 'exit');
    try {
      // Started: it recorded itself in the database.
      const deadline = Date.now() + 60_000;
      const recorded = () => {
        if (!existsSync(db)) return false;
        const reader = new Database(db, { readonly: true, fileMustExist: true });
        try {
          return (reader.prepare("select value from daemon_info where key = 'pid'").get() as { value: string } | undefined)?.value === String(first.pid);
        } catch {
          return false;
        } finally {
          reader.close();
        }
      };
      while (!recorded()) {
        expect(Date.now(), 'the first daemon did not start').toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, 200));
      }
      mkdirSync(join(dir, 'other'));
      linkSync(db, join(dir, 'other', 'same.sqlite'));
      const second = spawnSync(process.execPath, [resolve('src/touchbase.js'), 'daemon', '--config', resolve('config'), '--db', join(dir, 'other', 'same.sqlite'), '--port', '0'], {
        env, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL',
      });
      // Exit status 2: a database another daemon serves is for someone to mend, not a failure a unit restarts every 10 s (QA).
      expect(second.status).toBe(2);
      expect(second.stderr).toContain(`another touchbase daemon (pid ${first.pid}) is running on ${join(dir, 'other', 'same.sqlite')} through another path to the same file (${db}: a hard link?)`);
      expect(existsSync(join(dir, 'other', 'same.sqlite-wal'))).toBe(false);
      // Nor the lock file it made there (QA: left behind).
      expect(existsSync(join(dir, 'other', 'same.sqlite.daemon-lock'))).toBe(false);
      // A command through the link is refused too, naming the daemon's path: it saw no daemon and wrote a log of its own (QA).
      const command = spawnSync(process.execPath, [resolve('src/touchbase.js'), 'history', '--config', resolve('config'), '--db', join(dir, 'other', 'same.sqlite')], { env, encoding: 'utf8', timeout: 60_000 });
      expect(command.status).toBe(2);
      expect(command.stderr).toContain(`a touchbase daemon (pid ${first.pid}) runs on this database through another path to the same file, ${db} (a hard link?): give --db ${db}, so that both use the same log`);
      expect(existsSync(join(dir, 'other', 'same.sqlite-wal'))).toBe(false);
      // Through its own path, as always.
      expect(spawnSync(process.execPath, [resolve('src/touchbase.js'), 'history', '--config', resolve('config'), '--db', db], { env, encoding: 'utf8', timeout: 60_000 }).status).toBe(0);
    } finally {
      first.kill('SIGTERM');
      await exited;
    }
  }, 120_000);
});

describe('the daemon\'s pid file beside the database', () => {
  it('is not left behind by a daemon that could not start (its port busy); on a database that was there, the database and its lock file stay', async () => {
    const busy = createServer();
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    try {
      const dir = tempDir();
      const db = join(dir, 't.sqlite');
      await (await openMigrated(db)).destroy();
      const r = touchbase(['daemon', '--config', resolve('config'), '--db', db, '--port', String((busy.address() as AddressInfo).port)], { TOUCHBASE_FEEDS_DIR: join(dir, 'feeds') });
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(/127\.0\.0\.1:\d+ is already in use/);
      // It did hold the lock (and wrote who held it) before it failed to listen.
      expect(existsSync(db)).toBe(true);
      expect(existsSync(`${db}.daemon-lock`)).toBe(true);
      expect(existsSync(`${db}.daemon-pid`)).toBe(false);
    } finally {
      busy.close();
    }
  }, 90_000);

  it('a daemon that could not start (its port busy) on a --db where there was nothing leaves nothing there: no database, lock or feed folder (QA readme F5)', async () => {
    const busy = createServer();
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    try {
      const dir = tempDir();
      const db = join(dir, 'mistyped', 'other.sqlite');
      const r = touchbase(['daemon', '--config', resolve('config'), '--db', db, '--port', String((busy.address() as AddressInfo).port)], { TOUCHBASE_FEEDS_DIR: join(dir, 'feeds') });
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/127\.0\.0\.1:\d+ is already in use/);
      expect(spawnSync('ls', ['-A', dir], { encoding: 'utf8' }).stdout).toBe('');
      // So a command that only reads still says there is no database there.
      const history = touchbase(['history', '--config', resolve('config'), '--db', db], {});
      expect(history.err).toContain('no database at');
    } finally {
      busy.close();
    }
  }, 90_000);

  it.each([
    ['--host', 'nosuchhost.invalid', 'nosuchhost.invalid: no host of that name could be found; expected settings.http.host (or --host): an address of this machine, like 127.0.0.1, or 0.0.0.0 for all of them'],
    ['--config', '/nonexistent/touchbase-config', '/nonexistent/touchbase-config:1:1: expected a configuration folder, found /nonexistent/touchbase-config, which does not exist (check --config and TOUCHBASE_CONFIG)'],
  ])('a daemon given a %s that is not there says so in the setting\'s words, and leaves nothing', (option, value, message) => {
    const dir = tempDir();
    const db = join(dir, 'new', 'touchbase.sqlite');
    const args = ['daemon', '--config', resolve('config'), '--db', db, '--port', '0'];
    if (option === '--config') args[2] = value;
    else args.push(option, value);
    const r = touchbase(args, { TOUCHBASE_FEEDS_DIR: join(dir, 'feeds') });
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(message);
    expect(spawnSync('ls', ['-A', dir], { encoding: 'utf8' }).stdout).toBe('');
  }, 90_000);

  it('is removed when the lock is released, and only by the holder that wrote it', () => {
    const file = join(tempDir(), 'touchbase.sqlite');
    const lock = DaemonLock.acquire(file, { pid: process.pid, startedAt: 'now' });
    expect(existsSync(`${file}.daemon-pid`)).toBe(true);
    // A check (holder-less) takes nothing of the running daemon's.
    expect(DaemonLock.isHeld(file)).toBe(true);
    expect(existsSync(`${file}.daemon-pid`)).toBe(true);
    lock.release();
    expect(existsSync(`${file}.daemon-pid`)).toBe(false);
    DaemonLock.acquire(file, undefined).release();
    const next = DaemonLock.acquire(file, { pid: process.pid, startedAt: 'later' });
    locks.push(next);
    lock.release();
    expect(existsSync(`${file}.daemon-pid`)).toBe(true);
  });
});
