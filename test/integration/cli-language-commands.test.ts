import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Language } from '../../src/domain/types.ts';
import { cli } from '../helpers/run-cli.ts';
import { SETTINGS, client, employee, tempDir, writeConfig } from '../helpers/config-folder.ts';

/**
 * sync and once's lines after its table, in the
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
      expect(r.first).toMatch(/^sync 2027-01-11 to 2027-04-1\d: (\d+) changes, 0 waiting from before; \1 written, 0 to retry, 0 refused \(0 reads, 0 writes\)\n$/);
      expect(r.changed.split('\n')[0]).toMatch(/^operation {2,}employee {2,}calendar {2,}entry {2,}title$/);
      expect(r.changed).toMatch(/^update {2,}ivanova {2,}ics {2,}[0-9a-f]{8} {2,}Ring buyer of stroymash$/m);
      expect(r.same).toBe('Nothing to change: every calendar matches the plan.\n');
    }
  });

  it('Russian: the summary, the dry run\'s table and its operations, "nothing to change"', async () => {
    const r = await sync('ru');
    const [, changes] = /изменений — (\d+),/.exec(r.first) ?? [];
    expect(r.first).toBe(`синхронизация с 2027-01-11 по ${/по (\S+):/.exec(r.first)?.[1]}: изменений — ${changes}, ждали с прошлого раза — 0; записано — ${changes}, к повтору — 0, отклонено — 0 (0 чтений, 0 записей)\n`);
    expect(r.changed.split('\n')[0]).toMatch(/^операция {2,}сотрудник {2,}календарь {2,}запись {2,}заголовок$/);
    expect(r.changed).toMatch(/^изменить {2,}ivanova {2,}ics {2,}[0-9a-f]{8} {2,}Ring buyer of stroymash$/m);
    expect(r.same).toBe('Менять нечего: все календари совпадают с планом.\n');
  });

  it('Romanian, with its diacritics', async () => {
    const r = await sync('ro');
    expect(r.first).toMatch(/^sincronizare 2027-01-11 – 2027-04-1\d: modificări: (\d+), în așteptare de dinainte: 0; scrise: \1, de reîncercat: 0, refuzate: 0 \(0 citiri, 0 scrieri\)\n$/);
    expect(r.changed.split('\n')[0]).toMatch(/^operație {2,}angajat {2,}calendar {2,}intrare {2,}titlu$/);
    expect(r.changed).toMatch(/^actualizare {2,}ivanova {2,}ics {2,}[0-9a-f]{8} {2,}Ring buyer of stroymash$/m);
    expect(r.same).toBe('Nimic de schimbat: fiecare calendar corespunde planului.\n');
  });
});
