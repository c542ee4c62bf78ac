import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { tempDatabaseLocation } from '../helpers/temp-database.ts';
import { openMigrated, type DB } from '../../src/storage/database.ts';
import { planWithHistory } from '../../src/plan-service.ts';
import { syncCalendars } from '../../src/sync/sync-calendars.ts';
import { expectedEntries, listedTouches } from '../helpers/calendar-entries.ts';
import { dirtySyncRows } from '../../src/storage/calendar-sync-repository.ts';
import { MicrosoftCalendar } from '../../src/calendar/microsoft/microsoft-calendar.ts';
import { fixedClock, type Clock } from '../../src/clock.ts';
import type { Config } from '../../src/domain/types.ts';
import { GraphCalendarFake } from '../fakes/graph-calendar-fake.ts';
import { configOf, tempDir } from '../helpers/config-folder.ts';
import { A, B, HORIZON, NOW, syncCompany, touchIdOf, withoutCalls, expectProxyPageRetried } from '../helpers/sync-company.ts';

const sections = (opts: Parameters<typeof syncCompany>[1] = {}) => syncCompany('microsoft', opts);

let fake: GraphCalendarFake;
let url: string;
beforeEach(async () => {
  fake = new GraphCalendarFake();
  url = await fake.start();
});
afterEach(async () => fake.stop());

const graph = (secret = 'client-secret') => new MicrosoftCalendar({ credentials: { tenantId: 'contoso', clientId: 'client-id', clientSecret: secret, authorityHost: url }, graphBaseUrl: url });

async function setup() {
  const db = await openMigrated(await tempDatabaseLocation());
  const port = graph();
  const sync = async (config: Config, clock: Clock = fixedClock(NOW)) => {
    await planWithHistory(db, config, HORIZON, clock.now(), true);
    return syncCalendars(db, config, clock, { feedDir: tempDir(), ports: { microsoft: port } });
  };
  return { db, sync };
}

async function expectCalendarsEqualPlan(db: DB) {
  const planned = await db.selectFrom('touches').selectAll().where('status', '=', 'planned').where('date', '>=', HORIZON.from).where('date', '<=', HORIZON.to).execute();
  const emailOf: Record<string, string> = { anna: A, boris: B };
  for (const user of [A, B]) {
    const live = fake.events(user);
    const mine = planned.filter((t) => emailOf[t.employee_id] === user);
    // One event per meeting or call, one per day and source of the all-day touches, each listing its touches.
    const entries = [...expectedEntries(mine).values()].map((e) => e.members.join(','));
    expect(live.map((e) => listedTouches(e.body?.content ?? '').join(',')).sort(), user).toEqual(entries.sort());
    for (const t of mine) {
      const e = live.find((x) => listedTouches(x.body?.content ?? '').includes(t.id))!;
      if (listedTouches(e.body?.content ?? '').length === 1) expect(e.subject).toBe(t.title);
      const zone = user === A ? 'Europe/Moscow' : 'Europe/Bucharest';
      if (t.all_day) {
        expect(e).toMatchObject({ isAllDay: true, start: { dateTime: `${t.date}T00:00:00.0000000`, timeZone: zone } });
        expect(e.end.dateTime).toBe(`${DateTime.fromISO(t.date).plus({ days: 1 }).toISODate()}T00:00:00.0000000`);
      } else {
        expect(DateTime.fromISO(e.start.dateTime, { zone: e.start.timeZone }).toMillis()).toBe(DateTime.fromISO(t.start_at).toMillis());
        expect(e.start.timeZone).toBe(zone);
      }
      expect(e.attendees).toBeUndefined();
      expect(e.sensitivity).toBe('private');
      expect(e.isReminderOn).toBe(true);
    }
  }
}

