import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { sql } from 'kysely';
import { tempDatabaseLocation, testBackend } from '../helpers/temp-database.ts';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { notADatabaseFile } from '../../src/storage/private-files.ts';
import { inBulkTransaction, migrate, openForReading, openMigrated, openReadOnly, type DB } from '../../src/storage/database.ts';
import { findTouch, listHistory, loadHistory, markDone, markSkipped, savePlan } from '../../src/storage/touch-repository.ts';
import { planTouches } from '../../src/planner/plan.ts';
import type { Touch } from '../../src/domain/types.ts';
import { planWithHistory } from '../../src/plan-service.ts';
import { extendPlanReach, planReach } from '../../src/storage/last-planned-day.ts';
import { rescheduleByUser } from '../../src/storage/touch-moves.ts';
import { historyPoint, othersWroteSince } from '../../src/storage/touch-history.ts';
import { touchKey } from '../../src/domain/touch-id.ts';
import { SETTINGS, client, configOf, employee, tempDir } from '../helpers/config-folder.ts';

const NOW = DateTime.fromISO('2027-01-10T09:00:00+03:00');
const WINDOW = { from: '2027-01-10', to: '2027-06-30' };
const sections = () => ({
  ...SETTINGS,
  employees: [employee('am', 'account_manager', { meetings_per_day: 2 })],
  clients: [client('a', { roles: ['buyer'], since: '2026-12-20' }), client('b', { roles: ['buyer', 'ceo'] })],
  rules: [
    { id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month' },
    { id: 'follow', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: '2 months', anchor: 'last' },
  ],
});

describe('storage', () => {
  // The file and its journal mode are SQLite's own; on PostgreSQL the same promise is about the schema.
  if (testBackend() === 'postgres') {
    it('re-running migrations on a migrated PostgreSQL database changes nothing', async () => {
      const location = await tempDatabaseLocation();
      const db = await openMigrated(location);
      expect(await migrate(db, location)).toEqual([]);
      await db.destroy();
    });
  } else it('migrates a new file in WAL mode and re-running migrations is harmless', async () => {
    const file = join(tempDir(), 'sub', 't.sqlite');
    const db = await openMigrated(file);
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
    expect(mode.rows[0]!.journal_mode).toBe('wal');
    await db.destroy();
    const again = await openMigrated(file);
    await again.destroy();
  });

  it('the reach of `plan` only goes on: a shorter period asked later leaves the year asked before', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    expect(await planReach(db)).toBeUndefined();
    await extendPlanReach(db, '2027-12-31');
    await extendPlanReach(db, '2027-06-30');
    expect(await planReach(db)).toBe('2027-12-31');
    await extendPlanReach(db, '2028-01-31');
    expect(await planReach(db)).toBe('2028-01-31');
    await db.destroy();
  });

  it('saving the same plan twice changes nothing; a changed plan records moves and cancellations', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    const config = configOf(sections());
    const first = await planWithHistory(db, config, WINDOW, NOW, true);
    expect(first.saved!.inserted).toBe(first.result.touches.length);
    const second = await planWithHistory(db, config, WINDOW, NOW, true);
    expect(second.saved).toMatchObject({ inserted: 0, rescheduled: 0, cancelled: 0, unchanged: first.result.touches.length });
    expect(second.result.touches).toEqual(first.result.touches);

    const fewer = sections();
    fewer.clients = fewer.clients.slice(1);
    const third = await planWithHistory(db, configOf(fewer), WINDOW, NOW, true);
    const goneA = first.result.touches.filter((t) => t.client === 'a').length;
    expect(third.saved!.cancelled).toBe(goneA);
    const cancelled = await db.selectFrom('touches').select('status').where('client_id', '=', 'a').execute();
    expect(cancelled.every((r) => r.status === 'cancelled')).toBe(true);

    // The client comes back: the same touches, restored on the same days.
    const fourth = await planWithHistory(db, config, WINDOW, NOW, true);
    expect(fourth.saved!.restored).toBe(goneA);
    expect(fourth.result.touches).toEqual(first.result.touches);
    await db.destroy();
  });

  it('history is kept across re-plans: a done touch stays done and anchor: last counts from it', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    const config = configOf(sections());
    const { result } = await planWithHistory(db, config, WINDOW, NOW, true);
    const follow = result.touches.find((t) => t.source === 'rule:follow')!;
    const call = result.touches.find((t) => t.source === 'rule:calls')!;
    await markDone(db, follow.id, { at: '2027-02-01T10:00:00.000Z', date: '2027-02-01', by: undefined, note: 'met at the fair' });
    await markSkipped(db, call.id.slice(0, 8), { at: '2027-01-11T10:00:00.000Z', date: '2027-01-11', by: undefined, note: 'client on holiday' });
    const again = await planWithHistory(db, config, WINDOW, NOW.plus({ days: 22 }), true);
    expect(again.result.touches.find((t) => t.id === call.id)).toMatchObject({ status: 'skipped', date: call.date });
    const nextFollow = again.result.touches.filter((t) => t.source === 'rule:follow' && t.status === 'planned')[0]!;
    expect(nextFollow.window.from).toBe('2027-04-01');
    const doneRow = await findTouch(db, follow.id);
    expect(doneRow).toMatchObject({ status: 'done', resolved_date: '2027-02-01', note: 'met at the fair', resolved_by: 'am' });
    const history = await loadHistory(db);
    expect(history.lastBySeries.get(follow.series)?.date).toBe('2027-02-01');
    const log = await listHistory(db, { client: 'b' });
    expect(log.map((l) => l.type)).toContain('done');
    // Oldest first by when it happened: the skip of 11 January before the done of 1 February, recorded before it.
    const all = await listHistory(db);
    const outcomes = all.filter((l) => l.type === 'done' || l.type === 'skipped');
    expect(outcomes.map((l) => [l.type, l.at])).toEqual([['skipped', '2027-01-11T10:00:00.000Z'], ['done', '2027-02-01T10:00:00.000Z']]);
    expect(all.map((l) => l.at)).toEqual(all.map((l) => l.at).sort());
    await db.destroy();
  });

  it('the history holds the window of a planned touch recorded past it (a full window\'s overflow), as ISO dates, and of no other', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    const { result } = await planWithHistory(db, configOf(sections()), WINDOW, NOW, true);
    const [past, inside] = result.touches.filter((t) => t.source === 'rule:calls') as [Touch, Touch];
    const after = DateTime.fromISO(past.window.to).plus({ days: 3 }).toISODate()!;
    await db.updateTable('touches').set({ date: after }).where('id', '=', past.id).execute();
    const history = await loadHistory(db);
    expect(history.pins.get(past.id)?.overflowOf).toBe(`${past.window.from} ${past.window.to}`);
    expect(history.pins.get(inside.id)?.overflowOf).toBeUndefined();
    await db.destroy();
  });

  it('a plan made from a history read before a touch was snoozed or marked done keeps the snooze and the done', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    const config = configOf(sections());
    const { result } = await planWithHistory(db, config, WINDOW, NOW, true);
    const [snoozed, finished] = result.touches.filter((t) => !t.allDay && t.date > '2027-02-01');
    // The daemon reads the history and plans; meanwhile a link snoozes one touch and marks another done.
    const history = await loadHistory(db);
    const to = DateTime.fromISO(snoozed!.start, { setZone: true }).plus({ days: 7 });
    const moved = { date: to.setZone('Europe/Moscow').toISODate()!, start: to.toISO()!, end: DateTime.fromISO(snoozed!.end, { setZone: true }).plus({ days: 7 }).toISO()! };
    expect(await rescheduleByUser(db, snoozed!.id, moved, NOW.toISO()!, 'snoozed a week from the calendar link')).toBe(true);
    await markDone(db, finished!.id, { at: NOW.toUTC().toISO()!, date: '2027-01-10', by: undefined, note: undefined });
    const stale = planTouches(config, history, WINDOW, NOW).touches;
    expect(stale.find((t) => t.id === snoozed!.id)!.date).toBe(snoozed!.date);
    const saved = await savePlan(db, stale, WINDOW, NOW.toISO()!);
    expect(saved.rescheduled).toBe(0);
    expect(await findTouch(db, snoozed!.id)).toMatchObject({ date: moved.date, start_at: moved.start, moved_by_user: 1, status: 'planned' });
    expect((await findTouch(db, finished!.id))!.status).toBe('done');
    const lines = await db.selectFrom('touch_events').select(['type', 'detail']).where('touch_id', '=', snoozed!.id).orderBy('seq').execute();
    expect(lines.filter((l) => l.type === 'rescheduled')).toEqual([{ type: 'rescheduled', detail: 'snoozed a week from the calendar link' }]);
    // The next plan, from a fresh read, keeps it there too.
    expect((await planWithHistory(db, config, WINDOW, NOW, true)).saved).toMatchObject({ rescheduled: 0, inserted: 0, cancelled: 0 });
    await db.destroy();
  });

  it('the daemon\'s tick tells a pass\'s own history lines (its plan\'s) from a done written while it ran', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    const { result } = await planWithHistory(db, configOf(sections()), WINDOW, NOW, true);
    const point = await historyPoint(db);
    const fewer = sections();
    fewer.clients = fewer.clients.slice(1);
    expect((await planWithHistory(db, configOf(fewer), WINDOW, NOW, true)).saved!.cancelled).toBeGreaterThan(0);
    expect(await othersWroteSince(db, point)).toBe(false);
    await markDone(db, result.touches.find((t) => t.client === 'b')!.id, { at: NOW.toUTC().toISO()!, date: '2027-01-10', by: undefined, note: undefined });
    expect(await othersWroteSince(db, point)).toBe(true);
    await db.destroy();
  });

  it('refuses to resolve a touch twice or an unknown id', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    const config = configOf(sections());
    const { result } = await planWithHistory(db, config, WINDOW, NOW, true);
    const t = result.touches[0]!;
    const outcome = { at: NOW.toUTC().toISO()!, date: '2027-01-10', by: undefined, note: undefined };
    await markDone(db, t.id, outcome);
    await expect(markDone(db, t.id, outcome)).rejects.toThrow(/already done/);
    await expect(markDone(db, 'ffffffff-0000', outcome)).rejects.toThrow(/no touch/);
    await db.destroy();
  });

  it('savePlan writes nothing when the transaction fails half-way', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    const config = configOf(sections());
    const touches = planTouches(config, await loadHistory(db), WINDOW, NOW).touches;
    const broken = [...touches, { ...touches[0]!, id: touches[1]!.id, title: null as unknown as string }];
    await expect(savePlan(db, broken, WINDOW, NOW.toISO()!)).rejects.toThrow();
    const count = await db.selectFrom('touches').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    expect(Number(count!.n)).toBe(0);
    await db.destroy();
  });
});

