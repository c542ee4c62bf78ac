import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeConfig, tempDir } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';
import { NOW, syncCompany } from '../helpers/sync-company.ts';

describe('help texts match the README\'s command table', () => {
  const readme = readFileSync('README.md', 'utf8');
  it.each(['daemon', 'status', 'history', 'systemd-unit'])('touchbase %s --help: the same description and options as its README row', async (command) => {
    const row = new RegExp(`^\\| \`${command}( [^\`]*)?\` \\| (.*) \\|$`, 'm').exec(readme);
    expect(row, `README row of ${command}`).not.toBeNull();
    const [, synopsis = '', what] = row!;
    const help = await cli(command, '--help');
    expect(help.code).toBe(0);
    const description = /^Usage: [^\n]*\n\n([\s\S]*?)\n\nOptions:/.exec(help.out)![1]!.replace(/\s+/g, ' ');
    expect(description).toBe(what!.replace(/[`*]/g, '').replace(/\\\|/g, '|'));
    const readmeOptions = [...synopsis.matchAll(/--[a-z-]+/g)].map((m) => m[0]).sort();
    const helpOptions = [...help.out.split('Options:')[1]!.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]!).filter((o) => o !== '--help').sort();
    expect(helpOptions).toEqual(readmeOptions);
  });
});

describe('touchbase history', () => {
  it('shows each touch\'s id whole in a column of its own, however long its title (the title is cut instead: QA readme F4)', async () => {
    const title = `{client.name}: ${'очень длинный заголовок звонка '.repeat(4)}— {contacts}`;
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics', { title }) });
    const db = join(tempDir(), 't.sqlite');
    const touches = JSON.parse((await cli('plan', '--config', configDir, '--db', db, '--now', NOW.toISO()!, '--format', 'json')).out) as { id: string; title: string }[];
    const long = touches.find((t) => t.title.length > 100)!;
    expect((await cli('done', long.id, '--config', configDir, '--db', db, '--at', '2027-03-02T10:00:00+03:00', '--now', '2027-03-02T18:00:00+03:00')).code).toBe(0);
    const table = (await cli('history', '--config', configDir, '--db', db)).out.split('\n');
    const idAt = table[0]!.indexOf(' id ') + 1;
    const line = table.find((l) => l.includes(long.id.slice(0, 8)))!;
    expect(line.slice(idAt, idAt + 8)).toBe(long.id.slice(0, 8));
    expect(line).toContain('…');
    // The id the table shows is one done and skip take.
    expect((await cli('skip', line.slice(idAt, idAt + 8), '--reason', 'x', '--config', configDir, '--db', db)).err).toContain('already done');
  });

  it('shows each time in the zone of the employee it concerns, with the offset', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const db = join(tempDir(), 't.sqlite');
    const plan = await cli('plan', '--config', configDir, '--db', db, '--now', NOW.toISO()!, '--format', 'json');
    const touches = JSON.parse(plan.out) as { id: string; employee: string }[];
    const anna = touches.find((t) => t.employee === 'anna')!; // Europe/Moscow
    const boris = touches.find((t) => t.employee === 'boris')!; // Europe/Bucharest
    for (const t of [anna, boris]) expect((await cli('done', t.id, '--config', configDir, '--db', db, '--at', '2027-03-02T10:00:00+03:00', '--now', '2027-03-02T18:00:00+03:00')).code).toBe(0);
    const table = await cli('history', '--config', configDir, '--db', db);
    expect(table.code).toBe(0);
    const lineOf = (id: string) => table.out.split('\n').find((l) => l.includes(id.slice(0, 8)))!;
    expect(lineOf(anna.id)).toMatch(/^2027-03-02 10:00 \+03:00 +done/);
    expect(lineOf(boris.id)).toMatch(/^2027-03-02 09:00 \+02:00 +done/);
    const json = JSON.parse((await cli('history', '--config', configDir, '--db', db, '--format', 'json')).out) as { touchId: string; at: string; local: string; zone: string }[];
    expect(json.find((l) => l.touchId === boris.id)).toMatchObject({ at: '2027-03-02T07:00:00.000Z', local: '2027-03-02T09:00:00.000+02:00', zone: 'Europe/Bucharest' });
  });
});

describe('touchbase feeds', () => {
  it('on a database that has no feed secret yet, its owner gets one made and kept', async () => {
    const db = join(tempDir(), 't.sqlite');
    expect((await cli('plan', '--config', 'config', '--db', db, '--now', NOW.toISO()!)).code).toBe(0);
    const first = await cli('feeds', '--config', 'config', '--db', db);
    expect(first.code, first.err).toBe(0);
    const again = await cli('feeds', '--config', 'config', '--db', db);
    const urls = (r: { out: string }) => r.out.match(/\/feeds\/[A-Za-z0-9_-]{32}\.ics/g);
    expect(urls(first)!.length).toBeGreaterThan(0);
    expect(urls(again)).toEqual(urls(first));
    // No sync has written them: the addresses would answer 404, and it says so.
    expect(first.err).toContain('warning: none of these feed files is in');
    expect((await cli('sync', '--config', 'config', '--db', db, '--now', NOW.toISO()!)).code).toBe(0);
    expect((await cli('feeds', '--config', 'config', '--db', db)).err).toBe('');
  });
});

describe('the repository', () => {
  it('ignores the daemon\'s lock and pid files beside the database', () => {
    for (const path of ['db/touchbase.sqlite.daemon-lock', 'db/touchbase.sqlite.daemon-lock-journal', 'db/touchbase.sqlite.daemon-pid', 'db/touchbase.sqlite', 'db/touchbase.sqlite-wal']) {
      expect(execFileSync('git', ['check-ignore', path], { encoding: 'utf8' }).trim()).toBe(path);
    }
  });
});

describe('--db naming a folder or a file that is not a database', () => {
  it('is refused with what it is, by reading and writing commands and the daemon, before anything is made or its mode changed', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const dir = tempDir();
    const folder = join(dir, 'db');
    mkdirSync(folder);
    chmodSync(folder, 0o755);
    const other = join(dir, 'settings.yaml');
    writeFileSync(other, 'a: 1\n');
    chmodSync(other, 0o644);
    for (const args of [['status'], ['history'], ['plan', '--now', NOW.toISO()!], ['daemon', '--port', '0']]) {
      const inFolder = await cli(...args, '--config', configDir, '--db', folder);
      expect([args[0], inFolder.code, inFolder.err.trim()]).toEqual([args[0], 1, `touchbase: ${folder} is a folder, not a database file: give the file (for example ${join(folder, 'touchbase.sqlite')})`]);
      const notSqlite = await cli(...args, '--config', configDir, '--db', other);
      expect([args[0], notSqlite.code]).toEqual([args[0], 1]);
      expect(notSqlite.err).toContain(`${other} is not an SQLite database`);
    }
    expect([statSync(folder).mode & 0o777, statSync(other).mode & 0o777]).toEqual([0o755, 0o644]);
    expect(readFileSync(other, 'utf8')).toBe('a: 1\n');
    // No lock file, journal or database beside them.
    expect(readdirSync(dir).sort()).toEqual(['db', 'settings.yaml']);
    expect(readdirSync(folder)).toEqual([]);
  });
});

describe('a configuration folder that holds a broken edit', () => {
  it('does not stop done, skip, history or a report: they go on with the configuration the daemon last applied, and say so; with none kept, refused', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const db = join(tempDir(), 't.sqlite');
    const touches = JSON.parse((await cli('plan', '--config', configDir, '--db', db, '--now', NOW.toISO()!, '--format', 'json')).out) as { id: string }[];
    const broken = () => writeFileSync(join(configDir, 'touchbase.yaml'), readFileSync(join(configDir, 'touchbase.yaml'), 'utf8').replace('every: 1 month', 'every: 1 mont'));
    const good = readFileSync(join(configDir, 'touchbase.yaml'), 'utf8');
    broken();
    // No daemon ever ran on this database: nothing kept to go on with.
    const refused = await cli('done', touches[0]!.id, '--config', configDir, '--db', db, '--now', '2027-03-02T18:00:00+03:00');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('every');
    // The daemon applied the good files once (it keeps them in the database).
    writeFileSync(join(configDir, 'touchbase.yaml'), good);
    const { openMigrated } = await import('../../src/storage/database.ts');
    const { saveAcceptedConfig } = await import('../../src/storage/accepted-config.ts');
    const { readSnapshot } = await import('../../src/config/snapshot.ts');
    const d = await openMigrated(db);
    await saveAcceptedConfig(d, readSnapshot(configDir));
    await d.destroy();
    broken();
    const done = await cli('done', touches[0]!.id, '--config', configDir, '--db', db, '--now', '2027-03-02T18:00:00+03:00');
    expect(done.code, done.err).toBe(0);
    expect(done.err).toMatch(/^warning: the configuration has 1 error; going on with the configuration the daemon last applied on this database — fix the files:\n {2}\S*touchbase\.yaml:\d+:\d+: /);
    expect((await cli('skip', touches[1]!.id, '--reason', 'on leave', '--config', configDir, '--db', db, '--now', '2027-03-02T18:00:00+03:00')).code).toBe(0);
    const history = await cli('history', '--config', configDir, '--db', db);
    expect(history.code).toBe(0);
    expect(history.out).toContain(touches[0]!.id.slice(0, 8));
    expect((await cli('report', 'coverage', '--config', configDir, '--db', db, '--now', '2027-03-02T18:00:00+03:00')).code).toBe(0);
    // Nor an employee's feed address (QA: refused, exit 2).
    const feeds = await cli('feeds', '--config', configDir, '--db', db, '--base-url', 'https://touchbase.example');
    expect([feeds.code, feeds.out]).toEqual([0, expect.stringContaining('https://touchbase.example/feeds/')]);
    expect(feeds.err).toContain('going on with the configuration the daemon last applied');
    // What plans still refuses it.
    expect((await cli('plan', '--config', configDir, '--db', db, '--now', NOW.toISO()!)).code).toBe(2);
  });
});
