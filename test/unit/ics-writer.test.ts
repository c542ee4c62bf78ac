import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ical, { ICalAlarmType, ICalEventClass, ICalEventStatus } from 'ical-generator';
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { escapeText, fold, renderIcs, type IcsEvent } from '../../src/calendar/ics/ics-writer.ts';

const ZONES = ['Europe/Moscow', 'Europe/Bucharest', 'Europe/Chisinau', 'America/New_York'];

/** Text as calendars get it: Cyrillic, Romanian diacritics, emoji, the characters TEXT escapes, line breaks. */
const text = fc.array(fc.oneof(
  fc.constantFrom('Встреча с клиентом', 'Întâlnire cu șeful', 'a', ' ', ',', ';', '\\', '\n', '\r\n', '😀', 'ș', 'Ž', '—', '"', ':'),
  fc.string({ maxLength: 12 }),
), { maxLength: 40 }).map((parts) => parts.join(''));

const event: fc.Arbitrary<IcsEvent> = fc.record({
  allDay: fc.boolean(),
  // Around the 2027 DST changes and a year boundary.
  day: fc.integer({ min: 0, max: 400 }),
  minute: fc.integer({ min: 0, max: 47 }).map((n) => n * 30),
  length: fc.integer({ min: 1, max: 8 }).map((n) => n * 15),
  zone: fc.constantFrom(...ZONES),
  summary: text,
  description: text,
  sequence: fc.nat({ max: 40 }),
  cancelled: fc.boolean(),
  alarms: fc.uniqueArray(fc.constantFrom(5, 15, 60, 1440, 20160, 2880 + 90), { maxLength: 3 }),
  id: fc.stringMatching(/^[0-9a-f]{32}$/),
}).map((r) => {
  const date = DateTime.fromISO('2026-12-01', { zone: r.zone }).plus({ days: r.day });
  const start = date.startOf('day').plus({ minutes: r.minute });
  return {
    uid: `${r.id}@touchbase`, sequence: r.sequence, stamp: '2027-01-02T03:04:05.000Z', status: r.cancelled ? 'CANCELLED' : 'CONFIRMED',
    summary: r.summary, description: r.description, allDay: r.allDay,
    start: r.allDay ? date.toISODate()! : start.toISO()!, end: r.allDay ? date.plus({ days: 1 }).toISODate()! : start.plus({ minutes: r.length }).toISO()!,
    timezone: r.zone, alarms: r.alarms,
  } satisfies IcsEvent;
});

