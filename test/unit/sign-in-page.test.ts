import { describe, expect, it } from 'vitest';
import { signInPage } from '../../src/dashboard/sign-in-pages.ts';
import { OidcSignIn } from '../../src/dashboard/oidc.ts';
import { translator } from '../../src/i18n/translator.ts';

describe('the sign-in page after a sign-out', () => {
  const frame = { tr: translator('en'), company: 'Volna' };

  it('says the provider asks for the password again, and of Google (which cannot be asked to) that it only asks to choose the account (QA)', () => {
    const other = signInPage(frame, { provider: 'other', signedOut: true, error: undefined });
    expect(other).toContain('the next sign-in here from this browser asks for its password again');
    const google = signInPage(frame, { provider: 'google', signedOut: true, error: undefined });
    expect(google).toContain('asks you to choose the account, but Google may not ask for its password again');
    expect(google).not.toContain('asks for its password again;');
    const links = signInPage(frame, { provider: undefined, signedOut: true, error: undefined });
    expect(links).toContain('You are signed out.');
    expect(links).not.toContain('company account');
  });

  it('knows Google by its issuer, which the dashboard gives the page as the provider (Entra, Keycloak: the others)', () => {
    const of = (issuer: string) => new OidcSignIn({ issuer, clientId: 'touchbase', clientSecret: 'secret' }).isGoogle;
    expect(of('https://accounts.google.com')).toBe(true);
    expect(of('https://login.microsoftonline.com/tenant/v2.0')).toBe(false);
    expect(of('https://keycloak.example.com/realms/corp')).toBe(false);
  });
});
