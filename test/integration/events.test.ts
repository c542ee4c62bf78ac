import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { tempDatabase, tempDatabaseLocation } from '../helpers/temp-database.ts';
import { receiveEvent, EventRejectedError } from '../../src/workflows/trigger-events.ts';
import { client, configOf, tempDir, writeConfig } from '../helpers/config-folder.ts';
import { workflowCompany } from '../helpers/workflow-company.ts';
import { cli } from '../helpers/run-cli.ts';
import { registerInstance } from '../../src/storage/daemon-instances.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { horizonWindow, planWithHistory } from '../../src/plan-service.ts';
import { daemonUnderTest, startedAndSynced, stopAll } from '../helpers/daemon-under-test.ts';

afterEach(stopAll);

const at = (iso: string) => DateTime.fromISO(iso, { setZone: true });
const db = () => tempDatabase();

describe('business events become touches', () => {
  const config = configOf(workflowCompany());

  it('an event in working hours is a timed touch at once for the client\'s account manager, due within the trigger\'s delay', async () => {
    const d = await db();
    const r = await receiveEvent(d, config, { name: 'order.shipped', client: 'alpha', ref: 'SO-1042', at: '2027-03-02T14:07:30+03:00' }, at('2027-03-02T14:08:00+03:00'));
    expect(r.created).toBe(true);
    const touch = await d.selectFrom('touches').selectAll().where('id', '=', r.touchIds[0]!).executeTakeFirstOrThrow();
    expect(touch).toMatchObject({
      source: 'trigger:order-shipped', employee_id: 'anna', client_id: 'alpha', all_day: 0, date: '2027-03-02',
      start_at: '2027-03-02T14:08:00.000+03:00', end_at: '2027-03-02T14:23:00.000+03:00', window_to: '2027-03-02',
      title: 'Tell alpha Ltd that order SO-1042 has shipped', status: 'planned',
    });
    expect(JSON.parse(touch.contact_ids)).toEqual(['alpha-buyer2']);
  });

  it('an event\'s letter holds its time but no place under meetings_per_day: a call already planned that day stays (QA: five order letters moved it a day)', async () => {
    const sections = workflowCompany();
    const capped = configOf({ ...sections, employees: sections.employees.map((e) => (e.id === 'anna' ? { ...e, meetings_per_day: 1 } : e)) });
    const d = await db();
    const march = { from: '2027-03-01', to: '2027-03-31' };
    const now = at('2027-03-01T07:00:00+03:00');
    const calls = async () => (await planWithHistory(d, capped, march, now, true)).result.touches.filter((t) => t.employee === 'anna' && t.kind === 'call').map((t) => [t.id, t.date, t.start]);
    const before = await calls();
    expect(before).toHaveLength(1);
    const day = before[0]![1]!;
    for (const ref of ['SO-1', 'SO-2', 'SO-3']) {
      const r = await receiveEvent(d, capped, { name: 'order.shipped', client: 'alpha', ref, at: `${day}T08:00:00+03:00` }, at(`${day}T08:00:00+03:00`));
      expect(r.created).toBe(true);
    }
    expect(await calls()).toEqual(before);
  });

  it('an event without a ref is titled with its time as its holder reads it, in the company\'s language; sent again, it is the same event (QA camp F4)', async () => {
    const ru = configOf({ ...workflowCompany(), settings: { ...workflowCompany().settings, language: 'ru' },
      triggers: [{ id: 'invoice', event: 'invoice.sent', ours: 'account_manager', theirs: 'buyer', kind: 'letter', within: '1 day' }] });
    const d = await db();
    const event = { name: 'invoice.sent', client: 'alpha', at: '2027-03-02T14:07:30+03:00' };
    const first = await receiveEvent(d, ru, event, at('2027-03-02T14:08:00+03:00'));
    const touch = await d.selectFrom('touches').selectAll().where('id', '=', first.touchIds[0]!).executeTakeFirstOrThrow();
    expect(touch.title).toBe('alpha Ltd: invoice.sent 02.03.2027 14:07 — сообщить клиенту (buyer of alpha)');
    expect(touch.body).toBe('invoice.sent, 02.03.2027 14:07: срок — 1 день.');
    // Its ref is still the instant, so the same event sent again is found.
    expect(first.ref).toBe('2027-03-02T11:07:30.000Z');
    const again = await receiveEvent(d, ru, event, at('2027-03-02T14:10:00+03:00'));
    expect(again).toEqual({ created: false, touchIds: first.touchIds, ref: first.ref });
  });

  it('the same event sent twice (name, client, ref) makes one touch', async () => {
    const d = await db();
    const event = { name: 'order.shipped', client: 'alpha', ref: 'SO-7', at: '2027-03-02T10:00:00+03:00' };
    const first = await receiveEvent(d, config, event, at('2027-03-02T10:00:00+03:00'));
    const again = await receiveEvent(d, config, { ...event, at: '2027-03-02T10:05:00+03:00' }, at('2027-03-02T10:05:00+03:00'));
    expect(again).toEqual({ created: false, touchIds: first.touchIds, ref: 'SO-7' });
    expect(await d.selectFrom('touches').select('id').execute()).toHaveLength(1);
    // A ref with an accent, sent as one character by one system and as a letter and its accent by another: one event.
    const composed = await receiveEvent(d, config, { ...event, ref: 'SO-\u00e9' }, at('2027-03-02T10:05:30+03:00'));
    const decomposed = await receiveEvent(d, config, { ...event, ref: 'SO-e\u0301' }, at('2027-03-02T10:05:40+03:00'));
    expect(decomposed).toEqual({ created: false, touchIds: composed.touchIds, ref: 'SO-\u00e9' });
    expect(await d.selectFrom('touches').select('id').execute()).toHaveLength(2);
    const other = await receiveEvent(d, config, { ...event, ref: 'SO-8' }, at('2027-03-02T10:06:00+03:00'));
    expect(other.created).toBe(true);
    // The client as a CRM names it (its name, here): the same client, and the same event.
    const byName = await receiveEvent(d, config, { ...event, client: 'alpha Ltd', ref: 'SO-8' }, at('2027-03-02T10:07:00+03:00'));
    expect(byName).toEqual({ created: false, touchIds: other.touchIds, ref: 'SO-8' });
    // An empty ref (a CRM's empty field) is refused: known by its time, each retry would be another event.
    for (const ref of ['', '  ']) {
      await expect(receiveEvent(d, config, { ...event, ref }, at('2027-03-02T10:08:00+03:00'))).rejects.toThrow(`ref: expected a reference (an order number), found ${JSON.stringify(ref)}`);
    }
    expect(await d.selectFrom('touches').select('id').execute()).toHaveLength(3);
  });

  it('an event after hours is due at the start of the next working day (Friday evening → Monday 09:00; a public holiday is skipped)', async () => {
    const d = await db();
    const friday = await receiveEvent(d, config, { name: 'order.shipped', client: 'alpha', ref: 'A', at: '2027-03-05T19:30:00+03:00' }, at('2027-03-05T19:30:00+03:00'));
    const late = await receiveEvent(d, config, { name: 'order.shipped', client: 'alpha', ref: 'B', at: '2027-03-04T17:50:00+03:00' }, at('2027-03-04T17:50:00+03:00'));
    // 8 March is a public holiday in Russia: the next working morning after Friday 5 March is Tuesday 9 March.
    const rows = await d.selectFrom('touches').select(['id', 'start_at', 'window_to']).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(friday.touchIds[0]!)).toMatchObject({ start_at: '2027-03-09T09:00:00.000+03:00', window_to: '2027-03-09' });
    // 17:50 leaves no room for a quarter of an hour before 18:00: next morning.
    expect(byId.get(late.touchIds[0]!)).toMatchObject({ start_at: '2027-03-05T09:00:00.000+03:00' });
  });

  it('an event\'s call is at a time the client\'s office is open too: a Bucharest client after its hours, an Almaty one after its close (QA)', async () => {
    const abroad = configOf(workflowCompany({
      clients: [
        client('alpha', { roles: ['ceo', 'buyer'], team: { account_manager: 'anna' }, since: '2020-01-10', country: 'RO', timezone: 'Europe/Bucharest' }),
        client('beta', { roles: ['ceo', 'buyer'], team: { account_manager: 'oleg' }, since: '2020-01-10', country: 'KZ', timezone: 'Asia/Almaty' }),
      ],
    }));
    const d = await db();
    // 19:30 in Moscow, Monday: Tuesday 09:00 in Moscow is 08:00 in Bucharest, an hour before it opens.
    const bucharest = await receiveEvent(d, abroad, { name: 'order.shipped', client: 'alpha', ref: 'RO-1', at: '2027-03-01T19:30:00+03:00' }, at('2027-03-01T19:30:00+03:00'));
    // 16:30 in Moscow is 18:30 in Almaty (+05), after its 18:00: the next morning at 09:00 Moscow (11:00 there).
    const almaty = await receiveEvent(d, abroad, { name: 'order.shipped', client: 'beta', ref: 'KZ-1', at: '2027-03-02T16:30:00+03:00' }, at('2027-03-02T16:30:00+03:00'));
    // 10:00 in Moscow is 12:00 in Almaty: inside both days at once.
    const inHours = await receiveEvent(d, abroad, { name: 'order.shipped', client: 'beta', ref: 'KZ-2', at: '2027-03-04T10:00:00+03:00' }, at('2027-03-04T10:00:00+03:00'));
    const startOf = async (id: string) => (await d.selectFrom('touches').select('start_at').where('id', '=', id).executeTakeFirstOrThrow()).start_at;
    expect(await startOf(bucharest.touchIds[0]!)).toBe('2027-03-02T10:00:00.000+03:00');
    expect(await startOf(almaty.touchIds[0]!)).toBe('2027-03-03T09:00:00.000+03:00');
    expect(await startOf(inHours.touchIds[0]!)).toBe('2027-03-04T10:00:00.000+03:00');
  });

  it('an event\'s touch takes time its holder has free: after another event\'s touch, after a planned call', async () => {
    const d = await db();
    // Two shipments a minute apart, sent without a ref: the second call after the first.
    const first = await receiveEvent(d, config, { name: 'order.shipped', client: 'alpha', at: '2027-03-02T14:07:30+03:00' }, at('2027-03-02T14:08:00+03:00'));
    const second = await receiveEvent(d, config, { name: 'order.shipped', client: 'alpha', at: '2027-03-02T14:09:00+03:00' }, at('2027-03-02T14:09:00+03:00'));
    const start = async (id: string) => (await d.selectFrom('touches').select('start_at').where('id', '=', id).executeTakeFirstOrThrow()).start_at;
    expect(await start(first.touchIds[0]!)).toBe('2027-03-02T14:08:00.000+03:00');
    expect(await start(second.touchIds[0]!)).toBe('2027-03-02T14:23:00.000+03:00');
    // Anna's planned call with a buyer: an event at its very minute waits for its end.
    const now = at('2027-03-01T08:00:00+03:00');
    await planWithHistory(d, config, horizonWindow(config, now), now, true);
    const call = await d.selectFrom('touches').select(['start_at', 'end_at', 'client_id']).where('employee_id', '=', 'anna').where('source', 'like', 'rule:%')
      .where('all_day', '=', 0).where('date', '>', '2027-03-02').orderBy('date').orderBy('start_at').executeTakeFirstOrThrow();
    const during = await receiveEvent(d, config, { name: 'order.shipped', client: 'alpha', ref: 'SO-9', at: call.start_at }, at(call.start_at));
    expect(Date.parse(await start(during.touchIds[0]!))).toBe(Date.parse(call.end_at));
  });

  it('a plan made after an event places its calls around the event\'s call, as it does around a done one', async () => {
    const now = at('2027-03-01T08:00:00+03:00');
    const window = horizonWindow(config, now);
    // Where the plan alone puts Anna's first call.
    const alone = await db();
    await planWithHistory(alone, config, window, now, true);
    const call = await alone.selectFrom('touches').select(['id', 'start_at', 'end_at']).where('employee_id', '=', 'anna').where('source', 'like', 'rule:%')
      .where('all_day', '=', 0).where('date', '>', '2027-03-02').orderBy('date').orderBy('start_at').executeTakeFirstOrThrow();
    // An event lands there first.
    const d = await db();
    const event = await receiveEvent(d, config, { name: 'order.shipped', client: 'alpha', ref: 'SO-1', at: call.start_at }, at(call.start_at));
    await planWithHistory(d, config, window, now, true);
    const anna = await d.selectFrom('touches').select(['id', 'start_at', 'end_at']).where('employee_id', '=', 'anna').where('all_day', '=', 0).where('status', '=', 'planned').execute();
    const eventCall = anna.find((t) => t.id === event.touchIds[0])!;
    expect(Date.parse(eventCall.start_at)).toBe(Date.parse(call.start_at));
    const overlapping = anna.filter((t) => t.id !== eventCall.id && Date.parse(t.start_at) < Date.parse(eventCall.end_at) && Date.parse(t.end_at) > Date.parse(eventCall.start_at));
    expect(overlapping).toEqual([]);
    expect(anna.find((t) => t.id === call.id)!.start_at).not.toBe(call.start_at);
  });

  it('an event told late is a call from now, not one put in the past (a sender\'s clock a little ahead is taken)', async () => {
    const d = await db();
    const late = await receiveEvent(d, config, { name: 'order.shipped', client: 'alpha', ref: 'L1', at: '2027-03-01T11:00:00+03:00' }, at('2027-03-02T15:30:20+03:00'));
    const ahead = await receiveEvent(d, config, { name: 'order.shipped', client: 'alpha', ref: 'L2', at: '2027-03-02T16:40:00+03:00' }, at('2027-03-02T16:30:00+03:00'));
    const rows = new Map((await d.selectFrom('touches').select(['id', 'start_at']).execute()).map((r) => [r.id, r.start_at]));
    expect(rows.get(late.touchIds[0]!)).toBe('2027-03-02T15:31:00.000+03:00');
    expect(rows.get(ahead.touchIds[0]!)).toBe('2027-03-02T16:40:00.000+03:00');
  });

  it('unknown event names and clients are refused with a clear message, and nothing is recorded', async () => {
    const d = await db();
    await expect(receiveEvent(d, config, { name: 'order.lost', client: 'alpha' }, at('2027-03-02T10:00:00+03:00'))).rejects.toThrow(EventRejectedError);
    await expect(receiveEvent(d, config, { name: 'order.lost', client: 'alpha' }, at('2027-03-02T10:00:00+03:00'))).rejects.toThrow('unknown event "order.lost": expected one of order.shipped');
    // A misspelt name, as the configuration's are: with the one it likely means.
    await expect(receiveEvent(d, config, { name: 'order.shiped', client: 'alpha' }, at('2027-03-02T10:00:00+03:00'))).rejects.toThrow(new EventRejectedError('unknown event "order.shiped": expected one of order.shipped; did you mean "order.shipped"?'));
    await expect(receiveEvent(d, config, { name: 'order.shipped', client: 'nobody' }, at('2027-03-02T10:00:00+03:00'))).rejects.toThrow('unknown client "nobody"');
    await expect(receiveEvent(d, config, { name: 'order.shipped', client: 'alpha', at: 'yesterday' }, at('2027-03-02T10:00:00+03:00'))).rejects.toThrow('at: expected an ISO instant');
    // A time without its offset would be read in the server's zone; a time after now has not happened.
    await expect(receiveEvent(d, config, { name: 'order.shipped', client: 'alpha', at: '2027-03-02T09:00' }, at('2027-03-02T10:00:00+03:00')))
      .rejects.toThrow('at: expected the time with its offset from UTC, like 2027-03-02T09:00+03:00 (Europe/Moscow) or 2027-03-02T09:00Z, found "2027-03-02T09:00"');
    // The company's own offset then, not Moscow's (QA: a Chisinau company copied +03:00, an hour off).
    const chisinau = { ...config, settings: { ...config.settings, timezone: 'Europe/Chisinau' } };
    await expect(receiveEvent(d, chisinau, { name: 'order.shipped', client: 'alpha', at: '2027-03-02T09:00' }, at('2027-03-02T10:00:00+03:00')))
      .rejects.toThrow('like 2027-03-02T09:00+02:00 (Europe/Chisinau) or');
    await expect(receiveEvent(d, config, { name: 'order.shipped', client: 'alpha', at: '2027-03-23T09:00:00+03:00' }, at('2027-03-02T10:00:00+03:00')))
      .rejects.toThrow('at: an event is sent once it has happened; "2027-03-23T09:00:00+03:00" is after now (2027-03-02T07:00:00Z)');
    // Nor one of long ago: a year mistyped (QA: 1900 made a touch for tomorrow).
    await expect(receiveEvent(d, config, { name: 'order.shipped', client: 'alpha', at: '1900-03-02T09:00:00+03:00' }, at('2027-03-02T10:00:00+03:00')))
      .rejects.toThrow('at: expected a moment within the last 365 days (a typo in the year?), found "1900-03-02T09:00:00+03:00"');
    // Nor an offset no zone has: +99:00 put the event four days earlier (QA).
    await expect(receiveEvent(d, config, { name: 'order.shipped', client: 'alpha', at: '2027-03-02T09:00:00+99:00' }, at('2027-03-02T10:00:00+03:00')))
      .rejects.toThrow('at: expected an offset from UTC between -12:00 and +14:00, found +99:00 (in "2027-03-02T09:00:00+99:00")');
    expect(await d.selectFrom('touches').select('id').execute()).toEqual([]);
    expect(await d.selectFrom('business_events').select('name').execute()).toEqual([]);
  });

  it('a trigger whose role of theirs the client lacks makes no touch there (not a letter to whoever it has): the event is refused, nothing recorded (QA: a shipment notice went to the CEO)', async () => {
    const company = workflowCompany({ clients: [client('alpha', { roles: ['ceo', 'buyer'], team: { account_manager: 'anna' } }), client('beta', { roles: ['ceo'], team: { account_manager: 'oleg' } })] });
    const d = await db();
    const now = at('2027-03-02T10:00:00+03:00');
    // beta has a CEO but no buyer: refused as it stands, so that it can be sent again once the buyer is added.
    await expect(receiveEvent(d, configOf(company), { name: 'order.shipped', client: 'beta', ref: 'SO-10' }, now))
      .rejects.toThrow(new EventRejectedError('no touch to make: beta has no contact with the role buyer (trigger order-shipped\'s theirs) — add the contact (a row of contacts.csv with that role) and send the event again'));
    expect(await d.selectFrom('business_events').select('ref').execute()).toEqual([]);
    expect(await d.selectFrom('touches').select('id').execute()).toEqual([]);
    expect((await receiveEvent(d, configOf(company), { name: 'order.shipped', client: 'alpha', ref: 'SO-10' }, now)).created).toBe(true);
    // validate says which clients it is, where the trigger is written.
    const dir = writeConfig({ 'touchbase.yaml': company });
    const checked = await cli('validate', '--config', dir);
    expect(checked.code).toBe(0);
    expect(checked.out).toMatch(/triggers\[0\]\.theirs \(trigger order-shipped\): 1 client of 2 has no contact with the role "buyer" \(beta\): trigger order-shipped makes no touch for their events, which are refused until the contact is added/);
    const cliEvent = await cli('event', 'order.shipped', '--config', dir, '--db', await tempDatabaseLocation(), '--client', 'beta', '--now', '2027-03-02T10:00:00+03:00');
    expect(cliEvent.code).toBe(2);
    expect(cliEvent.err).toContain('no touch to make: beta has no contact with the role buyer');
  });

  it('touchbase event records once, puts the touch in the calendar, and exits 2 on an unknown event', async () => {
    const dir = writeConfig({ 'touchbase.yaml': workflowCompany() });
    const file = await tempDatabaseLocation();
    const args = ['--config', dir, '--db', file, '--client', 'alpha', '--ref', 'SO-1', '--at', '2027-03-02T11:00:00+03:00', '--now', '2027-03-02T11:00:00+03:00'];
    const first = await cli('event', 'order.shipped', ...args);
    expect(first.code).toBe(0);
    expect(first.out).toContain('recorded');
    expect(first.out).toContain('in the calendar now');
    const second = await cli('event', 'order.shipped', ...args);
    expect(second.out).toContain('already recorded; nothing new');
    const bad = await cli('event', 'order.lost', ...args);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown event "order.lost"');
    // A misspelt client id (or name) gets the one it likely means, as plan --client and history --client say it (QA readme F2).
    const misspelt = await cli('event', 'order.shipped', ...args.map((a) => (a === 'alpha' ? 'alhpa' : a)));
    expect(misspelt.code).toBe(2);
    expect(misspelt.err).toContain('unknown client "alhpa": no client has that id in the configuration; did you mean "alpha"?');
    const misnamed = await cli('event', 'order.shipped', ...args.map((a) => (a === 'alpha' ? 'alpha Lt' : a)));
    expect(misnamed.err).toContain('unknown client "alpha Lt": no client has that id in the configuration; did you mean "alpha Ltd"?');
    const d = await tempDatabase(file);
    expect(await d.selectFrom('ics_events').select('employee_id').execute()).toEqual([{ employee_id: 'anna' }]);
    // Its history says it was planned once, by the workflow.
    const history = JSON.parse((await cli('history', '--all', '--format', 'json', '--config', dir, '--db', file)).out) as { type: string; cause: string; detail: string }[];
    expect(history.map((l) => [l.type, l.cause, l.detail])).toEqual([['planned', 'workflow', 'trigger:order-shipped']]);
  });

  it('touchbase event beside daemons that share the work (a registry, no lock) leaves the calendars to them: no feed written by the command, none marked written', async () => {
    const dir = writeConfig({ 'touchbase.yaml': workflowCompany() });
    const file = await tempDatabaseLocation();
    const d = await tempDatabase(file);
    // A daemon of a shared database, its heartbeat a minute old: alive.
    await registerInstance(d, { id: 'i1', host: 'h1', pid: 4242, version: 'test', url: '', started_at: '2027-03-02T07:00:00.000Z', lease_ms: 30_000 }, '2027-03-02T07:59:50.000Z');
    const feeds = join(tempDir(), 'feeds');
    vi.stubEnv('TOUCHBASE_FEEDS_DIR', feeds);
    try {
      const r = await cli('event', 'order.shipped', '--config', dir, '--db', file, '--client', 'alpha', '--ref', 'SO-7', '--at', '2027-03-02T11:00:00+03:00', '--now', '2027-03-02T11:00:00+03:00');
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('the daemon puts it into the calendar at its next sync');
      expect(await d.selectFrom('ics_events').select('employee_id').execute()).toEqual([]);
      expect(existsSync(feeds)).toBe(false);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('touchbase event beside a daemon that refuses its API token says so (a token rotated there), not as if there were no token', async () => {
    const dir = writeConfig({ 'touchbase.yaml': workflowCompany() });
    const file = await tempDatabaseLocation();
    const d = await tempDatabase(file);
    // A stand-in for the daemon's HTTP side: its /api/sync refuses the token, as a daemon started with another does.
    const server = createServer((_req, res) => res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await registerInstance(d, { id: 'i1', host: 'h1', pid: 4242, version: 'test', url, started_at: '2027-03-02T07:00:00.000Z', lease_ms: 30_000 }, '2027-03-02T07:59:50.000Z');
    vi.stubEnv('TOUCHBASE_API_TOKEN', 'o'.repeat(40));
    try {
      const r = await cli('event', 'order.shipped', '--config', dir, '--db', file, '--client', 'alpha', '--ref', 'SO-7', '--at', '2027-03-02T11:00:00+03:00', '--now', '2027-03-02T11:00:00+03:00');
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('the daemon refused TOUCHBASE_API_TOKEN (401: the token it was started with is another): it puts the touch into the calendar at its next sync');
    } finally {
      vi.unstubAllEnvs();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('touchbase event whose calendar cannot be written (the feed folder is another database\'s) says it is recorded and fails with exit 1, not 2', async () => {
    const dir = writeConfig({ 'touchbase.yaml': workflowCompany() });
    const file = await tempDatabaseLocation();
    const feeds = join(tempDir(), 'feeds');
    mkdirSync(feeds);
    writeFileSync(join(feeds, '.touchbase-feeds'), 'another-database\n');
    vi.stubEnv('TOUCHBASE_FEEDS_DIR', feeds);
    try {
      const args = ['--config', dir, '--db', file, '--client', 'alpha', '--ref', 'SO-9', '--at', '2027-03-02T11:00:00+03:00', '--now', '2027-03-02T11:00:00+03:00'];
      const r = await cli('event', 'order.shipped', ...args);
      expect(r.code).toBe(1);
      expect(r.out).toContain('recorded');
      expect(r.err).toContain('the event and its touch are recorded, but the calendars were not written: the feed folder');
      expect((await cli('event', 'order.shipped', ...args)).out).toContain('already recorded; nothing new');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('history shows a workflow touch planned once on a database whose log has its "planned" line as well (written before)', async () => {
    const dir = writeConfig({ 'touchbase.yaml': workflowCompany() });
    const file = await tempDatabaseLocation();
    await cli('event', 'order.shipped', '--config', dir, '--db', file, '--client', 'alpha', '--ref', 'SO-1', '--now', '2027-03-02T11:00:00+03:00');
    const d = await tempDatabase(file);
    const touch = await d.selectFrom('touches').selectAll().executeTakeFirstOrThrow();
    await d.insertInto('touch_events').values({ touch_id: touch.id, type: 'planned', at: touch.created_at, employee_id: touch.employee_id, from_date: null, to_date: touch.date, detail: touch.source, cause: 'workflow' }).execute();
    const history = JSON.parse((await cli('history', '--all', '--format', 'json', '--config', dir, '--db', file)).out) as { type: string }[];
    expect(history.map((l) => l.type)).toEqual(['planned']);
  });

  it('touchbase event says so when the calendar did not take the touch (here: no Google connection), and why', async () => {
    const company = workflowCompany();
    const dir = writeConfig({ 'touchbase.yaml': { ...company, employees: company.employees.map((e) => (e.id === 'anna' ? { ...e, calendar: 'google' } : e)) } });
    const file = await tempDatabaseLocation();
    const r = await cli('event', 'order.shipped', '--config', dir, '--db', file, '--client', 'alpha', '--ref', 'SO-2', '--at', '2027-03-02T11:00:00+03:00', '--now', '2027-03-02T11:00:00+03:00');
    expect(r.code).toBe(0);
    expect(r.out).toContain('recorded');
    expect(r.out).not.toContain('in the calendar now');
    expect(r.out).toMatch(/NOT yet in the calendar — anna: no google connection is configured: .*The touch is recorded; "touchbase sync" \(or the daemon\) writes it once the calendar takes it\./);
  });

  it('touchbase event for someone with no calendar (calendar: none) says there is none, not that it waits for the calendar to take it (QA)', async () => {
    const company = workflowCompany();
    const dir = writeConfig({ 'touchbase.yaml': { ...company, employees: company.employees.map((e) => (e.id === 'anna' ? { ...e, calendar: 'none' } : e)) } });
    const r = await cli('event', 'order.shipped', '--config', dir, '--db', await tempDatabaseLocation(), '--client', 'alpha', '--ref', 'SO-3', '--now', '2027-03-02T11:00:00+03:00');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('no calendar to write it to (anna: calendar: none): touchbase plan and the dashboard show it');
    expect(r.out).not.toContain('NOT yet in the calendar');
  });

  it('POST /api/events takes an event with the bearer token, once, and refuses bad ones', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': workflowCompany() });
    const clock = new ManualClock('2027-03-02T11:00:00+03:00');
    const { daemon } = await daemonUnderTest({ configDir, clock, apiToken: 'secret-token-12345-of-at-least-32-chars' });
    await startedAndSynced(daemon);
    const post = (body: unknown, token = 'secret-token-12345-of-at-least-32-chars') => fetch(`${daemon.url}/api/events`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    expect((await post({ event: 'order.shipped', client: 'alpha', ref: 'SO-9' }, 'wrong')).status).toBe(401);
    const created = await post({ event: 'order.shipped', client: 'alpha', ref: 'SO-9' });
    expect(created.status).toBe(201);
    const body = await created.json() as { touches: string[] };
    const again = await post({ event: 'order.shipped', client: 'alpha', ref: 'SO-9' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ created: false, touches: body.touches });
    expect((await post({ event: 'order.lost', client: 'alpha' })).status).toBe(422);
    const misspelt = await post({ event: 'order.shipped', client: 'alpah', ref: 'SO-10' });
    expect(misspelt.status).toBe(422);
    expect(await misspelt.json()).toMatchObject({ error: 'unknown client "alpah": no client has that id in the configuration; did you mean "alpha"?' });
    expect(await (await post({ client: 'alpha' })).json()).toMatchObject({ error: 'event: expected a non-empty string' });
    // A ref that would make a title read otherwise (a right-to-left override), or text not sent as UTF-8.
    const reversed = await post({ event: 'order.shipped', client: 'alpha', ref: 'SO-\u202e01' });
    expect(reversed.status).toBe(422);
    expect(await reversed.json()).toMatchObject({ error: 'ref: expected printable text, found U+202E at character 4' });
    // JSON's "\ud800", a lone surrogate: stored, it was U+FFFD in the title (QA).
    const lone = await fetch(`${daemon.url}/api/events`, {
      method: 'POST', headers: { authorization: 'Bearer secret-token-12345-of-at-least-32-chars', 'content-type': 'application/json' },
      body: '{"event":"order.shipped","client":"alpha","ref":"SO-\\ud800"}',
    });
    expect(lone.status).toBe(422);
    expect(await lone.json()).toMatchObject({ error: 'ref: expected printable text, found a lone UTF-16 surrogate (text that was not UTF-8)' });
    const cp1251 = await fetch(`${daemon.url}/api/events`, {
      method: 'POST', headers: { authorization: 'Bearer secret-token-12345-of-at-least-32-chars', 'content-type': 'application/json; charset=windows-1251' },
      body: Buffer.from('{"event":"order.shipped","client":"alpha","ref":"\xc7\xe0\xea\xe0\xe7"}', 'latin1'),
    });
    expect(cp1251.status).toBe(415);
    expect(await cp1251.json()).toMatchObject({ error: 'expected a JSON body in UTF-8, found charset=windows-1251' });
    // The same bytes sent without a charset: not UTF-8 all the same, and nothing is recorded.
    const unsaid = await fetch(`${daemon.url}/api/events`, {
      method: 'POST', headers: { authorization: 'Bearer secret-token-12345-of-at-least-32-chars', 'content-type': 'application/json' },
      body: Buffer.from('{"event":"order.shipped","client":"alpha","ref":"\xc7\xe0\xea\xe0\xe7"}', 'latin1'),
    });
    expect(unsaid.status).toBe(415);
    expect(await unsaid.json()).toMatchObject({ error: 'expected a JSON body in UTF-8, found bytes that are not UTF-8 (Windows-1251?)' });
    // UTF-16 (with its byte-order mark) and a compressed body are said as what they are.
    const postBytes = (body: Buffer, headers: Record<string, string> = {}) => fetch(`${daemon.url}/api/events`, {
      method: 'POST', headers: { authorization: 'Bearer secret-token-12345-of-at-least-32-chars', 'content-type': 'application/json', ...headers }, body,
    });
    const utf16 = await postBytes(Buffer.from('\ufeff{"event":"order.shipped","client":"alpha","ref":"U16"}', 'utf16le'));
    expect([utf16.status, await utf16.json()]).toEqual([415, { error: 'expected a JSON body in UTF-8, found UTF-16 (a byte-order mark)' }]);
    const gzipped = await postBytes(gzipSync('{"event":"order.shipped","client":"alpha","ref":"GZ"}'), { 'content-encoding': 'gzip' });
    expect([gzipped.status, await gzipped.json()]).toEqual([415, { error: 'expected a JSON body as it is, found Content-Encoding: gzip (send it uncompressed)' }]);
    // UTF-8 with a byte-order mark is UTF-8.
    const bom = await fetch(`${daemon.url}/api/events`, {
      method: 'POST', headers: { authorization: 'Bearer secret-token-12345-of-at-least-32-chars', 'content-type': 'application/json' },
      body: Buffer.from('\ufeff{"event":"order.shipped","client":"alpha","ref":"Заказ-1"}', 'utf8'),
    });
    expect(bom.status).toBe(201);
    expect((await post('not an object')).status).toBe(400);
  });
});
