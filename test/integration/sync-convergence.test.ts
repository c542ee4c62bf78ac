import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { openMigrated, type DB } from '../../src/storage/database.ts';
import { horizonWindow, planWithHistory } from '../../src/plan-service.ts';
import { syncCalendars } from '../../src/sync/sync-calendars.ts';
import { dirtySyncRows } from '../../src/storage/calendar-sync-repository.ts';
import { MicrosoftCalendar } from '../../src/calendar/microsoft/microsoft-calendar.ts';
import type { CalendarPort, ProviderName } from '../../src/calendar/port.ts';
import type { Config } from '../../src/domain/types.ts';
import { GoogleCalendarFake, type Fault } from '../fakes/google-calendar-fake.ts';
import { GraphCalendarFake, type GraphFault } from '../fakes/graph-calendar-fake.ts';
import { googleClient } from '../helpers/google-fake.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { SETTINGS, client, configOf, employee, tempDir } from '../helpers/config-folder.ts';
import { expectedEntries, listedTouches } from '../helpers/calendar-entries.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';

/**
 * The sync's promise, as a property: whatever the plan does (clients added, removed, handed to
 * someone else, renamed, re-timed), whatever the services do (503 before or after committing,
 * 429 with Retry-After, stalls past the timeout, dropped connections — on reads and writes),
 * whatever the employees do in their calendars (delete, move) and wherever the process dies,
 * once the faults stop one clean sync makes every calendar equal the plan: each touch once, in
 * its employee's calendar, with its content; the touches the employees deleted are skipped by
 * them and no other touch is; their moves are kept; and a second sync writes nothing.
 *
 * TOUCHBASE_PROPERTY_RUNS and TOUCHBASE_PROPERTY_SEED run more sequences (README, Testing).
 */

const NOW = '2027-03-01T08:00:00+03:00';
const EMAIL = { anna: 'anna@corp.example', boris: 'boris@corp.example', carla: 'carla@corp.example' } as const;
type Who = keyof typeof EMAIL;
const PROVIDER: Record<Who, ProviderName> = { anna: 'google', boris: 'google', carla: 'microsoft' };
const VOLATILE = ['v0', 'v1', 'v2'] as const;
type Volatile = (typeof VOLATILE)[number];
/** Clients whose people never change: the employees' own deletions and moves are made on their touches. */
const STABLE: Record<string, Who> = { s0: 'boris', s1: 'carla' };
const RUNS = Number(process.env.TOUCHBASE_PROPERTY_RUNS ?? 120);
const SEED = Number(process.env.TOUCHBASE_PROPERTY_SEED ?? 20270301);
const TIMEOUT_MS = 250;

interface Model {
  present: Record<Volatile, boolean>;
  owner: Record<Volatile, Who>;
  title: number;
  every: string;
  handover: { to: 'boris' | 'carla'; days: number } | undefined;
}

function companyOf(m: Model): Config {
  const volatile = VOLATILE.filter((v) => m.present[v]);
  const titles = ['Call {contacts}', 'Call {contacts} at {client.name}', '{client.name}: ring {contacts}'];
  return configOf({
    settings: { ...SETTINGS.settings, horizon: '30 days', calendar: 'google' },
    employees: [
      employee('anna', 'account_manager', { email: EMAIL.anna }),
      employee('boris', 'account_manager', { email: EMAIL.boris, country: 'RO', timezone: 'Europe/Bucharest' }),
      { ...employee('carla', 'account_manager', { email: EMAIL.carla }), calendar: 'microsoft' },
    ],
    clients: [
      ...Object.entries(STABLE).map(([id, who]) => client(id, { roles: ['buyer', 'ceo'], team: { account_manager: who } })),
      ...volatile.map((id) => client(id, { roles: ['buyer', 'ceo'], team: { account_manager: m.owner[id] } })),
    ],
    rules: [
      { id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', title: titles[m.title] },
      { id: 'stable-letters', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: '1 month', for: { clients: Object.keys(STABLE) } },
      ...(volatile.length ? [{ id: 'letters', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: m.every, for: { clients: volatile } }] : []),
    ],
    ...(m.handover ? { handovers: [{ from: 'anna', to: m.handover.to, on: DateTime.fromISO(NOW).plus({ days: m.handover.days }).toISODate(), notice_from: 'leaving' }] } : {}),
  });
}

type Action =
  | { kind: 'plan'; change: 'add' | 'remove'; client: Volatile }
  | { kind: 'reassign'; client: Volatile; to: Who }
  | { kind: 'retitle'; title: number }
  | { kind: 'retime'; every: string }
  | { kind: 'handover'; to: 'boris' | 'carla' | undefined; days: number }
  | { kind: 'fault'; who: Who; method: string; fault: number; times: number; retryAfter: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'move'; pick: number; days: number; hour: number }
  | { kind: 'expire' }
  | { kind: 'sync'; read: boolean; minutes: number; kill: { at: number; afterSend: boolean } | null };

const who = fc.constantFrom<Who>('anna', 'boris', 'carla');
const volatile = fc.constantFrom(...VOLATILE);
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('sync' as const), read: fc.boolean(), minutes: fc.integer({ min: 1, max: 20 }), kill: fc.option(fc.record({ at: fc.integer({ min: 1, max: 30 }), afterSend: fc.boolean() }), { freq: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('fault' as const), who, method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE'), fault: fc.integer({ min: 0, max: 4 }), times: fc.integer({ min: 1, max: 4 }), retryAfter: fc.integer({ min: 1, max: 90 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('plan' as const), change: fc.constantFrom('add' as const, 'remove' as const), client: volatile }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reassign' as const), client: volatile, to: who }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retitle' as const), title: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retime' as const), every: fc.constantFrom('1 month', '2 weeks') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('handover' as const), to: fc.constantFrom('boris' as const, 'carla' as const, undefined), days: fc.integer({ min: 1, max: 20 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), days: fc.integer({ min: 1, max: 3 }), hour: fc.integer({ min: 9, max: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const) }) },
);

