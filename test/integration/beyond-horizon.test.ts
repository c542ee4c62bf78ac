import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { DateTime } from 'luxon';
import { addDays } from '../../src/planner/dates.ts';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { tempDir, writeConfig } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';
import { HORIZON, NOW, syncCompany } from '../helpers/sync-company.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';
import { openMigrated } from '../../src/storage/database.ts';
import { daemonUnderTest, loopAsleep, nextFinished, startedAndSynced, stopAll } from '../helpers/daemon-under-test.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

/**
 * Touches recorded beyond the horizon (the README's `plan --to` a year on) follow the
 * configuration as the horizon's do: a pass that records a plan (`once`, the daemon's) covers
 * every day with planned touches recorded. Before, only the horizon was re-planned: a client's
 * former owner kept its touches of the months after it (and the client in the dashboard and
 * reports), and a client gone from the configuration kept its own.
 */

const AT = NOW.toUTC().toISO()!;
const NEXT_DAY = NOW.plus({ days: 1 }).toUTC().toISO()!;
const YEAR_END = '2027-12-31';

interface Row { client_id: string; employee_id: string; status: string; date: string }

async function rowsOf(dbFile: string): Promise<Row[]> {
  const db = await openMigrated(dbFile);
  try {
    return await db.selectFrom('touches').select(['client_id', 'employee_id', 'status', 'date']).execute();
  } finally {
    await db.destroy();
  }
}

/** The last day of an event in the employees' feeds. */
async function lastFeedDay(dbFile: string): Promise<string> {
  const db = await openMigrated(dbFile);
  try {
    const rows = await db.selectFrom('ics_events').select('date').where('status', '=', 'confirmed').execute();
    return rows.map((r) => r.date ?? '').sort().at(-1) ?? '';
  } finally {
    await db.destroy();
  }
}

let dir: string;
let dbFile: string;
let sections: ReturnType<typeof syncCompany>;
const run = (...args: string[]) => cli(...args, '--config', dir, '--db', dbFile);
const rewrite = () => writeFileSync(join(dir, 'touchbase.yaml'), stringify(sections));

beforeEach(async () => {
  sections = syncCompany('ics', { clients: 4 });
  dir = writeConfig({ 'touchbase.yaml': sections });
  dbFile = await tempDatabaseLocation({ file: join(tempDir(), 'touchbase.sqlite') });
  process.env.TOUCHBASE_FEEDS_DIR = join(tempDir(), 'feeds');
  expect((await run('once', '--now', AT)).code).toBe(0);
  // The README's example: the rest of the year recorded.
  const year = await run('plan', '--from', HORIZON.from, '--to', YEAR_END, '--now', AT);
  expect(year.code, year.err).toBe(0);
  const recorded = await rowsOf(dbFile);
  expect(recorded.some((r) => r.client_id === 'c0' && r.status === 'planned' && r.date > '2027-11-01')).toBe(true);
});
afterEach(async () => {
  await stopAll();
  delete process.env.TOUCHBASE_FEEDS_DIR;
});

/** c0 given from anna to boris: the next `once` reassigns every one of its planned touches, the year's too. */
async function reassignsTheYear(): Promise<void> {
    sections.clients[0]!.team!.account_manager = 'boris'; // c0: anna → boris
    rewrite();
    const r = await run('once', '--now', AT);
    expect(r.code, r.err).toBe(0);
    const c0 = (await rowsOf(dbFile)).filter((t) => t.client_id === 'c0' && t.status === 'planned');
    expect(c0.filter((t) => t.employee_id === 'anna')).toEqual([]);
    expect(c0.some((t) => t.employee_id === 'boris' && t.date > '2027-11-01')).toBe(true);
}

