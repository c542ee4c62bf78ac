/**
 * Several daemons on one PostgreSQL database pushing the same initial sync to the Google fake
 * (20 ms a call, Google's per-user limit): one, two, then three real daemon processes, each time
 * on a new database and a fresh fake, timed from their start until every calendar row is written
 * (no call left to make). The daemons run with their default settings (30 s lease, a dispatch
 * pass every 10 s): the first to take the sync's tick claims calendars as it works them, and the
 * others take the calendars nobody holds at their dispatch passes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { openMigrated } from '../../src/storage/database.ts';
import { GoogleCalendarFake } from '../fakes/google-calendar-fake.ts';
import type { BenchPostgres } from './postgres-bench.ts';
import { measureNode, startNode, tempDir, TOUCHBASE } from './processes.ts';
import type { Note } from './table.ts';

const EMPLOYEES = 30;
const CLIENTS = 600;

/** A company of EMPLOYEES account managers on Google, CLIENTS clients called twice a month and written monthly. */
function company(dir: string): string {
  const emails = Array.from({ length: EMPLOYEES }, (_, i) => `am${i}@corp.example`);
  // Written out here: the tests' helpers (test/helpers/config-folder.ts) need vitest running.
  const sections = {
    settings: { company: 'Bench Co', timezone: 'Europe/Moscow', country: 'RU', hours: '09:00-18:00', horizon: '90 days', calendar: 'google' },
    employees: emails.map((email, i) => ({ id: `am${i}`, name: `Manager ${i}`, role: 'account_manager', email })),
    clients: Array.from({ length: CLIENTS }, (_, i) => ({
      id: `c${i}`, name: `Client ${i}`, country: 'RU', timezone: 'Europe/Moscow', team: { account_manager: `am${i % EMPLOYEES}` },
      contacts: [{ id: `c${i}-buyer`, name: `Buyer of ${i}`, role: 'buyer' }, { id: `c${i}-ceo`, name: `CEO of ${i}`, role: 'ceo' }],
    })),
    rules: [
      { id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '2 weeks' },
      { id: 'letters', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: '1 month' },
    ],
  };
  const config = join(dir, 'config');
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, 'touchbase.yaml'), stringify(sections));
  return config;
}

export async function sharedDaemonsBench(server: BenchPostgres, note: (measure: string, value: string, target: string, ok?: boolean) => void): Promise<void> {
  const dir = tempDir('shared-daemons');
  const config = company(dir);
  const emails = Array.from({ length: EMPLOYEES }, (_, i) => `am${i}@corp.example`);
  const tokens = join(dir, 'tokens.json');
  writeFileSync(tokens, JSON.stringify(Object.fromEntries(emails.map((u, i) => [u, `rt-${i}`]))), { mode: 0o600 });
  let one: number | undefined;
  for (const daemons of [1, 2, 3]) {
    const fake = new GoogleCalendarFake();
    const url = await fake.start();
    fake.latencyMs = 20;
    emails.forEach((u, i) => fake.refreshTokens.set(`rt-${i}`, u));
    const db = await server.database(`touchbase_bench_shared_${daemons}`);
    await measureNode([TOUCHBASE, 'migrate', '--db', db], { what: 'migrate the bench database' });
    const env = {
      GOOGLE_OAUTH_CLIENT_ID: 'cid', GOOGLE_OAUTH_CLIENT_SECRET: 'shh', GOOGLE_REFRESH_TOKENS_FILE: tokens,
      GOOGLE_API_ROOT_URL: `${url}/`, GOOGLE_TOKEN_URL: `${url}/token`,
      TOUCHBASE_FEEDS_DIR: join(dir, `feeds-${daemons}`), TOUCHBASE_PUBLIC_URL: 'http://touchbase.test', TOUCHBASE_LINK_SECRET: 'b'.repeat(40),
    };
    const reading = await openMigrated(db);
    const started = performance.now();
    const children = Array.from({ length: daemons }, () => startNode([TOUCHBASE, 'daemon', '--config', config, '--db', db, '--port', '0'],
      { rusageDir: tempDir('rusage-shared'), env }));
    try {
      // Settled: the plan's rows are there and none has a call to make.
      for (;;) {
        const [rows] = await reading.selectFrom('calendar_sync').select((eb) => [eb.fn.countAll<number>().as('all')]).execute();
        const dirty = await reading.selectFrom('calendar_sync').select((eb) => eb.fn.countAll<number>().as('n')).where('dirty', '=', 1).executeTakeFirst();
        if (Number(rows?.all ?? 0) > 0 && Number(dirty?.n ?? 1) === 0) break;
        if (performance.now() - started > 600_000) throw new Error(`${daemons} daemon(s): the initial sync did not settle within 10 minutes`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const seconds = (performance.now() - started) / 1000;
      const writes = fake.writes().length;
      const events = emails.reduce((n, u) => n + fake.events(u).length, 0);
      one ??= seconds;
      note(`several daemons (PostgreSQL): initial sync by ${daemons}`, `${events} events in ${EMPLOYEES} Google calendars by ${writes} writes, ${seconds.toFixed(1)} s `
        + `(${Math.round(writes / seconds)} writes/s${daemons > 1 ? `, ${(one / seconds).toFixed(2)}× one daemon's time` : ''})`, 'one write per event', writes === events);
    } finally {
      for (const child of children) {
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          // ended already
        }
      }
      await Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
      await reading.destroy();
      await fake.stop();
    }
  }
}
