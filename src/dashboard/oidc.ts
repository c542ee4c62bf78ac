import * as client from 'openid-client';

/** The company's identity provider: Google Workspace, Microsoft Entra ID, Keycloak or any OpenID Connect issuer. */
export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** What the callback needs from the start of a sign-in (kept in a short-lived signed cookie). */
export interface PendingSignIn {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
}

/** Why a sign-in did not complete (the sign-in page's `?error=`): each has its text (sign-in-pages.ts). */
export const SIGN_IN_REASONS = ['noEmail', 'unverified', 'expired', 'denied', 'providerError', 'providerUnreachable'] as const;
export type SignInReason = typeof SIGN_IN_REASONS[number];

/** A sign-in that did not complete, with a reason a person can act on. */
export class SignInError extends Error {
  constructor(readonly reason: SignInReason, detail: string) {
    super(detail);
  }
}

/**
 * Sign-in through OpenID Connect with openid-client: the authorization code flow with PKCE,
 * state and nonce; the person is then known by the e-mail address the provider vouches for.
 */
export class OidcSignIn {
  readonly #settings: OidcSettings;
  #config: Promise<client.Configuration> | undefined;

  constructor(settings: OidcSettings) {
    this.#settings = settings;
  }

  /** Discovery once (and again after a failure): the provider may be down when the daemon starts. */
  #configuration(): Promise<client.Configuration> {
    if (!this.#config) {
      const issuer = new URL(this.#settings.issuer);
      // Plain http only to this machine (a provider in development or in the tests); anything else must be https.
      const local = issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
      const { clientId, clientSecret } = this.#settings;
      this.#config = client.discovery(issuer, clientId, clientSecret, undefined, local ? { execute: [client.allowInsecureRequests] } : undefined).then((found) => {
        // HTTP Basic, the OAuth default every provider must accept, unless it advertises only POST.
        const methods = found.serverMetadata().token_endpoint_auth_methods_supported;
        if (methods && !methods.includes('client_secret_basic')) return found;
        const config = new client.Configuration(found.serverMetadata(), clientId, clientSecret, client.ClientSecretBasic(clientSecret));
        if (local) client.allowInsecureRequests(config);
        return config;
      });
      this.#config.catch(() => {
        this.#config = undefined;
      });
    }
    return this.#config;
  }

  /** Whether the provider is Google, which cannot be asked to have the person sign in again (only to choose the account). */
  get isGoogle(): boolean {
    return isGoogle(this.#settings.issuer);
  }

  /**
   * The provider's address to send the browser to, and what to remember until it comes back.
   * With `reauthenticate` (this browser signed out of the dashboard), the provider is asked to
   * make the person sign in again (`prompt=login`) rather than answer from its own session —
   * Google, which knows no `login`, to have them choose the account (`select_account`).
   */
  async start(redirectUri: string, reauthenticate = false): Promise<{ url: string; pending: PendingSignIn }> {
    const config = await this.#configuration();
    const verifier = client.randomPKCECodeVerifier();
    const pending = { state: client.randomState(), nonce: client.randomNonce(), verifier };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri, scope: 'openid email profile', response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      state: pending.state, nonce: pending.nonce, ...(reauthenticate ? { prompt: isGoogle(this.#settings.issuer) ? 'select_account' : 'login' } : {}),
    });
    return { url: url.href, pending };
  }

  /**
   * Exchanges the code of the callback for tokens (checking state, nonce and PKCE) and returns
   * the person's e-mail address. Microsoft Entra may give it only as preferred_username.
   */
  async finish(callbackUrl: URL, pending: PendingSignIn): Promise<string> {
    const config = await this.#configuration();
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true,
      });
      const id = tokens.claims()!;
      claims = { ...id };
      // Some providers put only the subject in the ID token and the rest behind the userinfo endpoint.
      if (typeof id.email !== 'string' && config.serverMetadata().userinfo_endpoint) {
        claims = { ...(await client.fetchUserInfo(config, tokens.access_token, id.sub)), ...id };
      }
    } catch (error) {
      throw new SignInError('providerError', error instanceof Error ? error.message : String(error));
    }
    return vouchedAddress(claims, config.serverMetadata());
  }
}

/**
 * The e-mail address the provider vouches for, from the ID token's (or userinfo's) claims:
 * - from Microsoft Entra, `email` only when Entra says its domain is verified (the optional claim
 *   `xms_edov`): Entra's `email` is an attribute that an account's owner, or a guest's home
 *   tenant, may set to anyone's address (the "nOAuth" flaw); else `preferred_username` when it is
 *   an address — its sign-in name, the tenant's own;
 * - from any other provider, `email`, unless it says it is not verified; one that publishes
 *   `email_verified` among its claims vouches only for an address it says is (Keycloak, Google).
 *   A username is no address there: it is a name the user may choose (Keycloak lets people edit
 *   it), and an account named "director@company" would sign in as the director.
 */
export function vouchedAddress(claims: Record<string, unknown>, provider: { issuer: string; claims_supported?: string[] }): string {
  if (isEntra(provider.issuer)) {
    if (typeof claims.email === 'string' && claims.xms_edov === true) return claims.email;
    if (typeof claims.preferred_username === 'string' && claims.preferred_username.includes('@')) return claims.preferred_username;
    if (typeof claims.email === 'string') throw new SignInError('unverified', `${claims.email} is not verified (Entra sends xms_edov for a verified domain)`);
    throw new SignInError('noEmail', 'neither the ID token nor the userinfo say an e-mail address');
  }
  if (typeof claims.email === 'string') {
    if (claims.email_verified === false || (claims.email_verified !== true && provider.claims_supported?.includes('email_verified'))) {
      throw new SignInError('unverified', `${claims.email} is not verified`);
    }
    return claims.email;
  }
  throw new SignInError('noEmail', 'neither the ID token nor the userinfo say an e-mail address');
}

/** Microsoft Entra ID's issuers: the public cloud's and the national clouds'. */
function isEntra(issuer: string): boolean {
  return ['login.microsoftonline.com', 'login.microsoftonline.us', 'login.partner.microsoftonline.cn', 'sts.windows.net'].includes(hostOf(issuer));
}

/** Google's issuer, whose `prompt` takes none, consent and select_account only. */
function isGoogle(issuer: string): boolean {
  return hostOf(issuer) === 'accounts.google.com';
}

function hostOf(issuer: string): string {
  try {
    return new URL(issuer).hostname;
  } catch {
    return '';
  }
}
