import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { Page } from 'playwright-core';
import { browser, closeBrowsers } from '../helpers/browser.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { NOW, dashboardCompany } from '../helpers/dashboard-company.ts';
import { dashboardDaemon, stopDashboardDaemons } from '../helpers/dashboard-daemon.ts';
import { createLogger } from '../../src/daemon/logger.ts';

const servers: import('node:http').Server[] = [];
afterEach(async () => {
  await closeBrowsers();
  await stopDashboardDaemons();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

const SECRET = 'touchbase-test-client-secret-0123456789';

/**
 * A real OpenID Connect provider (oidc-provider, in this process, on loopback HTTP), with the
 * dashboard as its client once the daemon's address is known. Its development login form
 * accepts any login: the login typed is the person's e-mail address.
 */
async function identityProvider(): Promise<{ issuer: string; register: (redirectUri: string) => void }> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => (handler ? handler(req, res) : (res.statusCode = 503, res.end())));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    register: (redirectUri) => {
      const provider = new Provider(issuer, {
        clients: [{ client_id: 'touchbase', client_secret: SECRET, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
        // "username:" accounts have no email, only a username the user chose; "unsaid:" ones an email the provider does not say is verified.
        findAccount: (_ctx: unknown, id: string) => ({
          accountId: id,
          claims: () => (id.startsWith('username:') ? { sub: id, preferred_username: id.slice('username:'.length) }
            : id.startsWith('unsaid:') ? { sub: id, email: id.slice('unsaid:'.length) }
            : { sub: id, email: id, email_verified: !id.startsWith('unverified') }),
        }),
        claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['preferred_username'] },
        cookies: { keys: ['oidc-provider-test-cookie-key'] },
        pkce: { required: () => true },
      });
      handler = provider.callback();
    },
  };
}

/** Signs in at the provider's login form as `login`, and consents. */
async function throughProvider(page: Page, login: string): Promise<void> {
  await page.locator('a.button').click();
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any password');
  await page.locator('button[type=submit]').click();
  await page.locator('button[type=submit]').click();
}

