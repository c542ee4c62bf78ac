import * as crypto from 'node:crypto';
import type { Config, Kind } from '../domain/types.ts';
import type { CalendarEntry } from './calendar-entries.ts';
import { isOverdue } from '../domain/overdue.ts';
import { clientById, employeeById } from '../domain/config-index.ts';
import type { DesiredEvent } from '../calendar/port.ts';
import type { SyncedTouch } from '../storage/sync-queries.ts';
import { translator, type MessageKey, type Translator } from '../i18n/translator.ts';
import { describeDetail } from '../reports/timeline.ts';
import { campaignHolidayName } from '../i18n/holiday-names.ts';
import { allDayMinutesIn } from '../calendar/all-day-reminders.ts';

/** The one-click links of an open touch (done, skip, snooze a week), when the HTTP server is known. */
export type EventLinks = (touch: { id: string; date: string }) => { done: string; skip: string; snooze: string };

/**
 * The calendar event an entry should be: a private reminder in our employee's own calendar
 * that says what to do and who to contact. The client is never invited. A meeting or call is
 * its own event; a day's all-day touches of one campaign or rule are one event listing each
 * recipient with its own links, and the rule's reminders.
 */
export function entryEvent(entry: CalendarEntry, config: Config, links?: EventLinks, today?: string): DesiredEvent {
  const touches = entry.touches;
  if (touches.length === 1) return touchEvent(touches[0]!, entry.id, config, links, today);
  const tr = translator(config.settings.language);
  const { t } = tr;
  const first = touches[0]!;
  const employee = employeeById(config, first.employee_id);
  const done = touches.filter((x) => x.status === 'done').length;
  const names = [...new Set(touches.map((x) => clientById(config, x.client_id)?.name ?? x.client_id))];
  const kind = first.kind as Kind;
  const source = sourceLabel(first, config, tr);
  const grouped = t('event.groupTitle', {
    what: KINDS.has(kind) ? t(`event.kindsTitle.${kind}` as MessageKey) : first.kind, source, count: touches.length,
    names: `${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''}`,
  });
  // Late, every one still open: said as a single touch's event says it ("Overdue: …", and why it is here).
  const open = touches.filter((x) => x.status === 'planned');
  const late = open.length > 0 && open.every((x) => overdue(config, x, today)) ? open[0] : undefined;
  const title = done === touches.length ? `✓ ${grouped}` : late ? t('event.overdueTitle', { title: grouped }) : grouped;
  const lines = [
    t('event.groupIntro', {
      count: touches.length, what: KINDS.has(kind) ? t(`event.kinds.${kind}` as MessageKey, { count: touches.length }) : first.kind, source,
      from: tr.date(first.window_from), to: tr.date(first.window_to), done: done ? t('event.groupDone', { count: done }) : '',
    }),
    ...(late ? [overdueLine(late, tr)] : []),
    '',
  ];
  // Each recipient with its links while the text stays within what every calendar takes; the
  // rest by count, with the command that lists them all.
  let length = lines.join('\n').length;
  let shown = 0;
  for (const x of touches) {
    const client = clientById(config, x.client_id);
    const contacts = contactsOf(x, client);
    const block = [`${shown + 1}. ${client?.name ?? x.client_id}: ${contacts.length ? contacts.map(contactLine).join('; ') : x.title}`, ...outcomeLines(x, config, links, '   ', tr)];
    const blockLength = block.reduce((n, line) => n + line.length + 1, 0);
    if (shown > 0 && length + blockLength > GROUP_DESCRIPTION_BUDGET) break;
    lines.push(...block);
    length += blockLength;
    shown++;
  }
  if (shown < touches.length) lines.push(t('event.groupMore', { count: touches.length - shown, employee: first.employee_id, date: first.date }));
  // Every reminder the open ones ask for (one rule's or campaign's: the same list, unless it
  // changed since one was done), as a single touch's event has. Only the earliest left a group of
  // letters with `remind: [3 days, 1 day]` without the day-before one that a single letter got.
  const reminders = allDayReminders(open.flatMap((x) => parsedList(x.remind)), workStart(config, employee));
  return finish({
    key: entry.id.replace(/-/g, ''), touchId: entry.id, title: title.length > 160 ? `${title.slice(0, 159)}…` : title, description: lines.join('\n'),
    allDay: true, start: first.date, end: first.end_at, timezone: employee?.timezone ?? config.settings.timezone, reminders,
  });
}

/**
 * The longest description a group event lists recipients into (characters), below the smallest
 * limit of the calendars it is written to: Google Calendar refuses a description much over 8,192
 * characters, and Exchange an event over 32 kB. A day's greeting to thousands of clients would
 * otherwise be one event of megabytes, refused by both and heavy in every feed reader.
 */
export const GROUP_DESCRIPTION_BUDGET = 7_600;

/** The longest event title written (characters): Exchange keeps 255 of a subject. */
const TITLE_LIMIT = 255;

