import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { openMigrated, type DB } from '../../src/storage/database.ts';
import { planAndSync } from '../../src/sync/pass.ts';
import { markDone } from '../../src/storage/touch-repository.ts';
import type { Config } from '../../src/domain/types.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { SETTINGS, client, configOf, employee, tempDir } from '../helpers/config-folder.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';

/**
 * An incremental pass (re-planning the clients a change reaches, rewriting the calendars of the
 * people who serve them) must leave the database and the feeds exactly as a full pass would:
 * the same edits, outcomes and days given to two databases, one always incremental, one always
 * full, compared row by row and byte by byte after each pass.
 */

interface Company {
  clients: { id: string; owner: string; contacts: string[] }[];
  every: string;
  handover: boolean;
  hours: Record<string, string>;
  greeting: boolean;
  letters: boolean;
}

const EMPLOYEES = ['anna', 'boris', 'carla'] as const;

function configFor(c: Company): Config {
  return configOf({
    settings: { ...SETTINGS.settings, horizon: '45 days', calendar: 'ics' },
    employees: EMPLOYEES.map((id, i) => employee(id, 'account_manager', { hours: c.hours[id] ?? '09:00-18:00', meetings_per_day: 3, ...(i === 1 ? { country: 'RO', timezone: 'Europe/Bucharest' } : {}) })),
    clients: c.clients.map((k) => ({ ...client(k.id, { roles: [], team: { account_manager: k.owner }, since: '2025-01-10' }), contacts: k.contacts.map((role, i) => ({ id: `${k.id}-${i}`, name: `${role} ${i} of ${k.id}`, role })) })),
    rules: [
      { id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: c.every },
      ...(c.letters ? [{ id: 'letters', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: '1 month' }] : []),
      { id: 'followups', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '3 weeks', anchor: 'last' },
    ],
    ...(c.greeting ? { campaigns: [{ id: 'spring', on: '03-20', ours: 'account_manager', theirs: 'all' }] } : {}),
    ...(c.handover ? { handovers: [{ from: 'anna', to: 'carla', on: '2027-03-22', notice_from: 'leaving' }] } : {}),
  });
}

type Edit =
  | { kind: 'add-client'; owner: number; contacts: number }
  | { kind: 'remove-client'; pick: number }
  | { kind: 'add-contact'; pick: number; role: 'buyer' | 'ceo' }
  | { kind: 'remove-contact'; pick: number }
  | { kind: 'reassign'; pick: number; owner: number }
  | { kind: 'hours'; employee: number; hours: string }
  | { kind: 'cadence'; every: string }
  | { kind: 'handover' }
  | { kind: 'greeting' }
  | { kind: 'rule' }
  | { kind: 'done'; pick: number }
  | { kind: 'later'; minutes: number };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('add-client' as const), owner: fc.nat(2), contacts: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('remove-client' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('add-contact' as const), pick: fc.nat(), role: fc.constantFrom('buyer' as const, 'ceo' as const) }),
  fc.record({ kind: fc.constant('remove-contact' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('reassign' as const), pick: fc.nat(), owner: fc.nat(2) }),
  fc.record({ kind: fc.constant('hours' as const), employee: fc.nat(2), hours: fc.constantFrom('09:00-18:00', '10:00-16:00', '08:00-12:00') }),
  fc.record({ kind: fc.constant('cadence' as const), every: fc.constantFrom('1 month', '2 weeks') }),
  fc.record({ kind: fc.constant('handover' as const) }),
  fc.record({ kind: fc.constant('greeting' as const) }),
  fc.record({ kind: fc.constant('rule' as const) }),
  fc.record({ kind: fc.constant('done' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('later' as const), minutes: fc.constantFrom(30, 240, 60 * 24) }),
);

const open: DB[] = [];
// Both databases sign the one-click links with the same secret, so their events can be compared byte by byte.
beforeEach(() => { vi.stubEnv('TOUCHBASE_LINK_SECRET', 'incremental-pass-test-secret-0123456789abcdef'); });
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const db of open.splice(0)) await db.destroy();
});

