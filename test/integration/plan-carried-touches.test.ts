import { describe, expect, it } from 'vitest';
import { openMigrated } from '../../src/storage/database.ts';
import { rescheduleByUser } from '../../src/storage/touch-moves.ts';
import { writeConfig } from '../helpers/config-folder.ts';
import { cliOn } from '../helpers/run-cli.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';
import { workflowCompany } from '../helpers/workflow-company.ts';

describe('plan of a period lists the open touches moved into it from an earlier one', () => {
  it('a call of late March snoozed into April is in April\'s plan (table, JSON, --client), as in the calendars; a save keeps it (QA: it was left out unless --from reached back into March)', async () => {
    const dir = writeConfig({ 'touchbase.yaml': workflowCompany() });
    const file = await tempDatabaseLocation();
    const at = cliOn(dir, file);
    const run = (...args: string[]) => at('2027-03-20T09:00:00+03:00', ...args);
    await run('once');
    const db = await openMigrated(file);
    const march = await db.selectFrom('touches').selectAll().where('source', 'like', 'rule:%').where('window_to', '=', '2027-03-31')
      .where('date', '>=', '2027-03-24').where('all_day', '=', 0).orderBy('date', 'desc').executeTakeFirstOrThrow();
    const to = { date: '2027-04-07', start: march.start_at.replace(march.date, '2027-04-07'), end: march.end_at.replace(march.date, '2027-04-07') };
    expect(await rescheduleByUser(db, march.id, to, '2027-03-20T06:00:00.000Z', 'snoozed a week from the calendar link', { from: march })).toBe(true);
    await db.destroy();

    const april = ['plan', '--from', '2027-04-01', '--to', '2027-04-30', '--no-save'];
    const json = JSON.parse(await run(...april, '--format', 'json')) as { id: string; date: string; start: string; client: string; window: { to: string } }[];
    const moved = json.filter((t) => t.id === march.id);
    expect(moved.map((t) => [t.date, t.start, t.window.to])).toEqual([['2027-04-07', to.start, '2027-03-31']]);
    // In its place in time among April's.
    expect(json.map((t) => t.date)).toEqual(json.map((t) => t.date).sort());
    expect(await run(...april, '--client', march.client_id)).toContain(march.id.slice(0, 8));
    // Saved, the plan of April keeps it where its employee put it, once.
    await run('plan', '--from', '2027-04-01', '--to', '2027-04-30');
    const again = JSON.parse(await run(...april, '--format', 'json')) as { id: string; date: string }[];
    expect(again.filter((t) => t.id === march.id).map((t) => t.date)).toEqual(['2027-04-07']);
  });
});
