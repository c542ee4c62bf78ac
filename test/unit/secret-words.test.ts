import { describe, expect, it } from 'vitest';
import { rememberSecret, withoutSecrets } from '../../src/calendar/secret-words.ts';
import { CalendarError } from '../../src/calendar/port.ts';

describe('a calendar\'s error text without secrets', () => {
  it.each([
    ['a form body echoed', 'for request: grant_type=refresh_token&refresh_token=1//0ab-c&client_secret=s3cr3t&client_id=cid', 'for request: grant_type=refresh_token&refresh_token=***&client_secret=***&client_id=cid'],
    ['a JSON body echoed', '{"client_secret": "s3cr3t", "access_token":"ya29.x\\"y", "scope":"cal"}', '{"client_secret":"***", "access_token":"***", "scope":"cal"}'],
    ['an address with a password', 'no answer from http://user:proxyPASSWORD@127.0.0.1:9199/calendar/v3', 'no answer from http://***@127.0.0.1:9199/calendar/v3'],
    ['a bearer token', 'sent Authorization: Bearer eyJhbGciOi.abc-def_ghi=', 'sent Authorization: Bearer ***'],
    ['a private key', 'key -----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY----- bad', 'key *** bad'],
  ])('%s', (_what, text, expected) => {
    expect(withoutSecrets(text)).toBe(expected);
  });

  it('leaves ordinary messages as they are', () => {
    const text = 'Google Calendar 404 notFound: Not Found (event 5f3a… of e.kuznetsova@corp.example, syncKey=1)';
    expect(withoutSecrets(text)).toBe(text);
  });

  it('every CalendarError is made without them, whoever makes it', () => {
    expect(new CalendarError('unknown', 'Microsoft Graph: no answer from https://u:pw@graph.local/v1.0').message).toBe('Microsoft Graph: no answer from https://***@graph.local/v1.0');
  });

  it('a secret value this process holds is taken out whatever surrounds it: a proxy\'s page listing the request as "name: value", a bare token, its URL-encoded form', () => {
    rememberSecret('1//0g-refresh-of-anna');
    rememberSecret('super-secret-client-XYZ');
    rememberSecret('short');
    const page = 'Bad gateway\nrefresh_token: 1//0g-refresh-of-anna\nclient_id: cid\nclient_secret: super-secret-client-XYZ\nbody: refresh_token%3D1%2F%2F0g-refresh-of-anna short';
    expect(withoutSecrets(page)).toBe('Bad gateway\nrefresh_token: ***\nclient_id: cid\nclient_secret: ***\nbody: refresh_token%3D*** short');
    expect(new CalendarError('temporary', 'Google Calendar 400: auth: super-secret-client-XYZ').message).toBe('Google Calendar 400: auth: ***');
  });
});
