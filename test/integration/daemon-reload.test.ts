import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'yaml';
import parsePrometheus from 'parse-prometheus-text-format';
import { writeConfig } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { NOW, syncCompany } from '../helpers/sync-company.ts';
import { daemonUnderTest, startedAndSynced, stopAll } from '../helpers/daemon-under-test.ts';
import { tempDatabaseLocation, testBackend } from '../helpers/temp-database.ts';
import { databaseFileIdentity } from '../../src/storage/database-file.ts';
import { openMigrated } from '../../src/storage/database.ts';
import { claimRun, recordCutShort, recordFailure, recordSuccess, setInfo } from '../../src/storage/job-repository.ts';
import Database from 'better-sqlite3';
import pg from 'pg';

afterEach(stopAll);

async function configValidGauge(url: string): Promise<string> {
  const families = parsePrometheus(await (await fetch(`${url}/metrics`)).text());
  return families.find((f) => f.name === 'touchbase_config_last_reload_valid')!.metrics[0]!.value;
}

describe('POST /api/reload', () => {
  it('answers a refused change with its errors, as the log and status say them; an applied one with applied: true alone', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const token = 'secret-token-12345-of-at-least-32-chars';
    const { daemon, dbFile } = await daemonUnderTest({ configDir, clock: new ManualClock(NOW), apiToken: token, watch: false });
    await startedAndSynced(daemon);
    const reload = async () => (await fetch(`${daemon.url}/api/reload`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).json();
    const file = join(configDir, 'touchbase.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('ours: account_manager', 'ours: nobody_has_this_role'));
    const refused = await reload() as { applied: boolean; errors: string[] };
    expect(refused.applied).toBe(false);
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors[0]).toMatch(/touchbase\.yaml:\d+:\d+: rules\[0\]\.ours \(rule calls\): expected a role some employee holds \(account_manager\), found "nobody_has_this_role", held by nobody/);
    // status says the rejection, and not also that the files were never taken in (QA: it said both, and to kill -HUP).
    const status = (await cli('status', '--db', dbFile)).out;
    expect(status).toContain('rules[0].ours (rule calls)');
    expect(status).not.toContain('has not taken them in');
    expect(JSON.parse((await cli('status', '--db', dbFile, '--format', 'json')).out)).toMatchObject({ configPending: false });
    writeFileSync(file, stringify(syncCompany('ics', { title: 'Ring {contacts}' })));
    expect(await reload()).toEqual({ applied: true });
    // A file of the folder that cannot be read is named itself, not the folder at 1:1 (a link to a file gone, here).
    symlinkSync(join(configDir, 'gone.yaml'), join(configDir, 'team.yaml'));
    const unreadable = await reload() as { applied: boolean; errors: string[] };
    expect(unreadable.errors).toEqual([expect.stringMatching(/team\.yaml:1:1: expected a file of the configuration folder that can be read, found \S*team\.yaml is a link to a file that does not exist$/)]);
    // The folder itself renamed away: said as that, at the folder (no line of it), not as Node's words (QA).
    renameSync(configDir, `${configDir}-moved`);
    const gone = await reload() as { applied: boolean; errors: string[] };
    expect(gone.errors).toEqual([`${configDir}: expected a readable configuration folder, found nothing at that path (ENOENT): the folder was renamed, moved or deleted`]);
    renameSync(`${configDir}-moved`, configDir);
  });

  it('a change with more errors than are worth showing gives the first 100 and how many there are, in the answer, status (text and JSON), the API and the public status page (QA: 49,000 made a 15 MB log line; review: the "and N more" line was counted as an error)', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const token = 'secret-token-12345-of-at-least-32-chars';
    const { daemon, dbFile } = await daemonUnderTest({ configDir, clock: new ManualClock(NOW), apiToken: token, watch: false });
    await startedAndSynced(daemon);
    // 130 clients, each naming an account manager nobody is: 130 errors.
    const clients = Array.from({ length: 130 }, (_, i) => ({ id: `ghost-client-${i}`, name: `Ghost ${i}`, team: { account_manager: `ghost-${i}` }, contacts: [{ id: `g${i}`, name: 'G', role: 'buyer' }] }));
    writeFileSync(join(configDir, 'more.yaml'), stringify({ clients }));
    const refused = await (await fetch(`${daemon.url}/api/reload`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).json() as { applied: boolean; errors: string[]; errorCount: number };
    expect(refused.applied).toBe(false);
    // Each entry an error (a script that counts them counted 101, the "and 30 more" line among them); the count beside.
    expect(refused.errors).toHaveLength(100);
    expect(refused.errors.every((e) => e.includes('ghost-'))).toBe(true);
    expect(refused.errorCount).toBe(130);
    const status = (await cli('status', '--db', dbFile)).out;
    expect(status).toContain('(and 30 more errors: touchbase validate lists them all)');
    expect(status.split('\n').filter((l) => l.includes('ghost-')).length).toBe(100);
    const json = JSON.parse((await cli('status', '--db', dbFile, '--format', 'json')).out) as { configErrors: string[]; configErrorCount: number };
    expect(json.configErrors).toHaveLength(100);
    expect(json.configErrorCount).toBe(130);
    const api = await (await fetch(`${daemon.url}/api/status`, { headers: { authorization: `Bearer ${token}` } })).json() as { configErrors: string[]; configErrorCount: number };
    expect([api.configErrors.length, api.configErrorCount]).toEqual([100, 130]);
    expect(await (await fetch(`${daemon.url}/status`)).text()).toContain('the last change was rejected (130 errors)');
  });

  it('status says when the files changed and the daemon has not taken them in (QA: with its disk full it could record nothing, and status said the change was applied)', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const token = 'secret-token-12345-of-at-least-32-chars';
    const { daemon, dbFile } = await daemonUnderTest({ configDir, clock: new ManualClock(NOW), apiToken: token, watch: false });
    await startedAndSynced(daemon);
    expect((await cli('status', '--db', dbFile)).out).toContain('configuration: the daemon applied the last change it read');
    writeFileSync(join(configDir, 'touchbase.yaml'), stringify(syncCompany('ics', { title: 'Ring {contacts}' })));
    const pending = (await cli('status', '--db', dbFile)).out;
    expect(pending).toContain(`configuration: the files in ${configDir} changed since the daemon last applied or rejected them, and it has not taken them in`);
    expect(pending).not.toContain('the daemon applied the last change it read');
    expect(JSON.parse((await cli('status', '--db', dbFile, '--format', 'json')).out)).toMatchObject({ configPending: true });
    await fetch(`${daemon.url}/api/reload`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect((await cli('status', '--db', dbFile)).out).toContain('configuration: the daemon applied the last change it read');
  });
});

