import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { tempDatabaseLocation } from '../helpers/temp-database.ts';
import { openMigrated } from '../../src/storage/database.ts';
import { planWithHistory } from '../../src/plan-service.ts';
import { syncCalendars } from '../../src/sync/sync-calendars.ts';
import { fixedClock } from '../../src/clock.ts';
import { SETTINGS, client, configOf, employee, tempDir } from '../helpers/config-folder.ts';

const NOW = DateTime.fromISO('2027-03-01T08:00:00+03:00');
const config = configOf({
  settings: { ...SETTINGS.settings, horizon: '90 days' },
  employees: [employee('am', 'account_manager', { email: 'am@x.example' }), employee('am2', 'account_manager', { email: 'am2@x.example' })],
  clients: [client('c0', { roles: ['buyer'], team: { account_manager: 'am2' } })],
  rules: [{ id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month' }],
});

describe('the feeds of a sync, written several employees to a transaction', () => {
  it('lists an event cancelled in the feed that lost it under that feed\'s employee, not the one that took it', async () => {
    const db = await openMigrated(await tempDatabaseLocation());
    const { result: { touches } } = await planWithHistory(db, config, { from: '2027-03-01', to: '2027-05-29' }, NOW, true);
    const call = touches.find((t) => t.employee === 'am2')!;
    const key = call.id.replaceAll('-', '');
    // am's feed still shows the call live, on a day before the feeds' window (given on after a pause).
    await db.insertInto('ics_events').values({
      employee_id: 'am', event_key: key, sequence: 0, status: 'confirmed', content_hash: 'old',
      payload: JSON.stringify({ key, touchId: call.id, title: 'call', description: '', allDay: false, start: '2027-02-01T10:00:00.000+03:00', end: '2027-02-01T10:30:00.000+03:00', timezone: 'Europe/Moscow', reminders: [], contentHash: 'old' }), date: '2027-02-01', updated_at: '2027-02-01T06:00:00.000Z',
    }).execute();
    const report = await syncCalendars(db, config, fixedClock(NOW), { feedDir: join(tempDir(), 'feeds') });
    const ofCall = report.operations.filter((op) => op.entryId === call.id).map((op) => ({ op: op.op, employeeId: op.employeeId }));
    expect(ofCall).toHaveLength(2);
    expect(ofCall).toEqual(expect.arrayContaining([{ op: 'create', employeeId: 'am2' }, { op: 'delete', employeeId: 'am' }]));
    const rows = await db.selectFrom('ics_events').select(['employee_id', 'status', 'sequence']).where('event_key', '=', key).orderBy('employee_id').execute();
    expect(rows).toEqual([{ employee_id: 'am', status: 'cancelled', sequence: 1 }, { employee_id: 'am2', status: 'confirmed', sequence: 2 }]);
    await db.destroy();
  });
});
