import { describe, expect, it } from 'vitest';
import { SignInError, vouchedAddress } from '../../src/dashboard/oidc.ts';

/** Which address a provider vouches for (QA security F5: an unverified username signed in as the CEO). */
describe('the address a sign-in is known by', () => {
  const keycloak = { issuer: 'https://keycloak.example.com/realms/corp', claims_supported: ['sub', 'email', 'email_verified', 'preferred_username'] };
  const entra = { issuer: 'https://login.microsoftonline.com/0000-tenant/v2.0', claims_supported: ['sub', 'email', 'preferred_username'] };
  const bare = { issuer: 'https://idp.example.com' };
  const reason = (f: () => unknown) => {
    try {
      f();
    } catch (error) {
      return error instanceof SignInError ? error.reason : String(error);
    }
    return 'signed in';
  };

  it('is a verified email', () => {
    expect(vouchedAddress({ email: 'anna@corp.example', email_verified: true }, keycloak)).toBe('anna@corp.example');
    expect(reason(() => vouchedAddress({ email: 'anna@corp.example', email_verified: false }, keycloak))).toBe('unverified');
    // A provider that says whether addresses are verified vouches only for one it says is.
    expect(reason(() => vouchedAddress({ email: 'anna@corp.example' }, keycloak))).toBe('unverified');
    // One that never says (a provider publishing no claims) vouches for the email it sends.
    expect(vouchedAddress({ email: 'anna@corp.example' }, bare)).toBe('anna@corp.example');
  });

  it('from Entra, is email only with a verified domain (xms_edov), else the sign-in name: its email is an attribute anyone may set (security review 2026-12-06)', () => {
    // A guest, or an account whose owner set its mail to the director's: its sign-in name is its own.
    expect(vouchedAddress({ email: 'director@corp.example', preferred_username: 'mallory@other.example' }, entra)).toBe('mallory@other.example');
    expect(reason(() => vouchedAddress({ email: 'director@corp.example' }, entra))).toBe('unverified');
    expect(vouchedAddress({ email: 'anna@corp.example', xms_edov: true, preferred_username: 'anna.i@corp.onmicrosoft.com' }, entra)).toBe('anna@corp.example');
  });

  it('is Entra\'s preferred_username without an email, and no other provider\'s', () => {
    expect(vouchedAddress({ preferred_username: 'pavel@corp.example' }, entra)).toBe('pavel@corp.example');
    expect(vouchedAddress({ preferred_username: 'pavel@corp.example' }, { ...entra, issuer: 'https://sts.windows.net/0000-tenant/' })).toBe('pavel@corp.example');
    expect(reason(() => vouchedAddress({ preferred_username: 'pavel@corp.example' }, keycloak))).toBe('noEmail');
    expect(reason(() => vouchedAddress({ preferred_username: 'pavel@corp.example' }, bare))).toBe('noEmail');
    expect(reason(() => vouchedAddress({ preferred_username: 'pavel@corp.example' }, { issuer: 'https://login.microsoftonline.com.evil.example/x' }))).toBe('noEmail');
    expect(reason(() => vouchedAddress({ preferred_username: 'pavel' }, entra))).toBe('noEmail');
  });
});
