import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { tempDatabase } from '../helpers/temp-database.ts';
import { peekLink, signLink, useLink, type IsWorkday } from '../../src/http/action-links.ts';
import { WorkCalendar } from '../../src/planner/work-calendar.ts';

const SECRET = 'a-link-secret-of-at-least-32-characters!';
const ID = '0b9f4c3e-1d2a-5b6c-8d7e-9f0a1b2c3d4e';

function touch(date: string, allDay: boolean) {
  return {
    id: ID, source: 'rule:ceo', series: `rule:ceo|perm|${ID}`, kind: 'meeting', client_id: 'perm', contact_ids: '[]', employee_id: 'orlov',
    date, start_at: allDay ? date : `${date}T10:30:00.000+03:00`, end_at: allDay ? date : `${date}T12:00:00.000+03:00`, all_day: allDay ? 1 : 0, title: 'meeting',
    window_from: date, window_to: date, remind: '[]', status: 'planned' as const, resolved_at: null, resolved_date: null, resolved_by: null,
    note: null, created_at: '2027-01-01T00:00:00Z', updated_at: '2027-01-01T00:00:00Z', moved_by_user: 0, overdue_from: null, body: null,
  };
}

// Orlov works in Russia, Monday to Friday.
const russia = new WorkCalendar([1, 2, 3, 4, 5]);
const workdays = async (): Promise<IsWorkday> => (_employee, date) => russia.isWorkday(date, 'RU');

describe('"Snooze a week" from the calendar link', () => {
  it('lands on the next working day when a week on is a public holiday (16 February → 23 February, a day off in Russia → 24 February), at the same time', async () => {
    const db = await tempDatabase();
    await db.insertInto('touches').values(touch('2027-02-16', false)).execute();
    const outcome = await useLink(db, SECRET, signLink(SECRET, ID, 'snooze', 0), DateTime.fromISO('2027-02-15T09:00:00+03:00'), () => 'Europe/Moscow', {}, workdays);
    expect(outcome).toMatchObject({ result: 'recorded', movedTo: '2027-02-24' });
    const row = await db.selectFrom('touches').selectAll().where('id', '=', ID).executeTakeFirstOrThrow();
    expect([row.date, row.start_at, row.end_at]).toEqual(['2027-02-24', '2027-02-24T10:30:00.000+03:00', '2027-02-24T12:00:00.000+03:00']);
  });

  it('lands on the next working day whose hour is free when another meeting or call of the employee holds it a week on; one that ends as it starts does not', async () => {
    const db = await tempDatabase();
    await db.insertInto('touches').values(touch('2027-03-02', false)).execute();
    const other = (id: string, date: string, from: string, to: string, status: 'planned' | 'done' | 'cancelled' = 'planned') => ({
      ...touch(date, false), id, series: `rule:calls|perm|${id}`, start_at: `${date}T${from}:00.000+03:00`, end_at: `${date}T${to}:00.000+03:00`, status,
    });
    await db.insertInto('touches').values([
      other('1b9f4c3e-1d2a-5b6c-8d7e-9f0a1b2c3d4e', '2027-03-09', '11:30', '12:00'), // overlaps 10:30–12:00
      other('2b9f4c3e-1d2a-5b6c-8d7e-9f0a1b2c3d4e', '2027-03-10', '09:00', '10:31', 'done'), // a done one takes the hour too
      other('3b9f4c3e-1d2a-5b6c-8d7e-9f0a1b2c3d4e', '2027-03-11', '12:00', '12:30'), // ends before, starts after: no clash
      other('4b9f4c3e-1d2a-5b6c-8d7e-9f0a1b2c3d4e', '2027-03-11', '10:00', '10:30'),
    ]).execute();
    // Another employee's call at that hour is not Orlov's.
    await db.insertInto('touches').values({ ...other('5b9f4c3e-1d2a-5b6c-8d7e-9f0a1b2c3d4e', '2027-03-09', '10:30', '12:00'), employee_id: 'rusu' }).execute();
    const outcome = await useLink(db, SECRET, signLink(SECRET, ID, 'snooze', 0), DateTime.fromISO('2027-03-01T09:00:00+03:00'), () => 'Europe/Moscow', {}, workdays);
    expect(outcome).toMatchObject({ result: 'recorded', movedTo: '2027-03-11' });
    const row = await db.selectFrom('touches').selectAll().where('id', '=', ID).executeTakeFirstOrThrow();
    expect([row.start_at, row.end_at]).toEqual(['2027-03-11T10:30:00.000+03:00', '2027-03-11T12:00:00.000+03:00']);
  });

  it('an all-day touch too; a week on that is a working day is a week on', async () => {
    const db = await tempDatabase();
    await db.insertInto('touches').values(touch('2027-02-16', true)).execute();
    expect(await useLink(db, SECRET, signLink(SECRET, ID, 'snooze', 0), DateTime.fromISO('2027-02-15T09:00:00+03:00'), () => 'Europe/Moscow', {}, workdays))
      .toMatchObject({ result: 'recorded', movedTo: '2027-02-24' });
    expect(await useLink(db, SECRET, signLink(SECRET, ID, 'snooze', 1), DateTime.fromISO('2027-02-20T09:00:00+03:00'), () => 'Europe/Moscow', {}, workdays))
      .toMatchObject({ result: 'recorded', movedTo: '2027-03-03' });
  });
});