let google: GoogleCalendarFake;
let graph: GraphCalendarFake;
let googleUrl: string;
let graphUrl: string;

beforeAll(async () => {
  google = new GoogleCalendarFake();
  googleUrl = await google.start();
  graph = new GraphCalendarFake();
  graphUrl = await graph.start();
});
afterAll(async () => {
  await google.stop();
  await graph.stop();
});

function googleFault(a: Extract<Action, { kind: 'fault' }>): Fault {
  return [
    { kind: 'fail', status: 503, reason: 'backendError' },
    { kind: 'commit-then-fail', status: 503, reason: 'backendError' },
    { kind: 'fail', status: 429, reason: 'rateLimitExceeded', retryAfter: a.retryAfter },
    { kind: 'stall', ms: TIMEOUT_MS * 2 },
    { kind: 'drop' },
  ][a.fault] as Fault;
}

function graphFault(a: Extract<Action, { kind: 'fault' }>): GraphFault {
  return [
    { kind: 'fail', status: 503, code: 'ServiceUnavailable' },
    { kind: 'commit-then-fail', status: 503, code: 'ServiceUnavailable' },
    { kind: 'fail', status: 429, code: 'ApplicationThrottled', retryAfter: a.retryAfter },
    { kind: 'stall', ms: TIMEOUT_MS * 2 },
    { kind: 'drop' },
  ][a.fault] as GraphFault;
}

/** A live event of ours in a fake, with the touches it stands for (listed in its text). */
interface LiveEvent { who: Who; id: string; touches: string[]; allDay: boolean; startMs: number; summary: string }

