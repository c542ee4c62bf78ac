import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { GoogleCalendarFake } from '../fakes/google-calendar-fake.ts';
import { cli } from '../helpers/run-cli.ts';
import { SETTINGS, client, employee, tempDir, writeConfig } from '../helpers/config-folder.ts';
import { providersFromEnv, CalendarSetupError } from '../../src/calendar/providers-from-env.ts';
import { tempDatabaseLocation, testBackend } from '../helpers/test-backend.ts';

let fake: GoogleCalendarFake;
let saved: NodeJS.ProcessEnv;
beforeEach(async () => {
  saved = { ...process.env };
  fake = new GoogleCalendarFake();
  const url = await fake.start();
  fake.refreshTokens.set('rt-a', 'a@corp.example');
  fake.refreshTokens.set('rt-b', 'b@corp.example');
  fake.refreshTokens.set('rt-a2', 'a2@corp.example');
  fake.revoked.add('rt-b');
  const tokens = join(tempDir(), 'tokens.json');
  writeFileSync(tokens, JSON.stringify({ 'a@corp.example': 'rt-a', 'b@corp.example': 'rt-b', 'a2@corp.example': 'rt-a2' }));
  Object.assign(process.env, {
    GOOGLE_OAUTH_CLIENT_ID: 'cid', GOOGLE_OAUTH_CLIENT_SECRET: 'shh', GOOGLE_REFRESH_TOKENS_FILE: tokens,
    GOOGLE_API_ROOT_URL: `${url}/`, GOOGLE_TOKEN_URL: `${url}/token`,
  });
});
afterEach(async () => {
  process.env = saved;
  await fake.stop();
});

