import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { tempDatabase } from '../helpers/temp-database.ts';
import { planWithHistory } from '../../src/plan-service.ts';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS, client, configOf, employee, tempDir } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';

// Anna (two calls a day) calls four clients every week; Boris (one a day) his own five, one a
// day: his week is full. On Thursday Anna's clients become his — by a new owner in the export,
// or by a handover from Thursday on.
const company = (owner: 'anna' | 'boris', handover = false) => configOf({
  ...SETTINGS,
  employees: [employee('anna', 'account_manager', { meetings_per_day: 2 }), employee('boris', 'account_manager', { meetings_per_day: 1 })],
  clients: [
    ...Array.from({ length: 4 }, (_, i) => client(`a${i}`, { roles: ['buyer'], since: '2026-01-01', team: { account_manager: owner } })),
    ...Array.from({ length: 5 }, (_, i) => client(`b${i}`, { roles: ['buyer'], since: '2026-01-01', team: { account_manager: 'boris' } })),
  ],
  rules: [{ id: 'weekly', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 week', per: 'client' }],
  ...(handover ? { handovers: [{ from: 'anna', to: 'boris', on: '2027-03-04', notice_from: 'leaving' }] } : {}),
});

const MONDAY = DateTime.fromISO('2027-03-01T07:00:00+03:00');
const TUESDAY = DateTime.fromISO('2027-03-02T07:00:00+03:00');
const THURSDAY = DateTime.fromISO('2027-03-04T07:00:00+03:00');
const WEEK = { from: '2027-03-01', to: '2027-03-07' };

describe('calls already in a calendar, given to someone whose days are full (QA: cancelled with no warning)', () => {
  // A handover written on Tuesday: Anna's Wednesday has room, yet a call of Boris's days stays on its day rather than moving to hers.
  for (const [how, after, now] of [['a new owner', company('boris'), THURSDAY], ['a handover', company('anna', true), THURSDAY], ['a handover written before it', company('anna', true), TUESDAY]] as const) {
    it(`by ${how}: each stays on its day with its new holder, over their meetings_per_day and with a warning, never on top of another call`, async () => {
      const db = await tempDatabase();
      const first = await planWithHistory(db, company('anna'), WEEK, MONDAY, true);
      const hers = first.result.touches.filter((t) => t.employee === 'anna' && t.date >= '2027-03-04');
      // The scenario is what it says: some of Anna's calls fall on Thursday or Friday, and Boris has a call every day.
      expect(hers.length).toBeGreaterThan(0);
      expect(new Set(first.result.touches.filter((t) => t.employee === 'boris').map((t) => t.date)).size).toBe(5);

      const second = await planWithHistory(db, after, WEEK, now, true);
      expect(second.saved!.cancelled).toBe(0);
      for (const t of hers) {
        const now = second.result.touches.find((n) => n.id === t.id);
        expect(now, t.id).toMatchObject({ employee: 'boris', date: t.date, status: 'planned' });
        expect(second.result.warnings.find((w) => w.touch === t.id)?.message).toMatch(new RegExp(`kept on ${t.date} over boris's meetings_per_day: it was in anna's calendar`));
      }
      const cancelled = await db.selectFrom('touch_events').select('touch_id').where('type', '=', 'cancelled').execute();
      expect(cancelled).toEqual([]);
      const his = second.result.touches.filter((t) => t.employee === 'boris' && !t.allDay);
      for (const t of his) {
        const [s, e] = [Date.parse(t.start), Date.parse(t.end)];
        expect(his.filter((o) => o.id !== t.id && Date.parse(o.start) < e && s < Date.parse(o.end)).map((o) => o.id), t.id).toEqual([]);
      }
      await db.destroy();
    });
  }
});

describe('a handover dated in the past onto a successor at the cap (QA: 44 touches cancelled, check-ins of 14 clients among them, with no warning)', () => {
  it('cancels none of the leaver\'s touches: those in calendars stay on their days with the successor, check-ins (`anchor: last`) put past their weeks too', { timeout: 120_000 }, async () => {
    const work = tempDir();
    const dir = join(work, 'config');
    expect((await cli('demo-data', '--clients', '500', '--out', dir)).code).toBe(0);
    process.env.TOUCHBASE_FEEDS_DIR = join(work, 'feeds');
    try {
      const pass = async (now: string) => {
        const r = await cli('once', '--config', dir, '--db', join(work, 'db.sqlite'), '--now', now);
        expect(r.code, r.err).toBe(0);
        return r;
      };
      await pass('2026-12-08T09:00:00Z');
      appendFileSync(join(dir, 'handovers.yaml'), '  - { from: am-ru-3, to: am-ru-5, on: 2026-12-01 }\n');
      const handed = await pass('2026-12-08T10:00:00Z');
      expect(handed.out).toMatch(/recorded: \d+ new, \d+ moved, [1-9]\d* reassigned, 0 cancelled/);
      // Said, not listed: the touches kept over the successor's cap.
      expect(handed.err).toMatch(/^note: the plan has [1-9]\d* more warnings \(touches with no free slot, or kept on their day over a cap\): "touchbase plan --no-save" lists them$/m);
    } finally {
      delete process.env.TOUCHBASE_FEEDS_DIR;
    }
  });
});
