import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import SQLite from 'better-sqlite3';
import { DateTime } from 'luxon';
import { MIGRATION_NAMES, migrate, migrateTo, openDatabase, openMigrated } from '../../src/storage/database.ts';
import { exportDatabase, writeExport } from '../../src/storage/export.ts';
import { importDatabase, layoutOf } from '../../src/storage/import.ts';
import { stringify } from 'yaml';
import { tempDir } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';
import { syncCompany } from '../helpers/sync-company.ts';

/** The schema an export of a current database is written at: the latest migration. */
const LATEST = MIGRATION_NAMES.at(-1)!;

const NOW = '2027-03-01T08:00:00+03:00';
const LATER = '2027-04-05T08:00:00+03:00';
const EXPORTED_AT = '2027-04-06T00:00:00Z';
// Secrets made by touchbase and kept in its database, not given by the environment.
const ENV: NodeJS.ProcessEnv = { ...process.env, TOUCHBASE_LINK_SECRET: '', TOUCHBASE_FEED_SECRET: '' };
delete ENV.TOUCHBASE_FEEDS_DIR;
delete ENV.TOUCHBASE_PUBLIC_URL;

/** The real touchbase command in a process of its own (ended by the timeout if it hangs). */
function touchbase(args: string[], input?: Buffer | string) {
  const r = spawnSync(process.execPath, [resolve('src/touchbase.js'), ...args], {
    encoding: 'utf8', timeout: 90_000, killSignal: 'SIGKILL', env: ENV, ...(input !== undefined ? { input } : {}),
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function rows(db: string, query: string): Record<string, unknown>[] {
  const sqlite = new SQLite(db, { readonly: true });
  try {
    return sqlite.prepare(query).all() as Record<string, unknown>[];
  } finally {
    sqlite.close();
  }
}

const countOf = (db: string, table: string) => Number(rows(db, `select count(*) as n from ${table}`)[0]!.n);

type Run = (args: string[]) => Promise<{ code: number | null; out: string; err: string }>;
const inProcess: Run = (args) => cli(...args);
const inProcesses: Run = async (args) => touchbase(args);

/**
 * A small company on iCalendar feeds, planned and synced, with a touch done, one skipped and
 * one moved forward as overdue by the daily checks; its database file, in `dir`.
 */
async function usedCompany(dir: string, run: Run): Promise<{ config: string; db: string }> {
  const config = join(dir, 'config');
  mkdirSync(config);
  writeFileSync(join(config, 'touchbase.yaml'), stringify(syncCompany('ics', { clients: 3 })));
  const db = join(dir, 'a', 'touchbase.sqlite');
  const ok = async (args: string[]) => {
    const r = await run([...args, '--config', config, '--db', db]);
    expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
    return r.out;
  };
  await ok(['once', '--now', NOW]);
  const plan = await ok(['plan', '--no-save', '--now', NOW, '--from', '2027-03-01', '--to', '2027-03-31', '--format', 'json']);
  const early = (JSON.parse(plan) as { id: string; date: string }[]).sort((x, y) => x.date.localeCompare(y.date) || x.id.localeCompare(y.id));
  expect(early.length).toBeGreaterThanOrEqual(3);
  const [done, skipped] = early;
  await ok(['done', done!.id, '--at', `${done!.date}T15:00:00+03:00`, '--now', `${done!.date}T18:00:00+03:00`, '--note', 'agreed a visit — в мае']);
  await ok(['skip', skipped!.id, '--at', `${skipped!.date}T10:00:00+03:00`, '--now', `${skipped!.date}T18:00:00+03:00`, '--reason', 'closed this week']);
  await ok(['checks', '--now', LATER]);
  const status = rows(db, 'select status, count(*) as n from touches group by status');
  expect(status).toEqual(expect.arrayContaining([{ status: 'done', n: 1 }, { status: 'skipped', n: 1 }]));
  expect(countOf(db, 'touches where overdue_from is not null')).toBeGreaterThan(0);
  return { config, db };
}

/** The lines of an export, and the file rebuilt from lines. */
const linesOf = (text: string) => text.split('\n').slice(0, -1);
const fileOf = (lines: string[]) => `${lines.join('\n')}\n`;

describe('touchbase export and import', () => {
  it.each(['export', 'import'])('touchbase %s --help: the description and options of its README row', async (command) => {
    const row = new RegExp(`^\\| \`${command}( [^\`]*)?\` \\| (.*) \\|$`, 'm').exec(readFileSync('README.md', 'utf8'));
    expect(row, `README row of ${command}`).not.toBeNull();
    const [, synopsis = '', what] = row!;
    const help = await cli(command, '--help');
    expect(help.code).toBe(0);
    expect(/^Usage: [^\n]*\n\n([\s\S]*?)\n\n(Arguments|Options):/.exec(help.out)![1]!.replace(/\s+/g, ' ')).toBe(what!.replace(/[`*]/g, '').replace(/\\\|/g, '|'));
    const helpOptions = [...help.out.split('Options:')[1]!.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]!).filter((o) => o !== '--help');
    expect(helpOptions.sort()).toEqual([...synopsis.matchAll(/--[a-z-]+/g)].map((m) => m[0]).sort());
    if (command === 'export') expect(help.out).toContain('created 0600');
  });

  it('round trip: the imported database exports to the same bytes and shows the same plan, reports, history and feeds', async () => {
    const { config, db } = await usedCompany(tempDir(), inProcesses);
    const file = join(tempDir(), 'backup.ndjson');
    const exported = touchbase(['export', '--db', db, '--out', file, '--include-secrets', '--now', EXPORTED_AT]);
    expect(exported.code, exported.err).toBe(0);
    expect(exported.out).toMatch(/^exported \d+ rows \(touches \d+, touch_events \d+, .*ics_events \d+/);
    // It holds the secrets: its owner alone may read it, whatever the umask.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    const lines = linesOf(text);
    expect(JSON.parse(lines[0]!)).toEqual({ format: 'touchbase-export', version: 1, schema: LATEST, exported_at: '2027-04-06T00:00:00.000Z', secrets: 'included' });
    const touchLine = JSON.parse(lines[1]!) as { table: string; row: Record<string, unknown> };
    expect(touchLine.table).toBe('touches');
    expect(typeof touchLine.row.all_day).toBe('boolean');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ counts: { touches: countOf(db, 'touches'), touch_events: countOf(db, 'touch_events') }, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const restored = join(tempDir(), 'b', 'touchbase.sqlite');
    const imported = touchbase(['import', file, '--db', restored]);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toContain(`into ${restored}`);
    const again = touchbase(['export', '--db', restored, '--include-secrets', '--now', EXPORTED_AT]);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toBe(text);

    const same = async (...args: string[]) => {
      const a = await cli(...args, '--config', config, '--db', db);
      const b = await cli(...args, '--config', config, '--db', restored);
      expect(a.code, a.err).toBe(0);
      // The same, but for where each database (and its feed folder) is.
      expect(b.out.replaceAll(dirname(restored), dirname(db)), args.join(' ')).toBe(a.out);
      return a.out;
    };
    expect(await same('plan', '--no-save', '--now', LATER, '--from', '2027-03-01', '--to', '2027-05-30', '--format', 'json')).toContain('"status":"done"');
    for (const report of ['coverage', 'punctuality', 'overdue']) await same('report', report, '--now', LATER, '--format', 'json');
    expect(await same('history', '--format', 'json')).toContain('closed this week');
    expect(await same('feeds')).toMatch(/\/feeds\/[A-Za-z0-9_-]{32}\.ics/);
    // The next sync writes the same feeds from either database (the same addresses: the secrets came along).
    await same('sync', '--now', LATER, '--no-read-calendars');
    const feedsOf = (database: string) => {
      const dir = join(database, '..', 'feeds');
      return Object.fromEntries(readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
    };
    const feeds = feedsOf(db);
    // Two feeds, and the marker naming the database they belong to: the same id in the imported one.
    expect(Object.keys(feeds).filter((name) => name.endsWith('.ics')).length).toBe(2);
    expect(Object.keys(feeds)).toContain('.touchbase-feeds');
    expect(feedsOf(restored)).toEqual(feeds);
    // New history continues after the imported one (the key generator moved past the imported keys).
    const last = Number(rows(restored, 'select max(seq) as n from touch_events')[0]!.n);
    const open = rows(restored, "select id from touches where status = 'planned' order by id limit 1")[0]!.id as string;
    expect((await cli('skip', open, '--reason', 'after the move', '--config', config, '--db', restored)).code).toBe(0);
    expect(rows(restored, `select seq, type from touch_events where seq > ${last}`)).toEqual([{ seq: last + 1, type: 'skipped' }]);
  }, 240_000);

  it('export --out that the file system refuses (a folder not there, a size limit) says which file and what to do, and leaves the file there before as it was (QA: a bare "ENOSPC: no space left on device, write")', async () => {
    const { db } = await usedCompany(tempDir(), inProcesses);
    const nowhere = join(tempDir(), 'not-there', 'backup.ndjson');
    const missing = touchbase(['export', '--db', db, '--out', nowhere]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`--out: the folder ${dirname(nowhere)} does not exist`);
    const out = join(tempDir(), 'backup.ndjson');
    writeFileSync(out, 'the backup before\n');
    // An 8 KB file size limit, its signal ignored: the write that crosses it is refused (EFBIG), as a full disk's would be
    // (ENOSPC). The database's own files are held open here, out of the limit (its 32 KB index made, not grown by the export).
    const holder = new SQLite(db);
    holder.prepare('select count(*) from touches').get();
    let limited: SpawnSyncReturns<string>;
    try {
      limited = spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f 8; exec node ${resolve('src/touchbase.js')} export --db ${db} --out ${out}`], { encoding: 'utf8', env: ENV });
    } finally {
      holder.close();
    }
    expect(limited.status, limited.stderr).toBe(1);
    expect(limited.stderr).toContain(`cannot write ${out}: it would grow larger than allowed (EFBIG: ulimit -f, or the file system's largest file); raise the size limit (ulimit -f, LimitFSIZE=), or give --out a file in another folder. Nothing was written there (a file there before is as it was)`);
    expect(readFileSync(out, 'utf8')).toBe('the backup before\n');
    expect(readdirSync(dirname(out)).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('secrets stay out of the file unless asked for; standard output and standard input work', async () => {
    const { db } = await usedCompany(tempDir(), inProcesses);
    const secrets = rows(db, "select name, value from local_secrets where name in ('links', 'feed')") as { name: string; value: string }[];
    expect(secrets.map((s) => s.name).sort()).toEqual(['feed', 'links']);
    const r = touchbase(['export', '--db', db]);
    expect(r.code, r.err).toBe(0);
    for (const s of secrets) expect(r.out).not.toContain(s.value);
    expect(JSON.parse(linesOf(r.out)[0]!)).toMatchObject({ secrets: 'omitted' });
    expect(r.err).toContain('secrets left out: feed, links');
    const restored = join(tempDir(), 'touchbase.sqlite');
    const imported = touchbase(['import', '-', '--db', restored], r.out);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.err).toContain('TOUCHBASE_FEED_SECRET');
    expect(countOf(restored, 'touches')).toBe(countOf(db, 'touches'));
    // No secret; the database's id (not one) comes along, so it goes on writing its feed folder.
    expect(rows(restored, 'select name from local_secrets')).toEqual([{ name: 'feeds.owner' }]);
    // Without the secrets too, a file is its owner's alone: it holds every client's history.
    const file = join(tempDir(), 'plain.ndjson');
    expect(touchbase(['export', '--db', db, '--out', file]).code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // What an export killed part-way (kill -9) left beside the target goes at the next export to it;
    // a live process's partial file, and other files, stay.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(`${file}.partial-${dead}`, 'part of every client\'s history');
    writeFileSync(`${file}.partial-${process.pid}`, 'an export running now');
    writeFileSync(`${file}.notes`, 'mine');
    expect(touchbase(['export', '--db', db, '--out', file]).code).toBe(0);
    expect(readdirSync(dirname(file)).sort()).toEqual(['plain.ndjson', `plain.ndjson.notes`, `plain.ndjson.partial-${process.pid}`].sort());
  }, 180_000);

  describe('a bad file or target is refused with its line, and nothing is written', () => {
    // One company for these tests, in a folder of their own (tempDir's are removed after each test).
    let shared: string;
    let source: { db: string; lines: string[] };
    beforeAll(async () => {
      shared = mkdtempSync(join(tmpdir(), 'touchbase-export-'));
      const { db } = await usedCompany(shared, inProcess);
      const r = await cli('export', '--db', db, '--now', EXPORTED_AT);
      expect(r.code, r.err).toBe(0);
      source = { db, lines: linesOf(r.out) };
    }, 180_000);
    afterAll(() => rmSync(shared, { recursive: true, force: true }));
    const good = async () => source;

    /** Imports `text` into a new file and into an existing empty database: refused both times, neither written. */
    async function refused(text: string | Buffer): Promise<string> {
      const dir = tempDir();
      const file = join(dir, 'bad.ndjson');
      writeFileSync(file, text);
      const fresh = join(dir, 'new.sqlite');
      const r = await cli('import', file, '--db', fresh);
      expect(r.code).toBe(1);
      expect(existsSync(fresh)).toBe(false);
      const empty = join(dir, 'empty.sqlite');
      expect((await cli('migrate', '--db', empty)).code).toBe(0);
      const again = await cli('import', file, '--db', empty);
      expect(again.code).toBe(1);
      expect(again.err).toBe(r.err.replace(fresh, empty));
      for (const table of ['touches', 'touch_events', 'ics_events', 'local_secrets']) expect(countOf(empty, table)).toBe(0);
      return r.err;
    }

    it('--out through a symbolic link writes the file it names; a FIFO (as a device) is refused, not replaced by a file', async () => {
      const dir = tempDir();
      const backups = join(dir, 'backups');
      mkdirSync(backups);
      const latest = join(dir, 'latest.ndjson');
      symlinkSync(join(backups, 'touchbase.ndjson'), latest);
      const viaLink = await cli('export', '--db', source.db, '--out', latest, '--now', EXPORTED_AT);
      expect(viaLink.code, viaLink.err).toBe(0);
      expect(lstatSync(latest).isSymbolicLink()).toBe(true);
      expect(linesOf(readFileSync(join(backups, 'touchbase.ndjson'), 'utf8'))).toEqual(source.lines);
      const fifo = join(dir, 'pipe');
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      const refusedFifo = await cli('export', '--db', source.db, '--out', fifo);
      expect(refusedFifo.code).toBe(2);
      expect(refusedFifo.err).toContain('is not a regular file');
      expect(lstatSync(fifo).isFIFO()).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(['backups', 'latest.ndjson', 'pipe']);
    });

    it('a file cut off in the middle of a line (after some rows were inserted)', async () => {
      const { lines } = await good();
      const n = lines.length - 3;
      const err = await refused(`${fileOf(lines.slice(0, n))}${lines[n]!.slice(0, 40)}`);
      expect(err).toContain(`bad.ndjson:${n + 1}: the line is cut off: the file is truncated; nothing was imported`);
      // Cut inside a letter of two bytes (a Cyrillic title): cut off too, not "not UTF-8" (QA).
      const c = lines.findIndex((l, j) => j > 0 && /[а-яА-Я]/.test(l));
      const line = Buffer.from(lines[c]!);
      const half = line.subarray(0, line.indexOf(Buffer.from(lines[c]!.match(/[а-яА-Я]/)![0])) + 1);
      expect(await refused(Buffer.concat([Buffer.from(fileOf(lines.slice(0, c))), half]))).toContain(`bad.ndjson:${c + 1}: the line is cut off: the file is truncated; nothing was imported`);
    }, 180_000);

    it('a file without its last line', async () => {
      const { lines } = await good();
      expect(await refused(fileOf(lines.slice(0, -1)))).toContain(`bad.ndjson:${lines.length - 1}: the file ends without its last line (the row counts and checksum): it is truncated`);
    }, 180_000);

    it('a changed byte, found by the checksum', async () => {
      const { lines } = await good();
      const i = lines.findIndex((l) => l.startsWith('{"table":"touches"'));
      const changed = [...lines];
      // One byte of a title: the line is still a valid row, only the checksum can tell.
      changed[i] = changed[i]!.replace(/"title":"(.)/, (_m, c: string) => `"title":"${c === 'Z' ? 'Y' : 'Z'}`);
      expect(changed[i]).not.toBe(lines[i]);
      expect(await refused(fileOf(changed))).toMatch(new RegExp(`bad\\.ndjson:${lines.length}: the checksum does not match \\(the last line says [0-9a-f]{64}, the file's is [0-9a-f]{64}\\): the file was changed after it was written`));
    }, 180_000);

    it('a row removed: the counts of the last line say so', async () => {
      const { lines } = await good();
      const i = lines.findIndex((l) => l.startsWith('{"table":"ics_events"'));
      expect(await refused(fileOf([...lines.slice(0, i), ...lines.slice(i + 1)]))).toContain(`bad.ndjson:${lines.length - 1}: counts: ics_events has`);
    }, 180_000);

    it('an unknown table or column, a value of the wrong kind, rows out of key order', async () => {
      const { lines } = await good();
      const at = (i: number, line: string) => fileOf(lines.map((l, j) => (j === i ? line : l)));
      const i = lines.findIndex((l) => l.startsWith('{"table":"touch_events"'));
      expect(await refused(at(i, lines[i]!.replace('"table":"touch_events"', '"table":"touch_notes"')))).toContain(`bad.ndjson:${i + 1}: unknown table "touch_notes" (expected one of touches, touch_events,`);
      expect(await refused(at(i, lines[i]!.replace('"detail":', '"details":')))).toContain(`bad.ndjson:${i + 1}: touch_events has no column "details" (its columns: seq, touch_id,`);
      expect(await refused(at(1, lines[1]!.replace(/"all_day":(true|false)/, '"all_day":1')))).toContain('bad.ndjson:2: touches.all_day: expected true or false, found 1');
      // Text the planner computes with is what it must be (QA: start_at "garbage" imported, then every pass failed on it).
      expect(await refused(at(1, lines[1]!.replace(/"start_at":"[^"]*"/, '"start_at":"garbage"'))))
        .toContain('bad.ndjson:2: touches.start_at: expected an ISO instant with its offset, like 2027-03-01T09:00:00.000+03:00, or a date, found "garbage"');
      expect(await refused(at(1, lines[1]!.replace(/"date":"[^"]*"/, '"date":"2027-02-30"')))).toContain('bad.ndjson:2: touches.date: expected a date like 2027-03-01 (February 2027 has 28 days), found "2027-02-30"');
      expect(await refused(at(i, lines[i]!.replace(/"at":"[^"]*"/, '"at":"2027-03-01T09:00:00+99:00"'))))
        .toContain(`bad.ndjson:${i + 1}: touch_events.at: expected an ISO instant of a year from 1900 to 2199, with an offset from UTC between -12:00 and +14:00, found "2027-03-01T09:00:00+99:00"`);
      expect(await refused(fileOf([lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)]))).toContain('bad.ndjson:3: the touches row with key');
      expect(await refused(at(0, lines[0]!.replace(`"schema":"${LATEST}"`, '"schema":"0099_future"')))).toContain('bad.ndjson:1: the file was written at schema "0099_future", which this version of touchbase does not know');
      expect(await refused('not json\n')).toContain('bad.ndjson:1: not a touchbase export');
    }, 180_000);

    it('a database that holds data, named by its table', async () => {
      const { db, lines } = await good();
      const file = join(tempDir(), 'good.ndjson');
      writeFileSync(file, fileOf(lines));
      const before = countOf(db, 'touch_events');
      const r = await cli('import', file, '--db', db);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`${db} already holds data (table touches has rows): import writes into an empty database only`);
      expect(countOf(db, 'touch_events')).toBe(before);
      expect(existsSync(db)).toBe(true);
    }, 180_000);

    it('usage errors exit 2', async () => {
      expect((await cli('import')).code).toBe(2);
      expect((await cli('import', join(tempDir(), 'none.ndjson'), '--db', join(tempDir(), 'x.sqlite'))).code).toBe(2);
      expect((await cli('export', '--db', join(tempDir(), 'none.sqlite'))).code).toBe(2);
      expect((await cli('export', '--db', (await good()).db, '--out', join(tempDir(), 'no', 'such', 'folder', 'x.ndjson'))).code).toBe(2);
    }, 180_000);
  });
});

describe('export and import in storage', () => {
  it('reads one snapshot: a row written by another connection during the export is not in it', async () => {
    const file = join(tempDir(), 't.sqlite');
    const db = await openMigrated(file);
    const touch = (id: string) => ({
      id, source: 'rule:r', series: `rule:r|${id}`, kind: 'call', client_id: 'c', contact_ids: '[]', employee_id: 'e', date: '2027-03-01',
      start_at: '2027-03-01T10:00:00.000+03:00', end_at: '2027-03-01T10:30:00.000+03:00', all_day: 0, title: `T ${id}`, window_from: '2027-03-01',
      window_to: '2027-03-31', remind: '[]', status: 'planned' as const, resolved_at: null, resolved_date: null, resolved_by: null, note: null,
      created_at: '2027-03-01T00:00:00.000Z', updated_at: '2027-03-01T00:00:00.000Z', moved_by_user: 0, overdue_from: null, body: null,
    });
    // More than a page (1,000 rows), so the export reads touches in several queries.
    for (let i = 0; i < 1500; i += 500) await db.insertInto('touches').values(Array.from({ length: 500 }, (_, j) => touch(`t${String(i + j).padStart(5, '0')}`))).execute();
    const writer = new SQLite(file);
    let text = '';
    let wrote = false;
    const out = new Writable({
      write(chunk: Buffer, _e, callback) {
        text += chunk.toString('utf8');
        // The daemon, mid-export: a new touch (sorting last) and its history.
        if (!wrote && text.includes('"table":"touches"')) {
          writer.prepare("insert into touches select 'zzz', source, series, kind, client_id, contact_ids, employee_id, date, start_at, end_at, all_day, title, window_from, window_to, remind, status, resolved_at, resolved_date, resolved_by, note, created_at, updated_at, moved_by_user, overdue_from, body from touches where id = 't00000'").run();
          writer.prepare("insert into touch_events (touch_id, type, at) values ('zzz', 'done', '2027-03-02T00:00:00.000Z')").run();
          wrote = true;
        }
        callback();
      },
    });
    const summary = await exportDatabase(db, out, { now: DateTime.fromISO(EXPORTED_AT), includeSecrets: false });
    writer.close();
    expect(wrote).toBe(true);
    expect(summary.counts).toMatchObject({ touches: 1500, touch_events: 0 });
    expect(text).not.toContain('"zzz"');
    // The keys in order, across pages.
    const ids = linesOf(text).slice(1, -1).map((l) => (JSON.parse(l) as { row: { id: string } }).row.id);
    expect(ids).toEqual([...ids].sort());
    expect(await db.selectFrom('touches').select('id').where('id', '=', 'zzz').executeTakeFirst()).toBeDefined();
    await db.destroy();
  }, 60_000);

  it('a file written at an older schema is upgraded on the way in; a newer one is refused', async () => {
    const dir = tempDir();
    const old = openDatabase(join(dir, 'old.sqlite'));
    await migrateTo(old, '0007_compact_storage');
    await old.insertInto('touches').values({
      id: 'a1', source: 'rule:r', series: 'rule:r|a1', kind: 'letter', client_id: 'c', contact_ids: '["c-ceo"]', employee_id: 'e', date: '2027-02-01',
      start_at: '2027-02-01', end_at: '2027-02-02', all_day: 1, title: 'Письмо', window_from: '2027-02-01', window_to: '2027-02-28', remind: '[1440]',
      status: 'done', resolved_at: '2027-02-01T09:00:00.000Z', resolved_date: '2027-02-01', resolved_by: 'e', note: 'ok', created_at: '2027-01-01T00:00:00.000Z',
      updated_at: '2027-02-01T09:00:00.000Z', moved_by_user: 1, overdue_from: null, body: null,
    }).execute();
    // Schema 0007 has no `cause` column (0009 adds it, backfilled from the text).
    await old.insertInto('touch_events').values({ touch_id: 'a1', type: 'done', at: '2027-02-01T09:00:00.000Z', employee_id: 'e', from_date: null, to_date: '2027-02-01', detail: 'ok' } as never).execute();
    const layout = await layoutOf(old);
    // Schema 0007 has no dashboard tables.
    expect(layout.map((t) => t.name)).not.toContain('dashboard_prefs');
    let text = '';
    const collect = new Writable({ write(chunk: Buffer, _e, callback) { text += chunk.toString('utf8'); callback(); } });
    await writeExport(old, collect, layout, '0007_compact_storage', { now: DateTime.fromISO(EXPORTED_AT), includeSecrets: false });

    const target = await openMigrated(join(dir, 'new.sqlite'));
    const summary = await importDatabase(target, [Buffer.from(text)], { source: 'old.ndjson', target: 'new.sqlite' });
    expect(summary).toMatchObject({ schema: '0007_compact_storage', upgraded: true, counts: { touches: 1, touch_events: 1 } });
    // The same as the old database brought up to date by its migrations, exported.
    await migrate(old);
    const exportOf = async (db: typeof old) => {
      let t = '';
      await exportDatabase(db, new Writable({ write(chunk: Buffer, _e, callback) { t += chunk.toString('utf8'); callback(); } }), { now: DateTime.fromISO(EXPORTED_AT), includeSecrets: false });
      return t;
    };
    expect(await exportOf(target)).toBe(await exportOf(old));
    expect(readdirSync(dir).filter((f) => f.startsWith('touchbase-import-'))).toEqual([]);

    const newer = text.replace('"schema":"0007_compact_storage"', '"schema":"0010_later"');
    const empty = await openMigrated(join(dir, 'empty.sqlite'));
    await expect(importDatabase(empty, [newer], { source: 'newer.ndjson', target: 'empty.sqlite' })).rejects.toThrow(/^newer\.ndjson:1: the file was written at schema "0010_later".*upgrade touchbase/);
    for (const db of [old, target, empty]) await db.destroy();
  }, 60_000);
});