/** The event of a single touch (kept for callers that have one touch: a meeting, a workflow's alert). */
export function desiredEvent(touch: SyncedTouch, config: Config, links?: EventLinks, today?: string): DesiredEvent {
  return touchEvent(touch, touch.id, config, links, today);
}

/**
 * Overdue as everywhere else (workflows/overdue.ts): open `overdue.after` days past its day, or
 * moved forward as overdue. Without `today`, only the latter (what is recorded).
 */
function overdue(config: Config, touch: SyncedTouch, today: string | undefined): boolean {
  return today === undefined ? touch.status === 'planned' && touch.overdue_from !== null : isOverdue(config, touch, today);
}

/**
 * Why a late touch is where it is: moved to the next working day each morning until done, or, a
 * greeting after its holiday, left on its belated day (workflows/daily.ts occasionPassed).
 */
function overdueLine(touch: SyncedTouch, tr: Translator): string {
  const date = tr.date(touch.overdue_from ?? touch.date);
  return touch.source.startsWith('campaign:') ? tr.t('event.belated', { date }) : tr.t('event.overdue', { date });
}

function touchEvent(touch: SyncedTouch, entryId: string, config: Config, links: EventLinks | undefined, today: string | undefined): DesiredEvent {
  const tr = translator(config.settings.language);
  const { t } = tr;
  const employee = employeeById(config, touch.employee_id);
  const client = clientById(config, touch.client_id);
  const contacts = contactsOf(touch, client);
  const late = overdue(config, touch, today);
  const kind = KINDS.has(touch.kind as Kind) ? t(`kind.${touch.kind}` as MessageKey) : touch.kind;
  const head = [
    ...(touch.body ? [touch.body, ''] : []),
    ...(touch.client_id === '*' ? [] : [t('event.for', { kind: capitalise(kind), client: client?.name ?? touch.client_id, source: touch.source })]),
    // A window of one day (a digest's, an event's) is said as that day, not "between 18.01 and 18.01".
    late ? overdueLine(touch, tr) : touch.window_from === touch.window_to ? t('event.dueOn', { date: tr.date(touch.window_from) })
      : t('event.due', { from: tr.date(touch.window_from), to: tr.date(touch.window_to) }),
    '',
  ];
  const tail = outcomeLines(touch, config, links, '', tr);
  // The contacts while the text stays within what every calendar takes (a feedback request to a
  // client's 150 buyers was refused by Google for good); the rest by count, with the command
  // that lists them.
  const listed: string[] = [];
  if (contacts.length) {
    // Room kept for the line that counts the rest.
    const more = t('event.contactsMore', { count: contacts.length, client: touch.client_id }).length + 1;
    let length = [...head, ...tail].reduce((n, line) => n + line.length + 1, 0) + t('event.contacts').length + 2 + more;
    for (const c of contacts) {
      const line = `- ${contactLine(c)}`;
      if (listed.length > 0 && length + line.length + 1 > GROUP_DESCRIPTION_BUDGET) break;
      listed.push(line);
      length += line.length + 1;
    }
    if (listed.length < contacts.length) listed.push(t('event.contactsMore', { count: contacts.length - listed.length, client: touch.client_id }));
  }
  const lines = [...head, ...(listed.length ? [t('event.contacts'), ...listed, ''] : []), ...tail];
  const done = touch.status === 'done';
  // An escalation of an overdue touch says so in its own title ("…: overdue since 23.12 — …"):
  // "Overdue:" before it read twice (QA).
  const title = done ? `✓ ${touch.title}` : late && !touch.source.startsWith('escalation:overdue') ? t('event.overdueTitle', { title: touch.title }) : touch.title;
  return finish({
    key: entryId.replace(/-/g, ''),
    touchId: entryId,
    // Exchange keeps 255 characters of a subject; a title naming every one of many contacts is cut there.
    title: title.length > TITLE_LIMIT ? `${title.slice(0, TITLE_LIMIT - 1).replace(/[\uD800-\uDBFF]$/, '')}…` : title,
    description: lines.join('\n'),
    allDay: touch.all_day === 1,
    start: touch.all_day ? touch.date : touch.start_at,
    end: touch.end_at,
    timezone: employee?.timezone ?? config.settings.timezone,
    // A touch that is done needs no reminder.
    reminders: done ? [] : touch.all_day ? allDayReminders(parsedList(touch.remind), workStart(config, employee)) : parsedList(touch.remind),
  });
}

/**
 * An all-day event's reminders, in minutes before its start — midnight, in every calendar: a
 * rule's "1 day" is said as calendars say it for a day's events, "1 day before at 09:00" (the
 * holder's start of work), not as a phone buzzing at midnight before each greeting day. Part of
 * a day counts as a day ("2 hours" is the day before at 09:00, the last working moment before
 * it); none at all (an alert's "at its start") would be that midnight: no reminder.
 */