describe('the daemon follows saves by rename, and a fixed file ends the rejection everywhere', () => {
  it('sed -i breaks it, git checkout restores it: status, /readyz and the metric agree again; later edits are applied', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const file = join(configDir, 'touchbase.yaml');
    const git = (...args: string[]) => execFileSync('git', ['-C', configDir, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { stdio: 'ignore' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'company');
    const clock = new ManualClock(NOW);
    const { daemon, dbFile } = await daemonUnderTest({ configDir, clock, watch: { debounceMs: 100, pollMs: 0 } });
    await startedAndSynced(daemon);

    const rejected = once(daemon, 'config:rejected');
    execFileSync('sed', ['-i', 's/ours: account_manager/ours: nobody_has_this_role/', file]);
    await rejected;
    expect((await cli('status', '--db', dbFile)).out).toContain('the last change was REJECTED; running on the last valid one');
    expect(await configValidGauge(daemon.url)).toBe('0');
    expect(((await (await fetch(`${daemon.url}/readyz`)).json()) as { config: string }).config).toMatch(/rejected/);

    // Back to the running configuration's files: nothing to apply, but the rejection is over.
    git('checkout', '--', 'touchbase.yaml');
    const deadline = performance.now() + 10_000;
    while ((await daemon.status()).configErrors.length > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect((await cli('status', '--db', dbFile)).out).toContain('configuration: the daemon applied the last change it read');
    expect(await configValidGauge(daemon.url)).toBe('1');
    expect(((await (await fetch(`${daemon.url}/readyz`)).json()) as { config: string }).config).toBe('ok');

    // And the same file, saved again (by rename, then in place), is still followed.
    const applied = once(daemon, 'config:applied');
    writeFileSync(`${file}.new`, stringify(syncCompany('ics', { title: 'Call {contacts}' })));
    renameSync(`${file}.new`, file);
    await applied;
    const again = once(daemon, 'config:applied');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Call {contacts}', 'Ring {contacts}'));
    await again;
  });
});

describe('a change the daemon cannot record', () => {
  it('while its database cannot be written (a full disk), is logged and not applied; the daemon runs on and applies the next', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const file = join(configDir, 'touchbase.yaml');
    const clock = new ManualClock(NOW);
    const { daemon, dbFile } = await daemonUnderTest({ configDir, clock, watch: { debounceMs: 100, pollMs: 0 } });
    await startedAndSynced(daemon);
    const hold = await holdInfo(dbFile);
    try {
      const failed = once(daemon, 'config:failed');
      writeFileSync(file, stringify(syncCompany('ics', { title: 'Call {contacts}' })));
      const [event] = await failed as [{ error: string; reason: string }];
      expect(event.reason).toBe('a configuration file changed');
    } finally {
      await hold.release();
    }
    expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);
    const applied = once(daemon, 'config:applied');
    writeFileSync(file, stringify(syncCompany('ics', { title: 'Ring {contacts}' })));
    await applied;
  }, 60_000);
});

