import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Language } from '../../src/domain/types.ts';
import { cli } from '../helpers/run-cli.ts';
import { SETTINGS, client, employee, exampleCompany, tempDir, writeConfig } from '../helpers/config-folder.ts';

/**
 * sync, feeds, calendars check, validate, export and once's lines after its table, in the
 * company's language (settings.language), as plan, history and status are
 * (cli-language.test.ts): English as it always was, Russian and Romanian with their plurals.
 */

const NOW = ['--now', '2027-01-11T08:00:00+03:00'];

/** A small company on the iCalendar feed (ivanova) with one employee not synced (petrov); a title, to change it. */
function company(language: Language | undefined, title = 'Call {contacts}', more: Record<string, unknown>[] = []): string {
  return writeConfig({
    'touchbase.yaml': {
      settings: { ...SETTINGS.settings, calendar: 'ics', ...(language ? { language } : {}) },
      employees: [employee('ivanova', 'account_manager'), { ...employee('petrov', 'account_manager'), calendar: 'none' }, ...more],
      clients: [client('stroymash', { roles: ['ceo', 'buyer'], team: { account_manager: 'ivanova' } })],
      rules: [{ id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 week', title }],
    },
  });
}

/** The Russian forms of a count (one, few, many), as a Russian reader expects them. */
function ru(n: number, one: string, few: string, many: string): string {
  const ten = n % 10;
  const hundred = n % 100;
  return ten === 1 && hundred !== 11 ? one : ten >= 2 && ten <= 4 && (hundred < 12 || hundred > 14) ? few : many;
}

/** The Romanian forms of a count: one; 0 and 2–19 (and x01–x19); "de" with 20 and more. */
function ro(n: number, one: string, few: string, other: string): string {
  const hundred = n % 100;
  return n === 1 ? one : n === 0 || (hundred >= 1 && hundred <= 19) ? few : other;
}

/** A feed folder of its own for the next database (a folder holds one database's feeds). */
function freshFeeds(): string {
  return (process.env.TOUCHBASE_FEEDS_DIR = join(tempDir(), 'feeds'));
}

let saved: NodeJS.ProcessEnv;
beforeEach(() => {
  saved = { ...process.env };
  freshFeeds();
  delete process.env.TOUCHBASE_CONFIG;
  delete process.env.TOUCHBASE_PUBLIC_URL;
});
afterEach(() => {
  process.env = saved;
});

describe('once\'s lines after its table', () => {
  async function once(language: Language | undefined) {
    freshFeeds();
    const r = await cli('once', '--config', company(language), '--db', join(tempDir(), 't.sqlite'), ...NOW);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    return { recorded: lines.at(-2)!, calendars: lines.at(-1)!, feeds: process.env.TOUCHBASE_FEEDS_DIR! };
  }

  it('English, and no language: as they have always been', async () => {
    for (const language of ['en', undefined] as const) {
      const r = await once(language);
      expect(r.recorded).toMatch(/^recorded: [1-9]\d* new, 0 moved, 0 reassigned, 0 cancelled, 0 unchanged$/);
      expect(r.calendars).toMatch(/^calendars: [1-9]\d* events written, 1 iCalendar feed in (.+) \("npx touchbase feeds" for their addresses\)$/);
      expect(r.calendars).toContain(` in ${r.feeds} (`);
    }
  });

  it('Russian and Romanian: what was recorded and written, with the plural of the count', async () => {
    const r = await once('ru');
    expect(r.recorded).toMatch(/^записано: новых — [1-9]\d*, перенесено — 0, передано другим сотрудникам — 0, отменено — 0, без изменений — 0$/);
    const written = Number(/записано (\d+) /.exec(r.calendars)?.[1]);
    expect(r.calendars).toBe(`календари: записано ${written} ${ru(written, 'событие', 'события', 'событий')}, 1 лента iCalendar в ${r.feeds} (их адреса покажет «npx touchbase feeds»)`);
    const o = await once('ro');
    expect(o.recorded).toMatch(/^înregistrate — noi: [1-9]\d*, mutate: 0, reatribuite: 0, anulate: 0, neschimbate: 0$/);
    const scrise = Number(/^calendare: (\d+) /.exec(o.calendars)?.[1]);
    expect(o.calendars).toBe(`calendare: ${ro(scrise, `${scrise} eveniment scris`, `${scrise} evenimente scrise`, `${scrise} de evenimente scrise`)}, 1 flux iCalendar în ${o.feeds} („npx touchbase feeds” pentru adresele lor)`);
  });
});

describe('sync', () => {
  /** A sync, a dry run after the rule's title changed, and a dry run with nothing to change. */
  async function sync(language: Language | undefined) {
    freshFeeds();
    const db = join(tempDir(), 't.sqlite');
    const first = await cli('sync', '--config', company(language), '--db', db, ...NOW);
    expect(first.code, first.err).toBe(0);
    const changed = await cli('sync', '--dry-run', '--config', company(language, 'Ring {contacts}'), '--db', db, ...NOW);
    expect(changed.code, changed.err).toBe(0);
    const same = await cli('sync', '--dry-run', '--config', company(language), '--db', db, ...NOW);
    return { first: first.out, changed: changed.out, same: same.out };
  }

  it('English, and no language: as it has always been', async () => {
    for (const language of ['en', undefined] as const) {
      const r = await sync(language);
      expect(r.first).toMatch(/^sync 2027-01-11 to 2027-04-1\d: (\d+) changes, 0 waiting from before; \1 written, 0 to retry, 0 refused \(calendar services: 0 reads, 0 writes\)\n$/);
      expect(r.changed.split('\n')[0]).toMatch(/^operation {2,}employee {2,}calendar {2,}entry {2,}title$/);
      expect(r.changed).toMatch(/^update {2,}ivanova {2,}ics {2,}[0-9a-f]{8} {2,}Ring buyer of stroymash$/m);
      expect(r.same).toBe('Nothing to change: every calendar has what the plan asks of it, as touchbase last wrote and read it (a dry run reads no calendar: what employees moved or deleted since, the next sync takes in).\n');
    }
  });

  it('Russian: the summary, the dry run\'s table and its operations, "nothing to change"', async () => {
    const r = await sync('ru');
    const [, changes] = /изменений — (\d+),/.exec(r.first) ?? [];
    expect(r.first).toBe(`синхронизация с 2027-01-11 по ${/по (\S+):/.exec(r.first)?.[1]}: изменений — ${changes}, ждали с прошлого раза — 0; записано — ${changes}, к повтору — 0, отклонено — 0 (сервисы календарей: 0 чтений, 0 записей)\n`);
    expect(r.changed.split('\n')[0]).toMatch(/^операция {2,}сотрудник {2,}календарь {2,}запись {2,}заголовок$/);
    expect(r.changed).toMatch(/^изменить {2,}ivanova {2,}ics {2,}[0-9a-f]{8} {2,}Ring buyer of stroymash$/m);
    expect(r.same).toBe('Менять нечего: в календарях всё, что требует план, — как touchbase их последний раз записал и прочитал (пробный запуск календари не читает: что сотрудники с тех пор перенесли или удалили, учтёт следующая синхронизация).\n');
  });

  it('Romanian, with its diacritics', async () => {
    const r = await sync('ro');
    expect(r.first).toMatch(/^sincronizare 2027-01-11 – 2027-04-1\d: modificări: (\d+), în așteptare de dinainte: 0; scrise: \1, de reîncercat: 0, refuzate: 0 \(servicii de calendar: 0 citiri, 0 scrieri\)\n$/);
    expect(r.changed.split('\n')[0]).toMatch(/^operație {2,}angajat {2,}calendar {2,}intrare {2,}titlu$/);
    expect(r.changed).toMatch(/^actualizare {2,}ivanova {2,}ics {2,}[0-9a-f]{8} {2,}Ring buyer of stroymash$/m);
    expect(r.same).toBe('Nimic de schimbat: fiecare calendar are ce cere planul, așa cum touchbase l-a scris și citit ultima dată (o rulare de probă nu citește calendarele: ce au mutat sau șters angajații între timp preia sincronizarea următoare).\n');
  });
});

describe('feeds and calendars check', () => {
  async function feeds(language: Language | undefined) {
    const db = join(tempDir(), 't.sqlite');
    expect((await cli('migrate', '--db', db)).code).toBe(0);
    const table = await cli('feeds', '--config', company(language), '--db', db, '--base-url', 'https://tb.example');
    expect(table.code, table.err).toBe(0);
    const none = await cli('feeds', '--config', writeConfig({
      'touchbase.yaml': { settings: { ...SETTINGS.settings, calendar: 'none', ...(language ? { language } : {}) }, employees: [employee('ivanova', 'account_manager')], clients: [], rules: [] },
    }), '--db', join(tempDir(), 't.sqlite'));
    // A Google calendar without its connection in the environment: not configured (and the check fails, in English).
    const check = await cli('calendars', 'check', '--config', company(language, undefined, [{ ...employee('sidorov', 'account_manager'), calendar: 'google', email: 'sidorov@corp.example' }]), '--db', join(tempDir(), 't.sqlite'));
    expect(check.code).toBe(1);
    expect(check.err).toContain('1 of 2 calendars failed the check');
    return { table: table.out, none: none.out, check: check.out.split('\n') };
  }

  for (const [language, words] of [
    ['en', { header: /^employee {2,}name {2,}feed URL {2,}file$/, none: 'No employee uses the iCalendar feed (calendar: ics).', ok: 'ok: read and write', off: 'not synced (calendar: none)', not: 'NOT CONFIGURED: ' }],
    [undefined, { header: /^employee {2,}name {2,}feed URL {2,}file$/, none: 'No employee uses the iCalendar feed (calendar: ics).', ok: 'ok: read and write', off: 'not synced (calendar: none)', not: 'NOT CONFIGURED: ' }],
    ['ru', { header: /^сотрудник {2,}имя {2,}адрес ленты {2,}файл$/, none: 'Никто из сотрудников не пользуется лентой iCalendar (calendar: ics).', ok: 'в порядке: чтение и запись', off: 'не синхронизируется (calendar: none)', not: 'НЕ НАСТРОЕН: ' }],
    ['ro', { header: /^angajat {2,}nume {2,}adresa fluxului {2,}fișier$/, none: 'Niciun angajat nu folosește fluxul iCalendar (calendar: ics).', ok: 'în regulă: citire și scriere', off: 'nesincronizat (calendar: none)', not: 'NECONFIGURAT: ' }],
  ] as const) {
    it(`${language ?? 'no language'}: the feeds' table, no feed at all, and each calendar's check`, async () => {
      const r = await feeds(language);
      expect(r.table.split('\n')[0]).toMatch(words.header);
      expect(r.table).toMatch(/^ivanova {2,}Emp ivanova {2,}https:\/\/tb\.example\/feeds\/\S+\.ics {2,}\S+\.ics$/m);
      expect(r.none).toBe(`${words.none}\n`);
      expect(r.check[0]).toBe(`ivanova          ics        ${words.ok}`);
      expect(r.check[1]).toBe(`petrov           none       ${words.off}`);
      // The hint how to connect Google is a diagnostic: as it is said.
      expect(r.check[2]).toMatch(new RegExp(`^sidorov {10}google {5}${words.not}\\S`));
      const hint = (line: string, not: string) => line.slice(line.indexOf(not) + not.length);
      expect(hint(r.check[2]!, words.not)).toBe(hint((await feeds('en')).check[2]!, 'NOT CONFIGURED: '));
    });
  }
});

describe('validate', () => {
  /** The example company (Russian, with two CSV files saved with a byte-order mark) in a language. */
  function example(language: Language): string {
    const dir = exampleCompany().config;
    const settings = join(dir, 'settings.yaml');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace(/^ {2}language: ru\b/m, `  language: ${language}`));
    return dir;
  }

  it('its summary and how each CSV file was read in the company\'s language, with the plurals; the warnings themselves as they are', async () => {
    const en = await cli('validate', '--config', example('en'));
    expect(en.code, en.err).toBe(0);
    expect(en.out).toMatch(/^\S+: valid — 10 employees, 40 clients, 203 contacts, 11 rules, 10 campaigns, 3 holidays, 1 handover, 2 triggers\n\S+clients\.csv: read as utf-8 \(with BOM\)\n/);
    const ruOut = (await cli('validate', '--config', example('ru'))).out;
    expect(ruOut).toMatch(/^\S+: конфигурация в порядке — 10 сотрудников, 40 клиентов, 203 контакта, 11 правил, 10 кампаний, 3 праздника, 1 передача клиентов, 2 триггера\n\S+clients\.csv: прочитан как utf-8 \(с BOM\)\n/);
    const roOut = (await cli('validate', '--config', example('ro'))).out;
    expect(roOut).toMatch(/^\S+: validă — 10 angajați, 40 de clienți, 203 contacte, 11 reguli, 10 campanii, 3 sărbători, 1 predare de clienți, 2 declanșatoare\n\S+clients\.csv: citit ca utf-8 \(cu BOM\)\n/);

    // One warning: a rule for a tier no client has.
    const warned = (language: Language | undefined) => cli('validate', '--config', writeConfig({
      'touchbase.yaml': {
        settings: { ...SETTINGS.settings, ...(language ? { language } : {}) }, employees: [employee('ivanova', 'account_manager')],
        clients: [client('stroymash', { roles: ['buyer'], tier: 'A', team: { account_manager: 'ivanova' } })],
        rules: [
          { id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 week' },
          { id: 'tier-b', ours: 'account_manager', theirs: 'buyer', kind: 'letter', every: '3 months', for: { tier: 'B' } },
        ],
      },
    }));
    const lines = async (language: Language | undefined) => (await warned(language)).out.split('\n');
    const [enLines, ruLines, roLines] = [await lines('en'), await lines('ru'), await lines('ro')];
    expect(enLines[0]).toMatch(/: valid — 1 employee, 1 client, 1 contact, 2 rules, 0 campaigns, 0 holidays, 0 handovers, 0 triggers$/);
    expect(ruLines[0]).toMatch(/: конфигурация в порядке — 1 сотрудник, 1 клиент, 1 контакт, 2 правила, 0 кампаний, 0 праздников, 0 передач клиентов, 0 триггеров$/);
    expect(roLines[0]).toMatch(/: validă — 1 angajat, 1 client, 1 contact, 2 reguli, 0 campanii, 0 sărbători, 0 predări de clienți, 0 declanșatoare$/);
    expect([enLines[1], ruLines[1], roLines[1]]).toEqual(['1 warning:', '1 предупреждение:', '1 avertisment:']);
    const warning = (line: string | undefined) => line?.replace(/touchbase-\w+/, 'DIR');
    expect(warning(enLines[2])).toMatch(/^ {2}warning: \S+touchbase\.yaml:\d+:\d+: rules\[1\]\.for \(rule tier-b\): matches no client/);
    expect(warning(ruLines[2])).toBe(warning(enLines[2]));
    expect(warning(roLines[2])).toBe(warning(enLines[2]));
  });
});

describe('export', () => {
  it('to a file: its line in the language of the configuration it is given; with the database alone, or to standard output, English as before', async () => {
    // Secrets made by touchbase and kept in its database, so that the file holds them.
    process.env.TOUCHBASE_LINK_SECRET = '';
    process.env.TOUCHBASE_FEED_SECRET = '';
    const db = join(tempDir(), 't.sqlite');
    expect((await cli('once', '--config', company('ru'), '--db', db, ...NOW)).code).toBe(0);
    const file = join(tempDir(), 'backup.ndjson');
    const alone = await cli('export', '--db', db, '--out', file, '--include-secrets');
    expect(alone.out).toMatch(new RegExp(`^exported (\\d+) rows \\(touches \\d+[^)]*\\) to ${file} \\(0600: it holds the link and feed secrets\\)\\n$`));
    const rows = Number(/^exported (\d+)/.exec(alone.out)![1]);
    const tables = /\(touches [^)]*\)/.exec(alone.out)![0];
    expect((await cli('export', '--config', company('en'), '--db', db, '--out', file, '--include-secrets')).out).toBe(alone.out);
    expect((await cli('export', '--config', company('ru'), '--db', db, '--out', file, '--include-secrets')).out)
      .toBe(`выгружено: ${rows} ${ru(rows, 'строка', 'строки', 'строк')} ${tables} в ${file} (0600: в файле секреты ссылок и лент)\n`);
    process.env.TOUCHBASE_CONFIG = company('ro');
    // Without the two secrets: two rows fewer, and no word of secrets.
    const kept = rows - 2;
    expect((await cli('export', '--db', db, '--out', file)).out)
      .toBe(`exportate: ${ro(kept, `${kept} rând`, `${kept} rânduri`, `${kept} de rânduri`)} ${tables.replace(/local_secrets (\d+)/, (_, n: string) => `local_secrets ${Number(n) - 2}`)} în ${file}\n`);
    // Beside the export itself, on standard error: a note, English.
    const out = await cli('export', '--config', company('ru'), '--db', db);
    expect(out.err).toMatch(/^exported \d+ rows \(touches/);
  });

  it('--include-secrets with the secrets in the environment (so not in the database): does not claim the file holds them, and says where they are', async () => {
    process.env.TOUCHBASE_LINK_SECRET = 'l'.repeat(40);
    process.env.TOUCHBASE_FEED_SECRET = 'f'.repeat(40);
    const db = join(tempDir(), 't.sqlite');
    expect((await cli('plan', '--config', company('en'), '--db', db, ...NOW)).code).toBe(0);
    const file = join(tempDir(), 'backup.ndjson');
    const r = await cli('export', '--db', db, '--out', file, '--include-secrets');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(new RegExp(`^exported \\d+ rows \\(touches \\d+[^)]*\\) to ${file}\\n$`));
    expect(r.err).toContain('--include-secrets: the database holds no link or feed secret (they come from TOUCHBASE_LINK_SECRET / TOUCHBASE_FEED_SECRET)');
    expect(readFileSync(file, 'utf8')).not.toContain('l'.repeat(40));
    // Its first line says so too: a restore would otherwise take the file for one that carries them.
    expect(JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!)).toMatchObject({ format: 'touchbase-export', secrets: 'omitted' });
    // Restored with the same variables, the links and addresses are theirs: no note that new ones are made.
    const restored = await cli('import', file, '--db', join(tempDir(), 'r.sqlite'));
    expect(restored.code, restored.err).toBe(0);
    expect(restored.err).not.toContain('new ones are made on first use');
    delete process.env.TOUCHBASE_FEED_SECRET;
    const without = await cli('import', file, '--db', join(tempDir(), 'r2.sqlite'));
    expect(without.err).toContain('the file has no link or feed secrets: new ones are made on first use');
  });
});
