import { describe, expect, it } from 'vitest';
import { tempDatabase } from '../helpers/temp-database.ts';
import { configOf } from '../helpers/config-folder.ts';
import { DateTime } from 'luxon';
import { fixedClock } from '../../src/clock.ts';
import { syncCompany } from '../helpers/sync-company.ts';
import { CalendarGateway } from '../../src/sync/calendar-gateway.ts';
import { deleteLeftovers } from '../../src/sync/former-calendars.ts';
import { leftoverSummary } from '../../src/storage/calendar-addresses.ts';
import type { DB } from '../../src/storage/database.ts';

async function leftover(db: DB, employee: string, address: string, key: string, attempts: number): Promise<void> {
  await db.insertInto('calendar_leftovers').values({
    employee_id: employee, provider: 'google', address, event_key: key, remote_id: key, attempts, last_error: attempts ? 'temporary: 503' : null, created_at: '2027-03-01T05:00:00.000Z',
  }).execute();
}

describe('events left in calendars no longer used', () => {
  it('the daemon\'s pace follows the calendar tried least: an old one that refuses us does not slow the deletions of one just added', async () => {
    const db = await tempDatabase();
    await leftover(db, 'old', 'old@x.example', 'k1', 12);
    await leftover(db, 'old', 'old@x.example', 'k2', 0);
    expect(await leftoverSummary(db)).toMatchObject({ count: 2, attempts: 12, lastError: 'temporary: 503' });
    await leftover(db, 'new', 'new@x.example', 'k3', 0);
    expect(await leftoverSummary(db)).toMatchObject({ count: 3, attempts: 0 });
  });

  it('a calendar whose provider is no longer connected counts a failed try at each sync (so it is tried hourly, not every few minutes)', async () => {
    const db = await tempDatabase();
    await leftover(db, 'gone', 'gone@x.example', 'k1', 0);
    await leftover(db, 'gone', 'gone@x.example', 'k2', 0);
    const gateway = new CalendarGateway({ ports: {}, clock: fixedClock(DateTime.fromISO('2027-03-01T08:00:00+03:00')) });
    for (let i = 1; i <= 4; i++) {
      expect(await deleteLeftovers(db, configOf(syncCompany('ics')), gateway)).toEqual({ deleted: 0, waiting: 2 });
      expect((await leftoverSummary(db)).attempts).toBe(i);
    }
    expect((await leftoverSummary(db)).lastError).toMatch(/^no google connection is configured/);
  });
});