/** Everything a pass writes, as comparable text: rows of every table it touches, and the feed files. */
async function state(db: DB, feedDir: string): Promise<Record<string, unknown>> {
  // Ordered by a whole key: a handed-over touch's event has the same key in two feeds, and
  // PostgreSQL returns ties in any order.
  const rows = async (table: 'touches' | 'touch_events' | 'ics_events' | 'calendar_sync', ...order: string[]) => {
    let query = db.selectFrom(table).selectAll();
    for (const column of order) query = query.orderBy(column as never);
    return (await query.execute()) as unknown[];
  };
  return {
    touches: await rows('touches', 'id'),
    history: (await rows('touch_events', 'seq')).map((r) => ({ ...(r as object), seq: undefined })),
    feedEvents: await rows('ics_events', 'event_key', 'employee_id'),
    syncRows: await rows('calendar_sync', 'entry_id', 'employee_id', 'provider'),
    // Each database names its feed files with its own secret tokens: keyed by the calendar's name instead.
    feeds: Object.fromEntries(readdirSync(feedDir).filter((f) => f.endsWith('.ics')).map((f) => readFileSync(join(feedDir, f), 'utf8')).map((text) => [/^NAME:(.*)$/m.exec(text)?.[1] ?? text, text]).sort()),
  };
}

describe('an incremental pass equals a full one', () => {
  it('after any sequence of edits (clients, contacts, teams, hours, a rule added or removed, cadences, handovers, greetings), outcomes and days, row by row and byte by byte', async () => {
    await fc.assert(fc.asyncProperty(fc.array(editArb, { minLength: 1, maxLength: 8 }), async (edits) => {
      const company: Company = {
        clients: [
          { id: 'c0', owner: 'anna', contacts: ['buyer', 'ceo'] },
          { id: 'c1', owner: 'boris', contacts: ['buyer', 'buyer', 'ceo'] },
          { id: 'c2', owner: 'carla', contacts: ['ceo'] },
          { id: 'c3', owner: 'anna', contacts: ['buyer'] },
        ],
        every: '1 month', handover: false, hours: {}, greeting: true, letters: true,
      };
      const dir = tempDir();
      const sides = await Promise.all(['incremental', 'full'].map(async (name) => {
        const db = await openMigrated(await tempDatabaseLocation({ file: join(dir, `${name}.sqlite`) }));
        open.push(db);
        return { name, db, feedDir: join(dir, `${name}-feeds`), full: name === 'full' };
      }));
      const clock = new ManualClock('2027-03-01T08:00:00+03:00');
      let next = 4;
      const pass = async () => {
        const config = configFor(company);
        for (const s of sides) await planAndSync(s.db, config, clock, { feedDir: s.feedDir, full: s.full });
        const [a, b] = await Promise.all(sides.map((s) => state(s.db, s.feedDir)));
        expect(a).toEqual(b);
      };
      await pass();
      for (const e of edits) {
        const k = company.clients.length ? company.clients[(('pick' in e ? e.pick : 0)) % company.clients.length] : undefined;
        if (e.kind === 'add-client') company.clients.push({ id: `c${next++}`, owner: EMPLOYEES[e.owner]!, contacts: ['buyer', 'ceo', 'buyer'].slice(0, e.contacts) });
        else if (e.kind === 'remove-client' && k && company.clients.length > 1) company.clients = company.clients.filter((c) => c !== k);
        else if (e.kind === 'add-contact' && k) k.contacts.push(e.role);
        else if (e.kind === 'remove-contact' && k && k.contacts.length > 1) k.contacts.pop();
        else if (e.kind === 'reassign' && k) k.owner = EMPLOYEES[e.owner]!;
        else if (e.kind === 'hours') company.hours[EMPLOYEES[e.employee]!] = e.hours;
        else if (e.kind === 'cadence') company.every = e.every;
        else if (e.kind === 'handover') company.handover = !company.handover;
        else if (e.kind === 'greeting') company.greeting = !company.greeting;
        else if (e.kind === 'rule') company.letters = !company.letters;
        else if (e.kind === 'later') clock.advance(e.minutes * 60_000);
        else if (e.kind === 'done') {
          // The same outcome recorded on both sides, as a person would.
          const open = await sides[0]!.db.selectFrom('touches').select('id').where('status', '=', 'planned').orderBy('id').execute();
          const touch = open[e.pick % Math.max(1, open.length)];
          if (touch) for (const s of sides) await markDone(s.db, touch.id, { at: clock.now().toUTC().toISO()!, date: clock.now().toISODate()!, by: undefined, note: 'done' });
        }
        await pass();
      }
    }), { numRuns: Number(process.env.TOUCHBASE_PROPERTY_RUNS ?? 40), seed: Number(process.env.TOUCHBASE_PROPERTY_SEED ?? 1103) });
  }, 600_000);
});

