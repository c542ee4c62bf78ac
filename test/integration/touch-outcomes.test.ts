import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { Migrator, sql } from 'kysely';
import { MIGRATIONS, openDatabase, migrate, type DB } from '../../src/storage/database.ts';
import { inTransaction, markDone, markSkipped, recordOutcome, recordOutcomes, skipDeletedInCalendar } from '../../src/storage/touch-outcomes.ts';
import { TouchStateError } from '../../src/cli/known-errors.ts';
import { moveOverdue, reopenTouch, rescheduleByUser } from '../../src/storage/touch-moves.ts';
import { insertTouchesIfNew } from '../../src/storage/workflow-repository.ts';
import { listHistory } from '../../src/storage/touch-repository.ts';
import { planWithHistory } from '../../src/plan-service.ts';
import { SETTINGS, client, configOf, employee, tempDir } from '../helpers/config-folder.ts';
import { tempDatabase, tempDatabaseLocation, testBackend } from '../helpers/temp-database.ts';

const AT = '2027-03-02T10:00:00.000Z';

function touchRow(id: string, o: { employee?: string; date?: string; source?: string } = {}) {
  const date = o.date ?? '2027-03-01';
  return {
    id, source: o.source ?? 'rule:calls', series: `rule:calls|acme|${id}`, kind: 'call', client_id: 'acme', contact_ids: '["acme-buyer0"]',
    employee_id: o.employee ?? 'anna', date, start_at: `${date}T10:00:00.000+03:00`, end_at: `${date}T10:30:00.000+03:00`, all_day: 0,
    title: `call ${id}`, window_from: date, window_to: date, remind: '[]', status: 'planned' as const,
    resolved_at: null, resolved_date: null, resolved_by: null, note: null, created_at: '2027-01-01T00:00:00Z', updated_at: '2027-01-01T00:00:00Z',
    moved_by_user: 0, overdue_from: null, body: null,
  };
}

async function withTouch(id = 't1'): Promise<DB> {
  const db = await tempDatabase();
  await db.insertInto('touches').values(touchRow(id)).execute();
  return db;
}

const historyOf = (db: DB, id: string) => db.selectFrom('touch_events').select(['type', 'employee_id', 'from_date', 'to_date', 'detail', 'cause'])
  .where('touch_id', '=', id).orderBy('seq').execute();
