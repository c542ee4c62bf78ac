import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { startRealDaemon } from '../helpers/real-daemon.ts';

/** The file at the path is the backup, whole: nothing done after it was made (its undone touches none). */
function expectTheBackup(file: string): void {
  const restored = new Database(file, { readonly: true });
  try {
    expect(restored.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(restored.prepare(`select count(*) as n from touches where status = 'done'`).get()).toEqual({ n: 0 });
  } finally {
    restored.close();
  }
}

describe('a backup restored by mv under a daemon that is then killed', () => {
  it('the next daemon sets the old file\'s write-ahead log aside before opening the file, which stays the backup, whole (QA: kill -9 after the mv replayed the old log onto it: SQLITE_CORRUPT)', async () => {
    const d = startRealDaemon();
    // After the first start's sync and daily checks: a command beside the job that writes the database waits for its
    // lock (up to 5 s, then "try again"), which on a loaded machine made this test fail now and then.
    await d.out.waitFor(/"job":"daily"[^\n]*"msg":"checks: /, 90_000);
    const backup = `${d.db}.backup`;
    const live = new Database(d.db);
    await live.backup(backup);
    const ids = live.prepare(`select id from touches where status = 'planned' order by date, id limit 3`).all() as { id: string }[];
    live.close();
    // Done after the backup, in the daemon's write-ahead log: the restore undoes it.
    for (const { id } of ids) {
      const done = spawnSync(process.execPath, [resolve('src/touchbase.js'), 'done', id, '--config', d.config, '--db', d.db], { encoding: 'utf8', env: { ...process.env, TOUCHBASE_FEEDS_DIR: d.feeds } });
      expect(done.status, done.stderr).toBe(0);
    }
    expect(statSync(`${d.db}-wal`).size).toBeGreaterThan(0);
    execFileSync('cp', [backup, `${d.db}.restoring`]);
    renameSync(`${d.db}.restoring`, d.db);
    // Killed, not stopped: nothing of its own sets the log aside.
    d.child.kill('SIGKILL');
    await d.exited;

    const again = startRealDaemon({ shared: { config: d.config, db: d.db } });
    await again.out.waitFor(/"msg":"touchbase daemon started"/, 60_000);
    expect(again.out.text()).toContain('the database file was replaced while the last daemon (killed, not stopped) had the old one open: the old file\'s write-ahead log is set aside');
    expect(readdirSync(dirname(d.db)).some((f) => /\.sqlite-wal\.of-replaced-\d{8}T\d{6}Z$/.test(f))).toBe(true);
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
    expectTheBackup(d.db);
  }, 180_000);

  it('a daemon killed with its own file in place: the next one sets nothing aside, and what it wrote is there', async () => {
    const d = startRealDaemon();
    // After the first start's sync and daily checks: a command beside the job that writes the database waits for its
    // lock (up to 5 s, then "try again"), which on a loaded machine made this test fail now and then.
    await d.out.waitFor(/"job":"daily"[^\n]*"msg":"checks: /, 90_000);
    const live = new Database(d.db, { readonly: true });
    const { id } = live.prepare(`select id from touches where status = 'planned' order by date, id limit 1`).get() as { id: string };
    live.close();
    const done = spawnSync(process.execPath, [resolve('src/touchbase.js'), 'done', id, '--config', d.config, '--db', d.db], { encoding: 'utf8', env: { ...process.env, TOUCHBASE_FEEDS_DIR: d.feeds } });
    expect(done.status, done.stderr).toBe(0);
    d.child.kill('SIGKILL');
    await d.exited;
    const again = startRealDaemon({ shared: { config: d.config, db: d.db } });
    await again.out.waitFor(/"msg":"touchbase daemon started"/, 60_000);
    expect(again.out.text()).not.toContain('set aside');
    expect(readdirSync(dirname(d.db)).some((f) => f.includes('of-replaced'))).toBe(false);
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
    const db = new Database(d.db, { readonly: true });
    try {
      expect(db.prepare(`select status from touches where id = ?`).get(id)).toEqual({ status: 'done' });
    } finally {
      db.close();
    }
  }, 180_000);
});

describe('a backup restored by mv under a daemon that still runs', () => {
  it('commands, reading or writing, are refused until the daemon restarts, saying so: they read and wrote the old file\'s log, and a "done" they confirmed was lost (QA)', async () => {
    const d = startRealDaemon();
    // After the first start's sync and daily checks: a command beside the job that writes the database waits for its
    // lock (up to 5 s, then "try again"), which on a loaded machine made this test fail now and then.
    await d.out.waitFor(/"job":"daily"[^\n]*"msg":"checks: /, 90_000);
    const backup = `${d.db}.backup`;
    const live = new Database(d.db);
    await live.backup(backup);
    const [{ id }] = live.prepare(`select id from touches where status = 'planned' order by date, id limit 1`).all() as [{ id: string }];
    live.close();
    const run = (...args: string[]) => spawnSync(process.execPath, [resolve('src/touchbase.js'), ...args, '--config', d.config, '--db', d.db], { encoding: 'utf8', env: { ...process.env, TOUCHBASE_FEEDS_DIR: d.feeds } });
    expect(run('done', id).status).toBe(0);
    execFileSync('cp', [backup, `${d.db}.restoring`]);
    renameSync(`${d.db}.restoring`, d.db);
    for (const args of [['done', id], ['history'], ['status'], ['once'], ['migrate']]) {
      const refused = run(...args);
      expect(refused.status, `${args[0]}: ${refused.stdout}`).not.toBe(0);
      expect(refused.stderr, args[0]).toContain('was replaced (a backup restored by mv?) while the touchbase daemon');
      expect(refused.stderr, args[0]).toContain('Restart the daemon first');
    }
    d.child.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
    // Restarted (here: stopped), the restored file is the backup, and commands work on it.
    expect(run('history').status).toBe(0);
    expectTheBackup(d.db);
  }, 180_000);
});
