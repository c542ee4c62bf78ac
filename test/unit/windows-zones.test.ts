import { describe, expect, it } from 'vitest';
import { IANAZone, DateTime } from 'luxon';
import { ianaZone, WINDOWS_ZONES } from '../../src/calendar/microsoft/windows-zones.ts';

describe('Windows zone names', () => {
  it('every one CLDR maps stands for a zone this Node knows; an IANA name passes as it is', () => {
    expect(Object.keys(WINDOWS_ZONES).length).toBeGreaterThan(130);
    expect(Object.entries(WINDOWS_ZONES).filter(([, zone]) => !IANAZone.isValidZone(zone))).toEqual([]);
    expect(ianaZone('Europe/Moscow')).toBe('Europe/Moscow');
  });

  it('the zones of these companies and their neighbours, at their offsets of today (QA: Central Asia Standard Time left a calendar unread)', () => {
    const offset = (windows: string) => DateTime.fromISO('2026-12-22T11:00', { zone: ianaZone(windows) }).toFormat('ZZ');
    expect([
      ['Russian Standard Time', offset('Russian Standard Time')], ['GTB Standard Time', offset('GTB Standard Time')],
      ['E. Europe Standard Time', offset('E. Europe Standard Time')], ['Central Asia Standard Time', offset('Central Asia Standard Time')],
      ['West Asia Standard Time', offset('West Asia Standard Time')], ['Ekaterinburg Standard Time', offset('Ekaterinburg Standard Time')],
      ['Caucasus Standard Time', offset('Caucasus Standard Time')], ['Georgian Standard Time', offset('Georgian Standard Time')],
    ]).toEqual([
      ['Russian Standard Time', '+03:00'], ['GTB Standard Time', '+02:00'], ['E. Europe Standard Time', '+02:00'], ['Central Asia Standard Time', '+06:00'],
      ['West Asia Standard Time', '+05:00'], ['Ekaterinburg Standard Time', '+05:00'], ['Caucasus Standard Time', '+04:00'], ['Georgian Standard Time', '+04:00'],
    ]);
  });
});