function liveEvents(): LiveEvent[] {
  const out: LiveEvent[] = [];
  for (const w of ['anna', 'boris'] as const) {
    for (const e of google.events(EMAIL[w])) {
      if (e.status !== 'confirmed' || !e.extendedProperties?.private?.syncKey) continue;
      out.push({ who: w, id: e.id, touches: listedTouches(e.description ?? ''), allDay: !!e.start.date, startMs: e.start.date ? Date.parse(e.start.date) : Date.parse(e.start.dateTime!), summary: e.summary ?? '' });
    }
  }
  for (const e of graph.events(EMAIL.carla)) {
    if (!e.singleValueExtendedProperties?.some((p) => p.id.includes('touchbaseSyncKey'))) continue;
    const start = DateTime.fromISO(e.start.dateTime, { zone: e.start.timeZone });
    out.push({ who: 'carla', id: e.id, touches: listedTouches(e.body?.content ?? ''), allDay: !!e.isAllDay, startMs: e.isAllDay ? Date.parse(start.toISODate()!) : start.toMillis(), summary: e.subject ?? '' });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Calls to the calendars, counted; at call number `kill.at` the process "dies": the database goes, the call is lost or has been sent. */
function killable(ports: Record<'google' | 'microsoft', CalendarPort>, kill: { at: number; afterSend: boolean } | null, die: () => Promise<void>) {
  let calls = 0;
  const wrap = (port: CalendarPort): CalendarPort => {
    const guard = async <T>(call: () => Promise<T>): Promise<T> => {
      if (kill && ++calls === kill.at) {
        if (kill.afterSend) await call().catch(() => undefined);
        await die();
        throw new Error('the process was killed');
      }
      return call();
    };
    return {
      provider: port.provider,
      create: (o, e) => guard(() => port.create(o, e)),
      update: (o, id, e, m) => guard(() => port.update(o, id, e, m)),
      remove: (o, id) => guard(() => port.remove(o, id)),
      read: (o, k, id) => guard(() => port.read(o, k, id)),
      listTagged: (o, f, t) => guard(() => port.listTagged(o, f, t)),
    };
  };
  return { google: wrap(ports.google), microsoft: wrap(ports.microsoft) };
}

async function runSequence(actions: readonly Action[]): Promise<void> {
  google.reset();
  graph.reset();
  google.refreshTokens.set('rt-anna', EMAIL.anna);
  google.refreshTokens.set('rt-boris', EMAIL.boris);
  const file = await tempDatabaseLocation({ file: join(tempDir(), 'convergence.sqlite') });
  let db: DB = await openMigrated(file);
  const clock = new ManualClock(NOW);
  const model: Model = { present: { v0: true, v1: true, v2: false }, owner: { v0: 'anna', v1: 'boris', v2: 'carla' }, title: 0, every: '1 month', handover: undefined };
  const deleted = new Set<string>();
  const moved = new Map<string, number>();
  const portsWith = (timeoutMs: number) => ({
    google: googleClient(googleUrl, { timeoutMs, auth: { kind: 'oauth', clientId: 'cid', clientSecret: 'secret', refreshTokens: new Map([[EMAIL.anna, 'rt-anna'], [EMAIL.boris, 'rt-boris']]) } }),
    microsoft: new MicrosoftCalendar({ credentials: { tenantId: 'contoso', clientId: 'client-id', clientSecret: 'client-secret', authorityHost: graphUrl }, graphBaseUrl: graphUrl, timeoutMs }),
  });
  // While faults happen, a short timeout (a slow machine's slow answer is one more fault); once
  // they stop, a patient client, so a clean sync is clean whatever the machine's load.
  const faulty = portsWith(TIMEOUT_MS);
  const patient = portsWith(10_000);
  let ports = faulty;
  const feedDir = join(tempDir(), 'feeds');

  const sync = async (read: boolean, kill: { at: number; afterSend: boolean } | null) => {
    await Promise.all([google.idle(), graph.idle()]);
    const config = companyOf(model);
    await planWithHistory(db, config, horizonWindow(config, clock.now()), clock.now(), true);
    let killed = false;
    const used = killable(ports, kill, async () => {
      killed = true;
      await db.destroy();
    });
    try {
      return await syncCalendars(db, config, clock, {
        feedDir, ports: used, readCalendars: read,
        dispatch: { concurrency: 1, random: () => 0.5, sleep: async (ms) => clock.advance(ms) },
      });
    } catch (error) {
      if (!killed) throw error;
      db = await openMigrated(file);
      return undefined;
    }
  };

  try {
    await sync(true, null);
    for (const a of actions) {
      switch (a.kind) {
        case 'plan': model.present[a.client] = a.change === 'add'; break;
        case 'reassign': model.owner[a.client] = a.to; break;
        case 'retitle': model.title = a.title; break;
        case 'retime': model.every = a.every; break;
        case 'handover': model.handover = a.to ? { to: a.to, days: a.days } : undefined; break;
        case 'expire': google.expireAccessTokens(); graph.expireTokens(); break;
        case 'fault':
          if (PROVIDER[a.who] === 'google') google.script(googleFault(a), { method: a.method, user: EMAIL[a.who], times: a.times });
          else graph.script(graphFault(a), { method: a.method, mailbox: EMAIL[a.who], times: a.times });
          break;
        case 'delete': case 'move': {
          await Promise.all([google.idle(), graph.idle()]);
          const stable = await stableTouches(db);
          const candidates = liveEvents().filter((e) => e.touches.length > 0 && e.touches.every((t) => stable.has(t) && e.who === STABLE[stable.get(t)!]) && (a.kind === 'delete' || !e.allDay));
          if (candidates.length === 0) break;
          const e = candidates[a.pick % candidates.length]!;
          if (a.kind === 'delete') {
            if (e.who === 'carla') graph.deleteAsUser(EMAIL.carla, e.id);
            else google.deleteAsUser(EMAIL[e.who], e.id);
            for (const t of e.touches) deleted.add(t);
          } else {
            const zone = e.who === 'boris' ? 'Europe/Bucharest' : 'Europe/Moscow';
            const start = DateTime.fromMillis(e.startMs, { zone }).plus({ days: a.days }).set({ hour: a.hour, minute: 0 });
            const end = start.plus({ minutes: 15 });
            if (e.who === 'carla') graph.moveAsUser(EMAIL.carla, e.id, { dateTime: start.toFormat("yyyy-MM-dd'T'HH:mm:ss'.0000000'"), timeZone: zone }, { dateTime: end.toFormat("yyyy-MM-dd'T'HH:mm:ss'.0000000'"), timeZone: zone });
            else google.moveAsUser(EMAIL[e.who], e.id, { dateTime: start.toISO()!, timeZone: zone }, { dateTime: end.toISO()!, timeZone: zone });
            moved.set(e.touches[0]!, start.toMillis());
          }
          break;
        }
        case 'sync':
          clock.advance(a.minutes * 60_000);
          await sync(a.read, a.kill);
          break;
      }
    }

    // The faults stop; every wait is over; one clean sync.
    google.clearFaults();
    graph.clearFaults();
    ports = patient;
    clock.advance(3 * 3_600_000);
    await sync(true, null);
    await expectCalendarsEqualPlan(db, companyOf(model), clock, deleted, moved);

    // A second sync with nothing changed writes nothing.
    const writes = () => google.writes().length + graph.writes().length;
    const before = writes();
    clock.advance(60_000);
    await sync(true, null);
    expect(writes(), 'writes of a sync with nothing changed').toBe(before);
    expect(await dirtySyncRows(db), 'rows still needing a call').toEqual([]);
  } finally {
    await db.destroy();
  }
}

async function stableTouches(db: DB): Promise<Map<string, string>> {
  const rows = await db.selectFrom('touches').select(['id', 'client_id']).where('client_id', 'in', Object.keys(STABLE)).execute();
  return new Map(rows.map((r) => [r.id, r.client_id]));
}

async function expectCalendarsEqualPlan(db: DB, config: Config, clock: ManualClock, deleted: Set<string>, moved: Map<string, number>): Promise<void> {
  const window = horizonWindow(config, clock.now());
  const touches = await db.selectFrom('touches').selectAll().execute();
  const byId = new Map(touches.map((t) => [t.id, t]));
  const expected = touches.filter((t) => (t.status === 'planned' || t.status === 'done')
    && t.date >= window.from && (t.date <= window.to || t.moved_by_user === 1));
  const live = liveEvents();
  // Each expected entry (a meeting each; a day's all-day touches of one source) is one live event, in its employee's calendar.
  const expectedByMembers = new Map([...expectedEntries(expected).values()].map((e) => [e.members.join(','), e]));
  const liveByMembers = new Map<string, LiveEvent[]>();
  for (const e of live) liveByMembers.set(e.touches.join(','), [...(liveByMembers.get(e.touches.join(',')) ?? []), e]);
  for (const [members, entry] of expectedByMembers) {
    const events = liveByMembers.get(members) ?? [];
    expect(events.map((e) => e.who), `events of ${members} (${entry.employee})`).toEqual([entry.employee]);
    const e = events[0]!;
    if (entry.members.length === 1) {
      const t = byId.get(entry.members[0]!)!;
      expect(e.summary, `title of ${t.id}`).toBe(t.title);
      expect(e.startMs, `start of ${t.id}`).toBe(t.all_day ? Date.parse(t.date) : DateTime.fromISO(t.start_at).toMillis());
    } else {
      expect(e.startMs).toBe(Date.parse(byId.get(entry.members[0]!)!.date));
    }
  }
  for (const e of live) {
    expect(expectedByMembers.has(e.touches.join(',')), `event ${e.id} in ${e.who}'s calendar listing ${e.touches.join(', ')} (${e.touches.map((t) => `${byId.get(t)?.status} ${byId.get(t)?.date}`).join('; ')})`).toBe(true);
  }
  for (const t of touches) {
    if (t.status === 'skipped') expect(deleted.has(t.id), `touch ${t.id} skipped but never deleted by its employee (${t.note})`).toBe(true);
  }
  for (const id of deleted) {
    const t = byId.get(id)!;
    if (t.status !== 'cancelled') expect(t.status, `touch ${id} deleted by its employee`).toBe('skipped');
  }
  for (const [id, startMs] of moved) {
    const t = byId.get(id)!;
    if (deleted.has(id) || t.status === 'cancelled') continue;
    expect(DateTime.fromISO(t.start_at).toMillis(), `touch ${id} moved by its employee`).toBe(startMs);
    expect(t.moved_by_user).toBe(1);
  }
}

describe('the sync converges to the plan under every fault', () => {
  it('after any sequence of plan changes, service faults, employee edits and kills, one clean sync makes every calendar equal the plan', async () => {
    await fc.assert(fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: 14 }), async (actions) => {
      await runSequence(actions);
    }), { numRuns: RUNS, seed: SEED, endOnFailure: false });
  }, 30 * 60_000);
});