describe('"Snooze a week" on a greeting', () => {
  const greeting = (date: string) => ({ ...touch(date, true), source: 'campaign:womens-day', series: `campaign:womens-day|perm|${ID}`, kind: 'greeting', window_from: '2027-02-22', window_to: '2027-03-08' });
  const snooze = (db: Awaited<ReturnType<typeof tempDatabase>>, n: number) => useLink(db, SECRET, signLink(SECRET, ID, 'snooze', n), DateTime.fromISO('2027-03-01T09:00:00+03:00'), () => 'Europe/Moscow', {}, workdays);

  it('is not put off past its holiday (QA: an 8 March greeting went to the 12th): to the last working day before it, then no further, said so', async () => {
    const db = await tempDatabase();
    // Due on Tuesday 2 March; a week on (9 March) is past the holiday (Monday 8 March, a day off): Friday 5 March.
    await db.insertInto('touches').values(greeting('2027-03-02')).execute();
    expect(await snooze(db, 0)).toMatchObject({ result: 'recorded', movedTo: '2027-03-05' });
    // On the last working day already: the link's page says so at once, before any button…
    expect(await peekLink(db, SECRET, signLink(SECRET, ID, 'snooze', 1), () => 'Europe/Moscow', workdays)).toMatchObject({ refused: { result: 'holiday' } });
    // …and pressed all the same, it is not moved, and the link is not used up.
    const refused = await snooze(db, 1);
    expect(refused).toMatchObject({ result: 'holiday' });
    const row = await db.selectFrom('touches').selectAll().where('id', '=', ID).executeTakeFirstOrThrow();
    expect([row.date, row.status]).toEqual(['2027-03-05', 'planned']);
    expect(await db.selectFrom('used_links').selectAll().where('action', '=', 'snooze').execute()).toHaveLength(1);
  });

  it('a campaign\'s letter (not a greeting) goes a week on, past its date, as any touch (QA retest: refused as a greeting)', async () => {
    const db = await tempDatabase();
    await db.insertInto('touches').values({ ...greeting('2027-03-05'), kind: 'letter' }).execute();
    expect(await peekLink(db, SECRET, signLink(SECRET, ID, 'snooze', 0), () => 'Europe/Moscow', workdays)).toMatchObject({ action: 'snooze' });
    expect(await snooze(db, 0)).toMatchObject({ result: 'recorded', movedTo: '2027-03-12' });
  });

  it('a greeting whose holiday is more than a week off goes a week on, as any touch', async () => {
    const db = await tempDatabase();
    await db.insertInto('touches').values({ ...greeting('2027-02-22') }).execute();
    expect(await snooze(db, 0)).toMatchObject({ result: 'recorded', movedTo: '2027-03-01' });
  });
});