describe('Outlook sync through the real Microsoft Graph client', () => {
  it('pushes, changes, shrinks and hands over the plan; nothing changed means zero write calls', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    await expectCalendarsEqualPlan(db);
    const writes = fake.writes().length;
    expect((await sync(configOf(sections()))).dispatched!.done).toBe(0);
    expect(fake.writes().length).toBe(writes);
    await sync(configOf(sections({ title: 'Call {contacts} ({client.name})' })));
    await expectCalendarsEqualPlan(db);
    await sync(configOf(sections({ title: 'Call {contacts} ({client.name})', clients: 2 })));
    await expectCalendarsEqualPlan(db);
    await sync(configOf(sections({ title: 'Call {contacts} ({client.name})', clients: 2, handover: true })));
    await expectCalendarsEqualPlan(db);
    expect(fake.throttled).toBe(0);
    await db.destroy();
  });

  it.each(['return-existing', 'duplicate-error'] as const)('a create that commits and then fails is found by its tag and adopted (exact transactionId retry answers %s)', async (mode) => {
    fake.exactTransactionRetry = mode;
    const { db, sync } = await setup();
    fake.script({ kind: 'commit-then-fail', status: 503, code: 'ServiceUnavailable' }, { method: 'POST', times: 2 });
    const first = await sync(configOf(sections()));
    expect(first.dispatched!.retried).toBe(2);
    await syncCalendars(db, configOf(sections()), fixedClock(NOW.plus({ minutes: 5 })), { feedDir: tempDir(), ports: { microsoft: graph() } });
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('an all-day event\'s reminder is at 09:00 its employee\'s time, the day it says, across the change of clocks too: Exchange counts real minutes (QA: "14 days" before an April letter came at 08:00)', async () => {
    const { db, sync } = await setup();
    const company = sections();
    await sync(configOf({ ...company, rules: company.rules.map((r) => (r.kind === 'letter' ? { ...r, remind: ['28 days'] } : r)) }));
    const allDay = fake.events(B).filter((e) => e.isAllDay && e.isReminderOn);
    const reminders = allDay.map((e) => {
      const start = DateTime.fromISO(e.start.dateTime.slice(0, 10), { zone: 'Europe/Bucharest' });
      return { day: start.toISODate(), at: start.minus({ minutes: e.reminderMinutesBeforeStart! }) };
    });
    // Boris's letters after 28 March (Bucharest then goes from +02:00 to +03:00) remind before it.
    expect(reminders.some((r) => r.day! > '2027-03-28' && r.at.toISODate()! < '2027-03-28')).toBe(true);
    for (const r of reminders) {
      expect(r.at.toFormat('HH:mm'), r.day!).toBe('09:00');
      expect(r.at.toISODate()).toBe(DateTime.fromISO(r.day!).minus({ days: 28 }).toISODate());
    }
    await db.destroy();
  });

  it('a 400 page that is not the service\'s error (a proxy in front: plain HTTP sent to its HTTPS port) refuses nothing: the writes are retried and all land once it is put right', async () => {
    await expectProxyPageRetried({ calendar: 'microsoft', setup, fake, serviceRefusal: { kind: 'fail', status: 400, code: 'ErrorInvalidRequest' } as const, expectCalendarsEqualPlan });
  });

  it('throttling (429 with Retry-After) is waited out and nothing is dropped', async () => {
    const { db, sync } = await setup();
    fake.script({ kind: 'fail', status: 429, code: 'ApplicationThrottled', retryAfter: 20 }, { method: 'POST' });
    await sync(configOf(sections()));
    const waiting = (await dirtySyncRows(db)).filter((r) => r.next_attempt_at !== null);
    expect(waiting.map((w) => DateTime.fromISO(w.next_attempt_at!).toMillis() - NOW.toMillis())).toEqual([20_000]);
    // The mailbox as a whole waits as Graph said: nothing more is sent to it before then.
    const early = await syncCalendars(db, configOf(sections()), fixedClock(NOW.plus({ seconds: 10 })), { feedDir: tempDir(), ports: { microsoft: graph() } });
    expect(early.dispatched!.done).toBe(0);
    await syncCalendars(db, configOf(sections()), fixedClock(NOW.plus({ seconds: 21 })), { feedDir: tempDir(), ports: { microsoft: graph() } });
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('expired tokens are renewed without failing a write; a wrong secret pauses with a clear message', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    fake.expireTokens();
    await sync(configOf(sections({ title: 'Renewed {contacts}' })));
    await expectCalendarsEqualPlan(db);
    const db2 = await openMigrated(await tempDatabaseLocation());
    await planWithHistory(db2, configOf(sections()), HORIZON, NOW, true);
    const bad = await syncCalendars(db2, configOf(sections()), fixedClock(NOW), { feedDir: tempDir(), ports: { microsoft: graph('wrong') } });
    expect(bad.dispatched!.paused.get('anna')).toMatch(/auth: Microsoft refused the app credentials: invalid_client/);
    await db.destroy();
    await db2.destroy();
  });

  it('an event the employee deleted is found, the touch skipped by them, and not created again', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    const victim = fake.events(A).find((e) => !e.isAllDay)!;
    fake.deleteAsUser(A, victim.id);
    const after = await sync(configOf(sections()));
    expect(after.reconciled).toMatchObject({ deleted: 1 });
    const posts = fake.log.filter((r) => r.method === 'POST').length;
    await sync(configOf(sections({ title: 'Again {contacts}' })));
    expect(fake.log.filter((r) => r.method === 'POST').length).toBe(posts);
    // Moved back from Deleted Items (under a new id): the skip is undone, that event is ours again and brought up to date, none made beside it (QA).
    fake.restoreAsUser(A, victim.id, 'restored-1');
    await sync(configOf(sections({ title: 'Again {contacts}' })));
    expect(fake.log.filter((r) => r.method === 'POST').length).toBe(posts);
    const touchId = (await db.selectFrom('calendar_sync').select('entry_id').where('remote_id', '=', 'restored-1').executeTakeFirstOrThrow()).entry_id;
    const back = await db.selectFrom('touches').select(['status', 'title']).where('id', '=', touchId).executeTakeFirstOrThrow();
    expect(back.status).toBe('planned');
    expect(fake.events(A).find((e) => e.id === 'restored-1')!.subject).toBe(back.title);
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('an event Outlook gave a new id (moved between folders) is found by its tag when a write meets a 404: not taken as deleted, and updated there', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    const port = graph();
    // As the daemon's frequent sync does: the plan's changes written, the calendars not read.
    const sync = async (config: Config) => {
      await planWithHistory(db, config, HORIZON, fixedClock(NOW).now(), true);
      return syncCalendars(db, config, fixedClock(NOW), { feedDir: tempDir(), ports: { microsoft: port }, readCalendars: false });
    };
    await sync(configOf(sections()));
    const before = fake.events(A).length;
    const { id } = fake.events(A).find((e) => !e.isAllDay)!;
    fake.changeIdAsOutlook(A, id, `${id}-new`);
    const after = await sync(configOf(sections({ title: 'Ring {contacts}' })));
    expect(after.dispatched).toMatchObject({ deletedByUser: 0 });
    expect(await db.selectFrom('touches').select('id').where('status', '=', 'skipped').execute()).toEqual([]);
    const moved = fake.events(A).find((e) => e.id === `${id}-new`)!;
    expect(moved.subject).toMatch(/^Ring /);
    expect(fake.events(A)).toHaveLength(before);
    await db.destroy();
  });

  it('times Graph gives in Outlook\'s zone names are read; one it gives in a zone no one knows leaves that calendar unread, the others synced (QA: a database error stopped every calendar)', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    // Anna's events as Outlook writes Moscow: "Russian Standard Time", the same wall times.
    for (const e of fake.events(A)) {
      e.start = { ...e.start, timeZone: 'Russian Standard Time' };
      e.end = { ...e.end, timeZone: 'Russian Standard Time' };
    }
    // One of Anna's written from Bishkek (a Windows name beyond Russia's and Romania's): the same instant, read as such.
    const central = fake.events(A).find((e) => !e.isAllDay)!;
    const wall = (at: string, from: string, to: string) => DateTime.fromISO(at, { zone: from }).setZone(to).toFormat("yyyy-MM-dd'T'HH:mm:ss'.0000000'");
    central.start = { dateTime: wall(central.start.dateTime, 'Europe/Moscow', 'Asia/Bishkek'), timeZone: 'Central Asia Standard Time' };
    central.end = { dateTime: wall(central.end.dateTime, 'Europe/Moscow', 'Asia/Bishkek'), timeZone: 'Central Asia Standard Time' };
    // One of Boris's in a zone of its own.
    const odd = fake.events(B)[0]!;
    odd.start = { ...odd.start, timeZone: 'tzone://Microsoft/Custom' };
    const later = fixedClock(NOW.plus({ hours: 1 }));
    const after = await sync(configOf(sections({ title: 'Ring {contacts}' })), later);
    expect(after.reconciled).toMatchObject({ moved: 0, deleted: 0 });
    expect([...after.reconciled!.unreadable.keys()]).toEqual(['boris']);
    // Asked in UTC, as Graph then answers whatever zone an event was written in.
    expect(fake.log.filter((r) => r.path.endsWith('/calendarView')).map((r) => r.prefer).filter((p) => p !== 'outlook.timezone="UTC"')).toEqual([]);
    expect(after.reconciled!.unreadable.get('boris')).toContain('tzone://Microsoft/Custom');
    expect(fake.events(A).filter((e) => !e.isAllDay).every((e) => e.subject!.startsWith('Ring '))).toBe(true);
    expect(await db.selectFrom('touches').select('id').where('status', '=', 'skipped').execute()).toEqual([]);
    await db.destroy();
  });

  it('an employee\'s new mailbox (email changed) gets their events, the old one loses them, and no touch is taken as deleted', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    const before = fake.events(A).length;
    expect(before).toBeGreaterThan(0);
    const NEW = 'anna.t@corp.example';
    const moved = await sync(configOf(sections({ anna: { email: NEW } })));
    // Nothing was read as Anna's doing: her touches are all still open.
    expect(moved.reconciled).toMatchObject({ deleted: 0 });
    expect(await db.selectFrom('touches').select('id').where('status', '=', 'skipped').execute()).toEqual([]);
    expect(await db.selectFrom('touch_events').select('type').where('type', '=', 'skipped').execute()).toEqual([]);
    expect(moved.formerCalendars).toMatchObject({ moved: new Map([['anna', { from: A, events: before }]]), deleted: before, waiting: 0 });
    expect(fake.events(A)).toEqual([]);
    expect(fake.events(NEW)).toHaveLength(before);
    // Settled: the next sync writes nothing, and a change of case alone moves nothing.
    const writes = fake.writes().length;
    const again = await sync(configOf(sections({ anna: { email: 'Anna.T@Corp.Example' } })));
    expect(again.formerCalendars).toMatchObject({ moved: new Map(), deleted: 0, waiting: 0 });
    expect(fake.writes().length).toBe(writes);
    await db.destroy();
  });

  it('an event wanted again after its deletion, where Graph remembers its transaction id, comes back under its next key', async () => {
    fake.rememberDeletedTransactions = true;
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    await sync(configOf(withoutCalls(sections())));
    const back = await sync(configOf(sections()));
    expect(back.dispatched).toMatchObject({ retried: 0, failed: 0 });
    expect(await dirtySyncRows(db, 'anna')).toEqual([]);
    await expectCalendarsEqualPlan(db);
    expect((await sync(configOf(sections()))).dispatched).toMatchObject({ done: 0, retried: 0 });
    await db.destroy();
  });

  it('a 503 with Retry-After holds that mailbox\'s writes as long as it says; the other mailboxes go on', async () => {
    const { db } = await setup();
    const config = configOf(sections());
    await planWithHistory(db, config, HORIZON, NOW, true);
    fake.script({ kind: 'fail', status: 503, code: 'ServiceUnavailable', retryAfter: 30 }, { method: 'POST', mailbox: A, times: 1 });
    const posts = () => fake.log.filter((r) => r.method === 'POST' && r.mailbox === A.toLowerCase()).length;
    const first = await syncCalendars(db, config, fixedClock(NOW), { feedDir: tempDir(), ports: { microsoft: graph() }, readCalendars: false });
    expect(posts()).toBe(1);
    expect(first.dispatched!.retried).toBe(1);
    expect(fake.events(A)).toEqual([]);
    expect(fake.events(B).length).toBeGreaterThan(0);
    // Within the 30 seconds nothing is sent there; after them, the rest; the refused write, whose
    // fate a 503 leaves open, is read back once a late arrival has had time to land (a minute).
    const at = (seconds: number) => syncCalendars(db, config, fixedClock(NOW.plus({ seconds })), { feedDir: tempDir(), ports: { microsoft: graph() }, readCalendars: false });
    await at(20);
    expect(posts()).toBe(1);
    await at(31);
    const waiting = (await dirtySyncRows(db, 'anna')).length;
    expect(waiting).toBe(1);
    expect(fake.events(A).length).toBeGreaterThan(1);
    await at(61);
    await expectCalendarsEqualPlan(db);
    await db.destroy();
  });

  it('a calendar listed in pages (@odata.nextLink) is read to its last page: a move there is found', async () => {
    fake.pageSize = 2;
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    const timed = fake.events(A).filter((e) => !e.isAllDay);
    const last = timed.at(-1)!;
    expect(fake.events(A).length).toBeGreaterThan(4);
    const day = DateTime.fromISO(last.start.dateTime).plus({ days: 1 }).toISODate()!;
    fake.moveAsUser(A, last.id, { dateTime: `${day}T11:00:00.0000000`, timeZone: 'Europe/Moscow' }, { dateTime: `${day}T11:15:00.0000000`, timeZone: 'Europe/Moscow' });
    const after = await sync(configOf(sections()));
    expect(after.reconciled!.unreadable).toEqual(new Map());
    expect(after.reconciled).toMatchObject({ moved: 1, deleted: 0 });
    expect(fake.log.some((r) => r.query.$skiptoken !== undefined)).toBe(true);
    await db.destroy();
  });

  it('a mailbox Graph no longer serves (404 MailboxNotEnabledForRESTAPI) pauses its employee and skips none of their touches', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    const events = fake.events(A).length;
    // Anna's mailbox is unlicensed overnight: every call to it answers 404 about the mailbox.
    fake.script({ kind: 'fail', status: 404, code: 'MailboxNotEnabledForRESTAPI' }, { mailbox: A, times: 10_000 });
    const renamed = configOf(sections({ title: 'Again {contacts}' }));
    await planWithHistory(db, renamed, HORIZON, NOW, true);
    const result = await syncCalendars(db, renamed, fixedClock(NOW), { feedDir: tempDir(), ports: { microsoft: graph() }, readCalendars: false });
    expect(result.dispatched!.paused.get('anna')).toMatch(/^auth: .*MailboxNotEnabledForRESTAPI/);
    expect(result.dispatched!.deletedByUser).toBe(0);
    expect(await db.selectFrom('touches').select('id').where('status', '=', 'skipped').execute()).toEqual([]);
    expect(await db.selectFrom('touch_events').select('type').where('type', '=', 'skipped').execute()).toEqual([]);
    expect(fake.events(A)).toHaveLength(events);
    await db.destroy();
  });

  it('an old mailbox that refuses us keeps its events to delete later, costs one call a sync, holds up no other, and decides nothing', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    const [anna, boris] = [fake.events(A).length, fake.events(B).length];
    expect(Math.min(anna, boris)).toBeGreaterThan(1);
    // Anna's old mailbox refuses every delete for two syncs, then Graph answers again; Boris's is fine.
    fake.script({ kind: 'fail', status: 503, code: 'ServiceUnavailable' }, { method: 'DELETE', mailbox: A, times: 2 });
    const moved = sections({ anna: { email: 'anna.t@corp.example' }, boris: { email: 'boris.t@corp.example' } });
    const deletesAt = (mailbox: string) => fake.log.filter((r) => r.method === 'DELETE' && r.mailbox === mailbox.toLowerCase()).length;
    for (const minutes of [0, 5]) {
      const before = deletesAt(A);
      const result = await syncCalendars(db, configOf(moved), fixedClock(NOW.plus({ minutes })), { feedDir: tempDir(), ports: { microsoft: graph() } });
      expect(deletesAt(A) - before, `sync +${minutes} min`).toBe(1);
      expect(result.formerCalendars).toMatchObject({ deleted: minutes === 0 ? boris : 0, waiting: anna });
      expect(fake.events(B)).toEqual([]);
    }
    expect(fake.events(A)).toHaveLength(anna);
    expect(await db.selectFrom('touches').select('id').where('status', '=', 'skipped').execute()).toEqual([]);
    const later = await syncCalendars(db, configOf(moved), fixedClock(NOW.plus({ minutes: 10 })), { feedDir: tempDir(), ports: { microsoft: graph() } });
    expect(later.formerCalendars).toMatchObject({ deleted: anna, waiting: 0 });
    expect(fake.events(A)).toEqual([]);
    await db.destroy();
  });

  it('an address changed back while its old events still wait to be deleted keeps them as the calendar\'s own', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    const before = fake.events(A).length;
    const NEW = 'anna.t@corp.example';
    fake.script({ kind: 'fail', status: 503, code: 'ServiceUnavailable' }, { method: 'DELETE', mailbox: A, times: before });
    expect((await sync(configOf(sections({ anna: { email: NEW } })))).formerCalendars).toMatchObject({ deleted: 0, waiting: before });
    // Back to the first address: its events are hers again (adopted by their keys), the new one's are the leftovers now.
    const back = await sync(configOf(sections()));
    expect(back.formerCalendars).toMatchObject({ moved: new Map([['anna', { from: NEW, events: before }]]), deleted: before, waiting: 0 });
    expect(fake.events(A)).toHaveLength(before);
    expect(fake.events(NEW)).toEqual([]);
    const again = await sync(configOf(sections()));
    expect(again.reconciled).toMatchObject({ deleted: 0 });
    expect(fake.events(A)).toHaveLength(before);
    expect(await db.selectFrom('touches').select('id').where('status', '=', 'skipped').execute()).toEqual([]);
    await db.destroy();
  });

  it('an employee moved to the iCalendar feed has their Outlook events deleted, not left beside the feed\'s', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    expect(fake.events(A).length).toBeGreaterThan(0);
    const boris = fake.events(B).length;
    const switched = await sync(configOf(sections({ anna: { calendar: 'ics' } })));
    expect(fake.events(A)).toEqual([]);
    expect(fake.events(B)).toHaveLength(boris);
    expect(switched.feeds.map((f) => f.employee)).toEqual(['anna']);
    expect(await db.selectFrom('touches').select('id').where('status', '=', 'skipped').execute()).toEqual([]);
    await db.destroy();
  });

  it('an employee moved from the feed to Outlook has the feed\'s events cancelled (a subscribed feed drops them), and gets them in Outlook', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    const feedDir = tempDir();
    const sync = async (config: Config) => {
      await planWithHistory(db, config, HORIZON, NOW, true);
      return syncCalendars(db, config, fixedClock(NOW), { feedDir, ports: { microsoft: graph() } });
    };
    const onFeed = await sync(configOf(sections({ anna: { calendar: 'ics' } })));
    const feed = onFeed.feeds.find((f) => f.employee === 'anna')!.file;
    const events = (text: string) => text.split('BEGIN:VEVENT').slice(1);
    const before = events(readFileSync(feed, 'utf8'));
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((e) => e.includes('STATUS:CONFIRMED'))).toBe(true);
    const moved = await sync(configOf(sections()));
    expect(moved.feeds.map((f) => f.employee)).toEqual([]);
    const after = events(readFileSync(feed, 'utf8'));
    expect(after).toHaveLength(before.length);
    expect(after.every((e) => e.includes('STATUS:CANCELLED'))).toBe(true);
    expect(fake.events(A)).toHaveLength(before.length);
    await db.destroy();
  });

  it('an event the employee moved in Outlook reschedules the touch and is not moved back', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    const call = fake.events(A).find((e) => !e.isAllDay)!;
    const key = call.singleValueExtendedProperties!.find((p) => p.id.includes('touchbaseSyncKey'))!.value;
    const touchId = touchIdOf(key);
    Object.assign(call, { start: { dateTime: '2027-03-06T11:00:00.0000000', timeZone: 'Europe/Moscow' }, end: { dateTime: '2027-03-06T11:15:00.0000000', timeZone: 'Europe/Moscow' } });
    const writes = fake.writes().length;
    const after = await sync(configOf(sections()));
    expect(after.reconciled).toMatchObject({ moved: 1 });
    expect(fake.writes().length).toBe(writes);
    const touch = await db.selectFrom('touches').select(['date', 'moved_by_user']).where('id', '=', touchId).executeTakeFirstOrThrow();
    expect(touch).toEqual({ date: '2027-03-06', moved_by_user: 1 });
    await db.destroy();
  });

  it('copies of our event the employee made (or a series\' occurrences: each carries our tag) move nothing: the event we wrote is the touch\'s (QA: the last one listed won)', async () => {
    const { db, sync } = await setup();
    await sync(configOf(sections()));
    const call = fake.events(A).find((e) => !e.isAllDay)!;
    const key = call.singleValueExtendedProperties!.find((p) => p.id.includes('touchbaseSyncKey'))!.value;
    const before = await db.selectFrom('touches').select(['date', 'start_at', 'moved_by_user']).where('id', '=', touchIdOf(key)).executeTakeFirstOrThrow();
    const weekLater = (d: string) => DateTime.fromISO(d).plus({ weeks: 1 }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS0000");
    const twoLater = (d: string) => DateTime.fromISO(d).plus({ weeks: 2 }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS0000");
    fake.copyAsUser(A, call.id, `${call.id}-copy1`, { ...call.start, dateTime: weekLater(call.start.dateTime) }, { ...call.end, dateTime: weekLater(call.end.dateTime) });
    fake.copyAsUser(A, call.id, `${call.id}-copy2`, { ...call.start, dateTime: twoLater(call.start.dateTime) }, { ...call.end, dateTime: twoLater(call.end.dateTime) });
    const after = await sync(configOf(sections()));
    expect(after.reconciled).toMatchObject({ moved: 0, deleted: 0 });
    expect(await db.selectFrom('touches').select(['date', 'start_at', 'moved_by_user']).where('id', '=', touchIdOf(key)).executeTakeFirstOrThrow()).toEqual(before);
    expect((await db.selectFrom('calendar_sync').select('remote_id').where('event_key', '=', key).executeTakeFirstOrThrow()).remote_id).toBe(call.id);
    // Ours given a new id by Outlook (moved between folders), a copy a week before it: where we last saw it is ours.
    const weekBefore = (d: string) => DateTime.fromISO(d).minus({ weeks: 1 }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS0000");
    fake.copyAsUser(A, call.id, `${call.id}-copy0`, { ...call.start, dateTime: weekBefore(call.start.dateTime) }, { ...call.end, dateTime: weekBefore(call.end.dateTime) });
    fake.changeIdAsOutlook(A, call.id, `${call.id}-renamed`);
    const renamed = await sync(configOf(sections()));
    expect(renamed.reconciled).toMatchObject({ moved: 0, deleted: 0 });
    expect(await db.selectFrom('touches').select(['date', 'start_at', 'moved_by_user']).where('id', '=', touchIdOf(key)).executeTakeFirstOrThrow()).toEqual(before);
    // Our event moved by the employee is still taken in, the copies beside it.
    fake.moveAsUser(A, call.id, { ...call.start, dateTime: weekLater(call.start.dateTime).replace(/T\d\d/, 'T15') }, { ...call.end, dateTime: weekLater(call.end.dateTime).replace(/T\d\d/, 'T15') });
    const moved = await sync(configOf(sections()));
    expect(moved.reconciled).toMatchObject({ moved: 1 });
    expect((await db.selectFrom('touches').select('moved_by_user').where('id', '=', touchIdOf(key)).executeTakeFirstOrThrow()).moved_by_user).toBe(1);
    await db.destroy();
  });

  it('the fake refuses a fifth concurrent request to one mailbox, as Graph does', async () => {
    fake.latencyMs = 50;
    const token = await (await fetch(`${url}/contoso/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'client-id', client_secret: 'client-secret', scope: 'https://graph.microsoft.com/.default' }) })).json() as { access_token: string };
    const statuses = await Promise.all(Array.from({ length: 6 }, () => fetch(`${url}/v1.0/users/${A}/events`, { headers: { authorization: `Bearer ${token.access_token}` } }).then((r) => r.status)));
    expect(statuses.filter((s) => s === 429).length).toBe(2);
    expect(fake.throttled).toBe(2);
  });
});
