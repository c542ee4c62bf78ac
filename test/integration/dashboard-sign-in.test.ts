import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { peekSignInLink, redeemSignInLink } from '../../src/dashboard/sign-in-links.ts';
import { dashboardAuthFromEnv, DashboardSettingsError } from '../../src/dashboard/settings.ts';
import { csrfToken, csrfValid, newSession, sessionCookieValue, sessionOf, sign, unsign } from '../../src/dashboard/session.ts';
import { openMigrated } from '../../src/storage/database.ts';
import { setInfo } from '../../src/storage/job-repository.ts';
import { recordServedUrl } from '../../src/sync/event-links.ts';
import { tempDir, writeConfig } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';
import { NOW, dashboardCompany } from '../helpers/dashboard-company.ts';
import { dashboardDaemon, printedLink, stopDashboardDaemons } from '../helpers/dashboard-daemon.ts';
import { cookie } from '../helpers/dashboard-http.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

afterEach(stopDashboardDaemons);

describe('touchbase dashboard-link', () => {
  it('prints a one-time link for the first director or a named employee; only its hash is stored; it works once, until it expires', async () => {
    const dir = writeConfig({ 'touchbase.yaml': dashboardCompany('en') });
    const file = join(tempDir(), 't.sqlite');
    const first = await cli('dashboard-link', '--config', dir, '--db', file, '--now', NOW);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^http:\/\/127\.0\.0\.1:8787\/dashboard\/auth\/link\/[A-Za-z0-9_-]{43}\n$/);
    // In the company's zone (Moscow), as a person there reads a clock; the instant beside it.
    expect(first.err).toContain('signs in pavel once, until 2027-06-15 10:00 Europe/Moscow (2027-06-15T07:00:00.000Z)');
    expect((await cli('dashboard-link', '--config', dir, '--db', file, '--now', new Date().toISOString())).err).not.toContain('warning');
    // A --now so far back that the link is past by this machine's clock is said to be useless.
    const past = await cli('dashboard-link', '--config', dir, '--db', file, '--now', '2020-01-01T09:00:00Z');
    expect([past.code, past.err]).toEqual([0, expect.stringContaining("warning: that is already past by this machine's clock (--now 2020-01-01T09:00:00Z): the daemon, on that clock, will say the link has expired")]);
    const anna = await cli('dashboard-link', '--employee', 'anna', '--minutes', '5', '--config', dir, '--db', file, '--now', NOW);
    const token = anna.out.trim().split('/').at(-1)!;
    const db = await openMigrated(file);
    try {
      const stored = await db.selectFrom('dashboard_sign_in' as never).selectAll().execute() as { token_hash: string }[];
      expect(stored.map((r) => r.token_hash).some((h) => h.includes(token))).toBe(false);
      const now = DateTime.fromISO(NOW);
      expect(await peekSignInLink(db, token, now)).toEqual({ employee: 'anna' });
      expect(await peekSignInLink(db, token, now.plus({ minutes: 6 }))).toBeUndefined();
      expect(await redeemSignInLink(db, token, now)).toEqual({ employee: 'anna' });
      expect(await redeemSignInLink(db, token, now)).toBeUndefined();
      expect(await redeemSignInLink(db, `${token.slice(0, -1)}x`, now)).toBeUndefined();
    } finally {
      await db.destroy();
    }
    const unknown = await cli('dashboard-link', '--employee', 'nobody', '--config', dir, '--db', file);
    expect([unknown.code, unknown.err]).toEqual([2, expect.stringContaining('--employee: no employee has the id, e-mail or name "nobody"')]);
    // A typo is told the id it meant; an e-mail (any case) or full name signs that employee in.
    expect((await cli('dashboard-link', '--employee', 'pavle', '--config', dir, '--db', file)).err).toContain('--employee: no employee has the id, e-mail or name "pavle"; did you mean "pavel"?');
    expect((await cli('dashboard-link', '--employee', 'PAVEL', '--config', dir, '--db', file)).err).toContain('signs in pavel once');
    // A name as people write it: surname first, two spaces (QA retest).
    expect((await cli('dashboard-link', '--employee', 'Petrov  Pavel', '--config', dir, '--db', file)).err).toContain('signs in pavel once');
    const byMail = await cli('dashboard-link', '--employee', 'anna.ivanova@CORP.example', '--config', dir, '--db', file);
    expect([byMail.code, byMail.err]).toEqual([0, expect.stringContaining('signs in anna once')]);
    expect((await cli('dashboard-link', '--minutes', '0', '--config', dir, '--db', file)).code).toBe(2);
  });

  it('a daemon serving on every interface (--host 0.0.0.0) gives links with the machine\'s name, not 0.0.0.0', async () => {
    const dir = writeConfig({ 'touchbase.yaml': dashboardCompany('en') });
    const file = join(tempDir(), 't.sqlite');
    const db = await openMigrated(file);
    await setInfo(db, { url: 'http://0.0.0.0:8790' });
    await db.destroy();
    const link = await cli('dashboard-link', '--config', dir, '--db', file, '--now', NOW);
    expect(link.code).toBe(0);
    expect(link.out.startsWith(`http://${hostname()}:8790/dashboard/auth/link/`)).toBe(true);
  });

  it('gives the public address the daemon recorded (its TOUCHBASE_PUBLIC_URL), as feeds does, not the address it binds behind a proxy (QA: a link that worked on the server only)', async () => {
    const dir = writeConfig({ 'touchbase.yaml': dashboardCompany('en') });
    const file = join(tempDir(), 't.sqlite');
    const db = await openMigrated(file);
    await setInfo(db, { url: 'http://127.0.0.1:8790' });
    await recordServedUrl(db, 'https://touchbase.example.com/');
    await db.destroy();
    const link = await cli('dashboard-link', '--config', dir, '--db', file, '--now', NOW);
    expect(link.code).toBe(0);
    expect(link.out).toMatch(/^https:\/\/touchbase\.example\.com\/dashboard\/auth\/link\/[A-Za-z0-9_-]{43}\n$/);
  });
});