export function allDayReminders(minutes: readonly number[], workStart: number): number[] {
  const out = new Set<number>();
  for (const m of minutes) {
    const days = Math.ceil(m / 1440);
    if (days > 0) out.add(days * 1440 - workStart);
  }
  return [...out].sort((a, b) => b - a);
}

/** When the holder's working day starts (minutes after midnight), for all-day reminders. */
function workStart(config: Config, employee: Config['employees'][number] | undefined): number {
  return (employee?.hours ?? config.settings.hours).start;
}

/** How a touch is marked: its links while it is open, what happened once it is done. */
function outcomeLines(touch: SyncedTouch, config: Pick<Config, 'employees'>, links: EventLinks | undefined, indent: string, tr: Translator): string[] {
  const { t } = tr;
  const short = touch.id.slice(0, 8);
  // The weekly digest is something to read, not a touch with a client to mark.
  if (touch.source.startsWith('digest:')) return [];
  if (touch.status === 'done') {
    const by = touch.resolved_by ? employeeById(config, touch.resolved_by)?.name ?? touch.resolved_by : undefined;
    // The notes touchbase itself writes ("marked done from the calendar link") in the company's language; a person's own as written.
    return [`${indent}${t('event.doneOn', { date: tr.date(touch.resolved_date ?? touch.date) })}${by ? t('event.doneBy', { name: by }) : ''}${touch.note ? `: ${describeDetail(touch.note, tr)}` : ''}.`, ''];
  }
  const out: string[] = [];
  if (links) {
    const url = links(touch);
    out.push(`${indent}${t('event.linkDone')}: ${url.done}`, `${indent}${t('event.linkSkip')}: ${url.skip}`, `${indent}${t('event.linkSnooze')}: ${url.snooze}`);
  }
  out.push(`${indent}${t('event.cli', { id: touch.id, short })}`, '');
  return out;
}

function contactsOf(touch: SyncedTouch, client: Config['clients'][number] | undefined) {
  // Parsed each time: a cache of the lists by their text cost more than it saved (hashing a
  // fresh string reads it as parsing does) and, capped at 200,000, was cleared again and again at
  // 50,000 clients (700,000 lists; 0.6 s of a first sync).
  const ids = JSON.parse(touch.contact_ids) as string[];
  return ids.map((id) => client?.contacts.find((c) => c.id === id)).filter((c) => c !== undefined);
}

function contactLine(c: Config['clients'][number]['contacts'][number]): string {
  return `${c.name}, ${c.role}${c.email ? `, ${c.email}` : ''}${c.phone ? `, ${c.phone}` : ''}`;
}

const KINDS: ReadonlySet<string> = new Set<Kind>(['meeting', 'call', 'letter', 'greeting', 'feedback', 'news']);

/** "campaign:new-year" → its name or holiday's name, or "new-year"; "rule:feedback" → its name, or "feedback"; "handover:a:b" → "передача клиентов Anna Ivanova → Oleg Lupu". */
function sourceLabel(touch: Pick<SyncedTouch, 'source' | 'client_id' | 'window_to'>, config: Config, tr: Translator): string {
  const [kind, ...rest] = touch.source.split(':');
  // A campaign by its holiday's name, as its greetings' titles say it ("День защитника
  // Отечества", not "defender"); a campaign of a date has only its id.
  if (kind === 'campaign') {
    const country = clientById(config, touch.client_id)?.country ?? config.settings.country;
    return campaignHolidayName(config, rest.join(':'), country, touch.window_to) ?? rest.join(':');
  }
  if (kind === 'handover' && rest.length === 2) {
    // The people by their names, in the company's language: not an English word and two ids in a Russian calendar.
    const [from, to] = rest.map((id) => employeeById(config, id)?.name ?? id) as [string, string];
    return tr.t('event.groupHandover', { from, to });
  }
  // A rule by its name when it has one ("Запросы отзыва (Отзыв после поставки) × 2", not "(feedback)").
  if (kind === 'rule') return config.rules.find((r) => r.id === rest.join(':'))?.name ?? rest.join(':');
  return rest.join(':') || touch.source;
}

/** The content hash over everything the event shows: an unchanged hash means nothing to write. */
function finish(base: Omit<DesiredEvent, 'contentHash'>): DesiredEvent {
  let text = [base.key, base.title, base.description, base.allDay ? '1' : '0', base.start, base.end, base.timezone, base.reminders.join(',')].join('\u0000');
  // An all-day reminder across a change of clocks is sent to Google and Outlook in real minutes
  // (all-day-reminders.ts): such an event's content is that too, so that one written before with
  // the wall-clock minutes (an hour off) is written again once. Any other event's hash is as it was.
  if (base.allDay && base.reminders.length > 0) {
    const exact = allDayMinutesIn(base.start, base.timezone, base.reminders);
    if (exact.some((m, i) => m !== base.reminders[i])) text += `\u0000${exact.join(',')}`;
  }
  return { ...base, contentHash: sha256(text).slice(0, 32) };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
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
