import { describe, expect, it } from 'vitest';
import { periodsOverlapping } from '../../src/planner/periods.ts';
import { parseEasterRule, parseWeekdayRule, professionalHolidayDate, publicHolidays } from '../../src/planner/public-holidays.ts';
import { parseDuration } from '../../src/domain/duration.ts';
import { publicHolidayName } from '../../src/i18n/holiday-names.ts';

const span = (p: { from: string; to: string }) => `${p.from}..${p.to}`;


/** A country's public holiday of 2027, by its slug, as a reader of the language sees it named. */
function holidayNamed(country: string, slug: string, language: 'ro' | 'ru'): string {
  const h = publicHolidays(country, 2027).find((x) => x.slug === slug)!;
  return publicHolidayName(country, h.date, language, h.name);
}

describe('calendar-aligned periods', () => {
  it('1 month is each month, 3 months each quarter, 6 months each half-year', () => {
    expect(periodsOverlapping(parseDuration('1 month')!, '2027-01-15', '2027-03-02').map(span))
      .toEqual(['2027-01-01..2027-01-31', '2027-02-01..2027-02-28', '2027-03-01..2027-03-31']);
    expect(periodsOverlapping(parseDuration('3 months')!, '2027-02-10', '2027-05-01').map(span))
      .toEqual(['2027-01-01..2027-03-31', '2027-04-01..2027-06-30']);
    expect(periodsOverlapping(parseDuration('6 months')!, '2027-01-01', '2027-12-31').map(span))
      .toEqual(['2027-01-01..2027-06-30', '2027-07-01..2027-12-31']);
  });

  it('1 year is each calendar year, leap day included', () => {
    expect(periodsOverlapping(parseDuration('1 year')!, '2028-02-29', '2028-02-29').map(span)).toEqual(['2028-01-01..2028-12-31']);
  });

  it('N weeks are consecutive ISO weeks starting on Mondays', () => {
    const periods = periodsOverlapping(parseDuration('2 weeks')!, '2027-01-01', '2027-02-01');
    for (const p of periods) expect(new Date(`${p.from}T00:00:00Z`).getUTCDay()).toBe(1);
    expect(periods.every((p, i) => i === 0 || p.from > periods[i - 1]!.to)).toBe(true);
  });

  it('N days are blocks counted from the client\'s since', () => {
    expect(periodsOverlapping(parseDuration('10 days')!, '2027-01-01', '2027-01-15', '2026-12-25').map(span))
      .toEqual(['2026-12-25..2027-01-03', '2027-01-04..2027-01-13', '2027-01-14..2027-01-23']);
  });
});

