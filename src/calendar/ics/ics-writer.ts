import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import { offsetAt } from '../../planner/zoned-time.ts';

/**
 * touchbase's one iCalendar renderer (RFC 5545), for the feeds and `plan --format ics` alike:
 * the same UIDs, the same zone-local times with VTIMEZONE blocks, so an exported plan imported
 * beside a subscribed feed is the same events, not copies. It writes as it goes (a feed of
 * thousands of events never exists as one string unless the caller joins it), escapes TEXT
 * values, and folds lines at 75 octets on UTF-8 character boundaries, as ical-generator 10
 * does (the output is property-tested against it and against ical.js).
 */

export interface IcsEvent {
  /** The full UID, e.g. "3f0c6c1e9d1a5b0e8c3f0a1b2c3d4e5f@touchbase". */
  readonly uid: string;
  readonly sequence: number;
  /** DTSTAMP: an ISO instant. */
  readonly stamp: string;
  readonly status: 'CONFIRMED' | 'CANCELLED';
  readonly summary: string;
  /** None on a cancelled event of a feed (feed.ts). */
  readonly description: string | undefined;
  readonly allDay: boolean;
  /** All-day: the date; timed: an ISO instant with offset. */
  readonly start: string;
  /** All-day: the next date (exclusive); timed: an ISO instant with offset. */
  readonly end: string;
  /** IANA zone a timed event is shown in (TZID). */
  readonly timezone: string;
  /** Reminders, in minutes before the start (a VALARM each). */
  readonly alarms: readonly number[];
}

export interface IcsCalendarHeader {
  readonly name: string;
  /** How often subscribers should refresh, in seconds. */
  readonly ttlSeconds?: number;
  /**
   * Zones used by the timed events (a VTIMEZONE block each, before the events). A calendar
   * must hold at least one component (RFC 5545 3.6): one with no event holds its owner's zone.
   */
  readonly zones: Iterable<string>;
}

export class IcsWriter {
  readonly #write: (chunk: string) => void;

  constructor(write: (chunk: string) => void) {
    this.#write = write;
  }

  begin(h: IcsCalendarHeader): void {
    let g = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//touchbase//touchbase//EN\r\n';
    // As calendars read these two (ical-generator wrote them so): unescaped, on one line.
    const name = h.name.replace(/[\r\n]+/g, ' ');
    g += fold(`NAME:${name}`);
    g += fold(`X-WR-CALNAME:${name}`);
    // Calendar properties before any component (RFC 5545 3.4): a strict reader drops what follows one.
    if (h.ttlSeconds) {
      g += `REFRESH-INTERVAL;VALUE=DURATION:${duration(h.ttlSeconds)}\r\n`;
      g += `X-PUBLISHED-TTL:${duration(h.ttlSeconds)}\r\n`;
    }
    for (const zone of [...new Set(h.zones)].sort()) g += vtimezone(zone);
    this.#write(g);
  }

  event(e: IcsEvent): void {
    let g = 'BEGIN:VEVENT\r\n';
    g += fold(`UID:${e.uid}`);
    g += `SEQUENCE:${e.sequence}\r\n`;
    g += `DTSTAMP:${utcStamp(e.stamp)}\r\n`;
    if (e.allDay) {
      g += `DTSTART;VALUE=DATE:${compactDate(e.start)}\r\nDTEND;VALUE=DATE:${compactDate(e.end)}\r\n`;
      g += 'X-MICROSOFT-CDO-ALLDAYEVENT:TRUE\r\nX-MICROSOFT-MSNCALENDAR-ALLDAYEVENT:TRUE\r\n';
    } else if (vtimezone(e.timezone) === '') {
      // A zone whose VTIMEZONE the tz data here lacks (a name newer than it, Europe/Kyiv): a TZID
      // without its definition is floating time to most readers (each reads it in their own zone),
      // so the instant is written in UTC, which every calendar shows right.
      g += `DTSTART:${utcStamp(e.start)}\r\nDTEND:${utcStamp(e.end)}\r\n`;
    } else {
      g += fold(`DTSTART;TZID=${e.timezone}:${wallTime(e.start, e.timezone)}`);
      g += fold(`DTEND;TZID=${e.timezone}:${wallTime(e.end, e.timezone)}`);
    }
    g += fold(`SUMMARY:${escapeText(e.summary)}`);
    if (e.description !== undefined) g += fold(`DESCRIPTION:${escapeText(e.description)}`);
    if (e.status === 'CONFIRMED') {
      for (const minutes of e.alarms) {
        g += `BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:${duration(-minutes * 60)}\r\n${fold(`DESCRIPTION:${escapeText(e.summary)}`)}END:VALARM\r\n`;
      }
    }
    g += `STATUS:${e.status}\r\nCLASS:PRIVATE\r\nEND:VEVENT\r\n`;
    this.#write(g);
  }

