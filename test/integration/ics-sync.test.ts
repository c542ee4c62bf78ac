import { currentUser } from '../../src/current-user.ts';
import { describe, expect, it, vi } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import ICAL from 'ical.js';
import { stringify } from 'yaml';
import { tempDatabaseLocation } from '../helpers/temp-database.ts';
import { openMigrated, type DB } from '../../src/storage/database.ts';
import { horizonWindow, planWithHistory } from '../../src/plan-service.ts';
import { syncCalendars } from '../../src/sync/sync-calendars.ts';
import { planAndSync } from '../../src/sync/pass.ts';
import { dirtySyncRows } from '../../src/storage/calendar-sync-repository.ts';
import { applyFeedEvents, employeesInFeeds } from '../../src/storage/feed-repository.ts';
import { tempDatabase } from '../helpers/temp-database.ts';
import { icsOfTouches, touchesToIcs } from '../../src/calendar/ics/touches-to-ics.ts';
import { renderIcs } from '../../src/calendar/ics/ics-writer.ts';
import { feedEvent } from '../../src/calendar/ics/feed.ts';
import { entryEvent } from '../../src/sync/desired-events.ts';
import { entriesOf } from '../../src/sync/calendar-entries.ts';
import { todayIn } from '../../src/sync/desired-state.ts';
import { touchToRow } from '../../src/storage/touch-repository.ts';
import { eventLinks } from '../../src/sync/event-links.ts';
import { expectedEntries, listedTouches } from '../helpers/calendar-entries.ts';
import { IcsCalendar } from '../../src/calendar/ics/ics-calendar.ts';
import { CalendarError, type CalendarOwner, type CalendarPort, type DesiredEvent } from '../../src/calendar/port.ts';
import { fixedClock } from '../../src/clock.ts';
import type { Config } from '../../src/domain/types.ts';
import { SETTINGS, client, configOf, employee, tempDir, writeConfig } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';

const NOW = DateTime.fromISO('2027-03-01T08:00:00+03:00');
const clock = fixedClock(NOW);
const HORIZON = { from: '2027-03-01', to: '2027-05-30' };