describe('holidays', () => {
  it('"2nd sunday of august" and "last friday of july" fall on the right days', () => {
    const builders = { id: 'b', name: 'Builders', date: undefined, rule: parseWeekdayRule('2nd sunday of august'), countries: undefined, industries: undefined };
    const sysadmin = { ...builders, rule: parseWeekdayRule('last friday of july') };
    expect(professionalHolidayDate(builders, 2027)).toBe('2027-08-08');
    expect(professionalHolidayDate(builders, 2026)).toBe('2026-08-09');
    expect(professionalHolidayDate(sysadmin, 2027)).toBe('2027-07-30');
    expect(professionalHolidayDate(sysadmin, 2026)).toBe('2026-07-31');
  });

  it('a holiday that moves with Easter: Orthodox (the Julian computus) or western, a number of days from it (QA: Russia lists no Easter)', () => {
    const easter = (rule: string) => ({ id: 'e', name: 'E', date: undefined, rule: parseEasterRule(rule), countries: undefined, industries: undefined });
    // Orthodox Easter: 2 May 2027, 16 April 2028, 12 April 2026; western: 28 March 2027.
    expect([2026, 2027, 2028].map((y) => professionalHolidayDate(easter('orthodox easter'), y))).toEqual(['2026-04-12', '2027-05-02', '2028-04-16']);
    expect(professionalHolidayDate(easter('western easter'), 2027)).toBe('2027-03-28');
    expect(professionalHolidayDate(easter('Catholic Easter'), 2027)).toBe('2027-03-28');
    // Trinity (49 days on) and Good Friday (2 days before), with or without spaces and "day".
    expect(professionalHolidayDate(easter('orthodox easter + 49 days'), 2027)).toBe('2027-06-20');
    expect(professionalHolidayDate(easter('western easter -2 days'), 2027)).toBe('2027-03-26');
    expect(professionalHolidayDate(easter('orthodox easter +1 day'), 2027)).toBe('2027-05-03');
    // Up to 79 days either way (Corpus Christi is + 60): none reaches into another year, where a year would have two or none.
    expect(professionalHolidayDate(easter('western easter + 60 days'), 2027)).toBe('2027-05-27');
    expect(professionalHolidayDate(easter('western easter - 79 days'), 2027)).toBe('2027-01-08');
    expect(parseEasterRule('western easter - 90 days')).toBeUndefined();
    expect(parseEasterRule('orthodox easter + 260 days')).toBeUndefined();
    // Which Easter is meant is said: a bare "easter" is not a rule.
    expect(parseEasterRule('easter')).toBeUndefined();
    expect(parseEasterRule('orthodox easter + 49')).toBeUndefined();
  });

  it('a 5th weekday that a month lacks does not occur; 02-29 is 29 February in leap years and 28 February in others', () => {
    const fifth = { id: 'x', name: 'X', date: undefined, rule: parseWeekdayRule('5th monday of february'), countries: undefined, industries: undefined };
    expect(professionalHolidayDate(fifth, 2027)).toBeUndefined();
    const leap = { ...fifth, rule: undefined, date: { month: 2, day: 29 } };
    expect(professionalHolidayDate(leap, 2027)).toBe('2027-02-28');
    expect(professionalHolidayDate(leap, 2028)).toBe('2028-02-29');
    expect(professionalHolidayDate(leap, 2100)).toBe('2100-02-28');
  });

  it('public holidays come per day, with multi-day holidays spelled out', () => {
    const ru = publicHolidays('RU', 2027).map((h) => h.date);
    expect(ru).toEqual(expect.arrayContaining(['2027-01-01', '2027-01-02', '2027-01-03', '2027-01-07', '2027-03-08', '2027-11-04']));
    expect(publicHolidays('RO', 2027).map((h) => h.slug)).toContain('national-holiday');
    expect(publicHolidays('MD', 2027).map((h) => h.date)).toContain('2027-08-27');
  });

  it('in Russia a holiday on a weekend gives its day off on the next working day (Labour Code art. 112), the New Year days excepted, and only once', () => {
    const days = (year: number) => publicHolidays('RU', year).map((h) => h.date);
    // 2027: 1 May a Saturday, 9 May a Sunday, 12 June a Saturday.
    expect(days(2027)).toEqual(expect.arrayContaining(['2027-05-03', '2027-05-10', '2027-06-14']));
    // 2026: 8 March a Sunday (date-holidays has its Monday already: not a second one), 9 May a Saturday.
    expect(days(2026).filter((d) => d >= '2026-03-01' && d <= '2026-05-31')).toEqual(['2026-03-08', '2026-03-09', '2026-05-01', '2026-05-09', '2026-05-11']);
    // 2027's 2 and 3 January are a weekend inside the New Year days: no day off is added for them.
    expect(days(2027).filter((d) => d <= '2027-01-31')).toEqual(['2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04', '2027-01-05', '2027-01-06', '2027-01-07', '2027-01-08']);
    // The holiday a campaign names is the day itself, not its substitute.
    expect(publicHolidays('RU', 2027).find((h) => h.slug === 'victory-day')!.date).toBe('2027-05-09');
    expect(publicHolidays('RO', 2027).some((h) => h.name.includes('substitute'))).toBe(false);
  });

  it('Moldova: 1 June is a day off from 2024 (Labour Code art. 111 as amended in 2023), and a campaign can name it', () => {
    const june1 = (year: number) => publicHolidays('MD', year).find((h) => h.date === `${year}-06-01`);
    expect(june1(2027)).toEqual({ date: '2027-06-01', slug: 'childrens-day', name: "Children's Day" });
    expect(june1(2023)).toBeUndefined();
    expect(publicHolidays('MD', 2027).filter((h) => h.date === '2027-06-01')).toHaveLength(1);
    // Both days of Christmas in the old style.
    expect(publicHolidays('MD', 2027).filter((h) => h.slug === 'orthodox-christmas').map((h) => h.date)).toEqual(['2027-01-07', '2027-01-08']);
  });

  it('a substitute day off and a day the data names only by its first are named in the language, not in English', () => {
    // Victory Day on Sunday 9 May 2027 gives Monday 10 May off (public-holidays.ts adds it).
    const substitute = publicHolidays('RU', 2027).find((h) => h.date === '2027-05-10')!;
    expect(substitute.name).toBe('Victory Day (substitute day)');
    expect(publicHolidayName('RU', substitute.date, 'ru', substitute.name)).toBe('День Победы (перенесённый выходной)');
    expect(publicHolidayName('RU', substitute.date, 'en', substitute.name)).toBe('Victory Day (substitute day)');
    const newYearHoliday = publicHolidays('RU', 2027).find((h) => h.date === '2027-01-04')!;
    expect(publicHolidayName('RU', newYearHoliday.date, 'ru', newYearHoliday.name)).not.toMatch(/[A-Za-z]/);
    // A name the data has in no form stays as it is.
    expect(publicHolidayName('RU', '2027-07-01', 'ru', 'Some Day')).toBe('Some Day');
  });

  it('Moldova\'s holidays are named in Romanian with their diacritics, and in Russian rather than Romanian', () => {
    const name = (slug: string, language: 'ro' | 'ru') => holidayNamed('MD', slug, language);
    expect(name('independence-day', 'ro')).toBe('Ziua Independenței');
    expect(name('independence-day', 'ru')).toBe('День независимости');
    expect(name('orthodox-christmas', 'ro')).toBe('Crăciunul pe stil vechi');
    expect(name('childrens-day', 'ro')).toBe('Ziua Ocrotirii Copilului');
    expect(name('childrens-day', 'ru')).toBe('День защиты детей');
    // Names the data has right stay its own.
    expect(name('easter-monday', 'ro')).toBe('A doua zi de Paști');
    // The data's two names for 1 December ("Ziua națională, Ziua Marii Uniri") are one in a greeting; its "Ziua muncii" is capitalised (QA 2026-12-06).
    expect(publicHolidayName('RO', '2027-12-01', 'ro', 'National holiday')).toBe('Ziua Națională a României');
    expect(publicHolidayName('RO', '2027-05-01', 'ro', 'Labour Day')).toBe('Ziua Muncii');
    // One spelling of New Year in Romanian, for Romania as for Moldova and Russia (the data has "Anul nou" for Romania; QA camp F7).
    expect(['RO', 'MD', 'RU'].map((country) => publicHolidayName(country, '2027-01-01', 'ro', "New Year's Day"))).toEqual(['Anul Nou', 'Anul Nou', 'Anul Nou']);
    // No Romanian word without its diacritics (ă â î ș ț), none with the cedilla forms (ş ţ).
    for (const h of publicHolidays('MD', 2027)) {
      const ro = publicHolidayName('MD', h.date, 'ro', h.name);
      expect(ro, h.slug).not.toMatch(/[şţŞŢ]|Craciun|Independentei|Internationala/);
      expect(publicHolidayName('MD', h.date, 'ru', h.name), h.slug).toMatch(/[а-яё«]/i);
    }
  });

  it('Russia\'s holidays read in Romanian and Romania\'s read in Russian are in that language (a company in Chișinău greets both)', () => {
    for (const h of publicHolidays('RU', 2027)) {
      const ro = publicHolidayName('RU', h.date, 'ro', h.name);
      expect(ro, h.slug).not.toMatch(/[а-яё]/i);
      expect(ro, h.slug).not.toMatch(/[şţŞŢ]|Internationala/);
    }
    expect(publicHolidayName('RU', '2027-03-08', 'ro', "International Women's Day")).toBe('Ziua Internațională a Femeii');
    for (const h of publicHolidays('RO', 2027)) expect(publicHolidayName('RO', h.date, 'ru', h.name), h.slug).toMatch(/^[^a-z]*[а-яё]/i);
    expect(publicHolidayName('RO', '2027-12-01', 'ru', 'National holiday')).toBe('Национальный день Румынии (День Великого объединения)');
  });

  it('the holidays of a country in another language are named in the reader\'s: its usual name, or the English one, never a script they cannot read', () => {
    const latin = /^[\p{Script=Latin}\P{L}]*$/u;
    for (const country of ['UA', 'BY', 'KZ', 'BG']) {
      for (const h of publicHolidays(country, 2027)) {
        const ro = publicHolidayName(country, h.date, 'ro', h.name);
        expect(ro, `${country} ${h.slug}`).toMatch(latin);
        expect(ro, `${country} ${h.slug}`).not.toMatch(/Independentei|Internationala|^Anul nou|^Ziua muncii/);
        expect(publicHolidayName(country, h.date, 'ru', h.name), `${country} ${h.slug}`).toMatch(/\p{Script=Cyrillic}/u);
      }
    }
    const ukraine = (slug: string, language: 'ro' | 'ru') => holidayNamed('UA', slug, language);
    // The data has these in Ukrainian, without diacritics, or in Romanian for a Russian reader (QA 2026-12-06).
    expect(ukraine('orthodox-easter', 'ro')).toBe('Paștele');
    expect(ukraine('orthodox-easter', 'ru')).toBe('Пасха');
    expect(ukraine('independence-day', 'ro')).toBe('Ziua Independenței');
    expect(ukraine('labour-day', 'ru')).toBe('День труда');
    expect(ukraine('victory-day', 'ro')).toBe('Ziua Victoriei');
    // A name with no usual translation, which the data has only in Kazakh: English for a Romanian reader.
    expect(publicHolidayName('KZ', '2027-07-06', 'ro', 'Capital City Day')).toBe('Capital City Day');
    // A country's own language keeps the data's names.
    expect(publicHolidayName('RU', '2027-06-12', 'ru', 'Russia Day')).toBe('День России');
  });
});