/**
 * The table a change is recorded in taken away by another connection until released: the
 * daemon's writes there fail, as on a full disk, on either database.
 */
async function holdInfo(location: string) {
  if (testBackend() === 'sqlite') {
    const other = new Database(location);
    other.exec('alter table daemon_info rename to daemon_info_away');
    return { release: async () => { other.exec('alter table daemon_info_away rename to daemon_info'); other.close(); } };
  }
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  await client.query('alter table daemon_info rename to daemon_info_away');
  return { release: async () => { await client.query('alter table daemon_info_away rename to daemon_info'); await client.end(); } };
}

describe('a daemon that was killed', () => {
  it('left a run marked running: the next start records it as interrupted and runs it first, not at its next tick', async () => {
    // Alone on its database (SQLite's way; PostgreSQL's daemons share the work by default, where another instance may be running it).
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const clock = new ManualClock(NOW);
    const { daemon, dbFile } = await daemonUnderTest({ configDir, clock, shared: { enabled: false } });
    // The daily checks claimed by a daemon killed (kill -9) before they finished.
    const db = await openMigrated(dbFile);
    expect(await claimRun(db, 'daily', clock.now().toUTC().toISO()!)).toBe(true);
    await db.destroy();
    // Restarted a minute later (by systemd, say).
    clock.advance(60_000);
    const daily = new Promise<{ reason: string }>((resolve) => daemon.on('job:started', (run) => run.job === 'daily' && resolve(run)));
    await daemon.start();
    expect((await daily).reason).toBe('retry');
    const status = await daemon.status();
    expect(JSON.stringify(status)).toContain('interrupted: the daemon ended while it ran');
  });
});

describe('touchbase status after a daemon was stopped in the middle of a job', () => {
  it('shows the job as interrupted (it runs again at the next start), not as FAILED', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const dbFile = await tempDatabaseLocation();
    const db = await openMigrated(dbFile);
    try {
      expect(await claimRun(db, 'sync', '2027-03-01T08:00:00.000Z')).toBe(true);
      expect(await recordCutShort(db, '2027-03-01T08:01:00.000Z')).toEqual(['sync']);
    } finally {
      await db.destroy();
    }
    const status = await cli('status', '--config', configDir, '--db', dbFile);
    expect(status.out).toMatch(/sync +.*interrupted/);
    expect(status.out).not.toContain('FAILED');
  });
});

describe('touchbase status of a job that failed', () => {
  it('shows the failure\'s words whole, what to do included (QA: cut at 60 characters)', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const dbFile = await tempDatabaseLocation();
    const db = await openMigrated(dbFile);
    const error = 'the feed folder /srv/touchbase/var/feeds may not be written by user touchbase (EACCES): the feed of anna was not written; make it writable for user touchbase or give TOUCHBASE_FEEDS_DIR another folder';
    try {
      expect(await claimRun(db, 'sync', '2027-03-01T08:00:00.000Z')).toBe(true);
      await recordFailure(db, 'sync', '2027-03-01T08:00:05.000Z', 5000, error, '2027-03-01T08:05:00.000Z');
    } finally {
      await db.destroy();
    }
    const status = await cli('status', '--config', configDir, '--db', dbFile);
    expect(status.out).toContain(error);
  });
});