const touchOf = (db: DB, id: string) => db.selectFrom('touches').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('one writer of a touch\'s outcome', () => {
  it('done records who, when, the day, the note and one history line with its cause', async () => {
    const db = await withTouch();
    const r = await recordOutcome(db, 't1', { status: 'done', at: AT, date: '2027-03-02', by: 'boris', note: 'called', cause: 'employee' });
    expect(r.recorded).toBe(true);
    expect(await touchOf(db, 't1')).toMatchObject({ status: 'done', resolved_at: AT, resolved_date: '2027-03-02', resolved_by: 'boris', note: 'called', updated_at: AT });
    expect(await historyOf(db, 't1')).toEqual([{ type: 'done', employee_id: 'boris', from_date: '2027-03-01', to_date: '2027-03-02', detail: 'called', cause: 'employee' }]);
  });

  it('done twice is refused: the first outcome stays and no second history line is written', async () => {
    const db = await withTouch();
    await markDone(db, 't1', { at: AT, date: '2027-03-02', by: undefined, note: 'first' });
    const again = await recordOutcome(db, 't1', { status: 'done', at: '2027-03-05T10:00:00Z', date: '2027-03-05', by: 'boris', note: 'second', cause: 'employee' });
    expect(again).toMatchObject({ recorded: false, touch: { status: 'done', note: 'first' } });
    await expect(markDone(db, 't1', { at: '2027-03-05T10:00:00Z', date: '2027-03-05', by: undefined, note: 'third' }))
      .rejects.toThrow(new TouchStateError('touch t1 is already done on 2027-03-02 by anna'));
    // A skipped one's recorded day is the day it was planned for: said as such, not as the day of the skip.
    const skipped = await withTouch();
    await markSkipped(skipped, 't1', { at: AT, date: '2027-03-02', by: undefined, note: 'closed' });
    await expect(markDone(skipped, 't1', { at: '2027-03-05T10:00:00Z', date: '2027-03-05', by: undefined, note: 'third' }))
      .rejects.toThrow(new TouchStateError('touch t1 is already skipped (it was planned for 2027-03-01) by anna'));
    expect(await touchOf(db, 't1')).toMatchObject({ status: 'done', resolved_by: 'anna', note: 'first', resolved_date: '2027-03-02' });
    expect((await historyOf(db, 't1')).map((e) => e.type)).toEqual(['done']);
  });

  it('skipped after done is refused, and so is cancelling a done touch', async () => {
    const db = await withTouch();
    await markDone(db, 't1', { at: AT, date: '2027-03-02', by: undefined, note: undefined });
    await expect(markSkipped(db, 't1', { at: AT, date: '2027-03-02', by: undefined, note: 'ill' })).rejects.toThrow(TouchStateError);
    expect(await skipDeletedInCalendar(db, 't1', 'anna', AT)).toBe(false);
    expect((await recordOutcome(db, 't1', { status: 'cancelled', at: AT, detail: 'no longer in the plan', cause: 'plan' })).recorded).toBe(false);
    expect((await touchOf(db, 't1')).status).toBe('done');
    expect((await historyOf(db, 't1')).map((e) => e.type)).toEqual(['done']);
  });

  it('an unknown touch is refused without writing anything', async () => {
    const db = await tempDatabase();
    expect(await recordOutcome(db, 'nope', { status: 'skipped', at: AT, note: 'x', cause: 'employee' })).toEqual({ recorded: false, touch: undefined });
    expect(await db.selectFrom('touch_events').selectAll().execute()).toEqual([]);
  });

  it('a skip keeps the touch\'s own day as its resolution day; a cancellation leaves no resolution and no "to" day', async () => {
    const db = await withTouch();
    await db.insertInto('touches').values(touchRow('t2')).execute();
    expect(await skipDeletedInCalendar(db, 't1', 'anna', AT)).toBe(true);
    expect(await touchOf(db, 't1')).toMatchObject({ status: 'skipped', resolved_date: '2027-03-01', resolved_by: 'anna', note: 'deleted from the calendar by the employee' });
    expect(await historyOf(db, 't1')).toEqual([{ type: 'skipped', employee_id: 'anna', from_date: '2027-03-01', to_date: '2027-03-01', detail: 'deleted from the calendar by the employee', cause: 'employee' }]);
    // Skipped ahead of its day by `touchbase skip` (the day of the skip given): its day stays its own, in history too (QA).
    await db.insertInto('touches').values(touchRow('t3')).execute();
    await markSkipped(db, 't3', { at: AT, date: '2027-02-20', by: undefined, note: 'on holiday in March' });
    expect(await touchOf(db, 't3')).toMatchObject({ status: 'skipped', resolved_date: '2027-03-01' });
    expect((await historyOf(db, 't3')).map((l) => [l.type, l.from_date, l.to_date])).toEqual([['skipped', '2027-03-01', '2027-03-01']]);
    await recordOutcome(db, 't2', { status: 'cancelled', at: AT, detail: 'the client was touched: the silence is over', cause: 'workflow' });
    expect(await touchOf(db, 't2')).toMatchObject({ status: 'cancelled', resolved_at: null, resolved_date: null, resolved_by: null, note: null, updated_at: AT });
    expect(await historyOf(db, 't2')).toEqual([{ type: 'cancelled', employee_id: 'anna', from_date: '2027-03-01', to_date: null, detail: 'the client was touched: the silence is over', cause: 'workflow' }]);
  });

  it('the same outcome for many touches (more than one statement\'s worth) refuses the closed and unknown ones, in order', async () => {
    const db = await tempDatabase();
    const ids = Array.from({ length: 1203 }, (_, i) => `t${String(i).padStart(4, '0')}`);
    for (let i = 0; i < ids.length; i += 100) await db.insertInto('touches').values(ids.slice(i, i + 100).map((id) => touchRow(id))).execute();
    await markDone(db, 't0600', { at: AT, date: '2027-03-02', by: undefined, note: undefined });
    const results = await recordOutcomes(db, [...ids, 'missing'], { status: 'cancelled', at: AT, detail: 'no longer in the plan', cause: 'plan' });
    expect(results.map((r) => r.recorded)).toEqual([...ids.map((id) => id !== 't0600'), false]);
    expect(results[600]).toMatchObject({ recorded: false, touch: { status: 'done' } });
    expect(results[1203]).toEqual({ recorded: false, touch: undefined });
    const counts = await db.selectFrom('touch_events').select(['type', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('type').orderBy('type').execute();
    expect(counts).toEqual([{ type: 'cancelled', n: 1202 }, { type: 'done', n: 1 }]);
    expect((await touchOf(db, 't1202')).status).toBe('cancelled');
  });

  it('writes the history line in the same transaction: when it cannot be written, the touch stays open', async () => {
    const db = await withTouch();
    await blockHistory(db);
    await expect(recordOutcome(db, 't1', { status: 'done', at: AT, date: '2027-03-02', note: 'called', cause: 'employee' })).rejects.toThrow(/history is read-only/);
    expect(await touchOf(db, 't1')).toMatchObject({ status: 'planned', resolved_at: null, note: null });
    await sql`drop trigger no_history on touch_events`.execute(db).catch(() => sql`drop trigger no_history`.execute(db));
    // In a caller's transaction that fails later, the outcome and its line go back together.
    await expect(inTransaction(db, async (trx) => {
      expect((await recordOutcome(trx, 't1', { status: 'done', at: AT, cause: 'employee' })).recorded).toBe(true);
      throw new Error('the caller failed after recording');
    })).rejects.toThrow('the caller failed after recording');
    expect((await touchOf(db, 't1')).status).toBe('planned');
    expect(await historyOf(db, 't1')).toEqual([]);
  });
});

/** A trigger that refuses every history line (each database has its own trigger language). */
async function blockHistory(db: DB): Promise<void> {
  if (testBackend() === 'postgres') {
    await sql`create function no_history() returns trigger language plpgsql as $$ begin raise exception 'history is read-only'; end $$`.execute(db);
    await sql`create trigger no_history before insert on touch_events for each row execute function no_history()`.execute(db);
  } else await sql`create trigger no_history before insert on touch_events begin select raise(abort, 'history is read-only'); end`.execute(db);
}

describe('history causes', () => {
  const NOW = DateTime.fromISO('2027-01-10T09:00:00+03:00');
  const WINDOW = { from: '2027-01-10', to: '2027-06-30' };
  const sections = (o: { handover?: boolean; owner?: string } = {}) => ({
    ...SETTINGS,
    employees: [employee('anna', 'account_manager'), employee('boris', 'account_manager'), employee('vera', 'account_manager'), employee('petr', 'sales_director')],
    clients: [client('acme', { roles: ['buyer'], team: { account_manager: o.owner ?? 'anna' } })],
    rules: [{ id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month' }],
    ...(o.handover ? { handovers: [{ from: 'anna', to: 'boris', on: '2027-03-15', notice_from: 'management' }] } : {}),
  });
  const reassigned = async (db: DB) => db.selectFrom('touch_events').select(['cause', 'detail']).where('type', '=', 'reassigned').execute();

  it('a re-plan that gives touches to the successor of a handover says handover; a new owner in the team says plan', async () => {
    const byHandover = await tempDatabase();
    await planWithHistory(byHandover, configOf(sections()), WINDOW, NOW, true);
    await planWithHistory(byHandover, configOf(sections({ handover: true })), WINDOW, NOW, true);
    const handed = await reassigned(byHandover);
    expect(handed.length).toBeGreaterThan(0);
    expect(handed).toEqual(handed.map(() => ({ cause: 'handover', detail: 'from anna' })));

    const byTeam = await tempDatabase();
    await planWithHistory(byTeam, configOf(sections()), WINDOW, NOW, true);
    await planWithHistory(byTeam, configOf(sections({ owner: 'vera' })), WINDOW, NOW, true);
    const moved = await reassigned(byTeam);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved).toEqual(moved.map(() => ({ cause: 'plan', detail: 'from anna' })));
  });

  it('the overdue check and a snooze write only over the touch as they read it: a done, skip or snooze recorded meanwhile stands', async () => {
    const db = await withTouch('t1');
    for (const id of ['t2', 't3']) await db.insertInto('touches').values(touchRow(id)).execute();
    // The daily check has read the three as overdue; meanwhile t1 is marked done, t2 snoozed, t3 skipped.
    const read = await Promise.all(['t1', 't2', 't3'].map((id) => touchOf(db, id)));
    await markDone(db, 't1', { at: AT, date: '2027-03-02', by: undefined, note: undefined });
    const snoozed = { date: '2027-03-08', start: '2027-03-08T10:00:00.000+03:00', end: '2027-03-08T10:30:00.000+03:00' };
    expect(await rescheduleByUser(db, 't2', snoozed, AT, 'snoozed a week from the calendar link', { from: read[1]! })).toBe(true);
    await markSkipped(db, 't3', { at: AT, date: '2027-03-02', by: undefined, note: 'on holiday' });
    const next = { date: '2027-03-03', start: '2027-03-03T10:00:00.000+03:00', end: '2027-03-03T10:30:00.000+03:00', employee: 'boris' };
    for (const t of read) expect(await moveOverdue(db, t, next, AT)).toBeUndefined();
    expect(await touchOf(db, 't1')).toMatchObject({ status: 'done', date: '2027-03-01', employee_id: 'anna', overdue_from: null });
    expect(await touchOf(db, 't2')).toMatchObject({ status: 'planned', date: '2027-03-08', employee_id: 'anna', overdue_from: null, moved_by_user: 1 });
    expect(await touchOf(db, 't3')).toMatchObject({ status: 'skipped', date: '2027-03-01', employee_id: 'anna' });
    const lines = await db.selectFrom('touch_events').select(['touch_id', 'type', 'cause']).orderBy('seq').execute();
    expect(lines.filter((l) => l.cause === 'overdue' || l.cause === 'handover')).toEqual([]);
    // A snooze does not move a touch marked done meanwhile (a move read from the calendar does: its ✓ goes with it).
    expect(await rescheduleByUser(db, 't1', snoozed, AT, 'snoozed a week from the calendar link', { from: read[0]! })).toBe(false);
    // Nor one moved since the snooze was worked out: it would take the touch a week from where it was.
    expect(await rescheduleByUser(db, 't2', { ...snoozed, date: '2027-03-15', start: '2027-03-15T10:00:00.000+03:00' }, AT, 'snoozed a week from the calendar link', { from: read[1]! })).toBe(false);
    expect((await touchOf(db, 't2')).date).toBe('2027-03-08');
    expect(await touchOf(db, 't1')).toMatchObject({ status: 'done', date: '2027-03-01', moved_by_user: 0 });
    expect(await rescheduleByUser(db, 't1', snoozed, AT)).toBe(true);
    await db.destroy();
  });

  it('each writer of history states its cause: the employee\'s move, snooze and undo, the overdue check, a workflow\'s touch', async () => {
    const db = await withTouch('t1');
    await db.insertInto('touches').values(touchRow('t2')).execute();
    const to = { date: '2027-03-03', start: '2027-03-03T10:00:00.000+03:00', end: '2027-03-03T10:30:00.000+03:00' };
    expect(await rescheduleByUser(db, 't1', to, AT)).toBe(true);
    await rescheduleByUser(db, 't1', { ...to, date: '2027-03-10', start: '2027-03-10T10:00:00.000+03:00' }, AT, 'snoozed a week from the calendar link');
    await markDone(db, 't1', { at: AT, date: '2027-03-10', by: undefined, note: undefined });
    expect(await reopenTouch(db, 't1', 'done', AT, 'undone from the calendar link (it had been marked done)')).toBe(true);
    const t2 = await touchOf(db, 't2');
    expect(await moveOverdue(db, t2, { ...to, employee: t2.employee_id }, AT)).toBe('2027-03-01');
    await insertTouchesIfNew(db, [{ ...touchRow('w1', { source: 'silence:acme' }) }], AT);
    const lines = await db.selectFrom('touch_events').select(['touch_id', 'type', 'cause', 'detail']).orderBy('seq').execute();
    expect(lines).toEqual([
      { touch_id: 't1', type: 'rescheduled', cause: 'employee', detail: 'moved in the calendar by the employee' },
      { touch_id: 't1', type: 'rescheduled', cause: 'employee', detail: 'snoozed a week from the calendar link' },
      { touch_id: 't1', type: 'done', cause: 'employee', detail: null },
      { touch_id: 't1', type: 'restored', cause: 'employee', detail: 'undone from the calendar link (it had been marked done)' },
      { touch_id: 't2', type: 'rescheduled', cause: 'overdue', detail: 'overdue since 2027-03-01: moved to the next working day' },
      { touch_id: 'w1', type: 'planned', cause: 'workflow', detail: 'silence:acme' },
    ]);
    // History shows it once, with its cause.
    expect((await listHistory(db)).filter((l) => l.touchId === 'w1').map((l) => [l.type, l.cause, l.detail])).toEqual([['planned', 'workflow', 'silence:acme']]);
    expect(await touchOf(db, 't2')).toMatchObject({ date: '2027-03-03', overdue_from: '2027-03-01' });
  });

  it('a plan that no longer has a touch cancels it through the one writer, with cause plan', async () => {
    const db = await tempDatabase();
    const first = await planWithHistory(db, configOf(sections()), WINDOW, NOW, true);
    const gone = { ...sections(), rules: [] };
    const saved = await planWithHistory(db, configOf(gone), WINDOW, NOW, true);
    expect(saved.saved!.cancelled).toBe(first.result.touches.length);
    const lines = await db.selectFrom('touch_events').select(['type', 'cause', 'detail', 'to_date']).execute();
    expect(lines).toEqual(first.result.touches.map(() => ({ type: 'cancelled', cause: 'plan', detail: 'no longer in the plan', to_date: null })));
  });

  it('migration 0013 keeps every touch, its row id and its history; ids stay unique and history lines still need their touch', async () => {
    const db = openDatabase(await tempDatabaseLocation({ file: join(tempDir(), 'old.sqlite'), empty: true }));
    try {
      const to = await new Migrator({ db, provider: { getMigrations: async () => ({ ...MIGRATIONS }) } }).migrateTo('0012_workflow_touches_index');
      expect(to.error).toBeUndefined();
      await db.insertInto('touches').values(['t3', 't1', 't2'].map((id) => touchRow(id))).execute();
      await db.insertInto('touch_events').values([{ touch_id: 't1', type: 'done', at: AT, cause: 'employee' }, { touch_id: 't2', type: 'skipped', at: AT, cause: 'employee' }]).execute();
      const sqlite = testBackend() === 'sqlite';
      const before = sqlite ? (await sql`select rowid, * from touches order by rowid`.execute(db)).rows : await db.selectFrom('touches').selectAll().orderBy('id').execute();
      await migrate(db);
      const after = sqlite ? (await sql`select rowid, * from touches order by rowid`.execute(db)).rows : await db.selectFrom('touches').selectAll().orderBy('id').execute();
      expect(after).toEqual(before);
      expect(await db.selectFrom('touch_events').select(['touch_id', 'type']).orderBy('seq').execute()).toEqual([{ touch_id: 't1', type: 'done' }, { touch_id: 't2', type: 'skipped' }]);
      await expect(db.insertInto('touches').values(touchRow('t2')).execute()).rejects.toThrow(/unique|duplicate/i);
      await expect(db.insertInto('touch_events').values({ touch_id: 'nobody', type: 'done', at: AT, cause: 'employee' }).execute()).rejects.toThrow(/foreign key/i);
      if (sqlite) {
        // The key is an index of its own now (one a first plan builds after its rows), not the table's.
        const table = (await sql<{ sql: string }>`select sql from sqlite_master where name = 'touches'`.execute(db)).rows[0]!.sql;
        expect(table).not.toMatch(/primary key/i);
        const indexes = (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'touches' order by name`.execute(db)).rows.map((r) => r.name);
        expect(indexes).toEqual(['touches_client_status', 'touches_date', 'touches_employee_date', 'touches_id', 'touches_resolved', 'touches_workflow']);
        expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]!.foreign_keys).toBe(1);
      }
    } finally {
      await db.destroy();
    }
  });

  it('an upgrade that fails half-way leaves the database as it was (SQLite: each upgrade is one transaction), and the next command says why', async () => {
    if (testBackend() !== 'sqlite') {
      // PostgreSQL's upgrades are transactions by kysely's own adapter (and 0013 does nothing there).
      const pg = await tempDatabase();
      expect(pg.getExecutor().adapter.supportsTransactionalDdl).toBe(true);
      return;
    }
    const file = join(tempDir(), 'old.sqlite');
    const db = openDatabase(await tempDatabaseLocation({ file, empty: true }));
    try {
      expect((await new Migrator({ db, provider: { getMigrations: async () => ({ ...MIGRATIONS }) } }).migrateTo('0012_workflow_touches_index')).error).toBeUndefined();
      await db.insertInto('touches').values(['t1', 't2'].map((id) => touchRow(id))).execute();
      // A history line whose touch is gone (written with the keys off): 0013 finds it only after
      // it has made the touches table again, dropped the old one and renamed the new.
      await sql`pragma foreign_keys = off`.execute(db);
      await db.insertInto('touch_events').values({ touch_id: 'gone', type: 'done', at: AT, cause: 'employee' }).execute();
      await sql`pragma foreign_keys = on`.execute(db);
      const schema = async () => (await sql<{ name: string; sql: string }>`select name, sql from sqlite_master order by name`.execute(db)).rows;
      const before = await schema();
      for (let i = 0; i < 2; i++) {
        // The same reason every time: nothing of the half-done upgrade is left to trip over.
        await expect(migrate(db, file)).rejects.toThrow(/0013_touches_id_index .*the history refers to touches the rebuilt table lacks/);
        expect(await schema()).toEqual(before);
        expect((await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)).rows.map((r) => r.name).at(-1)).toBe('0012_workflow_touches_index');
      }
      expect((await db.selectFrom('touches').select('id').orderBy('id').execute()).map((r) => r.id)).toEqual(['t1', 't2']);
    } finally {
      await db.destroy();
    }
  });

  it('migration 0009 gives earlier history lines their cause from the texts touchbase wrote', async () => {
    // An empty database (no migration yet) of this run's backend: 0009's update runs on both.
    const db = openDatabase(await tempDatabaseLocation({ file: join(tempDir(), 'old.sqlite'), empty: true }));
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...MIGRATIONS }) } });
      const to = await migrator.migrateTo('0008_dashboard');
      expect(to.error).toBeUndefined();
      await db.insertInto('touches').values([touchRow('t1'), touchRow('h1', { source: 'handover:anna:boris', employee: 'petr' })]).execute();
      const lines: [string, string | null, string][] = [
        ['planned', 'silence:acme', 'workflow'],
        ['done', 'called', 'employee'],
        ['skipped', 'deleted from the calendar by the employee', 'employee'],
        ['rescheduled', 'overdue since 2027-02-01: moved to the next working day', 'overdue'],
        ['rescheduled', 'moved in the calendar by the employee', 'employee'],
        ['rescheduled', 'snoozed a week from the calendar link', 'employee'],
        ['rescheduled', 'plan changed', 'plan'],
        ['restored', null, 'plan'],
        ['restored', 'undone from the calendar link (it had been marked done)', 'employee'],
        ['cancelled', 'no longer in the plan', 'plan'],
        ['cancelled', 'the client was touched: the silence is over', 'workflow'],
        ['cancelled', 'the overdue touch was done', 'workflow'],
        ['reassigned', 'from anna', 'handover'],
        ['reassigned', 'from vera', 'plan'],
      ];
      for (const [type, detail] of lines) {
        await sql`insert into touch_events (touch_id, type, at, employee_id, from_date, to_date, detail) values ('t1', ${type}, ${AT}, 'boris', null, null, ${detail})`.execute(db);
      }
      await migrate(db);
      const causes = await sql<{ type: string; detail: string | null; cause: string }>`select type, detail, cause from touch_events order by seq`.execute(db);
      expect(causes.rows.map((r) => [r.type, r.detail, r.cause])).toEqual(lines);
      // A cause outside the list is refused by the database itself.
      await expect(sql`insert into touch_events (touch_id, type, at, cause) values ('t1', 'done', ${AT}, 'gremlins')`.execute(db)).rejects.toThrow(/check constraint/i);
    } finally {
      await db.destroy();
    }
  });
});
