import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { cpSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { tempDir, writeConfig } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { NOW, syncCompany } from '../helpers/sync-company.ts';
import { daemonUnderTest, nextFinished, startedAndSynced, stopAll } from '../helpers/daemon-under-test.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';
import { openMigrated, type DB } from '../../src/storage/database.ts';
import { removalIssue, removalVerdict } from '../../src/domain/removal-guard.ts';

afterEach(stopAll);

const AT = NOW.toUTC().toISO()!;
const company = (clients: number) => ({ 'touchbase.yaml': syncCompany('ics', { clients }) });

/**
 * The shipped example company in a folder of its own, planned once by `once`: the command runner
 * and how many touches are open (of sources `like`, all without). Feeds go to a folder of its own.
 */
async function exampleOnceRun(): Promise<{ dir: string; dbFile: string; run: (...args: string[]) => ReturnType<typeof cli>; planned: (like?: string) => Promise<number> }> {
  const dir = join(tempDir(), 'config');
  cpSync(resolve('config'), dir, { recursive: true });
  const dbFile = await tempDatabaseLocation({ file: join(tempDir(), 'touchbase.sqlite') });
  process.env.TOUCHBASE_FEEDS_DIR = join(tempDir(), 'feeds');
  const run = (...args: string[]) => cli(...args, '--config', dir, '--db', dbFile, '--now', AT);
  expect((await run('once')).code).toBe(0);
  const planned = async (like?: string) => {
    const db = await openMigrated(dbFile);
    try {
      const open = db.selectFrom('touches').select('id').where('status', '=', 'planned');
      return (await (like ? open.where('source', 'like', like) : open).execute()).length;
    } finally {
      await db.destroy();
    }
  };
  return { dir, dbFile, run, planned };
}

/** How many planned and cancelled touches each client has (c0…c9). */
async function touchesByClient(dbFile: string): Promise<Map<string, { planned: number; cancelled: number }>> {
  const db: DB = await openMigrated(dbFile);
  try {
    const rows = await db.selectFrom('touches').select(['client_id', 'status']).execute();
    const by = new Map<string, { planned: number; cancelled: number }>();
    for (const r of rows) {
      const c = by.get(r.client_id) ?? { planned: 0, cancelled: 0 };
      if (r.status === 'planned') c.planned++;
      if (r.status === 'cancelled') c.cancelled++;
      by.set(r.client_id, c);
    }
    return by;
  } finally {
    await db.destroy();
  }
}

describe('removalVerdict: how many clients may go at once', () => {
  const ten = Array.from({ length: 10 }, (_, i) => `c${i}`);
  it('holds three or more gone when they are over a tenth of the clients with planned touches', () => {
    expect(removalVerdict(ten, ten.slice(0, 7))).toMatchObject({ gone: ['c7', 'c8', 'c9'], held: true, withTouches: 10 });
    expect(removalVerdict(ten, ten.slice(0, 8)).held).toBe(false); // two: the everyday case
    expect(removalVerdict(ten, []).held).toBe(true); // an export that came out empty
    // Every id changed (c0 → k0): held, and said to be a change of ids rather than a file cut short.
    const rekeyed = removalVerdict(ten, ten.map((id) => id.replace('c', 'k')));
    expect(rekeyed).toMatchObject({ held: true, arrived: ten.map((id) => id.replace('c', 'k')) });
    expect(removalIssue('/cfg', rekeyed, 'accept').found).toContain('their ids changed? (10 clients new to the plan came in: k0, k1, k2, …)');
    expect(removalIssue('/cfg', removalVerdict(ten, []), 'accept').found).toContain('an export that came out empty or cut short?');
    const many = Array.from({ length: 100 }, (_, i) => `c${i}`);
    expect(removalVerdict(many, many.slice(0, 90)).held).toBe(false); // a tenth exactly
    expect(removalVerdict(many, many.slice(0, 89)).held).toBe(true);
  });
  it('does not count clients accepted to leave, nor clients added', () => {
    expect(removalVerdict(ten, ten.slice(0, 6), new Set(['c6', 'c7'])).held).toBe(false);
    expect(removalVerdict(ten, [...ten.slice(0, 6), 'new1', 'new2'], new Set(['c6'])).unaccepted).toEqual(['c7', 'c8', 'c9']);
  });
  it('counts a client kept with no contact, where its touches are with some, as one gone', () => {
    // A contacts export that came out empty: every client still there, none with a contact.
    expect(removalVerdict(ten, ten, new Set(), ['c2', 'c1', 'c3'])).toMatchObject({ gone: ['contacts:c1', 'contacts:c2', 'contacts:c3'], held: true });
    expect(removalVerdict(ten, ten.slice(0, 9), new Set(), ['c1'])).toMatchObject({ gone: ['c9', 'contacts:c1'], held: false });
    expect(removalVerdict(ten, ten.slice(0, 9), new Set(), ['c1', 'c2']).held).toBe(true);
    expect(removalVerdict(ten, ten, new Set(['contacts:c1', 'contacts:c2']), ['c1', 'c2', 'c3']).unaccepted).toEqual(['contacts:c3']);
  });
});

describe('a configuration that drops many rules and campaigns at once waits for a person, as for clients (QA: rules.yaml moved aside deleted every event)', () => {
  it('removalVerdict holds three or more gone over a tenth of those planned on until now; two go through; accepted ones are not counted', () => {
    const programme = ['rule:a', 'rule:b', 'rule:c', 'rule:d', 'campaign:ny', 'campaign:mar8'];
    const clients = ['c0', 'c1'];
    const verdict = (configured: string[], accepted: string[] = []) => removalVerdict(clients, clients, new Set(accepted), [], { before: programme, configured });
    expect(verdict(['rule:c', 'rule:d', 'campaign:ny', 'campaign:mar8']).held).toBe(false);
    const held = verdict(['campaign:ny', 'campaign:mar8']);
    expect(held).toMatchObject({ held: true, programmeHeld: true, unaccepted: ['rule:a', 'rule:b', 'rule:c', 'rule:d'] });
    expect(removalIssue('/cfg', held, 'accept it')).toMatchObject({ field: 'rules', expected: 'at most 2 of the 6 rules and campaigns planned on until now to go at once' });
    expect(removalIssue('/cfg', held, 'accept it').found).toBe('4 gone (rule a, rule b, rule c, rule d): a file of rules or campaigns moved, renamed or emptied? Their touches are kept until it is back; if they are meant to go, accept it');
    expect(verdict(['campaign:ny', 'campaign:mar8'], ['rule:a', 'rule:b']).held).toBe(false);
    // Clients and rules gone at once: the clients' error counts clients only.
    const ten = Array.from({ length: 10 }, (_, i) => `c${i}`);
    const both = removalVerdict(ten, ten.slice(0, 3), new Set(), [], { before: programme, configured: [] });
    expect(both).toMatchObject({ held: true, programmeHeld: false });
    expect(removalIssue('/cfg', both, 'accept it').found).toMatch(/^7 gone \(c3, c4, c5, c6, c7, …\): an export/);
  });

  it('plan and once refuse the example company with its rules file moved aside, and change nothing; accept-removals lets them go', async () => {
    const { dir, dbFile, run, planned: open } = await exampleOnceRun();
    const planned = () => open('rule:%');
    try {
      const before = await planned();
      expect(before).toBeGreaterThan(0);
      renameSync(join(dir, 'rules.yaml'), join(dir, 'rules.yaml.bak'));
      for (const command of ['once', 'plan']) {
        const refused = await run(command);
        expect(refused.code, command).toBe(2);
        expect(refused.err).toMatch(/rules: expected at most 2 of the \d+ rules and campaigns planned on until now to go at once, found 5 gone \(rule ceo-to-ceo, rule director-to-director, rule feedback, /);
        expect(refused.err).toContain('a file of rules or campaigns moved, renamed or emptied?');
      }
      expect(await planned()).toBe(before);
      // A database that kept no list of them yet (imported, or from an earlier version) is weighed by its open touches.
      const db = await openMigrated(dbFile);
      await db.deleteFrom('daemon_info').where('key', '=', 'planned_programme').execute();
      await db.destroy();
      expect((await run('once')).err).toContain('found 5 gone (rule ceo-to-ceo,');
      expect(await planned()).toBe(before);
      const accepted = await cli('accept-removals', '--config', dir, '--db', dbFile);
      expect(accepted.out).toContain('accepted: 5 rules and campaigns with planned touches leave the plan (rule ceo-to-ceo, ');
      expect((await run('once')).code).toBe(0);
      expect(await planned()).toBe(0);
      // Campaigns of which no touch is open (none in this horizon) go without a word: nothing of theirs is cancelled.
      const campaigns = readFileSync(join(dir, 'campaigns.yaml'), 'utf8');
      const db2 = await openMigrated(dbFile);
      const open = new Set((await db2.selectFrom('touches').select('source').where('status', '=', 'planned').where('source', 'like', 'campaign:%').execute()).map((r) => r.source));
      await db2.destroy();
      const quiet = [...campaigns.matchAll(/^  - id: ([a-z0-9-]+)/gm)].map((m) => m[1]!).filter((id) => !open.has(`campaign:${id}`));
      expect(quiet.length).toBeGreaterThanOrEqual(3);
      writeFileSync(join(dir, 'campaigns.yaml'), stringify({ campaigns: (parse(campaigns) as { campaigns: { id: string }[] }).campaigns.filter((c) => !quiet.includes(c.id)) }));
      const quietGone = await run('once');
      expect(quietGone.code, quietGone.err).toBe(0);
    } finally {
      delete process.env.TOUCHBASE_FEEDS_DIR;
    }
  });
});

describe('a configuration that drops many clients at once waits for a person (an export cut short is not a decision)', () => {
  it('plan, once and sync refuse it and change nothing; --allow-removals lets them go; a client that came back is guarded again', async () => {
    const dir = writeConfig(company(10));
    const dbFile = await tempDatabaseLocation({ file: join(tempDir(), 'touchbase.sqlite') });
    const feeds = join(tempDir(), 'feeds');
    process.env.TOUCHBASE_FEEDS_DIR = feeds;
    try {
      const run = (...args: string[]) => cli(...args, '--config', dir, '--db', dbFile, '--now', AT);
      expect((await run('once')).code).toBe(0);
      const before = await touchesByClient(dbFile);
      expect(before.get('c9')!.planned).toBeGreaterThan(0);

      // The export now brings six of the ten clients.
      writeFileSync(join(dir, 'touchbase.yaml'), stringify(syncCompany('ics', { clients: 6 })));
      for (const command of ['once', 'plan', 'sync']) {
        const r = await run(command);
        expect(r.code, command).toBe(2);
        expect(r.err).toContain('nothing was changed');
        expect(r.err).toContain('clients: expected at most 2 of the 10 clients with planned touches to leave at once, found 4 gone (c6, c7, c8, c9)');
        // At the configuration folder, without a line and column of their own (a folder has none): not "<folder>:1:1".
        expect(r.err).toContain(`\n  ${dir}: clients: expected at most 2`);
        expect(r.err).toContain('--allow-removals');
      }
      expect(await touchesByClient(dbFile)).toEqual(before);
      // A dry run says so, and changes nothing either.
      const dry = await run('sync', '--dry-run');
      expect(dry.code).toBe(0);
      expect(dry.err).toContain('a sync would refuse this configuration: 4 of the 10 clients with planned touches are gone');
      expect(await touchesByClient(dbFile)).toEqual(before);
      // So does a plan not saved (a director previewing the new export), showing the plan without them.
      const preview = await run('plan', '--no-save', '--format', 'json');
      expect(preview.code).toBe(0);
      expect(preview.err).toContain('warning: recording this plan would be refused (so would once, sync and a running daemon): 4 of the 10 clients with planned touches are gone');
      expect((JSON.parse(preview.out) as { client: string }[]).some((t) => t.client === 'c9')).toBe(false);
      expect(await touchesByClient(dbFile)).toEqual(before);

      // A person says they are meant to go.
      const allowed = await run('once', '--allow-removals');
      expect(allowed.code).toBe(0);
      expect(allowed.err).toContain('4 clients leave the plan (c6, c7, c8, c9)');
      const after = await touchesByClient(dbFile);
      for (const id of ['c6', 'c7', 'c8', 'c9']) expect(after.get(id)).toMatchObject({ planned: 0, cancelled: before.get(id)!.planned });
      for (const id of ['c0', 'c5']) expect(after.get(id)).toEqual(before.get(id));
      expect((await run('once')).code).toBe(0); // accepted: not asked again

      // They come back, then go again at once: asked again.
      writeFileSync(join(dir, 'touchbase.yaml'), stringify(syncCompany('ics', { clients: 10 })));
      expect((await run('once')).code).toBe(0);
      expect((await touchesByClient(dbFile)).get('c9')!.planned).toBeGreaterThan(0);
      writeFileSync(join(dir, 'touchbase.yaml'), stringify(syncCompany('ics', { clients: 6 })));
      expect((await run('once')).code).toBe(2);
      // Two at a time is everyday work: no question.
      writeFileSync(join(dir, 'touchbase.yaml'), stringify(syncCompany('ics', { clients: 8 })));
      expect((await run('once')).code).toBe(0);
      expect((await touchesByClient(dbFile)).get('c9')).toMatchObject({ planned: 0 });
    } finally {
      delete process.env.TOUCHBASE_FEEDS_DIR;
    }
  });

  it('a contacts export cut short (every client kept, half their contacts gone) is held; accept-removals lets them go; a few contacts gone go through (QA: 92 events deleted)', async () => {
    const { dir, dbFile, run, planned } = await exampleOnceRun();
    try {
      const before = await planned();
      const file = join(dir, 'crm', 'contacts.csv');
      const [header, ...rows] = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '');
      // Every other row: a client with two contacts keeps one (the export's rows in any order).
      writeFileSync(file, [header, ...rows.filter((_, i) => i % 2 === 0)].join('\n') + '\n');
      for (const command of ['once', 'plan']) {
        const refused = await run(command);
        expect(refused.code, command).toBe(2);
        expect(refused.err).toMatch(/contacts: expected at most \d+ of the \d+ contacts with planned touches to go at once from the clients kept, found \d+ gone \([a-z0-9-]+ of [a-z0-9-]+, /);
        expect(refused.err).toContain('a contacts export that came out cut short?');
      }
      expect(await planned()).toBe(before);
      // A database that kept no number yet (the first plan of this version, one imported) is weighed by its open touches.
      const kept = await openMigrated(dbFile);
      await kept.deleteFrom('daemon_info').where('key', '=', 'planned_contacts').execute();
      await kept.destroy();
      expect((await run('once')).err).toContain('a contacts export that came out cut short?');
      expect(await planned()).toBe(before);
      expect((await run('plan', '--no-save')).err).toMatch(/warning: recording this plan would be refused .*: \d+ contacts with planned touches are gone from/);
      const accepted = await cli('accept-removals', '--config', dir, '--db', dbFile);
      expect(accepted.out).toMatch(/^accepted: \d+ contacts with planned touches leave the plan \(/);
      expect((await run('once')).code).toBe(0);
      const fewer = await planned();
      expect(fewer).toBeLessThan(before);
      // The next change is weighed against the contacts planned on now: two more gone go through.
      const left = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '');
      writeFileSync(file, left.slice(0, -2).join('\n') + '\n');
      const few = await run('once');
      expect(few.code, few.err).toBe(0);
    } finally {
      delete process.env.TOUCHBASE_FEEDS_DIR;
    }
  });

  it('a contacts export that came out empty (every client kept, none with a contact) is held as well; accepted once, then again if it recurs', async () => {
    const dir = writeConfig(company(10));
    const dbFile = await tempDatabaseLocation({ file: join(tempDir(), 'touchbase.sqlite') });
    process.env.TOUCHBASE_FEEDS_DIR = join(tempDir(), 'feeds');
    const noContacts = () => {
      const sections = syncCompany('ics', { clients: 10 });
      return { ...sections, clients: sections.clients.map((c) => ({ ...c, contacts: [] })) };
    };
    try {
      const run = (...args: string[]) => cli(...args, '--config', dir, '--db', dbFile, '--now', AT);
      expect((await run('once')).code).toBe(0);
      const before = await touchesByClient(dbFile);

      writeFileSync(join(dir, 'touchbase.yaml'), stringify(noContacts()));
      const refused = await run('plan');
      expect(refused.code).toBe(2);
      expect(refused.err).toContain('clients: expected at most 2 of the 10 clients with planned touches to leave, or to lose every contact, at once, '
        + 'found 10 gone or left with no contact (c0 (no contact left), c1 (no contact left), c2 (no contact left), c3 (no contact left), c4 (no contact left), …)');
      expect(await touchesByClient(dbFile)).toEqual(before);
      expect((await run('plan', '--no-save')).err).toContain('10 of the 10 clients with planned touches are gone from, or have no contact left in,');

      const accepted = await cli('accept-removals', '--config', dir, '--db', dbFile);
      expect(accepted.out).toContain('accepted: 10 of the 10 clients with planned touches leave the plan or lose every contact (c0 (no contact left),');
      expect((await run('once')).code).toBe(0);
      const after = await touchesByClient(dbFile);
      for (const id of ['c0', 'c9']) expect(after.get(id)!.cancelled).toBeGreaterThan(0);

      // Their contacts come back: the acceptance is forgotten, and an empty export again is asked about again.
      writeFileSync(join(dir, 'touchbase.yaml'), stringify(syncCompany('ics', { clients: 10 })));
      expect((await run('once')).code).toBe(0);
      expect((await touchesByClient(dbFile)).get('c9')!.planned).toBe(before.get('c9')!.planned);
      writeFileSync(join(dir, 'touchbase.yaml'), stringify(noContacts()));
      expect((await run('once')).code).toBe(2);
    } finally {
      delete process.env.TOUCHBASE_FEEDS_DIR;
    }
  });

  it('the daemon holds the change and runs on; "touchbase accept-removals" lets it apply within seconds; at a start it is an error', async () => {
    const dir = writeConfig(company(10));
    const clock = new ManualClock(NOW);
    const { daemon, dbFile } = await daemonUnderTest({ configDir: dir, clock });
    await startedAndSynced(daemon);
    const before = await touchesByClient(dbFile);

    const rejected = once(daemon, 'config:rejected');
    writeFileSync(join(dir, 'touchbase.yaml'), stringify(syncCompany('ics', { clients: 3 })));
    expect(await daemon.reload('test')).toBe(false);
    const [{ issues }] = await rejected as [{ issues: { field: string; found: string }[] }];
    expect(issues).toHaveLength(1);
    expect(issues[0]!.field).toBe('clients');
    expect(issues[0]!.found).toContain('7 gone (c3, c4, c5, c6, c7, …)');
    expect(issues[0]!.found).toContain('touchbase accept-removals');
    expect((await cli('status', '--db', dbFile)).out).toContain('the last change was REJECTED');
    // Its passes run on the last accepted configuration: nothing of theirs is cancelled.
    const synced = nextFinished(daemon, 'sync');
    daemon.scheduler.request('sync');
    await synced;
    expect(await touchesByClient(dbFile)).toEqual(before);

    const applied = once(daemon, 'config:applied');
    const accepted = await cli('accept-removals', '--config', dir, '--db', dbFile);
    expect(accepted.code).toBe(0);
    expect(accepted.out).toContain('accepted: 7 of the 10 clients with planned touches leave the plan (c3, c4, c5, c6, c7, c8, c9)');
    const resynced = nextFinished(daemon, 'sync');
    await applied;
    await resynced;
    const after = await touchesByClient(dbFile);
    expect(after.get('c9')).toMatchObject({ planned: 0, cancelled: before.get('c9')!.planned });
    expect(after.get('c0')).toEqual(before.get('c0'));
    expect((await cli('accept-removals', '--config', dir, '--db', dbFile)).out).toContain('nothing to accept');
    await daemon.stop();

    // They come back (planned by a pass from the command line); a daemon started on a
    // configuration that drops most of them again does not start.
    writeFileSync(join(dir, 'touchbase.yaml'), stringify(syncCompany('ics', { clients: 10 })));
    expect((await cli('once', '--config', dir, '--db', dbFile, '--now', clock.now().toUTC().toISO()!)).code).toBe(0);
    writeFileSync(join(dir, 'touchbase.yaml'), stringify(syncCompany('ics', { clients: 2 })));
    const refused = await daemonUnderTest({ configDir: dir, clock, dbFile });
    await expect(refused.daemon.start()).rejects.toThrow(/clients: expected at most 2 of the 10 clients with planned touches to leave at once, found 8 gone/);
  });
});
