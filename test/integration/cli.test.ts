import { describe, expect, it } from 'vitest';
import { openMigrated } from '../../src/storage/database.ts';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, cpSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hostname } from 'node:os';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import ICAL from 'ical.js';
import { cli } from '../helpers/run-cli.ts';
import { tempDir, writeConfig } from '../helpers/config-folder.ts';
import { workflowCompany } from '../helpers/workflow-company.ts';
import { stringify } from 'yaml';
import { configJsonSchema } from '../../src/config/json-schema.ts';
import SQLite from 'better-sqlite3';

const EXAMPLE = resolve('config');
const NOW = '2027-01-11T08:00:00+03:00';

/** Runs the command as `… | head` does: its reader goes away after the first chunk it prints. */
async function withEarlyReader(args: string[], env?: NodeJS.ProcessEnv, fileSizeLimitKib?: number): Promise<{ code: number; stderr: string }> {
  // A full disk, for this process only: files cannot grow past the limit (write fails with EFBIG, its signal ignored).
  const child = fileSizeLimitKib === undefined
    ? spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env })
    : spawn('bash', ['-c', `trap '' XFSZ; ulimit -f ${fileSizeLimitKib}; exec "$0" "$@"`, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.once('data', () => child.stdout.destroy());
  const [code] = await once(child, 'exit') as [number];
  return { code, stderr };
}

function exampleCopy(): string {
  const dir = join(tempDir(), 'config');
  cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}

describe('touchbase CLI', () => {
  it('validate accepts the example company', async () => {
    const r = await cli('validate', '--config', EXAMPLE);
    expect(r.code).toBe(0);
    // The example company is Russian: so is the summary (the English one is in cli-language-commands.test.ts).
    expect(r.out).toMatch(/конфигурация в порядке — 10 сотрудников, 40 клиентов, \d+ контакт(а|ов)?, .*, 1 передача клиентов, 2 триггера\n/);
  });

  it('an invalid configuration exits 2 with every error, and nothing is written', async () => {
    const config = exampleCopy();
    writeFileSync(join(config, 'broken.yaml'), 'employees:\n  - { id: x, name: X, role: r, timezone: Mars/Olympus }\nrules:\n  - { id: r, ours: nobody, theirs: ceo, kind: call, every: 2 weeks }\n');
    const db = join(tempDir(), 'never.sqlite');
    for (const command of [['validate'], ['plan', '--now', NOW], ['once'], ['daemon', '--port', '0'], ['done', 'abc']]) {
      const r = await cli(...command, '--config', config, '--db', db);
      expect(r.code, command.join(' ')).toBe(2);
      expect(r.err).toContain('broken.yaml:2:');
      expect(r.err).toContain('broken.yaml:4:');
      expect(r.err).toContain('nothing was changed');
    }
    expect(existsSync(db)).toBe(false);
  });

  it('a file of the folder, or a folder in it, this user may not read: one error naming it, not the system\'s EACCES or the top folder', () => {
    // As root every file is readable: the command then runs as nobody (as a service user would).
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    execFileSync(process.execPath, [resolve('src/touchbase.js'), '--help']); // dist/ built, for a user who may not build it
    const dir = tempDir();
    const cfg = join(dir, 'cfg');
    cpSync(EXAMPLE, cfg, { recursive: true });
    for (const d of [dir, cfg]) chmodSync(d, 0o755);
    for (const f of readdirSync(cfg, { recursive: true }) as string[]) chmodSync(join(cfg, f), statSync(join(cfg, f)).isDirectory() ? 0o755 : 0o644);
    chmodSync(join(cfg, 'rules.yaml'), 0o600);
    if (asUser.uid === undefined) chmodSync(join(cfg, 'rules.yaml'), 0o000);
    const run = () => spawnSync(process.execPath, [resolve('dist/touchbase.js'), 'validate', '--config', cfg], { encoding: 'utf8', ...asUser });
    const file = run();
    expect(file.status).toBe(2);
    expect(file.stderr).toMatch(/the configuration has 1 error[^]*rules\.yaml:1:1: expected a file this user may read, found a file user \S+ may not read \(ls -l \S*rules\.yaml\)/);
    chmodSync(join(cfg, 'rules.yaml'), 0o644);
    mkdirSync(join(cfg, 'private'), { mode: 0o700 });
    chmodSync(join(cfg, 'private'), asUser.uid === undefined ? 0o000 : 0o700);
    const folder = run();
    expect(folder.status).toBe(2);
    expect(folder.stderr).toContain(`found ${join(cfg, 'private')}, which this user may not read (ls -ld ${join(cfg, 'private')})`);
    chmodSync(join(cfg, 'private'), 0o700);
  });

  it('commands that only read make no database where there is none (a mistyped --db), and say so', async () => {
    const db = join(tempDir(), 'typo.sqlite');
    // A dry run writes nothing (QA: it made an empty one).
    for (const command of [['history'], ['report', 'coverage'], ['export'], ['sync', '--dry-run', '--now', NOW]]) {
      const r = await cli(...command, '--config', EXAMPLE, '--db', db);
      expect(r.code, command.join(' ')).toBe(2);
      expect(r.err).toContain(`no database at ${db}`);
    }
    // A plan not saved is planned with no history; it makes no database either.
    const preview = await cli('plan', '--config', EXAMPLE, '--db', db, '--no-save', '--format', 'json', '--now', NOW, '--from', '2027-01-11', '--to', '2027-01-31');
    expect(preview.code, preview.err).toBe(0);
    expect((JSON.parse(preview.out) as unknown[]).length).toBeGreaterThan(10);
    expect(existsSync(db)).toBe(false);
  });

  it('a secret too short is refused before the database is made', async () => {
    const db = join(tempDir(), 'sec.sqlite');
    const r = spawnSync(process.execPath, [resolve('src/touchbase.js'), 'once', '--config', EXAMPLE, '--db', db, '--now', NOW], {
      env: { ...process.env, TOUCHBASE_LINK_SECRET: 'short', TOUCHBASE_FEEDS_DIR: join(tempDir(), 'feeds') }, encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('TOUCHBASE_LINK_SECRET is 5 characters long; it must be at least 32');
    expect(existsSync(db)).toBe(false);
  });

  it('plan --format json prints the documented shape with stable ids', async () => {
    const db = join(tempDir(), 't.sqlite');
    const args = ['plan', '--config', EXAMPLE, '--db', db, '--from', '2027-01-01', '--to', '2027-12-31', '--format', 'json', '--now', NOW];
    const one = await cli(...args);
    expect(one.code).toBe(0);
    const touches = JSON.parse(one.out) as Record<string, unknown>[];
    expect(touches.length).toBeGreaterThan(1000);
    const meeting = touches.find((t) => t.source === 'rule:ceo-to-ceo')!;
    expect(Object.keys(meeting)).toEqual(expect.arrayContaining(['id', 'source', 'kind', 'client', 'contacts', 'employee', 'date', 'start', 'end', 'allDay', 'title', 'window']));
    expect(meeting).toMatchObject({ kind: 'meeting', employee: 'orlov', allDay: false, window: { from: expect.any(String), to: expect.any(String) } });
    expect(meeting.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000\+0[34]:00$/);
    const greeting = touches.find((t) => t.kind === 'greeting')!;
    expect(greeting.allDay).toBe(true);
    expect(greeting.start).toBe(greeting.date);
    const fresh = await cli(...args.map((a) => (a === db ? join(tempDir(), 'other.sqlite') : a)));
    expect((JSON.parse(fresh.out) as { id: string }[]).map((t) => t.id)).toEqual(touches.map((t) => t.id));
  });

  it('plan filters by client and employee, and rejects unknown ones and bad dates with exit 2', async () => {
    const db = join(tempDir(), 't.sqlite');
    const r = await cli('plan', '--config', EXAMPLE, '--db', db, '--from', '2027-01-01', '--to', '2027-03-31', '--client', 'stroymash', '--format', 'json', '--now', NOW);
    const touches = JSON.parse(r.out) as { client: string }[];
    expect(touches.length).toBeGreaterThan(3);
    expect(new Set(touches.map((t) => t.client))).toEqual(new Set(['stroymash']));
    expect((await cli('plan', '--config', EXAMPLE, '--db', db, '--client', 'nope')).code).toBe(2);
    // Its name as the CRM writes it does too; a misspelt id gets the id it most likely meant.
    const byName = await cli('plan', '--config', EXAMPLE, '--db', db, '--from', '2027-01-01', '--to', '2027-03-31', '--client', 'Stroymash LLC', '--format', 'json', '--now', NOW);
    expect(byName.out).toBe(r.out);
    const misspelt = await cli('plan', '--config', EXAMPLE, '--db', db, '--client', 'stroymsh', '--now', NOW);
    expect([misspelt.code, misspelt.err]).toEqual([2, expect.stringContaining('--client: no client has the id, CRM code or name "stroymsh"; did you mean "stroymash"?')]);
    expect((await cli('plan', '--config', EXAMPLE, '--db', db, '--from', '2027-13-01')).code).toBe(2);
    expect((await cli('plan', '--config', EXAMPLE, '--db', db, '--format', 'xml')).code).toBe(2);
  });

  it('the example company never puts one client person on the phone for two rules on one day (arcticfish\'s buyer: check-in and monthly call)', async () => {
    const r = await cli('plan', '--config', EXAMPLE, '--db', join(tempDir(), 'none.sqlite'), '--no-save', '--from', '2027-01-01', '--to', '2027-12-31', '--format', 'json', '--now', NOW);
    expect(r.code).toBe(0);
    const touches = JSON.parse(r.out) as { source: string; contacts: string[]; date: string; allDay: boolean }[];
    const rules = new Map<string, Set<string>>();
    for (const t of touches.filter((t) => !t.allDay)) {
      for (const c of t.contacts) (rules.get(`${c} ${t.date}`) ?? rules.set(`${c} ${t.date}`, new Set()).get(`${c} ${t.date}`)!).add(t.source);
    }
    expect([...rules].filter(([, s]) => s.size > 1).map(([k]) => k)).toEqual([]);
    const buyer = touches.filter((t) => t.contacts.includes('arcticfish-buyer') && t.date.startsWith('2027-01') && !t.allDay);
    expect(buyer.map((t) => t.source).sort()).toEqual(['rule:manager-to-buyers', 'rule:small-client-checkin']);
  });

  it('a touch not yet recorded keeps its day whatever day "now" is, until that day has passed (a year looked at in January shows what is recorded in March)', async () => {
    const seen = new Map<string, { date: string; window: string }[]>();
    const nows = ['2027-01-04', '2027-01-05', '2027-01-20', '2027-02-01'];
    for (const now of nows) {
      const r = await cli('plan', '--config', EXAMPLE, '--db', join(tempDir(), 'none.sqlite'), '--no-save', '--from', '2027-01-01', '--to', '2027-06-30', '--format', 'json', '--now', `${now}T09:00:00+03:00`);
      for (const t of JSON.parse(r.out) as { id: string; date: string; source: string; window: { from: string; to: string } }[]) {
        seen.set(t.id, [...(seen.get(t.id) ?? []), { date: t.date, window: `${t.window.from}/${t.window.to}` }]);
      }
    }
    // Of a period that is the same at every "now" (a chain counted from the last touch moves its
    // own), and on a day after the last "now": the same day at every one of them.
    const kept = [...seen.values()].filter((d) => d.length === nows.length && new Set(d.map((x) => x.window)).size === 1 && d[0]!.date > '2027-02-01');
    expect(kept.length).toBeGreaterThan(300);
    expect(kept.filter((d) => new Set(d.map((x) => x.date)).size > 1)).toEqual([]);
  });

  it('the plan table marks each time with its offset when the employees shown are in several zones, and not when they share one', async () => {
    const db = join(tempDir(), 't.sqlite');
    const all = await cli('plan', '--config', EXAMPLE, '--db', db, '--from', '2027-03-01', '--to', '2027-03-05', '--now', NOW, '--no-save');
    // Moscow's sidorov and Bucharest's popescu on the same days: 10:00 +03 and 12:00 +02 read apart.
    expect(all.out).toMatch(/\d\d:\d\d-\d\d:\d\d \+03 +sidorov/);
    expect(all.out).toMatch(/\d\d:\d\d-\d\d:\d\d \+02 +popescu/);
    const one = await cli('plan', '--config', EXAMPLE, '--db', db, '--from', '2027-03-01', '--to', '2027-03-05', '--now', NOW, '--no-save', '--employee', 'sidorov');
    expect(one.out).toMatch(/\d\d:\d\d-\d\d:\d\d +sidorov/);
    expect(one.out).not.toMatch(/ \+03 /);
    // Bucharest's popescu alone, in a Moscow company: his times are not Moscow's, and say so.
    const away = await cli('plan', '--config', EXAMPLE, '--db', db, '--from', '2027-03-01', '--to', '2027-03-05', '--now', NOW, '--no-save', '--employee', 'popescu');
    expect(away.out).toMatch(/\d\d:\d\d-\d\d:\d\d \+02 +popescu/);
  });

  it('plan run again with nothing changed prints the same, with a business event\'s touch in its place and the filters applied', async () => {
    const db = join(tempDir(), 't.sqlite');
    const window = ['--from', '2027-01-01', '--to', '2027-03-31', '--now', NOW];
    const event = await cli('event', 'order.shipped', '--config', EXAMPLE, '--db', db, '--client', 'stroymash', '--ref', 'A-17', '--now', NOW);
    expect(event.code).toBe(0);
    for (const filter of [[], ['--client', 'stroymash']]) {
      for (const format of ['json', 'csv', 'table']) {
        const args = ['plan', '--config', EXAMPLE, '--db', db, ...window, ...filter, '--format', format];
        const first = await cli(...args);
        // The second run reads the first's plan back (as JSON, its text made by the database).
        const second = await cli(...args);
        expect(first.code).toBe(0);
        expect(second.out, `${format} ${filter.join(' ')}`).toBe(first.out);
        if (format === 'json') {
          const touches = JSON.parse(second.out) as { source: string; client: string; date: string }[];
          expect(touches.filter((t) => t.source === 'trigger:order-shipped').length).toBe(1);
          if (filter.length) expect(new Set(touches.map((t) => t.client))).toEqual(new Set(['stroymash']));
          expect(touches.map((t) => t.date)).toEqual(touches.map((t) => t.date).sort());
        }
      }
    }
  });

  it('plan --format csv has a header and one row per touch', async () => {
    const r = await cli('plan', '--config', EXAMPLE, '--db', join(tempDir(), 't.sqlite'), '--from', '2027-03-01', '--to', '2027-03-31', '--format', 'csv', '--now', NOW);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('id,source,kind,client,client_name,contacts,contact_names,contact_emails,employee,employee_name,employee_email,date,start,end,allDay,title,window_from,window_to,status,overdue');
    expect(lines.length).toBeGreaterThan(50);
    expect(lines.slice(1).every((l) => /^[0-9a-f-]{36},/.test(l))).toBe(true);
    // Names and e-mails beside the ids, for a mail merge.
    const row = lines.find((l) => l.includes(',stroymash,'))!;
    expect(row).toContain('Stroymash');
    expect(row).toMatch(/@[a-z.]+\.example/);
  });

  it('plan --format csv --excel is what a comma-decimal Excel opens as columns: ";", a byte-order mark, CRLF', async () => {
    const r = await cli('plan', '--config', EXAMPLE, '--db', join(tempDir(), 't.sqlite'), '--from', '2027-03-01', '--to', '2027-03-31', '--format', 'csv', '--excel', '--now', NOW);
    expect(r.out.startsWith('\ufeffid;source;kind;client;client_name;')).toBe(true);
    const lines = r.out.slice(1).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.length).toBeGreaterThan(50);
    expect(lines.slice(1, -1).every((l) => /^[0-9a-f-]{36};/.test(l))).toBe(true);
  });

  it('--excel without --format csv, schema --out into a folder that is not there, demo-data with no example to take rules from: each one clear error (exit 2), nothing written', async () => {
    const dir = tempDir();
    const excel = await cli('plan', '--config', EXAMPLE, '--db', join(dir, 't.sqlite'), '--excel', '--now', NOW);
    expect([excel.code, excel.err]).toEqual([2, 'touchbase: --excel: it is a form of CSV, so give --format csv (found --format table)\n']);
    expect(existsSync(join(dir, 't.sqlite'))).toBe(false);
    const schema = await cli('schema', '--out', join(dir, 'no-such-folder', 's.json'));
    expect([schema.code, schema.err]).toEqual([2, `touchbase: --out: cannot write ${join(dir, 'no-such-folder', 's.json')} (ENOENT): its folder does not exist\n`]);
    const demo = await cli('demo-data', '--clients', '3', '--out', join(dir, 'demo'), '--config', join(dir, 'elsewhere'));
    expect(demo.code).toBe(2);
    expect(demo.err).toContain(`--config: ${join(dir, 'elsewhere')} has none of rules.yaml, campaigns.yaml, workflows.yaml to take the rules, campaigns and workflows from`);
    expect(existsSync(join(dir, 'demo'))).toBe(false);
  });

  it('plan --format json streams a valid array: the same touches, with or without any', async () => {
    const r = await cli('plan', '--config', EXAMPLE, '--db', join(tempDir(), 't.sqlite'), '--from', '2027-03-01', '--to', '2027-03-31', '--format', 'json', '--now', NOW);
    const touches = JSON.parse(r.out) as { id: string }[];
    expect(touches.length).toBeGreaterThan(50);
    expect(new Set(touches.map((t) => t.id)).size).toBe(touches.length);
    const none = await cli('plan', '--config', EXAMPLE, '--db', join(tempDir(), 't.sqlite'), '--from', '2027-01-02', '--to', '2027-01-02', '--client', 'stroymash', '--format', 'json', '--now', NOW);
    expect(JSON.parse(none.out)).toEqual([]);
  });

  it('plan --format ics is accepted by a standard iCalendar parser, with reminders and exclusive all-day ends', async () => {
    const r = await cli('plan', '--config', EXAMPLE, '--db', join(tempDir(), 't.sqlite'), '--from', '2027-03-01', '--to', '2027-03-31', '--format', 'ics', '--now', NOW);
    expect(r.code).toBe(0);
    const root = new ICAL.Component(ICAL.parse(r.out));
    const events = root.getAllSubcomponents('vevent');
    expect(events.length).toBeGreaterThan(50);
    const uids = new Set(events.map((e) => e.getFirstPropertyValue('uid')));
    expect(uids.size).toBe(events.length);
    // A day's greetings of a campaign are one event listing each recipient (the example company
    // writes in Russian, settings.language: ru).
    const greeting = events.find((e) => /greet|поздрав/i.test(String(e.getFirstPropertyValue('summary'))) && String(e.getFirstPropertyValue('summary')).includes('×'))!;
    // Women's day (`prepare: 7 days`): that reminder and the day before's, as one greeting's event has.
    expect(greeting.getAllSubcomponents('valarm').map((a) => String(a.getFirstPropertyValue('trigger'))).sort()).toEqual(['-P6DT15H', '-PT15H']);
    const start = greeting.getFirstPropertyValue('dtstart') as ICAL.Time;
    const end = greeting.getFirstPropertyValue('dtend') as ICAL.Time;
    expect(start.isDate).toBe(true);
    expect(end.toJSDate().getTime() - start.toJSDate().getTime()).toBe(86_400_000);
    const alarms = events.flatMap((e) => e.getAllSubcomponents('valarm'));
    expect(alarms.length).toBeGreaterThanOrEqual(events.length);
    expect(String(alarms[0]!.getFirstPropertyValue('trigger'))).toMatch(/^-P/);
    const timed = events.find((e) => !(e.getFirstPropertyValue('dtstart') as ICAL.Time).isDate)!;
    // As in the employee's feed: the wall time in their zone, and the feed's UID (the touch id without dashes).
    expect(timed.getFirstProperty('dtstart')!.getParameter('tzid')).toMatch(/^Europe\/(Moscow|Bucharest|Chisinau)$/);
    expect(root.getAllSubcomponents('vtimezone').length).toBeGreaterThan(0);
    for (const uid of uids) expect(uid).toMatch(/^[0-9a-f]{32}@touchbase$/);
    expect(greeting.getFirstPropertyValue('class')).toBe('PRIVATE');
    expect(greeting.getAllProperties('attendee')).toHaveLength(0);
  });

  it('done, skip and history record what happened to a touch', async () => {
    const db = join(tempDir(), 't.sqlite');
    const plan = await cli('plan', '--config', EXAMPLE, '--db', db, '--from', '2027-01-11', '--to', '2027-02-28', '--format', 'json', '--now', NOW);
    const touches = JSON.parse(plan.out) as { id: string; client: string; title: string; status: string }[];
    const [a, b] = touches.filter((t) => t.client === 'stroymash');
    // Not in the future: a mistyped year is refused, and nothing is recorded.
    const typo = await cli('done', a!.id.slice(0, 8), '--config', EXAMPLE, '--db', db, '--at', '2030-01-12T15:30:00+03:00', '--now', '2027-01-12T18:00:00+03:00');
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('--at: expected a moment that has come (an outcome is recorded once it happened), found "2030-01-12T15:30:00+03:00", after today (2027-01-12 in Europe/Moscow)');
    // Nor long before the touch's window: a year typed a digit short.
    const touchA = (JSON.parse(plan.out) as { id: string; window: { from: string; to: string } }[]).find((t) => t.id === a!.id)!;
    const early = await cli('done', a!.id, '--config', EXAMPLE, '--db', db, '--at', '2026-01-12', '--now', '2027-01-12T18:00:00+03:00');
    expect(early.code).toBe(2);
    expect(early.err).toContain(`--at: expected a day from`);
    expect(early.err).toContain(`days before the touch's window, ${touchA.window.from} to ${touchA.window.to}), found "2026-01-12": a typo in the date?`);
    // Without --at the day is today, and the message says so (it said "found undefined").
    const ahead = await cli('done', a!.id, '--config', EXAMPLE, '--db', db, '--now', '2026-10-01T10:00:00+03:00');
    expect(ahead.code).toBe(2);
    expect(ahead.err).toContain('found today, 2026-10-01 (no --at): this touch is for a later period');
    // A note longer than a link's form takes is refused, and nothing is recorded (it goes into the calendar event: QA security F3).
    const long = await cli('done', a!.id, '--config', EXAMPLE, '--db', db, '--now', '2027-01-12T18:00:00+03:00', '--note', 'я'.repeat(501));
    expect([long.code, long.err]).toEqual([2, expect.stringContaining('--note: expected at most 500 characters (it goes into the calendar event), found 501')]);
    expect((await cli('skip', b!.id, '--config', EXAMPLE, '--db', db, '--reason', 'x'.repeat(600))).code).toBe(2);
    const done = await cli('done', a!.id.slice(0, 8), '--config', EXAMPLE, '--db', db, '--at', '2027-01-12T15:30:00+03:00', '--now', '2027-01-12T18:00:00+03:00', '--note', 'agreed a visit');
    expect(done.code).toBe(0);
    // The example company is Russian (settings.language: ru): so is what done says.
    expect(done.out).toMatch(/^выполнено: .+ — 2027-01-12, /);
    expect((await cli('done', a!.id, '--config', EXAMPLE, '--db', db)).code).toBe(2);
    expect((await cli('skip', b!.id, '--config', EXAMPLE, '--db', db)).code).toBe(2);
    // A reason with a line break, a terminal's escape code and a bell: kept as one line of plain text.
    expect((await cli('skip', b!.id, '--config', EXAMPLE, '--db', db, '--reason', 'their office\nis closed\u001b]0;title\u0007', '--now', '2027-01-13T10:00:00+03:00')).code).toBe(0);
    expect((await cli('skip', a!.id, '--config', EXAMPLE, '--db', db, '--reason', '\u001b\u0007 ')).code).toBe(2);
    const unknown = await cli('done', 'deadbeef', '--config', EXAMPLE, '--db', db);
    expect(unknown.code).toBe(2);
    // The plan is recorded: the id is wrong, not the plan missing.
    expect(unknown.err).toContain('no touch with id deadbeef: check the id');
    const none = await cli('done', 'deadbeef', '--config', EXAMPLE, '--db', join(tempDir(), 'empty.sqlite'));
    expect(none.err).toContain('run "touchbase plan" to record the plan');
    const history = await cli('history', '--client', 'stroymash', '--config', EXAMPLE, '--db', db, '--format', 'json');
    const lines = JSON.parse(history.out) as { type: string; detail: string | null }[];
    expect(lines.map((l) => [l.type, l.detail])).toEqual([['done', 'agreed a visit'], ['skipped', 'their office is closed ]0;title']]);
    const table = await cli('history', '--config', EXAMPLE, '--db', db);
    expect(table.out).toContain('agreed a visit');
    const replanned = await cli('plan', '--config', EXAMPLE, '--db', db, '--from', '2027-01-11', '--to', '2027-02-28', '--format', 'json', '--now', NOW);
    const after = JSON.parse(replanned.out) as { id: string; status: string }[];
    expect(after.find((t) => t.id === a!.id)!.status).toBe('done');
    expect(after.find((t) => t.id === b!.id)!.status).toBe('skipped');
  });

  it('--at and --now written without an offset are the employee\'s and the company\'s wall time, not the machine\'s (QA: 10:00 on a UTC server was recorded as 13:00 Moscow)', async () => {
    const db = join(tempDir(), 't.sqlite');
    const plan = await cli('plan', '--config', EXAMPLE, '--db', db, '--from', '2027-01-11', '--to', '2027-01-31', '--format', 'json', '--now', NOW);
    const t = (JSON.parse(plan.out) as { id: string; employee: string }[]).find((x) => x.employee === 'sidorov')!;
    expect((await cli('done', t.id, '--config', EXAMPLE, '--db', db, '--at', '2027-01-12T10:00', '--now', '2027-01-12T18:00')).code).toBe(0);
    const lines = JSON.parse((await cli('history', '--config', EXAMPLE, '--db', db, '--format', 'json')).out) as { type: string; at: string }[];
    expect(lines.find((l) => l.type === 'done')!.at).toBe('2027-01-12T07:00:00.000Z');
    // 23:30 on the 14th in Moscow is still the 14th there (read in UTC, it was 02:30 on the 15th in Moscow).
    expect((await cli('report', 'punctuality', '--config', EXAMPLE, '--db', db, '--now', '2027-01-14T23:30')).out).toMatch(/^Пунктуальность на 14\.01\.2027/);
    // Where no company's zone is known, an offset is required.
    const exported = await cli('export', '--db', db, '--now', '2027-01-14T23:00');
    expect([exported.code, exported.err]).toEqual([2, expect.stringContaining('--now: expected an ISO instant with its offset, like 2027-01-15T09:00:00+03:00, found "2027-01-14T23:00"')]);
  });

  it('--now, --at, --from and --to outside the years touchbase works with, or with an offset no zone has, are refused (exit 2) and record nothing (QA: done --now 9999-12-31 left a database no plan could use)', async () => {
    const db = join(tempDir(), 't.sqlite');
    const plan = await cli('plan', '--config', EXAMPLE, '--db', db, '--from', '2027-01-11', '--to', '2027-01-31', '--format', 'json', '--now', NOW);
    const t = (JSON.parse(plan.out) as { id: string }[])[0]!;
    const refused = async (args: string[], message: string) => {
      const r = await cli(...args, '--config', EXAMPLE, '--db', db);
      expect([r.code, r.err], args.join(' ')).toEqual([2, expect.stringContaining(message)]);
    };
    await refused(['done', t.id, '--now', '9999-12-31'], '--now: expected a year from 1900 to 2199, found 9999 (in "9999-12-31")');
    await refused(['done', t.id, '--now', '2207-01-15T10:00:00+03:00'], '--now: expected a year from 1900 to 2199, found 2207');
    await refused(['plan', '--no-save', '--now', '0001-01-01'], '--now: expected a year from 1900 to 2199, found 1');
    await refused(['plan', '--no-save', '--now', '+275760-09-13T00:00:00Z'], '--now: expected a year from 1900 to 2199, found 275760');
    await refused(['plan', '--no-save', '--now', '2027-01-15T09:00:00+99:59'], '--now: expected an offset from UTC between -12:00 and +14:00, found +99:59');
    await refused(['plan', '--no-save', '--now', '2199-12-31T23:00:00-12:00'], '--now: expected a moment from 1900-01-02 to 2199-12-30 (UTC), found 2200-01-01T11:00:00.000Z');
    await refused(['done', t.id, '--at', '2027-01-14T09:00:00+25:00', '--now', NOW], '--at: expected an offset from UTC between -12:00 and +14:00, found +25:00');
    await refused(['plan', '--no-save', '--from', '0001-01-01', '--to', '0001-12-31', '--now', NOW], '--from: expected a year from 1900 to 2199, found 1');
    // Nothing was recorded: the touch is still open, and the next plan is made as before.
    const history = JSON.parse((await cli('history', '--config', EXAMPLE, '--db', db, '--format', 'json')).out) as { type: string }[];
    expect(history.filter((l) => l.type !== 'planned')).toEqual([]);
    expect((await cli('plan', '--config', EXAMPLE, '--db', db, '--from', '2027-01-11', '--to', '2027-01-31', '--now', NOW)).code).toBe(0);
    // Offsets that zones have are taken (Kiribati's +14:00, Baker Island's -12:00).
    expect((await cli('plan', '--config', EXAMPLE, '--db', db, '--no-save', '--now', '2027-01-15T09:00:00+14:00')).code).toBe(0);
  });

  it('a plan too large to make is refused at once with exit 2, naming the rule (QA: a letter every day to every contact for ten years ran into gigabytes)', async () => {
    const dir = exampleCopy();
    const clients = Array.from({ length: 150 }, (_, i) => ({ id: `bulk-${i}`, name: `Bulk ${i}`, team: { account_manager: 'sidorov', sales_director: 'petrov' }, contacts: [0, 1, 2, 3].map((k) => ({ id: `bulk-${i}-${k}`, name: `Contact ${k}`, role: 'buyer' })) }));
    writeFileSync(join(dir, 'bulk.yaml'), stringify({ clients, rules: [{ id: 'daily-letter', ours: 'account_manager', theirs: 'all', kind: 'letter', every: '1 day' }] }));
    const started = performance.now();
    const r = await cli('plan', '--config', dir, '--db', join(tempDir(), 't.sqlite'), '--no-save', '--from', '2027-01-01', '--to', '2036-12-31', '--format', 'json', '--now', NOW);
    expect([r.code, r.out]).toEqual([2, '']);
    expect(r.err).toMatch(/would hold about [\d,]+ touches, more than the 2,000,000 touchbase plans at once \(rule daily-letter makes about [\d,]+ of them/);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('done and skip at a --db where there is no database refuse, and make none there (a mistyped path became an empty database)', async () => {
    const dir = tempDir();
    for (const args of [['done', 'abcdef12'], ['skip', 'abcdef12', '--reason', 'x']]) {
      const db = join(dir, `${args[0]}.sqlite`);
      const r = await cli(...args, '--config', EXAMPLE, '--db', db);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`no database at ${db}: no touch of it can be marked`);
      expect(existsSync(db)).toBe(false);
    }
  });

  it('an argument echoed in an error shows its control characters, does not send them to the terminal', async () => {
    const evil = '\u001b[31mRED\u001b[0m\rFAKE';
    for (const args of [[evil], ['validate', '--config', evil], ['event', evil, '--client', 'stroymash', '--config', EXAMPLE, '--db', join(tempDir(), 'e.sqlite')]]) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).not.toMatch(/[\u001b\r]/);
      expect(r.err).toContain('\\u001b[31mRED\\u001b[0m\\u000dFAKE');
    }
  });

  it('an event refused (an unknown name, a client no one has) makes no database at a --db where there is none', async () => {
    const db = join(tempDir(), 'typo.sqlite');
    const r = await cli('event', 'order.shiped', '--client', 'stroymash', '--config', EXAMPLE, '--db', db);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown event "order.shiped"');
    expect(existsSync(db)).toBe(false);
  });

  it('plan of more than ten years is bad input naming its options (exit 2), not a failure', async () => {
    const r = await cli('plan', '--config', EXAMPLE, '--no-save', '--from', '1900-01-01', '--to', '2199-12-31');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--from/--to: expected a period of at most 3660 days (ten years), found 1900-01-01 to 2199-12-31');
  });

  it('a plan with thousands of warnings (a cadence no one can keep) prints them counted by rule, employee and what they say, the first of each', async () => {
    const dir = writeConfig({ 'touchbase.yaml': workflowCompany({
      rules: [{ id: 'daily-meet', ours: 'account_manager', theirs: 'all', kind: 'meeting', every: '1 day', per: 'contact', duration: '4 hours' }],
    }) });
    const r = await cli('plan', '--config', dir, '--no-save', '--from', '2027-03-01', '--to', '2027-06-30', '--now', NOW);
    expect(r.code, r.err).toBe(0);
    const lines = r.err.trim().split('\n');
    expect(lines[0]).toMatch(/^[\d,]+ warnings:$/);
    expect(Number(lines[0]!.replace(/\D/g, ''))).toBeGreaterThan(100);
    expect(lines.length).toBeLessThan(60);
    expect(r.err).toMatch(/warning: rule:daily-meet \(\w+\): [\d,]+ touches, the first at \w+: not planned: /);
  });

  it('demo-data writes a large valid company; it refuses a non-empty folder and a bad count', async () => {
    const out = join(tempDir(), 'demo');
    const r = await cli('demo-data', '--clients', '300', '--out', out, '--config', EXAMPLE);
    expect(r.code).toBe(0);
    const v = await cli('validate', '--config', out);
    expect(v.code, v.err).toBe(0);
    const contacts = Number(/(\d+) contacts/.exec(v.out)![1]);
    expect(contacts / 300).toBeGreaterThan(4);
    expect(contacts / 300).toBeLessThan(6);
    expect((await cli('demo-data', '--clients', '10', '--out', out)).code).toBe(2);
    expect((await cli('demo-data', '--clients', 'many', '--out', join(tempDir(), 'x'))).code).toBe(2);
    // --out a file; rules that do not validate (a misspelt kind): one clear error each, nothing written.
    const aFile = join(tempDir(), 'not-a-folder');
    writeFileSync(aFile, '');
    const intoFile = await cli('demo-data', '--clients', '3', '--out', aFile, '--config', EXAMPLE);
    expect([intoFile.code, intoFile.err.trim()]).toEqual([2, `touchbase: --out: expected a folder to write the company into, found ${aFile}, which is a file`]);
    const broken = tempDir();
    for (const f of readdirSync(EXAMPLE)) if (f.endsWith('.yaml') || f.endsWith('.csv')) writeFileSync(join(broken, f), readFileSync(join(EXAMPLE, f), 'utf8').replace('kind: call', 'kind: calll'));
    const target = join(tempDir(), 'd');
    const fromBroken = await cli('demo-data', '--clients', '3', '--out', target, '--config', broken);
    expect(fromBroken.code).toBe(2);
    expect(fromBroken.err).toContain('calll');
    expect(existsSync(target)).toBe(false);
    // Run from another folder, without --config: the example shipped with touchbase gives the rules.
    const elsewhere = tempDir();
    const run = spawnSync(process.execPath, [resolve('src/touchbase.js'), 'demo-data', '--clients', '5', '--out', 'demo'], { cwd: elsewhere, encoding: 'utf8', env: { ...process.env, TOUCHBASE_CONFIG: '' } }); // left empty, as a copy of .env.example can
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`(rules and campaigns from ${resolve('config')})`);
    expect(readFileSync(join(elsewhere, 'demo', 'rules.yaml'), 'utf8')).toBe(readFileSync(join(EXAMPLE, 'rules.yaml'), 'utf8'));
  });

  it('once records the plan and writes the iCalendar feeds', async () => {
    const db = join(tempDir(), 't.sqlite');
    const r = await cli('once', '--config', EXAMPLE, '--db', db, '--now', NOW);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Volna Industrial Supply: ближайшие 30 дней (с 2027-01-11 по 2027-02-09)');
    expect(r.out).toMatch(/календари: записано \d+ событи(е|я|й), 10 лент iCalendar/);
    const again = await cli('once', '--config', EXAMPLE, '--db', db, '--now', NOW);
    expect(again.out).toMatch(/календари: записано 0 событий/);
    // No daemon ever ran on it (syncs from cron): status still speaks in the company's zone.
    expect(JSON.parse((await cli('status', '--db', db, '--format', 'json')).out)).toMatchObject({ running: false, timezone: 'Europe/Moscow' });
  });

  it('once says what leaves the calendars of an employee gone from the configuration, as sync does (QA: it said nothing)', async () => {
    const config = exampleCopy();
    const db = join(tempDir(), 't.sqlite');
    expect((await cli('once', '--config', config, '--db', db, '--now', NOW)).code).toBe(0);
    // Ionescu leaves: his clients go to Petrov, and he is taken out of the team.
    const clients = join(config, 'crm', 'clients.csv');
    writeFileSync(clients, readFileSync(clients, 'utf8').replaceAll(';ionescu;', ';petrov;'));
    const team = join(config, 'team.yaml');
    writeFileSync(team, readFileSync(team, 'utf8').replace(/  - id: ionescu\n(    [^\n]*\n)+\n/, ''));
    const after = await cli('once', '--config', config, '--db', db, '--now', NOW);
    expect(after.code, after.err).toBe(0);
    expect(after.out).toMatch(/^ {2}больше нет в конфигурации: ionescu — их события \([1-9]\d*\) убираются/m);
  });

  it('a contacts export whose rows only changed order changes no touch and writes no calendar event (QA CRM F9)', async () => {
    const config = exampleCopy();
    const db = join(tempDir(), 't.sqlite');
    const first = await cli('once', '--config', config, '--db', db, '--now', NOW);
    expect(first.code, first.err).toBe(0);
    const before = (await cli('plan', '--config', config, '--db', db, '--now', NOW, '--format', 'json')).out;
    // The CRM exported its rows the other way round (by last change, say): header first, the rest reversed.
    const contacts = join(config, 'crm', 'contacts.csv');
    const [header, ...rows] = readFileSync(contacts, 'utf8').split('\n').filter((l) => l.trim() !== '');
    writeFileSync(contacts, `${[header, ...rows.reverse()].join('\n')}\n`);
    const again = await cli('once', '--config', config, '--db', db, '--now', NOW);
    expect(again.code, again.err).toBe(0);
    // The example company is Russian: "записано: новых — 3, …" when anything was.
    expect(again.out).not.toMatch(/(новых|перенесено|передано другим сотрудникам|отменено) — [1-9]/);
    expect(again.out).toMatch(/календари: записано 0 событий/);
    expect((await cli('plan', '--config', config, '--db', db, '--now', NOW, '--format', 'json')).out).toBe(before);
  });

  it('once after one client changed prints the whole 30 days, not only that client\'s', async () => {
    const config = exampleCopy();
    const db = join(tempDir(), 't.sqlite');
    // The example company is Russian: "123 касания".
    const listed = (out: string) => Number(/^(\d+) касани[ейя]$/m.exec(out)?.[1]);
    const first = await cli('once', '--config', config, '--db', db, '--now', NOW);
    expect(first.code, first.err).toBe(0);
    // A buyer more for one client: the next pass re-plans that client alone.
    const contacts = join(config, 'crm', 'contacts.csv');
    writeFileSync(contacts, `${readFileSync(contacts, 'utf8')}yugenergo;yugenergo-buyer9;Ivan Novikov;buyer;i.novikov@yugenergo.example\r\n`);
    const again = await cli('once', '--config', config, '--db', db, '--now', NOW);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/записано: новых — [1-9]\d*,/);
    // The same list a first pass on a new database prints for the edited company.
    const fresh = await cli('once', '--config', config, '--db', join(tempDir(), 'fresh.sqlite'), '--now', NOW);
    expect(listed(fresh.out)).toBeGreaterThan(listed(first.out));
    expect(listed(again.out)).toBe(listed(fresh.out));
    expect(again.out).toContain('Ivan Novikov');
    expect(again.out).toContain('Danube Logistics SRL');
  });

  it('history --client of a client gone from the configuration shows its history as recorded (QA dashboard F9); an id never seen is refused', async () => {
    const config = exampleCopy();
    const db = join(tempDir(), 't.sqlite');
    expect((await cli('once', '--config', config, '--db', db, '--now', NOW)).code).toBe(0);
    for (const file of ['clients.csv', 'contacts.csv']) {
      const path = join(config, 'crm', file);
      writeFileSync(path, readFileSync(path, 'utf8').split('\n').filter((line) => !/^tulaarms[;-]|;tulaarms;/.test(line)).join('\n'));
    }
    const later = '2027-01-12T08:00:00+03:00';
    const removed = await cli('once', '--config', config, '--db', db, '--now', later);
    expect(removed.code, removed.err).toBe(0);
    const history = await cli('history', '--client', 'tulaarms', '--config', config, '--db', db, '--format', 'json');
    expect(history.code, history.err).toBe(0);
    expect(history.err).toContain('client tulaarms is no longer in the configuration');
    const lines = JSON.parse(history.out) as { client: string; type: string }[];
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines.map((l) => l.client))).toEqual(new Set(['tulaarms']));
    expect(lines.map((l) => l.type)).toContain('cancelled');
    const never = await cli('history', '--client', 'stroymsh', '--config', config, '--db', db);
    expect([never.code, never.err]).toEqual([2, expect.stringContaining('did you mean "stroymash"?')]);
  });

  it('once lists a business event\'s touch among its 30 days, as plan does, on the pass that plans everything and on the next (QA campaigns F3)', async () => {
    const db = join(tempDir(), 't.sqlite');
    // The client by its name, as the CRM writes it.
    const event = await cli('event', 'order.shipped', '--config', EXAMPLE, '--db', db, '--client', 'Stroymash LLC', '--ref', 'A-17', '--now', NOW);
    expect(event.code, event.err).toBe(0);
    const id = /^\s+([0-9a-f]{8})\s/m.exec(event.out)![1]!;
    const row = (out: string) => out.split('\n').find((line) => line.endsWith(id));
    const first = await cli('once', '--config', EXAMPLE, '--db', db, '--now', NOW);
    expect(first.code, first.err).toBe(0);
    expect(row(first.out)).toMatch(/^2027-01-11 +09:00-09:15 .*stroymash .*A-17/);
    const again = await cli('once', '--config', EXAMPLE, '--db', db, '--now', NOW);
    expect(row(again.out)).toBe(row(first.out));
    // The same rows as plan's table of those 30 days.
    const plan = await cli('plan', '--config', EXAMPLE, '--db', db, '--from', '2027-01-11', '--to', '2027-02-09', '--now', NOW);
    const rows = (out: string) => out.split('\n').filter((line) => /^\d{4}-\d{2}-\d{2} /.test(line));
    expect(rows(first.out)).toEqual(rows(plan.out));
  });

  it('a command on a SQLite database with feeds alone loads neither the PostgreSQL driver nor the Google and Microsoft clients, and kysely from the bundle', () => {
    const dir = tempDir();
    const loaded = join(dir, 'loaded.txt');
    const db = join(dir, 't.sqlite');
    const run = (...args: string[]) => spawnSync(process.execPath, [resolve('src/touchbase.js'), ...args, '--config', EXAMPLE, '--db', db], {
      encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: `--import=${resolve('test/fixtures/loaded-modules-preload.mjs')}`, LOADED_MODULES_FILE: loaded },
    });
    // once: a sync into iCalendar feeds alone (no Google or Microsoft connection in the environment).
    for (const command of [['migrate'], ['status'], ['once', '--now', NOW]]) {
      const r = run(...command);
      expect(r.status, `${command.join(' ')}: ${r.stderr}`).toBe(0);
      const modules = readFileSync(loaded, 'utf8').split('\n');
      expect(modules.some((m) => m.includes('/node_modules/better-sqlite3/')), command[0]).toBe(true);
      expect(modules.filter((m) => /\/node_modules\/(pg|pg-pool|googleapis|@googleapis|google-auth-library|@microsoft)\//.test(m)), command[0]).toEqual([]);
      // kysely is bundled into dist/ (src/build.js): not its ~260 files loaded one by one.
      expect(modules.filter((m) => m.includes('/node_modules/kysely/')), command[0]).toEqual([]);
      // status prints a table and reads the settings' language: not the holiday calendars (0.2 s) that planning needs.
      if (command[0] !== 'once') expect(modules.filter((m) => /\/node_modules\/(date-holidays|yaml)\//.test(m)), command[0]).toEqual([]);
    }
  });

  it('once whose reader stops early (`touchbase once | head`) still syncs the calendars, and a failed sync still fails it', async () => {
    // The reader goes away after the first line of the table's header: the sync comes after the table.
    const run = (db: string, feeds: string) => withEarlyReader(
      [resolve('src/touchbase.js'), 'once', '--config', EXAMPLE, '--db', db, '--now', NOW], { ...process.env, TOUCHBASE_FEEDS_DIR: feeds },
    );
    const dir = tempDir();
    const ok = await run(join(dir, 't.sqlite'), join(dir, 'feeds'));
    expect(ok.code, ok.stderr).toBe(0);
    expect(readdirSync(join(dir, 'feeds')).filter((f) => f.endsWith('.ics'))).toHaveLength(10);
    const stored = new SQLite(join(dir, 't.sqlite'), { readonly: true });
    expect(stored.prepare('select count(*) from ics_events').pluck().get()).toBeGreaterThan(100);
    stored.close();
    // Feeds that cannot be written (their folder would be under a file): told, and not exit 0.
    const failed = await run(join(dir, 'u.sqlite'), join(EXAMPLE, 'settings.yaml', 'feeds'));
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/ENOTDIR/);
  });

  it('a first plan past the bulk threshold, by the built command: written by its own thread, saved even when the reader stops early, then read back as planned unsaved', async () => {
    const company = join(tempDir(), 'demo');
    expect((await cli('demo-data', '--clients', '320', '--out', company)).code).toBe(0);
    const db = join(tempDir(), 't.sqlite');
    const args = [resolve('src/touchbase.js'), 'plan', '--config', company, '--from', '2027-01-11', '--to', '2027-12-31', '--format', 'json', '--now', NOW, '--db', db];
    // `touchbase plan | head`: the reader goes away after the first chunk, while the thread is still writing.
    const { code, stderr } = await withEarlyReader(args);
    expect(code, stderr).toBe(0);
    expect(stderr).not.toMatch(/did not start/);
    const unsaved = await cli('plan', ...args.slice(2, -2), '--db', join(tempDir(), 'other.sqlite'), '--no-save');
    const touches = JSON.parse(unsaved.out) as { id: string }[];
    // Past BULK_LOAD_ROWS (storage/bulk-load-journal.ts): the load of a first plan in a thread of its own.
    expect(touches.length).toBeGreaterThan(10_000);
    const stored = new SQLite(db, { readonly: true });
    expect(stored.prepare('select count(*) from touches').pluck().get()).toBe(touches.length);
    const parts = stored.prepare('select ids from plan_snapshot_ids order by part').pluck().all() as string[];
    expect(parts.join('\n')).toBe(touches.map((t) => t.id).join('\n'));
    stored.close();
    // Run again, the plan is read back from what the first run saved: the same as planned.
    const again = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toBe(unsaved.out);
    const fresh = join(tempDir(), 'fresh.sqlite');
    const whole = spawnSync(process.execPath, [...args.slice(0, -1), fresh], { encoding: 'utf8', maxBuffer: 1 << 30 });
    expect(whole.status, whole.stderr).toBe(0);
    expect(whole.stdout).toBe(unsaved.out);
  });

  it('once\'s first plan past the bulk threshold, loaded by its own thread while the 30 days are printed, completes: what is printed beside it reads no database (it waited on the thread\'s lock, and the process ended with nothing done)', async () => {
    const company = join(tempDir(), 'demo');
    expect((await cli('demo-data', '--clients', '1100', '--out', company)).code).toBe(0);
    const db = join(tempDir(), 't.sqlite');
    const env = { ...process.env, TOUCHBASE_FEEDS_DIR: join(tempDir(), 'feeds') };
    const r = spawnSync(process.execPath, [resolve('src/touchbase.js'), 'once', '--config', company, '--db', db, '--now', NOW], { env, encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(r.status, r.stderr).toBe(0);
    // Past BULK_LOAD_ROWS (storage/bulk-load-journal.ts), so the thread's load.
    expect(Number(/recorded: (\d+) new/.exec(r.stdout)?.[1])).toBeGreaterThan(10_000);
    expect(r.stdout).toMatch(/calendars: \d+ events written/);
  });

  it('feeds on a database that is not there makes none: refused without TOUCHBASE_FEED_SECRET, the secret\'s addresses with it, said to have no database yet (QA: a mistyped --db made one and printed addresses nothing served)', () => {
    const dir = tempDir();
    const db = join(dir, 'typo.sqlite');
    const run = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, [resolve('src/touchbase.js'), 'feeds', '--config', EXAMPLE, '--db', db], { env: { ...process.env, TOUCHBASE_FEEDS_DIR: join(dir, 'feeds'), TOUCHBASE_PUBLIC_URL: '', ...env }, encoding: 'utf8' });
    const { TOUCHBASE_FEED_SECRET: _secret, ...withoutSecret } = process.env;
    const refused = spawnSync(process.execPath, [resolve('src/touchbase.js'), 'feeds', '--config', EXAMPLE, '--db', db], { env: { ...withoutSecret, TOUCHBASE_FEEDS_DIR: join(dir, 'feeds') }, encoding: 'utf8' });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`no database at ${db}: the feed addresses depend on the secret kept there`);
    expect(existsSync(db)).toBe(false);
    const secret = 'f'.repeat(40);
    const given = run({ TOUCHBASE_FEED_SECRET: secret });
    expect(given.status, given.stderr).toBe(0);
    expect(existsSync(db)).toBe(false);
    expect(given.stderr).toContain(`warning: no database at ${db} yet`);
    // The same addresses a run on the database makes with that secret.
    expect(spawnSync(process.execPath, [resolve('src/touchbase.js'), 'once', '--config', EXAMPLE, '--db', db, '--now', NOW], { env: { ...process.env, TOUCHBASE_FEEDS_DIR: join(dir, 'feeds'), TOUCHBASE_FEED_SECRET: secret }, encoding: 'utf8' }).status).toBe(0);
    const after = run({ TOUCHBASE_FEED_SECRET: secret });
    const tokens = (out: string) => [...out.matchAll(/http:\/\/\S+\/feeds\/(\S+)\.ics/g)].map((m) => m[1]);
    expect(tokens(given.stdout)).toHaveLength(10);
    expect(tokens(after.stdout)).toEqual(tokens(given.stdout));
  });

  it('feeds --serve prints the addresses it serves the feeds at (its own port), and they answer', async () => {
    const dir = tempDir();
    const env = { ...process.env, TOUCHBASE_FEEDS_DIR: join(dir, 'feeds'), TOUCHBASE_PUBLIC_URL: '' };
    const db = join(dir, 't.sqlite');
    expect(spawnSync(process.execPath, [resolve('src/touchbase.js'), 'once', '--config', EXAMPLE, '--db', db, '--now', NOW], { env, encoding: 'utf8' }).status).toBe(0);
    const child = spawn(process.execPath, [resolve('src/touchbase.js'), 'feeds', '--config', EXAMPLE, '--db', db, '--serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      // The example company is Russian.
      while (!out.includes('ленты доступны по адресу')) await once(child.stdout, 'data');
      const served = /ленты доступны по адресу (http:\/\/127\.0\.0\.1:(\d+))\/feeds/.exec(out)!;
      expect(Number(served[2])).toBeGreaterThan(0);
      const urls = [...out.matchAll(/http:\/\/\S+\.ics/g)].map((m) => m[0]);
      expect(urls.length).toBe(10);
      for (const url of urls) expect(url.startsWith(`${served[1]}/feeds/`), url).toBe(true);
      const answer = await fetch(urls[0]!);
      expect(answer.status).toBe(200);
      expect(await answer.text()).toContain('BEGIN:VCALENDAR');
      // The security headers the daemon's answers carry (QA security F8).
      expect([answer.headers.get('x-content-type-options'), answer.headers.get('x-frame-options'), answer.headers.get('referrer-policy')]).toEqual(['nosniff', 'DENY', 'no-referrer']);
    } finally {
      child.kill('SIGINT');
      await once(child, 'exit');
    }
    // On every interface (the README's --host 0.0.0.0): addresses by this machine's name, which a calendar can open (QA: http://0.0.0.0:…).
    const all = spawn(process.execPath, [resolve('src/touchbase.js'), 'feeds', '--config', EXAMPLE, '--db', db, '--serve', '--host', '0.0.0.0', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      all.stdout.on('data', (d: Buffer) => (out += d.toString()));
      while ([...out.matchAll(/\.ics/g)].length < 10) await once(all.stdout, 'data');
      const urls = [...out.matchAll(/http:\/\/\S+\.ics/g)].map((m) => m[0]);
      expect(urls.length).toBe(10);
      for (const url of urls) expect(url, url).toMatch(new RegExp(`^http://${hostname().replace(/\./g, '\\.')}:\\d+/feeds/`));
    } finally {
      all.kill('SIGINT');
      await once(all, 'exit');
    }
  });

  it('a first plan whose load fails (the disk fills) after the reader stopped early exits non-zero, says why, and saves nothing', async () => {
    const company = join(tempDir(), 'demo');
    expect((await cli('demo-data', '--clients', '320', '--out', company)).code).toBe(0);
    const db = join(tempDir(), 't.sqlite');
    // 2 MiB: the new database's tables are made, the year's ~12,000 touches do not fit.
    const { code, stderr } = await withEarlyReader([
      resolve('src/touchbase.js'), 'plan', '--config', company, '--from', '2027-01-01', '--to', '2027-12-31', '--format', 'json', '--now', NOW, '--db', db,
    ], undefined, 2048);
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(/cannot write .*t\.sqlite: the disk \(or the quota\) of .* is full/);
    expect(stderr).toContain('Nothing of this change was written');
    const stored = new SQLite(db, { readonly: true });
    expect(stored.prepare('select count(*) from touches').pluck().get()).toBe(0);
    stored.close();
  });

  it('a first plan is saved before it is shown, with a warning, when its thread cannot start (an installation without its file)', async () => {
    const company = join(tempDir(), 'demo');
    expect((await cli('demo-data', '--clients', '320', '--out', company)).code).toBe(0);
    // A copy of the build inside the repository (its libraries resolve from node_modules) without the thread's file.
    const build = resolve(`dist-without-loader-${process.pid}`);
    cpSync(resolve('dist'), build, { recursive: true });
    try {
      rmSync(join(build, 'first-plan-load-worker.js'));
      const db = join(tempDir(), 't.sqlite');
      const r = spawnSync(process.execPath, [join(build, 'touchbase.js'), 'plan', '--config', company, '--db', db, '--from', '2027-01-01', '--to', '2027-12-31', '--format', 'json', '--now', NOW], { encoding: 'utf8', maxBuffer: 1 << 30 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/the thread that writes a first plan did not start .*written before it is shown instead/);
      const touches = JSON.parse(r.stdout) as unknown[];
      expect(touches.length).toBeGreaterThan(10_000);
      const stored = new SQLite(db, { readonly: true });
      expect(stored.prepare('select count(*) from touches').pluck().get()).toBe(touches.length);
      stored.close();
    } finally {
      rmSync(build, { recursive: true, force: true });
    }
  });

  it('--help works for every command and unknown commands exit 2', async () => {
    for (const c of ['validate', 'plan', 'done', 'skip', 'history', 'migrate', 'demo-data', 'schema', 'once', 'daemon', 'status']) {
      const r = await cli(c, '--help');
      expect(r.code, c).toBe(0);
      expect(r.out).toContain(`Usage: touchbase ${c}`);
    }
    expect((await cli('frobnicate')).code).toBe(2);
    // --db takes a PostgreSQL URL too, and the environment's URL comes before TOUCHBASE_DB (README, Storage).
    expect((await cli('--help')).out.replace(/\s+/g, ' ')).toContain('--db <file-or-url> the database: a SQLite file, or a postgres:// URL (default: $TOUCHBASE_DATABASE_URL_FILE, $TOUCHBASE_DATABASE_URL, $TOUCHBASE_DB, or db/touchbase.sqlite)');
  });

  it('the published JSON Schema is the one generated from the zod schemas', () => {
    const published = JSON.parse(readFileSync(join(EXAMPLE, 'touchbase.schema.json'), 'utf8'));
    expect(published).toEqual(configJsonSchema());
    // A contact's address at a Cyrillic domain is one to an editor too ("email" is ASCII only to its validators).
    const formats: string[] = [];
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as { pattern?: string; format?: string };
      if (n.pattern?.includes('Script=Cyrillic')) formats.push(n.format ?? '');
      for (const v of Object.values(node)) walk(v);
    };
    walk(published);
    expect(formats.length).toBeGreaterThan(0);
    expect(new Set(formats)).toEqual(new Set(['idn-email']));
    // A duration in capitals is one to touchbase, and to an editor (a JSON schema's pattern has no `i` flag: "2 Weeks" was red — QA).
    const durations: string[] = [];
    const patterns = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as { pattern?: string };
      if (n.pattern && new RegExp(n.pattern, 'u').test('2 weeks')) durations.push(n.pattern);
      for (const v of Object.values(node)) patterns(v);
    };
    patterns(published);
    expect(durations.length).toBeGreaterThan(0);
    for (const p of durations) for (const written of ['2 Weeks', '1 YEAR', '90 Days']) expect(new RegExp(p, 'u').test(written), `${p} of ${written}`).toBe(true);
    expect(Object.keys((published as { properties: object }).properties)).toEqual(['settings', 'employees', 'clients', 'rules', 'campaigns', 'holidays', 'handovers', 'triggers', 'silence', 'overdue', 'digest', 'dashboard', 'imports']);
  });

  it('output to a file that cannot take it all (a full disk, a size limit) fails the command, saying so; it ended 0 with the file cut off (QA)', () => {
    const dir = tempDir();
    const out = join(dir, 'plan.json');
    const args = `plan --config ${EXAMPLE} --db ${join(dir, 't.sqlite')} --no-save --format json --from 2027-01-01 --to 2027-12-31 --now ${NOW}`;
    // A 50 KB file size limit, its signal ignored: the write that crosses it is cut short, the next refused (EFBIG).
    const limited = spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f 50; exec node ${resolve('src/touchbase.js')} ${args} > ${out}`], { encoding: 'utf8' });
    expect(limited.status, limited.stderr).toBe(1);
    expect(limited.stderr).toContain('touchbase: cannot write the output: where it goes would grow larger than allowed (EFBIG: ulimit -f, or the file system\'s largest file); what was written of it is incomplete');
    expect(statSync(out).size).toBe(50 * 1024);
    // A device that is always full (the stream's own error, not a stack trace).
    const full = spawnSync('bash', ['-c', `exec node ${resolve('src/touchbase.js')} ${args} > /dev/full`], { encoding: 'utf8' });
    expect(full.status).toBe(1);
    expect(full.stderr).toContain('touchbase: cannot write the output: where it goes is full (ENOSPC): free space on that disk (df -h) and run it again');
    expect(full.stderr).not.toMatch(/\n\s+at /);
  });

  it('`npx touchbase` runs the bin as a separate process with exit statuses', () => {
    const ok = execFileSync('npx', ['--no-install', 'touchbase', 'validate', '--config', EXAMPLE], { encoding: 'utf8' });
    expect(ok).toContain('конфигурация в порядке'); // the example company is Russian
    const missing = join(tempDir(), 'empty');
    const bad = spawnSync('npx', ['--no-install', 'touchbase', 'validate', '--config', missing], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`${missing}:1:1: expected a configuration folder, found ${missing}, which does not exist (check --config and TOUCHBASE_CONFIG)`);
  });

  it('--config at a file (the rules file, not its folder) is said so: "which is a file, not a folder" (QA: "found … is not a folder", garbled)', async () => {
    const file = join(EXAMPLE, 'rules.yaml');
    const r = await cli('validate', '--config', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}:1:1: expected a configuration folder, found ${file}, which is a file, not a folder`);
  });
});

