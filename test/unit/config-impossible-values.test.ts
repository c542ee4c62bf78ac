import { describe, expect, it } from 'vitest';
import { dirname, join, relative, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { tmpdir } from 'node:os';
import { DateTime } from 'luxon';
import { checkConfig } from '../../src/config/load-config.ts';
import { formatIssue, formatWarning } from '../../src/config/config-issue.ts';
import { planTouches } from '../../src/planner/plan.ts';
import { NO_HISTORY } from '../../src/planner/history.ts';
import { tempDir, writeConfig } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';

const SETTINGS = `settings:
  company: Test Co
  timezone: Europe/Moscow
  country: RU
`;
const TEAM = `employees:
  - { id: ivanova, name: Anna Ivanova, role: account_manager }
  - { id: petrov, name: Ivan Petrov, role: sales_director }
`;

function check(files: Record<string, string>) {
  const dir = writeConfig(files);
  const result = checkConfig(dir);
  const issues = result.issues.map((i) => ({ ...i, file: relative(dir, resolve(process.cwd(), i.file)) }));
  const warnings = result.warnings.map((w) => ({ ...w, file: relative(dir, resolve(process.cwd(), w.file)) }));
  return { ...result, issues, warnings, dir, text: issues.map(formatIssue).join('\n') };
}

function prototypeState(): string {
  const inherited: string[] = [];
  for (const key in {}) inherited.push(key);
  return `${Object.getOwnPropertyNames(Object.prototype).sort().join(',')}|${inherited.join(',')}`;
}

describe('every impossible value is refused with its place', () => {
  it('dates that do not exist: since, stage_since, last_contact and a handover day, each with the reason', () => {
    const { config, issues } = check({
      'a.yaml': `${SETTINGS}${TEAM}clients:
  - { id: c1, name: C1, since: 2027-04-31, stage_since: 2027-02-29, last_contact: 2027-13-01 }
  - { id: c2, name: C2, since: 1066-10-14 }
handovers:
  - { from: ivanova, to: petrov, on: 2027-02-29 }
`,
    });
    expect(config).toBeUndefined();
    expect(issues.map((i) => [i.line, i.field, i.found])).toEqual([
      [9, 'clients[0].since', '"2027-04-31": April 2027 has 30 days'],
      [9, 'clients[0].stage_since', '"2027-02-29": February 2027 has 28 days'],
      [9, 'clients[0].last_contact', '"2027-13-01": there is no month 13'],
      [10, 'clients[1].since', '"1066-10-14": the year is outside 1900–2199'],
      [12, 'handovers[0].on', '"2027-02-29": February 2027 has 28 days'],
    ]);
    expect(issues[0]).toMatchObject({ column: 32, subject: 'client c1', expected: 'a date that exists, from 1900 to 2199, like 2027-03-15' });
  });

  it('month-days that never exist are refused in campaigns and holidays; 02-29 is accepted, warned about, and falls on 28 February in other years', () => {
    const bad = check({
      'a.yaml': `${SETTINGS}${TEAM}campaigns:
  - { id: c1, on: 02-30, ours: account_manager }
holidays:
  - { id: h1, name: H1, date: 04-31 }
`,
    });
    expect(bad.issues.map((i) => [i.field, i.found])).toEqual([
      ['campaigns[0].on', '"02-30": February has at most 29 days'],
      ['holidays[0].date', '"04-31": April has at most 30 days'],
    ]);

    const leap = check({
      'a.yaml': `${SETTINGS}${TEAM}clients:
  - { id: c1, name: C1, contacts: [{ id: k1, name: K One, role: ceo }] }
campaigns:
  - { id: leap, on: 02-29, ours: account_manager }
holidays:
  - { id: h1, name: Leap Day, date: 02-29 }
`,
    });
    expect(leap.issues).toEqual([]);
    expect(leap.warnings.map(formatWarning)).toEqual([
      'a.yaml:11:21: campaigns[0].on (campaign leap): is 29 February: in years that are not leap years this campaign falls on 28 February',
      'a.yaml:13:37: holidays[0].date (holiday h1): is 29 February: in years that are not leap years this holiday is on 28 February',
    ]);
    const plan = (from: string, to: string) => planTouches(leap.config!, NO_HISTORY, { from, to }, DateTime.fromISO(`${from}T08:00:00+03:00`)).touches.filter((t) => t.source === 'campaign:leap').map((t) => t.date);
    // 28 February 2027 is a Sunday: the greeting goes on the Friday before. 29 February 2028 is a Tuesday.
    expect(plan('2027-02-01', '2027-03-31')).toEqual(['2027-02-26']);
    expect(plan('2028-02-01', '2028-03-31')).toEqual(['2028-02-29']);
  });

  it.each([
    ['every: 0 days', 'every', '"0 days": zero is no duration', 'from 1 day to 5 years'],
    ['every: -3 months', 'every', '"-3 months"', 'from 1 day to 5 years'],
    ['every: 9007199254740991 days', 'every', '"9007199254740991 days": more than 5 years', 'from 1 day to 5 years'],
    ['every: 99999999999999999999 days', 'every', '"99999999999999999999 days": more than 5 years', 'from 1 day to 5 years'],
    ['every: 6 years', 'every', '"6 years": more than 5 years', 'from 1 day to 5 years'],
    ['every: 2 hours', 'every', '"2 hours": a duration in hours', 'in days, weeks, months or years'],
    ['after: 9007199254740991 days', 'after', '"9007199254740991 days": more than 5 years', 'from 1 day to 5 years'],
    ['every: 1 month, duration: 13 hours', 'duration', '"13 hours": more than 12 hours', 'from 5 minutes to 12 hours'],
    ['every: 1 month, duration: 0 minutes', 'duration', '"0 minutes": zero is no duration', 'from 5 minutes to 12 hours'],
    ['every: 1 month, remind: [5 weeks]', 'remind[0]', '"5 weeks": more than 4 weeks', 'from 1 minute to 4 weeks'],
  ])('a rule with %s is refused with the range', (fields, field, found, range) => {
    const { issues } = check({ 'a.yaml': `${SETTINGS}${TEAM}rules:\n  - { id: r1, ours: account_manager, theirs: ceo, kind: call, ${fields} }\n` });
    expect(issues).toEqual([expect.objectContaining({ line: 9, field: `rules[0].${field}`, subject: 'rule r1', found })]);
    expect(issues[0]!.expected).toContain(range);
  });

  it('durations of triggers, campaigns, silence and overdue have their ranges too', () => {
    const { issues } = check({
      'a.yaml': `${SETTINGS}${TEAM}triggers:
  - { id: t1, event: order.shipped, ours: account_manager, within: 2 months }
campaigns:
  - { id: c1, on: 12-28, ours: account_manager, prepare: 0 days }
silence: { after: 0 days }
overdue: { after: 1 year }
`,
    });
    expect(issues.map((i) => [i.field, i.found])).toEqual([
      ['triggers[0].within', '"2 months": a duration in months'],
      ['campaigns[0].prepare', '"0 days": zero is no duration'],
      ['silence.after', '"0 days": zero is no duration'],
      ['overdue.after', '"1 year": a duration in years'],
    ]);
    expect(issues[0]!.expected).toContain('from 1 minute to 31 days');
    expect(issues[3]!.expected).toContain('from 1 day to 12 weeks, in days or weeks');
  });

  it.each([
    ['0 days', '"0 days": zero is no duration'],
    ['10000 years', '"10000 years": more than 3 years'],
    ['37 months', '"37 months": more than 3 years'],
  ])('a horizon of %s is refused: it is from 1 day to 3 years', (horizon, found) => {
    const { issues } = check({ 'a.yaml': `${SETTINGS}  horizon: ${horizon}\n` });
    expect(issues).toEqual([expect.objectContaining({ line: 5, field: 'settings.horizon', found, expected: 'a duration from 1 day to 3 years, in days, weeks, months or years, like "90 days"' })]);
  });

  it('a horizon of 3 years is accepted', () => {
    expect(check({ 'a.yaml': `${SETTINGS}  horizon: 3 years\n` }).issues).toEqual([]);
  });

  it('a settings: with nothing under it is one error at its place, and the other mistakes are found in the same round', () => {
    const { issues } = check({ 'a.yaml': `settings:\nemployees:\n  - { id: a, name: A, role: r, timezone: Mars/Olympus }\n` });
    expect(issues.map((i) => [i.line, i.field, i.found])).toEqual([
      [1, 'settings', 'an empty settings section'],
      [3, 'employees[0].timezone', '"Mars/Olympus", which is not a known zone'],
    ]);
    expect(issues[0]!.expected).toBe("the company's settings under settings: (at least company and country)");
  });

  it('role names that are built-in members of objects (toString, constructor, __proto__) find only what the configuration says', () => {
    const before = prototypeState();
    const unheld = check({
      'a.yaml': `${SETTINGS}${TEAM}clients:
  - { id: c1, name: C1, contacts: [{ id: k1, name: K One, role: ceo }] }
rules:
  - { id: r1, ours: toString, theirs: ceo, kind: letter, every: 1 month }
  - { id: r2, ours: __proto__, theirs: ceo, kind: letter, every: 1 month }
`,
    });
    expect(unheld.issues.map((i) => [i.field, i.found])).toEqual([
      ['rules[0].ours', '"toString", held by nobody (rule r1)'],
      ['rules[1].ours', '"__proto__", held by nobody (rule r2)'],
    ]);

    const held = check({
      'a.yaml': `${SETTINGS}employees:
  - { id: builder, name: Bob Builder, role: constructor }
  - { id: other, name: Other Builder, role: constructor }
clients:
  - { id: c1, name: C1, team: { constructor: builder }, contacts: [{ id: k1, name: K One, role: toString }] }
rules:
  - { id: r1, ours: constructor, theirs: toString, kind: letter, every: 1 month }
`,
    });
    expect(held.issues).toEqual([]);
    const touches = planTouches(held.config!, NO_HISTORY, { from: '2027-03-01', to: '2027-03-31' }, DateTime.fromISO('2027-03-01T08:00:00+03:00')).touches;
    expect(touches.map((t) => [t.employee, t.contacts])).toEqual([['builder', ['k1']]]);
    expect(Object.getPrototypeOf(held.config!.clients[0]!.team)).toBeNull();
    expect(prototypeState()).toBe(before);
  });

  it('CSV headers that would reach a prototype are refused, and Object.prototype is left alone', () => {
    const before = prototypeState();
    const { issues } = check({
      'a.yaml': SETTINGS + TEAM,
      'clients.csv': 'id;name;__proto__.polluted;constructor.prototype.polluted2;team.__proto__\nc1;C1;yes;yes;ivanova\n',
    });
    expect(issues.map((i) => [i.line, i.column, i.found])).toEqual([
      [1, 3, '"__proto__.polluted"'],
      [1, 4, '"constructor.prototype.polluted2"'],
      [1, 5, '"team.__proto__"'],
    ]);
    expect(issues[0]!.expected).toBe('a column name other than __proto__, constructor or prototype');
    expect(prototypeState()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a __proto__ key in YAML is refused where it is written, and sets nothing', () => {
    const before = prototypeState();
    const { issues } = check({
      'a.yaml': `${SETTINGS}employees:\n  - id: a\n    name: A\n    role: r\n    __proto__: { polluted: yes }\n`,
    });
    expect(issues).toEqual([expect.objectContaining({ line: 9, column: 5, field: 'employees[0].__proto__', expected: 'a field name other than __proto__' })]);
    expect(prototypeState()).toBe(before);
  });

  it('NUL and bidirectional control characters in names, titles and contact names are refused, and shown escaped', () => {
    const { issues, text } = check({
      'a.yaml': `${SETTINGS}employees:
  - { id: a, name: "Anna\\u202EIvanova", role: account_manager }
rules:
  - { id: r1, ours: account_manager, theirs: ceo, kind: letter, every: 1 month, title: "Call \\u2066{client.name}\\u2069" }
`,
      'clients.csv': 'id,name\nc1,"Acme\u202e Ltd"\n',
      'contacts.csv': 'client,id,name,role\nc1,k1,\u200fKirill,ceo\n',
      'more/clients.csv': 'id,name\nc2,Bin\u0000ary\n',
      'other/clients.csv': 'id,name\nc3,Two\u2028Lines\n',
    });
    expect(issues.map((i) => [i.file, i.line, i.field])).toEqual([
      // A NUL byte in a CSV is binary data: the file is refused at that line.
      ['more/clients.csv', 2, ''],
      ['a.yaml', 6, 'employees[0].name'], ['a.yaml', 8, 'rules[0].title'], ['clients.csv', 2, 'name'], ['contacts.csv', 2, 'name'],
      ['other/clients.csv', 2, 'name'],
    ]);
    expect(issues[0]!.found).toBe('binary data (a NUL byte): this is not a text file');
    expect(issues[1]!.expected).toContain('without control characters');
    expect(text).toContain('found "Anna\\u202eIvanova"');
    expect(text).toContain('found "Acme\\u202e Ltd"');
    expect(text).toContain('found "Two\\u2028Lines"');
    expect(text).not.toMatch(/[\u0000\u202e\u2066\u2069\u200f\u2028]/);
  });

  it('YAML errors come with file, line and column: an unresolved alias, an alias bomb, a duplicate key, a tab', () => {
    const alias = check({ 'a.yaml': `${SETTINGS}digest: *nowhere\n` });
    expect(alias.issues).toEqual([expect.objectContaining({ file: 'a.yaml', line: 5, column: 9, found: '*nowhere, which no &nowhere before it defines' })]);

    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [i, name] of ['b', 'c', 'd', 'e', 'f'].entries()) bomb.push(`${name}: &${name} [${Array(9).fill(`*${'abcdef'[i]}`).join(', ')}]`);
    const bombed = check({ 'a.yaml': SETTINGS, 'bomb.yaml': `${bomb.join('\n')}\n` });
    expect(bombed.issues).toEqual([expect.objectContaining({ file: 'bomb.yaml', line: 2, rank: 0 })]);
    expect(bombed.issues[0]!.found).toContain('alias bomb');

    const duplicate = check({ 'a.yaml': `${SETTINGS}employees:\n  - id: a\n    name: A\n    name: B\n    role: r\n` });
    expect(duplicate.issues).toEqual([expect.objectContaining({ line: 8, column: 5, expected: 'each key once in a mapping', found: 'a second "name"' })]);

    const tab = check({ 'a.yaml': `${SETTINGS}employees:\n\t- { id: a, name: A, role: r }\n` });
    expect(tab.issues).toEqual([expect.objectContaining({ line: 6, column: 1, expected: 'spaces for indentation (YAML does not allow tabs)', found: 'a tab' })]);

    // A field indented one space further than the one above: the line of the mistake, in plain words (yaml blamed the line above).
    const deeper = check({ 'a.yaml': `${SETTINGS}employees:\n  - id: a\n    name: A\n    role: r\n     timezone: Europe/Moscow\n` });
    expect(deeper.issues).toEqual([expect.objectContaining({ line: 9, column: 6, found: 'a line indented further than the field above it' })]);
    expect(deeper.issues[0]!.expected).toMatch(/^consistent indentation/);
    // The same words of yaml for a ": " inside a value: that line, and quotes.
    const colon = check({ 'a.yaml': `${SETTINGS}campaigns:\n  - id: a\n    title: Поздравление: 8 марта\n    on: 03-08\n` });
    expect(colon.issues).toEqual([expect.objectContaining({ line: 7, found: 'a ": " inside a value not in quotes' })]);
  });

  it('YAML mistakes in plain words: a title that starts with a placeholder not in quotes (one error, the line to write), a no-break space, a field out of step, brackets nested too deep', () => {
    const rule = (title: string) => `${SETTINGS}${TEAM}rules:\n  - id: r\n    ours: account_manager\n    theirs: all\n    kind: call\n    every: 1 month\n    title: ${title}\n`;
    const colon = check({ 'a.yaml': rule('{client.name}: CEO meeting with {contacts}') });
    expect(colon.text).toBe('a.yaml:14:12: expected a value that starts with a placeholder in quotes (title: "{client.name}: CEO meeting with {contacts}"), found "{client.name}: CEO meeting with {contacts}" not in quotes, which YAML reads as a mapping, not text');
    const list = check({ 'a.yaml': rule('[{event.ref}] звонок "срочно"') });
    expect(list.text).toBe('a.yaml:14:12: expected a value that starts with a placeholder in quotes (title: \'[{event.ref}] звонок "срочно"\'), found "[{event.ref}] звонок \\"срочно\\"" not in quotes, which YAML reads as a list, not text');
    // Flow mappings and quoted titles are what they were.
    expect(check({ 'a.yaml': rule('"{client.name}: CEO meeting"').replace('theirs: all', 'theirs: all\n    for: { tier: A }') }).issues).toEqual([]);
    // A folded title whose text looks like such a line is text, as YAML reads it.
    expect(check({ 'a.yaml': rule('>-\n      Meeting: {client.name}\n      at: {contacts}') }).issues).toEqual([]);
    // A no-break space inside a value (a name pasted from Word) is not blamed for a mistake elsewhere.
    const named = check({ 'a.yaml': `${SETTINGS}employees:\n  - id: a\n    name: ООО\u00a0Ромашка\n     role: r\n` });
    expect(named.issues.map((i) => i.found)).not.toContain('a no-break space');

    const nbsp = check({ 'a.yaml': `${SETTINGS}${TEAM}rules:\n  - id: r\n    ours: account_manager\n    theirs: all\n    kind: call\n    every:\u00a06 months\n` });
    expect(nbsp.text).toBe('a.yaml:13:11: expected ordinary spaces (a no-break space, U+00A0, as Word and web pages copy it, is not one to YAML), found a no-break space');
    const step = check({ 'a.yaml': `${SETTINGS}${TEAM}rules:\n  - id: r\n    ours: account_manager\n  theirs: all\n` });
    expect(step.issues.map((i) => i.found)).toEqual(['a field indented differently from the fields before it']);
    const deep = check({ 'a.yaml': `${SETTINGS}x: ${'['.repeat(5000)}${']'.repeat(5000)}\n` });
    expect(deep.issues.map((i) => [i.line, i.found])).toEqual([[5, 'brackets or lists nested hundreds deep']]);
  });

  it('a YAML file saved with classic Mac line endings (CR alone) is read line by line, not as one comment; block lists nested thousands deep are one error, not a crash', () => {
    const rules = `${SETTINGS}${TEAM}rules:\n  - id: r\n    ours: account_manager\n    theirs: all\n    kind: call\n    every: 1 month\n`;
    const lf = check({ 'a.yaml': `# a comment first, as the shipped files have\n${rules}` });
    const cr = check({ 'a.yaml': `# a comment first, as the shipped files have\n${rules}`.replaceAll('\n', '\r') });
    expect(cr.issues).toEqual([]);
    expect(cr.config!.rules.map((r) => r.id)).toEqual(['r']);
    expect(cr.config).toEqual(lf.config);
    // Mistakes are found at the same lines whatever the endings (mixed here).
    const wrong = `${rules}  - id: r2\n    ours: account_manager\n    theirs: all\n    kind: call\n    every: sometimes\n`;
    expect(check({ 'a.yaml': wrong.replaceAll('\n', '\r').replace('\r', '\r\n') }).text).toBe(check({ 'a.yaml': wrong }).text);
    // An over-long id is cut where it names its entity too, not only where it is quoted.
    const long = check({ 'a.yaml': `${SETTINGS}employees:\n  - { id: ${'a'.repeat(100_000)}, name: A, role: account_manager }\n` });
    expect(long.issues).toHaveLength(1);
    expect(long.text.length).toBeLessThan(400);
    const deep = check({ 'a.yaml': `${SETTINGS}x:\n  ${'- '.repeat(10_000)}x\n` });
    expect(deep.issues.map((i) => [i.line, i.found])).toEqual([[6, 'brackets or lists nested hundreds deep']]);
  });

  it('an entry with tens of thousands of repeated keys is one error, read in linear time (it took a minute at 40,000)', () => {
    const repeated = Array.from({ length: 30_000 }, (_, i) => `    id: d${i}\n`).join('');
    const result = check({ 'a.yaml': `${SETTINGS}employees:\n  - id: dup\n    name: X\n    role: account_manager\n${repeated}` });
    expect(result.text).toBe('a.yaml:9:5: expected each key once in a mapping, found a second "id" and 29999 more keys again after it: two entries run together (a line starting "- " deleted?)');
  }, 15_000);

  it('a `%YAML 1.1` line at the top changes nothing: `on:` is a campaign\'s day, not the key "true"', () => {
    const campaigns = `${SETTINGS}${TEAM}campaigns:\n  - id: womens-day\n    kind: greeting\n    on: 03-08\n    theirs: all\n    ours: account_manager\n    prepare: 10 days\n`;
    const plain = check({ 'a.yaml': campaigns });
    const directive = check({ 'a.yaml': `%YAML 1.1\n---\n${campaigns}` });
    expect(plain.issues).toEqual([]);
    expect(directive.issues).toEqual([]);
    expect(directive.config!.campaigns).toEqual(plain.config!.campaigns);
  });

  it('a YAML file read in a Latin code page (not UTF-8) is a warning that shows its first such word as read; Cyrillic in windows-1251 is not', () => {
    const text = `${SETTINGS}${TEAM}clients:\n  - { id: stroymash, name: "Stroymash\u00edLLC", country: RU, timezone: Europe/Moscow, contacts: [] }\n`;
    const dir = writeConfig({});
    writeFileSync(join(dir, 'a.yaml'), iconv.encode(text, 'win1252'));
    const latin = checkConfig(dir);
    expect(latin.issues).toEqual([]);
    expect(latin.config!.clients[0]!.name).toBe('Stroymash\u00edLLC');
    expect(latin.warnings.map((w) => [w.line, w.column, w.message])).toEqual([
      [9, 38, 'is not UTF-8: read as windows-1252, which makes "Stroymash\u00edLLC" of this line\'s text; if that is not what it says, save the file as UTF-8'],
    ]);
    const cyrillic = writeConfig({});
    writeFileSync(join(cyrillic, 'a.yaml'), iconv.encode(text.replace('Stroymash\u00edLLC', 'ООО Строймаш'), 'win1251'));
    const russian = checkConfig(cyrillic);
    expect(russian.issues).toEqual([]);
    expect(russian.config!.clients[0]!.name).toBe('ООО Строймаш');
    expect(russian.warnings).toEqual([]);
  });

  it('a pipe, a device or a link to nothing under a configuration file\'s name is one error naming it (a link to /dev/zero or a FIFO was read for ever)', () => {
    const base = { 'a.yaml': `${SETTINGS}${TEAM}` };
    const withEntry = (name: string, make: (path: string) => void) => {
      const dir = writeConfig(base);
      make(join(dir, name));
      const result = checkConfig(dir);
      return result.issues.map((i) => `${relative(dir, resolve(process.cwd(), i.file))}: ${formatIssue({ ...i, file: '' }).replace(/^:1:1: /, '')}`);
    };
    expect(withEntry('pipe.yaml', (p) => execFileSync('mkfifo', [p]))).toEqual(['pipe.yaml: expected a file of the configuration (or nothing under that name), found a device, a pipe or a socket, not a file']);
    expect(withEntry('null.csv', (p) => symlinkSync('/dev/null', p))).toEqual([`null.csv: expected a file of the configuration (or nothing under that name), found a link to /dev/null, ${OUTSIDE}`]);
    expect(withEntry('gone.yaml', (p) => symlinkSync(join(tmpdir(), 'no-such-file-of-touchbase.yaml'), p))).toEqual(['gone.yaml: expected a file of the configuration (or nothing under that name), found a link to a file that does not exist']);
    // Other entries that are no configuration file are left alone, as ever.
    expect(withEntry('notes.sock', (p) => execFileSync('mkfifo', [p]))).toEqual([]);
  });

  const OUTSIDE = 'outside the configuration folder: copy it into the folder (links are followed only within it, so that nobody who may write the folder can have the service read its other files)';

  it('a link out of the configuration folder is refused, its target not read: its text was shown in the errors (QA: the service\'s environment file with the database password)', () => {
    const secret = join(tempDir(), 'touchbase.env');
    writeFileSync(secret, 'TOUCHBASE_DATABASE_URL=postgres://touchbase:S3cr3t@db/touchbase\n');
    const dir = writeConfig({ 'a.yaml': `${SETTINGS}${TEAM}` });
    mkdirSync(join(dir, 'crm'));
    symlinkSync(secret, join(dir, 'crm', 'companies.csv'));
    const file = checkConfig(dir);
    expect(file.issues.map(formatIssue).join('\n')).not.toContain('S3cr3t');
    expect(file.issues.map((i) => i.found)).toEqual([`a link to ${realpathSync(secret)}, ${OUTSIDE}`]);
    // A folder linked from outside, the same; a link within the folder is followed as ever
    // (to a file in a hidden folder, which the folder's walk passes by).
    const folder = writeConfig({ 'a.yaml': `${SETTINGS}${TEAM}` });
    symlinkSync(dirname(secret), join(folder, 'exports'));
    expect(checkConfig(folder).issues.map((i) => i.found)).toEqual([`a link to ${realpathSync(dirname(secret))}, ${OUTSIDE}`]);
    // A link out that is no configuration file (a README kept elsewhere) is passed by, as such files are.
    const readme = writeConfig({ 'a.yaml': `${SETTINGS}${TEAM}` });
    symlinkSync(secret, join(readme, 'README.md'));
    expect(checkConfig(readme).issues).toEqual([]);
    const within = writeConfig({ 'a.yaml': SETTINGS, '.people/team.yaml': TEAM });
    symlinkSync(join(within, '.people', 'team.yaml'), join(within, 'team.yaml'));
    const linked = checkConfig(within);
    expect(linked.issues).toEqual([]);
    expect(linked.config!.employees.map((e) => e.id)).toEqual(['ivanova', 'petrov']);
  });

  it('YAML mistakes in plain words: a list or a mapping in brackets left open (at its bracket, not the next field), a field with no space after its ":"', () => {
    const rule = (line: string) => `${SETTINGS}${TEAM}rules:\n  - id: r\n    ours: account_manager\n    ${line}\n    kind: call\n    every: 1 month\n`;
    expect(check({ 'a.yaml': rule('theirs: [buyer, director') }).text)
      .toBe('a.yaml:11:13: expected a list in brackets closed on its line, like theirs: [buyer, director], found a "[" that is not closed');
    expect(check({ 'a.yaml': rule('for: { tier: A') }).text)
      .toBe('a.yaml:11:10: expected a mapping in braces closed on its line, like for: { tier: A }, found a "{" that is not closed');
    // A bracket inside quotes or a comment is not the one.
    expect(check({ 'a.yaml': rule('title: "[x"  # [y\n    theirs: [buyer') }).issues.map((i) => [i.line, i.column])).toEqual([[12, 13]]);
    expect(check({ 'a.yaml': rule('theirs: all\n    kind:call') }).text)
      .toBe('a.yaml:12:9: expected a space after the ":" of a field (kind: …), found "kind:call", with no space after ":"');
  });

  it('a duration written as a bare number, a reminder as text: one error each, saying what is meant', () => {
    const { text } = check({ 'a.yaml': `${SETTINGS}${TEAM}rules:\n  - { id: r, ours: account_manager, theirs: all, kind: call, every: 6, remind: 14 days }\n` });
    expect(text.split('\n')).toEqual([
      'a.yaml:9:69: rules[0].every (rule r): expected a duration from 1 day to 5 years, in days, weeks, months or years, like "3 months", found 6',
      'a.yaml:9:80: rules[0].remind (rule r): expected a list of at most 5 durations, like [14 days, 1 day], found "14 days"',
    ]);
  });

  it('a duration with a misspelt unit, or one in Russian or Romanian: the unit meant, in the field\'s own units', () => {
    const rule = (every: string, remind: string) => `${SETTINGS}${TEAM}rules:\n  - { id: r, ours: account_manager, theirs: all, kind: call, every: ${every}, remind: [${remind}] }\n`;
    const found = (every: string, remind = '1 day') => check({ 'a.yaml': rule(every, remind) }).issues.map((i) => i.found);
    expect(found('6 wekks')).toEqual(['"6 wekks"; did you mean "6 weeks"?']);
    expect(found('1 mnth')).toEqual(['"1 mnth"; did you mean "1 month"?']);
    expect(found('3 месяца')).toEqual(['"3 месяца"; did you mean "3 months"?']);
    expect(found('2 săptămâni')).toEqual(['"2 săptămâni"; did you mean "2 weeks"?']);
    expect(found('1 an')).toEqual(['"1 an"; did you mean "1 year"?']);
    // Not a unit the field takes (reminders go up to weeks), nor anything like one: no guess.
    expect(found('1 month', '1 год')).toEqual(['"1 год"']);
    expect(found('often')).toEqual(['"often"']);
  });

  it('validate exits 2 with the place of an alias bomb, never 1 with a bare exception', async () => {
    // Ten to the tenth values, from eleven lines.
    const levels = ['x: &l0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]', ...Array.from({ length: 9 }, (_, i) => `x${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`)];
    const dir = writeConfig({ 'a.yaml': `${SETTINGS}${levels.join('\n')}\n` });
    const r = await cli('validate', '--config', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/a\.yaml:6:\d+: expected YAML aliases \(\*name\) that repeat a value, not multiply it, found 90 aliases that expand the file to more than 500,000 values \(an "alias bomb"/);
  });

  it('one anchor used by hundreds of entries (a shared team, a rule\'s fields merged) is no alias bomb (QA: 201 uses of one flat anchor were refused as aliases "nested in each other")', () => {
    const rules = ['rules:', '  - &base { id: r0, ours: account_manager, theirs: buyer, kind: letter, every: 3 months }', ...Array.from({ length: 400 }, (_, i) => `  - { <<: *base, id: r${i + 1} }`)];
    const read = check({ 'a.yaml': `${SETTINGS}${TEAM}`, 'rules.yaml': `${rules.join('\n')}\n` });
    expect(read.issues.filter((i) => /alias/.test(i.expected + i.found))).toEqual([]);
  });

  it('a byte-order mark inside a YAML file (two files joined) is said as what it is, at its place', () => {
    const read = check({ 'a.yaml': `${SETTINGS}${TEAM}`, 'b.yaml': 'rules:\n  - { id: r1, ours: account_manager, theirs: buyer, kind: letter, every: 3 months }\n\ufeffcampaigns: []\n' });
    expect(read.issues).toEqual([expect.objectContaining({ file: 'b.yaml', line: 3, column: 1, found: expect.stringContaining('an invisible byte-order mark (U+FEFF)') })]);
  });

  it('CSV over 64 MB in all is one error at its largest file, none of it read (QA: an 80 MB export of a million rows took 3.4 GB and two minutes)', async () => {
    const row = 'c0;Client;B;energy;RU;Europe/Moscow;active;2022-12-01;ivanova;ivanova;\n';
    const dir = writeConfig({ 'a.yaml': `${SETTINGS}${TEAM}`, 'crm/clients.csv': `id;name;tier;industry;country;timezone;stage;since;account_manager;sales_director;notes\n${row.repeat(Math.ceil(65 * 2 ** 20 / row.length))}` });
    const started = Date.now();
    const r = await cli('validate', '--config', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the configuration has 1 error[^]*crm\/clients\.csv:1:1: expected CSV files of at most 64 MB in all \(a 50,000-client company's clients and contacts are about half that\), found 65\.0 MB here: is it the right export\?/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('YAML of more values than a configuration holds (a dense list under the size limit took 3.8 GB) is one error before it is parsed, at the line where it passes the limit', async () => {
    const dense = `x: [${Array(1_200_000).fill('1').join(',')}]\n`;
    const dir = writeConfig({ 'a.yaml': `${SETTINGS}${TEAM}`, 'dense.yaml': dense });
    const started = Date.now();
    const r = await cli('validate', '--config', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/dense\.yaml:1:1: expected YAML files of at most 1,000,000 values \(lines and commas\) together, found more by this line/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('YAML over 8 MB in all is one error at its largest file, refused before it is parsed (a 150 MB file had the process die out of memory)', async () => {
    const client = (i: number) => `  - { id: c${i}, name: Клиент ${i} ООО «Тест», tier: B, team: { account_manager: ivanova }, contacts: [{ id: c${i}-k, name: Иван Иванов, role: buyer }] }\n`;
    const rows = ['clients:\n'];
    for (let i = 0, bytes = 0; bytes < 8.6 * 2 ** 20; i++) bytes += Buffer.byteLength(rows[rows.push(client(i)) - 1]!);
    const clients = rows.join('');
    const dir = writeConfig({ 'a.yaml': `${SETTINGS}${TEAM}`, 'clients.yaml': clients });
    const started = Date.now();
    const r = await cli('validate', '--config', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/clients\.yaml:1:1: expected YAML files of at most 8 MB in all \(clients by the thousand go in clients\.csv and contacts\.csv, read in a fraction of the time and memory\), found 8\.\d MB here, 8\.\d MB in 2 YAML files\n/);
    expect(r.err).not.toMatch(/settings|FATAL|heap/);
    // Nothing of it was parsed: its 55,000 clients would take half a minute and a gigabyte.
    expect(Date.now() - started).toBeLessThan(20_000);
    // Under the limit, the same clients are read.
    const half = writeConfig({ 'a.yaml': `${SETTINGS}${TEAM}`, 'clients.yaml': rows.slice(0, 5000).join('') });
    expect(checkConfig(half).issues).toEqual([]);
  });

  it('an id, a name or a title of absurd length is refused, not carried into calendars', () => {
    const { issues } = check({ 'a.yaml': `${SETTINGS}employees:\n  - { id: ${'a'.repeat(101)}, name: ${'N'.repeat(201)}, role: r }\n` });
    expect(issues.map((i) => [i.field, i.expected])).toEqual([
      ['employees[0].id', 'an id of at most 100 characters'],
      ['employees[0].name', 'a text of at most 200 characters'],
    ]);
  });
});

