import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { DateTime } from 'luxon';
import { tempDatabaseLocation, testBackend } from '../helpers/temp-database.ts';
import { sql } from 'kysely';
import { migrate, migrateTo, openDatabase, openMigrated, type DB } from '../../src/storage/database.ts';
import { planWithHistory } from '../../src/plan-service.ts';
import { syncCalendars } from '../../src/sync/sync-calendars.ts';
import { NO_ANSWER_STOP } from '../../src/sync/reconciler.ts';
import { dirtySyncRows, hasDueWrites, writeQueueSummary } from '../../src/storage/calendar-sync-repository.ts';
import { daemonStatus } from '../../src/daemon/status.ts';
import { expectedEntries, listedTouches } from '../helpers/calendar-entries.ts';
import type { GoogleAuth } from '../../src/calendar/google/google-calendar.ts';
import { fixedClock, type Clock } from '../../src/clock.ts';
import type { Config } from '../../src/domain/types.ts';
import type { GoogleCalendarFake } from '../fakes/google-calendar-fake.ts';
import { googleClient, startGoogleFake } from '../helpers/google-fake.ts';
import { configOf, tempDir } from '../helpers/config-folder.ts';
import { A, B, HORIZON, NOW, syncCompany, touchIdOf, withoutCalls, expectProxyPageRetried } from '../helpers/sync-company.ts';

const sections = (opts: Parameters<typeof syncCompany>[1] = {}) => syncCompany('google', opts);

let fake: GoogleCalendarFake;
let url: string;
beforeEach(async () => {
  ({ fake, url } = await startGoogleFake());
});
afterEach(async () => fake.stop());

const google = (auth?: GoogleAuth) => googleClient(url, { auth });

async function setup() {
  const db = await openMigrated(await tempDatabaseLocation());
  const port = google();
  const sync = async (config: Config, clock: Clock = fixedClock(NOW)) => {
    await planWithHistory(db, config, HORIZON, clock.now(), true);
    return syncCalendars(db, config, clock, { feedDir: tempDir(), ports: { google: port } });
  };
  return { db, sync };
}

/** After a first sync, Anna moves her first call to `day`, 11:00–11:15 Moscow, in her calendar. */
async function withMovedCall(day: string) {
  const { db, sync } = await setup();
  await sync(configOf(sections()));
  const call = fake.events(A).find((e) => e.start.dateTime)!;
  fake.moveAsUser(A, call.id, { dateTime: `${day}T11:00:00+03:00`, timeZone: 'Europe/Moscow' }, { dateTime: `${day}T11:15:00+03:00`, timeZone: 'Europe/Moscow' });
  return { db, sync, call, touchId: touchIdOf(call.id) };
}

/**
 * A database and a plan-and-sync through a client that also holds a refresh token for Anna's new
 * address (anna.new@corp.example), for the tests of an address that changes. `readCalendars`
 * false is the daemon's frequent sync.
 */
function withNewAddress(o: { feedDir?: string; readCalendars?: boolean } = {}) {
  const NEW = 'anna.new@corp.example';
  fake.refreshTokens.set('rt-anna-new', NEW);
  const port = google({ kind: 'oauth', clientId: 'cid', clientSecret: 'secret', refreshTokens: new Map([[A, 'rt-anna'], [B, 'rt-boris'], [NEW, 'rt-anna-new']]) });
  const dbReady = tempDatabaseLocation().then((location) => openMigrated(location));
  const sync = async (config: Config, minutes: number, readCalendars = o.readCalendars ?? true) => {
    const db = await dbReady;
    await planWithHistory(db, config, HORIZON, NOW, true);
    return syncCalendars(db, config, fixedClock(NOW.plus({ minutes })), { feedDir: o.feedDir ?? tempDir(), ports: { google: port }, readCalendars });
  };
  return { NEW, sync, db: () => dbReady };
}

/**
 * The company planned and synced as the daemon's frequent sync does (no calendar read), Anna's
 * calls as written to her calendar, and the company with all of Anna's clients given to Boris.
 */
async function handedToBoris() {
  const { sync, db: opened } = withNewAddress({ readCalendars: false });
  await sync(configOf(sections()), 0);
  const calls = fake.events(A).filter((e) => e.start.dateTime && e.status === 'confirmed');
  const handed = sections();
  const toBoris = { ...handed, clients: handed.clients.map((c) => ({ ...c, team: { account_manager: 'boris' } })) };
  return { sync, db: await opened(), calls, toBoris };
}

/** An ISO instant as milliseconds: the same instant whatever offset it is written with. */
const ms = (iso: string | undefined) => DateTime.fromISO(iso!).toMillis();

/**
 * What Anna did before her calls were handed to Boris, taken in: the call she moved to 10 March
 * 11:00 is Boris's at that time, the one she deleted is skipped and in no calendar, and none of her
 * calls is left in hers.
 */
async function expectTakenIn(db: DB, moved: string, deleted: string) {
  const touch = (id: string) => db.selectFrom('touches').select(['employee_id', 'date', 'start_at', 'status', 'moved_by_user']).where('id', '=', touchIdOf(id)).executeTakeFirstOrThrow();
  expect(await touch(moved)).toMatchObject({ employee_id: 'boris', date: '2027-03-10', status: 'planned', moved_by_user: 1 });
  expect(ms((await touch(moved)).start_at)).toBe(ms('2027-03-10T11:00:00+03:00'));
  expect((await touch(deleted)).status).toBe('skipped');
  const atBoris = fake.events(B).filter((e) => e.status === 'confirmed');
  expect(ms(atBoris.find((e) => e.id.startsWith(moved.slice(0, 32)))!.start.dateTime)).toBe(ms('2027-03-10T11:00:00+03:00'));
  expect(atBoris.some((e) => e.id.startsWith(deleted.slice(0, 32)))).toBe(false);
  expect(fake.events(A).filter((e) => e.status === 'confirmed' && e.start.dateTime)).toEqual([]);
}

async function expectCalendarsEqualPlan(db: DB) {
  const planned = await db.selectFrom('touches').selectAll().where('status', '=', 'planned').where('date', '>=', HORIZON.from).where('date', '<=', HORIZON.to).execute();
  const emailOf: Record<string, string> = { anna: A, boris: B };
  for (const user of [A, B]) {
    const live = fake.events(user).filter((e) => e.status === 'confirmed');
    const mine = planned.filter((t) => emailOf[t.employee_id] === user);
    // One event per meeting or call, one per day and source of the all-day touches, each listing its touches.
    const entries = [...expectedEntries(mine).values()].map((e) => e.members.join(','));
    expect(live.map((e) => listedTouches(e.description ?? '').join(',')).sort(), user).toEqual(entries.sort());
    for (const t of mine) {
      const e = live.find((x) => listedTouches(x.description ?? '').includes(t.id))!;
      // A meeting's event id is its touch's key (a generation suffix when it came back after a delete).
      if (!t.all_day) expect(e.id.slice(0, 32)).toBe(t.id.replace(/-/g, ''));
      if (listedTouches(e.description ?? '').length === 1) expect(e.summary).toBe(t.title);
      if (t.all_day) expect(e.start.date === t.date && e.end.date === DateTime.fromISO(t.date).plus({ days: 1 }).toISODate()).toBe(true);
      else expect(e.start).toEqual({ dateTime: t.start_at, timeZone: user === A ? 'Europe/Moscow' : 'Europe/Bucharest' });
      expect(e.attendees).toBeUndefined();
      expect(e.visibility).toBe('private');
      expect(e.reminders?.useDefault).toBe(false);
    }
  }
}