describe('what a plan says it recorded', () => {
  it('plan, saved, does not print as open the workflow touches of a client gone from the configuration, which its save cancels (review)', async () => {
    const company = workflowCompany();
    const dir = writeConfig({ 'touchbase.yaml': company });
    const file = join(tempDir(), 't.sqlite');
    expect((await cli('once', '--config', dir, '--db', file, '--now', NOW)).code).toBe(0);
    const event = await cli('event', 'order.shipped', '--config', dir, '--db', file, '--client', 'beta', '--ref', 'S2', '--now', '2027-01-11T10:00:00+03:00');
    expect(event.code, event.err).toBe(0);
    // Beta leaves the configuration (one client: the everyday case, not held).
    writeFileSync(join(dir, 'touchbase.yaml'), stringify({ ...company, clients: company.clients.slice(0, 1) }));
    const plan = await cli('plan', '--config', dir, '--db', file, '--now', '2027-01-11T10:10:00+03:00', '--from', '2027-01-11', '--to', '2027-02-28', '--format', 'json');
    expect(plan.code, plan.err).toBe(0);
    const printed = JSON.parse(plan.out) as { client: string; status: string; source: string }[];
    expect(printed.filter((t) => t.client === 'beta' && t.status === 'planned')).toEqual([]);
    const db = await openMigrated(file);
    try {
      // (Of the plan's days: a plan records its window.)
      expect(await db.selectFrom('touches').select('source').where('client_id', '=', 'beta').where('status', '=', 'planned').where('date', '<=', '2027-02-28').execute()).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('once prints a business event\'s touch with whoever a handover written since gave it to, as plan does (QA: the leaver)', async () => {
    const company = workflowCompany();
    const dir = writeConfig({ 'touchbase.yaml': company });
    const db = join(tempDir(), 't.sqlite');
    const at = (now: string) => ['--config', dir, '--db', db, '--now', now];
    expect((await cli('once', ...at(NOW))).code).toBe(0);
    const event = await cli('event', 'order.shipped', '--config', dir, '--db', db, '--client', 'alpha', '--ref', 'S1', '--now', '2027-01-11T10:00:00+03:00');
    expect(event.code, event.err).toBe(0);
    // Anna leaves from the event's day on: Oleg takes Alpha.
    writeFileSync(join(dir, 'touchbase.yaml'), stringify({ ...company, handovers: [{ from: 'anna', to: 'oleg', on: '2027-01-11', notice_from: 'leaving' }] }));
    const pass = await cli('once', ...at('2027-01-11T10:10:00+03:00'));
    expect(pass.code, pass.err).toBe(0);
    const line = pass.out.split('\n').find((l) => l.includes('S1'));
    expect(line, pass.out).toMatch(/\boleg\b/);
    expect(line).not.toMatch(/\banna\b/);
  });

  it('counts the touches of a client that came back as restored, in plan and once alike', async () => {
    const both = workflowCompany();
    const dir = writeConfig({ 'touchbase.yaml': both });
    const rewrite = (company: unknown) => writeFileSync(join(dir, 'touchbase.yaml'), stringify(company));
    const db = join(tempDir(), 't.sqlite');
    const at = ['--config', dir, '--db', db, '--now', NOW];
    expect((await cli('plan', ...at)).code).toBe(0);
    rewrite({ ...both, clients: both.clients.slice(0, 1) });
    const without = await cli('plan', ...at);
    const cancelled = Number(/(\d+) cancelled/.exec(without.err)?.[1]);
    expect(cancelled).toBeGreaterThan(0);
    expect(without.err).not.toContain('restored');
    rewrite(both);
    const back = await cli('plan', ...at);
    expect(back.err).toContain(`0 new, 0 moved, 0 reassigned, 0 cancelled, ${cancelled} restored,`);
    rewrite({ ...both, clients: both.clients.slice(0, 1) });
    await cli('plan', ...at);
    rewrite(both);
    expect((await cli('once', ...at)).out).toMatch(new RegExp(`recorded: 0 new, 0 moved, 0 reassigned, 0 cancelled, ${cancelled} restored, \\d+ unchanged`));
  });
});

describe('a client gone from an export a while', () => {
  it('comes back with its late meeting planned again from today, not left cancelled on its past day (QA CRM F8)', async () => {
    const both = workflowCompany();
    const dir = writeConfig({ 'touchbase.yaml': both });
    const rewrite = (company: unknown) => writeFileSync(join(dir, 'touchbase.yaml'), stringify(company));
    const db = join(tempDir(), 't.sqlite');
    const plan = async (now: string, ...more: string[]) => {
      const r = await cli('plan', '--config', dir, '--db', db, '--now', now, '--format', 'json', ...more);
      expect(r.code, r.err).toBe(0);
      return JSON.parse(r.out) as { id: string; source: string; client: string; date: string; status: string }[];
    };
    const meeting = (await plan(NOW)).find((t) => t.source === 'rule:ceo-meeting')!;
    // Its day passes with the meeting open; then an export without the client is accepted, and the next one has it again.
    const later = new Date(Date.parse(`${meeting.date}T12:00:00+03:00`) + 3 * 86_400_000).toISOString().slice(0, 10);
    expect(later < '2027-03-25').toBe(true);
    rewrite({ ...both, clients: both.clients.filter((c) => (c as { id: string }).id !== meeting.client) });
    await plan(`${later}T09:00:00+03:00`, '--allow-removals');
    rewrite(both);
    const back = (await plan(`${later}T10:00:00+03:00`)).find((t) => t.id === meeting.id);
    expect(back).toMatchObject({ status: 'planned' });
    expect(back!.date >= later && back!.date <= '2027-03-31').toBe(true);
    const sqlite = new SQLite(db, { readonly: true });
    try {
      expect(sqlite.prepare('select status, date from touches where id = ?').get(meeting.id)).toEqual({ status: 'planned', date: back!.date });
    } finally {
      sqlite.close();
    }
  });
});

describe('the JSON of a touch', () => {
  it('written field by field is exactly what JSON.stringify writes, whatever the text', async () => {
    const { jsonLine, touchJson } = await import('../../src/cli/format-touches.ts');
    const fc = (await import('fast-check')).default;
    fc.assert(fc.property(fc.string(), fc.string(), fc.array(fc.string({ minLength: 1, maxLength: 8 }).map((s) => s.replace(/[^a-z0-9-]/g, 'x'))), fc.boolean(), (title, source, contacts, allDay) => {
      const t = {
        id: '3f0c6c1e-9d1a-5b0e-8c3f-0a1b2c3d4e5f', source, series: 's', kind: 'call' as const, client: 'stroymash', contacts, employee: 'ivanova',
        date: '2027-02-09', start: '2027-02-09T10:00:00.000+03:00', end: '2027-02-09T10:15:00.000+03:00', allDay, title,
        window: { from: '2027-02-01', to: '2027-02-28' }, remind: [15, 1440], status: 'planned' as const, overdue: false,
      };
      expect(jsonLine(t)).toBe(JSON.stringify(touchJson(t)));
    }), { numRuns: 300, seed: 9 });
  });
});