describe('sign-in through OpenID Connect', () => {
  it('an employee signs in at the company\'s provider (code flow, PKCE, state, nonce), matched by e-mail whatever its case', { timeout: 120_000 }, async () => {
    const idp = await identityProvider();
    // Pavel is also an account manager (one person in two roles, two entries, one mailbox): he signs in as the director.
    const company = dashboardCompany('en');
    const config = { ...company, employees: [{ id: 'pavel-am', name: 'Pavel Petrov', role: 'account_manager', email: 'pavel@corp.example' }, ...company.employees] };
    const { daemon } = await dashboardDaemon({
      config, clock: new ManualClock(NOW),
      dashboard: { auth: { oidc: { issuer: idp.issuer, clientId: 'touchbase', clientSecret: SECRET }, sessionSecret: 'a-session-secret-for-the-oidc-test-0123456789' } },
    });
    idp.register(`${daemon.url}/dashboard/auth/callback`);
    const page = await (await browser()).newPage();
    await page.goto(`${daemon.url}/dashboard/clients`);
    expect(page.url()).toBe(`${daemon.url}/dashboard/sign-in`);
    await throughProvider(page, 'anna.ivanova@CORP.example');
    // Back at the page she asked for before signing in.
    await page.waitForURL(`${daemon.url}/dashboard/clients`);
    expect(await page.locator('.user').innerText()).toContain('Signed in as Anna Ivanova');
    expect(await page.locator('main table').innerText()).toContain('Alfa Stroy');
    expect(await page.locator('main table').innerText()).not.toContain('Beta Trans');
    await page.goto(`${daemon.url}/dashboard/`);
    expect(await page.locator('h1').innerText()).toBe('My overview');
    await page.goto(`${daemon.url}/dashboard/clients`);
    expect(await page.locator('main table').innerText()).toContain('Alfa Stroy');
    expect(await page.locator('main table').innerText()).not.toContain('Beta Trans');

    // The director, in another browser, sees everything.
    const director = await (await browser()).newPage();
    await director.goto(`${daemon.url}/dashboard/sign-in`);
    await throughProvider(director, 'pavel@corp.example');
    await director.waitForURL(`${daemon.url}/dashboard/`);
    expect(await director.locator('h1').innerText()).toBe('Overview');
  });

  it('after signing out, signing in again asks the provider for the password again, not its open session (QA: a shared computer reopened the director\'s dashboard)', { timeout: 120_000 }, async () => {
    const idp = await identityProvider();
    const { daemon } = await dashboardDaemon({
      config: dashboardCompany('en'), clock: new ManualClock(NOW),
      dashboard: { auth: { oidc: { issuer: idp.issuer, clientId: 'touchbase', clientSecret: SECRET }, sessionSecret: 'a-session-secret-for-the-oidc-test-0123456789' } },
    });
    idp.register(`${daemon.url}/dashboard/auth/callback`);
    const page = await (await browser()).newPage();
    await page.goto(`${daemon.url}/dashboard/sign-in`);
    await throughProvider(page, 'pavel@corp.example');
    await page.waitForURL(`${daemon.url}/dashboard/`);
    // The provider's session is open: before any sign-out, a second sign-in needs no password.
    await page.goto(`${daemon.url}/dashboard/auth/login`);
    await page.waitForURL(`${daemon.url}/dashboard/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${daemon.url}/dashboard/sign-in?out=1`);
    expect(await page.locator('.notice').innerText()).toContain('the next sign-in here from this browser asks for its password again');
    await page.locator('a.button').click();
    // At the provider's login form, not back in the dashboard.
    await page.locator('input[name=login]').waitFor();
    expect(page.url().startsWith(idp.issuer)).toBe(true);
    // Asked once, whatever comes of it: a provider that answers with an error (one that refuses the
    // prompt) does not lock the browser out — the next sign-in goes as before, from its session.
    await page.goto(`${daemon.url}/dashboard/auth/callback?error=access_denied`);
    await page.waitForURL(`${daemon.url}/dashboard/sign-in?error=denied`);
    await page.goto(`${daemon.url}/dashboard/auth/login`);
    await page.waitForURL(`${daemon.url}/dashboard/`);
    // Signed out again: asked again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${daemon.url}/dashboard/sign-in?out=1`);
    await page.locator('a.button').click();
    await page.locator('input[name=login]').waitFor();
    await page.locator('input[name=login]').fill('pavel@corp.example');
    await page.locator('input[name=password]').fill('any password');
    await page.locator('button[type=submit]').click();
    await page.waitForURL(`${daemon.url}/dashboard/`);
    // Signed in again: the next sign-in is as before, from the provider's session.
    await page.goto(`${daemon.url}/dashboard/auth/login`);
    await page.waitForURL(`${daemon.url}/dashboard/`);

    // A tab left open from before the last sign-in: its Sign out asks once more, with this
    // session's form, and signs out (QA: refused as an outdated form, the person still signed in).
    const stale = await page.context().newPage();
    await stale.goto(`${daemon.url}/dashboard/clients`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${daemon.url}/dashboard/sign-in?out=1`);
    await page.locator('a.button').click();
    await page.locator('input[name=login]').fill('pavel@corp.example');
    await page.locator('input[name=password]').fill('any password');
    await page.locator('button[type=submit]').click();
    await page.waitForURL(`${daemon.url}/dashboard/`);
    await stale.getByRole('button', { name: 'Sign out' }).click();
    expect(await stale.locator('main').innerText()).toContain('That button was on a page of an earlier session. You are still signed in');
    await page.goto(`${daemon.url}/dashboard/clients`);
    expect(page.url()).toBe(`${daemon.url}/dashboard/clients`);
    await stale.locator('main button', { hasText: 'Sign out' }).click();
    await stale.waitForURL(`${daemon.url}/dashboard/sign-in?out=1`);
    await page.goto(`${daemon.url}/dashboard/clients`);
    expect(page.url()).toBe(`${daemon.url}/dashboard/sign-in`);
  });

  it('a person who cancels at the provider is told so; a provider\'s error is logged with its words, for the administrator (QA: both were "an error", and nothing was logged)', { timeout: 120_000 }, async () => {
    const idp = await identityProvider();
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _e, done) => { lines.push(chunk.toString()); done(); } });
    const { daemon } = await dashboardDaemon({
      config: dashboardCompany('en'), clock: new ManualClock(NOW), logger: await createLogger({ level: 'info', destination }),
      dashboard: { auth: { oidc: { issuer: idp.issuer, clientId: 'touchbase', clientSecret: SECRET }, sessionSecret: 'a-session-secret-for-the-oidc-test-0123456789' } },
    });
    idp.register(`${daemon.url}/dashboard/auth/callback`);
    const page = await (await browser()).newPage();
    await page.goto(`${daemon.url}/dashboard/sign-in`);
    await page.locator('a.button').click();
    await page.locator('input[name=login]').waitFor();
    // The provider's own Cancel: it sends the browser back with error=access_denied.
    await page.getByText('Cancel').click();
    await page.waitForURL(`${daemon.url}/dashboard/sign-in?error=denied`);
    expect(await page.locator('.error').innerText()).toContain('the sign-in was cancelled there, or your account may not use touchbase');
    // A provider refusing the application (Entra's words): another message, and its words in the log.
    await page.locator('a.button').click();
    await page.locator('input[name=login]').waitFor();
    await page.goto(`${daemon.url}/dashboard/auth/callback?error=invalid_client&error_description=${encodeURIComponent('AADSTS7000215: Invalid client secret provided.')}`);
    await page.waitForURL(`${daemon.url}/dashboard/sign-in?error=providerError`);
    expect(await page.locator('.error').innerText()).toContain('the identity provider answered with an error');
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; error?: string; description?: string }).filter((l) => l.msg.startsWith('dashboard sign-in: the identity provider sent the person back'));
    expect(logged.map((l) => [l.error, l.description])).toEqual([['access_denied', expect.any(String)], ['invalid_client', 'AADSTS7000215: Invalid client secret provided.']]);
  });

  it('an account that is no employee, or whose e-mail is not verified, or a callback without its sign-in, gets no session', { timeout: 120_000 }, async () => {
    const idp = await identityProvider();
    const { daemon } = await dashboardDaemon({
      config: dashboardCompany('en'), clock: new ManualClock(NOW), history: false,
      dashboard: { auth: { oidc: { issuer: idp.issuer, clientId: 'touchbase', clientSecret: SECRET }, sessionSecret: undefined } },
    });
    idp.register(`${daemon.url}/dashboard/auth/callback`);
    const context = await browser();
    const page = await context.newPage();
    await page.goto(`${daemon.url}/dashboard/sign-in`);
    await throughProvider(page, 'stranger@elsewhere.example');
    await page.waitForURL(/\/dashboard\/auth\/callback/);
    expect(await page.locator('main').innerText()).toContain('Your account (stranger@elsewhere.example) is not an employee in the configuration');
    expect((await context.cookies()).some((c) => c.name === 'tb_session')).toBe(false);

    // A new browser: the provider would remember the stranger's login in this one.
    const other = await (await browser()).newPage();
    await other.goto(`${daemon.url}/dashboard/sign-in`);
    await throughProvider(other, 'unverified-oleg@corp.example');
    await other.waitForURL(/sign-in\?error=unverified$/);
    expect(await other.locator('main').innerText()).toContain('Sign-in did not complete: the identity provider says your e-mail address is not verified');
    await other.goto(`${daemon.url}/dashboard/`);
    expect(other.url()).toBe(`${daemon.url}/dashboard/sign-in`);

    // A username that looks like the director's address (a provider other than Entra lets users
    // choose it), and the director's address the provider does not say is verified: no session (QA security F5).
    for (const [login, error] of [['username:pavel@corp.example', 'noEmail'], ['unsaid:pavel@corp.example', 'unverified']] as const) {
      const impostor = await (await browser()).newPage();
      await impostor.goto(`${daemon.url}/dashboard/sign-in`);
      await throughProvider(impostor, login);
      await impostor.waitForURL(new RegExp(`sign-in\\?error=${error}$`));
      await impostor.goto(`${daemon.url}/dashboard/`);
      expect(impostor.url(), login).toBe(`${daemon.url}/dashboard/sign-in`);
      // "Try again" goes to the provider's login form, not back to the same refusal.
      await impostor.locator('a.button').click();
      await impostor.locator('input[name=login]').waitFor();
      expect(impostor.url().startsWith(idp.issuer), login).toBe(true);
    }

    // A callback that this browser did not start (a forged or replayed one) is refused.
    await page.goto(`${daemon.url}/dashboard/auth/callback?code=forged&state=forged`);
    expect(page.url()).toBe(`${daemon.url}/dashboard/sign-in?error=expired`);
    await page.goto(`${daemon.url}/dashboard/`);
    expect(page.url()).toBe(`${daemon.url}/dashboard/sign-in`);

    // The wrong account (a personal one, still open at the provider in this browser): the next try
    // asks the provider for the login again, and another account can be given (QA: it answered
    // from the stranger's session at every try, and the same refusal came back).
    await page.goto(`${daemon.url}/dashboard/auth/login`);
    await page.waitForURL(/\/dashboard\/auth\/callback/);
    expect(await page.locator('main').innerText()).toContain('Your account (stranger@elsewhere.example) is not an employee');
    await page.locator('main a').click();
    await page.waitForURL(`${daemon.url}/dashboard/sign-in`);
    await throughProvider(page, 'pavel@corp.example');
    await page.waitForURL(`${daemon.url}/dashboard/`);
    expect(await page.locator('.user').innerText()).toContain('Pavel');
  });
});