describe('touches recorded beyond the horizon follow the configuration', () => {
  it('a client given to another owner: `once` reassigns every one of its planned touches, the year\'s too; the feeds still get the horizon', async () => {
    const feedsUpTo = await lastFeedDay(dbFile);
    expect(feedsUpTo <= HORIZON.to).toBe(true);
    await reassignsTheYear();
    // Nothing of the year went into the calendars.
    expect(await lastFeedDay(dbFile) <= HORIZON.to).toBe(true);
  });

  it('a client gone from the configuration: the next morning\'s `once` (a full pass) cancels all its planned touches', async () => {
    sections.clients.pop(); // c3 leaves
    rewrite();
    const r = await run('once', '--now', NEXT_DAY);
    expect(r.code, r.err).toBe(0);
    const c3 = (await rowsOf(dbFile)).filter((t) => t.client_id === 'c3');
    expect(c3.filter((t) => t.status === 'planned')).toEqual([]);
    expect(c3.some((t) => t.status === 'cancelled' && t.date > '2027-11-01')).toBe(true);
    // The others' year stays recorded, and the feeds still end with the horizon.
    expect((await rowsOf(dbFile)).some((t) => t.client_id === 'c2' && t.status === 'planned' && t.date > '2027-11-01')).toBe(true);
    expect(await lastFeedDay(dbFile) <= '2027-05-31').toBe(true);
  });

  it('a touch recorded after the days `plan` was asked for (a chain\'s, moved on behind one done late) takes the passes no further: they record no other touch of those days', async () => {
    const db = await openMigrated(dbFile);
    try {
      // As a pass saves a recorded touch it moves past its window (PlanResult.movedPast); this one,
      // a monthly touch of December, goes back to its month when re-planned.
      const moved = await db.selectFrom('touches').select(['id', 'date', 'start_at', 'end_at']).where('client_id', '=', 'c0').where('status', '=', 'planned').where('date', '>', '2027-12-01').executeTakeFirstOrThrow();
      const shift = (iso: string) => DateTime.fromISO(iso, { setZone: true }).plus({ days: DateTime.fromISO('2028-03-15').diff(DateTime.fromISO(moved.date), 'days').days }).toISO()!;
      await db.updateTable('touches').set({ date: '2028-03-15', start_at: shift(moved.start_at), end_at: shift(moved.end_at) }).where('id', '=', moved.id).execute();
    } finally {
      await db.destroy();
    }
    for (const at of [NEXT_DAY, NOW.plus({ days: 2 }).toUTC().toISO()!]) {
      const r = await run('once', '--now', at);
      expect(r.code, r.err).toBe(0);
      // Before, the pass re-planned up to that touch and recorded every rule's touches of January to
      // March 2028; the next pass went on from the last of those (QA: three years out in four months).
      expect((await rowsOf(dbFile)).filter((t) => t.status === 'planned' && t.date > YEAR_END)).toEqual([]);
    }
    // A `plan` of those days records them; the passes then keep them up to date.
    expect((await run('plan', '--from', '2028-01-01', '--to', '2028-03-31', '--now', NEXT_DAY)).code).toBe(0);
    expect((await rowsOf(dbFile)).filter((t) => t.status === 'planned' && t.date > YEAR_END).length).toBeGreaterThan(10);
  });

  it('a database of an earlier version (no reach of `plan` recorded): its passes keep up what it has recorded, the year\'s touches too, after a `plan` of the horizon as well', async () => {
    const db = await openMigrated(dbFile);
    try {
      await db.deleteFrom('daemon_info').where('key', '=', 'plan.recorded_through').execute();
    } finally {
      await db.destroy();
    }
    // The first command after the upgrade: a plan of the horizon (it took the reach for its own end).
    expect((await run('plan', '--now', AT)).code).toBe(0);
    await reassignsTheYear();
  });

  it('a new database that only ever ran passes: a touch an employee moved months on takes the passes no further', async () => {
    const fresh = await tempDatabaseLocation({ file: join(tempDir(), 'fresh.sqlite') });
    process.env.TOUCHBASE_FEEDS_DIR = join(tempDir(), 'feeds');
    const pass = (at: string) => cli('once', '--now', at, '--config', dir, '--db', fresh);
    const first = await pass(AT);
    expect(first.code, first.err).toBe(0);
    const db = await openMigrated(fresh);
    try {
      const far = await db.selectFrom('touches').select(['id', 'date', 'start_at', 'end_at']).where('status', '=', 'planned').where('kind', '=', 'letter').orderBy('date', 'desc').executeTakeFirstOrThrow();
      const days = DateTime.fromISO('2027-11-15').diff(DateTime.fromISO(far.date), 'days').days;
      const shift = (iso: string) => DateTime.fromISO(iso, { setZone: true }).plus({ days }).toISO()!;
      await db.updateTable('touches').set({ date: '2027-11-15', start_at: shift(far.start_at), end_at: shift(far.end_at), moved_by_user: 1 }).where('id', '=', far.id).execute();
    } finally {
      await db.destroy();
    }
    expect((await pass(NEXT_DAY)).code).toBe(0);
    // Before, the pass took it for the end of a `plan` and recorded every rule's touches up to it.
    const db2 = await openMigrated(fresh);
    try {
      const after = await db2.selectFrom('touches').select(['date']).where('status', '=', 'planned').where('date', '>', addDays(HORIZON.to, 1)).execute();
      expect(after).toEqual([{ date: '2027-11-15' }]);
    } finally {
      await db2.destroy();
    }
  });

  it('the daemon: an owner changed in its configuration reaches the year\'s touches at its next pass (of that client only)', async () => {
    const { daemon } = await daemonUnderTest({ configDir: dir, clock: new ManualClock(NOW), dbFile });
    await startedAndSynced(daemon);
    await loopAsleep(daemon);
    const applied = once(daemon, 'config:applied');
    const synced = nextFinished(daemon, 'sync');
    sections.clients[1]!.team!.account_manager = 'anna'; // c1: boris → anna
    rewrite();
    expect(await daemon.reload('test')).toBe(true);
    await applied;
    // An incremental pass: only c1's touches were planned (all of them reassigned, none of the others' counted).
    expect(await synced).toMatch(/^plan: 0 new, 0 moved, \d+ reassigned, 0 cancelled, 0 unchanged;/);
    const c1 = (await rowsOf(dbFile)).filter((t) => t.client_id === 'c1' && t.status === 'planned');
    expect(c1.filter((t) => t.employee_id === 'boris')).toEqual([]);
    expect(c1.some((t) => t.employee_id === 'anna' && t.date > '2027-11-01')).toBe(true);
  });
});
