import { describe, expect, it } from 'vitest';
import { join, relative, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { DateTime } from 'luxon';
import { checkConfig } from '../../src/config/load-config.ts';
import { formatIssue } from '../../src/config/config-issue.ts';
import { planTouches } from '../../src/planner/plan.ts';
import { NO_HISTORY } from '../../src/planner/history.ts';
import { writeConfig } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';

function check(dir: string) {
  const result = checkConfig(dir);
  return { ...result, errors: result.issues.map((i) => formatIssue({ ...i, file: relative(dir, resolve(process.cwd(), i.file)) })) };
}

const COMPANY = `settings:
  company: ООО «Волна»
  timezone: Europe/Moscow
  country: RU
employees:
  - { id: ivanova, name: Анна Иванова, role: account_manager }
  - { id: sidorov, name: Павел Сидоров, role: account_manager }
rules:
  - { id: buyers, ours: account_manager, theirs: buyer, kind: call, every: 1 month, per: contact }
  - { id: ceo, ours: account_manager, theirs: ceo, kind: letter, every: 3 months }
`;

const IMPORTS = `imports:
  - file: crm/clients-with-contacts.csv
    as: clients
    columns:
      Код компании: id
      Компания: name
      Ответственный: team.account_manager
      ИНН: attributes.inn
  - file: crm/clients-with-contacts.csv
    as: contacts
    columns:
      Код контакта: id
      Код компании: client
      Имя: name
      Фамилия: name
      Должность: role
    values:
      role: { Генеральный директор: ceo, Менеджер по закупкам: buyer }
`;

const HEADER = 'Код компании;Компания;Ответственный;ИНН;Код контакта;Имя;Фамилия;Должность;Email;Комментарий';
const ROWS = [
  '101;ООО «Строймаш»;Анна Иванова;7701234567;5001;Сергей;Кузнецов;Генеральный директор;s.k@stroymash.example;звонить после 10',
  '101;ООО «Строймаш»;Анна Иванова;7701234567;5002;Ольга;Белова;Менеджер по закупкам;o.b@stroymash.example;',
  '102;АО «ЮгЭнерго»;Павел Сидоров;2312345678;5003;Игорь;Орлов;Генеральный директор;;',
  '101;ООО «Строймаш»;Анна Иванова;7701234567;5004;Нина;Зуева;Менеджер по закупкам;;в отпуске до марта',
  // A company without contacts: its row alone, the contact's cells empty.
  '103;ПАО «Уралсталь»;Павел Сидоров;6658123456;;;;;;',
];

/** As Russian Excel saves it: windows-1251, ";", CRLF. */
const excel = (lines: readonly string[]) => iconv.encode([HEADER, ...lines].join('\r\n'), 'win1251');

/**
 * One export of companies with their contacts ("список клиентов с контактными лицами"): a row
 * per contact, the company's columns repeated. Declared twice under imports: (QA CRM F2).
 */
describe('a combined export of companies and their contacts (one row per contact)', () => {
  it('is one client per company, with every contact of its rows, and plans for each', () => {
    const dir = writeConfig({ 'company.yaml': COMPANY + IMPORTS, 'crm/clients-with-contacts.csv': excel(ROWS) });
    const { config, errors } = check(dir);
    expect(errors).toEqual([]);
    expect(config!.clients.map((c) => [c.id, c.name, c.team.account_manager, c.attributes?.inn, c.contacts.map((p) => `${p.id} ${p.name} ${p.role}`)])).toEqual([
      ['101', 'ООО «Строймаш»', 'ivanova', '7701234567', ['5001 Сергей Кузнецов ceo', '5002 Ольга Белова buyer', '5004 Нина Зуева buyer']],
      ['102', 'АО «ЮгЭнерго»', 'sidorov', '2312345678', ['5003 Игорь Орлов ceo']],
      ['103', 'ПАО «Уралсталь»', 'sidorov', '6658123456', []],
    ]);
    // A contact's own columns are not the company's attributes; the company's are not the contact's.
    expect(Object.keys(config!.clients[0]!.attributes ?? {})).toEqual(['inn']);
    expect({ ...config!.clients[0]!.contacts[0]!.attributes }).toEqual({ Комментарий: 'звонить после 10' });
    expect(config!.clients[0]!.contacts[0]!.email).toBe('s.k@stroymash.example');
    const now = DateTime.fromISO('2027-01-11T09:00:00', { zone: 'Europe/Moscow' });
    const { touches } = planTouches(config!, NO_HISTORY, { from: '2027-01-11', to: '2027-01-31' }, now);
    const calls = touches.filter((t) => t.source === 'rule:buyers').map((t) => `${t.client} ${t.contacts.join(',')}`).sort();
    expect(calls).toEqual(['101 5002', '101 5004']);
  });

  it('validate says the encoding of the file read twice once, and a warning about its text once', async () => {
    const dir = writeConfig({ 'company.yaml': COMPANY + IMPORTS, 'crm/clients-with-contacts.csv': excel(ROWS.map((r) => r.replace('Кузнецов', 'Кузне?ов'))) });
    const r = await cli('validate', '--config', dir);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter((l) => l.includes('clients-with-contacts.csv'))).toEqual([
      expect.stringMatching(/clients-with-contacts\.csv: .*windows-1251$/),
      expect.stringMatching(/clients-with-contacts\.csv:2:\d+: "Кузне\?ов": a "\?" in place of a letter/),
    ]);
  });

  it('a company whose repeated rows disagree is one error per field, at the first row that differs', () => {
    const rows = [...ROWS];
    rows[1] = rows[1]!.replace('Анна Иванова', 'Павел Сидоров');
    rows[3] = rows[3]!.replace('Анна Иванова', 'Павел Сидоров');
    const dir = writeConfig({ 'company.yaml': COMPANY + IMPORTS, 'crm/clients-with-contacts.csv': excel(rows) });
    const { config, errors } = check(dir);
    expect(config).toBeUndefined();
    expect(errors).toEqual([
      'crm/clients-with-contacts.csv:3:3: team.account_manager (column "Ответственный") (client 101): expected the same as line 2 for client "101" (a combined export repeats a company on each of its contacts\' rows), found "Павел Сидоров", where line 2 has "Анна Иванова"',
    ]);
  });

  it('a file declared twice as the same thing is still an error', () => {
    const twice = `${IMPORTS}  - { file: crm/clients-with-contacts.csv, as: clients, columns: { Код компании: id, Компания: name } }\n`;
    const dir = writeConfig({ 'company.yaml': COMPANY + twice, 'crm/clients-with-contacts.csv': excel(ROWS) });
    const { errors } = check(dir);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^company\.yaml:\d+:\d+: imports\[2\]\.file \(import of crm\/clients-with-contacts\.csv\): expected each file imported once \(or, a combined export of companies and their contacts, once as clients and once as contacts\), found "crm\/clients-with-contacts\.csv" a second time as clients$/);
  });

  it('declared as clients alone, a company per contact row is one error per repeated company, naming its rows', () => {
    const clientsOnly = IMPORTS.slice(0, IMPORTS.indexOf('  - file: crm/clients-with-contacts.csv\n    as: contacts'));
    const dir = writeConfig({ 'company.yaml': COMPANY + clientsOnly.replace('      ИНН: attributes.inn\n', '      ИНН: attributes.inn\n      Код контакта: ignore\n      Имя: ignore\n      Фамилия: ignore\n      Должность: ignore\n      Email: ignore\n      Комментарий: ignore\n'), 'crm/clients-with-contacts.csv': excel(ROWS) });
    const { errors } = check(dir);
    // Company 101 repeated on lines 3 and 5: one mistake (the file is not one row per company).
    const repeated = errors.filter((e) => e.includes('a client id used once'));
    expect(repeated).toHaveLength(1);
    expect(repeated[0]).toMatch(/^crm\/clients-with-contacts\.csv:3:1: id \(column "Код компании"\) \(client 101\): expected a client id used once \(first at .*:2\), found "101" \(the same in 1 more row: line 5\)$/);
  });
});