describe('a first plan of many touches', () => {
  const manyTouches = async (n: number) => {
    const base = (await planWithHistory(await openMigrated(join(tempDir(), 'seed.sqlite')), configOf(sections()), WINDOW, NOW, false)).result.touches;
    return Array.from({ length: n }, (_, i) => ({ ...base[i % base.length]!, id: touchKey(`bulk|${i}`).id }));
  };
  const journalMode = async (db: DB) => (await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db)).rows[0]!.journal_mode;
  const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : 0);

  it('builds the indexes after the rows: the same rows, indexes and answers as a save into a table that had a touch', async () => {
    const config = configOf(sections());
    const base = (await planWithHistory(await openMigrated(join(tempDir(), 'seed.sqlite')), config, WINDOW, NOW, false)).result.touches;
    // 12,000 touches (past the bulk threshold) on distinct ids and days spread over the window.
    const many = Array.from({ length: 12_000 }, (_, i) => {
      const t = base[i % base.length]!;
      return { ...t, id: touchKey(`bulk|${i}`).id, date: `2027-0${1 + (i % 6)}-${String(10 + (i % 18)).padStart(2, '0')}` };
    });
    const bulk = await openMigrated(join(tempDir(), 'bulk.sqlite'));
    const rowByRow = await openMigrated(join(tempDir(), 'rows.sqlite'));
    const nowIso = NOW.toUTC().toISO()!;
    await savePlan(bulk, many, WINDOW, nowIso);
    await savePlan(rowByRow, many.slice(0, 1), WINDOW, nowIso);
    await savePlan(rowByRow, many, WINDOW, nowIso);
    const indexes = async (db: typeof bulk) => (await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'index' and tbl_name = 'touches' order by name`.execute(db)).rows;
    expect((await indexes(bulk)).length).toBeGreaterThan(2);
    expect(await indexes(bulk)).toEqual(await indexes(rowByRow));
    const rows = async (db: typeof bulk) => (await sql`select * from touches order by id`.execute(db)).rows;
    expect(await rows(bulk)).toEqual(await rows(rowByRow));
    expect((await sql<{ integrity_check: string }>`pragma integrity_check`.execute(bulk)).rows[0]!.integrity_check).toBe('ok');
    // The date index answers as before (a query that uses it).
    const plan = (await sql<{ detail: string }>`explain query plan select id from touches where date = '2027-03-12'`.execute(bulk)).rows.map((r) => r.detail).join(' ');
    expect(plan).toContain('INDEX');
    const [n] = (await sql<{ n: number }>`select count(*) as n from touches where date = '2027-03-12'`.execute(bulk)).rows;
    expect(n!.n).toBe(many.filter((t) => t.date === '2027-03-12').length);
    await bulk.destroy();
    await rowByRow.destroy();
  });

  it('keeps ids unique while its indexes are built after the rows: a repeated id writes nothing', async () => {
    const many = await manyTouches(12_000);
    const db = await openMigrated(join(tempDir(), 'bulk.sqlite'));
    await expect(savePlan(db, [...many, { ...many[7_000]!, title: 'again' }], WINDOW, NOW.toUTC().toISO()!)).rejects.toThrow(/UNIQUE/);
    expect((await sql<{ n: number }>`select count(*) as n from touches`.execute(db)).rows[0]!.n).toBe(0);
    // The indexes dropped for the rows are all there again.
    const names = (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'touches' order by name`.execute(db)).rows.map((r) => r.name);
    expect(names).toContain('touches_id');
    await expect(savePlan(db, many, WINDOW, NOW.toUTC().toISO()!)).resolves.toMatchObject({ inserted: 12_000 });
    expect(await journalMode(db)).toBe('wal');
    await db.destroy();
  });

  it('is written with the rollback journal when nothing else has the database open, and leaves it on the write-ahead log', async () => {
    const file = join(tempDir(), 'alone.sqlite');
    const db = await openMigrated(file);
    await savePlan(db, await manyTouches(12_000), WINDOW, NOW.toUTC().toISO()!);
    // Through the log, every page of the table would have gone into it first (and the file keeps its size).
    expect(sizeOf(file)).toBeGreaterThan(2_000_000);
    expect(sizeOf(`${file}-wal`)).toBeLessThan(200_000);
    expect(existsSync(`${file}-journal`)).toBe(false);
    expect(await journalMode(db)).toBe('wal');
    expect((await sql<{ n: number }>`select count(*) as n from touches`.execute(db)).rows[0]!.n).toBe(12_000);
    expect((await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db)).rows[0]!.integrity_check).toBe('ok');
    await db.destroy();
  });

  it('stays on the write-ahead log while another connection has the database open, and that one reads beside it', async () => {
    const file = join(tempDir(), 'shared.sqlite');
    const db = await openMigrated(file);
    const reader = new SQLite(file, { readonly: true });
    expect(reader.prepare('select count(*) from touches').pluck().get()).toBe(0);
    await savePlan(db, await manyTouches(12_000), WINDOW, NOW.toUTC().toISO()!);
    expect(sizeOf(`${file}-wal`)).toBeGreaterThan(2_000_000);
    expect(await journalMode(db)).toBe('wal');
    expect(reader.prepare('select count(*) from touches').pluck().get()).toBe(12_000);
    reader.close();
    await db.destroy();
  });

  it('a crash in the middle of a bulk load leaves the database as it was before it', async () => {
    const file = join(tempDir(), 'crash.sqlite');
    const db = await openMigrated(file);
    const crashed = join(tempDir(), 'crashed.sqlite');
    const before = sizeOf(file);
    await inBulkTransaction(db, (sqlite) => {
      // A small cache, so that pages go to the file before the commit, as in a load of a large company.
      sqlite.pragma('cache_size = 20');
      const insert = sqlite.prepare('insert into ics_events (employee_id, event_key, sequence, status, payload, updated_at) values (?, ?, 0, ?, ?, ?)');
      for (let i = 0; i < 20_000; i++) insert.run('am', `k${i}`, 'confirmed', 'x'.repeat(200), 'now');
      // What a crash leaves on disk now: the file and whatever journal or log is beside it.
      for (const suffix of ['', '-journal', '-wal']) if (existsSync(`${file}${suffix}`)) copyFileSync(`${file}${suffix}`, `${crashed}${suffix}`);
    }, { loadsEmpty: () => true });
    // The load went to the file itself before the commit, with its journal beside it.
    expect(sizeOf(crashed)).toBeGreaterThan(before + 1_000_000);
    expect(existsSync(`${crashed}-journal`)).toBe(true);
    // Read-only, the half-written file is never read: the journal asks for a writer, which says so...
    expect(() => openReadOnly(crashed)).toThrow(/crash left unfinished/);
    // ...and a reading command that may write lets one roll it back first.
    const read = await openForReading(crashed);
    expect((await sql<{ n: number }>`select count(*) as n from ics_events`.execute(read)).rows[0]!.n).toBe(0);
    await read.destroy();
    expect(existsSync(`${crashed}-journal`)).toBe(false);
    const reopened = await openMigrated(crashed);
    expect((await sql<{ n: number }>`select count(*) as n from ics_events`.execute(reopened)).rows[0]!.n).toBe(0);
    expect((await sql<{ integrity_check: string }>`pragma integrity_check`.execute(reopened)).rows[0]!.integrity_check).toBe('ok');
    expect(await journalMode(reopened)).toBe('wal');
    await reopened.destroy();
    expect((await sql<{ n: number }>`select count(*) as n from ics_events`.execute(db)).rows[0]!.n).toBe(20_000);
    await db.destroy();
  });
});