  end(): void {
    this.#write('END:VCALENDAR\r\n');
  }
}

/** A whole calendar as one string (small documents: tests, a few events). */
export function renderIcs(header: IcsCalendarHeader, events: Iterable<IcsEvent>): string {
  const parts: string[] = [];
  const w = new IcsWriter((chunk) => parts.push(chunk));
  w.begin(header);
  for (const e of events) w.event(e);
  w.end();
  return parts.join('');
}

/** TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma; line breaks as \n. */
export function escapeText(text: string): string {
  return text.replace(/[\\;,]/g, (m) => `\\${m}`).replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * One content line, folded: at most 74 octets on the first line and a space plus 74 on each
 * continuation, never inside a UTF-8 character (nor between the halves of a surrogate pair).
 */
export function fold(line: string): string {
  // Fast path: ASCII and short (nearly every line).
  if (line.length <= 74 && !/[^\x00-\x7f]/.test(line)) return `${line}\r\n`;
  let out = '';
  let start = 0;
  let octets = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    let size: number;
    let width = 1;
    if (c < 0x80) size = 1;
    else if (c < 0x800) size = 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < line.length) {
      size = 4;
      width = 2;
    } else size = 3;
    octets += size;
    if (octets > 74) {
      out += `${line.slice(start, i)}\r\n `;
      start = i;
      octets = size;
    }
    i += width - 1;
  }
  return `${out}${line.slice(start)}\r\n`;
}

/** An RFC 5545 duration of whole seconds, as ical-generator writes it (-P1D, -PT15M, -P1DT1H). */
export function duration(seconds: number): string {
  let s = seconds < 0 ? '-P' : 'P';
  let left = Math.abs(seconds);
  if (left >= 86_400) {
    s += `${Math.floor(left / 86_400)}D`;
    left %= 86_400;
    if (!left) return s;
  }
  s += 'T';
  if (left >= 3600) {
    s += `${Math.floor(left / 3600)}H`;
    left %= 3600;
  }
  if (left >= 60) {
    s += `${Math.floor(left / 60)}M`;
    left %= 60;
  }
  if (left > 0) s += `${left}S`;
  else if (s.endsWith('PT')) s += '0S';
  return s;
}

const zoneBlocks = new Map<string, string>();

/** The VTIMEZONE block of a zone (from the tz database via @touch4it/ical-timezones), memoised. */
function vtimezone(zone: string): string {
  let block = zoneBlocks.get(zone);
  if (block === undefined) {
    const text = getVtimezoneComponent(zone);
    block = text ? `${text.replace(/\r\n/g, '\n').replace(/\n/g, '\r\n').trim()}\r\n` : '';
    zoneBlocks.set(zone, block);
  }
  return block;
}

function compactDate(isoDate: string): string {
  return `${isoDate.slice(0, 4)}${isoDate.slice(5, 7)}${isoDate.slice(8, 10)}`;
}

/** 20270328T100000 — the local wall time of an instant in a zone (exact across DST). */
function wallTime(iso: string, zone: string): string {
  const ms = Date.parse(iso);
  const local = new Date(ms + offsetAt(zone, ms) * 60_000).toISOString();
  return `${compactDate(local)}T${local.slice(11, 13)}${local.slice(14, 16)}${local.slice(17, 19)}`;
}

/** 20270101T000000Z */
function utcStamp(iso: string): string {
  const utc = new Date(Date.parse(iso)).toISOString();
  return `${compactDate(utc)}T${utc.slice(11, 13)}${utc.slice(14, 16)}${utc.slice(17, 19)}Z`;
}
