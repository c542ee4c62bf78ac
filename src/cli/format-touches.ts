import type { DateTime } from 'luxon';
import type { Config, Touch } from '../domain/types.ts';
import { touchesToIcs } from '../calendar/ics/touches-to-ics.ts';
import type { EventLinks } from '../sync/desired-events.ts';

export type TouchFormat = 'table' | 'json' | 'csv' | 'ics';
export const TOUCH_FORMATS: readonly TouchFormat[] = ['table', 'json', 'csv', 'ics'];

/** The JSON shape of a touch, as the configuration format document specifies (and a little more). */
export function touchJson(t: Touch) {
  return {
    id: t.id, source: t.source, kind: t.kind, client: t.client, contacts: t.contacts, employee: t.employee,
    date: t.date, start: t.start, end: t.end, allDay: t.allDay, title: t.title, window: t.window,
    remind: t.remind, status: t.status, overdue: t.overdue,
  };
}

/** What an iCalendar export needs to write each touch exactly as its calendar event. */
export interface IcsContext {
  readonly config: Config;
  readonly links: EventLinks | undefined;
}

export function formatTouches(touches: readonly Touch[], format: TouchFormat, now: DateTime, ics?: IcsContext): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(touches.map(touchJson), null, 2)}\n`;
    case 'csv':
      return toCsv(touches);
    case 'ics':
      if (!ics) throw new Error('an iCalendar export needs the configuration');
      return touchesToIcs(touches, ics.config, ics.links, now.toUTC().toISO()!);
    case 'table':
      return toTable(touches);
  }
}

const CSV_COLUMNS = ['id', 'source', 'kind', 'client', 'contacts', 'employee', 'date', 'start', 'end', 'allDay', 'title', 'window_from', 'window_to', 'status', 'overdue'] as const;

function toCsv(touches: readonly Touch[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const t of touches) {
    const cells = [t.id, t.source, t.kind, t.client, t.contacts.join(' '), t.employee, t.date, t.start, t.end, String(t.allDay), t.title, t.window.from, t.window.to, t.status, String(t.overdue)];
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A plain text table; the first 8 characters of an id are enough for `done` and `skip`. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], maxWidth = 60): string {
  const widths = header.map((h, i) => Math.min(maxWidth, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return `${[line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`;
}

function toTable(touches: readonly Touch[]): string {
  if (touches.length === 0) return 'No touches in this period.\n';
  const rows = touches.map((t) => [
    t.date, t.allDay ? 'all day' : `${t.start.slice(11, 16)}-${t.end.slice(11, 16)}`, t.employee, t.kind, t.client,
    `${t.overdue ? '[overdue] ' : ''}${t.status === 'planned' ? '' : `[${t.status}] `}${t.title}`, t.id.slice(0, 8),
  ]);
  return `${renderTable(['date', 'time', 'employee', 'kind', 'client', 'title', 'id'], rows)}${touches.length} touch${touches.length === 1 ? '' : 'es'}\n`;
}