describe('a process that has its database open keeps SQLite\'s locks on it (QA 2026-12-06)', () => {
  // Closing any handle on a file drops every POSIX lock the process holds on it. The daemon read
  // its last configuration through openReadOnly, whose check of the file's first bytes opened and
  // closed a handle of its own: the daemon's shared lock went, and a `sqlite3 … ".backup"` beside
  // it deleted the live write-ahead log as the last connection would.
  it('opening it again read-only (and closing that) leaves the shared lock of the open connection in place', async () => {
    const file = join(tempDir(), 'locked.sqlite');
    const db = await openMigrated(file);
    try {
      const { ino } = statSync(file);
      // Each lock without its line number in /proc/locks, which other processes' locks shift (CI: "4:" then "6:").
      const locks = () => readFileSync('/proc/locks', 'utf8').split('\n').filter((line) => {
        const fields = line.trim().split(/\s+/);
        return fields[4] === String(process.pid) && fields[5]?.endsWith(`:${ino}`);
      }).map((line) => line.trim().replace(/^\d+:\s+/, ''));
      const held = locks();
      expect(held.join('\n')).toMatch(/POSIX +ADVISORY +READ/);
      const reader = openReadOnly(file);
      await reader.destroy();
      expect(locks()).toEqual(held);
      // What the check is for still holds: a file that is not SQLite's is refused, and left as it was.
      const notSqlite = join(tempDir(), 'settings.yaml');
      writeFileSync(notSqlite, 'settings:\n  company: Volna\n');
      expect(() => openReadOnly(notSqlite)).toThrow(/is not an SQLite database/);
      expect(readFileSync(notSqlite, 'utf8')).toBe('settings:\n  company: Volna\n');
    } finally {
      await db.destroy();
    }
  });

  it('the check of a database locked by a writer does not wait for it (the open after it waits as it should)', () => {
    const file = join(tempDir(), 'busy.sqlite');
    const writer = new SQLite(file);
    try {
      writer.exec('create table t (x); begin exclusive; insert into t values (1);');
      const started = performance.now();
      expect(notADatabaseFile(file)).toBeUndefined();
      expect(performance.now() - started).toBeLessThan(1_000);
    } finally {
      writer.close();
    }
  });
});