const sections = (opts: { title?: string; clients?: number; handover?: boolean } = {}) => ({
  settings: { ...SETTINGS.settings, horizon: '90 days' },
  employees: [employee('am', 'account_manager', { email: 'am@x.example' }), employee('am2', 'account_manager', { email: 'am2@x.example', country: 'RO', timezone: 'Europe/Bucharest' })],
  clients: Array.from({ length: opts.clients ?? 4 }, (_, i) => client(`c${i}`, { roles: ['buyer', 'ceo'], team: { account_manager: 'am' } })),
  rules: [
    { id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', ...(opts.title ? { title: opts.title } : {}) },
    { id: 'letters', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: '1 month' },
  ],
  ...(opts.handover ? { handovers: [{ from: 'am', to: 'am2', on: '2027-04-01', notice_from: 'leaving' }] } : {}),
});

async function setup() {
  const db = await openMigrated(await tempDatabaseLocation());
  const feedDir = join(tempDir(), 'feeds');
  const run = async (config: Config, ports?: Partial<Record<'ics', CalendarPort>>) => {
    await planWithHistory(db, config, HORIZON, NOW, true);
    return syncCalendars(db, config, clock, { feedDir, ports });
  };
  return { db, feedDir, run };
}

/** The feed's events as a standard parser reads them. */
function feedEvents(file: string) {
  const root = new ICAL.Component(ICAL.parse(readFileSync(file, 'utf8')));
  return { root, events: root.getAllSubcomponents('vevent') };
}

/** Where each calendar entry's event is in the feeds (or, through an injected feed port, as the sync recorded it). */
async function recordedEvents(db: DB) {
  const rows = await db.selectFrom('calendar_sync').selectAll().where('remote', '=', 'present').execute();
  if (rows.length) return new Map(rows.map((r) => [r.entry_id, { entryId: r.entry_id, employeeId: r.employee_id, providerId: r.remote_id!, members: JSON.parse(r.members) as string[] }]));
  const events = await db.selectFrom('ics_events').selectAll().where('status', '=', 'confirmed').execute();
  return new Map(events.map((e) => {
    const event = JSON.parse(e.payload) as DesiredEvent;
    return [event.touchId, { entryId: event.touchId, employeeId: e.employee_id, providerId: e.event_key, members: listedTouches(event.description) }];
  }));
}

/** Each employee's feed holds exactly the entries of their open touches: one event per meeting or call, one per day and source of the rest. */
async function calendarMatchesPlan(db: DB) {
  const planned = await db.selectFrom('touches').select(['id', 'employee_id', 'title', 'date', 'source', 'all_day']).where('status', '=', 'planned')
    .where('date', '>=', HORIZON.from).where('date', '<=', HORIZON.to).execute();
  const events = await db.selectFrom('ics_events').selectAll().where('status', '=', 'confirmed').execute();
  const expected = expectedEntries(planned);
  const seen = events.map((e) => ({ employee: e.employee_id, event: JSON.parse(e.payload) as DesiredEvent }));
  expect(seen.length).toBe(expected.size);
  const byMembers = new Map(seen.map((s) => [`${s.employee}|${listedTouches(s.event.description).join(',')}`, s.event]));
  const titles = new Map(planned.map((t) => [t.id, t.title]));
  for (const entry of expected.values()) {
    const event = byMembers.get(`${entry.employee}|${entry.members.join(',')}`);
    expect(event, `an event listing ${entry.members.join(', ')}`).toBeDefined();
    if (entry.members.length === 1) expect(event!.title).toBe(titles.get(entry.members[0]!));
    else expect(event!.title).toMatch(new RegExp(` × ${entry.members.length}: `));
  }
}

describe('sync to the iCalendar feed', () => {
  it('a pass that lets the plan\'s touches go before the sync (keepTouches) writes the same feeds', async () => {
    const config = configOf(sections());
    const feeds = async (keepTouches?: (t: { date: string }) => boolean) => {
      const { db, feedDir } = await setup();
      const pass = await planAndSync(db, config, clock, { feedDir, listOperations: false, ...(keepTouches ? { keepTouches } : {}) });
      // What each event says, but its links (signed with each database's own secret).
      const rows = await db.selectFrom('ics_events').select(['employee_id', 'event_key', 'date', 'payload']).orderBy('employee_id').orderBy('event_key').execute();
      const events = rows.map((r) => {
        const { contentHash: _, description, ...event } = JSON.parse(r.payload) as { contentHash: string; description: string };
        return { ...r, payload: { ...event, description: description.replace(/\/a\/(\w+)\.\S+/g, '/a/$1') } };
      });
      await db.destroy();
      return { pass, events };
    };
    const whole = await feeds();
    const some = await feeds((t) => t.date <= '2027-03-31');
    const none = await feeds(() => false);
    expect(whole.events.length).toBeGreaterThan(20);
    expect(some.events).toEqual(whole.events);
    expect(none.events).toEqual(whole.events);
    expect(whole.pass.planned!.result.touches.some((t) => t.date > '2027-03-31')).toBe(true);
    expect(some.pass.planned!.result.touches).toEqual(whole.pass.planned!.result.touches.filter((t) => t.date <= '2027-03-31'));
    expect(none.pass.planned!.result.touches).toEqual([]);
    expect(none.pass.planned!.saved).toEqual(whole.pass.planned!.saved);
    expect(none.pass.synced.changes).toBe(whole.pass.synced.changes);
  });

  it('writes the plan into the feeds in one go, and a second sync with nothing changed writes nothing', async () => {
    const { db, feedDir } = await setup();
    const config = configOf(sections());
    await planWithHistory(db, config, HORIZON, NOW, true);
    const first = await syncCalendars(db, config, clock, { feedDir });
    expect(first.dispatched!.done).toBeGreaterThan(20);
    expect(first.operations.every((op) => op.op === 'create' && op.provider === 'ics')).toBe(true);
    expect(first.operations).toHaveLength(first.dispatched!.done);
    expect(first.changes).toBe(first.operations.length);
    // Not listed (once, the daemon), only counted: the same number, and nothing held per call.
    const counting = await setup();
    await planWithHistory(counting.db, config, HORIZON, NOW, true);
    const counted = await syncCalendars(counting.db, config, clock, { feedDir: counting.feedDir, listOperations: false });
    expect(counted.operations).toEqual([]);
    expect(counted.changes).toBe(first.operations.length);
    expect(counted.dispatched!.done).toBe(first.dispatched!.done);
    await counting.db.destroy();
    // The feeds need no per-event bookkeeping: nothing waits, nothing is in flight.
    expect(await db.selectFrom('calendar_sync').selectAll().execute()).toEqual([]);
    const run = async (c: Config) => {
      await planWithHistory(db, c, HORIZON, NOW, true);
      return syncCalendars(db, c, clock, { feedDir });
    };
    await calendarMatchesPlan(db);
    const second = await run(config);
    expect(second.operations).toEqual([]);
    expect(second.dispatched!.done).toBe(0);
    await db.destroy();
  });

  it('follows a changed, a shrunk and a handed-over plan; the feed raises SEQUENCE and cancels', async () => {
    const { db, run, feedDir } = await setup();
    await run(configOf(sections()));
    const changed = await run(configOf(sections({ title: 'Call {contacts} at {client.name}' })));
    expect(changed.operations.every((op) => op.op === 'update')).toBe(true);
    expect(changed.operations.length).toBeGreaterThan(5);
    await calendarMatchesPlan(db);
    const shrunk = await run(configOf(sections({ title: 'Call {contacts} at {client.name}', clients: 2 })));
    expect(shrunk.operations.filter((op) => op.op === 'delete').length).toBeGreaterThan(5);
    await calendarMatchesPlan(db);
    const before = await recordedEvents(db);
    const handed = await run(configOf(sections({ title: 'Call {contacts} at {client.name}', clients: 2, handover: true })));
    // Each call changes calendars under its own id (a day's letters become am2's day entries).
    const moved = handed.operations.filter((op) => op.op === 'create' && op.employeeId === 'am2' && before.get(op.entryId)?.employeeId === 'am');
    expect(moved.length).toBeGreaterThan(1);
    for (const create of moved) expect(handed.operations).toContainEqual(expect.objectContaining({ op: 'delete', entryId: create.entryId, employeeId: 'am' }));
    await calendarMatchesPlan(db);

    const feed = handed.feeds.find((f) => f.employee === 'am')!;
    expect(feed.file.startsWith(feedDir)).toBe(true);
    expect(feed.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(feed.token).not.toBe(feed.employee);
    const { root, events } = feedEvents(feed.file);
    expect(root.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'))).toContain('Europe/Moscow');
    const cancelled = events.filter((e) => e.getFirstPropertyValue('status') === 'CANCELLED');
    expect(cancelled.length).toBeGreaterThan(5);
    // Handed over to am2, a cancelled event keeps no description: its one-click links would act on am2's touch.
    for (const c of cancelled) expect(c.getFirstPropertyValue('description')).toBeNull();
    expect(readFileSync(feed.file, 'utf8').split('BEGIN:VEVENT').filter((v) => v.includes('STATUS:CANCELLED') && v.includes('/a/'))).toEqual([]);
    expect(Math.max(...events.map((e) => Number(e.getFirstPropertyValue('sequence'))))).toBeGreaterThanOrEqual(1);
    const timed = events.find((e) => e.getFirstPropertyValue('status') === 'CONFIRMED' && !(e.getFirstPropertyValue('dtstart') as ICAL.Time).isDate)!;
    expect(timed.getFirstProperty('dtstart')!.getParameter('tzid')).toBe('Europe/Moscow');
    expect(timed.getAllSubcomponents('valarm').length).toBeGreaterThan(0);
    expect(timed.getFirstPropertyValue('class')).toBe('PRIVATE');
    expect(timed.getAllProperties('attendee')).toHaveLength(0);
    const allDay = events.find((e) => (e.getFirstPropertyValue('dtstart') as ICAL.Time).isDate)!;
    const s = allDay.getFirstPropertyValue('dtstart') as ICAL.Time;
    const e = allDay.getFirstPropertyValue('dtend') as ICAL.Time;
    expect(e.toJSDate().getTime() - s.toJSDate().getTime()).toBe(86_400_000);
    await db.destroy();
  });

  it('a crash after recording the desired state and before any call loses and duplicates nothing (feeds through the reconciler)', async () => {
    const { db } = await setup();
    const config = configOf(sections());
    const port = { ics: new IcsCalendar(db, clock) };
    const run = async (c: Config) => {
      await planWithHistory(db, c, HORIZON, NOW, true);
      return syncCalendars(db, c, clock, { feedDir: tempDir(), ports: port });
    };
    await planWithHistory(db, config, HORIZON, NOW, true);
    const planned = await syncCalendars(db, config, clock, { feedDir: tempDir(), dryRun: true, ports: port });
    // The process stops right after the desired state is stored: nothing is sent.
    const stopped = await syncCalendars(db, config, clock, { feedDir: tempDir(), ports: port, dispatch: { signal: AbortSignal.abort() } });
    expect(stopped.dispatched!.done).toBe(0);
    expect((await dirtySyncRows(db)).length).toBe(planned.operations.length);
    const again = await run(config);
    // Found again at the next run and carried out once each.
    expect(again.dispatched!.done).toBe(planned.operations.length);
    expect(await dirtySyncRows(db)).toEqual([]);
    await calendarMatchesPlan(db);
    expect((await run(config)).dispatched!.done).toBe(0);
    await db.destroy();
  });

  it('a write that commits and then fails (answer lost) is retried, adopted, and never duplicated', async () => {
    const { db, run } = await setup();
    const config = configOf(sections());
    const ics = new IcsCalendar(db, clock);
    let failures = 3;
    const flaky: CalendarPort = {
      provider: 'ics',
      async create(owner: CalendarOwner, event: DesiredEvent) {
        const done = await ics.create(owner, event);
        if (failures-- > 0) throw new CalendarError('temporary', 'socket hang up after the write');
        return done;
      },
      update: (o, id, e) => ics.update(o, id, e),
      remove: (o, id) => ics.remove(o, id),
      read: (o, k) => ics.read(o, k),
      listTagged: (o, f, t) => ics.listTagged(o, f, t),
    };
    const first = await run(config, { ics: flaky });
    expect(first.dispatched!.retried).toBe(3);
    // Each of the three is in flight with its outcome unknown, waiting for its retry.
    const pending = (await dirtySyncRows(db)).filter((r) => r.next_attempt_at! > NOW.toUTC().toISO()!);
    expect(pending.map((r) => r.inflight_op)).toEqual(['create', 'create', 'create']);
    // Later, when the retries are due:
    const later = fixedClock(NOW.plus({ minutes: 10 }));
    const retried = await syncCalendars(db, config, later, { feedDir: tempDir() });
    // Read back first: the events are there, so they are adopted and nothing is written again.
    expect(retried.dispatched!.settled).toBe(3);
    expect(retried.dispatched!.done).toBe(0);
    await calendarMatchesPlan(db);
    await db.destroy();
  });

  it('an update that finds the event gone reads it, and records it deleted by its employee: not pushed again (feeds through the reconciler)', async () => {
    const { db } = await setup();
    const config = configOf(sections());
    const port = { ics: new IcsCalendar(db, clock) };
    const run = async (c: Config) => {
      await planWithHistory(db, c, HORIZON, NOW, true);
      return syncCalendars(db, c, clock, { feedDir: tempDir(), ports: port });
    };
    await run(config);
    const victim = [...(await recordedEvents(db)).values()].find((e) => e.members.length === 1 && e.members[0] === e.entryId)!;
    // The employee deletes it in their calendar.
    await db.deleteFrom('ics_events').where('event_key', '=', victim.providerId).execute();
    const renamed = configOf(sections({ title: 'Renamed {contacts}' }));
    await run(renamed);
    const touch = await db.selectFrom('touches').select(['status', 'note']).where('id', '=', victim.entryId).executeTakeFirstOrThrow();
    expect(touch).toEqual({ status: 'skipped', note: 'deleted from the calendar by the employee' });
    const next = await run(renamed);
    expect(next.operations.some((op) => op.entryId === victim.entryId)).toBe(false);
    await db.destroy();
  });
});

describe('one renderer for the feed and the export', () => {
  it('plan --format ics writes each touch as its event in the feed: same UID, same zone-local times, same text', async () => {
    const { db, run } = await setup();
    const config = configOf(sections());
    const synced = await run(config);
    const { result } = await planWithHistory(db, config, HORIZON, NOW, false);
    const exported = touchesToIcs(result.touches.filter((t) => t.employee === 'am'), config, await eventLinks(db, config), NOW.toUTC().toISO()!);
    const feed = feedEvents(synced.feeds.find((f) => f.employee === 'am')!.file).events;
    const exportedEvents = new ICAL.Component(ICAL.parse(exported)).getAllSubcomponents('vevent');
    const byUid = new Map(feed.map((e) => [e.getFirstPropertyValue('uid'), e]));
    expect(exportedEvents.length).toBeGreaterThan(10);
    for (const e of exportedEvents) {
      const inFeed = byUid.get(e.getFirstPropertyValue('uid'))!;
      expect(inFeed, String(e.getFirstPropertyValue('uid'))).toBeDefined();
      for (const p of ['dtstart', 'dtend', 'summary', 'description']) expect(e.getFirstProperty(p)!.toICALString()).toBe(inFeed.getFirstProperty(p)!.toICALString());
    }
    await db.destroy();
  });

  it('plan --format ics is written in chunks as it is made: joined, they are the document rendered at once', async () => {
    const { db } = await setup();
    const config = configOf(sections());
    const { result } = await planWithHistory(db, config, HORIZON, NOW, false);
    const stamp = NOW.toUTC().toISO()!;
    const links = await eventLinks(db, config);
    const today = todayIn(config, NOW);
    // The whole document made in one go, event by event, as the feed's renderer makes it.
    const entries = entriesOf(result.touches.map((t) => touchToRow(t, undefined, stamp)));
    const events = entries.map((entry) => feedEvent(entryEvent(entry, config, links, today(entry.employeeId)), 0, 'CONFIRMED', stamp));
    const whole = renderIcs({ name: `${config.settings.company}: contact plan`, zones: events.filter((e) => !e.allDay).map((e) => e.timezone) }, events);
    const chunks = [...icsOfTouches(result.touches, config, links, stamp, undefined, 7)];
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.join('')).toBe(whole);
    await db.destroy();
  });
});

describe('feed files', () => {
  /** One client for each account manager, so each has a feed of their own. */
  const both = (opts: { title?: string } = {}) => configOf({ ...sections(opts), clients: [
    client('c0', { roles: ['buyer', 'ceo'], team: { account_manager: 'am' } }),
    client('c1', { roles: ['buyer', 'ceo'], team: { account_manager: 'am2' } }),
  ] });

  it('events of days long past leave the feed (half a year before what a sync writes): it no longer grows for ever; the history keeps them (QA 2026-12-06)', async () => {
    const { db, feedDir, run } = await setup();
    const first = await run(both());
    const file = first.feeds.find((f) => f.employee === 'am')!.file;
    const days = () => feedEvents(file).events.map((e) => e.getFirstPropertyValue('dtstart')!.toString().slice(0, 10)).sort();
    expect(days()[0]! < '2027-04-01').toBe(true);
    // Eight months on, every day a sync: what it writes now starts a week back, on 1 November.
    const later = DateTime.fromISO('2027-11-08T08:00:00+03:00');
    await planWithHistory(db, both(), horizonWindow(both(), later), later, true);
    await syncCalendars(db, both(), fixedClock(later), { feedDir });
    const kept = days();
    // 183 days before 1 November: 2 May.
    expect(kept.filter((d) => d < '2027-05-02')).toEqual([]);
    expect(kept.some((d) => d >= '2027-05-02' && d < '2027-10-01')).toBe(true);
    expect((await db.selectFrom('ics_events').select('date').where('date', '<', '2027-05-02').execute())).toEqual([]);
    // The touches themselves stay.
    expect((await db.selectFrom('touches').select('id').where('date', '<', '2027-04-01').execute()).length).toBeGreaterThan(0);
    await db.destroy();
  });

  it('only the feeds whose events changed are written again', async () => {
    const { db, feedDir, run } = await setup();
    const first = await run(both());
    const file = (id: string) => first.feeds.find((f) => f.employee === id)!.file;
    const written = () => ({ am: readFileSync(file('am'), 'utf8'), am2: readFileSync(file('am2'), 'utf8') });
    const before = written();
    // Mark the files, so a rewrite shows even where the content would come out the same.
    const { appendFileSync } = await import('node:fs');
    appendFileSync(file('am'), 'X-MARK');
    appendFileSync(file('am2'), 'X-MARK');
    await run(both());
    expect(readFileSync(file('am'), 'utf8')).toBe(`${before.am}X-MARK`);
    // A touch of am2's client changes: only am2's feed is written.
    await db.updateTable('touches').set({ title: 'Changed title' }).where('employee_id', '=', 'am2').where('kind', '=', 'letter').execute();
    await syncCalendars(db, both(), clock, { feedDir });
    expect(readFileSync(file('am'), 'utf8')).toContain('X-MARK');
    expect(readFileSync(file('am2'), 'utf8')).not.toContain('X-MARK');
    expect(readFileSync(file('am2'), 'utf8')).toContain('Changed title');
    await db.destroy();
  });

  it('files no current feed names (an old feed secret\'s) and feed drafts an hour old (a killed process\'s) are removed at the next sync of everyone; an employee gone has their feed cancelled, then removed', async () => {
    const { db, feedDir, run } = await setup();
    const first = await run(both());
    const file = (id: string) => first.feeds.find((f) => f.employee === id)!.file;
    // A feed of the secret before TOUCHBASE_FEED_SECRET was changed, and files that are not feeds.
    const oldSecrets = join(feedDir, `${'Q'.repeat(32)}.ics`);
    writeFileSync(oldSecrets, 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n');
    writeFileSync(join(feedDir, 'README.txt'), 'kept');
    writeFileSync(join(feedDir, 'holidays.ics'), 'kept');
    // Drafts of a process killed while writing (its clients and links inside): one an hour old, one
    // that a daemon sharing the folder may be writing now.
    const leftDraft = join(feedDir, `${'L'.repeat(32)}.ics.tmp`);
    const freshDraft = join(feedDir, `${'F'.repeat(32)}.ics.tmp`);
    writeFileSync(leftDraft, 'BEGIN:VCALENDAR\r\n');
    writeFileSync(freshDraft, 'BEGIN:VCALENDAR\r\n');
    const anHourAgo = new Date(Date.now() - 61 * 60_000);
    utimesSync(leftDraft, anHourAgo, anHourAgo);
    // am2 leaves the configuration (their client goes to am). A sync of am alone changes nothing of theirs.
    const withoutAm2 = configOf({ ...sections(), employees: [employee('am', 'account_manager', { email: 'am@x.example' })], clients: [
      client('c0', { roles: ['buyer', 'ceo'], team: { account_manager: 'am' } }), client('c1', { roles: ['buyer', 'ceo'], team: { account_manager: 'am' } }),
    ] });
    const am2Before = readFileSync(file('am2'), 'utf8');
    await planWithHistory(db, withoutAm2, HORIZON, NOW, true);
    await syncCalendars(db, withoutAm2, clock, { feedDir, employee: 'am' });
    expect(existsSync(oldSecrets)).toBe(true);
    expect(existsSync(leftDraft)).toBe(true);
    expect(readFileSync(file('am2'), 'utf8')).toBe(am2Before);
    // A dry run lists each of am2's events to cancel, and writes nothing.
    const live = feedEvents(file('am2')).events.filter((e) => e.getFirstPropertyValue('status') !== 'CANCELLED').length;
    const preview = await syncCalendars(db, withoutAm2, clock, { feedDir, dryRun: true });
    expect(preview.operations.filter((op) => op.employeeId === 'am2' && op.op === 'delete' && op.provider === 'ics')).toHaveLength(live);
    expect(readFileSync(file('am2'), 'utf8')).toBe(am2Before);
    const all = await syncCalendars(db, withoutAm2, clock, { feedDir });
    expect(all.feeds.map((f) => f.employee)).toEqual(['am']);
    expect(all.formerCalendars!.removed!.employees).toEqual(['am2']);
    expect(readdirSync(feedDir).sort()).toEqual([file('am'), file('am2'), freshDraft].map((f) => f.slice(feedDir.length + 1)).concat('.touchbase-feeds', 'README.txt', 'holidays.ics').sort());
    // Their touches are am's now: am2's subscribed calendar drops every event, which keeps no links.
    const { events } = feedEvents(file('am2'));
    expect(events.length).toBeGreaterThan(3);
    expect(events.every((e) => e.getFirstPropertyValue('status') === 'CANCELLED' && e.getFirstPropertyValue('description') === null)).toBe(true);
    await calendarMatchesPlan(db);
    // Once the cancelled events are purged, the feed goes too.
    await syncCalendars(db, withoutAm2, fixedClock(NOW.plus({ days: 31 })), { feedDir });
    expect(existsSync(file('am2'))).toBe(false);
    expect(existsSync(file('am'))).toBe(true);
    await db.destroy();
  });

  it('the feed of an employee gone from the configuration is cancelled whole, its past events too, and then removed: it holds their clients\' names and contacts', async () => {
    const { db, feedDir, run } = await setup();
    const first = await run(both());
    const file = first.feeds.find((f) => f.employee === 'am2')!.file;
    const withoutAm2 = configOf({ ...sections(), employees: [employee('am', 'account_manager', { email: 'am@x.example' })], clients: [
      client('c0', { roles: ['buyer', 'ceo'], team: { account_manager: 'am' } }), client('c1', { roles: ['buyer', 'ceo'], team: { account_manager: 'am' } }),
    ] });
    // Three weeks on: some of am2's events are past, never touched by the plan again.
    const later = NOW.plus({ weeks: 3 });
    const past = feedEvents(file).events.filter((e) => e.getFirstPropertyValue('dtstart')!.toString() < later.toISODate()!);
    expect(past.length).toBeGreaterThan(0);
    await planWithHistory(db, withoutAm2, { from: later.toISODate()!, to: HORIZON.to }, later, true);
    await syncCalendars(db, withoutAm2, fixedClock(later), { feedDir });
    const { events } = feedEvents(file);
    expect(events.length).toBeGreaterThanOrEqual(past.length);
    expect(events.filter((e) => e.getFirstPropertyValue('status') !== 'CANCELLED').map((e) => e.getFirstPropertyValue('dtstart')!.toString())).toEqual([]);
    // Cancelled events carry no description: no contacts' details, no one-click links.
    expect(events.every((e) => e.getFirstPropertyValue('description') === null)).toBe(true);
    await syncCalendars(db, withoutAm2, fixedClock(later.plus({ days: 31 })), { feedDir });
    expect(existsSync(file)).toBe(false);
    await db.destroy();
  });

  it('a feed folder that cannot be made is said as the feed folder\'s, with what to do, not as a bare mkdir error (QA)', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    const notAFolder = join(tempDir(), 'a-file');
    writeFileSync(notAFolder, 'x');
    const feedDir = join(notAFolder, 'feeds');
    const config = configOf(sections());
    await planWithHistory(db, config, HORIZON, NOW, true);
    await expect(syncCalendars(db, config, clock, { feedDir })).rejects.toThrow(`the feed folder ${feedDir} cannot be created (ENOTDIR): create it writable for user ${currentUser()}, or give TOUCHBASE_FEEDS_DIR another folder`);
    await db.destroy();
  });

  it('a second database syncing into the same feed folder is refused, naming the folder: it removed the first one\'s feeds as stale', async () => {
    const a = await setup();
    const first = await a.run(both());
    const files = readdirSync(a.feedDir).sort();
    expect(files.filter((f) => f.endsWith('.ics'))).toHaveLength(2);
    // Another company's database (its own id), pointed at the same folder.
    const other = await openMigrated(await tempDatabaseLocation());
    await planWithHistory(other, both(), HORIZON, NOW, true);
    await expect(syncCalendars(other, both(), clock, { feedDir: a.feedDir })).rejects.toThrow(
      new RegExp(`^the feed folder ${a.feedDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} holds the feeds of another touchbase database .*: give each company's daemon its own TOUCHBASE_FEEDS_DIR;`),
    );
    expect(readdirSync(a.feedDir).sort()).toEqual(files);
    for (const f of first.feeds) expect(existsSync(f.file)).toBe(true);
    // The first goes on as before; the other writes a folder of its own.
    await syncCalendars(a.db, both(), clock, { feedDir: a.feedDir });
    const own = join(tempDir(), 'feeds');
    expect((await syncCalendars(other, both(), clock, { feedDir: own })).feeds).toHaveLength(2);
    await other.destroy();
    await a.db.destroy();
  });

  it('a feed that cannot be written fails the sync, keeps its last file and is written at the next sync', async () => {
    // Feeds are written while the next is rendered (sync-calendars.ts FeedFiles): a failed write
    // still fails the sync, and its feed is not recorded as written.
    const { db, feedDir, run } = await setup();
    const first = await run(both());
    const file = (id: string) => first.feeds.find((f) => f.employee === id)!.file;
    const old = readFileSync(file('am'), 'utf8');
    // Where am's new feed would be written first, a folder: the write fails (EISDIR).
    mkdirSync(`${file('am')}.tmp`);
    const retitled = both({ title: 'Call {contacts} at {client.name}' });
    await expect(run(retitled)).rejects.toMatchObject({ code: 'EISDIR' });
    expect(readFileSync(file('am'), 'utf8')).toBe(old);
    rmdirSync(`${file('am')}.tmp`);
    await syncCalendars(db, retitled, clock, { feedDir });
    for (const id of ['am', 'am2']) {
      const { events } = feedEvents(file(id));
      expect(events.length).toBeGreaterThan(0);
      expect(events.filter((e) => /^Call /.test(String(e.getFirstPropertyValue('summary')))).length).toBeGreaterThan(0);
    }
    expect(existsSync(`${file('am')}.tmp`)).toBe(false);
    await db.destroy();
  });
});

describe('the last days follow their touches', () => {
  it('a call marked done the next morning gets its ✓ and loses its reminder; one skipped after its day leaves the feed', async () => {
    const dir = writeConfig({ 'touchbase.yaml': sections({ clients: 6 }) });
    const db = await tempDatabaseLocation();
    const feeds = join(tempDir(), 'feeds');
    vi.stubEnv('TOUCHBASE_FEEDS_DIR', feeds);
    try {
      const run = (...args: string[]) => cli(...args, '--config', dir, '--db', db);
      expect((await run('once', '--now', '2027-03-01T08:00:00+03:00')).code).toBe(0);
      const planned = JSON.parse((await run('plan', '--from', '2027-03-02', '--to', '2027-03-05', '--format', 'json', '--now', '2027-03-01T08:00:00+03:00')).out) as
        { id: string; date: string; allDay: boolean }[];
      const calls = planned.filter((t) => !t.allDay);
      expect(calls.length).toBeGreaterThanOrEqual(2);
      const [did, dropped] = calls as [typeof calls[0], typeof calls[0]];
      // The next morning after each one's day (before the overdue grace moves them to today).
      const after = DateTime.fromISO(`${[did.date, dropped.date].sort()[1]}T09:00:00+03:00`).plus({ days: 1 }).toISO()!;
      expect((await run('done', did.id, '--at', `${did.date}T15:00:00+03:00`, '--now', after)).code).toBe(0);
      expect((await run('skip', dropped.id, '--reason', 'they were closed', '--now', after)).code).toBe(0);
      expect((await run('once', '--now', after)).code).toBe(0);
      const key = (id: string) => `${id.replace(/-/g, '')}@touchbase`;
      const all = readdirSync(feeds).filter((f) => f.endsWith('.ics')).flatMap((f) => feedEvents(join(feeds, f)).events);
      const done = all.find((e) => e.getFirstPropertyValue('uid') === key(did.id))!;
      expect(String(done.getFirstPropertyValue('summary'))).toMatch(/^✓ /);
      expect(done.getAllSubcomponents('valarm')).toEqual([]);
      expect(Number(done.getFirstPropertyValue('sequence'))).toBeGreaterThan(0);
      const skipped = all.find((e) => e.getFirstPropertyValue('uid') === key(dropped.id))!;
      expect(skipped.getFirstPropertyValue('status')).toBe('CANCELLED');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('feeds as strict readers take them', () => {
  it('every feed holds a component, also one with no event yet (its owner\'s zone), and its calendar properties come before any component', async () => {
    const db = await tempDatabaseLocation();
    const feeds = join(tempDir(), 'feeds');
    vi.stubEnv('TOUCHBASE_FEEDS_DIR', feeds);
    try {
      // The example company: Elena Morozova (Europe/Moscow) has no touch in these 90 days.
      expect((await cli('once', '--config', 'config', '--db', db, '--now', '2026-12-05T09:00:00+03:00')).code).toBe(0);
      const texts = readdirSync(feeds).filter((f) => f.endsWith('.ics')).map((f) => readFileSync(join(feeds, f), 'utf8'));
      expect(texts.length).toBeGreaterThan(5);
      let empty = 0;
      for (const text of texts) {
        const root = new ICAL.Component(ICAL.parse(text));
        expect(root.getAllSubcomponents().length).toBeGreaterThan(0);
        expect(text.indexOf('REFRESH-INTERVAL')).toBeGreaterThan(0);
        expect(text.indexOf('REFRESH-INTERVAL')).toBeLessThan(text.indexOf('BEGIN:', 'BEGIN:VCALENDAR'.length));
        if (root.getAllSubcomponents('vevent').length === 0) {
          empty++;
          expect(root.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'))).toEqual(['Europe/Moscow']);
        }
      }
      expect(empty).toBe(1);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('an export beside the feed', () => {
  it('plan --format ics carries each event\'s SEQUENCE in the feed, and the next one for an event changed since the last sync', async () => {
    const dir = writeConfig({ 'touchbase.yaml': sections() });
    const db = await tempDatabaseLocation();
    const feeds = join(tempDir(), 'feeds');
    vi.stubEnv('TOUCHBASE_FEEDS_DIR', feeds);
    try {
      const now = '2027-03-01T08:00:00+03:00';
      const run = (...args: string[]) => cli(...args, '--config', dir, '--db', db, '--now', now);
      const sequences = (text: string) => new Map(new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent')
        .map((e) => [String(e.getFirstPropertyValue('uid')), Number(e.getFirstPropertyValue('sequence'))]));
      const feed = () => new Map(readdirSync(feeds).filter((f) => f.endsWith('.ics')).flatMap((f) => [...sequences(readFileSync(join(feeds, f), 'utf8'))]));
      const exported = async () => sequences((await run('plan', '--format', 'ics', '--no-save')).out);
      expect((await run('once')).code).toBe(0);
      // The calls are renamed and synced: their events go to SEQUENCE 1 in the feed.
      writeFileSync(join(dir, 'touchbase.yaml'), stringify(sections({ title: 'Renamed {contacts}' })));
      expect((await run('once')).code).toBe(0);
      const inFeed = feed();
      const first = await exported();
      expect(first.size).toBeGreaterThan(5);
      expect([...first.values()].some((s) => s > 0)).toBe(true);
      for (const [uid, sequence] of first) if (inFeed.has(uid)) expect(sequence, uid).toBe(inFeed.get(uid));
      // Renamed again but not synced: the export is news to a calendar that holds the feed's events.
      writeFileSync(join(dir, 'touchbase.yaml'), stringify(sections({ title: 'Again {contacts}' })));
      const second = await exported();
      const renamed = [...second].filter(([uid, s]) => s !== first.get(uid));
      expect(renamed.length).toBeGreaterThan(0);
      for (const [uid, sequence] of renamed) expect(sequence, uid).toBe(inFeed.get(uid)! + 1);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('plan --format ics writes every event exactly as its feed holds it: a skipped touch cancelled, a done one with its ✓ and note, a silence alert with its count of days', async () => {
    const db = await tempDatabaseLocation();
    const feeds = join(tempDir(), 'feeds');
    vi.stubEnv('TOUCHBASE_FEEDS_DIR', feeds);
    try {
      // The example company, whose Ural Steel Works has been silent for 100 days by then.
      const run = (now: string, ...args: string[]) => cli(...args, '--config', 'config', '--db', db, '--now', now);
      const monday = '2026-12-07T18:00:00+03:00';
      expect((await run('2026-12-05T09:00:00+03:00', 'once')).code).toBe(0);
      expect((await run('2026-12-05T09:00:00+03:00', 'checks')).out).toMatch(/; 1 новое напоминание;/);
      const plan = JSON.parse((await run(monday, 'plan', '--to', '2026-12-07', '--format', 'json', '--no-save')).out) as { id: string; allDay: boolean; date: string }[];
      const calls = plan.filter((t) => !t.allDay && t.date === '2026-12-07');
      expect(calls.length).toBeGreaterThanOrEqual(2);
      const [did, dropped] = [calls[0]!, calls[1]!];
      expect((await run(monday, 'done', did.id, '--note', 'обсудили поставки')).code).toBe(0);
      expect((await run(monday, 'skip', dropped.id, '--reason', 'офис закрыт')).code).toBe(0);
      expect((await run(monday, 'sync')).code).toBe(0);

      const eventsOf = (text: string) => new Map(new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').map((e) => [String(e.getFirstPropertyValue('uid')), e]));
      const inFeeds = new Map(readdirSync(feeds).filter((f) => f.endsWith('.ics')).flatMap((f) => [...eventsOf(readFileSync(join(feeds, f), 'utf8'))]));
      const exported = eventsOf((await run(monday, 'plan', '--format', 'ics', '--no-save')).out);
      expect(exported.size).toBeGreaterThan(300);
      const shown = (e: ICAL.Component) => ['sequence', 'status', 'summary', 'description', 'dtstart'].map((p) => String(e.getFirstPropertyValue(p)));
      const differ = [...exported].filter(([uid, e]) => !inFeeds.has(uid) || JSON.stringify(shown(e)) !== JSON.stringify(shown(inFeeds.get(uid)!)));
      expect(differ.map(([uid, e]) => [uid, shown(e), inFeeds.has(uid) ? shown(inFeeds.get(uid)!) : 'not in any feed'])).toEqual([]);
      const uid = (id: string) => `${id.replace(/-/g, '')}@touchbase`;
      expect(exported.get(uid(dropped.id))!.getFirstPropertyValue('status')).toBe('CANCELLED');
      expect(String(exported.get(uid(did.id))!.getFirstPropertyValue('summary'))).toMatch(/^✓ /);
      expect(String(exported.get(uid(did.id))!.getFirstPropertyValue('description'))).toContain('обсудили поставки');
      expect([...exported.values()].some((e) => /100 дней/.test(String(e.getFirstPropertyValue('description'))))).toBe(true);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('an event a feed takes up that another feed still shows live is cancelled there, even of a day before the feeds\' window (a late touch given on after a long pause)', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    const want = (employeeId: string, key: string, date: string, hash = 'h') => ({ employeeId, key, date, hash, payload: JSON.stringify({ key, start: date }) });
    const scope = (from: string) => ({ from, purgeBefore: '2026-01-01T00:00:00Z' });
    // Anna's call of 1 February, and one of hers that stays hers; then no sync for three weeks.
    await applyFeedEvents(db, ['anna'], [want('anna', 'call1', '2027-02-01'), want('anna', 'call2', '2027-02-02')], scope('2027-01-25'), '2027-02-01T06:00:00Z');
    // Meanwhile the call went to Oleg (Anna left), moved forward as late to 22 February. Oleg's
    // feed is written first: Anna's is not written at all in this sync (nothing of hers changed).
    const changes = await applyFeedEvents(db, ['oleg'], [want('oleg', 'call1', '2027-02-22')], scope('2027-02-15'), '2027-02-22T06:00:00Z');
    expect(changes).toEqual([{ op: 'create', employeeId: 'oleg', key: 'call1' }, { op: 'delete', employeeId: 'anna', key: 'call1' }]);
    const rows = await db.selectFrom('ics_events').select(['employee_id', 'event_key', 'status', 'sequence']).orderBy('employee_id').orderBy('event_key').execute();
    // Oleg's copy starts past Anna's cancelled one: a calendar showing both feeds keeps the live
    // event (the higher SEQUENCE wins); at 0 it was hidden by the "newer" cancellation.
    expect(rows).toEqual([
      { employee_id: 'anna', event_key: 'call1', status: 'cancelled', sequence: 1 },
      { employee_id: 'anna', event_key: 'call2', status: 'confirmed', sequence: 0 },
      { employee_id: 'oleg', event_key: 'call1', status: 'confirmed', sequence: 2 },
    ]);
    // Nothing more the next time.
    expect(await applyFeedEvents(db, ['oleg', 'anna'], [want('oleg', 'call1', '2027-02-22')], scope('2027-02-15'), '2027-02-22T07:00:00Z')).toEqual([]);
    // Back to Anna (the handover undone): her copy, cancelled at 1, comes back past Oleg's 2 and its cancellation.
    await applyFeedEvents(db, ['anna'], [want('anna', 'call1', '2027-02-22'), want('anna', 'call2', '2027-02-02')], scope('2027-02-25'), '2027-02-25T06:00:00Z');
    const back = await db.selectFrom('ics_events').select(['employee_id', 'status', 'sequence']).where('event_key', '=', 'call1').orderBy('employee_id').execute();
    expect(back).toEqual([{ employee_id: 'anna', status: 'confirmed', sequence: 4 }, { employee_id: 'oleg', status: 'cancelled', sequence: 3 }]);
    await db.destroy();
  });

  it('a pass over every feed looks other feeds\' copies up in what it read: a key given on is cancelled where it was and starts past it; new keys start at 0', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    const want = (employeeId: string, key: string, date: string, hash = 'h') => ({ employeeId, key, date, hash, payload: JSON.stringify({ key, start: date }) });
    const scope = (from: string) => ({ from, purgeBefore: '2026-01-01T00:00:00Z' });
    const rows = () => db.selectFrom('ics_events').select(['employee_id', 'event_key', 'status', 'sequence']).orderBy('event_key').orderBy('employee_id').execute();
    await applyFeedEvents(db, ['anna', 'oleg'], [want('anna', 'call1', '2027-02-01'), want('oleg', 'call2', '2027-02-02')], scope('2027-01-25'), '2027-02-01T06:00:00Z');
    // Every feed in the pass: Anna's late call goes to Oleg; two new calls.
    const changes = await applyFeedEvents(db, ['anna', 'oleg', 'ivan'], [
      want('oleg', 'call1', '2027-02-22'), want('oleg', 'call2', '2027-02-02'), want('ivan', 'call3', '2027-02-23'), want('oleg', 'call4', '2027-02-24'),
    ], scope('2027-02-15'), '2027-02-22T06:00:00Z');
    expect(changes).toEqual([
      { op: 'create', employeeId: 'oleg', key: 'call1' }, { op: 'create', employeeId: 'ivan', key: 'call3' }, { op: 'create', employeeId: 'oleg', key: 'call4' },
      { op: 'delete', employeeId: 'anna', key: 'call1' },
    ]);
    expect(await rows()).toEqual([
      { employee_id: 'anna', event_key: 'call1', status: 'cancelled', sequence: 1 },
      { employee_id: 'oleg', event_key: 'call1', status: 'confirmed', sequence: 2 },
      { employee_id: 'oleg', event_key: 'call2', status: 'confirmed', sequence: 0 },
      { employee_id: 'ivan', event_key: 'call3', status: 'confirmed', sequence: 0 },
      { employee_id: 'oleg', event_key: 'call4', status: 'confirmed', sequence: 0 },
    ]);
    await db.destroy();
  });

  it('finds every employee with an event in the feeds, cancelled ones too, by stepping through the key\'s index', async () => {
    const db = await tempDatabase();
    expect(await employeesInFeeds(db)).toEqual(new Set());
    // Ids that sort apart by case and accents, and one with only a cancelled event.
    const employees = ['Zoe', 'anna', 'anna-2', 'ştefan', 'zoe'];
    const rows = employees.flatMap((id, e) => Array.from({ length: 40 }, (_, i) => ({
      employee_id: id, event_key: `k${i}`, sequence: 0, status: (e === 3 ? 'cancelled' : 'confirmed') as 'confirmed' | 'cancelled', payload: '{}', content_hash: null, date: '2027-01-11', updated_at: '2027-01-10T09:00:00.000Z',
    })));
    await db.insertInto('ics_events').values(rows).execute();
    expect(await employeesInFeeds(db)).toEqual(new Set(employees));
  });
});

describe('an all-day touch moved forward as overdue', () => {
  it('keeps its event (one UID, SEQUENCE up) from one morning to the next, not a cancelled copy per day late; the day\'s export says the same', async () => {
    const company = {
      ...SETTINGS,
      employees: [employee('am', 'account_manager', { email: 'am@x.example' })],
      clients: [client('c0', { roles: ['ceo'], team: { account_manager: 'am' } })],
      rules: [{ id: 'letters', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: '3 months' }],
      overdue: { after: '1 day' },
    };
    const dir = writeConfig({ 'touchbase.yaml': stringify(company) });
    const db = await tempDatabaseLocation();
    const feeds = join(tempDir(), 'feeds');
    const at = (day: string, time = '08:00') => `${day}T${time}:00+03:00`;
    vi.stubEnv('TOUCHBASE_FEEDS_DIR', feeds);
    try {
      const planned = JSON.parse((await cli('plan', '--config', dir, '--db', db, '--now', at('2027-01-04'), '--format', 'json', '--from', '2027-01-04', '--to', '2027-03-31')).out) as { id: string; date: string }[];
      const letter = planned[0]!;
      // Not done: from two working days after its day, each morning's check moves it to that day.
      const mornings: string[] = [];
      for (let day = DateTime.fromISO(letter.date).plus({ days: 2 }); mornings.length < 3; day = day.plus({ days: 1 })) if (day.weekday <= 5) mornings.push(day.toISODate()!);
      const seen: { uid: string; sequence: number; status: string; date: string }[][] = [];
      const exported: string[] = [];
      for (const morning of mornings) {
        expect((await cli('checks', '--config', dir, '--db', db, '--now', at(morning, '06:30'))).code).toBe(0);
        expect((await cli('sync', '--config', dir, '--db', db, '--now', at(morning))).code).toBe(0);
        const [file] = readdirSync(feeds).filter((f) => f.endsWith('.ics'));
        seen.push(feedEvents(join(feeds, file!)).events.map((e) => ({
          uid: String(e.getFirstPropertyValue('uid')), sequence: Number(e.getFirstPropertyValue('sequence')),
          status: String(e.getFirstPropertyValue('status')), date: String(e.getFirstPropertyValue('dtstart')),
        })));
        const ics = (await cli('plan', '--config', dir, '--db', db, '--now', at(morning), '--format', 'ics', '--from', morning, '--to', morning, '--no-save')).out;
        exported.push(/^UID:(.*)$/m.exec(ics)![1]!.trim());
      }
      const live = seen.map((events) => events.filter((e) => e.status !== 'CANCELLED'));
      expect(live.map((events) => events.map((e) => e.date))).toEqual(mornings.map((m) => [m]));
      // Named by itself from its first move on: one event, no cancelled copies.
      const uid = live[0]![0]!.uid;
      expect(live.map((events) => events[0]!.uid)).toEqual([uid, uid, uid]);
      expect(live[2]![0]!.sequence).toBeGreaterThan(live[1]![0]!.sequence);
      expect(live[1]![0]!.sequence).toBeGreaterThan(live[0]![0]!.sequence);
      expect(seen.flat().filter((e) => e.status === 'CANCELLED')).toEqual([]);
      expect(exported).toEqual([uid, uid, uid]);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
