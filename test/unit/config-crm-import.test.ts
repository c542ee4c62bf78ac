import { describe, expect, it } from 'vitest';
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join, relative, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { DateTime } from 'luxon';
import { checkConfig, checkSnapshot } from '../../src/config/load-config.ts';
import { formatIssue, formatWarning } from '../../src/config/config-issue.ts';
import { readSnapshot, snapshotHash, type ConfigSnapshot } from '../../src/config/snapshot.ts';
import { planTouches } from '../../src/planner/plan.ts';
import { NO_HISTORY } from '../../src/planner/history.ts';
import { writeConfig } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';

function check(dir: string) {
  const result = checkConfig(dir);
  const rel = <T extends { file: string }>(x: T) => ({ ...x, file: relative(dir, resolve(process.cwd(), x.file)) });
  return { ...result, issues: result.issues.map(rel), warnings: result.warnings.map(rel), encodings: result.encodings.map(rel) };
}

const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf16le')]);
const utf16be = (text: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf16be')]);

const RUSSIAN_COMPANY = `settings:
  company: ООО «Волна»
  timezone: Europe/Moscow
  country: RU
employees:
  - { id: ivanova, name: Анна Иванова, email: a.ivanova@volna.example, role: account_manager }
  - { id: sidorov, name: Павел Сидоров, email: p.sidorov@volna.example, role: account_manager }
  - { id: petrov, name: Иван Петров, role: sales_director }
rules:
  - id: buyers
    ours: account_manager
    theirs: buyer
    kind: call
    every: 1 month
    per: contact
    title: "{client.name} (ИНН {client.inn}): звонок {contacts}"
  - { id: south, ours: sales_director, theirs: ceo, kind: letter, every: 3 months, for: { attributes: { region: [Юг] } } }
`;

/** A Bitrix24 company export as Russian Excel saves it: windows-1251, ";", dates as dd.MM.yyyy HH:mm:ss. */
const BITRIX_COMPANIES = [
  'ID;Название компании;Тип компании;Сфера деятельности;Ответственный;Дата создания;ИНН;Регион;Телефон;Комментарий',
  '101;ООО «Строймаш»;Клиент;Строительство;Анна Иванова;15.03.2021 10:22:31;7701234567;Центр;+7 495 123-45-67;ключевой клиент',
  '102;АО «ЮгЭнерго»;Клиент;Энергетика;Павел Сидоров;01.12.2022 09:00:00;2312345678;Юг;+7 861 234-56-78;',
  '103;ПАО «Уралсталь»;Бывший клиент;Производство;p.sidorov@volna.example;09.09.2019 16:45:00;6658123456;Урал;;"долг; ждём оплату"',
].join('\r\n');

/** An amoCRM contact export saved by Excel as "Unicode text": UTF-16LE with a BOM, tab-separated. */
const AMO_CONTACTS = [
  'ID\tИмя\tФамилия\tКомпания\tДолжность\tРабочий email\tРабочий телефон\tТеги',
  '5001\tСергей\tКузнецов\tООО «Строймаш»\tГенеральный директор\ts.kuznetsov@stroymash.example\t+7 495 111-22-33\tVIP',
  '5002\tОксана\tСмирнова\tООО «Строймаш»\tМенеджер по закупкам\to.smirnova@stroymash.example\t\t',
  '5003\tДенис\tВолков\tАО «ЮгЭнерго»\tГенеральный директор\td.volkov@yugenergo.example\t\t',
  '5004\tИрина\tВиноградова\tАО «ЮгЭнерго»\tМенеджер по закупкам\ti.vinogradova@yugenergo.example\t\t',
].join('\r\n');

const RUSSIAN_IMPORTS = `imports:
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
      Регион: attributes.region
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
      Рабочий телефон: phone
    values:
      role: { Генеральный директор: ceo, Менеджер по закупкам: buyer }
`;

describe('CRM exports as they are', () => {
  it('a Bitrix24 export in windows-1251 and an amoCRM export in UTF-16 are used unchanged: Cyrillic intact, columns mapped, extra columns kept', () => {
    const dir = writeConfig({
      'company.yaml': RUSSIAN_COMPANY,
      'imports.yaml': RUSSIAN_IMPORTS,
      'crm/bitrix-companies.csv': iconv.encode(BITRIX_COMPANIES, 'win1251'),
      'crm/amo-contacts.csv': utf16le(AMO_CONTACTS),
    });
    const { config, issues, encodings } = check(dir);
    expect(issues.map(formatIssue)).toEqual([]);
    expect(encodings).toEqual([
      { file: 'crm/bitrix-companies.csv', encoding: 'windows-1251' },
      { file: 'crm/amo-contacts.csv', encoding: 'utf-16le' },
    ]);
    const clients = config!.clients.map((c) => ({
      id: c.id, name: c.name, stage: c.stage, industry: c.industry, since: c.since, manager: c.team.account_manager,
      attributes: { ...c.attributes }, contacts: c.contacts.map((k) => `${k.name} (${k.role})`),
    }));
    expect(clients).toEqual([
      { id: '101', name: 'ООО «Строймаш»', stage: 'active', industry: 'construction', since: '2021-03-15', manager: 'ivanova',
        attributes: { inn: '7701234567', region: 'Центр', Телефон: '+7 495 123-45-67', Комментарий: 'ключевой клиент' },
        contacts: ['Сергей Кузнецов (ceo)', 'Оксана Смирнова (buyer)'] },
      { id: '102', name: 'АО «ЮгЭнерго»', stage: 'active', industry: 'energy', since: '2022-12-01', manager: 'sidorov',
        attributes: { inn: '2312345678', region: 'Юг', Телефон: '+7 861 234-56-78' },
        contacts: ['Денис Волков (ceo)', 'Ирина Виноградова (buyer)'] },
      { id: '103', name: 'ПАО «Уралсталь»', stage: 'lapsed', industry: 'manufacturing', since: '2019-09-09', manager: 'sidorov',
        attributes: { inn: '6658123456', region: 'Урал', Комментарий: 'долг; ждём оплату' },
        contacts: [] },
    ]);
    expect(config!.clients[0]!.contacts[0]!.attributes).toEqual(Object.assign(Object.create(null), { Теги: 'VIP' }));

    // Attributes in titles and selectors.
    const touches = planTouches(config!, NO_HISTORY, { from: '2027-03-01', to: '2027-03-31' }, DateTime.fromISO('2027-03-01T08:00:00+03:00'));
    expect(touches.touches.filter((t) => t.source === 'rule:buyers').map((t) => t.title).sort()).toEqual([
      'АО «ЮгЭнерго» (ИНН 2312345678): звонок Ирина Виноградова',
      'ООО «Строймаш» (ИНН 7701234567): звонок Оксана Смирнова',
    ]);
    expect(touches.touches.filter((t) => t.source === 'rule:south').map((t) => t.client)).toEqual(['102']);
  });

  it('a team cell written right beside a misspelling mapped under values: gets no warning pointing at the misspelling (QA)', () => {
    const team = 'settings: { company: T, country: MD, timezone: Europe/Chisinau }\nemployees:\n  - { id: popescu, name: Ştefan Popescu, role: account_manager }\n'
      + 'imports:\n  - file: firme.csv\n    as: clients\n    values:\n      team.account_manager: { "?tefan Popescu": popescu }\n';
    const { config, issues, warnings } = check(writeConfig({ 'a.yaml': team, 'firme.csv': 'id;name;team.account_manager\nc1;Unu;?tefan Popescu\nc2;Doi;Ştefan Popescu\n' }));
    expect(issues).toEqual([]);
    expect(warnings.filter((w) => w.message.includes('none of the CRM'))).toEqual([]);
    expect(config!.clients.map((c) => c.team.account_manager)).toEqual(['popescu', 'popescu']);
  });

  it('a cell of a field with fixed values in Excel\'s case is that value: Active is active, ro is RO (QA retest: one cell refused the whole configuration)', () => {
    const team = 'settings: { company: T, country: RU, timezone: Europe/Moscow }\nemployees:\n  - { id: ivanova, name: Анна Иванова, role: account_manager }\n';
    const { config, issues } = check(writeConfig({ 'a.yaml': team, 'clients.csv': 'id;name;Stage;Country;since\nc1;One;Active;ro;2021-01-01\nc2;Two;LAPSED;Md;2021-01-01\n' }));
    expect(issues).toEqual([]);
    expect(config!.clients.map((c) => [c.id, c.stage, c.country])).toEqual([['c1', 'active', 'RO'], ['c2', 'lapsed', 'MD']]);
  });

  it('a CRM\'s word under values: written as a number (01: B) is an error at the word, with the quotes to write (QA: read as 1, silently)', () => {
    const yaml = 'settings: { company: T, country: RU, timezone: Europe/Moscow }\nemployees:\n  - { id: ivanova, name: Анна Иванова, role: account_manager }\n'
      + 'imports:\n  - file: crm.csv\n    as: clients\n    values:\n      tier: { 01: B, "02": C, 3: A }\n';
    const { issues } = check(writeConfig({ 'a.yaml': yaml, 'crm.csv': 'id;name;tier\nc1;One;01\nc2;Two;02\n' }));
    expect(issues.map((i) => [i.line, i.found])).toEqual([[8, '01, a number to YAML that reads as 1: write it in quotes, as "01"']]);
  });

  it('a quote opened and never closed is one error where it opens (not at the file\'s end), in plain words', () => {
    const { issues } = check(writeConfig({ 'a.yaml': RUSSIAN_COMPANY, 'clients.csv': 'id;name;since\nc1;"ООО Ромашка;2021-03-01\nc2;ООО Лютик;2021-03-01\n' }));
    expect(issues.map((i) => [i.file, i.line, i.column, i.field])).toEqual([['clients.csv', 2, 2, 'name']]);
    expect(formatIssue(issues[0]!)).toContain('found a quote that opens here and is never closed');
    expect(formatIssue(issues[0]!)).not.toMatch(/Quote Not Closed|parsing is finished/);
  });

  it('a header in Excel\'s case ("ID", "Name", "Country", "Team.account_manager") names the fields; other columns keep their name (QA: "Country" as an attribute planned Romanian clients as Russian, silently)', () => {
    const team = 'settings: { company: T, country: RU, timezone: Europe/Moscow }\nemployees:\n  - { id: ivanova, name: Анна Иванова, role: account_manager }\n  - { id: petrov, name: Иван Петров, role: account_manager }\n';
    const { config, issues } = check(writeConfig({ 'a.yaml': team, 'clients.csv': 'ID;Name;Since;Team.account_manager;INN;Country;Timezone\nc1;ООО Ромашка;2021-03-01;ivanova;7701;RO;Europe/Bucharest\n' }));
    expect(issues).toEqual([]);
    expect(config!.clients.map((c) => [c.id, c.name, c.since, c.team.account_manager, c.attributes?.INN, c.attributes?.Country, c.country, c.timezone])).toEqual([['c1', 'ООО Ромашка', '2021-03-01', 'ivanova', '7701', undefined, 'RO', 'Europe/Bucharest']]);
    // A country's name there is the field's mistake, said with the code meant (an attribute, it was silently no country at all).
    const named = check(writeConfig({ 'a.yaml': team, 'clients.csv': 'ID;Name;since;Country\nc1;ООО Ромашка;2021-03-01;Россия\n' }));
    expect(named.issues.map((i) => [i.field, i.found])).toEqual([['country (column "Country")', '"Россия"; did you mean "RU"?']]);
  });

  it('validate says how each CSV file was read', async () => {
    const dir = writeConfig({
      'company.yaml': RUSSIAN_COMPANY,
      'imports.yaml': RUSSIAN_IMPORTS,
      'crm/bitrix-companies.csv': iconv.encode(BITRIX_COMPANIES, 'win1251'),
      'crm/amo-contacts.csv': utf16le(AMO_CONTACTS),
    });
    const r = await cli('validate', '--config', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/crm\/bitrix-companies\.csv: read as windows-1251\n/);
    expect(r.out).toMatch(/crm\/amo-contacts\.csv: read as utf-16le\n/);
  });

  it.each([
    ['UTF-8 without a BOM', (t: string) => Buffer.from(t), 'utf-8', 'Юг Энерго ООО'],
    ['UTF-8 with a BOM', (t: string) => Buffer.from(`\ufeff${t}`), 'utf-8 (with BOM)', 'Юг Энерго ООО'],
    ['UTF-16 LE with a BOM', utf16le, 'utf-16le', 'Юг Энерго ООО'],
    ['UTF-16 BE with a BOM', utf16be, 'utf-16be', 'Юг Энерго ООО'],
    ['windows-1251 (Russian Excel)', (t: string) => iconv.encode(t, 'win1251'), 'windows-1251', 'Юг Энерго ООО'],
    ['windows-1250 (Romanian Excel)', (t: string) => iconv.encode(t, 'win1250'), 'windows-1250', 'Construcţii Braşov SRL'],
    // Letters next to each other all accented: runs of high bytes, as Cyrillic makes.
    ['windows-1250, names like Ţăran and Ţâru', (t: string) => iconv.encode(t, 'win1250'), 'windows-1250', 'Ţăran Ţâru Vasile'],
    ['windows-1252 (Western Excel)', (t: string) => iconv.encode(t, 'win1252'), 'windows-1252', 'Müller Straßenbau GmbH'],
    // Russian Excel's "CSV (MS-DOS)": read as windows-1251, "Иван Петров" was "€ў ­ ЏҐва®ў" (QA).
    ['cp866 (Russian Excel, CSV MS-DOS)', (t: string) => iconv.encode(t, 'cp866'), 'cp866', 'Иван Петров'],
    ['cp866, capitals only', (t: string) => iconv.encode(t, 'cp866'), 'cp866', 'ООО Ромашка'],
  ])('a clients.csv in %s is read with its letters intact', (_what, encode, encoding, name) => {
    const dir = writeConfig({
      'a.yaml': 'settings: { company: T, country: RU, timezone: Europe/Moscow }\n',
      'clients.csv': encode(`id;name;city\nc1;${name};Краснодар Ñ\nc2;Second ${name.split(' ')[0]};x\n`.replace('Краснодар Ñ', encoding.startsWith('windows-125') && encoding !== 'windows-1251' ? 'Bucureşti' : encoding === 'windows-1251' || encoding === 'cp866' ? 'Краснодар' : 'Краснодар Ñ')),
    });
    const { config, issues, encodings } = check(dir);
    expect(issues.map(formatIssue)).toEqual([]);
    expect(encodings).toEqual([{ file: 'clients.csv', encoding }]);
    expect(config!.clients[0]!.name).toBe(name);
  });

  it('a Western Excel export whose letters the Romanian code page has too (João, Grão) is read as windows-1252 with a warning that shows the guess; a Romanian one with ș and ț has none', () => {
    const western = writeConfig({
      'a.yaml': 'settings: { company: T, country: PT, timezone: Europe/Lisbon }\n',
      'clients.csv': iconv.encode('id;name\nc1;João Silva Lda\nc2;Grão Vasco SA\n', 'win1252'),
    });
    const read = check(western);
    expect(read.config!.clients.map((c) => c.name)).toEqual(['João Silva Lda', 'Grão Vasco SA']);
    expect(read.warnings).toEqual([expect.objectContaining({ file: 'clients.csv', line: 2, column: 6,
      message: 'is not UTF-8: read as windows-1252, which makes "João" of this line\'s text; if that is not what it says, save the file as UTF-8, or declare its encoding under imports:' })]);
    const romanian = writeConfig({
      'a.yaml': 'settings: { company: T, country: RO, timezone: Europe/Bucharest }\n',
      'clients.csv': iconv.encode('id;name\nc1;Construcţii Braşov SRL\nc2;Târgu Mureş SA\n', 'win1250'),
    });
    expect(check(romanian).warnings).toEqual([]);
    // ă alone, the byte of Portuguese ã: where it stands (not before o or e) makes it Romanian (QA: "Rãzvan Bãlan").
    const breve = writeConfig({
      'a.yaml': 'settings: { company: T, country: RO, timezone: Europe/Bucharest }\n',
      'clients.csv': iconv.encode('id;name\nc1;Răzvan Bălan\nc2;Ioana Dănilă\nc3;Cătălin Pârvu\n', 'win1250'),
    });
    const read2 = check(breve);
    expect(read2.encodings).toEqual([{ file: 'clients.csv', encoding: 'windows-1250' }]);
    expect(read2.config!.clients.map((c) => c.name)).toEqual(['Răzvan Bălan', 'Ioana Dănilă', 'Cătălin Pârvu']);
  });

  it('windows-1251 text is not taken for cp866, nor Latin text for either', () => {
    const read = (bytes: Buffer) => check(writeConfig({ 'a.yaml': 'settings: { company: T, country: RU, timezone: Europe/Moscow }\n', 'clients.csv': bytes }));
    // "К°" (& Co.) and Ё read as cp866 make whole Cyrillic words too: the box-drawing signs of the capitals decide.
    const russian = read(iconv.encode('id;name\nc1;Ёж и К°\nc2;ООО Ромашка\n', 'win1251'));
    expect(russian.encodings).toEqual([{ file: 'clients.csv', encoding: 'windows-1251' }]);
    expect(russian.config!.clients.map((c) => c.name)).toEqual(['Ёж и К°', 'ООО Ромашка']);
    const french = read(iconv.encode('id;name\nc1;Café à la Carte\nc2;Müller Söhne\n', 'win1252'));
    expect(french.encodings).toEqual([{ file: 'clients.csv', encoding: 'windows-1252' }]);
    // A Latin file's lone symbols are single Cyrillic letters in cp866 (review: "Acme Ц London").
    for (const [text, encoding] of [
      ['id;name;note\nc1;Acme – London;100 €\nc2;Say “hi”;• call\n', 'win1252'],
      ['id;name;note\nc1;Acme\u00a0Ltd;1\u00a0000 €\n', 'win1252'],
      ['id;name;note\nc1;Ţepeş SRL;100 €\n', 'win1250'],
    ] as const) {
      const latin = read(iconv.encode(text, encoding));
      expect(latin.encodings[0]!.encoding, text).toBe(encoding === 'win1252' ? 'windows-1252' : 'windows-1250');
      expect(latin.config!.clients[0]!.name).toBe(text.split('\n')[1]!.split(';')[1]);
    }
    // Portuguese ã at a word's end or before s stays Portuguese (review: "Irmă Dulce").
    const portuguese = read(iconv.encode('id;name\nc1;Irmã Dulce\nc2;Maçã Verde\nc3;Irmãs Lda\n', 'win1252'));
    expect(portuguese.encodings).toEqual([{ file: 'clients.csv', encoding: 'windows-1252' }]);
    expect(portuguese.config!.clients.map((c) => c.name)).toEqual(['Irmã Dulce', 'Maçã Verde', 'Irmãs Lda']);
  });

  it.each([
    ['binary data', Buffer.concat([Buffer.from('id;name\nc1;A\n'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x0d, 0x0a])]), 3, 'binary data (a NUL byte): this is not a text file'],
    ['replacement characters from an earlier bad conversion', Buffer.from('id;name\nc1;A\nc2;\ufffd\ufffd\ufffd \ufffd\ufffd\ufffd\n'), 3, 'a replacement character (U+FFFD, shown as �) read as utf-8: the text was damaged by an earlier conversion, or is in another encoding'],
    ['a file put together from two encodings', Buffer.concat([Buffer.from('id;name\nc1;Юг Энерго\nc2;Уралсталь\n'), iconv.encode('c3;Сибирь Энерго\n', 'win1251')]), 4, 'line 4 is not UTF-8 while line 2 is: the file mixes encodings (save it again as UTF-8)'],
    ['KOI8-R', iconv.encode('id;name\nc1;Юг Энерго ООО\nc2;Уральская Сталь\n', 'koi8-r'), 1, 'KOI8-R, which touchbase does not read (save as UTF-8 or windows-1251)'],
    ['UTF-16 without its byte-order mark', iconv.encode('id;name\nc1;Юг Энерго\n', 'utf16le'), 1, 'UTF-16 without a byte-order mark (save it again as "Unicode text" or as UTF-8)'],
  ])('implausible text is refused with the file and line: %s', (_what, bytes, line, found) => {
    const dir = writeConfig({ 'a.yaml': 'settings: { company: T, country: RU, timezone: Europe/Moscow }\n', 'clients.csv': bytes });
    const { issues } = check(dir);
    expect(issues).toEqual([expect.objectContaining({ file: 'clients.csv', line, rank: 0, found })]);
  });

  it('extra columns of a plain clients.csv are attributes for selectors and titles; a near-miss of a field name is a warning', () => {
    const dir = writeConfig({
      'a.yaml': `settings: { company: T, country: RU, timezone: Europe/Moscow }
employees: [{ id: am, name: A M, role: account_manager }]
rules:
  - { id: south-letters, ours: account_manager, theirs: buyer, kind: letter, every: 1 month, for: { attributes: { region: [south] } }, title: "{client.name} {client.inn} {contact.position}" }
`,
      'clients.csv': 'id,name,inn,region,tierr\nc1,C One,7701234567,south,A\nc2,C Two,2312345678,north,B\n',
      'contacts.csv': 'client,id,name,role,position\nc1,k1,K One,buyer,Head of purchasing\nc2,k2,K Two,buyer,Buyer\n',
    });
    const { config, issues, warnings } = check(dir);
    expect(issues.map(formatIssue)).toEqual([]);
    expect(warnings.map(formatWarning)).toEqual(['clients.csv:1:5: tierr: this column is kept as the attribute "tierr"; did you mean the field "tier"? (name it so, or map it under imports: columns)']);
    const touches = planTouches(config!, NO_HISTORY, { from: '2027-03-01', to: '2027-03-31' }, DateTime.fromISO('2027-03-01T08:00:00+03:00')).touches;
    expect(touches.map((t) => t.title)).toEqual(['C One 7701234567 Head of purchasing']);

    const typo = check(writeConfig({
      'a.yaml': 'settings: { company: T, country: RU, timezone: Europe/Moscow }\nemployees: [{ id: am, name: A M, role: account_manager }]\nrules:\n  - { id: r, ours: account_manager, theirs: buyer, kind: letter, every: 1 month, title: "{client.nn}" }\n',
      'clients.csv': 'id,name,inn\nc1,C One,7701234567\n',
    }));
    expect(typo.issues.map((i) => [i.field, i.found])).toEqual([['rules[0].title', '{client.nn}; did you mean {client.inn}?']]);
  });

  it('a CRM\'s free-text column (a comment of several lines or over 200 characters) does not refuse the export: the cell is left out with one warning a column; "ignore" leaves a column out; a repeated column is one attribute', () => {
    const long = 'Звонить после 14:00. '.repeat(12).trim();
    const companies = [
      'ID;Название компании;Ответственный;Телефон;Телефон;Комментарий;Заметки',
      '101;ООО «Строймаш»;Анна Иванова;+7 495 123-45-67;+7 916 000-00-01;"Звонить после 14:00;\r\nсекретарь Мария";x',
      `102;АО «ЮгЭнерго»;Павел Сидоров;;+7 861 234-56-78;${long};"две\nстроки"`,
      '103;ПАО «Уралсталь»;Павел Сидоров;;;коротко;',
    ].join('\r\n');
    const imports = (columns: string) => `imports:\n  - file: crm/companies.csv\n    as: clients\n    columns:\n      ID: id\n      Название компании: name\n      Ответственный: team.account_manager\n${columns}`;
    const company = RUSSIAN_COMPANY.replace(' (ИНН {client.inn})', '');
    const dir = writeConfig({ 'company.yaml': company, 'imports.yaml': imports(''), 'crm/companies.csv': iconv.encode(companies, 'win1251') });
    const { config, issues, warnings } = check(dir);
    expect(issues.map(formatIssue)).toEqual([]);
    expect(config!.clients.map((c) => ({ ...c.attributes }))).toEqual([
      { Телефон: '+7 495 123-45-67, +7 916 000-00-01', Заметки: 'x' },
      { Телефон: '+7 861 234-56-78' },
      { Комментарий: 'коротко' },
    ]);
    expect(warnings.filter((w) => w.file.endsWith('.csv')).map(formatWarning)).toEqual([
      expect.stringMatching(/^crm\/companies\.csv:2:6: Комментарий: "Звонить после 14:00;.*" \(and 1 more row\): text longer than 200 characters or on several lines is not kept as the attribute "Комментарий" \(the rest of the row is read\); if the column is not needed, leave it out under imports: columns: "Комментарий": ignore$/),
      expect.stringMatching(/^crm\/companies\.csv:4:7: Заметки: "две.*строки": text longer than 200 characters/),
    ]);

    // Left out by the mapping: neither kept nor warned about, and a column the export no longer has is no error.
    const ignored = check(writeConfig({
      'company.yaml': company, 'imports.yaml': imports('      Комментарий: ignore\n      Заметки: ignore\n      Телефон: ignore\n      Источник: ignore\n'),
      'crm/companies.csv': iconv.encode(companies, 'win1251'),
    }));
    expect(ignored.issues.map(formatIssue)).toEqual([]);
    expect(ignored.warnings.filter((w) => w.file.endsWith('.csv')).map(formatWarning)).toEqual([]);
    expect(ignored.config!.clients.map((c) => c.attributes)).toEqual([undefined, undefined, undefined]);

    // A title that names the attribute shows nothing for a row whose text was left out, as for a row without it.
    const titled = check(writeConfig({
      'company.yaml': RUSSIAN_COMPANY.replace('(ИНН {client.inn})', '{client.Комментарий}'),
      'imports.yaml': imports(''), 'crm/companies.csv': iconv.encode(companies, 'win1251'),
    }));
    expect(titled.issues.map(formatIssue)).toEqual([]);
  });

  it('clients of a home country with no timezone, the company\'s not being one of their country\'s, are one warning per country (QA: a Chisinau company\'s clients in Russia took Chisinau\'s hours)', () => {
    const yaml = 'settings: { company: T, country: MD, timezone: Europe/Chisinau }\nemployees: [{ id: am, name: A M, role: account_manager }]\n';
    const csv = 'id;name;country;timezone\nc1;Unu;RU;\nc2;Doi;RU;\nc3;Trei;RU;Europe/Moscow\nc4;Patru;MD;\nc5;Cinci;RO;\nc6;Sase;DE;\n';
    const { issues, warnings } = check(writeConfig({ 'a.yaml': yaml, 'clients.csv': csv }));
    expect(issues.map(formatIssue)).toEqual([]);
    expect(warnings.map(formatWarning)).toEqual([
      'clients.csv:2:4: timezone (client c1): 2 clients in RU (c1, c2) have no timezone and take the company\'s, Europe/Chisinau, which is not RU\'s: their meetings are placed in Europe/Chisinau\'s hours; give each its zone (timezone: Europe/Moscow, or a column "timezone" in the CSV)',
      'clients.csv:6:4: timezone (client c5): 1 client in RO (c5) has no timezone and takes the company\'s, Europe/Chisinau, which is not RO\'s: their meetings are placed in Europe/Chisinau\'s hours; give each its zone (timezone: Europe/Bucharest, or a column "timezone" in the CSV)',
    ]);
  });

  it('Excel\'s "sep=;" first line names the separator and is not the header (with or without quotes in the file, with a byte-order mark)', () => {
    const yaml = 'settings: { company: T, country: RO, timezone: Europe/Bucharest }\nemployees: [{ id: am, name: A M, role: account_manager }]\n';
    const plain = 'sep=;\r\nid;name;oraș\r\nc1;Client Unu SRL;Iași\r\nc2;Client Doi, SA;Cluj\r\n';
    for (const csv of [plain, `\ufeff${plain}`, plain.replace('Client Doi, SA', '"Client ""Doi"", SA"'), `\ufeff${plain.replace('sep=;', 'sep=;;;')}`]) {
      const { config, issues, warnings } = check(writeConfig({ 'a.yaml': yaml, 'clients.csv': csv }));
      expect(issues.map(formatIssue)).toEqual([]);
      expect(warnings.map(formatWarning)).toEqual([]);
      expect(config!.clients.map((c) => [c.id, c.name, c.attributes?.oraș])).toEqual([['c1', 'Client Unu SRL', 'Iași'], ['c2', csv.includes('""') ? 'Client "Doi", SA' : 'Client Doi, SA', 'Cluj']]);
    }
    // A mistake in such a file is at the line an editor shows.
    const broken = check(writeConfig({ 'a.yaml': yaml, 'clients.csv': 'sep=,\nid,name\nc1,C One\n***,C Two\n' }));
    expect(broken.issues.map((i) => [i.file, i.line, i.field])).toEqual([['clients.csv', 4, 'id']]);
    // A stray quote names its column from the header, not from the "sep=" line.
    const quoted = check(writeConfig({ 'a.yaml': yaml, 'clients.csv': 'sep=;\nid;name\nc1;"C One"\nc2;C "Two"\n' }));
    expect(quoted.issues.map((i) => [i.file, i.line, i.field])).toEqual([['clients.csv', 4, 'name']]);
  });

  it('a contact role no rule names but one nearly does ("CEO", "Commercial director") is one warning a role at its first contact; a role nothing is near is as meant', () => {
    const dir = writeConfig({
      'a.yaml': `settings: { company: T, country: RU, timezone: Europe/Moscow }
employees: [{ id: am, name: A M, role: account_manager }]
rules:
  - { id: r1, ours: account_manager, theirs: [ceo, commercial_director], kind: call, every: 1 month }
  - { id: r2, ours: account_manager, theirs: all, kind: letter, every: 3 months }
`,
      'clients.csv': 'id,name\nc1,C One\nc2,C Two\n',
      'contacts.csv': 'client,id,name,role\nc1,k1,K One,CEO\nc1,k2,K Two,Commercial director\nc2,k3,K Three,CEO\nc2,k4,K Four,engineer\nc2,k5,K Five,ceo\nc2,k6,K Six,CEO\n',
    });
    const { issues, warnings } = check(dir);
    expect(issues.map(formatIssue)).toEqual([]);
    expect(warnings.map(formatWarning)).toEqual([
      'contacts.csv:2:4: role (contact k1): no rule, campaign or trigger names the role "CEO", so this and 2 more contacts get none of their touches; did you mean "ceo"?',
      'contacts.csv:3:4: role (contact k2): no rule, campaign or trigger names the role "Commercial director", so this contact gets none of their touches; did you mean "commercial_director"?',
    ]);
  });

  it('a number Excel wrote in scientific notation (a phone in a "General" column) is read as written, with one warning for its column', () => {
    const dir = writeConfig({
      'a.yaml': 'settings: { company: T, country: MD, timezone: Europe/Chisinau }\nemployees: [{ id: am, name: A M, role: account_manager }]\n',
      'clients.csv': 'id,name,inn\nc1,C One,1.00360E+12\nc2,C Two,1003600012345\n',
      'contacts.csv': 'client,id,name,role,phone\nc1,k1,K One,buyer,3.7369E+10\nc1,k2,K Two,buyer,+373 69 123 456\nc2,k3,K Three,buyer,3.7369E+10\n',
    });
    const { config, issues, warnings } = check(dir);
    expect(issues.map(formatIssue)).toEqual([]);
    expect(config!.clients[0]!.contacts[0]!.phone).toBe('3.7369E+10');
    expect(warnings.map(formatWarning)).toEqual([
      'clients.csv:2:3: inn: "1.00360E+12" is a number Excel wrote in scientific notation: its last digits are lost and it is read as written; format the column as Text in Excel (or export from the CRM directly) and export again',
      'contacts.csv:2:5: phone: "3.7369E+10" (and 1 more row) is a number Excel wrote in scientific notation: its last digits are lost and it is read as written; format the column as Text in Excel (or export from the CRM directly) and export again',
    ]);
  });

  it('a clients\' id Excel wrote in scientific notation gets the same warning, saying the id it is read as, not the note of a CRM\'s code', () => {
    const dir = writeConfig({
      'a.yaml': 'settings: { company: T, country: MD, timezone: Europe/Chisinau }\nemployees: [{ id: am, name: A M, role: account_manager }]\n',
      'clients.csv': 'id,name\n1.23457E+11,C One\nc2,C Two\n',
    });
    const { warnings } = check(dir);
    expect(warnings.map(formatWarning)).toEqual([
      'clients.csv:2:1: id: "1.23457E+11" is a number Excel wrote in scientific notation: its last digits are lost and it is read as the id "1-23457e-11" (two such ids may be one); format the column as Text in Excel (or export from the CRM directly) and export again',
    ]);
    // Two ids Excel made one: the error "used twice" comes with the warning that explains it (QA: it came alone).
    const twice = check(writeConfig({
      'a.yaml': 'settings: { company: T, country: MD, timezone: Europe/Chisinau }\nemployees: [{ id: am, name: A M, role: account_manager }]\n',
      'clients.csv': 'id,name\n9.81235E+11,C One\n9.81235E+11,C Two\n',
      'contacts.csv': 'client,id,name,role\n9.81235E+11,k1,K One,buyer\n',
    }));
    expect(twice.issues.map((i) => [i.file, i.line, i.field])).toEqual([['clients.csv', 3, 'id']]);
    expect(twice.warnings.map(formatWarning)).toEqual([
      expect.stringMatching(/^clients\.csv:2:1: id: "9\.81235E\+11" \(and 1 more row\) is a number Excel wrote in scientific notation: .* \(two such ids may be one\)/),
      expect.stringMatching(/^contacts\.csv:2:1: client: "9\.81235E\+11" is a number Excel wrote in scientific notation/),
    ]);
  });

  it('an e-mail cell with several addresses ("a@x; b@x", a CRM\'s list) keeps the first, with one warning for its column; a cell that is no address is still an error', () => {
    const dir = writeConfig({
      'a.yaml': 'settings: { company: T, country: MD, timezone: Europe/Chisinau }\nemployees: [{ id: am, name: A M, role: account_manager }]\n',
      'clients.csv': 'id,name\nc1,C One\n',
      'contacts.csv': 'client;id;name;role;email\nc1;k1;K One;buyer;"a.one@c1.example; a.one@gmail.example"\nc1;k2;K Two;buyer;k.two@c1.example, k2@gmail.example\nc1;k3;K Three;buyer;k.three@c1.example\n',
    });
    const { config, issues, warnings } = check(dir);
    expect(issues.map(formatIssue)).toEqual([]);
    expect(config!.clients[0]!.contacts.map((c) => c.email)).toEqual(['a.one@c1.example', 'k.two@c1.example', 'k.three@c1.example']);
    expect(warnings.map(formatWarning)).toEqual([
      'contacts.csv:2:5: email: "a.one@c1.example; a.one@gmail.example" (and 1 more row) holds several e-mail addresses: the first is kept (touchbase keeps one address per person)',
    ]);
    const wrong = check(writeConfig({
      'a.yaml': 'settings: { company: T, country: MD, timezone: Europe/Chisinau }\nemployees: [{ id: am, name: A M, role: account_manager }]\n',
      'clients.csv': 'id,name\nc1,C One\n',
      'contacts.csv': 'client;id;name;role;email\nc1;k1;K One;buyer;call the office, ask for Ion\n',
    }));
    expect(wrong.issues.map((i) => [i.file, i.line, i.field])).toEqual([['contacts.csv', 2, 'email']]);
  });

  it('a CRM column name repeated for a contact\'s phone or e-mail (Bitrix\'s "Телефон" per number) is read joined, not refused as two columns for one field (QA)', () => {
    const team = 'settings: { company: T, country: RU, timezone: Europe/Moscow }\nemployees: [{ id: am, name: A M, role: account_manager }]\n';
    const plain = check(writeConfig({
      'a.yaml': team, 'clients.csv': 'id,name\nc1,C One\n',
      'contacts.csv': 'client;id;name;role;Phone;Phone;Email;Email\nc1;k1;K One;buyer;+7 495 123-45-67;+7 916 000-00-01;k1@c1.example;k1@gmail.example\nc1;k2;K Two;buyer;;+7 916 000-00-02;;k2@c1.example\n',
    }));
    expect(plain.issues.map(formatIssue)).toEqual([]);
    expect(plain.config!.clients[0]!.contacts.map((c) => [c.phone, c.email])).toEqual([['+7 495 123-45-67, +7 916 000-00-01', 'k1@c1.example'], ['+7 916 000-00-02', 'k2@c1.example']]);
    expect(plain.warnings.map(formatWarning)).toEqual([expect.stringMatching(/^contacts\.csv:2:7: Email: "k1@c1\.example, k1@gmail\.example" holds several e-mail addresses: the first is kept/)]);
    const mapped = check(writeConfig({
      'a.yaml': `${team}imports:\n  - { file: crm/people.csv, as: contacts, columns: { Компания: client, Код: id, ФИО: name, Роль: role, Телефон: phone } }\n`,
      'clients.csv': 'id,name\nc1,C One\n',
      'crm/people.csv': 'Компания;Код;ФИО;Роль;Телефон;Телефон\nc1;k1;К Один;buyer;+7 495 123-45-67;+7 916 000-00-01\n',
    }));
    expect(mapped.issues.map(formatIssue)).toEqual([]);
    expect(mapped.config!.clients[0]!.contacts.map((c) => c.phone)).toEqual(['+7 495 123-45-67, +7 916 000-00-01']);
  });

  it('a contact\'s address at a Cyrillic domain (ion@почта.рф) or a Latin one with marks (ion@bălți.md) is one; a domain mixing Latin and Cyrillic letters is a typo refused, in CSV and in YAML alike (QA)', () => {
    const team = 'settings: { company: T, country: RU, timezone: Europe/Moscow }\nemployees: [{ id: am, name: A M, role: account_manager }]\n';
    const read = (emails: string[]) => check(writeConfig({
      'a.yaml': team, 'clients.csv': 'id,name\nc1,C One\n',
      'contacts.csv': `client;id;name;role;email\n${emails.map((e, i) => `c1;k${i};K ${i};buyer;${e}`).join('\n')}\n`,
    }));
    // A Latin domain with its marks (Romanian, Moldovan) is one as well (QA: refused while the Cyrillic one was taken).
    const good = ['ion@почта.рф', 'почта@сайт-компании.рф', 'a@x.example', 'ion@bălți.md', 'ștefan@ștefan-cel-mare.ro', 'a@café.fr'];
    const ok = read(good);
    expect(ok.issues.map(formatIssue)).toEqual([]);
    expect(ok.config!.clients[0]!.contacts.map((c) => c.email)).toEqual(good);
    // …and letters that only look Latin (IPA's ɑ, a Roman numeral's ⅿ, a fullwidth ｇ) are a spoof or a typo.
    const typo = read(['ion@p\u043echta.ru', 'ion@почта.ru', 'ion@почта', 'ion@bălți.\u043cd', 'ion@bălți', 'ion@gm\u0251il.com', 'ion@\u217fail.md', 'ion@\uff47mail.com']);
    expect(typo.issues.map((i) => [i.line, i.field])).toEqual([2, 3, 4, 5, 6, 7, 8, 9].map((line) => [line, 'email']));
    const yaml = check(writeConfig({ 'a.yaml': `${team}clients:\n  - { id: c1, name: C One, contacts: [{ id: k1, name: K One, role: buyer, email: ion@почта.рф }, { id: k2, name: K Two, role: buyer, email: ion@bălți.md }] }\n` }));
    expect(yaml.issues.map(formatIssue)).toEqual([]);
  });

  it('a columns mapping is checked where it is written: an unknown field, a column the file lacks, values for a field it lacks, two columns for one field, a file that is not there', () => {
    const dir = writeConfig({
      'a.yaml': `settings: { company: T, country: RU, timezone: Europe/Moscow }
imports:
  - file: crm/companies.csv
    as: clients
    columns: { Company: name, Key: id, Owner: team.account_manager, Segment: tierr, Region: attributes.region, Zone: timezone, TZ: timezone }
    values: { stage: { Customer: active } }
  - { file: crm/missing.csv, as: contacts }
`,
      'crm/companies.csv': 'Key,Company,Owner,Segment,Regoin,Zone,TZ\nc1,C One,,A,south,Europe/Moscow,Europe/Moscow\n',
    });
    const { issues } = check(dir);
    expect(issues.map((i) => [i.file, i.line, i.field, i.found])).toEqual([
      ['a.yaml', 5, 'imports[0].columns.Segment', '"tierr"; did you mean "tier"?'],
      ['a.yaml', 5, 'imports[0].columns.Region', '"Region", which the file does not have; did you mean "Regoin"?'],
      ['a.yaml', 5, 'imports[0].columns.TZ', 'a second column for timezone, "TZ"'],
      ['a.yaml', 6, 'imports[0].values.stage', '"stage"'],
      ['a.yaml', 7, 'imports[1].file', '"crm/missing.csv", which does not exist'],
    ]);
  });

  it('an import whose file is no CSV path of the folder is one error: the contacts of the clients it would bring are not errors as well', () => {
    const dir = writeConfig({
      'a.yaml': 'settings: { company: T, country: RU, timezone: Europe/Moscow }\nemployees:\n  - { id: ivanova, name: Anna Ivanova, role: account_manager }\nimports:\n  - { file: ../../etc/passwd, as: clients }\n',
      'crm/contacts.csv': 'client;id;name;role\nc1;k1;K;ceo\nc2;k2;L;ceo\n',
    });
    expect(check(dir).issues.map((i) => [i.file, i.line, i.field])).toEqual([['a.yaml', 5, 'imports[0].file']]);
  });

  it('a values mapping to a value its field cannot have is one error where the mapping is written, not one per row that has the CRM\'s word', () => {
    const dir = writeConfig({
      'a.yaml': `settings: { company: T, country: RU, timezone: Europe/Moscow }
employees:
  - { id: ivanova, name: Anna Ivanova, role: account_manager }
imports:
  - file: crm/companies.csv
    as: clients
    columns: { Key: id, Company: name, Status: stage }
    values:
      stage: { Customer: activ, Former: lapsed }
`,
      'crm/companies.csv': 'Key;Company;Status\nc1;C One;Customer\nc2;C Two;Customer\nc3;C Three;Former\nc4;C Four;customer\n',
    });
    expect(check(dir).issues.map(formatIssue)).toEqual([
      'a.yaml:9:26: imports[0].values.stage.Customer (import of crm/companies.csv): expected one of "onboarding", "active", "lapsed", found "activ"; did you mean "active"?',
    ]);
  });

  it('a date format that cannot read a date back is one error where it is written; formats that can are taken, and read the export\'s dates', () => {
    const withFormat = (format: string) => check(writeConfig({
      'a.yaml': `settings: { company: T, country: RU, timezone: Europe/Moscow }
employees:
  - { id: ivanova, name: Anna Ivanova, role: account_manager }
imports:
  - file: crm/companies.csv
    as: clients
    columns: { Key: id, Company: name, Since: since }
    date_format: ${JSON.stringify(format)}
`,
      'crm/companies.csv': 'Key;Company;Since\nc1;C One;03/15/2025\n',
    }));
    const expected = 'luxon tokens that write a date with its day, month and year and read it back, like "dd.MM.yyyy" or "MM/dd/yyyy"';
    expect(withFormat('qqq[[[').issues.map(formatIssue)).toEqual([`a.yaml:8:18: imports[0].date_format (import of crm/companies.csv): expected ${expected}, found "qqq[[["`]);
    expect(withFormat('MM/yyyy').issues.map(formatIssue)).toEqual([`a.yaml:8:18: imports[0].date_format (import of crm/companies.csv): expected ${expected}, found "MM/yyyy"`]);
    const taken = withFormat('MM/dd/yyyy');
    expect(taken.issues).toEqual([]);
    expect(taken.config!.clients[0]!.since).toBe('2025-03-15');
  });

  it('an imports section that is no list is one error: the contacts of the clients its exports would bring are not errors as well', () => {
    const dir = writeConfig({
      'a.yaml': 'settings: { company: T, country: RU, timezone: Europe/Moscow }\nemployees:\n  - { id: ivanova, name: Anna Ivanova, role: account_manager }\nimports: crm/export.csv\n',
      'crm/export.csv': 'id;name\nc1;C One\nc2;C Two\n',
      'crm/contacts.csv': 'client;id;name;role\nc1;k1;K;ceo\nc2;k2;L;ceo\n',
    });
    expect(check(dir).issues.map(formatIssue)).toEqual(['a.yaml:4:10: imports: expected a list of imports, found "crm/export.csv"']);
  });

  it('a misspelt section is one error: its settings are not also missing', () => {
    const dir = writeConfig({ 'a.yaml': 'x_settings: { company: T, country: RU, timezone: Europe/Moscow }\nemployees:\n  - { id: ivanova, name: Anna Ivanova, role: account_manager }\n' });
    expect(check(dir).issues.map((i) => [i.file, i.line, i.found])).toEqual([
      ['a.yaml', 1, 'an unknown section "x_settings"; did you mean "settings"?'],
    ]);
  });

  it('a mapped column the file lacks is one error: the attribute it would bring is not an unknown placeholder in titles as well', () => {
    const dir = writeConfig({
      'a.yaml': `settings: { company: T, country: RU, timezone: Europe/Moscow }
employees:
  - { id: ivanova, name: Anna Ivanova, role: account_manager }
imports:
  - file: crm/companies.csv
    as: clients
    columns: { ID: id, Name: name, ИНН2: attributes.inn }
rules:
  - { id: r, ours: account_manager, theirs: all, kind: letter, every: 1 month, title: "{client.name} (ИНН {client.inn}): {client.inm}" }
`,
      'crm/companies.csv': 'ID;Name;ИНН\nc1;C One;7701\n',
    });
    const { issues } = check(dir);
    expect(issues.map((i) => [i.file, i.line, i.field, i.found])).toEqual([
      ['a.yaml', 7, 'imports[0].columns.ИНН2', '"ИНН2", which the file does not have; did you mean "ИНН"?'],
      // A placeholder that no column would bring is still reported.
      ['a.yaml', 9, 'rules[0].title', '{client.inm}; did you mean {client.id}?'],
    ]);
  });

  it('an import whose declaration is broken is one error: its file is not read with the wrong columns as well', () => {
    const dir = writeConfig({
      'company.yaml': RUSSIAN_COMPANY,
      'imports.yaml': RUSSIAN_IMPORTS.replace('    columns:\n      ID: id\n      Название компании: name', '    colums:\n      ID: id\n      Название компании: name'),
      'crm/bitrix-companies.csv': iconv.encode(BITRIX_COMPANIES, 'win1251'),
      'crm/amo-contacts.csv': utf16le(AMO_CONTACTS),
    });
    const { issues } = check(dir);
    expect(issues.map((i) => [i.file, i.field, i.found])).toEqual([
      ['imports.yaml', 'imports[0].colums', 'an unknown field "colums"; did you mean "columns"?'],
    ]);
  });

  it('a mapped export without a column for a required field is one error at its header', () => {
    const dir = writeConfig({
      'a.yaml': 'settings: { company: T, country: RU, timezone: Europe/Moscow }\nimports:\n  - { file: crm/c.csv, as: clients, columns: { Company: name } }\n',
      'crm/c.csv': 'Company,City\nC One,Moscow\nC Two,Kazan\n',
    });
    expect(check(dir).issues.map((i) => [i.file, i.line, i.found])).toEqual([['crm/c.csv', 1, 'no column for id in "Company", "City"']]);
  });

  it('team members and clients may be named as the CRM writes them: an e-mail or full name; an ambiguous one is refused', () => {
    const dir = writeConfig({
      'a.yaml': `settings: { company: T, country: RU, timezone: Europe/Moscow }
employees:
  - { id: ivanova, name: Anna Ivanova, email: a.ivanova@volna.example, role: account_manager }
  - { id: ivanova2, name: Anna Ivanova, role: account_manager }
  - { id: petrov, name: Ivan Petrov, role: account_manager }
`,
      'clients.csv': 'id,name,team.account_manager\nc1,Alpha,A.Ivanova@volna.example\nc2,Beta,ivan petrov\nc3,Gamma,Anna Ivanova\nc4,Gamma,petrov\n',
      'contacts.csv': 'client,id,name,role\nAlpha,k1,K One,ceo\nGamma,k2,K Two,ceo\n',
    });
    const { config, issues } = check(dir);
    expect(config).toBeUndefined();
    expect(issues.map((i) => [i.file, i.line, i.field, i.found])).toEqual([
      ['clients.csv', 4, 'team.account_manager', '"Anna Ivanova", which ivanova and ivanova2 share'],
      ['contacts.csv', 3, 'client', '"Gamma": c3, c4'],
    ]);
  });

  it('one person in two roles (two entries, one name and mailbox) is the one holding the team column\'s role; a mailbox two employees share is a warning where the second has it', () => {
    const dir = writeConfig({
      'a.yaml': `settings: { company: T, country: MD, timezone: Europe/Chisinau, calendar: google }
employees:
  - { id: rusu-ceo, name: Ion Rusu, email: ion.rusu@firma.example, role: ceo }
  - { id: rusu-sales, name: Ion Rusu, email: Ion.Rusu@firma.example, role: sales_director }
  - { id: cebotari, name: Ana Cebotari, email: ana@firma.example, role: account_manager, calendar: ics }
  - { id: lungu, name: Maria Lungu, email: ana@firma.example, role: account_manager, calendar: ics }
`,
      'clients.csv': 'id,name,team.ceo,team.sales_director\nc1,Alpha,ion.rusu@firma.example,ion.rusu@firma.example\nc2,Beta,Ion Rusu,Ion Rusu\n',
    });
    const { config, issues, warnings } = check(dir);
    expect(issues.map(formatIssue)).toEqual([]);
    expect(config!.clients.map((c) => [c.team.ceo, c.team.sales_director])).toEqual([['rusu-ceo', 'rusu-sales'], ['rusu-ceo', 'rusu-sales']]);
    // Only where the address is the calendar (Google, Outlook): feeds are the employee's own.
    expect(warnings.map(formatWarning).filter((w) => w.includes('e-mail'))).toEqual([
      expect.stringMatching(/^a\.yaml:4:46: employees\[1\]\.email \(employee rusu-sales\): is also the e-mail of rusu-ceo \(\S*a\.yaml:3\): the touches of both go into that one Google calendar \(meant, for one person in two roles\)$/),
    ]);
  });

  it('a client row lost to its own mistake is one error: a campaign for the holiday of its country is not refused as well', () => {
    const yaml = `settings: { company: T, country: RO, timezone: Europe/Bucharest }
employees:
  - { id: ivanova, name: Anna Ivanova, role: account_manager }
holidays:
  - { id: builders-day, name: Builders, rule: 2nd sunday of august }
campaigns:
  - { id: russia-day, holiday: russia-day, ours: account_manager, theirs: all, kind: letter }
`;
    const header = 'id;name;country;team.account_manager';
    const rows = ['ro1;Dacia;RO;ivanova', 'ro2;Arges;RO;ivanova'];
    // The only Russian client: its row has a cell too many (a ";" in a name not in quotes).
    const broken = check(writeConfig({ 'a.yaml': yaml, 'clients.csv': [header, 'ru1;Stroy;mash;RU;ivanova', ...rows].join('\r\n') }));
    expect(broken.issues.map((i) => [i.file, i.line])).toEqual([['clients.csv', 2]]);
    // Without it the campaign's holiday is in no client's country. Russia Day is a real holiday
    // (of a home market): the campaign greets nobody, a warning. A misspelt one is refused, with
    // holidays and public holidays as hints — not the ids of other broken entries (a contact's).
    const contacts = 'client;id;name;role;email\r\nro1;k-bad;K;ceo;not an e-mail\r\n';
    const real = check(writeConfig({ 'a.yaml': yaml, 'clients.csv': [header, ...rows].join('\r\n'), 'contacts.csv': contacts }));
    expect(real.issues.map((i) => [i.file, i.field])).toEqual([['contacts.csv', 'email']]);
    const gone = check(writeConfig({ 'a.yaml': yaml.replace('holiday: russia-day', 'holiday: rusia-day'), 'clients.csv': [header, ...rows].join('\r\n'), 'contacts.csv': contacts }));
    expect(gone.issues.map((i) => [i.file, i.field])).toEqual([['contacts.csv', 'email'], ['a.yaml', 'campaigns[0].holiday']]);
    expect(gone.issues[1]!.expected).toContain('builders-day');
    expect(gone.issues[1]!.expected).not.toContain('k-bad');
  });

  it('a contact id used twice is reported though its first use has a mistake of its own: two mistakes, two errors, at once', () => {
    const yaml = 'settings: { company: T, country: RU, timezone: Europe/Moscow }\nemployees:\n  - { id: ivanova, name: Anna Ivanova, role: account_manager }\n';
    const clients = 'id;name;team.account_manager\r\nc1;Alpha;ivanova\r\nc2;Beta;ivanova\r\n';
    const { issues } = check(writeConfig({
      'a.yaml': yaml, 'clients.csv': clients,
      'contacts.csv': 'client;id;name;role;email\r\nc1;k1;K One;ceo;k1(at)alpha.example\r\nc1;k2;K Two;buyer;\r\nc2;k1;K Three;ceo;k3@beta.example\r\n',
    }));
    expect(issues.map((i) => [i.file, i.line, i.field, /^a contact id used once \(first at .*contacts\.csv:2\)$/.test(i.expected)])).toEqual([
      ['contacts.csv', 2, 'email', false],
      ['contacts.csv', 4, 'id', true],
    ]);
    // The other way round: the broken row comes second, and is told both.
    const second = check(writeConfig({
      'a.yaml': yaml, 'clients.csv': clients,
      'contacts.csv': 'client;id;name;role;email\r\nc1;k1;K One;ceo;k1@alpha.example\r\nc2;k1;K Three;ceo;not an e-mail\r\n',
    })).issues;
    expect(second.map((i) => [i.line, i.field])).toEqual([[3, 'email'], [3, 'id']]);
  });

  it('a stray quote in a value is one error at its line, column and field, said as an editor and a person count and read them', () => {
    const yaml = 'settings: { company: T, country: RU, timezone: Europe/Moscow }\nemployees:\n  - { id: ivanova, name: Anna Ivanova, role: account_manager }\n';
    const at = (clients: string) => check(writeConfig({ 'a.yaml': yaml, 'clients.csv': clients })).issues.map((i) => [i.file, i.line, i.column, i.field, i.found]);
    expect(at('id;name;team.account_manager\r\nc1;Alpha;ivanova\r\nc2;Moldcom "Nord" SA;ivanova\r\n'))
      .toEqual([['clients.csv', 3, 2, 'name', 'a quote inside a value not written in quotes (after "Moldcom ")']]);
    expect(at('id;name;team.account_manager\r\nc1;"Moldcom "Nord" SA";ivanova\r\n'))
      .toEqual([['clients.csv', 2, 2, 'name', 'a quote inside a quoted value that is not doubled']]);
    // In a value of several lines: one error, where it is (the rest of the file cannot be told apart).
    expect(at('id;name;team.account_manager\r\nc1;"line one "bad"\r\nline two";ivanova\r\nc2;Beta;ivanova\r\n'))
      .toEqual([['clients.csv', 2, 2, 'name', 'a quote inside a quoted value that is not doubled']]);
  });

  it('a date column exported as Excel\'s serial numbers is one error that says so, with the date the number stands for', () => {
    const yaml = 'settings: { company: T, country: RU, timezone: Europe/Moscow }\nemployees:\n  - { id: ivanova, name: Anna Ivanova, role: account_manager }\n';
    const { issues } = check(writeConfig({ 'a.yaml': yaml, 'clients.csv': 'id;name;since;team.account_manager\r\nc1;Alpha;44228;ivanova\r\nc2;Beta;15.03.2021;ivanova\r\n' }));
    expect(issues.map((i) => [i.line, i.field, i.expected, i.found])).toEqual([[2, 'since',
      'a date like 2027-03-15 (or 15.03.2027 in a CSV export), not the number Excel keeps a date as (44228 is 2021-02-01): format the column as a date before exporting', '"44228"']]);
  });

  it('stray quotes on many rows are one error each, and the file\'s other mistakes are found in the same round', () => {
    const yaml = 'settings: { company: T, country: RU, timezone: Europe/Moscow }\nemployees:\n  - { id: ivanova, name: Anna Ivanova, role: account_manager }\n';
    const { issues } = check(writeConfig({ 'a.yaml': yaml, 'clients.csv': 'id;name;stage;team.account_manager\r\nc1;Moldcom "Nord" SA;active;ivanova\r\nc2;"Beta ""B"" SRL";actve;ivanova\r\nc3;Alfa "Beta" SA;active;ivanova\r\n' }));
    expect(issues.map((i) => [i.line, i.column, i.field, i.found])).toEqual([
      [2, 2, 'name', 'a quote inside a value not written in quotes (after "Moldcom ")'],
      [4, 2, 'name', 'a quote inside a value not written in quotes (after "Alfa ")'],
      [3, 3, 'stage', expect.stringContaining('"actve"')],
    ]);
  });

  it('a value not written in quotes whose quotes hold the separator is one error, not one more for every column after it', () => {
    const yaml = 'settings: { company: T, country: RU, timezone: Europe/Moscow }\nemployees:\n  - { id: ivanova, name: Anna Ivanova, role: account_manager }\n';
    const { config, issues } = check(writeConfig({
      'a.yaml': yaml,
      'clients.csv': 'id;name;stage;since;team.account_manager\r\nc1;Alpha;active;01.02.2022;ivanova\r\nc2;АО "Ёлка; и партнёры";active;01.02.2022;ivanova\r\n',
    }));
    expect(issues.map((i) => [i.line, i.column, i.field, i.found])).toEqual([[3, 2, 'name', 'a quote inside a value not written in quotes (after "АО ")']]);
    expect(config).toBeUndefined();
    // Written as the error says, it reads as the person meant: the rest of the row in its columns.
    const fixed = check(writeConfig({
      'a.yaml': yaml,
      'clients.csv': 'id;name;stage;since;team.account_manager\r\nc2;"АО ""Ёлка; и партнёры""";active;01.02.2022;ivanova\r\n',
    }));
    expect(fixed.issues).toEqual([]);
    expect(fixed.config!.clients.map((c) => [c.name, c.stage, c.since])).toEqual([['АО "Ёлка; и партнёры"', 'active', '2022-02-01']]);
  });

  it('a header that ends in empty cells (";;") reads rows that end at its last named column', () => {
    const dir = writeConfig({
      'a.yaml': 'settings: { company: T, country: RU, timezone: Europe/Moscow }\nemployees:\n  - { id: ivanova, name: Anna Ivanova, role: account_manager }\n',
      'clients.csv': 'id;name;team.account_manager;inn;;\r\nc1;Alpha;ivanova;7701234567\r\nc2;Beta;ivanova;;\r\nc3;Gamma;ivanova;77;;\r\n',
    });
    const { config, issues } = check(dir);
    expect(issues).toEqual([]);
    expect(config!.clients.map((c) => [c.id, c.attributes?.inn])).toEqual([['c1', '7701234567'], ['c2', undefined], ['c3', '77']]);
  });

  it('an export that came out as its header alone is a warning at its file, not a silent company without those clients', () => {
    const dir = writeConfig({
      'a.yaml': 'settings: { company: T, country: RU, timezone: Europe/Moscow }\nemployees:\n  - { id: ivanova, name: Anna Ivanova, role: account_manager }\nclients:\n  - { id: y1, name: Y, contacts: [{ id: k, name: K, role: ceo }] }\n',
      'clients.csv': '\ufeffid;name;team.account_manager\r\n',
      'contacts.csv': 'client;id;name;role\n',
    });
    const { config, issues, warnings } = check(dir);
    expect(issues).toEqual([]);
    expect(config!.clients.map((c) => c.id)).toEqual(['y1']);
    expect(warnings.map((w) => `${w.file}:${w.line}: ${w.message}`)).toEqual([
      'clients.csv:1: has its header and no rows: no client comes from this file (an export that came out empty?); the touches of the ones it used to bring will be cancelled (many at once, only once accepted: touchbase accept-removals)',
      'contacts.csv:1: has its header and no rows: no contact comes from this file (an export that came out empty?); the touches of the ones it used to bring will be cancelled (many at once, only once accepted: touchbase accept-removals)',
    ]);
  });

  it('names match across the two spellings of ș and ț (a cedilla from Windows-1250 and old Excel, a comma below in Unicode) and of ё', () => {
    const dir = writeConfig({
      'a.yaml': `settings: { company: T, country: RO, timezone: Europe/Bucharest }
employees:
  - { id: stefan, name: Ștefan Ionescu, role: account_manager }
  - { id: fedor, name: Фёдор Лёвин, role: sales_director }
  - { id: other, name: Stefan Ionescu, role: ceo }
clients:
  - { id: c2, name: Ёлка, country: RU, timezone: Europe/Moscow, team: { account_manager: stefan, sales_director: Федор Левин } }
`,
      // Windows-1250 writes only the cedilla forms.
      'clients.csv': iconv.encode('id;name;team.account_manager;team.sales_director\r\nc1;Braşov Ţesături SA;Ştefan Ionescu;fedor\r\n', 'windows-1250'),
      'contacts.csv': 'client;id;name;role\nBrașov Țesături SA;k1;Ion Țăran;ceo\nЕлка;k2;Олег;ceo\n',
    });
    const { config, issues } = check(dir);
    expect(issues).toEqual([]);
    const [c2, c1] = [config!.clients.find((c) => c.id === 'c2')!, config!.clients.find((c) => c.id === 'c1')!];
    expect([c1.team, c2.team]).toMatchObject([{ account_manager: 'stefan', sales_director: 'fedor' }, { account_manager: 'stefan', sales_director: 'fedor' }]);
    expect([c1.contacts.map((k) => k.id), c2.contacts.map((k) => k.id)]).toEqual([['k1'], ['k2']]);
  });

  it('columns and values mapped with ș and ț match a Windows-1250 export\'s ş and ţ (and the other way round)', () => {
    const dir = writeConfig({
      'a.yaml': `settings: { company: T, country: RO, timezone: Europe/Bucharest }
employees:
  - { id: ana, name: Ana Turcanu, role: account_manager }
imports:
  - file: persoane.csv
    as: contacts
    columns: { Client: client, Cod: id, Nume: name, Funcție: role }
    values:
      role: { Achiziții: buyer, "Director general": ceo }
  - file: firme.csv
    as: clients
    columns: { Cod: id, Denumire: name, Țară: country, Fus: timezone, Responsabil: team.account_manager }
`,
      // Windows-1250 writes only the cedilla forms: Funcţie, Achiziţii, Ţară.
      'persoane.csv': iconv.encode('Client;Cod;Nume;Funcţie\r\nf1;k1;Ion Rusu;Achiziţii\r\nf1;k2;Maria Pop; director general \r\n', 'windows-1250'),
      'firme.csv': iconv.encode('Cod;Denumire;Ţară;Fus;Responsabil\r\nf1;Braşov SRL;RO;Europe/Bucharest;ana\r\n', 'windows-1250'),
    });
    const { config, issues } = check(dir);
    expect(issues).toEqual([]);
    expect(config!.clients[0]).toMatchObject({ id: 'f1', country: 'RO' });
    expect(config!.clients[0]!.contacts.map((k) => [k.id, k.role])).toEqual([['k1', 'buyer'], ['k2', 'ceo']]);
  });

  it('an error in a mapped or converted cell speaks of the file as it is: the CRM\'s words, the date as written, a near name', () => {
    const dir = writeConfig({
      'a.yaml': `settings: { company: T, country: RU, timezone: Europe/Moscow }
employees:
  - { id: anna, name: Анна Иванова, role: account_manager }
imports:
  - file: crm.csv
    as: clients
    columns: { ID: id, Название: name, Тип: stage, Ответственный: team.account_manager, Создан: since, Страна: country }
    values:
      stage: { Клиент: active, Бывший клиент: lapsed }
      country: { Россия: RU, Молдова: MD }
`,
      'crm.csv': 'ID;Название;Тип;Ответственный;Создан;Страна\nc1;Альфа;Клиентт;Анна Иваноа;31.02.2021;Молдва\n',
    });
    const { issues } = check(dir);
    const of = (field: string) => issues.find((i) => i.field.startsWith(field))!;
    expect(of('stage')).toMatchObject({
      expected: 'one of "onboarding", "active", "lapsed", or one of the CRM\'s words mapped under imports: values: stage ("Клиент", "Бывший клиент")',
      found: '"Клиентт"; did you mean "Клиент"?',
    });
    expect(of('country').found).toBe('"Молдва"; did you mean "Молдова"?');
    expect(of('since').found).toBe('"31.02.2021": February 2021 has 28 days');
    expect(of('team.account_manager').found).toBe('"Анна Иваноа", which no employee has; did you mean "Анна Иванова"?');
    expect(issues).toHaveLength(4);
  });

  it('a free field\'s cell a letter from a mapped CRM word is kept as written, with a warning that names the word', () => {
    const dir = writeConfig({
      'a.yaml': `settings: { company: T, country: RO, timezone: Europe/Bucharest }
employees:
  - { id: ana, name: Ana Turcanu, role: account_manager }
imports:
  - file: firme.csv
    as: clients
    columns: { Cod: id, Denumire: name, Domeniu: industry, Responsabil: team.account_manager }
    values:
      industry: { Construcții: construction, Energie: energy }
`,
      'firme.csv': iconv.encode('Cod;Denumire;Domeniu;Responsabil\r\nf1;Alfa;Construcţi;ana\r\nf2;Beta;Construcţii;ana\r\nf3;Gama;retail;ana\r\nf4;Delta;energy;ana\r\n', 'windows-1250'),
    });
    const { config, issues, warnings } = check(dir);
    expect(issues).toEqual([]);
    expect(config!.clients.map((c) => c.industry)).toEqual(['Construcţi', 'construction', 'retail', 'energy']);
    expect(warnings).toEqual([expect.objectContaining({
      file: 'firme.csv', line: 2, column: 3, field: 'industry', subject: 'client f1',
      message: '"Construcţi" is none of the CRM\'s words mapped under imports: values: industry, so it is kept as written; did you mean "Construcții"?',
    })]);
  });

  it('the snapshot holds the bytes: it validates as the folder does, its hash is stable (and, for UTF-8 files, the hash of their text), and it crosses a process boundary', async () => {
    const dir = writeConfig({
      'company.yaml': RUSSIAN_COMPANY,
      'imports.yaml': RUSSIAN_IMPORTS,
      'crm/bitrix-companies.csv': iconv.encode(BITRIX_COMPANIES, 'win1251'),
      'crm/amo-contacts.csv': utf16le(AMO_CONTACTS),
    });
    const snapshot = readSnapshot(dir);
    expect(readSnapshot(dir).hash).toBe(snapshot.hash);
    expect(Buffer.compare(snapshot.files.get(join(dir, 'crm/bitrix-companies.csv'))!, iconv.encode(BITRIX_COMPANIES, 'win1251'))).toBe(0);
    const names = (r: ReturnType<typeof checkSnapshot>) => r.config!.clients.map((c) => c.name);
    expect(names(checkSnapshot(snapshot))).toEqual(names(checkConfig(dir)));

    // The hash of text files is what it was when snapshots held text.
    const textOnly = writeConfig({ 'a.yaml': 'settings: { company: Т, country: RU }\n' });
    const old = createHash('sha256');
    old.update(join(textOnly, 'a.yaml')).update('\u0000').update('settings: { company: Т, country: RU }\n').update('\u0000');
    expect(readSnapshot(textOnly).hash).toBe(old.digest('hex'));

    // Across a process boundary with `serialization: 'advanced'`, as the daemon sends it to a job.
    const child = fork(join(import.meta.dirname, '../helpers/echo-process.js'), [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    try {
      const back = await new Promise<{ dir: string; files: [string, Uint8Array][]; hash: string }>((resolve, reject) => {
        child.once('message', resolve);
        child.once('error', reject);
        child.send({ dir: snapshot.dir, files: [...snapshot.files], hash: snapshot.hash });
      });
      const received: ConfigSnapshot = { dir: back.dir, files: new Map(back.files), hash: back.hash };
      expect(snapshotHash(received.files)).toBe(snapshot.hash);
      expect(names(checkSnapshot(received))).toEqual(['ООО «Строймаш»', 'АО «ЮгЭнерго»', 'ПАО «Уралсталь»']);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
