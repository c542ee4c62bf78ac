import { expect } from 'vitest';

/*
 * The dashboard over HTTP, as a browser asks it (its pages are rendered on the server): for the
 * tests that read pages and CSV without a browser.
 */

/** The value of a cookie in a response's Set-Cookie headers. */
export function cookie(response: Response, name: string): string {
  const found = response.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${name}=`));
  if (!found) throw new Error(`no ${name} cookie in ${response.headers.getSetCookie().join(' | ')}`);
  return found;
}

function csrfOf(page: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1]!;
}

/** Signs in with a printed one-time link, as its page's button does; returns the session cookie. */
export async function signIn(link: string): Promise<string> {
  const shown = await fetch(link);
  const visitor = cookie(shown, 'tb_visitor');
  const posted = await fetch(link, {
    method: 'POST', redirect: 'manual', headers: { cookie: visitor, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrfOf(await shown.text()) }),
  });
  expect(posted.status).toBe(303);
  return cookie(posted, 'tb_session');
}

/** A fragment of a page as it reads: tags gone, entities as their characters, spaces as one. */
export const text = (fragment: string) => fragment.replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&#39;/g, '\'').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
