import { translator } from '../../src/i18n/translator.ts';
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Language } from '../../src/domain/types.ts';
import { planTouches } from '../../src/planner/plan.ts';
import { NO_HISTORY } from '../../src/planner/history.ts';
import { runDailyWorkflows } from '../../src/workflows/daily.ts';
import { runWeeklyDigest } from '../../src/workflows/digest.ts';
import { eventTouches } from '../../src/workflows/trigger-events.ts';
import { SETTINGS, client, configOf, employee, tempDir, writeConfig } from '../helpers/config-folder.ts';
import { tempDatabase } from '../helpers/temp-database.ts';
import { workflowCompany } from '../helpers/workflow-company.ts';
import { cli } from '../helpers/run-cli.ts';
import { englishWords, leftovers, words } from '../helpers/english-leftovers.ts';

const NOW = DateTime.fromISO('2027-01-11T08:00:00+03:00', { setZone: true });

/** A company whose rules, campaigns and handover use the built-in titles (none written in the YAML but one). */
function company(language: Language) {
  return {
    settings: { ...SETTINGS.settings, language },
    employees: [employee('ivanova', 'account_manager'), employee('sidorov', 'account_manager'), employee('petrov', 'sales_director')],
    clients: [
      client('stroymash', { roles: ['ceo', 'buyer'], team: { account_manager: 'ivanova' } }),
      client('carpati', { country: 'RO', timezone: 'Europe/Bucharest', roles: ['ceo', 'buyer'], team: { account_manager: 'sidorov' } }),
    ],
    rules: [
      ...(['meeting', 'call', 'letter', 'greeting', 'feedback', 'news'] as const).map((kind) => ({ id: `r-${kind}`, ours: 'account_manager', theirs: 'buyer', kind, every: '1 month' })),
      { id: 'own-title', ours: 'sales_director', theirs: 'ceo', kind: 'meeting', every: '3 months', title: 'Lunch with {contacts}' },
    ],
    campaigns: [
      { id: 'national', holiday: 'national-holiday', ours: 'account_manager', theirs: ['ceo'], for: { country: 'RO' } },
      { id: 'march', on: '03-08', ours: 'account_manager', theirs: ['ceo'] },
      { id: 'spring-news', on: '04-15', kind: 'news', ours: 'account_manager', theirs: ['ceo'] },
    ],
    handovers: [{ from: 'ivanova', to: 'sidorov', on: '2027-03-15' }],
  };
}

function plan(language: Language) {
  return planTouches(configOf(company(language)), NO_HISTORY, { from: '2027-01-11', to: '2027-12-31' }, NOW).touches;
}

describe('the built-in parts of titles in the company\'s language', () => {
  it('Russian: each kind, a holiday greeting, the handover letters; a title written in the YAML stays as written', () => {
    const touches = plan('ru');
    const title = (source: string, client = 'stroymash') => touches.find((t) => t.source === source && t.client === client)!.title;
    expect(title('rule:r-meeting')).toBe('stroymash Ltd: встреча — buyer of stroymash');
    expect(title('rule:r-call')).toBe('stroymash Ltd: звонок — buyer of stroymash');
    expect(title('rule:r-feedback')).toBe('stroymash Ltd: запросить отзыв — buyer of stroymash');
    expect(title('rule:own-title')).toBe('Lunch with ceo of stroymash');
    expect(title('campaign:national', 'carpati')).toBe('carpati Ltd: поздравление с праздником «Национальный день Румынии (День Великого объединения)» — ceo of carpati');
    expect(title('campaign:march')).toBe('stroymash Ltd: поздравление — ceo of stroymash');
    // A campaign of news is titled as news, not as a greeting.
    expect(title('campaign:spring-news')).toBe('stroymash Ltd: рассказать о новостях — ceo of stroymash');
    const letters = touches.filter((t) => t.source === 'handover:ivanova:sidorov').map((t) => t.title);
    expect(letters).toContain('stroymash Ltd: сообщить о смене менеджера (Emp ivanova → Emp sidorov) — buyer of stroymash');
    expect(letters).toContain('stroymash Ltd: письмо-знакомство от нового менеджера (дела передаёт Emp ivanova) — ceo of stroymash');
  });

  it('Romanian, with its diacritics; English as before', () => {
    const ro = plan('ro');
    expect(ro.find((t) => t.source === 'rule:r-news' && t.client === 'stroymash')!.title).toBe('stroymash Ltd: noutăți pentru buyer of stroymash');
    expect(ro.find((t) => t.source === 'campaign:national')!.title).toBe('carpati Ltd: felicitare de Ziua Națională a României pentru ceo of carpati');
    expect(ro.find((t) => t.source === 'handover:ivanova:sidorov' && t.series.endsWith('|intro'))!.title).toMatch(/^stroymash Ltd: scrisoare de prezentare către .+, ca nou interlocutor, preluând relația de la Emp ivanova$/);
    const en = plan('en');
    expect(en.find((t) => t.source === 'rule:r-meeting' && t.client === 'stroymash')!.title).toBe('stroymash Ltd: meeting with buyer of stroymash');
    expect(en.find((t) => t.source === 'campaign:national')!.title).toBe('carpati Ltd: National holiday greeting to ceo of carpati');
  });
});

