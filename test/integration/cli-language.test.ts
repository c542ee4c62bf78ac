import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Language } from '../../src/domain/types.ts';
import { cli } from '../helpers/run-cli.ts';
import { SETTINGS, client, employee, tempDir, writeConfig } from '../helpers/config-folder.ts';
import { workflowCompany } from '../helpers/workflow-company.ts';
import { openMigrated } from '../../src/storage/database.ts';
import { claimRun, recordCutShort, recordFailure } from '../../src/storage/job-repository.ts';
import { SUPERSEDED_RUN } from '../../src/daemon/time-limits.ts';

const NOW = '2027-01-11T08:00:00+03:00';
const PERIOD = ['--now', NOW, '--from', '2027-01-11', '--to', '2027-01-31'];

/** A small company in a language; titles written in the YAML, so that only the command line's own words differ between languages. */
function company(language: Language | undefined): string {
  return writeConfig({
    'touchbase.yaml': {
      settings: { ...SETTINGS.settings, ...(language ? { language } : {}) },
      employees: [employee('ivanova', 'account_manager')],
      clients: [client('stroymash', { roles: ['ceo', 'buyer'], team: { account_manager: 'ivanova' } })],
      rules: [
        { id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 week', title: 'Call {contacts}' },
        { id: 'letters', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: '2 weeks', title: 'Letter to {contacts}' },
        { id: 'feedback', ours: 'account_manager', theirs: 'ceo', kind: 'feedback', every: '1 month', title: 'Feedback from {contacts}' },
      ],
    },
  });
}

/** The company planned for January, one touch done and one skipped: its plan, outcomes and history as printed. */
async function run(language: Language | undefined) {
  const config = company(language);
  const db = join(tempDir(), 'touchbase.sqlite');
  const table = await cli('plan', '--config', config, '--db', db, ...PERIOD);
  expect(table.code, table.err).toBe(0);
  const json = await cli('plan', '--config', config, '--db', db, '--format', 'json', ...PERIOD);
  const csv = await cli('plan', '--config', config, '--db', db, '--format', 'csv', ...PERIOD);
  const touches = JSON.parse(json.out) as { id: string; kind: string }[];
  const call = touches.find((t) => t.kind === 'call')!;
  const letter = touches.find((t) => t.kind === 'letter')!;
  const done = await cli('done', call.id.slice(0, 8), '--config', config, '--db', db, '--now', NOW);
  expect(done.code, done.err).toBe(0);
  const skipped = await cli('skip', letter.id.slice(0, 8), '--reason', 'уехал в отпуск', '--config', config, '--db', db, '--now', NOW);
  expect(skipped.code, skipped.err).toBe(0);
  const history = await cli('history', '--config', config, '--db', db);
  const historyJson = JSON.parse((await cli('history', '--config', config, '--db', db, '--format', 'json')).out) as { type: string }[];
  const after = await cli('plan', '--config', config, '--db', db, ...PERIOD);
  return { table: table.out, json: json.out, csv: csv.out, done: done.out, skipped: skipped.out, history: history.out, historyJson, after: after.out, config, db };
}

/** Each line's cells start where the header's do (the id, the last column, lines up under "id"). */
function expectAligned(table: string) {
  const lines = table.split('\n').filter((l) => /[0-9a-f]{8}$/.test(l));
  expect(lines.length).toBeGreaterThan(3);
  const idColumn = [...table.split('\n')[0]!].length - 2;
  for (const line of lines) expect([...line].length - 8, line).toBe(idColumn);
}

describe('the command line in the company\'s language (settings.language)', () => {
  it('English, and no language given: the tables and lines as they have always been', async () => {
    for (const language of ['en', undefined] as const) {
      const r = await run(language);
      expect(r.table.split('\n')[0]).toMatch(/^date {8}time {2,}employee {2,}kind {4,}client {3,}title {2,}id$/);
      expect(r.table).toMatch(/^2027-01-\d\d {2,}all day {2,}ivanova {2,}feedback {2,}stroymash {2,}Feedback from ceo of stroymash {2,}[0-9a-f]{8}$/m);
      expect(r.table).toMatch(/\n\d+ touches\n$/);
      expect(r.done).toMatch(/^done: Call buyer of stroymash \([0-9a-f-]{36}\) on 2027-01-11 by ivanova\n$/);
      expect(r.skipped).toMatch(/^skipped: Letter to ceo of stroymash \([0-9a-f-]{36}\): уехал в отпуск\n$/);
      expect(r.history.split('\n')[0]).toMatch(/^when {2,}what {2,}date {2,}by {2,}client {2,}id {2,}touch {2,}note$/);
      expect(r.history).toMatch(/ done {2,}2027-01-\d\d/);
      expect(r.after).toMatch(/\[done\] Call buyer of stroymash/);
      expectAligned(r.table);
    }
  });

  it('Russian: the plan\'s and the history\'s headers, kinds, "all day", statuses and counts; the columns still line up', async () => {
    const r = await run('ru');
    expect(r.table.split('\n')[0]).toMatch(/^дата {8}время {2,}сотрудник {2,}вид {2,}клиент {3,}заголовок {2,}id$/);
    expect(r.table).toMatch(/^2027-01-\d\d {2,}весь день {2,}ivanova {2,}запрос отзыва {2,}stroymash {2,}Feedback from ceo of stroymash {2,}[0-9a-f]{8}$/m);
    expect(r.table).toMatch(/ звонок {2,}stroymash/);
    expect(r.table).toMatch(/ письмо {2,}stroymash/);
    expect(r.table).toMatch(/\n\d+ касани(е|я|й)\n$/);
    expect(r.table).not.toMatch(/all day|touches|\bfeedback\b/);
    expectAligned(r.table);
    expect(r.done).toMatch(/^выполнено: Call buyer of stroymash \([0-9a-f-]{36}\) — 2027-01-11, ivanova\n$/);
    expect(r.skipped).toMatch(/^пропущено: Letter to ceo of stroymash \([0-9a-f-]{36}\): уехал в отпуск\n$/);
    expect(r.history.split('\n')[0]).toMatch(/^когда {2,}что {2,}дата {2,}кто {2,}клиент {2,}id {2,}касание {2,}заметка$/);
    expect(r.history).toMatch(/ выполнено {2,}2027-01-\d\d/);
    expect(r.history).toMatch(/ пропущено {2,}2027-01-\d\d.*уехал в отпуск/);
    expect(r.after).toMatch(/\[выполнено\] Call buyer of stroymash/);
    expect(r.after).toMatch(/\[пропущено\] Letter to ceo of stroymash/);
    // What touchbase itself writes in the history (the morning check's move) is in Russian too, as on the dashboard.
    const checks = await cli('checks', '--config', r.config, '--db', r.db, '--now', '2027-02-15T07:00:00+03:00');
    expect(checks.code, checks.err).toBe(0);
    const history = (await cli('history', '--config', r.config, '--db', r.db)).out;
    expect(history).toMatch(/просрочено с \d\d\.\d\d\.2027: перенесено на следующий/);
    expect(history).not.toMatch(/overdue since|moved to the next working day/);
  });

  it('Romanian, with its diacritics', async () => {
    const r = await run('ro');
    expect(r.table.split('\n')[0]).toMatch(/^dată {8}ora {2,}angajat {2,}tip {2,}client {3,}titlu {2,}id$/);
    expect(r.table).toMatch(/^2027-01-\d\d {2,}toată ziua {2,}ivanova {2,}cerere de feedback {2,}stroymash {2,}Feedback from ceo of stroymash {2,}[0-9a-f]{8}$/m);
    expect(r.table).toMatch(/ apel {2,}stroymash/);
    expect(r.table).toMatch(/\n\d+ (de )?interacțiun(e|i)\n$/);
    expectAligned(r.table);
    expect(r.done).toMatch(/^realizată: Call buyer of stroymash \([0-9a-f-]{36}\) pe 2027-01-11, de către ivanova\n$/);
    expect(r.skipped).toMatch(/^omisă: Letter to ceo of stroymash/);
    expect(r.history.split('\n')[0]).toMatch(/^când {2,}ce {2,}dată {2,}realizată de {2,}client {2,}id {2,}interacțiune {2,}notă$/);
    expect(r.history).toMatch(/ realizată {2,}2027-01-\d\d/);
    expect(r.history).toMatch(/ omisă {2,}2027-01-\d\d/);
    expect(r.after).toMatch(/\[realizată\] Call buyer of stroymash/);
  });

  it('JSON and the touches\' CSV are the same text in every language: English keys, stable codes', async () => {
    const [en, ru, ro] = [await run('en'), await run('ru'), await run('ro')];
    expect(ru.json).toBe(en.json);
    expect(ro.json).toBe(en.json);
    expect(ru.csv).toBe(en.csv);
    expect(ro.csv).toBe(en.csv);
    expect(ru.csv.split('\n')[0]).toBe('id,source,kind,client,client_name,contacts,contact_names,contact_emails,employee,employee_name,employee_email,date,start,end,allDay,title,window_from,window_to,status,overdue');
    expect(JSON.parse(ru.json)).toContainEqual(expect.objectContaining({ kind: 'feedback', allDay: true, status: 'planned' }));
    for (const r of [en, ru, ro]) expect(r.historyJson.map((l) => l.type).filter((t) => t !== 'planned')).toEqual(['done', 'skipped']);
  });

  it('event and checks: what they recorded and did, in Russian and Romanian; English as before', async () => {
    const said = async (language: Language) => {
      const config = writeConfig({ 'touchbase.yaml': { ...workflowCompany(), settings: { ...workflowCompany().settings, language } } });
      const db = join(tempDir(), 'touchbase.sqlite');
      const args = ['--config', config, '--db', db, '--client', 'alpha', '--ref', 'SO-1', '--at', '2027-03-02T11:00:00+03:00', '--now', '2027-03-02T11:00:00+03:00'];
      const first = await cli('event', 'order.shipped', ...args);
      expect(first.code, first.err).toBe(0);
      const again = await cli('event', 'order.shipped', ...args);
      const checks = await cli('checks', '--digest', '--config', config, '--db', db, '--now', '2027-03-08T06:30:00+03:00');
      expect(checks.code, checks.err).toBe(0);
      return { first: first.out, again: again.out, checks: checks.out };
    };
    const en = await said('en');
    expect(en.first).toMatch(/^event order\.shipped for alpha \(ref SO-1\) recorded:\n {2}[0-9a-f]{8} {2}\S+ {2}\w+ {2}.+ \(due by 2027-03-\d\d\)\n {2}in the calendar now\n$/);
    expect(en.again).toMatch(/^event order\.shipped for alpha \(ref SO-1\) was already recorded; nothing new:\n/);
    // Without --ref, the event is known by its time: said as the company's clock reads it, not as the UTC instant it is kept by (QA 2026-12-06).
    const config = writeConfig({ 'touchbase.yaml': workflowCompany() });
    const timed = await cli('event', 'order.shipped', '--config', config, '--db', join(tempDir(), 'touchbase.sqlite'), '--client', 'alpha', '--at', '2027-03-02T07:30:00Z', '--now', '2027-03-02T11:00:00+03:00');
    expect(timed.code, timed.err).toBe(0);
    expect(timed.out).toMatch(/^event order\.shipped for alpha \(ref 2027-03-02 10:30 \+03:00\) recorded:\n/);
    expect(en.checks).toMatch(/^overdue: \d+ moved forward \(the next working days with room\), \d+ escalated\nsilence: \d+ silent clients?, \d+ new alerts?, \d+ escalated; \d+ alerts? cleared\ndigest: \d+ new\n"touchbase sync" \(or the daemon\) puts them into the calendars\.\n$/);

    const ru = await said('ru');
    expect(ru.first).toMatch(/^событие order\.shipped по клиенту alpha \(номер SO-1\) записано:\n {2}[0-9a-f]{8} {2}\S+ {2}\w+ {2}.+ \(срок — до 2027-03-\d\d\)\n {2}уже в календаре\n$/);
    expect(ru.again).toMatch(/^событие order\.shipped по клиенту alpha \(номер SO-1\) уже было записано; ничего нового:\n/);
    expect(ru.checks).toMatch(/^просроченные: перенесено вперёд — \d+ \(на ближайшие рабочие дни, где есть место\), эскалировано — \d+\nбез контакта: \d+ клиент(а|ов)?; \d+ нов(ое|ых) напоминани(е|я|й); эскалировано — \d+; снято: \d+ напоминани(е|я|й)\nсводка: новых — \d+\n«touchbase sync» \(или демон\) внесёт их в календари\.\n$/);

    const ro = await said('ro');
    expect(ro.first).toMatch(/^evenimentul order\.shipped pentru alpha \(referința SO-1\) a fost înregistrat:\n.+\(termen: 2027-03-\d\d\)\n {2}este deja în calendar\n$/);
    expect(ro.again).toContain('era deja înregistrat; nimic nou:');
    expect(ro.checks).toMatch(/^restanțe: mutate mai departe — \d+ .+, escaladate — \d+\nfără contact: .+; închise: .+\nrezumat: noi — \d+\n„touchbase sync” \(sau daemonul\) le pune în calendare\.\n$/);
  });

  it('status: a sync stopped for a newer configuration\'s (a save during it) is shown interrupted, not failed (QA: an ordinary edit read as a failure)', async () => {
    const db = join(tempDir(), 'touchbase.sqlite');
    const opened = await openMigrated(db);
    try {
      expect(await claimRun(opened, 'sync', '2027-03-01T08:00:00.000Z')).toBe(true);
      expect(await recordFailure(opened, 'sync', '2027-03-01T08:00:03.000Z', 3000, `${SUPERSEDED_RUN}; the sync for it runs at once`, '2027-03-01T08:00:03.000Z', false)).toBe(0);
    } finally {
      await opened.destroy();
    }
    const out = (await cli('status', '--db', db)).out;
    expect(out).toMatch(/^sync {2,}.*interrupted/m);
    expect(out).not.toMatch(/FAILED/);
  });

  it('status: in the language of the configuration it is given; with the database alone, English as before', async () => {
    const db = join(tempDir(), 'touchbase.sqlite');
    const opened = await openMigrated(db);
    try {
      expect(await claimRun(opened, 'sync', '2027-03-01T08:00:00.000Z')).toBe(true);
      expect(await recordCutShort(opened, '2027-03-01T08:01:00.000Z')).toEqual(['sync']);
    } finally {
      await opened.destroy();
    }
    const alone = await cli('status', '--db', db);
    expect(alone.code, alone.err).toBe(0);
    expect(alone.out).toMatch(/^daemon: not running/);
    // No daemon ever ran on it: nothing was applied, and status does not say it was.
    expect(alone.out).toContain('configuration: no daemon has run on this database yet ("touchbase validate" checks the files)\n');
    expect(alone.out).toMatch(/^job {2,}schedule {2,}last run {2,}result {2,}next run {2,}what it did$/m);
    expect(alone.out).toMatch(/^sync {2,}.*interrupted/m);
    expect(alone.out).toMatch(/^calendar writes: 0 waiting \(0 due now\), 0 refused by the calendar/m);
    // Given an English configuration: the same text.
    expect((await cli('status', '--config', company('en'), '--db', db)).out).toBe(alone.out);

    const ru = await cli('status', '--config', company('ru'), '--db', db);
    expect(ru.code, ru.err).toBe(0);
    expect(ru.out).toMatch(/^демон: не запущен/);
    expect(ru.out).toContain('конфигурация: демон на этой базе ещё не запускался (файлы проверяет «touchbase validate»)\n');
    expect(ru.out).toMatch(/^задача {2,}расписание {2,}последний запуск {2,}результат {2,}следующий запуск {2,}что сделано$/m);
    expect(ru.out).toMatch(/^sync {2,}.*прервано/m);
    expect(ru.out).toMatch(/^записи в календари: ожидают — 0 \(пора записать — 0\), отклонены календарём — 0/m);

    const ro = await cli('status', '--config', company('ro'), '--db', db);
    expect(ro.out).toMatch(/^daemon: nu rulează/);
    expect(ro.out).toContain('configurație: niciun daemon nu a rulat încă pe această bază de date (fișierele le verifică „touchbase validate”)\n');
    expect(ro.out).toMatch(/^sarcină {2,}program {2,}ultima rulare {2,}rezultat {2,}următoarea rulare {2,}ce a făcut$/m);
    expect(ro.out).toMatch(/^sync {2,}.*întreruptă/m);
    expect(ro.out).toMatch(/^scrieri în calendare: 0 în așteptare/m);

    // A configuration that cannot be read does not stop the status: it is then English.
    const broken = writeConfig({ 'touchbase.yaml': 'settings: [' });
    const unread = await cli('status', '--config', broken, '--db', db);
    expect(unread.code, unread.err).toBe(0);
    expect(unread.out).toBe(alone.out);
  });
});
