import type { Context, Env as HonoEnv, Hono } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { ConfigIssue } from '../config/config-issue.ts';
import { LANGUAGES, type Language } from '../domain/types.ts';
import { translator } from '../i18n/translator.ts';
import type { Logger } from '../daemon/logger.ts';
import { feedSecret, feedToken } from '../calendar/ics/feed-token.ts';
import type { DB } from '../storage/database.ts';
import { localSecret } from '../storage/local-secrets.ts';
import { isSessionRevoked, languageChoice, purgeExpiredSignIns, revokeSession, setLanguageChoice } from '../storage/dashboard-sign-in.ts';
import { assets } from './assets.ts';
import { OidcSignIn, SIGN_IN_REASONS, SignInError, type PendingSignIn, type SignInReason } from './oidc.ts';
import { PageRenderer } from './page-renderer.ts';
import { PREFIX, type RenderedResponse, type Viewer } from './page-types.ts';
import { csrfToken, csrfValid, newSession, sessionCookieValue, sessionOf, sign, unsign, SESSION_HOURS, type Session } from './session.ts';
import type { DashboardAuth } from './settings.ts';
import { mintSignInLink, peekSignInLink, redeemSignInLink, sessionHash } from './sign-in-links.ts';
import { errorBody, linkConfirmPage, signInPage, signOutConfirmPage } from './sign-in-pages.ts';

/** What the dashboard needs to know of the configuration in use (the daemon keeps it). */
export interface People {
  readonly company: string;
  readonly language: Language;
  /** Roles whose holders see everything. */
  readonly directors: readonly string[];
  readonly employees: readonly { readonly id: string; readonly name: string; readonly email: string | undefined; readonly role: string; readonly calendar: string }[];
}

export interface DashboardDeps {
  readonly db: DB;
  readonly dbFile: string;
  readonly clock: Clock;
  readonly people: () => People;
  /** The configuration's errors when the last edit was rejected. */
  readonly configIssues: () => readonly ConfigIssue[];
  /** The address people reach the daemon at (links, the identity provider's redirect). */
  readonly baseUrl: () => string;
  readonly auth: DashboardAuth;
  readonly log: Logger;
}

const SESSION_COOKIE = 'tb_session';
const VISITOR_COOKIE = 'tb_visitor';
const OIDC_COOKIE = 'tb_oidc';
/**
 * This browser signed out: its next sign-in through the identity provider asks the person to sign
 * in there again. The provider's own session outlives the dashboard's (QA: on a shared computer,
 * "sign in" right after "sign out" reopened the director's dashboard with no password asked).
 * For one attempt, whatever it comes to (a provider that refuses the prompt does not lock the
 * browser out), and for as long as a session lasts.
 */
const SIGNED_OUT_COOKIE = 'tb_signed_out';
/** The page someone signed out asked for (a client's page from a digest's link), opened once they have signed in. */
const RETURN_COOKIE = 'tb_return';
const RETURN_MINUTES = 30;

/** A page of the dashboard's own (never another site's, nor a sign-in step), or undefined. */
function ownPage(path: string): string | undefined {
  const own = path.startsWith(`${PREFIX}/`) && !path.startsWith('//') && !path.includes('\\') && path.length <= 2000
    && !path.startsWith(`${PREFIX}/auth/`) && !path.startsWith(`${PREFIX}/sign-in`) && !path.startsWith(`${PREFIX}/assets/`);
  return own ? path : undefined;
}
/** How long a sign-in at the identity provider may take. */
const OIDC_MINUTES = 10;

/**
 * Every page must say it: no script or style but the daemon's own files, no framing, no
 * referrer, nothing cached (the pages hold clients' data), and the browser may not guess types.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/**
 * The directors' dashboard on the daemon's HTTP server: sign-in (the company's OpenID Connect
 * provider, or one-time links), signed sessions, CSRF tokens, security headers, and the pages,
 * which a worker thread renders from the database so the daemon's loop stays free.
 */
export class Dashboard {
  readonly #d: DashboardDeps;
  readonly #renderer: PageRenderer;
  readonly #oidc: OidcSignIn | undefined;
  #secret: Promise<string> | undefined;

  constructor(deps: DashboardDeps) {
    this.#d = deps;
    this.#renderer = new PageRenderer(deps.dbFile);
    this.#oidc = deps.auth.oidc ? new OidcSignIn(deps.auth.oidc) : undefined;
  }

