import { describe, expect, it } from 'vitest';
import { join, relative, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { checkConfig, checkSnapshot } from '../../src/config/load-config.ts';
import { readSnapshot } from '../../src/config/snapshot.ts';
import { formatIssue } from '../../src/config/config-issue.ts';
import { writeConfig } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';

/**
 * Real CRM and Excel exports with the mistakes people make with them (the QA pass on CRM
 * exports): each mistake is one error, where it is made, with the likely meant word.
 */

function check(dir: string) {
  const result = checkConfig(dir);
  const rel = <T extends { file: string }>(x: T) => ({ ...x, file: relative(dir, resolve(process.cwd(), x.file)) });
  return { ...result, issues: result.issues.map(rel), warnings: result.warnings.map(rel) };
}

const COMPANY = `settings:
  company: ООО «Волна»
  timezone: Europe/Moscow
  country: RU
employees:
  - { id: ivanova, name: Анна Иванова, email: a.ivanova@volna.example, role: account_manager }
  - { id: sidorov, name: Павел Сидоров, email: p.sidorov@volna.example, role: account_manager }
  - { id: petrov, name: Иван Петров, role: sales_director }
rules:
  - { id: buyers, ours: account_manager, theirs: buyer, kind: call, every: 1 month, per: contact }
`;

const BITRIX = [
  'ID;Название компании;Тип компании;Сфера деятельности;Ответственный;Дата создания;ИНН;Регион',
  '101;ООО «Строймаш»;Клиент;Строительство;Анна Иванова;15.03.2021 10:22:31;7701234567;Центр',
  '102;АО «ЮгЭнерго»;Клиент;Энергетика;Павел Сидоров;01.12.2022 09:00:00;2312345678;Юг',
  '103;ПАО «Уралсталь»;Бывший клиент;Производство;p.sidorov@volna.example;09.09.2019 16:45:00;6658123456;Урал',
].join('\r\n');

const AMO = [
  'ID;Имя;Фамилия;Компания;Должность;Рабочий email',
  '5001;Сергей;Кузнецов;ООО «Строймаш»;Менеджер по закупкам;s.kuznetsov@stroymash.example',
  '5002;Денис;Волков;АО «ЮгЭнерго»;Менеджер по закупкам;d.volkov@yugenergo.example',
].join('\r\n');

const IMPORTS = `imports:
  - file: crm/bitrix-companies.csv
    as: clients
    columns:
      ID: id
      Название компании: name
      Тип компании: stage
      Сфера деятельности: industry
      Ответственный: team.account_manager
      Дата создания: since
      ИНН: attributes.inn
    values:
      stage: { Клиент: active, Бывший клиент: lapsed }
      industry: { Строительство: construction, Энергетика: energy, Производство: manufacturing }
  - file: crm/amo-contacts.csv
    as: contacts
    columns:
      ID: id
      Имя: name
      Фамилия: name
      Компания: client
      Должность: role
      Рабочий email: email
    values:
      role: { Менеджер по закупкам: buyer }
`;

function exports(imports: string, files: Record<string, string | Buffer> = {}) {
  return check(writeConfig({
    'company.yaml': COMPANY,
    'imports.yaml': imports,
    'crm/bitrix-companies.csv': iconv.encode(BITRIX, 'win1251'),
    'crm/amo-contacts.csv': AMO,
    ...files,
  }));
}

describe('a mistake in an imports mapping is one error, at the mapping (F14)', () => {
  it('the exports as they are: valid', () => {
    expect(exports(IMPORTS).issues.map(formatIssue)).toEqual([]);
  });

  it('a column name written longer than the file\'s is one error with "did you mean", not one more per row whose team then lacks the role', () => {
    const { issues } = exports(IMPORTS.replace('      Ответственный: team', '      Ответственный менеджер: team'));
    expect(issues.map((i) => [i.file, i.line, i.field, i.found])).toEqual([
      ['imports.yaml', 9, 'imports[0].columns.Ответственный менеджер', '"Ответственный менеджер", which the file does not have; did you mean "Ответственный"?'],
    ]);
  });

  it('a misspelt target field is one error: its values mapping is not "a field this file has no column for" as well', () => {
    const { issues } = exports(IMPORTS.replace('Сфера деятельности: industry', 'Сфера деятельности: industy'));
    expect(issues.map((i) => [i.file, i.line, i.field, i.found])).toEqual([
      ['imports.yaml', 8, 'imports[0].columns.Сфера деятельности', '"industy"; did you mean "industry"?'],
    ]);
  });

  it('a misspelt column of a field with values is one error: not the values mapping as well', () => {
    const { issues } = exports(IMPORTS.replace('Тип компании: stage', 'Тип компаний: stage'));
    expect(issues.map((i) => [i.file, i.line, i.field, i.found])).toEqual([
      ['imports.yaml', 7, 'imports[0].columns.Тип компаний', '"Тип компаний", which the file does not have; did you mean "Тип компании"?'],
    ]);
  });

  it('a misspelt column of a required field is one error at the mapping, not also "no column for role" at the header', () => {
    const { issues } = exports(IMPORTS.replace('Должность: role', 'Должностъ: role'));
    expect(issues.map((i) => [i.file, i.line, i.field, i.found])).toEqual([
      ['imports.yaml', 22, 'imports[1].columns.Должностъ', '"Должностъ", which the file does not have; did you mean "Должность"?'],
    ]);
  });
});

describe('an encoding declared under imports that the file is not in is one error, at the declaration (F15)', () => {
  const declaring = (encoding: string) => IMPORTS.replace('    as: clients\n', `    as: clients\n    encoding: ${encoding}\n`);

  it('windows-1250 for a windows-1251 export: one error that says what the file looks like, not a header of mojibake whose every column is missing', () => {
    const { issues } = exports(declaring('windows-1250'));
    expect(issues.map(formatIssue)).toEqual([
      'imports.yaml:4:15: imports[0].encoding (import of crm/bitrix-companies.csv): expected the encoding crm/bitrix-companies.csv is in, found encoding: windows-1250, '
        + 'which reads its header as "ID, Íŕçâŕíčĺ ęîěďŕíčč, Ňčď ęîěďŕíčč", with 1 of the columns the mapping names; '
        + 'the file looks like windows-1251 ("ID, Название компании, Тип компании", with 7): encoding: windows-1251, or no encoding (it is detected)',
    ]);
  });

  it('utf-8 for a windows-1251 export: the error is at the declaration and says what the file reads as', () => {
    const { issues } = exports(declaring('utf-8'));
    expect(issues.map(formatIssue)).toEqual([
      'imports.yaml:4:15: imports[0].encoding (import of crm/bitrix-companies.csv): expected the encoding crm/bitrix-companies.csv is in, found encoding: utf-8, '
        + 'while line 1 of the file has a byte that is not UTF-8 (0xCD); the file reads as windows-1251: encoding: windows-1251, or no encoding (it is detected)',
    ]);
  });

  it('the declared encoding stands where the header does not tell (detection may be wrong: that is what the declaration is for)', () => {
    const { issues, config, encodings } = check(writeConfig({
      'company.yaml': COMPANY.replace(/rules:[^]*$/, ''),
      'imports.yaml': 'imports:\n  - { file: crm/c.csv, as: clients, encoding: windows-1252, columns: { Key: id, Company: name } }\n',
      'crm/c.csv': iconv.encode('Key;Company\nc1;Construcţii Braşov SRL\n', 'win1250'),
    }));
    expect(issues.map(formatIssue)).toEqual([]);
    expect(encodings.map((e) => e.encoding)).toEqual(['windows-1252']);
    expect(config!.clients[0]!.name).toBe(iconv.decode(iconv.encode('Construcţii Braşov SRL', 'win1250'), 'win1252'));
  });

  // QA: a company that kept the Bitrix declaration after switching to a CRM's own UTF-8 export had
  // every Russian name in every calendar as "РћРћРћ", validate saying nothing (the header was ASCII).
  const asciiHeader = (encoding: string, bytes: Buffer) => check(writeConfig({
    'company.yaml': COMPANY.replace(/rules:[^]*$/, ''),
    'imports.yaml': `imports:\n  - { file: crm/c.csv, as: clients, encoding: ${encoding}, columns: { Key: id, Company: name } }\n`,
    'crm/c.csv': bytes,
  }));
  const ROWS_RU = 'Key;Company\nc1;Stroymash\nc2;ООО «Юг Энерго»\n';

  it('a code page for a UTF-8 file whose header is ASCII: one error, showing a word as it would read', () => {
    const { issues, config } = asciiHeader('windows-1251', Buffer.from(ROWS_RU, 'utf8'));
    expect(config).toBeUndefined();
    expect(issues.map(formatIssue)).toEqual([
      'imports.yaml:2:47: imports[0].encoding (import of crm/c.csv): expected the encoding crm/c.csv is in, found encoding: windows-1251, '
        + 'which reads line 3 as "РћРћРћ" where the file, in utf-8, has "ООО": encoding: utf-8, or no encoding (it is detected)',
    ]);
  });

  it('a Latin code page for a Cyrillic windows-1251 file whose header is ASCII: one error', () => {
    const { issues } = asciiHeader('windows-1252', iconv.encode(ROWS_RU, 'win1251'));
    expect(issues.map(formatIssue)).toEqual([
      'imports.yaml:2:47: imports[0].encoding (import of crm/c.csv): expected the encoding crm/c.csv is in, found encoding: windows-1252, '
        + 'which reads line 3 as "ÎÎÎ" where the file, in windows-1251, has "ООО": encoding: windows-1251, or no encoding (it is detected)',
    ]);
  });

  it('a windows-1251 declaration of Latin names whose one high byte is a "№" stands (review: it reads as a Latin letter too)', () => {
    const { issues, config } = asciiHeader('windows-1251', iconv.encode('Key;Company\nc1;Stroymash №15\n', 'win1251'));
    expect(issues).toEqual([]);
    expect(config!.clients.map((c) => c.name)).toEqual(['Stroymash №15']);
  });

  it('the right declaration of such a file reads it as written', () => {
    const { issues, config } = asciiHeader('windows-1251', iconv.encode(ROWS_RU, 'win1251'));
    expect(issues).toEqual([]);
    expect(config!.clients.map((c) => c.name)).toEqual(['Stroymash', 'ООО «Юг Энерго»']);
  });
});

describe('a report\'s title above the header and its totals row below the rows are one error each (F1)', () => {
  const IMPORT_1C = `imports:
  - file: crm/companies.csv
    as: clients
    columns: { Код: id, Наименование: name, Дата договора: since, Менеджер: team.account_manager, ИНН: attributes.inn }
    date_format: dd.MM.yy
`;
  const rows = ['00123;ООО «Альфа»;15.01.21;Анна Иванова;7701000001', '00124;ООО «Бета»;16.01.21;Павел Сидоров;7701000002'];
  const header = 'Код;Наименование;Дата договора;Менеджер;ИНН';
  const run = (lines: string[]) => check(writeConfig({
    'company.yaml': COMPANY, 'imports.yaml': IMPORT_1C, 'crm/companies.csv': iconv.encode(lines.join('\r\n'), 'win1251'),
  }));

  it('the export without its title: valid', () => {
    const { issues, config } = run([header, ...rows]);
    expect(issues.map(formatIssue)).toEqual([]);
    expect(config!.clients.map((c) => [c.id, c.since])).toEqual([['00123', '2021-01-15'], ['00124', '2021-01-16']]);
  });

  it('a title row: one error at it that says where the header seems to be, not one per mapped column and one for the header', () => {
    expect(run(['Компании (выгрузка от 05.12.2026);;;;', header, ...rows]).issues.map(formatIssue)).toEqual([
      'crm/companies.csv:1:1: expected the header (the names of the columns) on the first line of the file, found "Компании (выгрузка от 05.12.2026)", a title above the header, '
        + 'which looks like it is on line 2 ("Код", "Наименование", "Дата договора", "Менеджер" and 1 more): delete the line above it from the export',
    ]);
    // Two lines of title and an empty one.
    expect(run(['Компании;;;;', 'Отчёт от 05.12.2026;;;;', ';;;;', header, ...rows]).issues.map((i) => [i.line, i.found.replace(/ \(.*\)/, '')])).toEqual([
      [1, '"Компании", a title above the header, which looks like it is on line 4: delete the 3 lines above it from the export'],
    ]);
    // A title with no separator on its line (not padded to the header's width): the header below still splits on ";".
    expect(run(['Компании (выгрузка от 05.12.2026)', header, ...rows]).issues.map((i) => [i.line, i.found.replace(/ \(".*\)/, '')])).toEqual([
      [1, '"Компании (выгрузка от 05.12.2026)", a title above the header, which looks like it is on line 2: delete the line above it from the export'],
    ]);
  });

  it('a header that is wrong, with no header below it: its errors are as they were', () => {
    const { issues } = run(['Компании (выгрузка от 05.12.2026);;;;', ...rows]);
    expect(issues.map((i) => [i.file, i.line, i.field])).toEqual([
      ['imports.yaml', 4, 'imports[0].columns.Код'],
      ['imports.yaml', 4, 'imports[0].columns.Наименование'],
      ['imports.yaml', 4, 'imports[0].columns.Дата договора'],
      ['imports.yaml', 4, 'imports[0].columns.Менеджер'],
      ['imports.yaml', 4, 'imports[0].columns.ИНН'],
    ]);
  });

  it('1C\'s "Итого:" row under the rows is one error that says it is a totals row, not one for its id and one for its name', () => {
    expect(run([header, ...rows, 'Итого: 2;;;;', ';;;;']).issues.map(formatIssue)).toEqual([
      'crm/companies.csv:4:1: Код: expected a client row, found "Итого: 2", which looks like a totals row (reports from 1C and Excel end with one): delete it from the export',
    ]);
    expect(run([header, ...rows, 'Всего;;;;2']).issues.map((i) => [i.line, i.column])).toEqual([[4, 1]]);
  });
});

describe('a contact whose role cell is empty (F3)', () => {
  const PEOPLE = [
    '"ID","Name","Organization","Email","Job title"',
    '"11","Ion Popescu","101","ion@ap.md","Менеджер по закупкам"',
    '"14","Elena Rusu","101","e@ap.md",""',
  ].join('\r\n');
  const importing = (values: string) => `imports:
  - file: crm/bitrix-companies.csv
    as: clients
    columns: { ID: id, Название компании: name, Ответственный: team.account_manager }
  - file: crm/people.csv
    as: contacts
    columns: { Organization: client, Job title: role }
    values:
      role: ${values}
`;
  const run = (values: string, people = PEOPLE) => check(writeConfig({
    'company.yaml': COMPANY, 'imports.yaml': importing(values),
    'crm/bitrix-companies.csv': iconv.encode(BITRIX, 'win1251'), 'crm/people.csv': people,
  }));

  it('is one error that says the cell is empty (not "the field is missing") and how to map it', () => {
    expect(run('{ Менеджер по закупкам: buyer }').issues.map(formatIssue)).toEqual([
      'crm/people.csv:3:5: role (column "Job title") (contact 14): expected a string, found an empty cell (fill it in the export, or give empty cells a role under imports: values: role: { "": other })',
    ]);
  });

  it('values: { "": other } gives the empty cells that role', () => {
    const { issues, config } = run('{ Менеджер по закупкам: buyer, "": other }');
    expect(issues.map(formatIssue)).toEqual([]);
    expect(config!.clients.find((c) => c.id === '101')!.contacts.map((k) => [k.id, k.role])).toEqual([['11', 'buyer'], ['14', 'other']]);
  });

  it('an empty cell given a value its field cannot have is one error, at the mapping', () => {
    const dir = writeConfig({
      'company.yaml': COMPANY.replace(/rules:[^]*$/, ''),
      'imports.yaml': 'imports:\n  - file: crm/c.csv\n    as: clients\n    columns: { Key: id, Company: name, Status: stage }\n    values:\n      stage: { Customer: active, "": activ }\n',
      'crm/c.csv': 'Key;Company;Status\nc1;C One;Customer\nc2;C Two;\nc3;C Three;\n',
    });
    expect(check(dir).issues.map((i) => [i.file, i.line, i.field])).toEqual([['imports.yaml', 6, 'imports[0].values.stage.']]);
  });
});

describe('a contact\'s client named with other quotes, or nearly (F13)', () => {
  const clients = 'id;name\nc1;ООО «Ромашка»\nc2;ООО «Строймаш»\nc3;АО «Ёлки»\nc4;ИП Ёжиков\n';
  const run = (contacts: string) => check(writeConfig({
    'company.yaml': COMPANY.replace(/rules:[^]*$/, ''),
    'clients.csv': iconv.encode(clients, 'win1251'),
    'contacts.csv': contacts,
  }));

  it('finds the client whatever quotes its name is written with, or none', () => {
    const { issues, config } = run('client;id;name;role\n"ООО ""Ромашка""";p1;П Один;ceo\nООО Строймаш;p2;П Два;ceo\nАО “Ёлки”;p3;П Три;ceo\n"ООО \'Ромашка\'";p4;П Четыре;ceo\nооо„ромашка“;p5;П Пять;ceo\n');
    expect(issues.map(formatIssue)).toEqual([]);
    expect(config!.clients.map((c) => [c.id, c.contacts.map((k) => k.id)])).toEqual([['c1', ['p1', 'p4', 'p5']], ['c2', ['p2']], ['c3', ['p3']], ['c4', []]]);
  });

  it('a name nearly a client\'s gets "did you mean" that name', () => {
    const { issues } = run('client;id;name;role\nООО Ромашко;p1;П Один;ceo\nЁжиков;p2;П Два;ceo\n');
    expect(issues.map((i) => [i.line, i.found])).toEqual([
      [2, '"ООО Ромашко"; did you mean "ООО «Ромашка»"?'],
      [3, '"Ёжиков"; did you mean "ИП Ёжиков"?'],
    ]);
  });
});

describe('employees named as 1C writes them (F17)', () => {
  const run = (cells: string[]) => check(writeConfig({
    'company.yaml': COMPANY,
    'clients.csv': ['id;name;team.account_manager', ...cells.map((c, i) => `c${i + 1};Клиент ${i + 1};${c}`)].join('\n'),
  }));

  it('surname first, with or without the patronymic, names the employee', () => {
    const { issues, config } = run(['Иванова Анна Сергеевна', 'Иванова Анна', 'СИДОРОВ Павел', 'Сидоров Павел Андреевич', 'Анна Иванова']);
    expect(issues.map(formatIssue)).toEqual([]);
    expect(config!.clients.map((c) => c.team.account_manager)).toEqual(['ivanova', 'ivanova', 'sidorov', 'sidorov', 'ivanova']);
  });

  it('initials get "did you mean" the employee, and the error says how to map the CRM\'s spelling', () => {
    expect(run(['Иванова А. С.']).issues.map(formatIssue)).toEqual([
      'clients.csv:2:3: team.account_manager (client c1): expected the id of an employee (or their e-mail or full name), found "Иванова А. С.", which no employee has; did you mean "Анна Иванова"?'
        + '; a CRM\'s own spelling of a name can be mapped under imports: values: team.account_manager: { "Иванова А. С.": ivanova }',
    ]);
    // And so mapped, it is.
    const mapped = check(writeConfig({
      'company.yaml': COMPANY,
      'clients.csv': 'id;name;team.account_manager\nc1;Клиент 1;Иванова А. С.\n',
      'imports.yaml': 'imports:\n  - file: clients.csv\n    as: clients\n    values: { team.account_manager: { "Иванова А. С.": ivanova } }\n',
    }));
    expect(mapped.issues.map(formatIssue)).toEqual([]);
    expect(mapped.config!.clients[0]!.team.account_manager).toBe('ivanova');
  });

  it('the words of one employee\'s name come before another\'s with a word less', () => {
    const dir = writeConfig({
      'company.yaml': COMPANY.replace('  - { id: petrov', '  - { id: ivanova2, name: Анна Петрова Иванова, role: sales_director }\n  - { id: petrov'),
      'clients.csv': 'id;name;team.account_manager\nc1;Клиент;Иванова Анна Петрова\n',
    });
    expect(check(dir).config!.clients[0]!.team.account_manager).toBe('ivanova2');
  });
});

describe('small things of real exports', () => {
  it('a contact\'s "Email" and "Phone" columns are its e-mail and phone whatever their case, as "ID" and "Name" are (F6)', () => {
    const { issues, warnings, config } = check(writeConfig({
      'company.yaml': COMPANY.replace(/rules:[^]*$/, ''),
      'clients.csv': 'id;name\nc1;Альфа\n',
      'contacts.csv': 'Client,ID,Name,Role,Email,PHONE\nc1,k1,Ion Popescu,ceo,ion@ap.md,+373 22 000 000\n',
    }));
    expect(issues.map(formatIssue)).toEqual([]);
    expect(warnings).toEqual([]);
    expect(config!.clients[0]!.contacts.map((k) => [k.email, k.phone, k.attributes])).toEqual([['ion@ap.md', '+373 22 000 000', undefined]]);
  });

  it('a date the file writes in a format not read says which are, and how to declare its own; with date_format declared, names it (F5)', () => {
    const company = COMPANY.replace(/rules:[^]*$/, '');
    const plain = check(writeConfig({ 'company.yaml': company, 'clients.csv': 'id;name;since\na1;Альфа;15.01.21\n' }));
    expect(plain.issues.map(formatIssue)).toEqual([
      'clients.csv:2:3: since (client a1): expected a date like 2027-03-15 or 15.03.2027, found "15.01.21": another format is read once the file is declared under imports: with its date_format (date_format: d.M.yy reads this one)',
    ]);
    // 1/5/2021: day first or month first (US Excel), one figure or two (QA: the hint said MM/dd/yyyy, which refuses it).
    expect(check(writeConfig({ 'company.yaml': company, 'clients.csv': 'id;name;since\na1;Альфа;1/5/2021\na2;Бета;nonsense\n' })).issues.map(formatIssue)).toEqual([
      'clients.csv:2:3: since (client a1): expected a date like 2027-03-15 or 15.03.2027, found "1/5/2021": another format is read once the file is declared under imports: with its date_format (date_format: d/M/yyyy (day first) or M/d/yyyy (month first, as US Excel writes) reads it: no day is past 12, so check one whose date you know)',
      'clients.csv:3:3: since (client a2): expected a date like 2027-03-15 or 15.03.2027, found "nonsense": another format is read once the file is declared under imports: with its date_format (like dd.MM.yy or M/d/yyyy)',
    ]);
    // A column of them is one mistake: one error, with the format that reads every cell (QA: one a row, the first hint month first for a column holding 25/03/2021).
    const column = check(writeConfig({ 'company.yaml': company, 'clients.csv': 'id;name;since\na1;A;12/07/2020\na2;B;25/03/2021\na3;C;03/04/2019\na4;D;01/02/2022\na5;E;10/10/2018\n' }));
    expect(column.issues.map(formatIssue)).toEqual([
      'clients.csv:2:3: since (client a1): expected a date like 2027-03-15 or 15.03.2027, found "12/07/2020" and 4 more like it (lines 3, 4, 5, 6): another format is read once the file is declared under imports: with its date_format (date_format: d/M/yyyy reads every one of them)',
    ]);
    // One of them no date at all (30 February): the format that reads the others, said so (review: no hint).
    const impossible = check(writeConfig({ 'company.yaml': company, 'clients.csv': 'id;name;since\na1;A;12/25/2020\na2;B;2/30/2021\na3;C;3/14/2019\n' }));
    expect(impossible.issues.map(formatIssue)).toEqual([
      'clients.csv:2:3: since (client a1): expected a date like 2027-03-15 or 15.03.2027, found "12/25/2020" and 2 more like it (lines 3, 4): another format is read once the file is declared under imports: with its date_format (date_format: M/d/yyyy reads 2 of them; the others are no dates, to mend in the CRM)',
    ]);
    // No day past 12 in any: both orders named, neither chosen.
    const unsure = check(writeConfig({ 'company.yaml': company, 'clients.csv': 'id;name;since\na1;A;12/07/2020\na2;B;03/04/2019\n' }));
    expect(unsure.issues.map(formatIssue)).toEqual([
      'clients.csv:2:3: since (client a1): expected a date like 2027-03-15 or 15.03.2027, found "12/07/2020" and 1 more like it (line 3): another format is read once the file is declared under imports: with its date_format (date_format: d/M/yyyy (day first) or M/d/yyyy (month first, as US Excel writes) reads every one: no day in them is past 12, so check one whose date you know)',
    ]);
    const declared = (format: string, cell: string) => check(writeConfig({
      'company.yaml': company,
      'imports.yaml': `imports:\n  - { file: crm/c.csv, as: clients, columns: { Key: id, Company: name, Since: since }, date_format: ${JSON.stringify(format)} }\n`,
      'crm/c.csv': `Key;Company;Since\nc1;C One;${cell}\n`,
    }));
    expect(declared('M/d/yyyy', '15.01.21').issues.map(formatIssue)).toEqual([
      'crm/c.csv:2:3: since (column "Since") (client c1): expected a date as date_format says (M/d/yyyy), or like 2027-03-15 or 15.03.2027, found "15.01.21", which date_format d.M.yy reads',
    ]);
    expect(declared('MM/dd/yyyy', '12/1/2026 9:05 AM').issues.map(formatIssue)).toEqual([
      'crm/c.csv:2:3: since (column "Since") (client c1): expected a date as date_format says (MM/dd/yyyy), or like 2027-03-15 or 15.03.2027, found "12/1/2026 9:05 AM", which date_format M/d/yyyy reads',
    ]);
    // US Excel's date and time under a format of the date alone.
    const us = declared('M/d/yyyy', '12/1/2026 9:05 AM');
    expect(us.issues).toEqual([]);
    expect(us.config!.clients[0]!.since).toBe('2026-12-01');
  });

  it('a date_format in Excel\'s or moment\'s tokens (DD/MM/YYYY), or minutes for the month, is one error at date_format with the luxon tokens meant, not one per row', () => {
    const declared = (format: string) => check(writeConfig({
      'company.yaml': COMPANY.replace(/rules:[^]*$/, ''),
      'imports.yaml': `imports:\n  - { file: crm/c.csv, as: clients, columns: { Key: id, Company: name, Since: since }, date_format: ${JSON.stringify(format)} }\n`,
      'crm/c.csv': `Key;Company;Since\n${Array.from({ length: 30 }, (_, i) => `c${i};C ${i};01/03/2021`).join('\n')}\n`,
    })).issues.map((i) => [i.file, i.line, i.field, i.found]);
    expect(declared('DD/MM/YYYY')).toEqual([['imports.yaml', 2, 'imports[0].date_format',
      '"DD/MM/YYYY": luxon\'s day and year are d and y in lower case (D is a localised date to it, Y nothing); did you mean "dd/MM/yyyy"?']]);
    expect(declared('dd/mm/yyyy')).toEqual([['imports.yaml', 2, 'imports[0].date_format', '"dd/mm/yyyy": m is the minute to luxon, M the month; did you mean "dd/MM/yyyy"?']]);
    expect(declared('dd/MM/yyyy')).toEqual([]);
  });

  it('Excel\'s "Unicode text" saved as .txt (or a .tsv) is read as a .csv is; another extension is an error that lists those read (F11)', () => {
    const amo = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('client\tid\tname\trole\nc1\tk1\tСергей Кузнецов\tceo\n', 'utf16le')]);
    const run = (file: string) => check(writeConfig({
      'company.yaml': COMPANY.replace(/rules:[^]*$/, ''),
      'clients.csv': 'id;name\nc1;Альфа\n',
      'imports.yaml': `imports:\n  - { file: crm/${file}, as: contacts }\n`,
      [`crm/${file}`]: amo,
    }));
    for (const file of ['contacts.txt', 'Contacts.TXT', 'contacts.tsv', 'contacts.csv']) {
      const read = run(file);
      expect(read.issues, file).toEqual([]);
      expect(read.config!.clients[0]!.contacts.map((k) => k.name), file).toEqual(['Сергей Кузнецов']);
    }
    // The daemon reads the folder's snapshot: the .txt is in it, and read the same.
    const dir = writeConfig({
      'company.yaml': COMPANY.replace(/rules:[^]*$/, ''),
      'clients.csv': 'id;name\nc1;Альфа\n',
      'imports.yaml': 'imports:\n  - { file: crm/contacts.txt, as: contacts }\n',
      'crm/contacts.txt': amo,
    });
    const snapshot = readSnapshot(dir);
    expect([...snapshot.files.keys()].map((f) => relative(dir, f))).toContain(join('crm', 'contacts.txt'));
    expect(checkSnapshot(snapshot).config!.clients[0]!.contacts.map((k) => k.name)).toEqual(['Сергей Кузнецов']);
    expect(run('contacts.xlsx').issues.map(formatIssue)).toEqual([
      'imports.yaml:2:13: imports[0].file (import of crm/contacts.xlsx): expected the path of a delimited text file (.csv, .tsv or .txt) inside the configuration folder, like crm/companies.csv '
        + '(a workbook is not read: save it from Excel as "CSV UTF-8" or "Unicode text"), found "crm/contacts.xlsx"',
    ]);
    expect(run('contacts.dat').issues.map(formatIssue)).toEqual([
      'imports.yaml:2:13: imports[0].file (import of crm/contacts.dat): expected the path of a delimited text file (.csv, .tsv or .txt) inside the configuration folder, like crm/companies.csv, found "crm/contacts.dat"',
    ]);
  });

  it('a .txt that no import declares is not read, and a missing declared one is named with the files there are', () => {
    const { issues, config } = check(writeConfig({
      'company.yaml': COMPANY.replace(/rules:[^]*$/, ''),
      'clients.csv': 'id;name\nc1;Альфа\n',
      'crm/notes.txt': 'whatever\nis written here\n',
    }));
    expect(issues).toEqual([]);
    expect(config!.clients.map((c) => c.id)).toEqual(['c1']);
    const missing = check(writeConfig({
      'company.yaml': COMPANY.replace(/rules:[^]*$/, ''),
      'clients.csv': 'id;name\nc1;Альфа\n',
      'imports.yaml': 'imports:\n  - { file: crm/contact.txt, as: contacts }\n',
      'crm/contacts.txt': 'client\tid\tname\trole\nc1\tk1\tIon\tceo\n',
    }));
    expect(missing.issues.map(formatIssue)).toEqual([
      'imports.yaml:2:13: imports[0].file (import of crm/contact.txt): expected a CSV file of the configuration folder (clients.csv, crm/contacts.txt), found "crm/contact.txt", which does not exist; did you mean "crm/contacts.txt"?',
    ]);
  });
});

describe('letters Excel replaced by "?"', () => {
  const RO = `settings:
  company: Volna SRL
  timezone: Europe/Bucharest
  country: RO
employees:
  - { id: popescu, name: Ion Popescu, role: account_manager }
rules:
  - { id: buyers, ours: account_manager, theirs: buyer, kind: call, every: 1 month, per: contact }
`;
  const rows = (a: string, b: string) => `id;name;team.account_manager\r\nc1;${a};popescu\r\nc2;${b};popescu\r\n`;
  const contacts = 'client;id;name;role\r\nc1;c1-b;Ion Rusu;buyer\r\nc2;c2-b;Dan Lungu;buyer\r\n';

  it('a windows-1250 export whose ș and ț Excel wrote as "?" is read, with a warning naming the first such word and its line', () => {
    // What Excel's "CSV" writes for letters the code page lacks (iconv's replacement is the same "?").
    const dir = writeConfig({ 'touchbase.yaml': RO, 'crm/clients.csv': iconv.encode(rows('Agro Mărăşeşti SRL', 'Construcții Someș SA'), 'windows-1250'), 'crm/contacts.csv': contacts });
    const { config, warnings } = check(dir);
    expect(config?.clients.find((c) => c.id === 'c2')?.name).toBe('Construc?ii Some? SA');
    const warned = warnings.filter((w) => w.message.includes('a "?" in place of a letter'));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ file: 'crm/clients.csv', line: 3 });
    expect(warned[0]!.message).toContain('"Construc?ii"');
    expect(warned[0]!.message).toContain('CSV UTF-8');
  });

  it('an export all in ASCII (read as UTF-8) whose ș and ț Excel wrote as "?" (windows-1252) is warned about too; a web address\'s "?" is not', () => {
    const dir = writeConfig({ 'touchbase.yaml': RO, 'crm/clients.csv': iconv.encode(rows('Agro Marasesti SRL', 'Construcții Someș SRL'), 'windows-1252'), 'crm/contacts.csv': contacts });
    const { config, warnings } = check(dir);
    expect(config?.clients.find((c) => c.id === 'c2')?.name).toBe('Construc?ii Some? SRL');
    const warned = warnings.filter((w) => w.message.includes('a "?" in place of a letter'));
    expect(warned).toEqual([expect.objectContaining({ file: 'crm/clients.csv', line: 3 })]);
    expect(warned[0]!.message).toContain('"Construc?ii": a "?" in place of a letter, as Excel writes a letter its code page has no place for');
    const site = (url: string) => `id;name;team.account_manager;site\r\nc1;Agro SRL;popescu;${url}\r\nc2;Beta SRL;popescu;\r\n`;
    for (const url of ['https://agro.ro/contact?id=12', 'agro.ro/?utm_source=crm']) {
      const plain = writeConfig({ 'touchbase.yaml': RO, 'crm/clients.csv': site(url), 'crm/contacts.csv': contacts });
      expect(check(plain).warnings.filter((w) => w.message.includes('a "?" in place of a letter')), url).toEqual([]);
    }
  });

  it('a Russian name that a windows-1250 export wrote as "?" only is warned about: no letter of it is left to see (QA 2026-12-06)', () => {
    // Romanian Excel's "CSV" has no place for any Cyrillic letter: "ООО «Мосстрой»" comes out as "??? «????????»".
    const dir = writeConfig({ 'touchbase.yaml': RO, 'crm/clients.csv': iconv.encode(rows('Agro Mărăşeşti SRL', 'ООО «Мосстрой»'), 'windows-1250'), 'crm/contacts.csv': contacts });
    const { config, warnings } = check(dir);
    expect(config?.clients.find((c) => c.id === 'c2')?.name).toBe('??? «????????»');
    const warned = warnings.filter((w) => w.message.includes('a "?" in place of a letter'));
    expect(warned).toEqual([expect.objectContaining({ file: 'crm/clients.csv', line: 3 })]);
    expect(warned[0]!.message).toMatch(/^"\?\?\?":/);
    // "What??" or a "?" alone is punctuation.
    const asked = writeConfig({ 'touchbase.yaml': RO, 'crm/clients.csv': iconv.encode(rows('Agro Mărăşeşti SRL', 'Ce?? Da ? SRL'), 'windows-1250'), 'crm/contacts.csv': contacts });
    expect(check(asked).warnings.filter((w) => w.message.includes('a "?" in place of a letter'))).toEqual([]);
  });

  it('with errors, the warning that letters were lost comes after them: it is what explains "?ara", no such column (QA 2026-12-06)', async () => {
    // An import that names its columns as the CRM does: Excel wrote the header's "Ț" as "?".
    const yaml = `${RO}imports:\n  - { file: crm/firme.csv, as: clients, columns: { Cod: id, Denumire: name, Țara: country, Manager: team.account_manager } }\n`;
    const firme = iconv.encode('Cod;Denumire;Țara;Manager\r\nc1;Construcții SA;România;popescu\r\n', 'windows-1250');
    const dir = writeConfig({ 'touchbase.yaml': yaml, 'crm/firme.csv': firme, 'crm/contacts.csv': 'client;id;name;role\r\nc1;c1-b;Ion Rusu;buyer\r\n' });
    const { config, issues, warnings } = check(dir);
    expect(config).toBeUndefined();
    expect(issues.map(formatIssue).join('\n')).toContain('"?ara"');
    expect(warnings).toEqual([expect.objectContaining({ file: 'crm/firme.csv', line: 1, ofText: true })]);
    const r = await cli('validate', '--config', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/error[\s\S]*"\?ara"[\s\S]*how a file was read, which may explain some of them:\n  warning: \S*crm\/firme\.csv:1:\d+: "\?ara": a "\?" in place of a letter/);
  });

  it('a question mark ending a word is no replaced letter', () => {
    const dir = writeConfig({ 'touchbase.yaml': RO, 'crm/clients.csv': iconv.encode(rows('Agro Mărăşeşti SRL', 'Ce mai faci? SRL'), 'windows-1250'), 'crm/contacts.csv': contacts });
    expect(check(dir).warnings.filter((w) => w.message.includes('a "?" in place of a letter'))).toEqual([]);
  });
});