const config = (title?: string, aEmail = 'a@corp.example') => writeConfig({
  'touchbase.yaml': {
    settings: { ...SETTINGS.settings, calendar: 'google' },
    employees: [employee('a', 'account_manager', { email: aEmail }), employee('b', 'account_manager', { email: 'b@corp.example' }), { ...employee('c', 'account_manager'), calendar: 'ics' }],
    clients: [client('x', { roles: ['buyer'], team: { account_manager: 'a' } }), client('y', { roles: ['buyer'], team: { account_manager: 'b' } })],
    rules: [{ id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', for: { clients: ['x', 'y'] }, ...(title ? { title } : {}) }],
  },
});

/** b's revoked connection as sync and once report it: named on standard error, and the command fails. */
function expectRevokedB(r: { code: number; err: string }): void {
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/b: paused — auth: Google refused the credentials/);
  expect(r.err).toContain('1 calendar refused touchbase\'s credentials (b): their changes wait until the connection works again');
}

describe('Google through the command line', () => {
  it('calendars check says, per employee, whether their calendar can be read and written', async () => {
    const r = await cli('calendars', 'check', '--config', config(), '--db', await tempDatabaseLocation());
    // One calendar failing fails the command: scripts and monitoring see it.
    expect(r.code).toBe(1);
    expect(r.err).toContain('1 of 3 calendars failed the check');
    expect(r.out).toMatch(/^a\s+google\s+ok: read and write$/m);
    expect(r.out).toMatch(/^b\s+google\s+FAILED \(auth\): Google refused the credentials/m);
    expect(r.out).toMatch(/^c\s+ics\s+ok: read and write$/m);
    expect(r.out).not.toContain('rt-b');
    expect(r.out).not.toContain('shh');
  });

  it('sync pushes to Google and the feed; a revoked employee is reported without stopping the others, and fails the command', async () => {
    const db = await tempDatabaseLocation();
    const r = await cli('sync', '--config', config(), '--db', db, '--now', '2027-03-01T08:00:00+03:00');
    // The others are written; the refused one fails the command, so a scheduler sees it.
    expectRevokedB(r);
    expect(fake.events('a@corp.example').length).toBeGreaterThan(1);
    // Every change is in one of the summary's counts: b's wait, held by its calendar.
    const [, changes, written, held] = /: (\d+) changes, 0 waiting from before; (\d+) written, 0 to retry, 0 refused, (\d+) held by a paused calendar \(credentials refused or quota exhausted/.exec(r.out)!;
    expect(Number(written) + Number(held)).toBe(Number(changes));
    expect(Number(held)).toBeGreaterThan(0);
    const dry = await cli('sync', '--dry-run', '--config', config(), '--db', db, '--now', '2027-03-01T08:00:00+03:00');
    expect(dry.out).toContain('Nothing to change');
    expect(dry.out).toMatch(/\d+ operations are already waiting/);
    // status says how long b waits in the company's language, not half in English.
    expect((await cli('status', '--config', config(), '--db', db)).out).toContain('  b: waits until the next sync (tried again at every sync) — auth: Google refused the credentials');
    const russian = writeConfig({ 'touchbase.yaml': { settings: { ...SETTINGS.settings, language: 'ru' } } });
    expect((await cli('status', '--config', russian, '--db', db)).out).toContain('  b: ждёт до следующей синхронизации (пробуем снова при каждой) — auth: Google refused the credentials');
  });

  it('sync fails when a connection is revoked even with nothing to write: the read of that calendar was refused', async () => {
    fake.revoked.delete('rt-b');
    const db = await tempDatabaseLocation();
    const now = ['--now', '2027-03-01T08:00:00+03:00'];
    expect((await cli('sync', '--config', config(), '--db', db, ...now)).code).toBe(0);
    fake.revoked.add('rt-b');
    const r = await cli('sync', '--config', config(), '--db', db, ...now);
    expect(r.out).toMatch(/0 changes/);
    expect(r.err).toMatch(/b: calendar not read — auth: Google refused the credentials/);
    expect(r.code).toBe(1);
    expect(r.err).toContain('1 calendar refused touchbase\'s credentials (b)');
  });

  it('status names a calendar whose last read failed — when, since when, and why — until a later read succeeds', async () => {
    fake.revoked.delete('rt-b');
    const db = await tempDatabaseLocation();
    const at = (time: string) => ['--now', `2027-03-01T${time}:00+03:00`];
    expect((await cli('sync', '--config', config(), '--db', db, ...at('08:00'))).code).toBe(0);
    expect((await cli('status', '--db', db)).out).not.toContain('calendars not read');
    // Every read of a's calendar fails (b's works): a's moves and deletions cannot be taken in.
    fake.script({ kind: 'fail', status: 500, reason: 'backendError' }, { method: 'GET', user: 'a@corp.example', times: 1000 });
    expect((await cli('sync', '--config', config(), '--db', db, ...at('09:00'))).err).toMatch(/a: calendar not read — temporary: /);
    expect((await cli('sync', '--config', config(), '--db', db, ...at('10:00'))).err).toMatch(/a: calendar not read — temporary: /);
    // Told by status from the database alone (no daemon runs), in text (in the company's zone) and in JSON.
    const text = (await cli('status', '--db', db)).out;
    expect(text).toContain('calendars not read: 1 — the moves and deletions made there wait for a read that works');
    expect(text).toMatch(/^ {2}a \(google\): last read failed 2027-03-01 10:00 \+03, failing since 2027-03-01 09:00 \+03 — temporary: Google Calendar 500 backendError: scripted backendError$/m);
    expect(text).not.toMatch(/^ {2}b \(google\)/m);
    const json = JSON.parse((await cli('status', '--db', db, '--format', 'json')).out) as { unreadCalendars: unknown[] };
    expect(json.unreadCalendars).toEqual([{
      employee: 'a', provider: 'google', since: '2027-03-01T06:00:00.000Z', failedAt: '2027-03-01T07:00:00.000Z', error: 'temporary: Google Calendar 500 backendError: scripted backendError',
    }]);
    // Reported only: nothing of a's was taken as deleted or moved by the employee.
    expect(fake.events('a@corp.example').filter((e) => e.status === 'cancelled')).toEqual([]);
    // A read that works ends it.
    fake.clearFaults();
    const read = await cli('sync', '--config', config(), '--db', db, ...at('11:00'));
    expect(read.err).not.toContain('calendar not read');
    expect((await cli('status', '--db', db)).out).not.toContain('calendars not read');
    expect((JSON.parse((await cli('status', '--db', db, '--format', 'json')).out) as { unreadCalendars: unknown[] }).unreadCalendars).toEqual([]);
  });

  it('sync\'s summary counts the calls that got their answer, and the failed ones apart', async () => {
    fake.revoked.delete('rt-b');
    const db = await tempDatabaseLocation();
    const now = ['--now', '2027-03-01T08:00:00+03:00'];
    expect((await cli('sync', '--config', config(), '--db', db, ...now)).code).toBe(0);
    // A new title rewrites every event: a's calendar cannot be read (its writes go through), b's refuses every update.
    fake.script({ kind: 'fail', status: 500, reason: 'backendError' }, { method: 'GET', user: 'a@corp.example', times: 1000 });
    fake.script({ kind: 'fail', status: 400, reason: 'invalid' }, { method: 'PATCH', user: 'b@corp.example', times: 1000 });
    const from = fake.log.length;
    const r = await cli('sync', '--config', config('Call {contacts} at {client.name}'), '--db', db, ...now);
    // The calendar's calls (not the token requests), as the fake saw them.
    const calls = fake.log.slice(from).filter((c) => c.path.startsWith('/calendar/'));
    const failedReads = calls.filter((c) => c.method === 'GET' && c.user === 'a@corp.example').length;
    const failedWrites = calls.filter((c) => c.method === 'PATCH' && c.user === 'b@corp.example').length;
    const reads = calls.filter((c) => c.method === 'GET').length - failedReads;
    const writes = calls.filter((c) => c.method !== 'GET').length - failedWrites;
    expect([failedReads > 0, failedWrites > 0, reads > 0, writes > 0]).toEqual([true, true, true, true]);
    const n = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
    expect(r.out).toContain(`(calendar services: ${n(reads, 'read')}, ${n(writes, 'write')}; ${n(failedReads, 'read')} and ${n(failedWrites, 'write')} failed)\n`);
    // With every call answered, nothing is said of failures.
    fake.clearFaults();
    const again = await cli('sync', '--config', config('Call {contacts} at {client.name}'), '--db', db, ...now);
    expect(again.out).toMatch(/\(calendar services: \d+ reads?, \d+ writes?\)\n/);
  });

  it('once reports a revoked employee as sync does and fails (a cron job sees that someone must reconnect); the others are written', async () => {
    const db = await tempDatabaseLocation();
    const r = await cli('once', '--config', config(), '--db', db, '--now', '2027-03-01T08:00:00+03:00');
    expectRevokedB(r);
    expect(r.out).toMatch(/calendars: \d+ events written, \d+ held by a paused calendar \(credentials refused or quota exhausted: see "paused"\), 1 iCalendar feed in /);
    expect(fake.events('a@corp.example').length).toBeGreaterThan(1);
    // With nothing to write, the refused read of b's calendar fails the next pass all the same.
    const again = await cli('once', '--config', config(), '--db', db, '--now', '2027-03-01T08:00:00+03:00');
    expect(again.code).toBe(1);
    expect(again.err).toContain('1 calendar refused touchbase\'s credentials (b)');
  });

  it('sync --dry-run shows what a changed configuration would write, and writes nothing', async () => {
    fake.revoked.delete('rt-b');
    const db = await tempDatabaseLocation();
    const now = ['--now', '2027-03-01T08:00:00+03:00'];
    expect((await cli('sync', '--config', config(), '--db', db, ...now)).code).toBe(0);
    const events = fake.events('a@corp.example').map((e) => e.summary).sort();
    const writes = fake.writes().length;
    // A new title for the calls: each of a's and b's call events would be updated.
    const changed = config('Call {contacts} at {client.name}');
    const dry = await cli('sync', '--dry-run', '--config', changed, '--db', db, ...now);
    expect(dry.code, dry.err).toBe(0);
    if (testBackend() === 'postgres') {
      // No throwaway copy of a PostgreSQL database: the preview is against the plan as last recorded, and says so.
      expect(dry.err).toContain('compared with the plan as last recorded: run "touchbase plan" first');
      expect(dry.out).toContain('Nothing to change');
      return;
    }
    const updates = dry.out.split('\n').filter((l) => /^update\s+[ab]\s+google\s/.test(l));
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.every((l) => l.includes('Call '))).toBe(true);
    expect(fake.writes().length).toBe(writes);
    expect(fake.events('a@corp.example').map((e) => e.summary).sort()).toEqual(events);
    // Nothing of the preview stayed: the database still has the old plan, and the real sync makes those updates.
    expect((await cli('sync', '--dry-run', '--config', config(), '--db', db, ...now)).out).toContain('Nothing to change');
    const real = await cli('sync', '--config', changed, '--db', db, ...now);
    expect(real.out).toMatch(new RegExp(`${updates.length} changes`));
  });

  it('sync --dry-run lists what an address change does: the events created at the new address, deleted at the old', async () => {
    fake.revoked.delete('rt-b');
    const db = await tempDatabaseLocation();
    const now = ['--now', '2027-03-01T08:00:00+03:00'];
    expect((await cli('sync', '--config', config(), '--db', db, ...now)).code).toBe(0);
    const events = fake.events('a@corp.example').length;
    const writes = fake.writes().length;
    const dry = await cli('sync', '--dry-run', '--config', config(undefined, 'a2@corp.example'), '--db', db, ...now);
    expect(dry.code, dry.err).toBe(0);
    if (testBackend() === 'postgres') return; // compared with the database as it is: the move is the sync's own
    const lines = dry.out.split('\n');
    expect(lines.filter((l) => /^create\s+a\s+google\s/.test(l))).toHaveLength(events);
    expect(lines.filter((l) => /^delete\s+a\s+google\s.*\(at a@corp\.example\)/.test(l))).toHaveLength(events);
    expect(fake.writes().length).toBe(writes);
    const real = await cli('sync', '--config', config(undefined, 'a2@corp.example'), '--db', db, ...now);
    expect(real.code, real.err).toBe(0);
    expect(fake.events('a2@corp.example')).toHaveLength(events);
    expect(fake.events('a@corp.example').filter((e) => e.status !== 'cancelled')).toEqual([]);
  });

  it('calendars check exits 0 when every calendar works, and calls a broken service account key what it is (not "temporary")', async () => {
    fake.revoked.delete('rt-b');
    const ok = await cli('calendars', 'check', '--config', config(), '--db', await tempDatabaseLocation());
    expect(ok.code).toBe(0);
    const key = join(tempDir(), 'key.json');
    writeFileSync(key, JSON.stringify({ client_email: 'touchbase@project.iam.example', private_key: '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n' }));
    delete process.env.GOOGLE_OAUTH_CLIENT_ID;
    process.env.GOOGLE_SERVICE_ACCOUNT_KEY_FILE = key;
    const broken = await cli('calendars', 'check', '--config', config(), '--db', await tempDatabaseLocation());
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(/^a\s+google\s+FAILED \(auth\): the Google service account key cannot be used/m);
    expect(broken.out).not.toMatch(/temporary/);
  });

  it('a refresh token of another account is refused: nothing of the employee\'s is taken as deleted, nothing written into the colleague\'s calendar', async () => {
    const db = await tempDatabaseLocation();
    const tokens = join(tempDir(), 'tokens.json');
    const cfg = config(undefined, 'a2@corp.example');
    writeFileSync(tokens, JSON.stringify({ 'a2@corp.example': 'rt-a2' }));
    process.env.GOOGLE_REFRESH_TOKENS_FILE = tokens;
    await cli('sync', '--config', cfg, '--db', db, '--now', '2027-03-01T08:00:00+03:00');
    const own = fake.events('a2@corp.example').length;
    expect(own).toBeGreaterThan(1);
    // a's token pasted for a2 (a slip when a token is renewed): a's calendar answers, without a2's events.
    writeFileSync(tokens, JSON.stringify({ 'a2@corp.example': 'rt-a' }));
    const r = await cli('sync', '--config', cfg, '--db', db, '--now', '2027-03-20T08:00:00+03:00');
    expect(r.code).toBe(1);
    expect(r.err).toContain('the Google credentials of a2@corp.example open the calendar of a@corp.example, another account');
    const plan = await cli('plan', '--no-save', '--format', 'json', '--config', cfg, '--db', db, '--from', '2027-03-01', '--to', '2027-05-31', '--now', '2027-03-20T08:00:00+03:00');
    const statuses = (JSON.parse(plan.out) as { status: string }[]).map((t) => t.status);
    expect(statuses.length).toBeGreaterThan(1);
    expect(statuses.filter((s) => s !== 'planned')).toEqual([]);
    expect(fake.events('a@corp.example').filter((e) => e.status !== 'cancelled')).toEqual([]);
    expect(fake.events('a2@corp.example').filter((e) => e.status !== 'cancelled')).toHaveLength(own);
    const check = await cli('calendars', 'check', '--config', cfg, '--db', db);
    expect(check.out).toMatch(/^a\s+google\s+FAILED \(auth\): the Google credentials of a2@corp.example open the calendar of a@corp.example/m);
  });

  it('sync\'s summary counts the moves and deletions found by reading back writes whose answers were lost, as those found by listing', async () => {
    const db = await tempDatabaseLocation();
    process.env.GOOGLE_TIMEOUT_MS = '1000';
    // Two creates of a's answer late (past the timeout) and land: their outcome is unknown until read back.
    fake.script({ kind: 'stall', ms: 1500 }, { method: 'POST', user: 'a@corp.example', times: 2 });
    await cli('sync', '--config', config(), '--db', db, '--now', '2027-03-01T08:00:00+03:00');
    await fake.idle();
    const [first, second] = fake.events('a@corp.example').filter((e) => e.start.dateTime).slice(0, 2);
    // Meanwhile a moves one and deletes the other in her calendar.
    const later = (iso: string) => iso.replace(/T\d\d:/, 'T16:');
    fake.moveAsUser('a@corp.example', first!.id, { ...first!.start, dateTime: later(first!.start.dateTime!) }, { ...first!.end, dateTime: later(first!.end.dateTime!) });
    fake.deleteAsUser('a@corp.example', second!.id);
    const r = await cli('sync', '--config', config(), '--db', db, '--now', '2027-03-01T08:05:00+03:00');
    expect(r.out).toContain('in the calendars: 1 events moved by employees (touches rescheduled), 1 deleted (touches skipped)');
  });

  it('events waiting at an old address while the new one refuses are said to wait for the new one, not blamed on the old calendar', async () => {
    const db = await tempDatabaseLocation();
    await cli('sync', '--config', config(), '--db', db, '--now', '2027-03-01T08:00:00+03:00');
    // a's address changed to one with no refresh token (a typo): nothing can be written there yet.
    const r = await cli('sync', '--config', config(undefined, 'a.typo@corp.example'), '--db', db, '--now', '2027-03-01T09:00:00+03:00');
    expect(r.err).toMatch(/\d+ events still to delete at addresses their employees no longer use: each goes once its touch is written at the new address and the old calendar lets us/);
    expect(r.err).not.toContain('did not let us');
  });

  it('a misconfigured connection names the variable', async () => {
    await expect(providersFromEnv({ GOOGLE_SERVICE_ACCOUNT_KEY_FILE: '/nonexistent/key.json' })).rejects.toThrow(CalendarSetupError);
    await expect(providersFromEnv({ GOOGLE_SERVICE_ACCOUNT_KEY_FILE: '/nonexistent/key.json' })).rejects.toThrow(/GOOGLE_SERVICE_ACCOUNT_KEY_FILE: cannot read/);
    await expect(providersFromEnv({ GOOGLE_OAUTH_CLIENT_ID: 'x', GOOGLE_OAUTH_CLIENT_SECRET: 'y' })).rejects.toThrow(/GOOGLE_REFRESH_TOKENS_FILE/);
    expect(await providersFromEnv({})).toEqual({});
  });

  it('a timeout or a proxy address written wrongly is refused at start, naming the variable; a password in an address is never repeated', async () => {
    const tokens = join(tempDir(), 'tokens.json');
    writeFileSync(tokens, '{"anna@corp.example": "1//0x"}', { mode: 0o600 });
    const google = { GOOGLE_OAUTH_CLIENT_ID: 'cid', GOOGLE_OAUTH_CLIENT_SECRET: 'secret', GOOGLE_REFRESH_TOKENS_FILE: tokens };
    const microsoft = { MS_TENANT_ID: 't', MS_CLIENT_ID: 'c', MS_CLIENT_SECRET: 's' };
    for (const bad of ['abc', '5 fortnights', '0', '500']) {
      await expect(providersFromEnv({ ...google, GOOGLE_TIMEOUT_MS: bad }), bad).rejects.toThrow(`GOOGLE_TIMEOUT_MS: expected a time of at least 1 s, in milliseconds like "30000" or with its unit like "30 s", found ${JSON.stringify(bad)}`);
    }
    // "1s" means a second, as "1000" does: a stalled service is given up on then, not waited on for ever.
    const stalled = createServer(() => undefined);
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const at = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}`;
    try {
      for (const text of ['1s', '1000']) {
        const port = (await providersFromEnv({ ...google, GOOGLE_API_ROOT_URL: `${at}/`, GOOGLE_TOKEN_URL: `${at}/token`, GOOGLE_TIMEOUT_MS: text })).google!;
        const started = Date.now();
        await expect(port.read({ employeeId: 'anna', email: 'anna@corp.example', timezone: 'Europe/Moscow' }, 'k1'), text).rejects.toThrow('within 1 s (GOOGLE_TIMEOUT_MS)');
        expect(Date.now() - started, text).toBeLessThan(5_000);
      }
    } finally {
      stalled.closeAllConnections();
      await new Promise((resolve) => stalled.close(resolve));
    }
    for (const [name, env] of [['GOOGLE_API_ROOT_URL', google], ['GOOGLE_TOKEN_URL', google], ['MS_GRAPH_BASE_URL', microsoft], ['MS_AUTHORITY_HOST', microsoft]] as const) {
      const withPassword = providersFromEnv({ ...env, [name]: 'http://user:proxyPASSWORD@127.0.0.1:9199/' });
      await expect(withPassword, name).rejects.toThrow(`${name}: expected an address without a user name or password in it`);
      await expect(withPassword, name).rejects.not.toThrow(/proxyPASSWORD/);
      await expect(providersFromEnv({ ...env, [name]: '127.0.0.1:9199' }), name).rejects.toThrow(`${name}: expected an http or https address`);
      await expect(providersFromEnv({ ...env, [name]: 'proxy.corp' }), name).rejects.toThrow(`${name}: expected an http or https address`);
    }
  });
});
