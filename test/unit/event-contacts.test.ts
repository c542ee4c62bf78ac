import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { desiredEvent, GROUP_DESCRIPTION_BUDGET } from '../../src/sync/desired-events.ts';
import type { DesiredEvent } from '../../src/calendar/port.ts';
import { syncCompany } from '../helpers/sync-company.ts';
import type { SyncedTouch } from '../../src/storage/sync-queries.ts';
import { configOf } from '../helpers/config-folder.ts';
import { workflowCompany } from '../helpers/workflow-company.ts';
import { client } from '../helpers/config-folder.ts';

const config = configOf(workflowCompany());

function touch(contactIds: string[]): SyncedTouch {
  return {
    id: '6c2f51e8-af44-5f67-8551-1e03399715ba', source: 'rule:buyer-calls', kind: 'call', client_id: 'alpha', contact_ids: JSON.stringify(contactIds),
    employee_id: 'anna', date: '2027-03-23', start_at: '2027-03-23T12:00:00.000+03:00', end_at: '2027-03-23T12:15:00.000+03:00', all_day: 0,
    title: 'alpha Ltd: call', window_from: '2027-03-23', window_to: '2027-03-25', remind: '[15]', status: 'planned',
    resolved_date: null, resolved_by: null, note: null, overdue_from: null, body: null,
  } as SyncedTouch;
}

describe('an event\'s contacts', () => {
  it('lists the touch\'s contacts in its order, with their roles, and leaves out one no longer in the client\'s list', () => {
    const ids = config.clients.find((c) => c.id === 'alpha')!.contacts.map((c) => c.id);
    const buyer = ids.find((id) => id.includes('buyer'))!;
    const ceo = ids.find((id) => id.includes('ceo'))!;
    const description = desiredEvent(touch([buyer, 'alpha-gone', ceo]), config).description;
    expect(description).toContain('Contacts:\n- buyer of alpha, buyer\n- ceo of alpha, ceo\n');
    expect(description).not.toContain('alpha-gone');
  });

  it('has no contacts section for a touch without contacts', () => {
    expect(desiredEvent(touch([]), config).description).not.toContain('Contacts:');
  });

  it('a touch with many contacts (a feedback request to 150 buyers) lists them within what every calendar takes, the rest by count; its title is cut at 255 characters', () => {
    const many = workflowCompany({ clients: [client('alpha', { roles: Array.from({ length: 150 }, () => 'buyer'), team: { account_manager: 'anna', sales_director: 'pavel' } })] });
    const big = configOf({ ...many, clients: (many.clients as { contacts: { name: string }[] }[]).map((c) => ({ ...c, contacts: c.contacts.map((k, i) => ({ ...k, name: `Контактное Лицо Номер ${i} Очень Длинное Имя`, email: `buyer${i}@alpha.example`, phone: '+7 495 123-45-67' })) })) });
    const ids = big.clients[0]!.contacts.map((c) => c.id);
    const event = desiredEvent({ ...touch(ids), title: `alpha Ltd: ask ${big.clients[0]!.contacts.map((c) => c.name).join(', ')}` }, big);
    expect(event.description.length).toBeLessThanOrEqual(GROUP_DESCRIPTION_BUDGET);
    const listed = event.description.split('\n').filter((l) => l.startsWith('- '));
    expect(listed.length).toBeGreaterThan(20);
    expect(listed.length).toBeLessThan(150);
    expect(event.description).toContain(`… and ${150 - listed.length} more: "touchbase plan --client alpha --format csv" lists them all.`);
    // The links and the command to mark it are still there, after the list.
    expect(event.description).toContain('touchbase done 6c2f51e8');
    expect(event.title.length).toBe(255);
    expect(event.title.endsWith('…')).toBe(true);
  });

  it('a done touch\'s note that touchbase wrote (a link pressed) is in the company\'s language; a person\'s own note as written', () => {
    const ru = configOf({ ...workflowCompany(), settings: { ...workflowCompany().settings, language: 'ru' } });
    const done = (note: string) => desiredEvent({ ...touch([]), status: 'done', resolved_date: '2027-03-23', resolved_by: 'anna', note } as SyncedTouch, ru).description;
    expect(done('marked done from the calendar link')).not.toContain('marked done from the calendar link');
    expect(done('marked done from the calendar link')).toMatch(/✓ Выполнено [^\n]*: [^\n]*[а-я]/);
    expect(done('договорились о визите')).toContain(': договорились о визите.');
  });

  it('says when it is due: a window of days as its first and last, a window of one day (a digest\'s, an event\'s) as that day', () => {
    expect(desiredEvent(touch([]), config).description).toContain('Due between 2027-03-23 and 2027-03-25.');
    const oneDay = desiredEvent({ ...touch([]), window_to: '2027-03-23' }, config).description;
    expect(oneDay).toContain('Due on 2027-03-23.');
    expect(oneDay).not.toContain('Due between');
  });
});

describe('an all-day event\'s content across a change of clocks', () => {
  const company = configOf(syncCompany('google'));
  const letter = (date: string): SyncedTouch => ({
    ...touch([]), id: '7d3f51e8-af44-5f67-8551-1e03399715bb', source: 'rule:letters', kind: 'letter', client_id: 'c1', employee_id: 'boris', date,
    start_at: date, end_at: DateTime.fromISO(date).plus({ days: 1 }).toISODate()!, all_day: 1, title: 'c1: letter', window_from: date, window_to: date, remind: '[40320]',
  } as SyncedTouch);
  /** The content hash as it was before reminders were sent in real minutes. */
  const before = (e: DesiredEvent) => createHash('sha256').update([e.key, e.title, e.description, '1', e.start, e.end, e.timezone, e.reminders.join(',')].join('\u0000')).digest('hex').slice(0, 32);

  it('is new only where its reminder crosses the change (written again once, in real minutes); every other event\'s is as it was (no rewrite of all)', () => {
    // Bucharest goes from +02:00 to +03:00 on 28 March 2027: a reminder 28 days before 29 March crosses it.
    const crossing = desiredEvent(letter('2027-03-29'), company);
    const after = desiredEvent(letter('2027-05-10'), company);
    expect(crossing.timezone).toBe('Europe/Bucharest');
    expect(after.contentHash).toBe(before(after));
    expect(crossing.contentHash).not.toBe(before(crossing));
  });
});