describe('a CRM\'s own codes as ids: 1C\'s "НФ-000123", "CMP-125" (F4)', () => {
  const clients = [
    'id;name;team.account_manager',
    'НФ-000123;ООО «Строймаш»;ivanova',
    'CMP-125;АО «ЮгЭнерго»;sidorov',
    'ЦБ 000127;Construcţii Someş SRL;sidorov',
    'plain-id;ПАО «Уралсталь»;ivanova',
  ].join('\r\n');
  const contacts = [
    'id;client;name;role',
    'К-1;НФ-000123;Сергей Кузнецов;buyer',
    '2;cmp-125;Ольга Белова;buyer',
    '3;ЦБ 000127;Ion Rusu;buyer',
  ].join('\r\n');

  it('are read as ids (lower case, Latin letters, "-"), one warning a column says how each is now named, and contacts find their client by the code', () => {
    const { config, issues, warnings } = check(writeConfig({ 'company.yaml': COMPANY, 'crm/clients.csv': clients, 'crm/contacts.csv': contacts }));
    expect(issues.map(formatIssue)).toEqual([]);
    expect(config!.clients.map((c) => [c.id, c.name, c.contacts.map((p) => p.id)])).toEqual([
      ['nf-000123', 'ООО «Строймаш»', ['k-1']],
      ['cmp-125', 'АО «ЮгЭнерго»', ['2']],
      ['tsb-000127', 'Construcţii Someş SRL', ['3']],
      ['plain-id', 'ПАО «Уралсталь»', []],
    ]);
    expect(warnings.map((w) => `${w.file}:${w.line}:${w.column}: ${w.message}`)).toEqual([
      'crm/clients.csv:2:1: "НФ-000123" (and 2 more rows): a CRM\'s code is read as the id "nf-000123" (lower case, Latin letters, "-" for the rest): name the client so with --client, in YAML and in links',
      'crm/contacts.csv:2:1: "К-1": a CRM\'s code is read as the id "k-1" (lower case, Latin letters, "-" for the rest): name the contact so where an id names it',
    ]);
  });

  it('two codes that come out as one id are the error of an id used twice; a code with nothing to keep is still an error', () => {
    const twice = `${clients}\r\nнф-000123;ООО «Другое»;ivanova\r\n***;Без кода;ivanova`;
    const { issues } = check(writeConfig({ 'company.yaml': COMPANY, 'crm/clients.csv': twice, 'crm/contacts.csv': contacts }));
    expect(issues.map((i) => `${i.line}: ${i.field} (${i.subject}): ${i.expected}, found ${i.found}`)).toEqual([
      // (A value's own mistake before a reference's.)
      '7: id (client ***): an id of lowercase letters, digits, - and _ (like "stroymash-ceo"), found "***"',
      expect.stringMatching(/^6: id \(client нф-000123\): a client id used once \(first at .*crm\/clients\.csv:2\), found "nf-000123"$/),
    ]);
  });
});