/** The same calendar through ical-generator 10, as the feed was rendered before. */
function viaIcalGenerator(name: string, events: readonly IcsEvent[]): string {
  const calendar = ical({ name, prodId: { company: 'touchbase', product: 'touchbase', language: 'EN' }, ttl: 900 });
  calendar.timezone({ name: null, generator: getVtimezoneComponent });
  for (const e of events) {
    const created = calendar.createEvent({
      id: e.uid, sequence: e.sequence,
      start: e.allDay ? DateTime.fromISO(e.start, { zone: 'utc' }) : DateTime.fromISO(e.start, { setZone: true }).setZone(e.timezone),
      end: e.allDay ? DateTime.fromISO(e.end, { zone: 'utc' }) : DateTime.fromISO(e.end, { setZone: true }).setZone(e.timezone),
      allDay: e.allDay, timezone: e.allDay ? null : e.timezone, summary: e.summary, description: e.description,
      stamp: DateTime.fromISO(e.stamp, { zone: 'utc' }), class: ICalEventClass.PRIVATE,
      status: e.status === 'CANCELLED' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
    if (e.status === 'CONFIRMED') for (const m of e.alarms) created.createAlarm({ type: ICalAlarmType.display, trigger: m * 60, description: e.summary });
  }
  return calendar.toString();
}

/**
 * ical-generator writes the refresh interval after the VTIMEZONE blocks, where RFC 5545 (3.4:
 * calendar properties, then components) does not allow it; ours are written before them.
 */
function refreshFirst(ics: string): string {
  const refresh = /REFRESH-INTERVAL[^\r]*\r\nX-PUBLISHED-TTL[^\r]*\r\n/.exec(ics)![0];
  return ics.replace(refresh, '').replace(/(X-WR-CALNAME:[^\r]*\r\n)/, `$1${refresh}`);
}

function render(name: string, events: readonly IcsEvent[]): string {
  return renderIcs({ name, ttlSeconds: 900, zones: events.filter((e) => !e.allDay).map((e) => e.timezone) }, events);
}

describe('the iCalendar renderer', () => {
  it('writes byte for byte what ical-generator wrote (plus the final line break RFC 5545 asks for)', () => {
    fc.assert(fc.property(fc.array(event, { maxLength: 6 }), (events) => {
      // ical-generator orders VTIMEZONE blocks by first use; ours are sorted: compare with sorted use.
      const ordered = [...events].sort((a, b) => (a.allDay ? 1 : 0) - (b.allDay ? 1 : 0) || (a.timezone < b.timezone ? -1 : a.timezone > b.timezone ? 1 : 0));
      const firstTimed = [...new Set(ordered.filter((e) => !e.allDay).map((e) => e.timezone))];
      fc.pre(firstTimed.join() === [...firstTimed].sort().join());
      expect(render('Anna Ivanova — Volna touches', ordered)).toBe(`${refreshFirst(viaIcalGenerator('Anna Ivanova — Volna touches', ordered))}\r\n`);
    }), { numRuns: 300, seed: 1201 });
  });

  it('is read back by ical.js as the same events: text, times in their zone across DST, all-day dates, alarms, status, sequence', () => {
    fc.assert(fc.property(fc.array(event, { minLength: 1, maxLength: 6 }), text, (events, name) => {
      const ics = render(name || 'x', events);
      for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
      const root = new ICAL.Component(ICAL.parse(ics));
      for (const zone of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
      expect(root.getFirstPropertyValue('x-wr-calname')).toBe((name || 'x').replace(/[\r\n]+/g, ' '));
      const parsed = root.getAllSubcomponents('vevent');
      expect(parsed).toHaveLength(events.length);
      events.forEach((e, i) => {
        const v = new ICAL.Event(parsed[i]!);
        expect(v.uid).toBe(e.uid);
        expect(v.summary).toBe(e.summary.replace(/\r\n|\r/g, '\n'));
        expect(v.description).toBe(e.description === undefined ? null : e.description.replace(/\r\n|\r/g, '\n'));
        expect(v.sequence).toBe(e.sequence);
        expect(parsed[i]!.getFirstPropertyValue('status')).toBe(e.status);
        if (e.allDay) {
          expect(v.startDate.isDate).toBe(true);
          expect(v.startDate.toString()).toBe(e.start);
          expect(v.endDate.toString()).toBe(e.end);
        } else {
          expect(parsed[i]!.getFirstProperty('dtstart')!.getParameter('tzid')).toBe(e.timezone);
          expect(v.startDate.zone?.tzid).toBe(e.timezone);
          expect(v.startDate.toJSDate().getTime()).toBe(Date.parse(e.start));
          expect(v.endDate.toJSDate().getTime()).toBe(Date.parse(e.end));
        }
        const alarms = parsed[i]!.getAllSubcomponents('valarm').map((a) => -(a.getFirstPropertyValue('trigger') as ICAL.Duration).toSeconds() / 60);
        expect(alarms).toEqual(e.status === 'CONFIRMED' ? e.alarms : []);
      });
    }), { numRuns: 200, seed: 1202 });
  });

  it('folds long Cyrillic lines on UTF-8 character boundaries, never splitting a character or an emoji', () => {
    const line = `DESCRIPTION:${escapeText('Позвонить Алексею Беляеву 😀 и договориться о встрече; обсудить поставки, цены и сроки — до пятницы')}`;
    const folded = fold(line);
    const lines = folded.split('\r\n').slice(0, -1);
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) {
      expect(Buffer.byteLength(l, 'utf8')).toBeLessThanOrEqual(75);
      expect(Buffer.from(l, 'utf8').toString('utf8')).toBe(l); // no broken sequence
      expect(l).not.toMatch(/[\ud800-\udbff]$/);
    }
    expect(lines.map((l, i) => (i === 0 ? l : l.slice(1))).join('')).toBe(line);
  });

  it('a meeting across the DST change in Bucharest keeps its wall time and its zone block', () => {
    const ics = render('x', [{
      uid: 'a@touchbase', sequence: 0, stamp: '2027-01-01T00:00:00Z', status: 'CONFIRMED', summary: 's', description: 'd', allDay: false,
      start: '2027-03-29T10:00:00.000+03:00', end: '2027-03-29T11:00:00.000+03:00', timezone: 'Europe/Bucharest', alarms: [60],
    }]);
    expect(ics).toContain('DTSTART;TZID=Europe/Bucharest:20270329T100000\r\n');
    expect(ics).toContain('BEGIN:VTIMEZONE\r\nTZID:Europe/Bucharest\r\n');
    expect(ics).toContain('TRIGGER:-PT1H\r\n');
  });

  it('a meeting in a zone whose VTIMEZONE the tz data here lacks (Europe/Kyiv) is written in UTC, read by ical.js at its instant, not as floating time (review)', () => {
    expect(getVtimezoneComponent('Europe/Kyiv')).toBeFalsy();
    const ics = render('x', [{
      uid: 'k@touchbase', sequence: 0, stamp: '2027-01-01T00:00:00Z', status: 'CONFIRMED', summary: 's', description: 'd', allDay: false,
      start: '2027-03-29T10:00:00.000+03:00', end: '2027-03-29T11:00:00.000+03:00', timezone: 'Europe/Kyiv', alarms: [60],
    }]);
    expect(ics).toContain('DTSTART:20270329T070000Z\r\nDTEND:20270329T080000Z\r\n');
    expect(ics).not.toContain('TZID=Europe/Kyiv');
    const vevent = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!;
    const start = vevent.getFirstPropertyValue('dtstart') as ICAL.Time;
    expect(start.zone?.tzid).toBe('UTC');
    expect(start.toJSDate().toISOString()).toBe('2027-03-29T07:00:00.000Z');
  });
});