describe('days a government decree moves (QA: 31 December 2026 is a day off in Russia, and touches were planned on it)', () => {
  it('the decrees known here are days off; the configuration\'s calendar_changes add days off and working days, per country', async () => {
    const { WorkCalendar } = await import('../../src/planner/work-calendar.ts');
    const known = new WorkCalendar([1, 2, 3, 4, 5]);
    // Thursday 31 December 2026: off in Russia by decree, a working day in Romania.
    expect(known.isWorkday('2026-12-31', 'RU', 'RU')).toBe(false);
    expect(known.isWorkday('2026-12-31', 'RO', 'RO')).toBe(true);
    expect(known.isWorkday('2026-12-30', 'RU', 'RU')).toBe(true);
    const changed = new WorkCalendar([1, 2, 3, 4, 5], { RU: { off: ['2027-11-05'], working: ['2027-11-13'] } });
    expect(changed.isWorkday('2027-11-05', 'RU', 'RU')).toBe(false);
    // Saturday 13 November 2027 made a working day: with a Russian client, not with a Romanian one.
    expect(changed.isWorkday('2027-11-13', 'RU', 'RU')).toBe(true);
    expect(changed.isWorkday('2027-11-13', 'RU', 'RO')).toBe(false);
    expect(changed.workdaysBetween('2027-11-01', '2027-11-14', 'RU', 'RU')).toEqual(['2027-11-01', '2027-11-02', '2027-11-03', '2027-11-08', '2027-11-09', '2027-11-10', '2027-11-11', '2027-11-12', '2027-11-13']);
  });

  it('a plan past the years whose decrees are known says so, until the configuration gives that year\'s', async () => {
    const { undecreedNote } = await import('../../src/planner/work-calendar.ts');
    const { configOf, SETTINGS, employee, client } = await import('../helpers/config-folder.ts');
    const company = (changes?: unknown) => configOf({ settings: { ...SETTINGS.settings, ...(changes ? { calendar_changes: changes } : {}) }, employees: [employee('am', 'account_manager')], clients: [client('c1')] });
    expect(undecreedNote(company(), '2026-12-01', '2026-12-31')).toBeUndefined();
    expect(undecreedNote(company(), '2026-12-01', '2028-01-31')).toMatch(/^days off moved by government decree are not known to touchbase for RU 2027, RU 2028 /);
    expect(undecreedNote(company({ RU: { off: ['2027-01-08'] } }), '2026-12-01', '2027-12-31')).toBeUndefined();
  });
});
