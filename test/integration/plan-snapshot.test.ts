import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { CompiledQuery, sql } from 'kysely';
import { readPlanSnapshot, readTouchesFingerprint, showSnapshotTouches } from '../../src/storage/plan-snapshots.ts';
import { overdueRule } from '../../src/planner/overdue-rule.ts';
import type { Config, Touch } from '../../src/domain/types.ts';
import { planWindowReusing, planWithHistory } from '../../src/plan-service.ts';
import { jsonLine } from '../../src/cli/format-touches.ts';
import { markDone, resolvedTouchRows, workflowTouchRows } from '../../src/storage/touch-repository.ts';
import { insertTouchesIfNew } from '../../src/storage/workflow-repository.ts';
import { MIGRATIONS, type DB } from '../../src/storage/database.ts';
import type { PlanWindow } from '../../src/planner/plan.ts';
import { SETTINGS, client, configOf, employee } from '../helpers/config-folder.ts';
import { tempDatabase } from '../helpers/temp-database.ts';
import { runDailyWorkflows } from '../../src/workflows/daily.ts';

/**
 * `plan` run again with nothing changed reads the last plan of its window back from storage
 * (plan-service.ts planWindowReusing). What it prints must be what planning again prints, field
 * by field and in the same order; anything the plan depends on changing must plan again.
 */

const NOW = DateTime.fromISO('2027-02-01T10:00:00+03:00', { setZone: true });
const YEAR = { from: '2027-02-01', to: '2027-12-31' };
const LATER = { from: '2027-04-01', to: '2027-06-30' };

function company(name = 'Alpha'): Config {
  return configOf({
    settings: { ...SETTINGS.settings },
    employees: [employee('anna', 'account_manager', { meetings_per_day: 4 }), employee('boris', 'account_manager', { country: 'RO', timezone: 'Europe/Bucharest' })],
    clients: [
      { ...client('alpha', { team: { account_manager: 'anna' }, since: '2026-06-01' }), name },
      client('beta', { team: { account_manager: 'boris' }, since: '2026-06-01', country: 'RO', timezone: 'Europe/Bucharest' }),
      client('gamma', { team: { account_manager: 'anna' }, since: '2026-06-01' }),
    ],
    rules: [
      { id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '2 weeks' },
      { id: 'letters', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: '1 month' },
      { id: 'followups', ours: 'account_manager', theirs: 'buyer', kind: 'meeting', every: '5 weeks', anchor: 'last' },
    ],
  });
}

/** The plan's touches as `plan --format json` prints them, with each touch's series (which JSON leaves out). */
function printed(touches: readonly Touch[]): string[] {
  return touches.map((t) => `${jsonLine(t)} ${t.series}`);
}

/** planWindowReusing with what it shows collected (as `plan` writes it out). */
async function reuse(db: DB, config: Config, window: PlanWindow, now: DateTime, save: boolean) {
  const touches: Touch[] = [];
  const run = await planWindowReusing(db, config, window, now, save, async (shown) => {
    for (const t of shown) touches.push(t);
  });
  return { ...run, result: { touches, warnings: run.warnings } };
}

/** What planning again from the stored history gives (nothing saved). */
async function planAgain(db: DB, config: Config, window = YEAR, now: DateTime = NOW) {
  return (await planWithHistory(db, config, window, now, false)).result;
}