describe('holiday names in greeting titles (QA camp F7)', () => {
  function greetings(language: Language) {
    const config = configOf({
      settings: { ...SETTINGS.settings, language },
      employees: [employee('ivanova', 'account_manager')],
      clients: [
        client('carpati', { country: 'RO', timezone: 'Europe/Bucharest', roles: ['ceo'], team: { account_manager: 'ivanova' } }),
        client('codru', { country: 'MD', timezone: 'Europe/Chisinau', roles: ['ceo'], team: { account_manager: 'ivanova' } }),
      ],
      campaigns: [
        ...['easter-sunday', 'christmas-day', 'orthodox-christmas', 'memorial-day', 'national-language-day'].map((holiday) => ({ id: holiday, holiday, ours: 'account_manager', theirs: ['ceo'] })),
        { id: 'own', holiday: 'easter-sunday', ours: 'account_manager', theirs: ['ceo'], title: 'Urare de {holiday.name}: {contacts}' },
      ],
    });
    const touches = planTouches(config, NO_HISTORY, { from: '2027-01-11', to: '2027-12-31' }, NOW).touches;
    return (campaign: string, clientId: string) => touches.find((t) => t.source === `campaign:${campaign}` && t.client === clientId)?.title;
  }

  it('Romanian: after "de" the name without its article ("de Paște", "de Crăciun pe stil vechi"); a name with a genitive, and a title of the campaign\'s own, as they are', () => {
    const title = greetings('ro');
    expect(title('easter-sunday', 'carpati')).toBe('carpati Ltd: felicitare de Paște pentru ceo of carpati');
    expect(title('christmas-day', 'carpati')).toBe('carpati Ltd: felicitare de Crăciun pentru ceo of carpati');
    expect(title('orthodox-christmas', 'codru')).toBe('codru Ltd: felicitare de Crăciun pe stil vechi pentru ceo of codru');
    expect(title('christmas-day', 'codru')).toBe('codru Ltd: felicitare de Crăciun pe stil nou pentru ceo of codru');
    expect(title('memorial-day', 'codru')).toBe('codru Ltd: felicitare de Paștele Blajinilor pentru ceo of codru');
    expect(title('own', 'carpati')).toBe('Urare de Paștele: ceo of carpati');
  });

  it('Russian: the name in «…» once, without "праздник" twice or quotes in quotes', () => {
    const title = greetings('ru');
    expect(title('national-language-day', 'codru')).toBe('codru Ltd: поздравление с праздником «Limba noastră» — ceo of codru');
    expect(title('easter-sunday', 'codru')).toBe('codru Ltd: поздравление с праздником «Пасха» — ceo of codru');
  });
});