  /** Whether people sign in through the company's identity provider. */
  get usesIdentityProvider(): boolean {
    return this.#oidc !== undefined;
  }

  /** The dashboard's address. */
  get url(): string {
    return `${this.#d.baseUrl()}${PREFIX}/`;
  }

  /** A one-time sign-in link for an employee (null: the first director when it is used). */
  async signInLink(employee: string | null = null, minutes?: number): Promise<{ url: string; expires: string }> {
    await purgeExpiredSignIns(this.#d.db, this.#d.clock.now().toUTC().toISO()!);
    return mintSignInLink(this.#d.db, this.#d.baseUrl(), employee, this.#d.clock.now(), minutes);
  }

  async close(): Promise<void> {
    await this.#renderer.close();
  }

  #sessionSecret(): Promise<string> {
    this.#secret ??= localSecret(this.#d.db, 'dashboard-sessions', this.#d.auth.sessionSecret);
    return this.#secret;
  }

  #nowMs(): number {
    return this.#d.clock.now().toMillis();
  }

  #secure(): boolean {
    return this.#d.baseUrl().startsWith('https:');
  }

  /** The signed-in viewer: a genuine, unexpired, not signed-out session of an employee of the configuration. */
  async #viewer(c: Context): Promise<{ viewer: Viewer; session: Session } | undefined> {
    const session = sessionOf(await this.#sessionSecret(), getCookie(c, SESSION_COOKIE), this.#nowMs());
    if (!session || await isSessionRevoked(this.#d.db, sessionHash(session.nonce))) return undefined;
    const people = this.#d.people();
    // Looked up on every request: someone removed from the configuration, or no longer a director, is so at once.
    const e = people.employees.find((x) => x.id === session.employee);
    if (!e) return undefined;
    return { viewer: { id: e.id, name: e.name, director: people.directors.includes(e.role) }, session };
  }

  async #startSession(c: Context, employee: string): Promise<void> {
    const session = newSession(employee, this.#nowMs());
    setCookie(c, SESSION_COOKIE, sessionCookieValue(await this.#sessionSecret(), session), {
      path: PREFIX, httpOnly: true, sameSite: 'Lax', secure: this.#secure(), maxAge: SESSION_HOURS * 3600,
    });
  }

  /** The page asked for before signing in (RETURN_COOKIE), once; else the overview. */
  #pageAfterSignIn(c: Context): string {
    const asked = getCookie(c, RETURN_COOKIE);
    if (asked !== undefined) deleteCookie(c, RETURN_COOKIE, { path: PREFIX });
    return (asked !== undefined && ownPage(asked)) || `${PREFIX}/`;
  }

  /** A visitor's random id (before signing in), so even the sign-in form carries a CSRF token. */
  #visitor(c: Context): string {
    let id = getCookie(c, VISITOR_COOKIE);
    if (!id || !/^[A-Za-z0-9_-]{22}$/.test(id)) {
      id = randomBytes(16).toString('base64url');
      setCookie(c, VISITOR_COOKIE, id, { path: PREFIX, httpOnly: true, sameSite: 'Lax', secure: this.#secure(), maxAge: 3600 });
    }
    return id;
  }

  async #language(viewer: Viewer): Promise<Language> {
    const company = this.#d.people().language;
    const chosen = await languageChoice(this.#d.db, viewer.id);
    return chosen === 'en' || chosen === company ? chosen : company;
  }

  /** Mounts the dashboard's routes on the daemon's app. */
  mount<E extends HonoEnv>(app: Hono<E>): void {
    // Set before the handler makes its response, so that hono builds it with them: changing the
    // headers of a response already made turns the server's fast path for a body into a stream.
    app.use(`${PREFIX}/*`, async (c, next) => {
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.header(k, v);
      if (this.#secure()) c.header('Strict-Transport-Security', 'max-age=31536000');
      c.header('Cache-Control', 'no-store');
      await next();
    });
    app.get(PREFIX, (c) => c.redirect(`${PREFIX}/`, 302));

    app.get(`${PREFIX}/assets/:file`, (c) => {
      const asset = assets().get(c.req.param('file'));
      if (!asset) return c.text('not found\n', 404);
      return c.body(asset.body, 200, { 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=31536000, immutable' });
    });

    app.get(`${PREFIX}/sign-in`, async (c) => {
      if (await this.#viewer(c)) return c.redirect(`${PREFIX}/`, 302);
      // Someone is about to sign in: the page renderer starts loading meanwhile.
      this.#renderer.warm();
      const reason = c.req.query('error');
      return c.html(signInPage(this.#pageFrame(), {
        provider: this.#oidc ? (this.#oidc.isGoogle ? 'google' : 'other') : undefined, signedOut: c.req.query('out') === '1',
        error: reason && (SIGN_IN_REASONS as readonly string[]).includes(reason) ? reason as SignInReason : undefined,
      }), 200);
    });

    app.get(`${PREFIX}/auth/login`, async (c) => {
      if (!this.#oidc) return c.redirect(`${PREFIX}/sign-in`, 302);
      let started;
      try {
        started = await this.#oidc.start(this.#redirectUri(), getCookie(c, SIGNED_OUT_COOKIE) === '1');
      } catch (error) {
        // Not answering is something to wait out; answering what touchbase cannot use (another
        // issuer in its discovery document, a broken document) is the administrator's to fix.
        const unreachable = isUnreachable(error);
        this.#d.log.error({ error: String(error) }, unreachable ? 'dashboard sign-in: the identity provider cannot be reached'
          : 'dashboard sign-in: the identity provider answered with what touchbase cannot use (check TOUCHBASE_OIDC_ISSUER against its discovery document)');
        return c.redirect(`${PREFIX}/sign-in?error=${unreachable ? 'providerUnreachable' : 'providerError'}`, 302);
      }
      setCookie(c, OIDC_COOKIE, sign(await this.#sessionSecret(), 'oidc', { ...started.pending, x: this.#nowMs() + OIDC_MINUTES * 60_000 }), {
        path: `${PREFIX}/auth`, httpOnly: true, sameSite: 'Lax', secure: this.#secure(), maxAge: OIDC_MINUTES * 60,
      });
      return c.redirect(started.url, 302);
    });

    app.get(`${PREFIX}/auth/callback`, async (c) => {
      if (!this.#oidc) return c.redirect(`${PREFIX}/sign-in`, 302);
      const saved = unsign<PendingSignIn & { x: number }>(await this.#sessionSecret(), 'oidc', getCookie(c, OIDC_COOKIE));
      deleteCookie(c, OIDC_COOKIE, { path: `${PREFIX}/auth` });
      if (getCookie(c, SIGNED_OUT_COOKIE) !== undefined) deleteCookie(c, SIGNED_OUT_COOKIE, { path: PREFIX });
      if (!saved || saved.x <= this.#nowMs()) return c.redirect(`${PREFIX}/sign-in?error=expired`, 302);
      const refused = c.req.query('error');
      if (refused) {
        // The provider's own words, for the administrator (Entra's "AADSTS50105: … not assigned",
        // Keycloak's unauthorized_client): they were lost, and the page said only "an error" (QA).
        // The person's Cancel (access_denied) is said as that, not as the provider failing.
        const description = (c.req.query('error_description') ?? '').slice(0, 500);
        this.#d.log.warn({ error: refused.slice(0, 100), description }, 'dashboard sign-in: the identity provider sent the person back with an error');
        return c.redirect(`${PREFIX}/sign-in?error=${refused === 'access_denied' ? 'denied' : 'providerError'}`, 302);
      }
      let email: string;
      try {
        email = await this.#oidc.finish(new URL(`${PREFIX}/auth/callback${new URL(c.req.url).search}`, this.#d.baseUrl()), saved);
      } catch (error) {
        const reason = error instanceof SignInError ? error.reason : 'providerError';
        this.#d.log.warn({ reason, error: String(error) }, 'dashboard sign-in through the identity provider failed');
        if (reason === 'unverified' || reason === 'noEmail') this.#askAgainAtProvider(c);
        return c.redirect(`${PREFIX}/sign-in?error=${reason}`, 302);
      }
      // One person in two roles (two entries, one mailbox) signs in as the director entry, if one is.
      const people = this.#d.people();
      const theirs = people.employees.filter((e) => e.email?.toLowerCase() === email.toLowerCase());
      const employee = theirs.find((e) => people.directors.includes(e.role)) ?? theirs[0];
      if (!employee) {
        this.#d.log.warn('dashboard sign-in: an account that is no employee of the configuration');
        this.#askAgainAtProvider(c);
        const tr = translator(this.#d.people().language);
        return c.html(errorBody(this.#pageFrame(), tr.t('ui.signIn.unknownEmployee', { email })), 403);
      }
      await this.#startSession(c, employee.id);
      this.#d.log.info({ employee: employee.id, via: 'oidc' }, 'signed in to the dashboard');
      return c.redirect(this.#pageAfterSignIn(c), 302);
    });

    // A GET only shows whom the link signs in: link previews and scanners must not use it up.
    app.get(`${PREFIX}/auth/link/:token`, async (c) => {
      const link = await peekSignInLink(this.#d.db, c.req.param('token'), this.#d.clock.now());
      const who = link && this.#linkEmployee(link.employee);
      const frame = this.#pageFrame();
      if (!who) return c.html(errorBody(frame, frame.tr.t('ui.signIn.linkUsed')), 410);
      this.#renderer.warm();
      return c.html(linkConfirmPage(frame, who.name, csrfToken(await this.#sessionSecret(), this.#visitor(c))), 200);
    });

    app.post(`${PREFIX}/auth/link/:token`, async (c) => {
      const form = await c.req.parseBody();
      if (!csrfValid(await this.#sessionSecret(), getCookie(c, VISITOR_COOKIE), String(form._csrf ?? ''))) return this.#csrfRefused(c);
      const link = await redeemSignInLink(this.#d.db, c.req.param('token'), this.#d.clock.now());
      const who = link && this.#linkEmployee(link.employee);
      const frame = this.#pageFrame();
      if (!who) return c.html(errorBody(frame, frame.tr.t('ui.signIn.linkUsed')), 410);
      await this.#startSession(c, who.id);
      this.#d.log.info({ employee: who.id, via: 'one-time link' }, 'signed in to the dashboard');
      return c.redirect(this.#pageAfterSignIn(c), 303);
    });

    app.post(`${PREFIX}/sign-out`, async (c) => {
      const session = sessionOf(await this.#sessionSecret(), getCookie(c, SESSION_COOKIE), this.#nowMs());
      if (session) {
        // The body is read only for a session: without one, nothing waits on a body sent slowly.
        const form = await c.req.parseBody();
        // A tab left open from an earlier session (signed out and in again in another) carries
        // that session's token: nothing is done (403, as for any form without its token), but the
        // page has the button again with this session's — a bare refusal left the person signed
        // in on what may be a shared computer (QA).
        if (!csrfValid(await this.#sessionSecret(), session.nonce, String(form._csrf ?? ''))) {
          return c.html(signOutConfirmPage(this.#pageFrame(), csrfToken(await this.#sessionSecret(), session.nonce)), 403);
        }
        await revokeSession(this.#d.db, sessionHash(session.nonce), this.#d.clock.now().toUTC().toISO()!, new Date(session.expires).toISOString());
      }
      deleteCookie(c, SESSION_COOKIE, { path: PREFIX });
      this.#askAgainAtProvider(c);
      await purgeExpiredSignIns(this.#d.db, this.#d.clock.now().toUTC().toISO()!);
      return c.redirect(`${PREFIX}/sign-in?out=1`, 303);
    });

    app.post(`${PREFIX}/language`, async (c) => {
      const signed = await this.#viewer(c);
      if (!signed) return c.redirect(`${PREFIX}/sign-in`, 303);
      const form = await c.req.parseBody();
      if (!csrfValid(await this.#sessionSecret(), signed.session.nonce, String(form._csrf ?? ''))) return this.#csrfRefused(c);
      const language = String(form.language ?? '');
      if ((LANGUAGES as readonly string[]).includes(language)) await setLanguageChoice(this.#d.db, signed.viewer.id, language);
      return c.redirect(ownPage(String(form.back ?? '')) ?? `${PREFIX}/`, 303);
    });

    app.get(`${PREFIX}/*`, async (c) => {
      const signed = await this.#viewer(c);
      const url = new URL(c.req.url);
      if (!signed) {
        const asked = ownPage(url.pathname + url.search);
        if (asked) setCookie(c, RETURN_COOKIE, asked, { path: PREFIX, httpOnly: true, sameSite: 'Lax', secure: this.#secure(), maxAge: RETURN_MINUTES * 60 });
        return c.redirect(`${PREFIX}/sign-in`, 302);
      }
      const path = url.pathname.slice(PREFIX.length) || '/';
      const people = this.#d.people();
      const language = await this.#language(signed.viewer);
      const secret = await this.#sessionSecret();
      let response: RenderedResponse;
      try {
        response = await this.#renderer.render({
          path, query: Object.fromEntries(url.searchParams), viewer: signed.viewer, language, companyLanguage: people.language,
          nowIso: this.#d.clock.now().toUTC().toISO()!, csrf: csrfToken(secret, signed.session.nonce),
          ownFeedUrl: path === `/employees/${encodeURIComponent(signed.viewer.id)}` || path === '/employees' ? await this.#feedUrl(signed.viewer.id) : undefined,
          configIssues: signed.viewer.director && path === '/' ? this.#d.configIssues() : [],
          // Every page of a director's says at its top that an edit was rejected: the figures below are the last valid configuration's.
          configRejected: signed.viewer.director ? this.#d.configIssues().length : 0,
          gzip: /\bgzip\b/.test(c.req.header('accept-encoding') ?? ''),
        });
      } catch (error) {
        this.#d.log.error({ path, error: String(error) }, 'dashboard page failed');
        const frame = this.#pageFrame(language);
        return c.html(errorBody(frame, frame.tr.t('ui.error.server')), 500);
      }
      const headers: Record<string, string> = response.kind === 'csv'
        ? { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${(response.filename ?? 'table.csv').replace(/[^A-Za-z0-9._-]/g, '_')}"` }
        : { 'Content-Type': 'text/html; charset=UTF-8' };
      if (response.gzip) headers['Content-Encoding'] = 'gzip';
      c.header('Vary', 'Accept-Encoding');
      return c.body(response.bytes as Uint8Array<ArrayBuffer>, response.status as 200, headers);
    });
  }

  /** The employee a link signs in: the one it names, or the configuration's first director. */
  #linkEmployee(employee: string | null): { id: string; name: string } | undefined {
    const people = this.#d.people();
    return employee === null ? people.employees.find((e) => people.directors.includes(e.role)) : people.employees.find((e) => e.id === employee);
  }

  /** The viewer's own feed address, when their calendar is the iCalendar feed: theirs to see, no one else's. */
  async #feedUrl(employee: string): Promise<string | undefined> {
    const e = this.#d.people().employees.find((x) => x.id === employee);
    if (e?.calendar !== 'ics') return undefined;
    return `${this.#d.baseUrl()}/feeds/${feedToken(await feedSecret(this.#d.db), employee)}.ics`;
  }

  #redirectUri(): string {
    return `${this.#d.baseUrl()}${PREFIX}/auth/callback`;
  }

  #pageFrame(language: Language = this.#d.people().language) {
    return { tr: translator(language), company: this.#d.people().company };
  }

  /**
   * The next sign-in from this browser asks the identity provider to have the person sign in
   * again (SIGNED_OUT_COOKIE): after a sign-out, and after a sign-in refused for its account (a
   * personal account, one with no verified address) — else the provider answered from that
   * account's open session at every try, and the refusal came back with no way to pick another.
   */
  #askAgainAtProvider(c: Context): void {
    if (this.#oidc) setCookie(c, SIGNED_OUT_COOKIE, '1', { path: PREFIX, httpOnly: true, sameSite: 'Lax', secure: this.#secure(), maxAge: SESSION_HOURS * 3600 });
  }

  #csrfRefused(c: Context) {
    const frame = this.#pageFrame();
    return c.html(errorBody(frame, frame.tr.t('ui.error.csrf')), 403);
  }
}

/** Whether an error of the identity provider's discovery is no answer at all (refused, unknown host, reset, timed out), not an answer. */
function isUnreachable(error: unknown): boolean {
  const e = error as { name?: string; code?: string; cause?: { code?: string; name?: string } } | undefined;
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError' || e?.cause?.name === 'AbortError' || e?.cause?.name === 'TimeoutError') return true;
  const code = e?.cause?.code ?? e?.code;
  if (code && /^(ECONN|ENOTFOUND|EAI_|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_)/.test(code)) return true;
  return error instanceof TypeError && /fetch failed/i.test(error.message);
}