describe('Google Calendar sync through the real client', () => {
  it('pushes, changes, shrinks and hands over the plan; a sync with nothing changed makes zero write calls', async () => {
    const { db, sync } = await setup();
    const first = await sync(configOf(sections()));
    expect(first.dispatched!.done).toBeGreaterThan(20);
    await expectCalendarsEqualPlan(db);
    const writes = fake.writes().length;
    const again = await sync(configOf(sections()));
    expect(again.dispatched!.done).toBe(0);
    expect(fake.writes().length).toBe(writes);

    await sync(configOf(sections({ title: 'Call {contacts} ({client.name})' })));
    await expectCalendarsEqualPlan(db);
    await sync(configOf(sections({ title: 'Call {contacts} ({client.name})', clients: 2 })));
    await expectCalendarsEqualPlan(db);
    const handed = await sync(configOf(sections({ title: 'Call {contacts} ({client.name})', clients: 2, handover: true })));
    expect(handed.operations.some((op) => op.op === 'delete' && op.employeeId === 'anna')).toBe(true);
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('a company with no feed (Google only) neither makes nor claims a feed folder: another database may use it (QA: its sync was refused)', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    const feedDir = join(tempDir(), 'feeds');
    const config = configOf(sections());
    await planWithHistory(db, config, HORIZON, NOW, true);
    const report = await syncCalendars(db, config, fixedClock(NOW), { feedDir, ports: { google: google() } });
    expect(report.feeds).toEqual([]);
    expect(existsSync(join(feedDir, '.touchbase-feeds'))).toBe(false);
    await db.destroy();
  });

  it('a description carries the CRM\'s text escaped: Google shows descriptions as HTML, and a client name with a link must not become one (QA security F7)', async () => {
    const { db, sync } = await setup();
    const company = sections();
    for (const c of company.clients) c.contacts[0]!.name = '<a href="https://evil.example/login">confirm</a> & Co';
    await sync(configOf(company));
    const events = [...fake.events(A), ...fake.events(B)].filter((e) => e.status === 'confirmed' && (e.description ?? '').includes('evil.example'));
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e.description).not.toMatch(/<a |&(?!amp;|lt;|gt;)/);
      expect(e.description).toContain('&lt;a href="https://evil.example/login"&gt;confirm&lt;/a&gt; &amp;');
    }
    await db.destroy();
  });

  it('an employee removed from the configuration (their clients given to another): their events leave their calendar, the successor has them once, nothing waits', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    expect(fake.events(A).filter((e) => e.status === 'confirmed').length).toBeGreaterThan(5);
    const base = sections();
    const withoutAnna = configOf({ ...base, employees: base.employees.filter((e) => e.id !== 'anna'),
      clients: base.clients.map((c) => ({ ...c, team: { account_manager: 'boris' } })) });
    // A dry run first lists each of her events to delete, and changes nothing.
    const hers = fake.events(A).filter((e) => e.status === 'confirmed').length;
    await planWithHistory(db, withoutAnna, HORIZON, NOW, true);
    const preview = await syncCalendars(db, withoutAnna, fixedClock(NOW), { feedDir: tempDir(), ports: { google: google() }, dryRun: true });
    expect(preview.operations.filter((op) => op.employeeId === 'anna' && op.op === 'delete' && op.provider === 'google')).toHaveLength(hers);
    expect(preview.operations.find((op) => op.employeeId === 'anna')!.title).toBe(`(gone from the configuration; at ${A})`);
    expect(fake.events(A).filter((e) => e.status === 'confirmed')).toHaveLength(hers);
    expect(await db.selectFrom('calendar_sync').select('entry_id').where('employee_id', '=', 'anna').execute()).not.toEqual([]);
    const gone = await sync(withoutAnna);
    expect(gone.formerCalendars!.removed).toMatchObject({ employees: ['anna'] });
    expect(gone.formerCalendars!.removed!.events).toHaveLength(hers);
    expect(gone.formerCalendars!.waiting).toBe(0);
    // Anna's calendar holds nothing of ours; Boris's holds every touch, once (expectCalendarsEqualPlan checks both).
    expect(fake.events(A).filter((e) => e.status === 'confirmed')).toEqual([]);
    await expectCalendarsEqualPlan(db);
    expect(await db.selectFrom('calendar_sync').select('entry_id').where('employee_id', '=', 'anna').execute()).toEqual([]);
    expect(await dirtySyncRows(db)).toEqual([]);
    const writes = fake.writes().length;
    const again = await sync(withoutAnna);
    expect(again.dispatched!.done).toBe(0);
    expect(fake.writes().length).toBe(writes);
    await db.destroy();
  });

  it('a create that commits and then fails is adopted on retry (409 → read back), never duplicated', async () => {
    const { db, sync } = await setup();
    fake.script({ kind: 'commit-then-fail', status: 503, reason: 'backendError' }, { method: 'POST', times: 2 });
    const first = await sync(configOf(sections()));
    expect(first.dispatched!.retried).toBe(2);
    const later = fixedClock(NOW.plus({ minutes: 5 }));
    const retried = await syncCalendars(db, configOf(sections()), later, { feedDir: tempDir(), ports: { google: google() } });
    // Each lost answer is read back first: the events are there, so they are adopted, not written again.
    expect(retried.dispatched!.settled).toBe(2);
    expect(retried.dispatched!.done).toBe(0);
    expect(fake.log.filter((r) => r.method === 'GET' && r.path.includes('/events/')).length).toBeGreaterThanOrEqual(2);
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('a create that went through but could not be recorded (the database failed) is read back next time, not sent again', async () => {
    const { db, sync } = await setup();
    // The first confirmation of any event fails to be written, as a full disk or a busy database would.
    const postgres = testBackend() === 'postgres';
    if (postgres) {
      await sql`create function refuse_confirmation() returns trigger language plpgsql as $$ begin raise exception 'could not write: disk full'; end $$`.execute(db);
      await sql`create trigger refuse before update on calendar_sync for each row when (new.remote = 'present' and old.remote <> 'present') execute function refuse_confirmation()`.execute(db);
    } else {
      await sql`create trigger refuse before update on calendar_sync when new.remote = 'present' and old.remote <> 'present' begin select raise(abort, 'could not write: disk full'); end`.execute(db);
    }
    await expect(sync(configOf(sections()))).rejects.toThrow(/disk full/);
    expect(fake.log.filter((r) => r.method === 'POST' && r.path.endsWith('/events')).length).toBeGreaterThan(0);
    await sql`drop trigger refuse${sql.raw(postgres ? ' on calendar_sync' : '')}`.execute(db);
    await sync(configOf(sections()), fixedClock(NOW.plus({ minutes: 5 })));
    const ids = fake.log.filter((r) => r.method === 'POST' && r.path.endsWith('/events')).map((r) => (r.body as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('an event wanted again after Google purged its deleted one (409 for the id, 404 for the event) comes back under its next key', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    // The calls rule goes: their events are deleted; later Google purges them (their ids stay taken).
    await sync(configOf(withoutCalls(sections())));
    fake.purgeDeleted(A);
    fake.purgeDeleted(B);
    // The rule is back: the same touches, their events created again under new ids, at once.
    const back = await sync(configOf(sections()));
    expect(back.dispatched).toMatchObject({ retried: 0, failed: 0 });
    // The calls answered "the id is taken" are no failed writes in the summary: every event landed.
    expect(back.calls.failedWrites).toBe(0);
    expect(await dirtySyncRows(db, 'anna')).toEqual([]);
    await expectCalendarsEqualPlan(db);
    expect((await sync(configOf(sections()))).dispatched).toMatchObject({ done: 0, retried: 0 });
    await db.destroy();
  });

  it('an event wanted again after we deleted it, its create unanswered (a dropped connection), is created under its next key, not taken for the employee deleting it (QA)', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    // The calls rule goes, and its events with it (Google keeps them, cancelled, under their ids).
    await sync(configOf(withoutCalls(sections())));
    const deleted = fake.events(A).filter((e) => e.status === 'cancelled').length;
    expect(deleted).toBeGreaterThan(0);
    // The rule is back; the inserts of the calls that come back lose their answers.
    fake.script({ kind: 'drop' }, { method: 'POST', user: A, times: 3 });
    const back = await sync(configOf(sections()));
    expect(back.dispatched!.retried).toBe(3);
    // Read back later: what the read finds under the old ids is our own delete, not the employee's.
    const later = await syncCalendars(db, configOf(sections()), fixedClock(NOW.plus({ minutes: 5 })), { feedDir: tempDir(), ports: { google: google() } });
    expect(later.dispatched!.deletedByUser).toBe(0);
    const skipped = await db.selectFrom('touches').select('id').where('status', '=', 'skipped').execute();
    expect(skipped).toEqual([]);
    await syncCalendars(db, configOf(sections()), fixedClock(NOW.plus({ minutes: 10 })), { feedDir: tempDir(), ports: { google: google() } });
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('migration 0021 moves the rows whose event was found deleted before it on to their next key; the others keep theirs', async () => {
    const db = openDatabase(await tempDatabaseLocation({ file: join(tempDir(), 'old.sqlite'), empty: true }));
    try {
      await migrateTo(db, '0020_calendar_read_failures');
      const hex = (n: number) => String(n).repeat(32).slice(0, 32);
      const row = (n: number, key: string, remote: string, inflight: string | null) => ({
        entry_id: `e${n}`, entry_date: '2027-01-11', members: '[]', employee_id: 'anna', provider: 'google', event_key: key, desired: 'absent', desired_hash: null,
        remote, remote_id: remote === 'none' ? null : `r${n}`, remote_etag: null, remote_hash: null, remote_start: null, remote_end: null, inflight_op: inflight,
        inflight_at: null, inflight_hash: null, inflight_start: null, inflight_end: null, attempts: 0, next_attempt_at: null, last_error: null, failed_hash: null, dirty: 0, updated_at: '2027-01-10T00:00:00.000Z',
      });
      await db.insertInto('calendar_sync').values([
        row(1, hex(1), 'gone', null), row(2, `${hex(2)}v9`, 'deleted_by_user', null), row(3, `${hex(3)}v1`, 'present', null),
        row(4, hex(4), 'none', null), row(5, hex(5), 'gone', 'create'),
      ] as never).execute();
      await migrate(db);
      const keys = await db.selectFrom('calendar_sync').select(['entry_id', 'event_key']).orderBy('entry_id').execute();
      expect(keys.map((k) => k.event_key)).toEqual([`${hex(1)}v1`, `${hex(2)}v10`, `${hex(3)}v1`, hex(4), hex(5)]);
    } finally {
      await db.destroy();
    }
  });

  it('a request that stalls past the client timeout (and then commits) is retried and adopted, not duplicated', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    const config = configOf(sections());
    await planWithHistory(db, config, HORIZON, NOW, true);
    const impatient = googleClient(url, { timeoutMs: 300 });
    fake.script({ kind: 'stall', ms: 600 }, { method: 'POST', times: 1 });
    const first = await syncCalendars(db, config, fixedClock(NOW), { feedDir: tempDir(), ports: { google: impatient } });
    expect(first.dispatched!.retried).toBe(1);
    expect(Object.fromEntries(first.dispatched!.errors)).toEqual({ 'google:no_answer': 1 }); // not google:unknown
    await new Promise((r) => setTimeout(r, 400)); // the stalled insert lands on the server meanwhile
    const conflicts = () => fake.log.filter((r) => r.method === 'GET' && r.path.includes('/events/')).length;
    const before = conflicts();
    await syncCalendars(db, config, fixedClock(NOW.plus({ minutes: 5 })), { feedDir: tempDir(), ports: { google: impatient } });
    expect(conflicts()).toBe(before + 1); // 409 on the retry, read back, adopted
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('an update left unanswered, read back as 404 while the same sync\'s listing showed the event live, concludes nothing: the touch is not skipped, and the next read settles it (QA)', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    const call = fake.events(A).find((e) => e.start.dateTime)!;
    // The rule's title changes; the update of Anna's call goes unanswered (a proxy's 404 page: not Google's).
    fake.script({ kind: 'raw', status: 404, body: '<html>404</html>', contentType: 'text/html' }, { method: 'PATCH', path: call.id, times: 1 });
    const retitled = configOf(sections({ title: 'Call {contacts}' }));
    await sync(retitled);
    const inFlight = () => db.selectFrom('calendar_sync').select(['inflight_op']).where('event_key', '=', call.id).executeTakeFirstOrThrow();
    expect((await inFlight()).inflight_op).toBe('update');
    // The next sync lists the event live, then its read-back gets a stray 404 notFound of Google's.
    fake.script({ kind: 'fail', status: 404, reason: 'notFound' }, { method: 'GET', path: call.id, times: 1 });
    const second = await sync(retitled, fixedClock(NOW.plus({ minutes: 5 })));
    expect(second.dispatched!.deletedByUser).toBe(0);
    const touch = () => db.selectFrom('touches').select(['status', 'note']).where('id', '=', touchIdOf(call.id)).executeTakeFirstOrThrow();
    expect(await touch()).toEqual({ status: 'planned', note: null });
    expect((await inFlight()).inflight_op).toBe('update');
    // Read again at the next sync: the event is there, the touch's new title written.
    await sync(retitled, fixedClock(NOW.plus({ minutes: 10 })));
    expect(await touch()).toEqual({ status: 'planned', note: null });
    expect((await inFlight()).inflight_op).toBeNull();
    expect(fake.events(A).find((e) => e.id === call.id)).toMatchObject({ status: 'confirmed', summary: expect.stringMatching(/^Call /) });
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('a calendar that stops answering costs a few timeouts a sync, not one per write: its other writes wait for the next run, the other calendars go on, and nothing is duplicated', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    const config = configOf(sections());
    await planWithHistory(db, config, HORIZON, NOW, true);
    const impatient = googleClient(url, { timeoutMs: 300 });
    fake.script({ kind: 'stall', ms: 600 }, { method: 'POST', user: A, times: 1000 });
    const posts = (user: string) => fake.log.filter((r) => r.method === 'POST' && r.user === user && r.path.includes('/events')).length;
    const first = await syncCalendars(db, config, fixedClock(NOW), { feedDir: tempDir(), ports: { google: impatient } });
    expect(posts(A)).toBe(NO_ANSWER_STOP);
    expect(first.dispatched!.errors.get('google:no_answer')).toBe(NO_ANSWER_STOP);
    expect(first.dispatched!.unanswered).toBeGreaterThan(3);
    expect(fake.events(B).length).toBeGreaterThan(3);
    fake.clearFaults();
    await fake.idle(); // the stalled inserts land meanwhile
    for (const minutes of [5, 10]) await syncCalendars(db, config, fixedClock(NOW.plus({ minutes })), { feedDir: tempDir(), ports: { google: impatient } });
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('a token endpoint that is down costs one try a calendar, not one per write and read: its writes and reads wait a while, then all land once (QA: 804 token requests, 8 minutes)', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    const config = configOf(sections());
    await planWithHistory(db, config, HORIZON, NOW, true);
    fake.tokenUnavailable = true;
    const tokens = () => fake.log.filter((r) => r.path.endsWith('/token')).length;
    const first = await syncCalendars(db, config, fixedClock(NOW), { feedDir: tempDir(), ports: { google: google() } });
    // Anna's and Boris's calendars: one write each asked for a token (the auth library tries a refresh up to four times), the rest wait.
    expect(tokens()).toBeLessThanOrEqual(8);
    expect(first.dispatched!.retried).toBe(2);
    expect(first.dispatched!.unanswered).toBeGreaterThan(6);
    expect(fake.writes()).toEqual([]);
    const status = await daemonStatus(db, NOW);
    expect(status.waitingEmployees.map((w) => [w.employee, /^temporary: Google's token endpoint \(GOOGLE_TOKEN_URL\) 503: /.test(w.error)]).sort()).toEqual([['anna', true], ['boris', true]]);
    // A sync within the wait asks nothing of the token endpoint.
    const before = tokens();
    await syncCalendars(db, config, fixedClock(NOW.plus({ seconds: 30 })), { feedDir: tempDir(), ports: { google: google() } });
    expect(tokens()).toBe(before);
    fake.tokenUnavailable = false;
    for (const minutes of [5, 10]) await syncCalendars(db, config, fixedClock(NOW.plus({ minutes })), { feedDir: tempDir(), ports: { google: google() } });
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('a dropped connection is retried and nothing is lost', async () => {
    const { db, sync } = await setup();
    fake.script({ kind: 'drop' }, { method: 'POST', times: 1 });
    const first = await sync(configOf(sections()));
    expect(first.dispatched!.retried).toBe(1);
    await syncCalendars(db, configOf(sections()), fixedClock(NOW.plus({ minutes: 5 })), { feedDir: tempDir(), ports: { google: google() } });
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('a throttled answer is waited out as Retry-After says, and the event is not dropped', async () => {
    const { db, sync } = await setup();
    fake.script({ kind: 'fail', status: 429, reason: 'rateLimitExceeded', retryAfter: 30 }, { method: 'POST', times: 1 });
    const first = await sync(configOf(sections()));
    // Every change is in a count: written, to retry (the throttled one), or waiting for that calendar (the rest of it).
    const d = first.dispatched!;
    expect(d.retried).toBe(1);
    expect(d.slowed).toBeGreaterThan(0);
    expect(d.done + d.retried + d.failed + d.held + d.slowed).toBe(first.changes);
    const waiting = (await dirtySyncRows(db)).filter((r) => r.next_attempt_at !== null);
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.inflight_op).toBeNull(); // a 429 is not carried out: nothing to read back
    expect(DateTime.fromISO(waiting[0]!.next_attempt_at!).toMillis() - NOW.toMillis()).toBe(30_000);
    const early = await syncCalendars(db, configOf(sections()), fixedClock(NOW.plus({ seconds: 10 })), { feedDir: tempDir(), ports: { google: google() } });
    expect(early.dispatched!.done).toBe(0);
    // Still inside the wait it asked for: its rows wait for it, which is no refusal.
    expect(early.dispatched!.slowed).toBeGreaterThan(0);
    expect([early.dispatched!.held, [...early.dispatched!.paused.keys()]]).toEqual([0, []]);
    await syncCalendars(db, configOf(sections()), fixedClock(NOW.plus({ seconds: 31 })), { feedDir: tempDir(), ports: { google: google() } });
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('a 403 rate limit is waited out like a 429, not sent again at once behind a token refresh', async () => {
    const { db, sync } = await setup();
    fake.script({ kind: 'fail', status: 403, reason: 'rateLimitExceeded' }, { method: 'POST', times: 1 });
    const first = await sync(configOf(sections()));
    expect(first.dispatched!.retried).toBe(1);
    // One token per user, and no event sent twice in a row.
    expect(fake.log.filter((r) => r.path.endsWith('/token'))).toHaveLength(2);
    const posts = fake.log.filter((r) => r.method === 'POST' && !r.path.endsWith('/token')).map((r) => (r.body as { id?: string }).id);
    expect(posts.some((id, i) => i > 0 && id === posts[i - 1])).toBe(false);
    expect((await dirtySyncRows(db)).filter((r) => r.next_attempt_at !== null)).toHaveLength(1);
    await syncCalendars(db, configOf(sections()), fixedClock(NOW.plus({ minutes: 5 })), { feedDir: tempDir(), ports: { google: google() } });
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('a calendar that asked to wait is not read either until then; the others are', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    fake.script({ kind: 'fail', status: 429, reason: 'rateLimitExceeded', retryAfter: 60 }, { method: 'PATCH', times: 1 });
    const mark = fake.log.length;
    await sync(configOf(sections({ title: 'Renamed {contacts}' })));
    // The first PATCH was refused: its user's calendar waits a minute.
    const throttled = fake.log.slice(mark).find((r) => r.method === 'PATCH')!.user;
    const before = fake.log.length;
    const early = await syncCalendars(db, configOf(sections({ title: 'Renamed {contacts}' })), fixedClock(NOW.plus({ seconds: 30 })), { feedDir: tempDir(), ports: { google: google() } });
    expect(fake.log.slice(before).filter((r) => r.user === throttled)).toEqual([]);
    expect(fake.log.slice(before).some((r) => r.method === 'GET' && r.user !== undefined && r.user !== throttled)).toBe(true);
    expect([...early.reconciled!.unreadable.keys()]).toHaveLength(1);
    // After the wait: read and written as usual.
    await syncCalendars(db, configOf(sections({ title: 'Renamed {contacts}' })), fixedClock(NOW.plus({ seconds: 61 })), { feedDir: tempDir(), ports: { google: google() } });
    expect(fake.log.slice(before).some((r) => r.method === 'GET' && r.user === throttled)).toBe(true);
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('a calendar that answers a read with a rate limit is not read again until its Retry-After is over (QA: it was listed again every minute)', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    fake.script({ kind: 'fail', status: 429, reason: 'rateLimitExceeded', retryAfter: 300 }, { method: 'GET', user: A, times: 100_000 });
    const at = (minutes: number) => syncCalendars(db, configOf(sections()), fixedClock(NOW.plus({ minutes })), { feedDir: tempDir(), ports: { google: google() } });
    const readsOfA = () => fake.log.filter((r) => r.method === 'GET' && r.user === A).length;
    const refused = await at(1);
    expect(refused.reconciled!.unreadable.get('anna')).toMatch(/^rate_limited/);
    const before = readsOfA();
    const waiting = await at(2);
    expect(readsOfA()).toBe(before);
    expect(waiting.reconciled!.unreadable.get('anna')).toMatch(/asked to wait until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+03; read after that/);
    fake.clearFaults();
    await at(7);
    expect(readsOfA()).toBeGreaterThan(before);
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('a 400 page that is not the service\'s error (a proxy in front: plain HTTP sent to its HTTPS port) refuses nothing: the writes are retried and all land once it is put right', async () => {
    await expectProxyPageRetried({ calendar: 'google', setup, fake, serviceRefusal: { kind: 'fail', status: 400, reason: 'invalid' } as const, expectCalendarsEqualPlan });
  });

  it('an event the calendar refuses as invalid is counted and named in status until its touch changes, not forgotten', async () => {
    const { db, sync } = await setup();
    fake.script({ kind: 'fail', status: 400, reason: 'invalid' }, { method: 'POST', times: 1 });
    const first = await sync(configOf(sections()));
    expect(first.dispatched!.failed).toBe(1);
    const refusedUser = fake.log.find((r) => r.method === 'POST' && !r.path.endsWith('/token'))!.user;
    const employee = refusedUser === A ? 'anna' : 'boris';
    // Still there at the next sync, which writes nothing again for it.
    const again = await syncCalendars(db, configOf(sections()), fixedClock(NOW.plus({ minutes: 5 })), { feedDir: tempDir(), ports: { google: google() } });
    expect(again.dispatched!.failed).toBe(0);
    const queue = await writeQueueSummary(db);
    expect(queue.failed).toBe(1);
    expect(queue.refused).toEqual([{ employee, provider: 'google', count: 1, lastError: expect.stringContaining('invalid') }]);
    const status = await daemonStatus(db, NOW.plus({ minutes: 6 }));
    expect(status.outbox.failed).toBe(1);
    expect(status.refusedWrites).toEqual([{ employee, provider: 'google', count: 1, error: expect.stringContaining('invalid') }]);
    // Its touch changed (a new title): written, and no longer refused.
    await sync(configOf(sections({ title: 'Renamed {contacts}' })), fixedClock(NOW.plus({ minutes: 10 })));
    expect((await writeQueueSummary(db)).failed).toBe(0);
    await db.destroy();
  });

  it('stays under the per-user rate limit: waits instead of collecting 403s, and drops nothing', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    let t = NOW.toMillis();
    const clock: Clock = { now: () => DateTime.fromMillis(t) };
    fake.now = () => t;
    fake.perUserPerMinute = 10;
    const config = configOf(sections());
    await planWithHistory(db, config, HORIZON, NOW, true);
    const waits: number[] = [];
    const report = await syncCalendars(db, config, clock, {
      feedDir: tempDir(), ports: { google: google() },
      dispatch: { perMinute: { google: 10 }, sleep: async (ms) => { waits.push(ms); t += ms; } },
    });
    expect(report.dispatched!.retried).toBe(0);
    expect(fake.log.filter((r) => r.method === 'POST' && r.path.includes('/events')).length).toBe(report.operations.length);
    expect(waits.length).toBeGreaterThan(0);
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('a revoked refresh token stops that employee only, with a clear error, and sync resumes once fixed', async () => {
    const { db, sync } = await setup();
    fake.revoked.add('rt-anna');
    const first = await sync(configOf(sections()));
    expect(first.dispatched!.paused.get('anna')).toMatch(/auth: Google refused the credentials.*reconnect/);
    expect(fake.events(B).length).toBeGreaterThan(5);
    expect(fake.events(A)).toHaveLength(0);
    fake.revoked.delete('rt-anna');
    // The next sync (a minute later) resumes: no write of hers waits out a timer of its own.
    const fixed = await syncCalendars(db, configOf(sections()), fixedClock(NOW.plus({ minutes: 1 })), { feedDir: tempDir(), ports: { google: google() } });
    expect(fixed.dispatched!.paused.size).toBe(0);
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('an address in the refresh tokens file matches the team\'s whatever its letter case: the employee is not paused as unconnected', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    const port = google({ kind: 'oauth', clientId: 'cid', clientSecret: 'secret', refreshTokens: new Map([['Anna@Corp.Example', 'rt-anna'], [B, 'rt-boris']]) });
    const config = configOf(sections());
    await planWithHistory(db, config, HORIZON, NOW, true);
    const report = await syncCalendars(db, config, fixedClock(NOW), { feedDir: tempDir(), ports: { google: port } });
    expect(report.dispatched!.paused.size).toBe(0);
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('an address changed to one that does not work (a typo: no refresh token) keeps the events in the old calendar; once written at a working new one, they leave the old', async () => {
    const { NEW, sync, db: opened } = withNewAddress();
    await sync(configOf(sections()), 0);
    const db = await opened();
    const live = (user: string) => fake.events(user).filter((e) => e.status === 'confirmed').length;
    const hers = live(A);
    expect(hers).toBeGreaterThan(3);
    const typo = await sync(configOf(sections({ anna: { email: 'anna.typo@corp.example' } })), 5);
    expect(typo.dispatched!.paused.get('anna')).toMatch(/no Google refresh token for anna\.typo/);
    expect(typo.formerCalendars).toMatchObject({ deleted: 0, waiting: hers });
    expect(live(A)).toBe(hers);
    // Put right at a working address: written there, then deleted at the old one — in the same sync.
    const moved = await sync(configOf(sections({ anna: { email: NEW } })), 10);
    expect(moved.dispatched!.paused.size).toBe(0);
    expect(live(NEW)).toBe(hers);
    expect(live(A)).toBe(0);
    expect(moved.formerCalendars).toMatchObject({ waiting: 0 });
    expect(await db.selectFrom('touches').select('id').where('status', '=', 'skipped').execute()).toEqual([]);
    await db.destroy();
  });

  it('what the employee did in a calendar being left is taken in first: a call moved before the address changed, or before the move to the feed, keeps their time there; one deleted is skipped (QA)', async () => {
    const { NEW, sync, db: opened } = withNewAddress({ feedDir: tempDir() });
    await sync(configOf(sections()), 0);
    const db = await opened();
    const calls = fake.events(A).filter((e) => e.start.dateTime && e.status === 'confirmed');
    expect(calls.length).toBeGreaterThan(2);
    const [moved, deleted] = calls;
    // Anna moves one call to Wednesday 10 March, 11:00–11:15 Moscow, deletes another; then her address changes.
    fake.moveAsUser(A, moved!.id, { dateTime: '2027-03-10T11:00:00+03:00', timeZone: 'Europe/Moscow' }, { dateTime: '2027-03-10T11:15:00+03:00', timeZone: 'Europe/Moscow' });
    fake.deleteAsUser(A, deleted!.id);
    // As the daemon's frequent sync does it after a reload: no calendar is read, but the one being left is.
    const report = await sync(configOf(sections({ anna: { email: NEW } })), 5, false);
    expect(report.reconciled).toBeUndefined();
    const touch = (id: string) => db.selectFrom('touches').select(['date', 'start_at', 'status', 'moved_by_user']).where('id', '=', touchIdOf(id)).executeTakeFirstOrThrow();
    expect(await touch(moved!.id)).toMatchObject({ date: '2027-03-10', status: 'planned', moved_by_user: 1 });
    expect(ms((await touch(moved!.id)).start_at)).toBe(ms('2027-03-10T11:00:00+03:00'));
    expect((await touch(deleted!.id)).status).toBe('skipped');
    const atNew = fake.events(NEW).filter((e) => e.status === 'confirmed');
    expect(ms(atNew.find((e) => e.id.startsWith(moved!.id.slice(0, 32)))!.start.dateTime)).toBe(ms('2027-03-10T11:00:00+03:00'));
    expect(atNew.some((e) => e.id.startsWith(deleted!.id.slice(0, 32)))).toBe(false);
    expect(fake.events(A).filter((e) => e.status === 'confirmed')).toEqual([]);

    // Then she moves another call at the new address and goes to the feed: the feed has it at her time.
    const next = fake.events(NEW).find((e) => e.start.dateTime && e.status === 'confirmed' && !e.id.startsWith(moved!.id.slice(0, 32)))!;
    fake.moveAsUser(NEW, next.id, { dateTime: '2027-03-11T15:00:00+03:00', timeZone: 'Europe/Moscow' }, { dateTime: '2027-03-11T15:30:00+03:00', timeZone: 'Europe/Moscow' });
    const toFeed = await sync(configOf(sections({ anna: { email: NEW, calendar: 'ics' } })), 10);
    expect(toFeed.reconciled).toMatchObject({ moved: 1 });
    // Left: what she does there now (clearing it) decides nothing, and it is not read again.
    const reads = () => fake.log.filter((r) => r.method === 'GET' && r.user === NEW).length;
    const before = reads();
    await sync(configOf(sections({ anna: { email: NEW, calendar: 'ics' } })), 15);
    expect(reads()).toBe(before);
    expect(await touch(next.id)).toMatchObject({ date: '2027-03-11', moved_by_user: 1 });
    const feed = readFileSync(toFeed.feeds.find((f) => f.employee === 'anna')!.file, 'utf8');
    expect(feed).toContain('DTSTART;TZID=Europe/Moscow:20270311T150000');
    expect(fake.events(NEW).filter((e) => e.status === 'confirmed')).toEqual([]);
    await db.destroy();
  });

  it('a calendar being left that cannot be read for now holds the move: nothing of the employee moves until it is read, then their move and deletion are taken in (QA: lost)', async () => {
    const { NEW, sync, db: opened } = withNewAddress({ feedDir: tempDir() });
    await sync(configOf(sections()), 0);
    const db = await opened();
    const calls = fake.events(A).filter((e) => e.start.dateTime && e.status === 'confirmed');
    const [moved, deleted] = calls;
    fake.moveAsUser(A, moved!.id, { dateTime: '2027-03-10T11:00:00+03:00', timeZone: 'Europe/Moscow' }, { dateTime: '2027-03-10T11:15:00+03:00', timeZone: 'Europe/Moscow' });
    fake.deleteAsUser(A, deleted!.id);
    const live = (user: string) => fake.events(user).filter((e) => e.status === 'confirmed');
    const hers = live(A).length;
    // Her old calendar answers nothing at the sync that would move her events, then at the next.
    fake.script({ kind: 'fail', status: 503, reason: 'backendError' }, { user: A, times: 100_000 });
    for (const minutes of [5, 10]) {
      const report = await sync(configOf(sections({ anna: { email: NEW } })), minutes, false);
      expect(report.skipped.get('anna')).toMatch(/anna@corp\.example .*failed \(temporary/);
    }
    const touch = (id: string) => db.selectFrom('touches').select(['date', 'start_at', 'status', 'moved_by_user']).where('id', '=', touchIdOf(id)).executeTakeFirstOrThrow();
    expect(await touch(deleted!.id)).toMatchObject({ status: 'planned' });
    expect(live(NEW)).toEqual([]);
    expect(fake.events(A).length).toBeGreaterThanOrEqual(hers);
    expect(await db.selectFrom('calendar_leftovers').select('event_key').execute()).toEqual([]);
    // It answers again: read first, then everything moves.
    fake.clearFaults();
    const report = await sync(configOf(sections({ anna: { email: NEW } })), 15, false);
    expect(report.skipped.has('anna')).toBe(false);
    expect(await touch(moved!.id)).toMatchObject({ date: '2027-03-10', status: 'planned', moved_by_user: 1 });
    expect((await touch(deleted!.id)).status).toBe('skipped');
    expect(ms(live(NEW).find((e) => e.id.startsWith(moved!.id.slice(0, 32)))!.start.dateTime)).toBe(ms('2027-03-10T11:00:00+03:00'));
    expect(live(NEW).some((e) => e.id.startsWith(deleted!.id.slice(0, 32)))).toBe(false);
    expect(live(A)).toEqual([]);
    await db.destroy();
  });

  it('a move to the feed whose Google calendar cannot be read for now waits too: the feed gets the call at the time she moved it to, once read', async () => {
    const feedDir = tempDir();
    const { sync, db: opened } = withNewAddress({ feedDir });
    await sync(configOf(sections()), 0);
    const db = await opened();
    const [moved] = fake.events(A).filter((e) => e.start.dateTime && e.status === 'confirmed');
    fake.moveAsUser(A, moved!.id, { dateTime: '2027-03-11T15:00:00+03:00', timeZone: 'Europe/Moscow' }, { dateTime: '2027-03-11T15:30:00+03:00', timeZone: 'Europe/Moscow' });
    const hers = fake.events(A).filter((e) => e.status === 'confirmed').length;
    fake.script({ kind: 'fail', status: 503, reason: 'backendError' }, { user: A, times: 100_000 });
    const toFeed = configOf(sections({ anna: { calendar: 'ics' } }));
    const waiting = await sync(toFeed, 5, false);
    expect(waiting.skipped.has('anna')).toBe(true);
    // Her feed has none of them yet (its file may be there, empty): nothing in two places, nothing lost.
    const feed = waiting.feeds.find((f) => f.employee === 'anna');
    expect(feed ? readFileSync(feed.file, 'utf8') : '').not.toContain('BEGIN:VEVENT');
    fake.clearFaults();
    expect(fake.events(A).filter((e) => e.status === 'confirmed').length).toBe(hers);
    const read = await sync(toFeed, 10, false);
    expect(read.skipped.has('anna')).toBe(false);
    expect(readFileSync(read.feeds.find((f) => f.employee === 'anna')!.file, 'utf8')).toContain('DTSTART;TZID=Europe/Moscow:20270311T150000');
    expect(fake.events(A).filter((e) => e.status === 'confirmed')).toEqual([]);
    await db.destroy();
  });

  it('a calendar being left is waited for a day at most: then the events leave it unread, as from a closed account', async () => {
    const { NEW, sync, db: opened } = withNewAddress({ feedDir: tempDir() });
    await sync(configOf(sections()), 0);
    const db = await opened();
    const live = (user: string) => fake.events(user).filter((e) => e.status === 'confirmed');
    const hers = live(A).length;
    fake.script({ kind: 'fail', status: 503, reason: 'backendError' }, { user: A, times: 100_000 });
    expect((await sync(configOf(sections({ anna: { email: NEW } })), 5, false)).skipped.has('anna')).toBe(true);
    expect((await sync(configOf(sections({ anna: { email: NEW } })), 5 + 23 * 60, false)).skipped.has('anna')).toBe(true);
    // A day after its first failure: moved all the same (the old events kept to delete there).
    const late = await sync(configOf(sections({ anna: { email: NEW } })), 5 + 24 * 60, false);
    expect(late.skipped.has('anna')).toBe(false);
    expect(live(NEW).length).toBe(hers);
    expect(late.formerCalendars).toMatchObject({ waiting: hers });
    await db.destroy();
  });

  it('a move to the feed is waited for a day at most too, and an older failed read of that calendar does not shorten the wait (review)', async () => {
    const { sync, db: opened } = withNewAddress({ feedDir: tempDir() });
    await sync(configOf(sections()), 0);
    const db = await opened();
    // An ordinary read of her calendar failed two days before, and its failure is still recorded.
    await db.insertInto('calendar_read_failures').values({ employee_id: 'anna', provider: 'google', since: NOW.minus({ days: 2 }).toUTC().toISO()!, failed_at: NOW.minus({ days: 2 }).toUTC().toISO()!, code: 'temporary', reason: 'old' }).execute();
    fake.script({ kind: 'fail', status: 503, reason: 'backendError' }, { user: A, times: 100_000 });
    const toFeed = configOf(sections({ anna: { calendar: 'ics' } }));
    for (const minutes of [5, 10, 5 + 23 * 60]) expect((await sync(toFeed, minutes, false)).skipped.has('anna'), `at +${minutes} min`).toBe(true);
    const late = await sync(toFeed, 5 + 24 * 60, false);
    expect(late.skipped.has('anna')).toBe(false);
    expect(readFileSync(late.feeds.find((f) => f.employee === 'anna')!.file, 'utf8')).toContain('BEGIN:VEVENT');
    await db.destroy();
  });

  it('a wait left behind (an address change undone during it) is forgotten: a later change waits its own day (review)', async () => {
    const { NEW, sync, db: opened } = withNewAddress({ feedDir: tempDir() });
    await sync(configOf(sections()), 0);
    const db = await opened();
    // Her address changed two days ago, her old calendar failed, and the change was undone.
    await db.insertInto('daemon_info').values({ key: `leaving.read_failed anna google ${A}`, value: NOW.minus({ days: 2 }).toUTC().toISO()! }).execute();
    await sync(configOf(sections()), 5, false);
    expect(await db.selectFrom('daemon_info').select('key').where('key', 'like', 'leaving.%').execute()).toEqual([]);
    // Now it changes for good while her old calendar fails for a moment: waited for.
    fake.script({ kind: 'fail', status: 503, reason: 'backendError' }, { user: A, times: 100_000 });
    expect((await sync(configOf(sections({ anna: { email: NEW } })), 10, false)).skipped.has('anna')).toBe(true);
    await db.destroy();
  });

  it('a calendar being left that refuses us for good (its access gone) is not waited for: the events leave it unread', async () => {
    const { NEW, sync, db: opened } = withNewAddress({ feedDir: tempDir() });
    await sync(configOf(sections()), 0);
    const db = await opened();
    const live = (user: string) => fake.events(user).filter((e) => e.status === 'confirmed');
    const hers = live(A).length;
    fake.script({ kind: 'fail', status: 401, reason: 'authError' }, { user: A, times: 100_000 });
    const report = await sync(configOf(sections({ anna: { email: NEW } })), 5, false);
    expect(report.skipped.has('anna')).toBe(false);
    expect(live(NEW).length).toBe(hers);
    await db.destroy();
  });

  it('what the employee did to events of touches handed to another is taken in first, by the daemon\'s frequent sync too: a moved call goes to the successor at the moved time, a deleted one stays skipped (QA)', async () => {
    const { sync, db, calls, toBoris } = await handedToBoris();
    expect(calls.length).toBeGreaterThan(2);
    const [moved, deleted] = calls;
    fake.moveAsUser(A, moved!.id, { dateTime: '2027-03-10T11:00:00+03:00', timeZone: 'Europe/Moscow' }, { dateTime: '2027-03-10T11:15:00+03:00', timeZone: 'Europe/Moscow' });
    fake.deleteAsUser(A, deleted!.id);
    // Then, before any read of her calendar, all of Anna's clients are given to Boris.
    await sync(configOf(toBoris), 5);
    await expectTakenIn(db, moved!.id, deleted!.id);
    await db.destroy();
  });

  it('a leaver\'s calendar that cannot be read when their calls are handed over is read at the first sync that can, before its events leave: the move and the deletion are taken in then (QA: lost for good)', async () => {
    const { sync, db, calls, toBoris } = await handedToBoris();
    const [moved, deleted] = calls;
    fake.moveAsUser(A, moved!.id, { dateTime: '2027-03-10T11:00:00+03:00', timeZone: 'Europe/Moscow' }, { dateTime: '2027-03-10T11:15:00+03:00', timeZone: 'Europe/Moscow' });
    fake.deleteAsUser(A, deleted!.id);
    // Anna's calendar answers nothing at the sync that hands her calls to Boris.
    fake.script({ kind: 'fail', status: 503, reason: 'backendError' }, { user: A, times: 100_000 });
    await sync(configOf(toBoris), 5);
    const touch = (id: string) => db.selectFrom('touches').select(['employee_id', 'date', 'start_at', 'status', 'moved_by_user']).where('id', '=', touchIdOf(id)).executeTakeFirstOrThrow();
    // Not read: nothing concluded, nothing lost.
    expect(await touch(deleted!.id)).toMatchObject({ employee_id: 'boris', status: 'planned' });
    expect(fake.events(A).filter((e) => e.status === 'confirmed' && e.start.dateTime).length).toBeGreaterThan(1);
    // It answers again: what she did is read before her events go.
    fake.clearFaults();
    await sync(configOf(toBoris), 90);
    await expectTakenIn(db, moved!.id, deleted!.id);
    // Read once: nothing is owed any more, and a later sync reads her calendar no more.
    expect(await db.selectFrom('calendar_sync').select('entry_id').where('leaving_unread', '=', 1).execute()).toEqual([]);
    await db.destroy();
  });

  it('an owed read is let go once its touch is done: its deletion is held no longer (review)', async () => {
    const { sync, db, calls, toBoris } = await handedToBoris();
    expect(calls.length).toBeGreaterThan(2);
    const [moved, , made] = calls;
    fake.moveAsUser(A, moved!.id, { dateTime: '2027-03-10T11:00:00+03:00', timeZone: 'Europe/Moscow' }, { dateTime: '2027-03-10T11:15:00+03:00', timeZone: 'Europe/Moscow' });
    fake.script({ kind: 'fail', status: 503, reason: 'backendError' }, { user: A, times: 100_000 });
    const handed = configOf(toBoris);
    await sync(handed, 5);
    const owed = async (key: string) => (await db.selectFrom('calendar_sync').select('leaving_unread').where('entry_id', '=', touchIdOf(key)).where('employee_id', '=', 'anna').executeTakeFirstOrThrow()).leaving_unread;
    expect([await owed(moved!.id), await owed(made!.id)]).toEqual([1, 1]);
    // Boris makes one of the calls: no read is owed for it, its deletion is held no longer.
    const { recordOutcome } = await import('../../src/storage/touch-outcomes.ts');
    await recordOutcome(db, touchIdOf(made!.id), { status: 'done', at: NOW.plus({ minutes: 30 }).toUTC().toISO()!, by: 'boris', cause: 'employee' });
    const before = fake.log.filter((r) => r.method === 'DELETE' && r.user === A).length;
    await sync(handed, 60);
    expect([await owed(moved!.id), await owed(made!.id)]).toEqual([1, 0]);
    // Its deletion was tried (and failed: the calendar still answers nothing); the moved one's waits for the read.
    const deletes = fake.log.filter((r) => r.method === 'DELETE' && r.user === A).map((r) => r.path);
    expect(deletes.length).toBeGreaterThan(before);
    expect(deletes.some((p) => p.includes(made!.id.slice(0, 32)))).toBe(true);
    expect(deletes.some((p) => p.includes(moved!.id.slice(0, 32)))).toBe(false);
    fake.clearFaults();
    await sync(handed, 120);
    const touch = await db.selectFrom('touches').select(['employee_id', 'start_at', 'moved_by_user']).where('id', '=', touchIdOf(moved!.id)).executeTakeFirstOrThrow();
    expect([touch.employee_id, ms(touch.start_at), touch.moved_by_user]).toEqual(['boris', ms('2027-03-10T11:00:00+03:00'), 1]);
    expect(fake.events(A).filter((e) => e.status === 'confirmed' && e.start.dateTime)).toEqual([]);
    await db.destroy();
  });

  it('a leaver\'s calendar emptied before the handover (none of our events listed) concludes nothing: no call is skipped, the successor gets them all (review)', async () => {
    const { sync, db, calls, toBoris } = await handedToBoris();
    expect(calls.length).toBeGreaterThan(1);
    for (const e of fake.events(A)) fake.deleteAsUser(A, e.id);
    fake.purgeDeleted(A);
    await sync(configOf(toBoris), 5);
    expect(await db.selectFrom('touches').select('id').where('status', '=', 'skipped').execute()).toEqual([]);
    const atBoris = fake.events(B).filter((e) => e.status === 'confirmed');
    for (const call of calls) expect(atBoris.some((e) => e.id.startsWith(call.id.slice(0, 32))), call.id).toBe(true);
    await db.destroy();
  });

  it('a calendar being left whose listing has none of our events (a mailbox emptied by a migration) concludes nothing: no touch is skipped', async () => {
    const { NEW, sync, db: opened } = withNewAddress({ readCalendars: false });
    await sync(configOf(sections()), 0);
    const db = await opened();
    const hers = fake.events(A).filter((e) => e.status === 'confirmed');
    expect(hers.length).toBeGreaterThan(3);
    for (const e of hers) fake.deleteAsUser(A, e.id);
    fake.purgeDeleted(A);
    await sync(configOf(sections({ anna: { email: NEW } })), 5);
    expect(await db.selectFrom('touches').select('id').where('status', '=', 'skipped').execute()).toEqual([]);
    expect(fake.events(NEW).filter((e) => e.status === 'confirmed').length).toBe(hers.length);
    await db.destroy();
  });

  it('a wrong OAuth client secret pauses each employee with what to check, and the token endpoint is asked once per employee, not again', async () => {
    fake.clientSecret = 'secret';
    const db = await openMigrated(await tempDatabaseLocation());
    const config = configOf(sections());
    await planWithHistory(db, config, HORIZON, NOW, true);
    const port = google({ kind: 'oauth', clientId: 'cid', clientSecret: 'wrong', refreshTokens: new Map([[A, 'rt-anna'], [B, 'rt-boris']]) });
    const report = await syncCalendars(db, config, fixedClock(NOW), { feedDir: tempDir(), ports: { google: port }, readCalendars: false });
    expect([...report.dispatched!.paused.keys()].sort()).toEqual(['anna', 'boris']);
    expect(report.dispatched!.paused.get('anna')).toContain('check GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET');
    expect(fake.log.filter((r) => r.path.endsWith('/token'))).toHaveLength(2);
    await db.destroy();
  });

  it('an exhausted quota pauses that user while the others go on', async () => {
    const { db, sync } = await setup();
    fake.quotaExhaustedUntil.set(B, Date.now() + 60_000);
    const first = await sync(configOf(sections()));
    expect(first.dispatched!.paused.get('boris')).toMatch(/quota_exhausted/);
    expect(fake.events(A).length).toBeGreaterThan(5);
    // Boris's writes wait for the hour: none is "due now" (QA: status said so beside "waits until").
    const queue = await writeQueueSummary(db, NOW.plus({ minutes: 1 }).toUTC().toISO()!);
    const boris = await db.selectFrom('calendar_sync').select('entry_id').where('employee_id', '=', 'boris').where('dirty', '=', 1).execute();
    expect(boris.length).toBeGreaterThan(0);
    expect(queue.pending).toBe(boris.length);
    expect(queue.dueNow).toBe(0);
    expect((await writeQueueSummary(db, NOW.plus({ hours: 2 }).toUTC().toISO()!)).dueNow).toBe(boris.length);
    // Nor does the daemon's tick run a pass for them meanwhile (review: one every 5 minutes, writing nothing).
    expect(await hasDueWrites(db, NOW.plus({ minutes: 1 }).toUTC().toISO()!)).toBe(false);
    expect(await hasDueWrites(db, NOW.plus({ hours: 2 }).toUTC().toISO()!)).toBe(true);
    await db.destroy();
  });

  it('an event the user deleted is recorded, the touch skipped by them, and it is not created again', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    const victim = fake.events(A).find((e) => e.start.dateTime)!;
    fake.deleteAsUser(A, victim.id);
    await sync(configOf(sections({ title: 'New title {contacts}' })));
    const touchId = touchIdOf(victim.id);
    const touch = await db.selectFrom('touches').select(['status', 'note']).where('id', '=', touchId).executeTakeFirstOrThrow();
    expect(touch.status).toBe('skipped');
    const posts = fake.log.filter((r) => r.method === 'POST' && (r.body as { id?: string })?.id === victim.id).length;
    await sync(configOf(sections({ title: 'Another title {contacts}' })));
    expect(fake.log.filter((r) => r.method === 'POST' && (r.body as { id?: string })?.id === victim.id).length).toBe(posts);
    // Restored from the trash: the skip is undone and the event is ours again, brought up to date, not a second one (QA).
    fake.restoreAsUser(A, victim.id);
    await sync(configOf(sections({ title: 'Another title {contacts}' })));
    const back = await db.selectFrom('touches').select(['status', 'title']).where('id', '=', touchId).executeTakeFirstOrThrow();
    expect(back.status).toBe('planned');
    const live = fake.events(A).filter((e) => e.status === 'confirmed' && e.id.startsWith(victim.id.slice(0, 32)));
    expect(live.map((e) => e.id)).toEqual([victim.id]);
    expect(live[0]!.summary).toBe(back.title);
    const history = await db.selectFrom('touch_events').select(['type', 'detail']).where('touch_id', '=', touchId).orderBy('seq').execute();
    expect(history.at(-1)).toEqual({ type: 'restored', detail: 'restored in the calendar by the employee' });
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('a calendar Google answers 404 notFound for as a whole (its account misrouted, access lost) skips none of its touches: an event\'s 404 is "not there" only where the calendar answers', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    const events = fake.events(A).filter((e) => e.status === 'confirmed').length;
    // Every call for Anna answers Google's own 404, the one it gives for an event not there.
    fake.script({ kind: 'fail', status: 404, reason: 'notFound' }, { user: A, times: 10_000 });
    const renamed = configOf(sections({ title: 'Again {contacts}' }));
    const failing = await sync(renamed);
    expect(failing.dispatched!.deletedByUser).toBe(0);
    expect(await db.selectFrom('touches').select('id').where('status', '=', 'skipped').execute()).toEqual([]);
    expect(await db.selectFrom('touch_events').select('type').where('type', '=', 'skipped').execute()).toEqual([]);
    // Google answers again: once the retries are due, every event is rewritten, none lost, none skipped.
    fake.clearFaults();
    const healed = await sync(renamed, fixedClock(NOW.plus({ hours: 6 })));
    expect(healed.dispatched!.deletedByUser).toBe(0);
    const live = fake.events(A).filter((e) => e.status === 'confirmed');
    expect(live).toHaveLength(events);
    expect(live.filter((e) => e.start.dateTime).every((e) => e.summary!.startsWith('Again'))).toBe(true);
    expect(await db.selectFrom('touches').select('id').where('status', '=', 'skipped').execute()).toEqual([]);
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('an event the employee moved and made an hour long keeps its length: the touch ends with it, and a later change writes the new title, not the old length', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    const call = fake.events(A).find((e) => e.start.dateTime)!;
    fake.moveAsUser(A, call.id, { dateTime: '2027-03-06T11:00:00+03:00', timeZone: 'Europe/Moscow' }, { dateTime: '2027-03-06T12:00:00+03:00', timeZone: 'Europe/Moscow' });
    await sync(configOf(sections()));
    const touch = await db.selectFrom('touches').select(['start_at', 'end_at']).where('id', '=', touchIdOf(call.id)).executeTakeFirstOrThrow();
    expect([ms(touch.start_at), ms(touch.end_at)]).toEqual([ms('2027-03-06T11:00:00+03:00'), ms('2027-03-06T12:00:00+03:00')]);
    await sync(configOf(sections({ title: 'Call {contacts} ({client.name})' })));
    const event = fake.events(A).find((e) => e.id === call.id)!;
    expect(event.summary).toMatch(/^Call /);
    expect([ms(event.start.dateTime), ms(event.end.dateTime)]).toEqual([ms('2027-03-06T11:00:00+03:00'), ms('2027-03-06T12:00:00+03:00')]);
    await db.destroy();
  });

  it('an event the employee moved, then changed by a sync that did not read it first (If-Match: 412), keeps the move, and the 412 is no failed write', async () => {
    const { db } = await setup();
    const port = google();
    const run = async (title: string | undefined, readCalendars: boolean) => {
      const config = configOf(sections(title ? { title } : {}));
      await planWithHistory(db, config, HORIZON, NOW, true);
      return syncCalendars(db, config, fixedClock(NOW), { feedDir: tempDir(), ports: { google: port }, readCalendars });
    };
    await run(undefined, true);
    const call = fake.events(A).find((e) => e.start.dateTime)!;
    fake.moveAsUser(A, call.id, { dateTime: '2027-03-06T11:00:00+03:00', timeZone: 'Europe/Moscow' }, { dateTime: '2027-03-06T11:15:00+03:00', timeZone: 'Europe/Moscow' });
    const report = await run('Call {contacts} ({client.name})', false);
    expect(fake.log.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/events/${call.id}`)).length).toBeGreaterThanOrEqual(1);
    // QA: "(calendar services: 2 reads, 19 writes; 2 writes failed)" for two moves kept as they should be.
    expect(report.calls.failedWrites).toBe(0);
    const touch = await db.selectFrom('touches').select(['date']).where('id', '=', touchIdOf(call.id)).executeTakeFirstOrThrow();
    expect(touch.date).toBe('2027-03-06');
    await db.destroy();
  });

  it('an event the employee moved reschedules the touch; it is not moved back, and later plans keep it', async () => {
    // Anna moves her call to Saturday 6 March, 11:00 Moscow (a day the planner would never choose).
    const { db, sync, call, touchId } = await withMovedCall('2027-03-06');
    const writes = fake.writes().length;
    const after = await sync(configOf(sections()));
    expect(after.reconciled).toMatchObject({ moved: 1, deleted: 0 });
    expect(fake.writes().length).toBe(writes);
    const touch = await db.selectFrom('touches').select(['date', 'start_at', 'status', 'moved_by_user']).where('id', '=', touchId).executeTakeFirstOrThrow();
    expect(touch).toMatchObject({ date: '2027-03-06', status: 'planned', moved_by_user: 1 });
    expect(ms(touch.start_at)).toBe(ms('2027-03-06T11:00:00+03:00'));
    const history = await db.selectFrom('touch_events').select(['type', 'detail', 'to_date']).where('touch_id', '=', touchId).where('type', '=', 'rescheduled').execute();
    expect(history).toEqual([{ type: 'rescheduled', detail: 'moved in the calendar by the employee', to_date: '2027-03-06' }]);
    // A later change of the rules re-plans everything; the moved touch keeps Anna's time.
    await sync(configOf(sections({ title: 'Call {contacts} ({client.name})' })));
    const kept = fake.events(A).find((e) => e.id === call.id)!;
    expect(kept.summary).toContain('Call ');
    expect(ms(kept.start.dateTime)).toBe(ms('2027-03-06T11:00:00+03:00'));
    await db.destroy();
  });

  it('answers that are not Google\'s decide nothing: a gateway\'s 404 or 410, an empty, cut or foreign 200 leave the touch as it was, that calendar "not read", the others written', async () => {
    const bodies: { status: number; body: string; listing?: boolean }[] = [
      { status: 404, body: '<html><body><h1>404 Not Found</h1>nginx</body></html>' },
      { status: 410, body: '{"error":"gone"}' },
      { status: 200, body: '' },
      { status: 200, body: '{}' },
      { status: 200, body: '{"kind":"calendar#event","id":"ab' },
      { status: 200, body: '<html>maintenance</html>' },
      // The listing itself: `{}` is not an empty calendar.
      { status: 200, body: '{}', listing: true },
      { status: 200, body: 'null' },
      { status: 200, body: '{"kind":"calendar#events","items":[null]}', listing: true },
    ];
    for (const { status, body, listing } of bodies) {
      fake.reset();
      const { db, sync } = await setup();
      await sync(configOf(sections()));
      // Anna moves her call past the window: the listing misses it, so it is read by its id.
      const call = fake.events(A).find((e) => e.start.dateTime)!;
      fake.moveAsUser(A, call.id, { dateTime: '2027-12-01T11:00:00+03:00', timeZone: 'Europe/Moscow' }, { dateTime: '2027-12-01T11:15:00+03:00', timeZone: 'Europe/Moscow' });
      fake.script({ kind: 'raw', status, body }, { method: 'GET', user: A, times: 1_000, ...(listing ? {} : { path: `/events/${call.id}` }) });
      // And Boris has something new to write meanwhile.
      const after = await sync(configOf(sections({ clients: 6 })));
      const what = `${status} ${JSON.stringify(body)}${listing ? ' (listing)' : ''}`;
      expect([...after.reconciled!.unreadable.keys()], what).toEqual(['anna']);
      expect(after.reconciled, what).toMatchObject({ moved: 0, deleted: 0 });
      const touch = await db.selectFrom('touches').select(['status', 'date']).where('id', '=', touchIdOf(call.id)).executeTakeFirstOrThrow();
      expect(touch.status, what).toBe('planned');
      expect(touch.date < '2027-12-01', what).toBe(true);
      expect(await db.selectFrom('touch_events').select('type').where('touch_id', '=', touchIdOf(call.id)).where('type', 'in', ['skipped', 'rescheduled']).execute(), what).toEqual([]);
      expect(after.dispatched!.done, what).toBeGreaterThan(0);
      // Once Google answers again, the move is read and taken.
      fake.clearFaults();
      const healed = await sync(configOf(sections({ clients: 6 })));
      expect(healed.reconciled, what).toMatchObject({ moved: 1, deleted: 0 });
      await db.destroy();
    }
  });

  it('an event the employee turned all-day on another day moves its touch to that day at its time; an all-day entry turned timed on another day moves its touches there; on the same day, nothing', async () => {
    const { db, sync, call, touchId } = await withMovedCall('2027-03-01');
    // (withMovedCall moved it to 1 March 11:00; that move is taken first.)
    await sync(configOf(sections()));
    const writes = fake.writes().length;
    fake.moveAsUser(A, call.id, { date: '2027-03-09' }, { date: '2027-03-10' });
    const after = await sync(configOf(sections()));
    expect(after.reconciled).toMatchObject({ moved: 1, deleted: 0 });
    const touch = await db.selectFrom('touches').select(['date', 'start_at', 'end_at', 'status']).where('id', '=', touchId).executeTakeFirstOrThrow();
    expect(touch).toMatchObject({ date: '2027-03-09', status: 'planned' });
    expect([ms(touch.start_at), ms(touch.end_at)]).toEqual([ms('2027-03-09T11:00:00+03:00'), ms('2027-03-09T11:15:00+03:00')]);
    // Their all-day event is left as they made it.
    expect(fake.writes().length).toBe(writes);
    expect(fake.events(A).find((e) => e.id === call.id)!.start).toEqual({ date: '2027-03-09' });
    // All-day on the same day: nothing to take over. Then timed again at 15:00: the touch is at 15:00.
    fake.moveAsUser(A, call.id, { date: '2027-03-09' }, { date: '2027-03-10' });
    expect((await sync(configOf(sections()))).reconciled).toMatchObject({ moved: 0, deleted: 0 });
    fake.moveAsUser(A, call.id, { dateTime: '2027-03-09T15:00:00+03:00', timeZone: 'Europe/Moscow' }, { dateTime: '2027-03-09T15:15:00+03:00', timeZone: 'Europe/Moscow' });
    expect((await sync(configOf(sections()))).reconciled).toMatchObject({ moved: 1, deleted: 0 });
    const timed = await db.selectFrom('touches').select(['date', 'start_at']).where('id', '=', touchId).executeTakeFirstOrThrow();
    expect([timed.date, ms(timed.start_at)]).toEqual(['2027-03-09', ms('2027-03-09T15:00:00+03:00')]);

    // A day's all-day letters made a timed event two days later: the letters go to that day.
    const letters = fake.events(B).find((e) => e.start.date && e.status === 'confirmed')!;
    const members = listedTouches(letters.description ?? '');
    const day = DateTime.fromISO(letters.start.date!).plus({ days: 2 }).toISODate()!;
    fake.moveAsUser(B, letters.id, { dateTime: `${day}T10:00:00+02:00`, timeZone: 'Europe/Bucharest' }, { dateTime: `${day}T11:00:00+02:00`, timeZone: 'Europe/Bucharest' });
    const moved = await sync(configOf(sections()));
    expect(moved.reconciled).toMatchObject({ moved: 1, deleted: 0 });
    const dates = await db.selectFrom('touches').select('date').where('id', 'in', members).execute();
    expect(dates.map((d) => d.date)).toEqual(members.map(() => day));
    // As a whole day moved: the entry of that day lists them (all-day, as they are), the timed event is gone.
    const live = fake.events(B).filter((e) => e.status === 'confirmed');
    expect(live.some((e) => e.id === letters.id)).toBe(false);
    expect(live.find((e) => e.start.date === day && members.every((m) => listedTouches(e.description ?? '').includes(m)))).toBeDefined();
    await db.destroy();
  });

  it('an event the employee deleted is found by listing, even with no change to push', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    const victim = fake.events(B).find((e) => e.start.dateTime)!;
    fake.deleteAsUser(B, victim.id);
    const after = await sync(configOf(sections()));
    expect(after.reconciled).toMatchObject({ deleted: 1 });
    expect(after.operations).toEqual([]);
    await db.destroy();
  });

  it('an event written with another account\'s token (Anna\'s for Boris) is taken back at once and refused: it is not the colleague\'s to see', async () => {
    const crossed = google({ kind: 'oauth', clientId: 'cid', clientSecret: 'secret', refreshTokens: new Map([[B, 'rt-anna']]) });
    const owner = { employeeId: 'boris', email: B, timezone: 'Europe/Moscow' };
    const event = { key: 'crossedcall1', touchId: 't1', title: 'Call', description: '', allDay: true, start: '2027-03-03', end: '2027-03-04', timezone: 'Europe/Moscow', reminders: [], contentHash: 'h' };
    await expect(crossed.create(owner, event)).rejects.toMatchObject({ code: 'auth', message: expect.stringContaining(`open the calendar of ${A}`) });
    expect(fake.events(A).filter((e) => e.status !== 'cancelled')).toEqual([]);
    // Reading one event goes by a listing of the calendar, which says whose it is: not "not there".
    await expect(crossed.read(owner, 'crossedcall2')).rejects.toMatchObject({ code: 'auth' });
  });

  it('expired access tokens are refreshed by the client without losing a write', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    fake.expireAccessTokens();
    await sync(configOf(sections({ title: 'Refreshed {contacts}' })));
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('a service account with domain-wide delegation acts as each employee (JWT sent to GOOGLE_TOKEN_URL)', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const db = await openMigrated(await tempDatabaseLocation());
    const port = google({ kind: 'service-account', clientEmail: 'touchbase@project.iam.example', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    const config = configOf(sections());
    await planWithHistory(db, config, HORIZON, NOW, true);
    await syncCalendars(db, config, fixedClock(NOW), { feedDir: tempDir(), ports: { google: port } });
    await expectCalendarsEqualPlan(db);
    expect(fake.log.some((r) => r.path === '/token' && (r.body as Record<string, string>).grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer')).toBe(true);
    await db.destroy();
  });
});

describe('what the calendar shows', () => {
  it('an all-day event\'s reminder is at 09:00 its employee\'s time, the day it says, across the change of clocks too: Google counts real minutes before the start (QA)', async () => {
    const { db, sync } = await setup();
    const company = sections();
    await sync(configOf({ ...company, rules: company.rules.map((r) => (r.kind === 'letter' ? { ...r, remind: ['28 days', '1 day'] } : r)) }));
    const reminders = fake.events(B).filter((e) => e.start.date && e.reminders?.overrides?.length).flatMap((e) => {
      const start = DateTime.fromISO(e.start.date!, { zone: 'Europe/Bucharest' });
      return e.reminders!.overrides!.map((o) => ({ day: e.start.date!, at: start.minus({ minutes: o.minutes! }) }));
    });
    // Boris's letters after 28 March (Bucharest then goes from +02:00 to +03:00) remind before it.
    expect(reminders.some((r) => r.day > '2027-03-28' && r.at.toISODate()! < '2027-03-28')).toBe(true);
    for (const r of reminders) {
      expect(r.at.toFormat('HH:mm'), r.day).toBe('09:00');
      expect([28, 1].map((d) => DateTime.fromISO(r.day).minus({ days: d }).toISODate())).toContain(r.at.toISODate());
    }
    await db.destroy();
  });

  it('a day\'s all-day touches of one rule are one event with the rule\'s reminder, listing each; deleting it skips each of them', async () => {
    const { db, sync } = await setup();
    // Twelve clients' CEOs get their monthly letter: several land on the same days.
    await sync(configOf(sections({ clients: 12 })));
    const letters = await db.selectFrom('touches').selectAll().where('kind', '=', 'letter').where('employee_id', '=', 'anna').where('status', '=', 'planned').execute();
    const days = new Map<string, number>();
    for (const t of letters) days.set(t.date, (days.get(t.date) ?? 0) + 1);
    const busy = [...days].find(([, n]) => n > 1)!;
    expect(busy).toBeDefined();
    const events = fake.events(A).filter((e) => e.status === 'confirmed' && e.start.date === busy[0]);
    expect(events).toHaveLength(1);
    const day = events[0]!;
    const members = listedTouches(day.description ?? '');
    expect(members).toHaveLength(busy[1]);
    expect(day.summary).toContain(`× ${busy[1]}`);
    expect(day.reminders?.overrides).toHaveLength(1);
    // Each is still marked on its own.
    expect((day.description?.match(/Done: http/g) ?? []).length).toBe(busy[1]);

    fake.deleteAsUser(A, day.id);
    const after = await sync(configOf(sections({ clients: 12 })));
    expect(after.reconciled!.deleted).toBe(1);
    const statuses = await db.selectFrom('touches').select(['status', 'note']).where('id', 'in', members).execute();
    expect(statuses).toEqual(members.map(() => ({ status: 'skipped', note: 'deleted from the calendar by the employee' })));
    await db.destroy();
  });

  it('an event the employee moved, its touch marked done before the next sync: the ✓ is written at their time, not moved back', async () => {
    const { db, sync, call, touchId } = await withMovedCall('2027-03-06');
    await db.updateTable('touches').set({ status: 'done', resolved_at: NOW.toISO(), resolved_date: '2027-03-01', resolved_by: 'anna', note: null }).where('id', '=', touchId).execute();
    const after = await sync(configOf(sections()));
    expect(after.reconciled).toMatchObject({ moved: 1 });
    const event = fake.events(A).find((e) => e.id === call.id)!;
    expect(event.summary).toBe(`✓ ${call.summary}`);
    expect(ms(event.start.dateTime)).toBe(ms('2027-03-06T11:00:00+03:00'));
    const touch = await db.selectFrom('touches').select(['date', 'status', 'moved_by_user']).where('id', '=', touchId).executeTakeFirstOrThrow();
    expect(touch).toEqual({ date: '2027-03-06', status: 'done', moved_by_user: 1 });
    const history = await db.selectFrom('touch_events').select(['type', 'to_date']).where('touch_id', '=', touchId).where('type', '=', 'rescheduled').execute();
    expect(history).toEqual([{ type: 'rescheduled', to_date: '2027-03-06' }]);
    // And it stays there.
    await sync(configOf(sections()));
    expect(ms(fake.events(A).find((e) => e.id === call.id)!.start.dateTime)).toBe(ms('2027-03-06T11:00:00+03:00'));
    await db.destroy();
  });

  it('an event the employee moved to a past day is left where they put it, not deleted', async () => {
    // Anna puts the call on a day that has passed: she had it then.
    const { db, sync, call, touchId } = await withMovedCall('2027-02-20');
    const after = await sync(configOf(sections()));
    expect(after.reconciled).toMatchObject({ moved: 1, deleted: 0 });
    const event = fake.events(A).find((e) => e.id === call.id)!;
    expect(event.status).toBe('confirmed');
    expect(ms(event.start.dateTime)).toBe(ms('2027-02-20T11:00:00+03:00'));
    expect(fake.writes().filter((w) => w.method === 'DELETE')).toEqual([]);
    const touch = await db.selectFrom('touches').select(['date', 'status']).where('id', '=', touchId).executeTakeFirstOrThrow();
    expect(touch).toEqual({ date: '2027-02-20', status: 'planned' });
    await sync(configOf(sections()));
    expect(fake.events(A).find((e) => e.id === call.id)!.status).toBe('confirmed');
    await db.destroy();
  });

  it('a touch marked done stays in the calendar, shown as done, with no reminder left', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    const call = fake.events(A).find((e) => e.start.dateTime)!;
    const touchId = touchIdOf(call.id.slice(0, 32));
    await db.updateTable('touches').set({ status: 'done', resolved_at: NOW.toISO(), resolved_date: '2027-03-01', resolved_by: 'anna', note: 'agreed a visit' }).where('id', '=', touchId).execute();
    await sync(configOf(sections()));
    const done = fake.events(A).find((e) => e.id === call.id)!;
    expect(done.status).toBe('confirmed');
    expect(done.summary).toBe(`✓ ${call.summary}`);
    expect(done.description).toContain('✓ Done on 2027-03-01 by Emp anna: agreed a visit.');
    expect(done.description).not.toContain('Done: http');
    expect(done.reminders?.overrides).toEqual([]);
    await db.destroy();
  });
});
