import * as crypto from 'node:crypto';
import type { Config } from '../domain/types.ts';
import type { DesiredEvent } from '../calendar/port.ts';
import type { TouchRow } from '../storage/schema.ts';

/** The one-click links of an open touch (done, skip, snooze a week), when the HTTP server is known. */
export type EventLinks = (touch: { id: string; date: string }) => { done: string; skip: string; snooze: string };

/**
 * The calendar event a touch should be: a private reminder in our employee's own calendar
 * that says what the touch is for and who to contact. The client is never invited.
 */
export function desiredEvent(touch: TouchRow, config: Config, links?: EventLinks): DesiredEvent {
  const { employees, clients } = indexOf(config);
  const employee = employees.get(touch.employee_id);
  const client = clients.get(touch.client_id);
  const contactIds = JSON.parse(touch.contact_ids) as string[];
  const contacts = contactIds.map((id) => client?.contacts.find((c) => c.id === id)).filter((c) => c !== undefined);
  const lines = [
    ...(touch.body ? [touch.body, ''] : []),
    ...(touch.client_id === '*' ? [] : [`${capitalise(touch.kind)} for ${client?.name ?? touch.client_id} (${touch.source}).`]),
    touch.overdue_from ? `OVERDUE: it was due on ${touch.overdue_from}; it stays here, moved to the next working day, until it is done or skipped.`
      : `Due between ${touch.window_from} and ${touch.window_to}.`,
    '',
    ...(contacts.length ? ['Contacts:', ...contacts.map((c) => `- ${c.name}, ${c.role}${c.email ? `, ${c.email}` : ''}${c.phone ? `, ${c.phone}` : ''}`), ''] : []),
  ];
  if (links && touch.status === 'planned') {
    const url = links(touch);
    lines.push(`Done: ${url.done}`, `Skip: ${url.skip}`, `Snooze a week: ${url.snooze}`, '');
  }
  lines.push(`touchbase touch ${touch.id}: mark it with "touchbase done ${touch.id.slice(0, 8)}" or "touchbase skip ${touch.id.slice(0, 8)} --reason …".`);
  const base = {
    key: touch.id.replace(/-/g, ''),
    touchId: touch.id,
    title: touch.overdue_from ? `Overdue: ${touch.title}` : touch.title,
    description: lines.join('\n'),
    allDay: touch.all_day === 1,
    start: touch.all_day ? touch.date : touch.start_at,
    end: touch.end_at,
    timezone: employee?.timezone ?? config.settings.timezone,
    reminders: parsedList(touch.remind),
  };
  const text = [base.key, base.title, base.description, base.allDay ? '1' : '0', base.start, base.end, base.timezone, base.reminders.join(',')].join('\u0000');
  return { ...base, contentHash: sha256(text).slice(0, 32) };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const indexes = new WeakMap<Config, { employees: Map<string, Config['employees'][number]>; clients: Map<string, Config['clients'][number]> }>();

/** Employees and clients by id, built once per (frozen) configuration. */
function indexOf(config: Config) {
  let index = indexes.get(config);
  if (!index) {
    index = { employees: new Map(config.employees.map((e) => [e.id, e])), clients: new Map(config.clients.map((c) => [c.id, c])) };
    indexes.set(config, index);
  }
  return index;
}

const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** crypto.hash() (Node ≥ 20.12) skips building a Hash object for each of thousands of events. */
function sha256(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}

const lists = new Map<string, number[]>();

/** Reminder lists repeat across thousands of touches: each distinct one is parsed once. */
function parsedList(json: string): number[] {
  let list = lists.get(json);
  if (!list) {
    list = JSON.parse(json) as number[];
    lists.set(json, list);
  }
  return list;
}
