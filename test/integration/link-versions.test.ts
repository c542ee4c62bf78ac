import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { tempDatabase } from '../helpers/temp-database.ts';
import { signLink, useLink } from '../../src/http/action-links.ts';
import { handOverTouches } from '../../src/storage/touch-moves.ts';
import { linkVersions } from '../../src/storage/used-links.ts';

const SECRET = 'a-link-secret-of-at-least-32-characters!';
const ID = '0b9f4c3e-1d2a-5b6c-8d7e-9f0a1b2c3d4e';
const NOW = DateTime.fromISO('2027-02-15T09:00:00+03:00');

function touch() {
  return {
    id: ID, source: 'rule:calls', series: `rule:calls|perm|${ID}`, kind: 'call', client_id: 'perm', contact_ids: '[]', employee_id: 'ivanova',
    date: '2027-02-16', start_at: '2027-02-16T10:30:00.000+03:00', end_at: '2027-02-16T11:00:00.000+03:00', all_day: 0, title: 'call',
    window_from: '2027-02-01', window_to: '2027-02-28', remind: '[]', status: 'planned' as const, resolved_at: null, resolved_date: null, resolved_by: null,
    note: null, created_at: '2027-01-01T00:00:00Z', updated_at: '2027-01-01T00:00:00Z', moved_by_user: 0, overdue_from: null, body: null,
  };
}

const use = (db: Awaited<ReturnType<typeof tempDatabase>>, action: 'done' | 'skip' | 'snooze', version: number) =>
  useLink(db, SECRET, signLink(SECRET, ID, action, version), NOW, () => 'Europe/Moscow', { reason: 'closed' });

/** A link is outdated once its event is rewritten with newer ones (QA security F1). */
describe('the version of a touch\'s one-click links', () => {
  it('goes up when the touch changes hands: the links in the former holder\'s calendar no longer mark the new holder\'s touch', async () => {
    const db = await tempDatabase();
    await db.insertInto('touches').values(touch()).execute();
    const row = await db.selectFrom('touches').selectAll().where('id', '=', ID).executeTakeFirstOrThrow();
    await handOverTouches(db, [{ touch: row, to: { employee: 'kuznetsova', date: row.date, start: row.start_at, end: row.end_at } }], NOW.toUTC().toISO()!);
    expect((await linkVersions(db)).get(ID)).toBe(1);
    expect(await use(db, 'done', 0)).toMatchObject({ result: 'outdated' });
    expect(await use(db, 'skip', 0)).toMatchObject({ result: 'outdated' });
    expect((await db.selectFrom('touches').select('status').where('id', '=', ID).executeTakeFirstOrThrow()).status).toBe('planned');
    // The new holder's event carries the links of the next version: they work.
    expect(await use(db, 'done', 1)).toMatchObject({ result: 'recorded', action: 'done' });
  });

  it('goes up with a snooze: the done and skip links of the event before it are outdated too', async () => {
    const db = await tempDatabase();
    await db.insertInto('touches').values(touch()).execute();
    expect(await use(db, 'snooze', 0)).toMatchObject({ result: 'recorded' });
    expect(await use(db, 'skip', 0)).toMatchObject({ result: 'outdated' });
    expect(await use(db, 'snooze', 0)).toMatchObject({ result: 'used' });
    expect(await use(db, 'skip', 1)).toMatchObject({ result: 'recorded', action: 'skip' });
  });
});