describe('the workflows\' touches and the digest in the company\'s language', () => {
  for (const language of ['ru', 'ro'] as const) {
    it(`${language}: silence alerts, escalations, the digest and an event's touch have no English left over`, async () => {
      const sections = { ...workflowCompany(), settings: { ...workflowCompany().settings, language }, triggers: [{ id: 'shipped', event: 'order.shipped', ours: 'account_manager', theirs: 'buyer', kind: 'letter', within: '4 hours' }] };
      const config = configOf(sections);
      const english = englishWords(language, words(JSON.stringify(sections)));
      const db = await tempDatabase();
      const day = (d: string) => DateTime.fromISO(`${d}T07:00:00+03:00`, { setZone: true });
      await db.insertInto('touches').values({
        id: 'o1', source: 'rule:ceo-meeting', series: 'rule:ceo-meeting|alpha', kind: 'meeting', client_id: 'alpha', contact_ids: '["alpha-ceo0"]', employee_id: 'anna',
        date: '2027-05-20', start_at: '2027-05-20T10:00:00.000+03:00', end_at: '2027-05-20T11:00:00.000+03:00', all_day: 0, title: 'встреча', window_from: '2027-05-20',
        window_to: '2027-05-20', remind: '[]', status: 'planned', resolved_at: null, resolved_date: null, resolved_by: null, note: null,
        created_at: '2027-01-01T00:00:00Z', updated_at: '2027-01-01T00:00:00Z', moved_by_user: 0, overdue_from: null, body: null,
      }).execute();
      // Beta is planned for too (from January): silence counts from then, for both clients alike.
      await db.insertInto('touches').values({
        id: 'o2', source: 'rule:buyer-calls', series: 'rule:buyer-calls|beta', kind: 'call', client_id: 'beta', contact_ids: '["beta-buyer1"]', employee_id: 'oleg',
        date: '2027-07-20', start_at: '2027-07-20T10:00:00.000+03:00', end_at: '2027-07-20T10:15:00.000+03:00', all_day: 0, title: 'звонок', window_from: '2027-07-20',
        window_to: '2027-07-31', remind: '[]', status: 'planned', resolved_at: null, resolved_date: null, resolved_by: null, note: null,
        created_at: '2027-01-01T00:00:00Z', updated_at: '2027-01-01T00:00:00Z', moved_by_user: 0, overdue_from: null, body: null,
      }).execute();
      await runDailyWorkflows(db, config, day('2027-05-25'));
      await runDailyWorkflows(db, config, day('2027-06-02'));
      await runWeeklyDigest(db, config, day('2027-06-07'));
      const made = await db.selectFrom('touches').select(['source', 'title', 'body']).where('source', 'not like', 'rule:%').execute();
      expect(made.map((t) => t.source.split(':')[0]).sort()).toEqual(['digest', 'escalation', 'escalation', 'escalation', 'silence', 'silence']);
      const event = eventTouches(config, { name: 'order.shipped', client: 'alpha', ref: 'SO-1' }, day('2027-06-02')).touches[0]!;
      const text = [...made.flatMap((t) => [t.title, t.body ?? '']), event.title, event.body ?? ''].join('\n');
      expect(leftovers(text, english)).toEqual([]);
      // Dates as people of the language write them.
      expect(text).toContain('20.05.2027');
      expect(text).not.toMatch(/\b2027-05-20\b/);
    });
  }

  it('Russian: the silence alert and the digest read as a Russian director expects', async () => {
    const config = configOf({ ...workflowCompany({ rules: [] }), settings: { ...workflowCompany().settings, language: 'ru' } });
    const db = await tempDatabase();
    const done = (id: string, clientId: string, employee: string, contact: string, date: string) => ({
      id, source: 'rule:x', series: `rule:x|${clientId}`, kind: 'call', client_id: clientId, contact_ids: JSON.stringify([contact]), employee_id: employee,
      date, start_at: `${date}T10:00:00.000+03:00`, end_at: `${date}T10:15:00.000+03:00`, all_day: 0, title: 'звонок', window_from: date,
      window_to: date, remind: '[]', status: 'done' as const, resolved_at: `${date}T10:00:00Z`, resolved_date: date, resolved_by: employee, note: null,
      created_at: '2027-01-01T00:00:00Z', updated_at: '2027-01-01T00:00:00Z', moved_by_user: 0, overdue_from: null, body: null,
    });
    await db.insertInto('touches').values([done('d1', 'alpha', 'anna', 'alpha-buyer2', '2027-03-01'), done('d2', 'beta', 'oleg', 'beta-buyer1', '2027-04-20')]).execute();
    await runDailyWorkflows(db, config, DateTime.fromISO('2027-05-03T07:00:00+03:00'));
    const alert = await db.selectFrom('touches').selectAll().where('source', 'like', 'silence:%').executeTakeFirstOrThrow();
    expect(alert.title).toBe('alpha Ltd: нет контакта с 1 марта 2027\u202fг. — свяжитесь с клиентом');
    expect(alert.body).toBe('Никто из наших сотрудников не связывался с клиентом alpha Ltd с 01.03.2027: 63 дня на 03.05.2027. Последнее касание: «звонок», 01.03.2027, anna.');
    await runWeeklyDigest(db, config, DateTime.fromISO('2027-05-03T07:30:00+03:00'));
    const digest = await db.selectFrom('touches').selectAll().where('source', 'like', 'digest:%').executeTakeFirstOrThrow();
    expect(digest.title).toBe('Сводка за неделю: просрочено — 0, без контакта — 1, зависят от одного человека или ни от кого — 2');
    expect(digest.body).toContain('Неделя с 03.05.2027: 2 клиента.');
    expect(digest.body).toContain('Клиенты без контакта (1):\n- alpha Ltd: 63 дня, последнее касание: звонок (Emp anna)');
  });

  it('Romanian: the digest\'s title counts in Romanian plural forms (1 client, 2 clienți, 20 de clienți) (QA 2026-12-06)', async () => {
    const config = configOf({ ...workflowCompany({ rules: [] }), settings: { ...workflowCompany().settings, language: 'ro' } });
    const db = await tempDatabase();
    await runDailyWorkflows(db, config, DateTime.fromISO('2027-05-03T07:00:00+03:00'));
    await runWeeklyDigest(db, config, DateTime.fromISO('2027-05-03T07:30:00+03:00'));
    const digest = await db.selectFrom('touches').selectAll().where('source', 'like', 'digest:%').executeTakeFirstOrThrow();
    expect(digest.title).toBe('Rezumatul săptămânii: 0 restanțe, 0 clienți fără contact, 2 clienți dependenți de o singură persoană sau de nimeni');
    const t = translator('ro').t;
    expect([1, 2, 20].map((count) => t('digest.titleSingle', { count }))).toEqual([
      '1 client dependent de o singură persoană sau de nimeni', '2 clienți dependenți de o singură persoană sau de nimeni', '20 de clienți dependenți de o singură persoană sau de nimeni',
    ]);
    expect([1, 2, 58].map((count) => t('digest.titleOverdue', { count }))).toEqual(['1 restanță', '2 restanțe', '58 de restanțe']);
  });
});