describe('touchbase status after a daemon was killed (kill -9) in the middle of a job, before it starts again', () => {
  it('shows the job still marked running as interrupted, not as running under "not running" (QA)', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const dbFile = await tempDatabaseLocation();
    const db = await openMigrated(dbFile);
    try {
      // The run before ended with nothing to do; the one killed had written events.
      expect(await claimRun(db, 'sync', '2027-03-01T07:00:00.000Z')).toBe(true);
      await recordSuccess(db, 'sync', '2027-03-01T07:00:05.000Z', 5000, 'nothing changed');
      expect(await claimRun(db, 'sync', '2027-03-01T08:00:00.000Z')).toBe(true);
    } finally {
      await db.destroy();
    }
    const status = await cli('status', '--config', configDir, '--db', dbFile);
    expect(status.out).toMatch(/sync +.*interrupted/);
    expect(status.out).not.toMatch(/sync +.*running/);
    // It runs first at the next start, not at its schedule's next time (QA).
    expect(status.out).toMatch(/sync +.*interrupted +at the next start/);
    // The run before's words are not said of this one (QA: "nothing changed" beside a sync killed after 49 writes).
    expect(status.out).not.toContain('nothing changed');
  });

  it('says a configuration change it rejected is what the next start runs on the last valid one, not "running on" under "not running" (QA)', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const dbFile = await tempDatabaseLocation();
    const db = await openMigrated(dbFile);
    try {
      await setInfo(db, { config_errors: JSON.stringify(['touchbase.yaml:3:7: rules[0].ours: expected a role someone holds']) });
    } finally {
      await db.destroy();
    }
    const status = (await cli('status', '--config', configDir, '--db', dbFile)).out;
    expect(status).toContain('configuration: the last change was REJECTED; the daemon starts on the last valid one:');
    expect(status).not.toContain('running on the last valid one');
  });
});

