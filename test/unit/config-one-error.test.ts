import { describe, expect, it } from 'vitest';
import { selects } from '../../src/domain/selector.ts';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { checkConfig } from '../../src/config/load-config.ts';
import { formatIssue, formatWarning } from '../../src/config/config-issue.ts';
import { tempDir, writeConfig } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';
import { didYouMean } from '../../src/config/suggest.ts';

const EXAMPLE = join(import.meta.dirname, '../../config');

/** A copy of the example company with some files edited. */
function example(edit: (dir: string) => void): string {
  const dir = join(tempDir(), 'config');
  cpSync(EXAMPLE, dir, { recursive: true });
  edit(dir);
  return dir;
}

function replaceIn(dir: string, file: string, from: string | RegExp, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${file}: nothing to replace`);
  writeFileSync(path, next);
}

function issuesOf(dir: string) {
  const { config, issues, warnings } = checkConfig(dir);
  const shown = issues.map((i) => ({ ...i, file: relative(dir, resolve(process.cwd(), i.file)) }));
  return { config, issues: shown, warnings: warnings.map((w) => ({ ...w, file: relative(dir, resolve(process.cwd(), w.file)) })), text: shown.map(formatIssue) };
}

/** Drops the last `n` cells of a CSV line (1-based), as a lost separator does. */
function shortenRow(dir: string, file: string, line: number, n: number): void {
  const path = join(dir, file);
  const lines = readFileSync(path, 'utf8').split('\n');
  lines[line - 1] = lines[line - 1]!.split(';').slice(0, -n).join(';');
  writeFileSync(path, lines.join('\n'));
}

const SETTINGS = 'settings:\n  company: Test Co\n  timezone: Europe/Moscow\n  country: RU\n';

describe('one mistake, one error, first', () => {
  it('a misspelt zone in settings is one error with the zone it likely means, not one per client and rule', () => {
    const { issues, text } = issuesOf(example((dir) => replaceIn(dir, 'settings.yaml', 'timezone: Europe/Moscow', 'timezone: Europe/Moskow')));
    expect(text).toEqual(['settings.yaml:6:13: settings.timezone: expected an IANA time zone like Europe/Moscow or America/New_York, found "Europe/Moskow", which is not a known zone; did you mean "Europe/Moscow"?']);
    expect(issues).toHaveLength(1);
  });

  it('a CSV row short of two columns is one error naming the columns it lacks; the contacts of that client are not errors too', () => {
    const { issues } = issuesOf(example((dir) => shortenRow(dir, 'crm/clients.csv', 4, 2)));
    expect(issues).toEqual([expect.objectContaining({ file: 'crm/clients.csv', line: 4, column: 10, subject: 'client arcticfish' })]);
    expect(issues[0]!.found).toBe('9 fields: no value for "team.sales_director", "stage_since"');
    expect(issues[0]!.expected).toContain('11 fields separated by ";", as in the header');
  });

  it('a short client row (its id and name read) hides no unrelated mistake: a contact naming a client nobody defines is still an error, those naming that client (by id or name) are not (QA)', () => {
    const { issues } = issuesOf(writeConfig({
      'a.yaml': `${SETTINGS}employees:\n  - { id: anna, name: Anna, email: anna@x.example, role: account_manager }\n`,
      'clients.csv': 'id;name;since\nacme;Acme;2024-01-01\ngamma;Gamma\n',
      'contacts.csv': 'client;id;name;role\nacme;acme-b1;B One;buyer\nacmee;acme-b2;B Two;buyer\ngamma;g-b1;G One;buyer\nGamma;g-b2;G Two;buyer\n',
    }));
    expect(issues.map((i) => [i.file, i.line, i.field])).toEqual([['clients.csv', 3, 'since'], ['contacts.csv', 3, 'client']]);
    expect(issues[1]!.found).toBe('"acmee"; did you mean "acme"?');
  });

  it('an employee id used twice (a team file copied) is one error, where the second is: clients without a team do not each get "held by anna and anna"', () => {
    const { issues } = issuesOf(writeConfig({
      'a.yaml': `${SETTINGS}employees:\n  - { id: anna, name: Anna, email: anna@x.example, role: account_manager }\nclients:\n`
        + Array.from({ length: 5 }, (_, i) => `  - { id: c${i}, name: C${i}, contacts: [ { id: c${i}-b, name: B, role: buyer } ] }\n`).join('')
        + 'rules:\n  - { id: r1, ours: account_manager, theirs: buyer, kind: call, every: 1 month }\n',
      'b.yaml': 'employees:\n  - { id: anna, name: Anna Petrova, email: anna.p@x.example, role: account_manager }\n',
    }));
    expect(issues.map((i) => [i.file, i.line, i.field])).toEqual([['b.yaml', 2, 'employees[0].id']]);
  });

  it('an employee id refused for its capital letter ("Popescu") is one error: the CRM rows that name "popescu", their e-mail or full name are not errors too', () => {
    const dir = example((d) => replaceIn(d, 'team.yaml', '- id: popescu', '- id: Popescu'));
    const { issues } = issuesOf(dir);
    expect(issues.map((i) => [i.file, i.line, i.field])).toEqual([['team.yaml', expect.any(Number), 'employees[6].id']]);
    const byName = example((d) => {
      replaceIn(d, 'team.yaml', '- id: popescu', '- id: Popescu');
      replaceIn(d, 'crm/clients.csv', /;popescu;/g, ';Maria Popescu;');
    });
    expect(issuesOf(byName).issues.map((i) => i.field)).toEqual(['employees[6].id']);
  });

  it.each([
    ['ivanova!', 'ivanova!', 'employee ivanova!', 'an id of lowercase letters, digits, - and _ (like "stroymash-ceo")', '"ivanova!"'],
    ['1.5 months', "'1.5 months'", 'employee 1.5 months', 'an id of lowercase letters, digits, - and _ (like "stroymash-ceo")', '"1.5 months"'],
    ['Europe/Moskow', 'Europe/Moskow', 'employee Europe/Moskow', 'an id of lowercase letters, digits, - and _ (like "stroymash-ceo")', '"Europe/Moskow"'],
    ['300 letters', 'a'.repeat(300), `employee ${'a'.repeat(108)}...`, 'an id of at most 100 characters', `"${'a'.repeat(57)}..."`],
  ])('an employee id that is itself wrong (%s for ivanova) is one error: the clients, CRM rows and handover that name ivanova are not errors too', (_label, written, subject, expected, found) => {
    const { text } = issuesOf(example((d) => replaceIn(d, 'team.yaml', '- id: ivanova\n', `- id: ${written}\n`)));
    expect(text).toEqual([`team.yaml:24:9: employees[3].id (${subject}): expected ${expected}, found ${found}`]);
  });

  it('an employee entry that is no mapping (- ivanova) is one error: the references to ivanova are not errors too', () => {
    const { text } = issuesOf(example((d) => replaceIn(d, 'team.yaml', /  - id: ivanova\n(    .*\n)+/, '  - ivanova\n')));
    expect(text).toEqual(['team.yaml:24:5: employees[3]: expected a mapping, found "ivanova"']);
  });

  it('an employee entry with its id written twice is one error: references by either id are not errors too (nor "did you mean" another employee)', () => {
    const { text } = issuesOf(example((d) => replaceIn(d, 'team.yaml', '    name: Maria Popescu\n', '    name: Maria Popescu\n    id: maria\n')));
    expect(text).toEqual(['team.yaml:44:5: expected each key once in a mapping, found a second "id"']);
  });

  it('an employee\'s role that is itself wrong is one error: the campaigns whose ours it may have been are not "held by nobody" too', () => {
    const { text } = issuesOf(example((d) => replaceIn(d, 'team.yaml', '    role: chief_accountant\n', `    role: chief_accountant${'x'.repeat(200)}\n`)));
    expect(text).toEqual(['team.yaml:61:11: employees[8].role (employee belova): expected a text of at most 200 characters, found "chief_accountantxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."']);
  });

  it('a clients CSV cut short is one error at its last row: the contacts of the clients it lost are not errors too', () => {
    const dir = example((d) => {
      const path = join(d, 'crm/clients.csv');
      const text = readFileSync(path, 'utf8');
      writeFileSync(path, text.slice(0, text.indexOf('\n', text.indexOf('\n', text.indexOf('\n') + 1) + 1) + 12));
    });
    const { issues } = issuesOf(dir);
    expect(issues.map((i) => [i.file, i.line])).toEqual([['crm/clients.csv', 4]]);
  });

  it('a separator typed inside a value of a CSV row whose last cell is empty is one error for the row\'s length, not the row read shifted by a column', () => {
    const { text } = issuesOf(example((d) => replaceIn(d, 'crm/clients.csv', 'yugenergo;Yug Energo;', 'yugenergo;Yug; Energo;')));
    expect(text).toEqual([
      'crm/clients.csv:2:2: name (client yugenergo): expected 11 fields separated by ";", as in the header (a missing separator, or a value with ";" not in quotes?), found 12 fields, "Yug; Energo" read as two of them',
    ]);
    // Lines that all end in a separator, the header's too (a sheet's used range wider than its
    // columns): a row's empty cells beyond the header's are still nobody's mistake.
    const wide = writeConfig({
      'a.yaml': `${SETTINGS}employees:\n  - { id: ivanova, name: Anna Ivanova, role: account_manager }\n`,
      'clients.csv': 'id;name;team.account_manager;\nc1;Alpha;ivanova;\nc2;Beta;ivanova;;\n',
    });
    expect(issuesOf(wide).text).toEqual([]);
    // There, a separator typed as in prose ("a; b") is still one error for the row, not the row read shifted.
    const typed = writeConfig({
      'a.yaml': `${SETTINGS}employees:\n  - { id: ivanova, name: Anna Ivanova, role: account_manager }\n`,
      'clients.csv': 'id;name;team.account_manager;\nc1;Alpha;ivanova;\nc2;Arctic; Fish;ivanova;;\n',
    });
    expect(issuesOf(typed).text).toEqual([
      'clients.csv:3:2: name (client c2): expected 4 fields separated by ";", as in the header (a missing separator, or a value with ";" not in quotes?), found 6 fields, "Arctic; Fish" read as two of them',
    ]);
    // Split before the id's column: the row is named by its own id, not by what the shift put there (QA: "contact Fish").
    const contacts = writeConfig({
      'a.yaml': `${SETTINGS}employees:\n  - { id: ivanova, name: Anna Ivanova, role: account_manager }\nclients:\n  - { id: arctic, name: Arctic Fish }\n`,
      'contacts.csv': 'client;id;name;role;email;phone\narctic;a-ceo;Ion Rusu;ceo;;\nArctic; Fish;tgm-buyer;Cătălina Sârbu;buyer;c.sarbu@tgm.example;\n',
    });
    expect(issuesOf(contacts).text).toEqual([
      'contacts.csv:3:1: client (contact tgm-buyer): expected 6 fields separated by ";", as in the header (a missing separator, or a value with ";" not in quotes?), found 7 fields, "Arctic; Fish" read as two of them',
    ]);
  });

  // QA: a CRM's "Россия" in the country column was one error per row (thousands in a real export).
  it('the same wrong word in one column of many CSV rows is one error, at its first row, naming the other rows and the mapping that fixes it', () => {
    const dir = example((d) => replaceIn(d, 'crm/clients.csv', /;RU;Europe\/Moscow;/g, ';Россия;Europe/Moscow;'));
    const { text } = issuesOf(dir);
    expect(text).toEqual([
      'crm/clients.csv:2:5: country (client yugenergo): expected an ISO 3166-1 alpha-2 country code like RU, found "Россия"; did you mean "RU"? '
        + '(the same in 5 more rows: lines 3, 4, 25, 26 and 27; "values:" under the file\'s "imports:" entry can map a CRM\'s word for every row)',
    ]);
  });

  it('different wrong words in one column are an error each', () => {
    const dir = example((d) => {
      replaceIn(d, 'crm/clients.csv', ';RU;Europe/Moscow;active;2022-12-01;', ';Россия;Europe/Moscow;active;2022-12-01;');
      replaceIn(d, 'crm/clients.csv', ';RU;Europe/Moscow;active;2024-05-20;', ';Rusia;Europe/Moscow;active;2024-05-20;');
    });
    expect(issuesOf(dir).issues.map((i) => [i.line, i.field, i.found])).toEqual([
      [2, 'country', '"Россия"; did you mean "RU"?'],
      [3, 'country', '"Rusia"; did you mean "RU"?'],
    ]);
  });

  // QA: "arctiсfish" (its с Cyrillic) became the id "arctisfish", and its contacts' "did you mean" looked like what they wrote.
  it('a CSV id with a look-alike letter of another script is a warning at its row, said with the errors it explains', () => {
    const dir = example((d) => replaceIn(d, 'crm/clients.csv', /^arcticfish;/m, 'arcti\u0441fish;'));
    const { issues, warnings } = issuesOf(dir);
    expect(issues.map((i) => [i.file, i.field, i.found])).toEqual([['crm/contacts.csv', 'client', '"arcticfish" (and 3 more contacts name it); did you mean "arctisfish"?']]);
    expect(warnings.map(formatWarning)).toEqual([
      'crm/clients.csv:4:1: id: "arcti\u0441fish": in "arcti\u0441fish" (letter 6, "\u0441", is Cyrillic among Latin letters), a look-alike typed by mistake? '
        + 'It is read as the id "arctisfish", which references written in Latin letters do not find: fix the cell in the CRM',
    ]);
  });

  // QA: it passed validate, and every sync then failed for them as "auth" (reconnect), the wrong fix.
  it('an employee whose calendar is Google or Outlook without an e-mail is an error at the employee, naming where the calendar comes from', () => {
    const dir = example((d) => {
      replaceIn(d, 'team.yaml', '    email: d.orlov@volna.example\n', '    calendar: google\n');
      replaceIn(d, 'team.yaml', '    email: i.petrov@volna.example\n', '');
      replaceIn(d, 'settings.yaml', '  calendar: ics\n', '  calendar: microsoft\n');
    });
    expect(issuesOf(dir).text.filter((t) => t.includes('.email'))).toEqual([
      'team.yaml:4:5: employees[0].email (employee orlov): expected the address of their Google calendar (calendar: google), where their touches go, found no email; give it, or "calendar: ics" for the iCalendar feed instead',
      'team.yaml:10:5: employees[1].email (employee petrov): expected the address of their Outlook calendar (settings.calendar: microsoft), where their touches go, found no email; give it, or "calendar: ics" for the iCalendar feed instead',
    ]);
  });

  it('a team file emptied (no employee at all) is one error, not one for every team cell, rule, campaign and handover naming someone', () => {
    const { issues, text } = issuesOf(example((d) => writeFileSync(join(d, 'team.yaml'), '')));
    expect(issues).toHaveLength(1);
    expect(text[0]).toMatch(/^rules\.yaml:\d+:\d+: rules\[0\]\.ours \(rule ceo-to-ceo\): expected an employee to hold it: employees: in a YAML file of the folder \(the example keeps them in team\.yaml\), found no employee at all, for 40 clients and 11 rules$/);
  });

  it('a role misspelt in a CSV header (team.acount_manager) is one error at the header, not one per row', () => {
    const { issues, text } = issuesOf(example((d) => replaceIn(d, 'crm/clients.csv', 'team.account_manager', 'team.acount_manager')));
    expect(issues).toHaveLength(1);
    expect(text[0]).toMatch(/^crm\/clients\.csv:1:\d+: team\.acount_manager: expected a role of ours that an employee holds \(.*\) or the configuration uses, found an unknown role "acount_manager" in the header; did you mean "account_manager"\? \(the column of every row\)$/);
  });

  it('a CSV header written with another separator than its rows is one error at the header, not one per row (nor one per contact of its clients)', () => {
    const header = (file: string, to: string) => (d: string) => {
      const path = join(d, file);
      const [first, ...rest] = readFileSync(path, 'utf8').split('\n');
      writeFileSync(path, [first!.replaceAll(';', to), ...rest].join('\n'));
    };
    expect(issuesOf(example(header('crm/clients.csv', ','))).text).toEqual([
      'crm/clients.csv:1:1: expected one separator between the fields of the header and of the rows, found a header separated by "," and rows by ";" (line 2 on): write the header with ";", as the rows are',
    ]);
    expect(issuesOf(example(header('crm/contacts.csv', '\t'))).text).toEqual([
      'crm/contacts.csv:1:1: expected one separator between the fields of the header and of the rows, found a header separated by a tab and rows by ";" (line 2 on): write the header with ";", as the rows are',
    ]);
  });

  it('a CSV header with thousands of names the rows have no value for is one error at the header, its list cut short; a short row\'s own list is cut short too', () => {
    const surplus = Array.from({ length: 10_000 }, (_, i) => `x${i}`);
    const dir = example((d) => {
      const path = join(d, 'crm/contacts.csv');
      const [first, ...rest] = readFileSync(path, 'utf8').split('\n');
      writeFileSync(path, [[first, ...surplus].join(';'), ...rest].join('\n'));
    });
    expect(issuesOf(dir).text).toEqual([
      'crm/contacts.csv:1:6: x0: expected a header that names the 5 fields of the rows, separated by ";", found 10005 names, and no row has a value for "x0", "x1", "x2", "x3", "x4" and 9995 more',
    ]);
    const oneShort = writeConfig({
      'a.yaml': SETTINGS,
      'clients.csv': `id;name;${surplus.slice(0, 8).join(';')}\na;A;1;2;3;4;5;6;7;8\nb;B\n`,
    });
    expect(issuesOf(oneShort).text).toEqual([
      'clients.csv:3:3: x0 (client b): expected 10 fields separated by ";", as in the header (a missing separator, or a value with ";" not in quotes?), found 2 fields: no value for "x0", "x1", "x2", "x3", "x4" and 3 more',
    ]);
  });

  it('a team column renamed in a CSV header (team.sales_director → Телефон) is one error at the header that points at the renamed column, not one per row naming the other team column', () => {
    const renamed = issuesOf(example((d) => replaceIn(d, 'crm/clients.csv', ';team.sales_director;', ';Телефон;')));
    expect(renamed.text).toEqual([
      'crm/clients.csv:1:10: Телефон: expected a column team.sales_director, as rule director-to-director needs a sales_director for each client and 2 employees hold the role (petrov, ionescu), found no such column, while the column "Телефон", read as an attribute, names holders of sales_director (petrov, ionescu) in 13 rows: was it team.sales_director, renamed? (name it so, or map it under imports: columns)',
    ]);
    // The column taken out altogether: one error at the header too, which names the clients without one.
    const dropped = issuesOf(example((d) => {
      const path = join(d, 'crm/clients.csv');
      const lines = readFileSync(path, 'utf8').split('\n');
      writeFileSync(path, lines.map((l) => (l ? l.split(';').filter((_, i) => i !== 9).join(';') : l)).join('\n'));
    }));
    expect(dropped.text).toEqual([
      'crm/clients.csv:1:1: expected a column team.sales_director, as rule director-to-director needs a sales_director for each client and 2 employees hold the role (petrov, ionescu), found no such column in the header ("id", "name", "tier", "industry", "country", "timezone", "stage", "since", "team.account_manager", "stage_since"), and 13 clients of the file without one (yugenergo, samaraavto, construct-ro, metalurgica, danubelog and 8 more): add the column and name one in each row',
    ]);
    // A column that is there, with a cell left empty, is still that row's own error, at that cell (not at team.account_manager's).
    const emptyCell = issuesOf(example((d) => replaceIn(d, 'crm/clients.csv', ';sidorov;petrov;', ';sidorov;;')));
    expect(emptyCell.text).toEqual([
      'crm/clients.csv:2:10: team.sales_director (client yugenergo): expected team.sales_director for client yugenergo (needed by rule director-to-director), found none named, and 2 employees hold sales_director (petrov, ionescu): name one under the client\'s team',
    ]);
  });

  it('a clients CSV that came out as its header alone is one error at the first contact of its clients, which names the empty export, not one per contact', () => {
    const dir = example((d) => {
      const path = join(d, 'crm/clients.csv');
      writeFileSync(path, `${readFileSync(path, 'utf8').split('\n')[0]}\n`);
    });
    const shown = resolve(dir, 'crm/clients.csv');
    expect(issuesOf(dir).text).toEqual([
      `crm/contacts.csv:2:1: client (contact yugenergo-ceo): expected the id (or the exact name) of a client defined in YAML or a clients CSV, found "yugenergo" (and the clients of 128 more contacts), which no client has: ${shown} has its header and no rows (an export that came out empty?)`,
    ]);
  });

  it('a client written twice, the second time with no team and its contacts again, is one error at the second (QA: its team and contact ids were errors too)', () => {
    const dir = example((d) => writeFileSync(join(d, 'more.yaml'), [
      'clients:',
      '  - id: stroymash',
      '    name: Stroymash LLC',
      '    contacts:',
      '      - { id: stroymash-ceo, name: Alexey Belyaev, role: ceo }',
      '      - { id: stroymash-buyer, name: Oksana Smirnova, role: buyer }',
      '',
    ].join('\n')));
    expect(issuesOf(dir).text).toEqual([`more.yaml:2:9: clients[0].id (client stroymash): expected a client id used once (first at ${resolve(dir, 'clients.yaml')}:4), found "stroymash"`]);
  });

  it('a CSV client id changed into another client\'s is one error: the contacts of the client whose id it was are not errors too', () => {
    const dir = example((d) => replaceIn(d, 'crm/clients.csv', 'tulaarms;Tula', 'yugenergo;Tula'));
    const first = resolve(dir, 'crm/clients.csv');
    expect(issuesOf(dir).text).toEqual([`crm/clients.csv:3:1: id (client yugenergo): expected a client id used once (first at ${first}:2), found "yugenergo"`]);
  });

  it('a folder of CSV files and no YAML (--config pointed at crm/) is one error that says so', async () => {
    const r = await cli('validate', '--config', join(EXAMPLE, 'crm'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/has 1 error;.*\n.*crm:1:1: settings: expected one settings section \(company, timezone, country, …\), found CSV files and no \*\.yaml or \*\.yml file \(is --config the configuration folder itself, not its crm\/ folder\?\)\n$/);
  });

  it('an import whose delimiter is not the file\'s is one error at the delimiter, naming the one the header has', () => {
    const dir = example((d) => writeFileSync(join(d, 'imports.yaml'), 'imports:\n  - file: crm/clients.csv\n    as: clients\n    delimiter: ","\n    columns: { id: id, name: name, tier: tier }\n'));
    const { issues } = issuesOf(dir);
    expect(issues.map((i) => `${i.file}:${i.line}:${i.column}: ${i.field}: ${i.found}`)).toEqual([
      expect.stringMatching(/^imports\.yaml:4:16: imports\[0\]\.delimiter: delimiter: ",", while its header has ";" between the names \("id;name;tier;.*"\): delimiter: ";", or no delimiter \(it is found from the header\)$/),
    ]);
  });

  it('CSV line numbers are the file\'s own when line endings are mixed (LF header, CRLF rows) or old Mac CRs', () => {
    for (const eol of ['\r\n', '\r']) {
      const dir = writeConfig({
        'a.yaml': `${SETTINGS}employees:\n  - { id: ivanova, name: Anna Ivanova, role: account_manager }\n`,
        'clients.csv': `id;name;stage\n${['a;A;active', 'b;B;active', 'c;C;active', 'd;D;asleep', 'e;E;active'].join(eol)}${eol}`,
      });
      const { issues } = issuesOf(dir);
      expect(issues.map((i) => [i.line, i.column, i.field])).toEqual([[5, 3, 'stage']]);
    }
  });

  it('each mistake of a list (bad zone, misspelt field, short CSV row, unknown role, misspelt team key) yields its own error, and nothing else', () => {
    const dir = example((d) => {
      replaceIn(d, 'settings.yaml', 'timezone: Europe/Moscow', 'timezone: Europe/Moskow');
      replaceIn(d, 'rules.yaml', '    every: 6 months\n    for: { tier: A }', '    evry: 6 months\n    for: { tier: A }');
      replaceIn(d, 'rules.yaml', '  - id: director-to-director\n    ours: sales_director', '  - id: director-to-director\n    ours: sales_directr');
      replaceIn(d, 'clients.yaml', '    team:\n      account_manager: ivanova\n      sales_director: petrov\n    contacts:\n      - { id: stroymash-ceo', '    team:\n      acount_manager: ivanova\n      sales_director: petrov\n    contacts:\n      - { id: stroymash-ceo');
      shortenRow(d, 'crm/clients.csv', 4, 2);
    });
    const { text } = issuesOf(dir);
    expect(text).toEqual([
      // The file itself first, then values, then references.
      expect.stringMatching(/^crm\/clients\.csv:4:10: team\.sales_director \(client arcticfish\): expected 11 fields/),
      expect.stringMatching(/^rules\.yaml:9:5: rules\[0\]\.evry \(rule ceo-to-ceo\): expected one of the known fields .*found an unknown field "evry"; did you mean "every"\?$/),
      expect.stringMatching(/^settings\.yaml:6:13: settings\.timezone: .*did you mean "Europe\/Moscow"\?$/),
      expect.stringMatching(/^clients\.yaml:13:7: clients\[0\]\.team\.acount_manager \(client stroymash\): expected a role of ours .*found an unknown role "acount_manager"; did you mean "account_manager"\?$/),
      expect.stringMatching(/^rules\.yaml:16:11: rules\[1\]\.ours \(rule director-to-director\): expected a role some employee holds .*found "sales_directr", held by nobody \(rule director-to-director\); did you mean "sales_director"\?$/),
    ]);
  });

  it('a role nobody holds any more (its one holder removed) is one error, naming every place that needs it (QA: five, one a place)', () => {
    const dir = writeConfig({
      'a.yaml': `${SETTINGS}dashboard:\n  directors: [ceo, sales_director]\n`
        + 'employees:\n  - { id: anna, name: Anna, role: account_manager }\n  - { id: oleg, name: Oleg, role: ceo }\n'
        + 'clients:\n  - { id: acme, name: Acme, contacts: [{ id: acme-d, name: D, role: director }] }\n',
      'rules.yaml': 'rules:\n  - { id: quarterly, ours: sales_director, theirs: director, kind: meeting, every: 3 months }\n',
      'workflows.yaml': 'silence:\n  after: 60 days\n  escalate_to: sales_director\noverdue:\n  after: 2 days\n  escalate_to: sales_director\ndigest:\n  to: [sales_director]\n',
    });
    // (The other places as the command shows files: here the test's folder is left out.)
    expect(issuesOf(dir).text.map((t) => t.replaceAll(`${dir}/`, ''))).toEqual([
      'a.yaml:6:20: dashboard.directors[1]: expected a role some employee holds (account_manager, ceo), found "sales_director", held by nobody (dashboard.directors); '
        + 'also needed at rules.yaml:2:28 rules[0].ours, workflows.yaml:3:16 silence.escalate_to, workflows.yaml:6:16 overdue.escalate_to and workflows.yaml:8:8 digest.to[0]',
    ]);
  });

  it.each([
    ['cadance', 'every'], ['Frequency', 'every'], ['reminders', 'remind'], ['type', 'kind'], ['kidn', 'kind'],
  ])('a field under another name (%s for %s) is one error that names the field, not also the field missing', (written, meant) => {
    const field = meant === 'every' ? '    every: 6 months' : meant === 'remind' ? '    remind: [14 days, 1 day]' : '    kind: meeting';
    const dir = example((d) => replaceIn(d, 'rules.yaml', field, field.replace(meant, written)));
    const { text } = issuesOf(dir);
    expect(text).toEqual([expect.stringMatching(new RegExp(`^rules\\.yaml:\\d+:5: rules\\[0\\]\\.${written} \\(rule ceo-to-ceo\\): .*found an unknown field "${written}"; did you mean "${meant}"\\?$`))]);
  });

  it('a campaign\'s day written date: (as a holiday\'s is) is one error that names on:', () => {
    const dir = example((d) => replaceIn(d, 'campaigns.yaml', 'on: 12-28', 'date: 12-28'));
    const { text } = issuesOf(dir);
    expect(text).toEqual([expect.stringMatching(/^campaigns\.yaml:\d+:\d+: campaigns\[\d+\]\.date \(campaign [^)]+\): .*found an unknown field "date"; did you mean "on"\?$/)]);
  });

  it('errors name the thing by its id, not only by its index', () => {
    const { issues } = issuesOf(example((dir) => replaceIn(dir, 'clients.yaml', '  - id: severstroy\n    name: Severstroy\n    tier: C\n    industry: construction\n    country: RU\n    timezone: Europe/Moscow', '  - id: severstroy\n    name: Severstroy\n    tier: C\n    industry: construction\n    country: RU\n    timezone: Europe/Mosow')));
    expect(issues).toEqual([expect.objectContaining({ file: 'clients.yaml', line: 157, field: 'clients[8].timezone', subject: 'client severstroy' })]);
    expect(formatIssue(issues[0]!)).toContain('clients.yaml:157:15: clients[8].timezone (client severstroy): expected an IANA time zone');
    expect(issues[0]!.found).toContain('did you mean "Europe/Moscow"?');
  });

  it.each([
    ['an unknown key', 'rules:\n  - { id: r1, ours: account_manager, theirs: ceo, kind: letter, every: 1 month, titel: x }\n', 'rules[0].titel', 'did you mean "title"?'],
    ['an enum value', 'rules:\n  - { id: r1, ours: account_manager, theirs: ceo, kind: meting, every: 1 month }\n', 'rules[0].kind', 'did you mean "meeting"?'],
    ['a role name', 'rules:\n  - { id: r1, ours: acount_manager, theirs: ceo, kind: letter, every: 1 month }\n', 'rules[0].ours', 'did you mean "account_manager"?'],
    ['an employee id', 'handovers:\n  - { from: ivanov, to: petrov, on: 2027-03-15 }\n', 'handovers[0].from', 'did you mean "ivanova"?'],
    ['a holiday id', 'holidays:\n  - { id: accountants-day, name: Accountant\'s Day, date: 11-21 }\ncampaigns:\n  - { id: c1, holiday: acountants-day, ours: account_manager }\n', 'campaigns[0].holiday', 'did you mean "accountants-day"?'],
    ['a time zone', 'employees:\n  - { id: x, name: X, role: r, timezone: Europe/Bucarest }\n', 'employees[0].timezone', 'did you mean "Europe/Bucharest"?'],
    ['a section', 'rule:\n  - { id: r1 }\n', 'rule', 'did you mean "rules"?'],
  ])('a misspelt %s gets "did you mean"', (_what, yaml, field, hint) => {
    const dir = writeConfig({
      'a.yaml': `${SETTINGS}employees:\n  - { id: ivanova, name: Anna Ivanova, role: account_manager }\n  - { id: petrov, name: Ivan Petrov, role: sales_director }\nclients:\n  - { id: c1, name: C1, contacts: [{ id: k1, name: K One, role: ceo }] }\n`,
      'b.yaml': yaml,
    });
    const { issues } = issuesOf(dir);
    const issue = issues.find((i) => i.field === field);
    expect(issue, issues.map(formatIssue).join('\n')).toBeDefined();
    expect(issue!.found.endsWith(hint)).toBe(true);
  });

  it('a leaver taken out of employees while their handover stays: the error says to keep them until its letters are sent (QA)', () => {
    const dir = writeConfig({
      'a.yaml': `${SETTINGS}employees:\n  - { id: petrov, name: Ivan Petrov, role: sales_director }\nclients:\n  - { id: c1, name: C1, contacts: [{ id: k1, name: K One, role: ceo }] }\n`,
      'b.yaml': 'handovers:\n  - { from: ivanova, to: petrov, on: 2027-03-15 }\n',
    });
    expect(issuesOf(dir).text).toEqual([
      'b.yaml:2:13: handovers[0].from (handover ivanova → petrov): expected the id of an employee, found "ivanova", which no employee has (a leaver stays under employees as long as their handover is in the configuration: '
        + 'keep the entry until the introductions after "on" are sent, then remove the handover and the employee together)',
    ]);
  });

  it('a Cyrillic letter typed in a Latin id is pointed at: the id and its suggestion look the same', () => {
    // "pеtrov" with a Cyrillic е: refused by the id's form, which says which letter.
    const dir = writeConfig({
      'a.yaml': `${SETTINGS}employees:\n  - { id: ivanova, name: Anna Ivanova, role: account_manager }\n  - { id: petrov, name: Ivan Petrov, role: sales_director }\n`
        + `clients:\n  - { id: c1, name: C1, contacts: [{ id: k1, name: K One, role: ceo }] }\nhandovers:\n  - { from: ivanova, to: p\u0435trov, on: 2027-03-15 }\n`,
    });
    const { issues } = issuesOf(dir);
    expect(issues.map((i) => [i.field, i.found])).toEqual([['handovers[0].to', '"p\u0435trov" (letter 2, "\u0435", is Cyrillic among Latin letters)']]);
    // Where a name is looked up without the id's form (a CSV's team cell), the suggestion says it too.
    expect(didYouMean('s\u0456dorov', ['sidorov', 'ivanova'])).toBe('; did you mean "sidorov"? (letter 2, "\u0456", is Cyrillic among Latin letters)');
    expect(didYouMean('sidorof', ['sidorov'])).toBe('; did you mean "sidorov"?');
    expect(didYouMean('ionescu-ștefan', ['ionescu-stefan'])).toBe('; did you mean "ionescu-stefan"?');
  });

  it('a numbered id is never taken for another number of it: a merged client\'s contacts are not offered an unrelated client (QA)', () => {
    expect(didYouMean('client-5', ['client-1', 'client-50'])).toBe('');
    expect(didYouMean('am-ru-3', ['am-ru-5'])).toBe('');
    expect(didYouMean('Cojocaru Partners 5', ['Cojocaru Partners 139'])).toBe('');
    // A letter mistyped beside a number is still a misspelling.
    expect(didYouMean('clinet-5', ['client-5', 'client-1'])).toBe('; did you mean "client-5"?');
    expect(didYouMean('6 wekks', ['6 weeks'])).toBe('; did you mean "6 weeks"?');
  });

  it('the other mistakes of an entry with a broken field are found in the same round, without follow-on errors', () => {
    const { issues } = issuesOf(writeConfig({
      'a.yaml': `${SETTINGS}employees:
  - { id: ivanova, name: Anna Ivanova, role: account_manager }
  - { id: sidorov, name: Pavel Sidorov, role: account_manager }
clients:
  - { id: c1, name: C1, stage: asleep, timezone: Europe/Moskow, team: { account_manager: ivanov }, contacts: [{ id: k1, name: K, role: buyer }] }
rules:
  - { id: r1, ours: account_manager, theirs: buyer, kind: call, every: 1 month }
`,
    }));
    // The client's stage, its zone and its team member are three mistakes: three errors, and no
    // "name one under team" for the account manager the misspelt id was meant to be.
    expect(issues.map((i) => [i.field, i.subject])).toEqual([
      ['clients[0].stage', 'client c1'],
      ['clients[0].timezone', 'client c1'],
      ['clients[0].team.account_manager', 'client c1'],
    ]);
  });

  it('a required field that is broken does not hide the other mistakes of its entry or section (a trigger\'s within, silence.after), nor brings errors of its own', () => {
    const { issues } = issuesOf(writeConfig({
      'a.yaml': `${SETTINGS}employees:
  - { id: ivanova, name: Anna Ivanova, role: account_manager }
clients:
  - { id: c1, name: C1, team: { account_manager: ivanova }, contacts: [{ id: k1, name: K, role: buyer }] }
triggers:
  - { id: t1, event: order.shipped, ours: account_managr, within: 2 hourz }
silence:
  after: 60 dayz
  escalate_to: sales_directr
overdue:
  after: 2 dayz
  escalate_to: sales_directr
digest:
  to: 5
dashboard:
  directors: account_manager
`,
    }));
    // Each wrong value is one error; the broken digest.to and dashboard.directors are not checked
    // again as the defaults (sales_director, ceo: held by nobody here) that stand in for them.
    expect(issues.map((i) => [i.field, i.found])).toEqual([
      ['triggers[0].within', '"2 hourz"; did you mean "2 hours"?'],
      ['silence.after', '"60 dayz"; did you mean "60 days"?'],
      ['overdue.after', '"2 dayz"; did you mean "2 days"?'],
      ['digest.to', expect.stringContaining('5')],
      ['dashboard.directors', expect.stringContaining('account_manager')],
      ['triggers[0].ours', expect.stringContaining('"account_managr"')],
      // A role no one holds nor any team names, needed at two places: one error naming both.
      ['silence.escalate_to', expect.stringMatching(/^"sales_directr", held by nobody \(silence\.escalate_to\); also needed at \S+a\.yaml:16:16 overdue\.escalate_to$/)],
    ]);
  });

  it('a rule with several broken fields (a misspelt theirs, a kind that is none, a misspelt selector key) still has its unknown ours reported, and nothing that follows from them', () => {
    const { issues } = issuesOf(writeConfig({
      'a.yaml': `${SETTINGS}employees:
  - { id: ivanova, name: Anna Ivanova, role: account_manager }
clients:
  - { id: c1, name: C1, tier: A, team: { account_manager: ivanova }, contacts: [{ id: k1, name: K, role: buyer }] }
rules:
  - { id: news, ours: acount_manager, their: buyer, kind: newsletter, every: 1 month, duration: 30 minutes, for: { teir: A } }
`,
    }));
    expect(issues.map((i) => [i.field, i.found.split(';')[0]])).toEqual([
      ['rules[0].their', expect.stringContaining('their')],
      ['rules[0].kind', expect.stringContaining('newsletter')],
      ['rules[0].for.teir', expect.stringContaining('teir')],
      ['rules[0].ours', '"acount_manager", held by nobody (rule news)'],
    ]);
    expect(issues.at(-1)!.found).toContain('did you mean "account_manager"?');
  });

  it('a YAML file that cannot be read is one error: references to what it may define are not errors as well', () => {
    const { issues } = issuesOf(example((dir) => replaceIn(dir, 'team.yaml', '  - id: orlov\n', '  - id: [orlov\n')));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'team.yaml', rank: 0 });
  });

  it('warnings: a selector that matches no client, two rules in touch with the same people in the same week, 02-29 yearly — with their places, exit status 0', async () => {
    const dir = writeConfig({
      'a.yaml': `${SETTINGS}employees:
  - { id: ivanova, name: Anna Ivanova, role: account_manager }
clients:
  - { id: c1, name: C1, tier: A, contacts: [{ id: k1, name: K, role: buyer }] }
rules:
  - { id: calls, ours: account_manager, theirs: buyer, kind: call, every: 1 month }
  - { id: letters, ours: account_manager, theirs: [buyer, ceo], kind: letter, every: 1 month }
  - { id: tier-b, ours: account_manager, theirs: buyer, kind: letter, every: 3 months, for: { tier: B } }
  - { id: weekly-a, ours: account_manager, theirs: buyer, kind: news, every: 1 week }
  - { id: weekly-b, ours: account_manager, theirs: buyer, kind: feedback, every: 5 days }
campaigns:
  - { id: leap, on: 02-29, ours: account_manager }
`,
    });
    const { config, warnings } = issuesOf(dir);
    expect(config).toBeDefined();
    expect(warnings.map(formatWarning)).toEqual([
      expect.stringMatching(/^a\.yaml:11:\d+: rules\[1\]\.ours \(rule letters\): rules calls \(.*a\.yaml:10\) and letters both put account_manager in touch with buyer at client c1 every 1 month \(twice a period, often in the same week\)/),
      expect.stringMatching(/^a\.yaml:12:\d+: rules\[2\]\.for \(rule tier-b\): matches no client: rule tier-b plans nothing/),
      expect.stringMatching(/^a\.yaml:14:\d+: rules\[4\]\.ours \(rule weekly-b\): rules weekly-a \(.*a\.yaml:13\) and weekly-b both put account_manager in touch with buyer at client c1 every week \(in the same week each time\)/),
      expect.stringMatching(/^a\.yaml:16:\d+: campaigns\[0\]\.on \(campaign leap\): is 29 February/),
    ]);
    const r = await cli('validate', '--config', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('4 warnings:');
    expect(r.out).toMatch(/warning: .*a\.yaml:12:\d+: rules\[2\]\.for \(rule tier-b\): matches no client/);
  });

  it('warnings: two campaigns that greet the same people for the same day, once per pair with the day and the clients (QA camp F2)', () => {
    const dir = writeConfig({
      'a.yaml': `${SETTINGS}employees:
  - { id: ivanova, name: Anna Ivanova, role: account_manager }
  - { id: orlov, name: Ivan Orlov, role: sales_director }
clients:
  - { id: ru1, name: R1, country: RU, contacts: [{ id: k1, name: K, role: ceo }] }
  - { id: ru2, name: R2, country: RU, contacts: [{ id: k2, name: L, role: ceo }] }
  - { id: md1, name: M1, country: MD, timezone: Europe/Chisinau, contacts: [{ id: k3, name: M, role: ceo }] }
  - { id: ro1, name: O1, country: RO, timezone: Europe/Bucharest, contacts: [{ id: k4, name: N, role: ceo }] }
campaigns:
  - { id: womens, holiday: international-womens-day, theirs: [ceo], ours: account_manager }
  - { id: womens-date, on: 03-08, theirs: [ceo], ours: account_manager, for: { country: [RU, MD] } }
  - { id: year-end, on: 12-28, theirs: [ceo], ours: account_manager }
  - { id: new-year, holiday: new-years-day, theirs: [ceo], ours: account_manager }
  - { id: director-womens, on: 03-08, theirs: [ceo], ours: sales_director }
  - { id: year-end-again, on: 12-28, theirs: [buyer, ceo], ours: account_manager, for: { country: RO } }
`,
    });
    const { config, warnings } = issuesOf(dir);
    expect(config).toBeDefined();
    // Not: 28 December and 1 January (two days), the director's own greeting (another of ours).
    // (Also said: 8 March is no public holiday in Romania, so `womens` greets no RO client.)
    expect(warnings.map(formatWarning)).toEqual([
      expect.stringMatching(/^a\.yaml:14:\d+: campaigns\[0\]\.holiday \(campaign womens\): campaign womens greets none of its 1 client in RO/),
      expect.stringMatching(/^a\.yaml:15:\d+: campaigns\[1\]\.on \(campaign womens-date\): campaigns womens \(.*a\.yaml:14\) and womens-date both have account_manager greet ceo at 3 clients \(md1, ru1, ru2\) for the same days \(2026-03-08, 2027-03-08, 2028-03-08\): each of them gets two greetings that day; drop one of the campaigns, or narrow one's for or theirs$/),
      expect.stringMatching(/^a\.yaml:19:\d+: campaigns\[5\]\.on \(campaign year-end-again\): campaigns year-end \(.*a\.yaml:16\) and year-end-again both have account_manager greet ceo at client ro1 for the same days \(2026-12-28, 2027-12-28, 2028-12-28\)/),
    ]);
  });

  it('warnings: a sequence step of lapsed clients without stage_since (it would count from since, long past, and plan nothing)', () => {
    const dir = writeConfig({
      'a.yaml': `${SETTINGS}employees:
  - { id: ivanova, name: Anna Ivanova, role: account_manager }
clients:
  - { id: old, name: Old, stage: lapsed, since: 2019-03-01, contacts: [{ id: k1, name: K, role: buyer }] }
  - { id: dated, name: Dated, stage: lapsed, since: 2019-03-01, stage_since: 2027-01-10, contacts: [{ id: k2, name: L, role: buyer }] }
  - { id: live, name: Live, since: 2019-03-01, contacts: [{ id: k3, name: M, role: buyer }] }
rules:
  - { id: win-back-1, ours: account_manager, theirs: buyer, kind: call, after: 1 day, for: { stage: lapsed } }
  - { id: welcome, ours: account_manager, theirs: buyer, kind: letter, after: 30 days }
`,
    });
    const { config, warnings } = issuesOf(dir);
    expect(config).toBeDefined();
    expect(warnings.map(formatWarning)).toEqual([
      expect.stringMatching(/^a\.yaml:12:\d+: rules\[0\]\.after \(rule win-back-1\): counts from the day a client entered its stage \(stage_since\), which 1 lapsed client it takes does not have \(old\)/),
      expect.stringMatching(/^a\.yaml:13:\d+: rules\[1\]\.after \(rule welcome\): .*1 lapsed client it takes does not have \(old\)/),
    ]);
  });

  it('warnings: a role of theirs no contact has (a typo), with a suggestion; a list with one role that exists is not', () => {
    const dir = writeConfig({
      'a.yaml': `${SETTINGS}employees:
  - { id: ivanova, name: Anna Ivanova, role: account_manager }
clients:
  - { id: c1, name: C1, contacts: [{ id: k1, name: K, role: ceo }, { id: k2, name: L, role: buyer }] }
rules:
  - { id: ceo-calls, ours: account_manager, theirs: CEO, kind: call, every: 3 months }
  - { id: buyer-calls, ours: account_manager, theirs: [buyer, purchasing], kind: call, every: 1 month }
campaigns:
  - { id: new-year, on: 12-31, ours: account_manager, theirs: [chief_executive] }
triggers:
  - { id: shipped, event: order.shipped, ours: account_manager, theirs: byer, kind: letter, within: 4 hours }
`,
    });
    const { config, warnings } = issuesOf(dir);
    expect(config).toBeDefined();
    expect(warnings.map(formatWarning)).toEqual([
      expect.stringMatching(/^a\.yaml:10:\d+: rules\[0\]\.theirs \(rule ceo-calls\): no contact has the role "CEO"; did you mean "ceo"\?: rule ceo-calls plans nothing with it$/),
      expect.stringMatching(/^a\.yaml:13:\d+: campaigns\[0\]\.theirs \(campaign new-year\): no contact has the role "chief_executive": campaign new-year greets nobody with it$/),
      expect.stringMatching(/^a\.yaml:15:\d+: triggers\[0\]\.theirs \(trigger shipped\): no contact has the role "byer"; did you mean "buyer"\?: trigger shipped makes no touch: its events are refused$/),
    ]);
  });

  it('warnings: a misspelt role in overdue.escalate_for (overdue meetings with them never escalated), with a suggestion', () => {
    const company = (escalateFor: string) => writeConfig({
      'a.yaml': `${SETTINGS}employees:
  - { id: ivanova, name: Anna Ivanova, role: account_manager }
  - { id: petrov, name: Ivan Petrov, role: sales_director }
clients:
  - { id: c1, name: C1, contacts: [{ id: k1, name: K, role: ceo }, { id: k2, name: L, role: director }] }
rules:
  - { id: calls, ours: account_manager, theirs: [ceo, director], kind: call, every: 3 months }
overdue:
  after: 2 days
  escalate_to: sales_director
  escalate_for: ${escalateFor}
`,
    });
    expect(issuesOf(company('[ceo, direktor]')).warnings.map(formatWarning)).toEqual([
      expect.stringMatching(/^a\.yaml:15:\d+: overdue\.escalate_for\[1\]: no contact has the role "direktor"; did you mean "director"\?: overdue touches with them are never escalated$/),
    ]);
    expect(issuesOf(company('[chief]')).warnings.map(formatWarning)).toEqual([
      expect.stringMatching(/^a\.yaml:15:\d+: overdue\.escalate_for\[0\]: no contact has the role "chief": overdue touches with them are never escalated$/),
    ]);
    // A role of another CRM's words beside one that exists is as meant.
    expect(issuesOf(company('[ceo, owner]')).warnings).toEqual([]);
  });

  it('warnings: a misspelt industry or tier in a selector, with the word meant, once (not also "matches no client")', () => {
    const dir = writeConfig({
      'a.yaml': `${SETTINGS}employees:
  - { id: ivanova, name: Anna Ivanova, role: account_manager }
clients:
  - { id: c1, name: C1, industry: construction, tier: A, contacts: [{ id: k1, name: K, role: ceo }] }
  - { id: c2, name: C2, industry: energy, tier: B, contacts: [{ id: k2, name: L, role: ceo }] }
rules:
  - { id: builders, ours: account_manager, theirs: ceo, kind: call, every: 3 months, for: { industry: constructon } }
  - { id: both, ours: account_manager, theirs: ceo, kind: call, every: 3 months, for: { industry: [energy, constructon] } }
campaigns:
  - { id: tier-a, on: 12-28, ours: account_manager, for: { tier: a } }
`,
    });
    const { config, warnings } = issuesOf(dir);
    expect(config).toBeDefined();
    expect(warnings.map(formatWarning)).toEqual([
      expect.stringMatching(/^a\.yaml:11:\d+: rules\[0\]\.for\.industry \(rule builders\): no client has the industry "constructon"; did you mean "construction"\?$/),
      expect.stringMatching(/^a\.yaml:12:\d+: rules\[1\]\.for\.industry \(rule both\): no client has the industry "constructon"; did you mean "construction"\?$/),
    ]);
    // Another case is the same value (a CRM's "a" for the "A" written): selected, nothing to warn of (QA: left out silently).
    expect(config!.clients.filter((c) => selects(config!.campaigns[0]!.for, c)).map((c) => c.id)).toEqual(['c1']);
    expect(selects({ attributes: { region: ['Юг'] } }, { ...config!.clients[0]!, attributes: { region: ' ЮГ' } })).toBe(true);
    // And an attribute's name in another case (the CRM's column "Регион" for a selector's "регион"; QA retest).
    expect(selects({ attributes: { регион: ['юг'] } }, { ...config!.clients[0]!, attributes: { Регион: 'Юг' } })).toBe(true);
    expect(selects({ attributes: { регион: ['юг'] } }, { ...config!.clients[0]!, attributes: { Город: 'Юг' } })).toBe(false);
    expect(selects({ industry: ['construction'] }, { ...config!.clients[0]!, industry: 'Construction' })).toBe(true);
    expect(selects({ industry: ['construction'] }, { ...config!.clients[0]!, industry: 'energy' })).toBe(false);
  });

  it('warnings: a professional holiday on a 5th weekday the month has only in some years ("5th sunday of february")', () => {
    const dir = writeConfig({
      'a.yaml': `${SETTINGS}employees:
  - { id: ivanova, name: Anna Ivanova, role: account_manager }
clients:
  - { id: c1, name: C1, contacts: [{ id: k1, name: K, role: ceo }] }
holidays:
  - { id: rare, name: Rare Day, rule: 5th sunday of february }
  - { id: often, name: Often Day, rule: last sunday of february }
campaigns:
  - { id: rare-greeting, holiday: rare, ours: account_manager }
  - { id: often-greeting, holiday: often, ours: account_manager }
`,
    });
    const { config, warnings } = issuesOf(dir);
    expect(config).toBeDefined();
    expect(warnings.map(formatWarning)).toEqual([
      expect.stringMatching(/^a\.yaml:10:\d+: holidays\[0\]\.rule \(holiday rare\): the month has a 5th such day only in some years \(2032\): in the others there is none and nobody is greeted; "last sunday of …" is every year's$/),
    ]);
  });

  it('the example company has no warnings', () => {
    expect(issuesOf(EXAMPLE).warnings.map(formatWarning)).toEqual([]);
  });

  it('two list entries run together (the "- id:" line of the second deleted) are one error, not one per key written again', () => {
    const dir = example((d) => replaceIn(d, 'clients.yaml', /^ {2}- id: nevaplast\n/m, ''));
    expect(issuesOf(dir).text).toEqual([
      'clients.yaml:188:5: expected each key once in a mapping, found a second "name" and 8 more keys again after it: two entries run together (a line starting "- " deleted?)',
    ]);
    // One key written twice is said as before.
    const once = example((d) => replaceIn(d, 'clients.yaml', '    name: Neva Plast\n', '    name: Neva Plast\n    name: Neva Plastic\n'));
    expect(issuesOf(once).text).toEqual(['clients.yaml:190:5: expected each key once in a mapping, found a second "name"']);
  });

  it('a client no file defines is one error at its first contact, however many contacts name it (a clients export cut short)', () => {
    const dir = example((d) => {
      const path = join(d, 'crm/clients.csv');
      writeFileSync(path, readFileSync(path, 'utf8').split('\n').slice(0, 12).join('\n') + '\n');
    });
    const { text } = issuesOf(dir);
    // 15 clients gone: one error naming the file cut short, not one per client (nor per contact of theirs: 71).
    expect(text).toHaveLength(1);
    expect(text[0]).toMatch(new RegExp('^crm/contacts\\.csv:58:1: client \\(contact iasiconstruct-ceo\\): expected the id \\(or the exact name\\) of a client defined in YAML or a clients CSV, '
      + 'found "iasiconstruct" and 14 more clients the contacts name, which no client has: \\S*clients\\.yaml, \\S*crm/clients\\.csv define 25 clients — '
      + 'was the clients\' export saved cut short\\? \\(missing: iasiconstruct, [a-z-]+, [a-z-]+, [a-z-]+, [a-z-]+, …\\)$'));
    // A few clients gone are each one error, at its first contact, with how many more name it.
    const few = example((d) => {
      const path = join(d, 'crm/clients.csv');
      const lines = readFileSync(path, 'utf8').split('\n');
      writeFileSync(path, [...lines.slice(0, 12), ...lines.slice(14)].join('\n'));
    });
    const two = issuesOf(few).text;
    expect(two).toHaveLength(2);
    expect(two[0]).toMatch(/found "[a-z-]+" \(and \d+ more contacts? names? it\)/);
  });
});
