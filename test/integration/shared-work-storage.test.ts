import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { openMigrated, type DB } from '../../src/storage/database.ts';
import { applyDesired, claimWrite, recordAbsent, recordFailure, recordPresent, getSyncRow } from '../../src/storage/calendar-sync-repository.ts';
import { RemoteChanges } from '../../src/sync/remote-changes.ts';
import { SETTINGS, client, configOf, employee } from '../helpers/config-folder.ts';
import { claimCalendar, claimDueCalendars, claimableCalendars, liveClaims, releaseAllClaims, releaseClaim, renewClaim } from '../../src/storage/calendar-claims.ts';
import { bucketFor, takeToken } from '../../src/storage/rate-buckets.ts';
import { deregisterInstance, heartbeat, listInstances, pruneInstances, registerInstance } from '../../src/storage/daemon-instances.ts';
import { CronSchedule } from '../../src/daemon/cron-schedule.ts';
import { Scheduler, type Job } from '../../src/daemon/scheduler.ts';
import { tempDir } from '../helpers/config-folder.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { afterEach } from 'vitest';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';

const T0 = DateTime.fromISO('2027-03-01T08:00:00Z');
const at = (seconds: number) => T0.plus({ seconds }).toUTC().toISO()!;
const open: DB[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

/** Two connections on one database file: what two daemons sharing it have. */
async function twoConnections(): Promise<[DB, DB]> {
  const file = await tempDatabaseLocation({ file: join(tempDir(), 'shared.sqlite') });
  const a = await openMigrated(file);
  const b = await openMigrated(file);
  open.push(a, b);
  return [a, b];
}

const anna = { employeeId: 'anna', provider: 'google' };

describe('calendar claims', () => {
  it('of two instances claiming the same calendars at the same instant, exactly one wins each', async () => {
    const [a, b] = await twoConnections();
    const keys = Array.from({ length: 30 }, (_, i) => ({ employeeId: `e${i}`, provider: 'google' }));
    const results = await Promise.all(keys.flatMap((k, i) => (i % 2
      ? [claimCalendar(a, k, 'A', at(0), at(30)), claimCalendar(b, k, 'B', at(0), at(30))]
      : [claimCalendar(b, k, 'B', at(0), at(30)), claimCalendar(a, k, 'A', at(0), at(30))])));
    for (let i = 0; i < keys.length; i++) expect(results[2 * i]! !== results[2 * i + 1]!, keys[i]!.employeeId).toBe(true);
    const held = await liveClaims(a, at(1));
    expect(held).toHaveLength(30);
    // The one who won is the one the table names.
    expect(held.filter((c) => c.holder === 'A').length + held.filter((c) => c.holder === 'B').length).toBe(30);
  });

  it('a live claim of another instance is refused; an expired one is taken over; the holder may claim again', async () => {
    const [a, b] = await twoConnections();
    expect(await claimCalendar(a, anna, 'A', at(0), at(30))).toBe(true);
    expect(await claimCalendar(b, anna, 'B', at(29), at(59))).toBe(false);
    expect(await claimCalendar(a, anna, 'A', at(29), at(59))).toBe(true);
    expect(await claimCalendar(b, anna, 'B', at(58), at(88))).toBe(false);
    // A's lease ran out at 59 s: B takes the calendar over.
    expect(await claimCalendar(b, anna, 'B', at(59), at(89))).toBe(true);
    expect((await liveClaims(a, at(60))).map((c) => c.holder)).toEqual(['B']);
  });

  it('renewing works only for the holder of an unexpired claim: a lease that ran out, even untaken, is lost (fencing)', async () => {
    const [a, b] = await twoConnections();
    await claimCalendar(a, anna, 'A', at(0), at(30));
    expect(await renewClaim(a, anna, 'A', at(10), at(40))).toBe(true);
    expect(await renewClaim(b, anna, 'B', at(11), at(41))).toBe(false);
    // A paused past its lease: nobody took the calendar, and still A may not go on.
    expect(await renewClaim(a, anna, 'A', at(40), at(70))).toBe(false);
    await claimCalendar(b, anna, 'B', at(41), at(71));
    expect(await renewClaim(a, anna, 'A', at(42), at(72))).toBe(false);
  });

  it('a release lets another instance in at once, and releases only the holder\'s own claim', async () => {
    const [a, b] = await twoConnections();
    await claimCalendar(a, anna, 'A', at(0), at(30));
    await releaseClaim(b, anna, 'B');
    expect(await claimCalendar(b, anna, 'B', at(1), at(31))).toBe(false);
    await releaseClaim(a, anna, 'A');
    expect(await claimCalendar(b, anna, 'B', at(1), at(31))).toBe(true);
    await claimCalendar(b, { employeeId: 'boris', provider: 'google' }, 'B', at(1), at(31));
    expect(await releaseAllClaims(b, 'B')).toBe(2);
    expect(await liveClaims(a, at(2))).toEqual([]);
  });

  it('a dispatch pass may claim the calendars with a call due that no other live instance holds', async () => {
    const [a, b] = await twoConnections();
    const want = (employeeId: string, n: number) => ({ entryId: `00000000-0000-4000-8000-00000000000${n}`, employeeId, provider: 'google', hash: `h${n}`, date: '2027-03-02', members: [] });
    await applyDesired(a, [want('anna', 1), want('boris', 2), want('vera', 3)], { from: '2027-03-01' }, at(0));
    // Vera's only row waits for a retry a minute from now: nothing of hers is due.
    const vera = (await getSyncRow(a, { entryId: want('vera', 3).entryId, employeeId: 'vera', provider: 'google' }))!;
    await recordFailure(a, vera, { outcomeUnknown: false, error: 'temporary: 503', nextAttemptAt: at(60), countAttempt: true }, at(0));
    await claimCalendar(b, { employeeId: 'boris', provider: 'google' }, 'B', at(0), at(30));
    expect(await claimableCalendars(a, 'A', at(1))).toEqual([{ employeeId: 'anna', provider: 'google' }]);
    // B's own claim does not keep B out.
    expect(await claimableCalendars(b, 'B', at(1))).toEqual([{ employeeId: 'anna', provider: 'google' }, { employeeId: 'boris', provider: 'google' }]);
    expect(await claimDueCalendars(a, 'A', at(1), at(31))).toEqual([{ employeeId: 'anna', provider: 'google' }]);
    // Taken meanwhile by A: B gets only its own.
    expect(await claimDueCalendars(b, 'B', at(2), at(32))).toEqual([{ employeeId: 'boris', provider: 'google' }]);
    // Once B's claim has expired, A may take Boris's calendar; Vera's is due after her wait.
    expect(await claimableCalendars(a, 'A', at(61))).toEqual([
      { employeeId: 'anna', provider: 'google' }, { employeeId: 'boris', provider: 'google' }, { employeeId: 'vera', provider: 'google' },
    ]);
  });
});

describe('calendar sync rows written by two connections (two daemons, or `touchbase sync` beside the daemon)', () => {
  const entry = '00000000-0000-4000-8000-000000000001';
  const want = (hash: string) => ({ entryId: entry, employeeId: 'anna', provider: 'google', hash, date: '2027-03-02', members: [entry] });
  const key = { entryId: entry, employeeId: 'anna', provider: 'google' };
  const times = { start: '2027-03-02T10:00:00.000+03:00', end: '2027-03-02T10:30:00.000+03:00' };

  it('a write-back after a call keeps what the other connection wanted meanwhile: the new content, or the event gone', async () => {
    for (const meanwhile of [[want('h2')], []]) {
      const [a, b] = await twoConnections();
      await applyDesired(a, [want('h1')], { from: '2027-03-01' }, at(0));
      const claimed = (await claimWrite(a, (await getSyncRow(a, key))!, 'create', entry.replace(/-/g, ''), at(1), { hash: 'h1', ...times }))!;
      expect(claimed).toBeDefined();
      // While A's create is on the wire, B records a change of the touch (its ✓, a new title) or its reassignment.
      await applyDesired(b, meanwhile, { from: '2027-03-01' }, at(2));
      await recordPresent(a, claimed, { id: 'ev1', etag: 'e1', hash: 'h1', ...times }, at(3));
      const row = (await getSyncRow(a, key))!;
      expect(row).toMatchObject({ remote: 'present', remote_hash: 'h1', remote_id: 'ev1', inflight_op: null, dirty: 1 });
      expect([row.desired, row.desired_hash]).toEqual(meanwhile.length ? ['present', 'h2'] : ['absent', null]);
    }
  });

  it('an event missing from a calendar read after another connection deleted it (a reassigned touch) is not taken for the employee\'s deletion', async () => {
    const [a, b] = await twoConnections();
    const config = configOf({ ...SETTINGS, employees: [employee('anna', 'account_manager')], clients: [client('acme', { roles: ['buyer'] })], rules: [] });
    await a.insertInto('touches').values({
      id: entry, source: 'rule:calls', series: 'rule:calls|acme|acme-buyer0', kind: 'call', client_id: 'acme', contact_ids: '["acme-buyer0"]',
      employee_id: 'anna', date: '2027-03-02', start_at: times.start, end_at: times.end, all_day: 0, title: 'call', window_from: '2027-03-02', window_to: '2027-03-02',
      remind: '[]', status: 'planned', resolved_at: null, resolved_date: null, resolved_by: null, note: null, created_at: at(0), updated_at: at(0),
      moved_by_user: 0, overdue_from: null, body: null,
    }).execute();
    await applyDesired(a, [want('h1')], { from: '2027-03-01' }, at(0));
    await recordPresent(a, (await getSyncRow(a, key))!, { id: 'ev1', etag: 'e1', hash: 'h1', ...times }, at(1));
    // A reads the row, then lists Anna's calendar (seconds, over the network)…
    const read = (await getSyncRow(a, key))!;
    // …while B's pass, the touch now someone else's, deletes the event from her calendar.
    await applyDesired(b, [], { from: '2027-03-01' }, at(2));
    await recordAbsent(b, (await getSyncRow(b, key))!, 'gone', at(3));
    // The listing A got has no event: B's doing, not Anna's.
    const seen = await new RemoteChanges(a, config, undefined).record(read, undefined, at(4));
    expect(seen).toMatchObject({ change: 'none', skipped: false });
    expect((await a.selectFrom('touches').select('status').where('id', '=', entry).executeTakeFirst())!.status).toBe('planned');
    expect(await getSyncRow(a, key)).toMatchObject({ remote: 'gone', desired: 'absent' });
    // Read again, with nothing changed since, a missing event is the employee's deletion.
    await applyDesired(a, [want('h1')], { from: '2027-03-01' }, at(5));
    await recordPresent(a, (await getSyncRow(a, key))!, { id: 'ev2', etag: 'e2', hash: 'h1', ...times }, at(6));
    expect(await new RemoteChanges(a, config, undefined).record((await getSyncRow(a, key))!, undefined, at(7))).toMatchObject({ change: 'deleted', skipped: true });
  });
});

describe('shared rate buckets', () => {
  it('two connections taking tokens as fast as they may stay within the limit in every window, and get the rate', async () => {
    const [a, b] = await twoConnections();
    const rule = bucketFor(20, 1_000);
    const taken: number[] = [];
    // Both instances ask every 5 ms for 5 seconds (simulated time: the instants are given).
    for (let t = 0; t < 5_000; t += 5) {
      for (const db of t % 10 ? [a, b] : [b, a]) if ((await takeToken(db, 'google', 'anna', rule, 1_000_000 + t)) === 0) taken.push(t);
    }
    for (const start of taken) expect(taken.filter((t) => t >= start && t < start + 1_000).length).toBeLessThanOrEqual(20);
    // Not starved either: the refill rate is all but the burst.
    expect(taken.length).toBeGreaterThanOrEqual(90);
    // Another employee's bucket is their own.
    expect(await takeToken(a, 'google', 'boris', rule, 1_005_000)).toBe(0);
  });

  it('an empty bucket says how long until a token is there, and a clock behind the last refill adds none', async () => {
    const [a, b] = await twoConnections();
    const rule = bucketFor(10, 1_000); // a burst of 1, then 9 a second
    expect(await takeToken(a, 'google', 'anna', rule, 5_000)).toBe(0);
    const wait = await takeToken(b, 'google', 'anna', rule, 5_000);
    expect(wait).toBe(Math.ceil(1_000 / 9));
    expect(await takeToken(b, 'google', 'anna', rule, 4_000)).toBeGreaterThan(0);
    expect(await takeToken(b, 'google', 'anna', rule, 5_000 + wait)).toBe(0);
  });
});

describe('instance registry', () => {
  it('lists live instances first and those whose heartbeat is older than their lease as dead; a clean stop removes one', async () => {
    const [a, b] = await twoConnections();
    const base = { host: 'h1', version: '1.0.0', url: 'http://127.0.0.1:1', lease_ms: 30_000 };
    await registerInstance(a, { ...base, id: 'A', pid: 11, started_at: at(0) }, at(0));
    await registerInstance(b, { ...base, id: 'B', pid: 12, started_at: at(1) }, at(1));
    expect(await heartbeat(a, 'A', at(25))).toBe(true);
    const seen = await listInstances(a, T0.plus({ seconds: 40 }));
    expect(seen.map((i) => [i.id, i.live, i.pid])).toEqual([['A', true, 11], ['B', false, 12]]);
    expect(seen[0]).toMatchObject({ url: 'http://127.0.0.1:1', heartbeatAt: at(25), startedAt: at(0), host: 'h1', version: '1.0.0' });
    await deregisterInstance(a, 'A');
    expect((await listInstances(b, T0)).map((i) => i.id)).toEqual(['B']);
    expect(await pruneInstances(b, at(2))).toBe(1);
    // A pruned instance's next heartbeat says so: it registers again.
    expect(await heartbeat(b, 'B', at(50))).toBe(false);
  });
});

describe('scheduled runs of several daemons on one database', () => {
  const schedules: CronSchedule[] = [];
  afterEach(() => schedules.splice(0).forEach((s) => s.dispose()));

  /** Two daemons' schedulers of one job every five minutes, each with its own clock (the second a second ahead), on one file. */
  async function twoSchedulers(fail: { next: boolean; gate?: Promise<void> }) {
    const [a, b] = await twoConnections();
    const runs: { who: string; reason: string }[] = [];
    const make = (db: DB, who: string, clock: ManualClock) => {
      const schedule = new CronSchedule('*/5 * * * *', 'UTC');
      schedules.push(schedule);
      const job: Job = {
        name: 'sync', schedule, run: async (run) => {
          runs.push({ who, reason: run.reason });
          await fail.gate;
          if (fail.next) {
            fail.next = false;
            throw new Error('the calendar service is down');
          }
          return 'ok';
        },
      };
      return new Scheduler({ db, clock, jobs: [job], random: () => 0 });
    };
    const clockA = new ManualClock('2027-03-01T08:00:00Z');
    const clockB = new ManualClock('2027-03-01T08:00:01Z');
    return { runs, clockA, clockB, a: make(a, 'A', clockA), b: make(b, 'B', clockB) };
  }

  it('a tick both find due at the same moment runs on one of them only, the first run and a retry too', async () => {
    const fail: { next: boolean; gate?: Promise<void> } = { next: false };
    const { runs, clockA, clockB, a, b } = await twoSchedulers(fail);
    // Both read the job before either claims it (their passes interleave at every await).
    await Promise.all([a.runDue(), b.runDue()]);
    expect(runs.map((r) => r.reason)).toEqual(['first run']);
    clockA.set('2027-03-01T08:05:00Z');
    clockB.set('2027-03-01T08:05:01Z');
    fail.next = true;
    await Promise.all([a.runDue(), b.runDue()]);
    expect(runs.map((r) => r.reason)).toEqual(['first run', 'schedule']);
    // The failed tick is retried after its backoff (30 s with this jitter), once: B looks
    // while A's retry is running, and again after it.
    clockA.set('2027-03-01T08:06:00Z');
    clockB.set('2027-03-01T08:06:01Z');
    let open!: () => void;
    fail.gate = new Promise<void>((resolve) => (open = resolve));
    const retrying = a.runDue();
    await new Promise<void>((resolve) => a.once('job:started', () => resolve()));
    expect(await b.runDue()).toEqual([]);
    open();
    await retrying;
    expect(await b.runDue()).toEqual([]);
    expect(runs.map((r) => r.reason)).toEqual(['first run', 'schedule', 'retry']);
  });
});