describe('its database file deleted or replaced under it', () => {
  it('is noticed: not ready, nothing recorded (links and the API answer 503), no job opens a new empty database at the path', async () => {
    if (testBackend() !== 'sqlite') {
      // A PostgreSQL database is no file that can be swapped under the daemon.
      expect(databaseFileIdentity(await tempDatabaseLocation())).toBeUndefined();
      return;
    }
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const clock = new ManualClock(NOW);
    const { daemon, dbFile } = await daemonUnderTest({ configDir, clock, apiToken: 'secret-token-12345-of-at-least-32-chars' });
    await startedAndSynced(daemon);
    expect((await fetch(`${daemon.url}/readyz`)).status).toBe(200);
    // A restore by rename: the daemon still holds the old file.
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(dbFile + suffix)) renameSync(dbFile + suffix, `${dbFile}.old${suffix}`);
    const ready = await fetch(`${daemon.url}/readyz`);
    expect(ready.status).toBe(503);
    const said = JSON.stringify(await ready.json());
    expect(said).toContain('was deleted while the daemon had it open');
    // /readyz answers anyone: the file, not the folder it is in (security review 2026-12-06).
    expect(said).not.toContain(dirname(dbFile));
    expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);
    const api = await fetch(`${daemon.url}/api/sync`, { method: 'POST', headers: { authorization: 'Bearer secret-token-12345-of-at-least-32-chars' } });
    expect(api.status).toBe(503);
    const link = await fetch(`${daemon.url}/a/anything`);
    expect(link.status).toBe(503);
    // Nor do these pages, which answer anyone too, name the folder (QA).
    const page = await link.text();
    expect(page).toContain(`${basename(dbFile)} was deleted while the daemon had it open`);
    expect(page).not.toContain(dirname(dbFile));
    expect(await (await fetch(`${daemon.url}/api/status`)).text()).not.toContain(dirname(dbFile));
    // The metrics say so themselves, for the monitoring that scrapes them; the feeds are the files last written.
    const metrics = await fetch(`${daemon.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^touchbase_database_up 0$/m);
    const [feed] = (await daemon.feeds(daemon.url)).map((f) => f.url);
    expect((await fetch(feed!)).status).toBe(200);
    const failed = new Promise<string>((resolve) => daemon.on('job:failed', (run) => run.job === 'sync' && resolve(run.error.message)));
    daemon.scheduler.request('sync');
    expect(await failed).toContain('was deleted while the daemon had it open');
    expect(existsSync(dbFile)).toBe(false);
    // Nor does a command, under the daemon; status says what happened, not "start the daemon" (QA:
    // `once` made a new database there and recorded a plan into it; status told to start a daemon that ran).
    const once = await cli('once', '--config', configDir, '--db', dbFile, '--now', NOW.toISO()!);
    expect(once.code).toBe(1);
    expect(once.err).toContain(`${dbFile} is not there, but a touchbase daemon (pid ${process.pid}) runs on it: the file was deleted or moved while the daemon had it open`);
    expect(existsSync(dbFile)).toBe(false);
    const status = await cli('status', '--db', dbFile);
    expect(status.code).toBe(1);
    expect(status.err).toContain(`${dbFile} is not there, but a touchbase daemon (pid ${process.pid}) runs on it`);
    // Nor does `migrate` create a new database there (it opened the path itself, unchecked).
    const migrate = await cli('migrate', '--db', dbFile);
    expect(migrate.code).toBe(1);
    expect(migrate.err).toContain(`${dbFile} is not there, but a touchbase daemon (pid ${process.pid}) runs on it`);
    expect(existsSync(dbFile)).toBe(false);
  });

  it('what it wrote is folded into the file itself after each job: a copy of the file alone, made while it runs, holds the plan (QA: it held an empty database)', async () => {
    if (testBackend() !== 'sqlite') return;
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const { daemon, dbFile } = await daemonUnderTest({ configDir, clock: new ManualClock(NOW) });
    await startedAndSynced(daemon);
    let touches = 0;
    for (let i = 0; i < 50 && touches === 0; i++) {
      const copy = `${dbFile}.copy${i}`;
      execFileSync('cp', [dbFile, copy]);
      const alone = new Database(copy, { readonly: true });
      try {
        const known = alone.prepare(`select count(*) as n from sqlite_master where name = 'touches'`).get() as { n: number };
        touches = known.n ? (alone.prepare('select count(*) as n from touches').get() as { n: number }).n : 0;
      } finally {
        alone.close();
      }
      if (touches === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(touches).toBeGreaterThan(5);
  });

  it('a backup put in its place by mv: once the daemon stops, the old file\'s write-ahead log is set aside, so the next open finds the backup as it was, whole (QA: it replayed the old log onto it)', async () => {
    if (testBackend() !== 'sqlite') return;
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const clock = new ManualClock(NOW);
    const { daemon, dbFile } = await daemonUnderTest({ configDir, clock });
    await startedAndSynced(daemon);
    const backup = `${dbFile}.backup`;
    const live = new Database(dbFile);
    await live.backup(backup);
    const [first, second] = live.prepare(`select id from touches where status = 'planned' order by date, id limit 2`).all() as { id: string }[];
    live.close();
    // Done after the backup: the restore undoes it. Done before: the backup has it.
    for (const id of [first!.id, second!.id]) expect((await cli('done', id, '--config', configDir, '--db', dbFile, '--now', NOW.toISO()!)).code).toBe(0);
    execFileSync('cp', [backup, `${dbFile}.restoring`]);
    renameSync(`${dbFile}.restoring`, dbFile);
    await daemon.stop();
    expect(existsSync(`${dbFile}-wal`)).toBe(false);
    expect(readdirSync(dirname(dbFile)).some((f) => /\.sqlite-wal\.of-replaced-\d{8}T\d{6}Z$/.test(f))).toBe(true);
    const restored = new Database(dbFile, { readonly: true });
    try {
      expect(restored.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(restored.prepare(`select count(*) as n from touches where status = 'done'`).get()).toEqual({ n: 0 });
    } finally {
      restored.close();
    }
  });
});
