import { describe, expect, it } from 'vitest';
import { pager, type PageContext } from '../../src/dashboard/pages/context.ts';
import { translator } from '../../src/i18n/translator.ts';

// The pager needs only the page's language of its context.
const ctxIn = (language: 'en' | 'ru') => ({ tr: translator(language) }) as unknown as PageContext;
const link = (p: number) => `/dashboard/clients?page=${p}`;

describe('the pager of a paged table', () => {
  it('shows the page among the pages, with the links before and after', () => {
    const text = pager(ctxIn('ru'), 60, 2, 25, link).text;
    expect(text).toContain('Страница 2 из 3');
    expect(text).toContain('href="/dashboard/clients?page=1" rel="prev"');
    expect(text).toContain('href="/dashboard/clients?page=3" rel="next"');
  });

  it('past the end (a kept link, the list shrank) says where the list ends and links there, not "page 9 of 2"', () => {
    const text = pager(ctxIn('ru'), 30, 9, 25, link).text;
    expect(text).not.toContain('Страница 9 из 2');
    expect(text).toContain('<a href="/dashboard/clients?page=2">Список кончается на странице 2: перейти к ней</a>');
    expect(pager(ctxIn('en'), 10, 3, 25, link).text).toContain('The list ends on page 1: go there');
  });
});