describe('plan with nothing changed reads its last plan back', () => {
  it('the second plan of a window is read back and equals planning again, touch by touch and in order', async () => {
    const db = await tempDatabase();
    const config = company();
    const first = await reuse(db, config, YEAR, NOW, true);
    expect(first.reused).toBe(false);
    expect(first.saved!.inserted).toBe(first.result.touches.length);
    const second = await reuse(db, config, YEAR, NOW, true);
    expect(second.reused).toBe(true);
    const again = await planAgain(db, config);
    expect(again.touches.length).toBeGreaterThan(50);
    expect(printed(second.result.touches)).toEqual(printed(again.touches));
    expect(printed(second.result.touches)).toEqual(printed(first.result.touches));
    expect(second.result.warnings).toEqual(again.warnings);
    expect(second.saved).toEqual({ inserted: 0, rescheduled: 0, reassigned: 0, updated: 0, cancelled: 0, restored: 0, unchanged: again.touches.length });
    // Without saving (plan --no-save) the snapshot is read back too, and nothing is written.
    const unsaved = await reuse(db, config, YEAR, NOW, false);
    expect(unsaved.reused).toBe(true);
    expect(unsaved.saved).toBeUndefined();
  });

  it('an outcome, a new touch, another day or an edited configuration plans again, and the result is the full plan\'s', async () => {
    const db = await tempDatabase();
    const config = company();
    const first = await reuse(db, config, YEAR, NOW, true);
    const check = async (c: Config, now: DateTime, why: string, window = YEAR) => {
      const run = await reuse(db, c, window, now, true);
      expect(run.reused, why).toBe(false);
      expect(printed(run.result.touches), why).toEqual(printed((await planAgain(db, c, window, now)).touches));
      // ... and the run after it, with nothing changed again, is read back.
      expect((await reuse(db, c, window, now, true)).reused, why).toBe(true);
    };
    const followup = first.result.touches.find((t) => t.source === 'rule:followups')!;
    await markDone(db, followup.id, { at: '2027-02-01T07:00:00.000Z', date: '2027-02-01', by: 'anna', note: 'met' });
    await check(config, NOW, 'a touch marked done');
    const [row] = (await db.selectFrom('touches').selectAll().where('id', '=', first.result.touches[0]!.id).execute());
    await insertTouchesIfNew(db, [{ ...row!, id: '00000000-0000-5000-8000-000000000001', source: 'event:order', series: 'event:order|alpha', date: '2027-03-03' }], NOW.toUTC().toISO()!);
    await check(config, NOW, 'a workflow\'s touch added');
    // A new day, for a window that starts then: read back the day before, planned again now.
    const fromTomorrow = { from: '2027-02-02', to: YEAR.to };
    await reuse(db, config, fromTomorrow, NOW, true);
    expect((await reuse(db, config, fromTomorrow, NOW, true)).reused).toBe(true);
    await check(config, NOW.plus({ days: 1 }), 'a new day', fromTomorrow);
    await check(company('Alpha Renamed'), NOW.plus({ days: 1 }), 'a client renamed', fromTomorrow);
    // A window begun before today is planned each time (its days before today are shown, not recorded).
    expect((await reuse(db, config, YEAR, NOW.plus({ days: 1 }), true)).reused).toBe(false);
    expect((await reuse(db, config, YEAR, NOW.plus({ days: 1 }), true)).reused).toBe(false);
  });

  it('a plan of another window that writes touches makes every other window plan again', async () => {
    const db = await tempDatabase();
    const config = company();
    await reuse(db, config, LATER, NOW, true);
    expect((await reuse(db, config, LATER, NOW, true)).reused).toBe(true);
    // The year's plan inserts touches (and could move those of the later window): the later window's snapshot goes.
    const year = await reuse(db, config, YEAR, NOW, true);
    expect(year.saved!.inserted).toBeGreaterThan(0);
    const later = await reuse(db, config, LATER, NOW, true);
    expect(later.reused).toBe(false);
    expect(printed(later.result.touches)).toEqual(printed((await planAgain(db, config, LATER)).touches));
    // A save that wrote nothing keeps the other windows' snapshots.
    expect((await reuse(db, config, YEAR, NOW, true)).reused).toBe(true);
  });

  it('a done touch whose title the configuration changed since is read back with the plan\'s title, not its row\'s', async () => {
    const db = await tempDatabase();
    const first = await reuse(db, company(), YEAR, NOW, true);
    const done = first.result.touches.find((t) => t.client === 'alpha' && t.kind === 'letter')!;
    await markDone(db, done.id, { at: '2027-02-01T07:00:00.000Z', date: done.date, by: 'anna', note: 'sent' });
    const renamed = company('Alpha Renamed');
    await reuse(db, renamed, YEAR, NOW, true);
    const stored = await db.selectFrom('touches').select(['title', 'status']).where('id', '=', done.id).executeTakeFirstOrThrow();
    expect(stored.status).toBe('done');
    const again = await reuse(db, renamed, YEAR, NOW, true);
    expect(again.reused).toBe(true);
    const shown = again.result.touches.find((t) => t.id === done.id)!;
    const planned = (await planAgain(db, renamed)).touches.find((t) => t.id === done.id)!;
    expect(shown).toEqual(planned);
    expect(shown.title).not.toBe(stored.title);
    expect(shown.status).toBe('done');
  });

  it('a plan that weighed slots against the hour of now plans again at another hour; one that did not is read back', async () => {
    const db = await tempDatabase();
    const config = company();
    const today = { from: '2027-02-01', to: '2027-03-31' };
    const first = await reuse(db, config, today, NOW, true);
    expect(first.hourOfNow).toBe(true);
    const later = NOW.plus({ hours: 3 });
    const run = await reuse(db, config, today, later, true);
    expect(run.reused).toBe(false);
    expect(printed(run.result.touches)).toEqual(printed((await planAgain(db, config, today, later)).touches));
    // A window that starts after today does not depend on the hour: read back at another hour of the day.
    const future = await reuse(db, config, LATER, NOW, true);
    expect(future.hourOfNow).toBe(false);
    const afternoon = await reuse(db, config, LATER, NOW.plus({ hours: 5 }), true);
    expect(afternoon.reused).toBe(true);
    expect(printed(afternoon.result.touches)).toEqual(printed((await planAgain(db, config, LATER, NOW.plus({ hours: 5 }))).touches));
  });

  it('is read back in the plan\'s order from rows stored in any order, and a row gone is an error once, then a new plan', async () => {
    const db = await tempDatabase();
    const config = company();
    const first = await reuse(db, config, YEAR, NOW, true);
    // The same rows stored latest day first (the fingerprint — count, newest rowid, history —
    // stays the same: no writer of touchbase deletes touches, so only this test can do it).
    await sql`create temp table kept as select * from touches`.execute(db);
    await sql`delete from touches`.execute(db);
    await sql`insert into touches select * from kept order by date desc, id desc`.execute(db);
    const reordered = await reuse(db, config, YEAR, NOW, true);
    expect(reordered.reused).toBe(true);
    expect(printed(reordered.result.touches)).toEqual(printed(first.result.touches));
    // A touch of the snapshot without its row (its id changed behind touchbase's back): an error,
    // nothing left out silently, and the snapshot is forgotten, so the next run plans anew.
    const gone = first.result.touches[Math.floor(first.result.touches.length / 2)]!;
    await sql`update touches set id = ${'00000000-0000-5000-8000-00000000dead'} where id = ${gone.id}`.execute(db);
    await expect(reuse(db, config, YEAR, NOW, true)).rejects.toThrow(/missing: run touchbase plan again/);
    const anew = await reuse(db, config, YEAR, NOW, true);
    expect(anew.reused).toBe(false);
    expect(printed(anew.result.touches)).toEqual(printed((await planAgain(db, config)).touches));
  });

  it('shows nothing from a snapshot when the touches changed after their fingerprint was read', async () => {
    const db = await tempDatabase();
    const config = company();
    await reuse(db, config, YEAR, NOW, true);
    const snapshot = (await readPlanSnapshot(db, `${YEAR.from}..${YEAR.to}`))!;
    const fingerprint = await readTouchesFingerprint(db);
    const overdue = overdueRule(config, NOW);
    let shown = 0;
    const show = async (touches: Iterable<unknown>) => {
      for (const _ of touches) shown++;
    };
    expect(await showSnapshotTouches(db, snapshot, `${fingerprint}+`, overdue, show)).toBe(false);
    expect(shown).toBe(0);
    expect(await showSnapshotTouches(db, snapshot, fingerprint, overdue, show)).toBe(true);
    const parts = await db.selectFrom('plan_snapshot_ids').select('ids').where('plan_window', '=', snapshot.plan_window).orderBy('part').execute();
    expect(shown).toBe(parts.flatMap((p) => p.ids.split('\n')).length);
  });

  it('keeps a snapshot\'s ids in parts (migration 0014): an older database\'s snapshot is forgotten, and the migration may run again', async () => {
    const db = await tempDatabase();
    const config = company();
    await reuse(db, config, YEAR, NOW, true);
    const migration = MIGRATIONS['0014_plan_snapshot_ids']!;
    // Back to the shape before it, with a snapshot kept as one value.
    await migration.down!(db as never);
    await sql`insert into plan_snapshots (plan_window, basis, touch_ids, apart, warnings, first_date, last_date) values ('old', 'b', 'x', '[]', '[]', '2027-01-01', '2027-01-02')`.execute(db);
    await migration.up(db as never);
    await migration.up(db as never);
    expect((await sql<{ n: number }>`select count(*) as n from plan_snapshots`.execute(db)).rows[0]!.n).toBe(0);
    const columns = (await sql<{ name: string }>`select name from pragma_table_info('plan_snapshots')`.execute(db)).rows.map((r) => r.name);
    expect(columns).not.toContain('touch_ids');
    // The next plan plans and keeps its snapshot again, and the one after reads it back.
    expect((await reuse(db, config, YEAR, NOW, true)).reused).toBe(false);
    const back = await reuse(db, config, YEAR, NOW, true);
    expect(back.reused).toBe(true);
    expect(printed(back.result.touches)).toEqual(printed((await planAgain(db, config)).touches));
  });

  it('read back as JSON text, each touch is what jsonLine writes of it: escapes, Cyrillic, done, overdue', async () => {
    const db = await tempDatabase();
    // A client's name (in every title) with what JSON escapes, and what it must not (a name has no control characters).
    const config = company('«Альфа» "A\\B" 😀 \u00a0 ș');
    const first = await reuse(db, config, YEAR, NOW, true);
    // Ten days on, what was due and not done is overdue: the morning's check moved it to that day.
    const later = NOW.plus({ days: 10 });
    const window = { from: later.toISODate()!, to: YEAR.to };
    const done = first.result.touches.find((t) => t.client === 'alpha' && t.kind === 'letter' && t.date >= window.from)!;
    await markDone(db, done.id, { at: '2027-02-01T07:00:00.000Z', date: '2027-02-01', by: 'anna', note: 'sent' });
    expect((await runDailyWorkflows(db, config, later)).overdueMoved).toBeGreaterThan(0);
    // Planned then, read back after. (The first plan moves a letter of a chain past the window's
    // end, behind its first moved forward: it saves it there and keeps no snapshot; the next does.)
    await reuse(db, config, window, later, true);
    await reuse(db, config, window, later, true);
    const touches = await reuse(db, config, window, later, true);
    expect(touches.reused).toBe(true);
    const lines: string[] = [];
    const asJson = await planWindowReusing(db, config, window, later, true, async (shown) => {
      for (const t of shown) lines.push('json' in t ? t.json : `not as JSON text: ${t.id}`);
    }, true);
    expect(asJson.reused).toBe(true);
    expect(lines).toEqual(touches.result.touches.map(jsonLine));
    expect(lines).toEqual((await planAgain(db, config, window, later)).touches.map(jsonLine));
    expect(lines.some((l) => l.includes('"status":"done"'))).toBe(true);
    expect(lines.some((l) => l.endsWith('"overdue":true}'))).toBe(true);
    expect(lines.some((l) => l.includes('"allDay":true'))).toBe(true);
    expect(lines.some((l) => l.includes('"allDay":false'))).toBe(true);
    expect(lines.some((l) => l.includes('«Альфа» \\"A\\\\B\\" 😀 \u00a0 ș'))).toBe(true);
  });

  it('finds the workflows\' touches by their partial index, not by reading the period\'s rows', async () => {
    const db = await tempDatabase();
    await reuse(db, company(), YEAR, NOW, true);
    const query = workflowTouchRows(db, YEAR).compile();
    const steps = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]));
    expect(steps.rows.map((r) => r.detail).join('\n')).toMatch(/USING INDEX touches_workflow \(date>\? AND date<\?\)/);
  });

  it('finds the touches done or skipped of a period by their partial index, not by reading the period\'s rows', async () => {
    const db = await tempDatabase();
    await reuse(db, company(), YEAR, NOW, true);
    const { sql: text, parameters } = resolvedTouchRows(db, YEAR).compile();
    const steps = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${text}`, [...parameters]));
    expect(steps.rows.map((r) => r.detail).join('\n')).toMatch(/USING INDEX touches_resolved \(date>\? AND date<\?\)/);
  });
});