describe('the feed files of an incremental pass', () => {
  it('are rewritten for the people it reached; a missing file of someone it did not reach is written again; nothing else is touched', async () => {
    const company: Company = {
      clients: [{ id: 'c0', owner: 'anna', contacts: ['buyer'] }, { id: 'c1', owner: 'boris', contacts: ['buyer'] }],
      every: '1 month', handover: false, hours: {}, greeting: false, letters: false,
    };
    const dir = tempDir();
    const db = await openMigrated(join(dir, 'feeds.sqlite'));
    open.push(db);
    const feedDir = join(dir, 'feeds');
    const clock = new ManualClock('2027-03-01T08:00:00+03:00');
    const fileOf = (who: string) => readdirSync(feedDir).filter((f) => f.endsWith('.ics')).map((f) => join(feedDir, f)).find((f) => readFileSync(f, 'utf8').includes(`NAME:Emp ${who} `))!;
    const seen = (who: string) => ({ text: readFileSync(fileOf(who), 'utf8'), mtime: statSync(fileOf(who)).mtimeMs });

    expect((await planAndSync(db, configFor(company), clock, { feedDir })).scope.full).toBe(true);
    const anna = seen('anna');
    const carla = seen('carla');
    rmSync(fileOf('boris'));
    await sleep(20); // a rewrite would show in the files' times

    // A buyer more at anna's client: the pass reaches anna (not boris, not carla).
    company.clients[0]!.contacts.push('buyer');
    const edited = await planAndSync(db, configFor(company), clock, { feedDir });
    expect(edited.scope).toMatchObject({ full: false });
    expect(edited.scope.full === false && [...edited.scope.employees]).toEqual(['anna']);
    expect(seen('anna').text).not.toBe(anna.text);
    expect(seen('anna').text).toContain('buyer 1 of c0');
    // boris's file, deleted by someone, is back as it was written; carla's is not written again.
    expect(seen('boris').text).toContain('c1 Ltd');
    expect(seen('carla')).toEqual(carla);

    // Nothing changed: no file is written.
    const before = ['anna', 'boris', 'carla'].map(seen);
    await sleep(20);
    const idle = await planAndSync(db, configFor(company), clock, { feedDir });
    expect(idle.scope).toMatchObject({ full: false });
    expect(['anna', 'boris', 'carla'].map(seen)).toEqual(before);
    // And the same feeds as a full pass writes into a database of its own.
    const full = await openMigrated(join(dir, 'full.sqlite'));
    open.push(full);
    await planAndSync(full, configFor(company), clock, { feedDir: join(dir, 'full-feeds'), full: true });
    expect((await state(db, feedDir)).feeds).toEqual((await state(full, join(dir, 'full-feeds'))).feeds);
  });

  it('a new TOUCHBASE_FEED_SECRET makes the next pass a full one: every feed under its new name, none under the old (a leaked address is cut off)', async () => {
    const company: Company = {
      clients: [{ id: 'c0', owner: 'anna', contacts: ['buyer'] }, { id: 'c1', owner: 'boris', contacts: ['buyer'] }],
      every: '1 month', handover: false, hours: {}, greeting: false, letters: false,
    };
    const dir = tempDir();
    const db = await openMigrated(join(dir, 'secret.sqlite'));
    open.push(db);
    const feedDir = join(dir, 'feeds');
    const clock = new ManualClock('2027-03-01T08:00:00+03:00');
    vi.stubEnv('TOUCHBASE_FEED_SECRET', 'the-old-feed-secret-0123456789abcdef');
    await planAndSync(db, configFor(company), clock, { feedDir });
    const old = readdirSync(feedDir).filter((f) => f.endsWith('.ics')).sort();
    expect(old).toHaveLength(3);
    // The same day, nothing else changed: only the secret.
    vi.stubEnv('TOUCHBASE_FEED_SECRET', 'the-new-feed-secret-0123456789abcdef');
    const after = await planAndSync(db, configFor(company), clock, { feedDir });
    expect(after.scope.full).toBe(true);
    const now = readdirSync(feedDir).filter((f) => f.endsWith('.ics')).sort();
    expect(now).toHaveLength(3);
    expect(now.filter((f) => old.includes(f))).toEqual([]);
    expect(after.synced.feeds.map((f) => f.file.slice(feedDir.length + 1)).sort()).toEqual(now);
    // And the pass after that is incremental again.
    expect((await planAndSync(db, configFor(company), clock, { feedDir })).scope.full).toBe(false);
  });
});