describe('the page asked for before signing in', () => {
  it('opens once signed in (a client\'s page from a digest\'s link), not the overview; only a page of the dashboard\'s own, and only once', async () => {
    const { daemon } = await dashboardDaemon({ config: dashboardCompany('en'), clock: new ManualClock(NOW) });
    const asked = await fetch(`${daemon.url}/dashboard/clients/gamma?tab=history`, { redirect: 'manual' });
    expect([asked.status, asked.headers.get('location')]).toEqual([302, '/dashboard/sign-in']);
    const remembered = cookie(asked, 'tb_return');
    const link = await printedLink(daemon);
    const shown = await fetch(link, { headers: { cookie: remembered } });
    const visitor = cookie(shown, 'tb_visitor');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await shown.text())![1]!;
    const posted = await fetch(link, {
      method: 'POST', redirect: 'manual', headers: { cookie: `${visitor}; ${remembered}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect([posted.status, posted.headers.get('location')]).toEqual([303, '/dashboard/clients/gamma?tab=history']);
    // Used: the cookie is cleared.
    expect(posted.headers.getSetCookie().some((c) => /^tb_return=;/.test(c))).toBe(true);
    // Without one, or with one naming another site or a sign-in step, the overview.
    for (const value of [undefined, encodeURIComponent('https://evil.example/'), encodeURIComponent('//evil.example/x'), encodeURIComponent('/dashboard/auth/link/x')]) {
      const next = (await daemon.dashboard!.signInLink('anna')).url;
      const page = await fetch(next);
      const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
      const signedIn = await fetch(next, {
        method: 'POST', redirect: 'manual', headers: { cookie: [cookie(page, 'tb_visitor'), ...(value ? [`tb_return=${value}`] : [])].join('; '), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: token }),
      });
      expect([value, signedIn.headers.get('location')]).toEqual([value, '/dashboard/']);
    }
  });
});

describe('signing in at an identity provider that does not answer', () => {
  it('says it cannot be reached (not that it answered with an error), so people wait instead of retrying their password', { timeout: 60_000 }, async () => {
    // Port 9 on this machine: nothing listens, the connection is refused.
    const { daemon } = await dashboardDaemon({ config: dashboardCompany('en'), clock: new ManualClock(NOW), history: false,
      dashboard: { auth: { oidc: { issuer: 'http://127.0.0.1:9', clientId: 'touchbase', clientSecret: 'a-client-secret-0123456789abcdef' }, sessionSecret: undefined } } });
    const login = await fetch(`${daemon.url}/dashboard/auth/login`, { redirect: 'manual' });
    expect(login.status).toBe(302);
    const page = await (await fetch(new URL(login.headers.get('location')!, daemon.url))).text();
    expect(page).toContain('Sign-in did not complete: the identity provider cannot be reached just now');
    expect(page).not.toContain('answered with an error');
  });

  it('a provider that answers with a discovery document of another issuer (a misconfiguration) is an error to report, not "cannot be reached"', { timeout: 60_000 }, async () => {
    const provider = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issuer: 'http://someone-else.example', authorization_endpoint: 'http://someone-else.example/auth', token_endpoint: 'http://someone-else.example/token', jwks_uri: 'http://someone-else.example/jwks' }));
    });
    await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
    try {
      const issuer = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
      const { daemon } = await dashboardDaemon({ config: dashboardCompany('en'), clock: new ManualClock(NOW), history: false,
        dashboard: { auth: { oidc: { issuer, clientId: 'touchbase', clientSecret: 'a-client-secret-0123456789abcdef' }, sessionSecret: undefined } } });
      const login = await fetch(`${daemon.url}/dashboard/auth/login`, { redirect: 'manual' });
      const page = await (await fetch(new URL(login.headers.get('location')!, daemon.url))).text();
      expect(page).toContain('answered with an error');
      expect(page).not.toContain('cannot be reached');
    } finally {
      await new Promise((r) => provider.close(r));
    }
  });
});

describe('sessions, CSRF tokens and the sign-in settings', () => {
  const secret = 'a-session-secret-for-the-tests-0123456789';

  it('a session cookie is genuine until it expires; a changed byte or another secret makes it nothing', () => {
    const now = Date.parse('2027-06-15T06:00:00Z');
    const session = newSession('anna', now);
    const cookie = sessionCookieValue(secret, session);
    expect(sessionOf(secret, cookie, now)).toEqual(session);
    expect(sessionOf(secret, cookie, session.expires)).toBeUndefined();
    expect(sessionOf('another-secret-of-the-same-length-0123456', cookie, now)).toBeUndefined();
    const [payload, mac] = cookie.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ e: 'pavel', n: session.nonce, x: session.expires })).toString('base64url');
    expect(sessionOf(secret, `${forged}.${mac}`, now)).toBeUndefined();
    expect(sessionOf(secret, `${payload}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, now)).toBeUndefined();
    // A value signed for another purpose is not a session.
    expect(sessionOf(secret, sign(secret, 'oidc', { e: 'pavel', n: 'x', x: now + 1000 }), now)).toBeUndefined();
    expect(unsign(secret, 'oidc', sign(secret, 'oidc', { a: 1 }))).toEqual({ a: 1 });
    expect(csrfValid(secret, session.nonce, csrfToken(secret, session.nonce))).toBe(true);
    expect(csrfValid(secret, session.nonce, csrfToken(secret, 'another nonce'))).toBe(false);
    expect(csrfValid(secret, undefined, csrfToken(secret, session.nonce))).toBe(false);
  });

  it('the identity provider: all three variables or none, the secret from its file, https (http only on this machine)', () => {
    const file = join(tempDir(), 'secret');
    writeFileSync(file, 'the-client-secret\n');
    expect(dashboardAuthFromEnv({})).toEqual({ oidc: undefined, sessionSecret: undefined });
    expect(dashboardAuthFromEnv({ TOUCHBASE_OIDC_ISSUER: 'https://accounts.google.com', TOUCHBASE_OIDC_CLIENT_ID: 'id', TOUCHBASE_OIDC_CLIENT_SECRET_FILE: file }))
      .toEqual({ oidc: { issuer: 'https://accounts.google.com', clientId: 'id', clientSecret: 'the-client-secret' }, sessionSecret: undefined });
    expect(() => dashboardAuthFromEnv({ TOUCHBASE_OIDC_ISSUER: 'https://accounts.google.com' })).toThrow(/missing TOUCHBASE_OIDC_CLIENT_ID, TOUCHBASE_OIDC_CLIENT_SECRET_FILE/);
    expect(() => dashboardAuthFromEnv({ TOUCHBASE_OIDC_ISSUER: 'http://sso.corp.example', TOUCHBASE_OIDC_CLIENT_ID: 'id', TOUCHBASE_OIDC_CLIENT_SECRET: 's' })).toThrow(DashboardSettingsError);
    expect(() => dashboardAuthFromEnv({ TOUCHBASE_OIDC_ISSUER: 'https://x', TOUCHBASE_OIDC_CLIENT_ID: 'id', TOUCHBASE_OIDC_CLIENT_SECRET_FILE: join(tempDir(), 'missing') })).toThrow(/cannot read .*missing \(ENOENT\)/);
    // A file that is there and empty (or a bare newline) says so, not "missing" a variable that is set (QA).
    for (const text of ['', '\n']) {
      const empty = join(tempDir(), 'empty');
      writeFileSync(empty, text, { mode: 0o600 });
      expect(() => dashboardAuthFromEnv({ TOUCHBASE_OIDC_ISSUER: 'https://accounts.google.com', TOUCHBASE_OIDC_CLIENT_ID: 'id', TOUCHBASE_OIDC_CLIENT_SECRET_FILE: empty }))
        .toThrow(`TOUCHBASE_OIDC_CLIENT_SECRET_FILE: ${empty} has no secret on its first line; expected the client secret the identity provider gave for touchbase`);
    }
  });
});
