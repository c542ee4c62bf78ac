import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { tempDatabase } from '../helpers/temp-database.ts';
import { planWithHistory } from '../../src/plan-service.ts';
import { markDone, markSkipped } from '../../src/storage/touch-repository.ts';
import { SETTINGS, client, configOf, employee } from '../helpers/config-folder.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { openMigrated } from '../../src/storage/database.ts';
import { writeConfig } from '../helpers/config-folder.ts';
import { cli, cliOn } from '../helpers/run-cli.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';

// Monthly calls to each buyer; in March the director makes them quarterly.
const company = (every: string) => configOf({
  ...SETTINGS,
  employees: [employee('anna', 'account_manager')],
  clients: [client('c0', { roles: ['buyer', 'buyer'], since: '2026-01-01' })],
  rules: [{ id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every, per: 'contact' }],
});
const at = (iso: string) => DateTime.fromISO(iso, { setZone: true });

describe('a rule\'s cadence changed', () => {
  it('plans no second touch in a period a touch done under the old cadence already covers; the others get theirs', async () => {
    const db = await tempDatabase();
    await planWithHistory(db, company('1 month'), { from: '2027-01-01', to: '2027-06-30' }, at('2027-01-01T08:00:00+03:00'), true);
    const calls = await db.selectFrom('touches').selectAll().where('window_from', '=', '2027-03-01').orderBy('series').execute();
    expect(calls).toHaveLength(2);
    // The March call to the first buyer is made on 9 March; the second buyer's is not.
    await markDone(db, calls[0]!.id, { at: '2027-03-09T12:00:00Z', date: '2027-03-09', by: 'anna', note: undefined });
    // The first buyer's February call, left open and moved forward day by day as overdue, is
    // skipped on 10 March: a later resolution than the done one, but not a done one.
    const [feb] = await db.selectFrom('touches').select(['id', 'date']).where('window_from', '=', '2027-02-01').where('series', '=', calls[0]!.series).execute();
    await db.updateTable('touches').set({ date: '2027-03-10', start_at: '2027-03-10', end_at: '2027-03-11', all_day: 1, overdue_from: feb!.date }).where('id', '=', feb!.id).execute();
    await markSkipped(db, feb!.id, { at: '2027-03-10T12:00:00Z', date: '2027-03-10', by: 'anna', note: 'made in March' });
    await planWithHistory(db, company('3 months'), { from: '2027-03-11', to: '2027-06-30' }, at('2027-03-11T08:00:00+03:00'), true);
    const open = await db.selectFrom('touches').select(['series', 'window_from', 'window_to', 'date']).where('status', '=', 'planned').orderBy('series').orderBy('date').execute();
    const q1 = open.filter((t) => t.window_from === '2027-01-01' && t.window_to === '2027-03-31');
    // The first quarter: only the buyer not called yet.
    expect(q1.map((t) => t.series)).toEqual([calls[1]!.series]);
    // The second quarter: both.
    expect(open.filter((t) => t.window_from === '2027-04-01').map((t) => t.series)).toEqual([calls[0]!.series, calls[1]!.series]);
    // Planned again, nothing changes (the done touch is not taken for this cadence's).
    const again = await planWithHistory(db, company('3 months'), { from: '2027-03-11', to: '2027-06-30' }, at('2027-03-11T09:00:00+03:00'), true);
    expect(again.saved).toMatchObject({ inserted: 0, cancelled: 0, rescheduled: 0 });
  });

  it('a touch of an earlier period done late (December\'s monthly call on 5 January) leaves the new quarter its own', async () => {
    const db = await tempDatabase();
    await planWithHistory(db, company('1 month'), { from: '2026-12-01', to: '2027-01-31' }, at('2026-12-01T08:00:00+03:00'), true);
    const [dec] = await db.selectFrom('touches').selectAll().where('window_from', '=', '2026-12-01').orderBy('series').execute();
    await markDone(db, dec!.id, { at: '2027-01-05T12:00:00Z', date: '2027-01-05', by: 'anna', note: undefined });
    await planWithHistory(db, company('3 months'), { from: '2027-01-06', to: '2027-03-31' }, at('2027-01-06T08:00:00+03:00'), true);
    const q1 = await db.selectFrom('touches').select('status').where('window_from', '=', '2027-01-01').where('window_to', '=', '2027-03-31').where('series', '=', dec!.series).execute();
    expect(q1).toEqual([{ status: 'planned' }]);
  });

  it('a touch of the same cadence done late (February\'s on 3 March) leaves March its own', async () => {
    const db = await tempDatabase();
    await planWithHistory(db, company('1 month'), { from: '2027-02-01', to: '2027-04-30' }, at('2027-02-01T08:00:00+03:00'), true);
    const [feb] = await db.selectFrom('touches').selectAll().where('window_from', '=', '2027-02-01').orderBy('series').execute();
    await markDone(db, feb!.id, { at: '2027-03-03T12:00:00Z', date: '2027-03-03', by: 'anna', note: undefined });
    await planWithHistory(db, company('1 month'), { from: '2027-03-04', to: '2027-04-30' }, at('2027-03-04T08:00:00+03:00'), true);
    const march = await db.selectFrom('touches').select(['series', 'status']).where('window_from', '=', '2027-03-01').where('series', '=', feb!.series).execute();
    expect(march).toEqual([{ series: feb!.series, status: 'planned' }]);
  });

  it('a late touch of the old cadence, moved forward as overdue, is cancelled once the new cadence plans its period: one call a buyer, not two', async () => {
    const db = await tempDatabase();
    await planWithHistory(db, company('1 month'), { from: '2027-01-11', to: '2027-06-30' }, at('2027-01-11T08:00:00+03:00'), true);
    const january = await db.selectFrom('touches').select(['id', 'series', 'date']).where('window_from', '=', '2027-01-01').orderBy('series').execute();
    expect(january).toHaveLength(2);
    // Neither January call is made: the morning check moves them forward, day by day, to 3 February.
    for (const t of january) {
      await db.updateTable('touches').set({ date: '2027-02-03', start_at: '2027-02-03', end_at: '2027-02-04', all_day: 1, overdue_from: t.date }).where('id', '=', t.id).execute();
    }
    // The same cadence planned again keeps them: they are its January's, still to be made.
    const same = await planWithHistory(db, company('1 month'), { from: '2027-02-03', to: '2027-06-30' }, at('2027-02-03T08:00:00+03:00'), true);
    expect(same.saved).toMatchObject({ cancelled: 0 });
    expect(await db.selectFrom('touches').select('status').where('id', 'in', january.map((t) => t.id)).execute()).toEqual([{ status: 'planned' }, { status: 'planned' }]);
    // Made quarterly: the first quarter's call replaces January's.
    const quarterly = await planWithHistory(db, company('3 months'), { from: '2027-02-03', to: '2027-06-30' }, at('2027-02-03T09:00:00+03:00'), true);
    const cancelled = await db.selectFrom('touches').select(['id', 'status']).where('id', 'in', january.map((t) => t.id)).execute();
    expect(cancelled.map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    // (February's, still on 1 February where it was planned, is the morning check's to move forward first.)
    const open = await db.selectFrom('touches').select(['series', 'window_from', 'window_to']).where('status', '=', 'planned').where('date', '>=', '2027-02-03').where('date', '<=', '2027-03-31').orderBy('series').execute();
    expect(open).toEqual(january.map((t) => ({ series: t.series, window_from: '2027-01-01', window_to: '2027-03-31' })));
    expect(quarterly.saved!.cancelled).toBeGreaterThanOrEqual(2);
    // Planned again, nothing changes.
    const again = await planWithHistory(db, company('3 months'), { from: '2027-02-03', to: '2027-06-30' }, at('2027-02-03T10:00:00+03:00'), true);
    expect(again.saved).toMatchObject({ inserted: 0, cancelled: 0, rescheduled: 0 });
  });
});

/** One client with two buyers, each called monthly (QA workflows F1's company), in files. */
const twoBuyers = (every: string) => ({
  settings: { company: 'Mini', timezone: 'Europe/Moscow', country: 'RU', hours: '09:00-18:00', horizon: '90 days', language: 'en' },
  employees: [{ id: 'am', name: 'Anna Am', email: 'am@m.example', role: 'account_manager' }, { id: 'sd', name: 'Sam Sd', email: 'sd@m.example', role: 'sales_director' }],
  clients: [{ id: 'c1', name: 'C One', since: '2020-01-01', contacts: [{ id: 'c1-buy', name: 'Bob Buyer', role: 'buyer' }, { id: 'c1-buy2', name: 'Bea Buyer', role: 'buyer' }] }],
  rules: [{ id: 'buyers', ours: 'account_manager', theirs: ['buyer'], kind: 'call', every, per: 'contact', duration: '30 minutes' }],
  overdue: { after: '2 days' },
});

describe('a rule\'s cadence changed with a late touch of the old one moving forward', () => {
  it('the late touch gives way when the new period already has a done one: no second call beside it (QA: January\'s call rolled on beside the quarters\')', async () => {
    const dir = writeConfig({ 'touchbase.yaml': twoBuyers('1 month') });
    const file = await tempDatabaseLocation();
    const run = cliOn(dir, file);
    await run('2027-01-04T08:00:00+03:00', 'once');
    const db = await openMigrated(file);
    const bobs = await db.selectFrom('touches').select(['id', 'window_from']).where('contact_ids', 'like', '%"c1-buy"%').orderBy('window_from').execute();
    await db.destroy();
    const [january, february] = [bobs.find((t) => t.window_from === '2027-01-01')!.id, bobs.find((t) => t.window_from === '2027-02-01')!.id];
    // Bob's January call is never made; February's is.
    await run('2027-02-20T18:00:00+03:00', 'done', february);
    await run('2027-03-15T06:30:00+03:00', 'checks');
    writeFileSync(join(dir, 'touchbase.yaml'), stringify(twoBuyers('3 months')));
    await run('2027-03-15T06:35:00+03:00', 'once');
    await run('2027-03-16T06:30:00+03:00', 'checks');
    const plan = JSON.parse(await run('2027-03-16T07:00:00+03:00', 'plan', '--from', '2027-01-01', '--to', '2027-06-30', '--no-save', '--format', 'json')) as { id: string; contacts: string[]; status: string; window: { from: string } }[];
    const bob = plan.filter((t) => t.contacts.includes('c1-buy'));
    // The first quarter has its call (February's, done), the second its own: January's is no open
    // call beside them — closed as missed once February's was done (a later touch of its series).
    expect(bob.filter((t) => t.id === january && t.status === 'planned')).toEqual([]);
    expect(bob.filter((t) => t.status === 'planned').map((t) => t.window.from)).toEqual(['2027-04-01']);
    const history = await cli('history', '--client', 'c1', '--config', dir, '--db', file);
    expect(history.out).toMatch(new RegExp(`skipped .*${january.slice(0, 8)}.*closed as missed: a later touch of the same rule`));
  });
});

describe('plan, saved, after a cadence change', () => {
  it('does not print as open (overdue) the late touches its own save cancels (QA: two calls listed that no longer existed)', async () => {
    const dir = writeConfig({ 'touchbase.yaml': twoBuyers('1 month') });
    const file = await tempDatabaseLocation();
    const run = cliOn(dir, file);
    await run('2027-01-04T08:00:00+03:00', 'once');
    // January's calls are never made: the morning check moves them forward as overdue.
    await run('2027-02-26T06:30:00+03:00', 'checks');
    writeFileSync(join(dir, 'touchbase.yaml'), stringify(twoBuyers('3 months')));
    const printed = JSON.parse(await run('2027-02-26T09:00:00+03:00', 'plan', '--from', '2027-02-26', '--to', '2027-03-31', '--format', 'json')) as { id: string; status: string }[];
    const db = await openMigrated(file);
    const stored = new Map((await db.selectFrom('touches').select(['id', 'status']).execute()).map((t) => [t.id, t.status]));
    const cancelledNow = await db.selectFrom('touch_events').select('touch_id').where('type', '=', 'cancelled').execute();
    await db.destroy();
    // The save did cancel some (January's, replaced by the first quarter's)…
    expect(cancelledNow.length).toBeGreaterThan(0);
    // …and what was printed open is open.
    const open = printed.filter((t) => t.status === 'planned');
    expect(open.length).toBeGreaterThan(0);
    expect(open.filter((t) => stored.get(t.id) !== 'planned')).toEqual([]);
  });
});