describe('touchbase report in the company\'s language', () => {
  it('Russian headings and CSV headers (";" as Russian Excel expects); JSON keeps its keys', async () => {
    const dir = writeConfig({ 'touchbase.yaml': { ...workflowCompany(), settings: { ...workflowCompany().settings, language: 'ru' } } });
    const file = join(tempDir(), 't.sqlite');
    await cli('plan', '--config', dir, '--db', file, '--now', '2027-03-01T09:00:00+03:00');
    const at = ['--config', dir, '--db', file, '--now', '2027-06-15T09:00:00+03:00'];
    const table = (await cli('report', 'punctuality', ...at)).out;
    expect(table).toMatch(/^Пунктуальность на 15\.06\.2027: по сотрудникам/);
    expect(table).toMatch(/сотрудник +имя +вовремя +с опозданием +перенесено +пропущено +упущено +вовремя, %/);
    expect(table).toContain('доля вовремя: ');
    const csv = (await cli('report', 'coverage', '--format', 'csv', ...at)).out;
    expect(csv.split('\n')[0]).toBe('клиент;наша роль;кто;их роль;последнее выполненное;следующий срок;статус;клиент: вовремя');
    const rows = parseCsv(csv, { columns: true, delimiter: ';' }) as Record<string, string>[];
    expect(new Set(rows.map((r) => r['статус']))).toEqual(new Set(['есть просрочка']));
    const json = JSON.parse((await cli('report', 'coverage', '--format', 'json', ...at)).out) as { summary: Record<string, unknown>; rows: Record<string, unknown>[] };
    expect(Object.keys(json.summary)).toEqual(['role pairs', 'on time', 'late or never touched', 'share on time']);
    expect(json.rows[0]).toMatchObject({ status: 'late' });
    // --excel: what a double click in Excel reads right (a BOM before the Cyrillic header, CRLF).
    const excel = await cli('report', 'coverage', '--format', 'csv', '--excel', ...at);
    expect(excel.out.startsWith('\uFEFFклиент;наша роль;')).toBe(true);
    expect(excel.out.split('\r\n')).toHaveLength(csv.split('\n').length);
    expect((await cli('report', 'coverage', '--excel', ...at)).err).toContain('--excel: it is a form of CSV, so give --format csv');
  });
});

describe('the iCalendar feed in the company\'s language', () => {
  it.each([['ru', 'Emp anna — касания Test Co'], ['ro', 'Emp anna — interacțiuni Test Co'], ['en', 'Emp anna — Test Co touches']] as const)(
    '%s: the calendar a subscribed feed shows is named in it',
    async (language, name) => {
      const dir = writeConfig({ 'touchbase.yaml': { ...workflowCompany(), settings: { ...workflowCompany().settings, language, calendar: 'ics' } } });
      const feeds = join(tempDir(), 'feeds');
      const saved = process.env.TOUCHBASE_FEEDS_DIR;
      process.env.TOUCHBASE_FEEDS_DIR = feeds;
      try {
        const r = await cli('sync', '--config', dir, '--db', join(tempDir(), 't.sqlite'), '--now', '2027-03-01T09:00:00+03:00', '--no-read-calendars');
        expect(r.code, r.err).toBe(0);
      } finally {
        if (saved === undefined) delete process.env.TOUCHBASE_FEEDS_DIR;
        else process.env.TOUCHBASE_FEEDS_DIR = saved;
      }
      const texts = readdirSync(feeds).filter((f) => f.endsWith('.ics')).map((f) => readFileSync(join(feeds, f), 'utf8'));
      expect(texts.some((t) => t.includes(`X-WR-CALNAME:${name}\r\n`))).toBe(true);
    },
  );
});
