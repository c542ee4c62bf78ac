import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { CATALOGUES, translator } from '../../src/i18n/translator.ts';
import type { Message } from '../../src/i18n/en.ts';
import { englishWords, leftovers } from '../helpers/english-leftovers.ts';

const forms = (m: Message) => (typeof m === 'string' ? { other: m } : m);
const placeholders = (m: Message) => [...new Set(Object.values(forms(m)).flatMap((t) => [...(t ?? '').matchAll(/\{([^{}]+)\}/g)].map((x) => x[1]!)))].sort();

describe('the message catalogues', () => {
  for (const language of ['ru', 'ro'] as const) {
    it(`${language}: every key of the English catalogue, none empty, with the same placeholders`, () => {
      const catalogue = CATALOGUES[language];
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(CATALOGUES.en).sort());
      for (const [key, message] of Object.entries(CATALOGUES.en)) {
        const theirs = catalogue[key as keyof typeof catalogue];
        for (const text of Object.values(forms(theirs))) expect(text?.trim(), key).toBeTruthy();
        expect(placeholders(theirs), key).toEqual(placeholders(message));
      }
    });
  }

  it('plural forms: Russian has one, few and many; Romanian one, few and other (20 or more take "de")', () => {
    for (const [key, message] of Object.entries(CATALOGUES.en)) {
      if (typeof message === 'string') continue;
      const ru = CATALOGUES.ru[key as keyof typeof CATALOGUES.ru];
      const ro = CATALOGUES.ro[key as keyof typeof CATALOGUES.ro];
      expect(Object.keys(forms(ru)).sort(), key).toEqual(['few', 'many', 'one', 'other']);
      expect(Object.keys(forms(ro)).sort(), key).toEqual(['few', 'one', 'other']);
    }
    const ru = translator('ru');
    expect([1, 2, 5, 11, 21, 22, 25, 111].map((n) => ru.t('unit.days', { count: n }))).toEqual([
      '1 день', '2 дня', '5 дней', '11 дней', '21 день', '22 дня', '25 дней', '111 дней']);
    const ro = translator('ro');
    expect([1, 2, 19, 20, 101, 120].map((n) => ro.t('unit.days', { count: n }))).toEqual(['1 zi', '2 zile', '19 zile', '20 de zile', '101 zile', '120 de zile']);
    expect(translator('en').t('wf.silence.body', { client: 'Alfa', since: '2027-03-01', count: 1, today: '2027-03-02', last: '' })).toBe('Nobody of ours has done a touch with Alfa since 2027-03-01: 1 day on 2027-03-02. ');
  });

  it('the overview\'s cards agree with their figure: 1 client fără contact, 21 клиент, 3 клиента, 5 клиентов', () => {
    const label = (language: 'en' | 'ru' | 'ro', count: number) => translator(language).t('ui.card.silent', { count });
    expect([1, 2, 20].map((n) => label('ro', n))).toEqual(['client fără contact', 'clienți fără contact', 'de clienți fără contact']);
    expect([1, 3, 5, 21].map((n) => label('ru', n))).toEqual(['клиент без контакта', 'клиента без контакта', 'клиентов без контакта', 'клиент без контакта']);
    expect([1, 2].map((n) => label('en', n))).toEqual(['silent client', 'silent clients']);
  });

  it('Romanian is written with its comma-below ș and ț (not the Turkish cedilla ş, ţ), and uses ă, î, â', () => {
    const text = Object.values(CATALOGUES.ro).flatMap((m) => Object.values(forms(m))).join('\n');
    expect(text).not.toMatch(/[şţŞŢ]/);
    for (const letter of ['ș', 'ț', 'ă', 'î', 'â']) expect(text).toContain(letter);
  });

  it('Romanian calls a touch "interacțiune" everywhere, never "atingere" (QA: the overview\'s empty grid and the checks\' line)', () => {
    const text = Object.entries(CATALOGUES.ro).map(([key, m]) => `${key}: ${Object.values(forms(m)).join(' | ')}`);
    expect(text.filter((line) => /atinger/i.test(line))).toEqual([]);
  });

  it('dates and numbers in each language\'s conventions', () => {
    const [en, ru, ro] = [translator('en'), translator('ru'), translator('ro')];
    expect([en.date('2027-06-15'), ru.date('2027-06-15'), ro.date('2027-06-15')]).toEqual(['2027-06-15', '15.06.2027', '15.06.2027']);
    // A day is written without luxon, an instant through it: the same text as luxon's for every day.
    fc.assert(fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }), (d) => {
      const day = d.toISOString().slice(0, 10);
      for (const tr of [en, ru]) expect(tr.date(day)).toBe(DateTime.fromISO(day, { zone: 'utc' }).toFormat(tr === en ? 'yyyy-MM-dd' : 'dd.MM.yyyy'));
    }), { numRuns: 300 });
    expect([en.date('2027-06-15T23:30:00.000-02:00'), ru.date('2027-06-15T23:30:00.000-02:00')]).toEqual(['2027-06-16', '16.06.2027']);
    expect([en.longDate('2027-06-15'), ru.longDate('2027-06-15'), ro.longDate('2027-06-15')]).toEqual(['15 June 2027', '15 июня 2027\u202fг.', '15 iunie 2027']);
    expect([en.number(12345), ru.number(12345), ro.number(12345)]).toEqual(['12,345', '12\u00a0345', '12.345']);
    expect([en.percent(0.83), ru.percent(0.83), ro.percent(null)]).toEqual(['83%', '83\u00a0%', '–']);
    expect(ru.month('2027-06')).toBe('июнь 2027');
    expect(ro.duration({ n: 4, unit: 'hours' })).toBe('4 ore');
  });

  for (const language of ['ru', 'ro'] as const) {
    it(`${language}: the calendar event texts and the one-click pages have no English left over`, () => {
      const tr = translator(language);
      const english = englishWords(language);
      const keys = Object.keys(CATALOGUES.en).filter((k) => k.startsWith('event.') || k.startsWith('link.') || k.startsWith('kind.') || k.startsWith('status.'));
      const text = keys.map((k) => tr.t(k as never, { kind: 'x', client: 'Alfa', source: 'x', date: '01.01.2027', from: 'a', to: 'b', name: 'n', role: 'r', id: 'id', short: 's', title: 't', what: 'w', status: 's', duration: 'd', was: 's' })).join('\n');
      expect(leftovers(text, english)).toEqual([]);
    });
  }
});

describe('counts in the one-click pages\' "too long" messages', () => {
  it('take the plural form of their number: 501 символ, 502 символа, 505 символов; 501 caractere, 520 de caractere', () => {
    const ru = translator('ru');
    expect([501, 502, 505].map((count) => ru.t('link.reasonLong', { count, max: 500 }))).toEqual([
      'Причина длиной 501 символ; сократите её до 500.', 'Причина длиной 502 символа; сократите её до 500.', 'Причина длиной 505 символов; сократите её до 500.']);
    expect(ru.t('link.noteLong', { count: 521, max: 500 })).toBe('Заметка длиной 521 символ; сократите её до 500.');
    const ro = translator('ro');
    expect([501, 520].map((count) => ro.t('link.noteLong', { count, max: 500 }))).toEqual(['Nota are 501 caractere; păstrați-o sub 500.', 'Nota are 520 de caractere; păstrați-o sub 500.']);
  });
});
