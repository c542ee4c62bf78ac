import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openMigrated } from '../../src/storage/database.ts';
import { GoogleCalendarFake } from '../fakes/google-calendar-fake.ts';
import { SETTINGS, client, employee, tempDir, writeConfig } from '../helpers/config-folder.ts';
import { expectedEntries, listedTouches } from '../helpers/calendar-entries.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';

const NOW = '2027-03-01T08:00:00+03:00';
let fake: GoogleCalendarFake;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  fake = new GoogleCalendarFake();
  const url = await fake.start();
  fake.latencyMs = 15;
  fake.refreshTokens.set('rt-a', 'a@corp.example');
  fake.refreshTokens.set('rt-b', 'b@corp.example');
  const tokens = join(tempDir(), 'tokens.json');
  writeFileSync(tokens, JSON.stringify({ 'a@corp.example': 'rt-a', 'b@corp.example': 'rt-b' }));
  env = {
    ...process.env, GOOGLE_OAUTH_CLIENT_ID: 'cid', GOOGLE_OAUTH_CLIENT_SECRET: 'shh', GOOGLE_REFRESH_TOKENS_FILE: tokens,
    GOOGLE_API_ROOT_URL: `${url}/`, GOOGLE_TOKEN_URL: `${url}/token`,
  };
});
afterEach(async () => fake.stop());

const writes = () => fake.log.filter((r) => r.method !== 'GET' && r.path.includes('/events')).length;

/**
 * Runs `touchbase sync` as its own process. With `killAfterWrites`, SIGKILLs it the moment the
 * fake has received that many more writes: while a request is in flight, its answer unsent.
 */
function sync(config: string, db: string, killAfterWrites?: number): Promise<number | null> {
  return new Promise((done) => {
    const start = writes();
    const killAfterPosts = killAfterWrites;
    const child = spawn(process.execPath, [resolve('src/touchbase.js'), 'sync', '--config', config, '--db', db, '--now', NOW], { env, stdio: 'ignore' });
    const watch = killAfterPosts === undefined ? undefined : setInterval(() => {
      if (writes() - start >= killAfterPosts) child.kill('SIGKILL');
    }, 1);
    child.on('exit', (code) => {
      if (watch) clearInterval(watch);
      done(code);
    });
  });
}

const company = (variant: number) => ({
  'touchbase.yaml': {
    settings: { ...SETTINGS.settings, calendar: 'google' },
    employees: [employee('a', 'account_manager', { email: 'a@corp.example' }), employee('b', 'account_manager', { email: 'b@corp.example' })],
    clients: Array.from({ length: 12 }, (_, i) => client(`c${i}`, { roles: ['buyer', 'buyer', 'ceo'], team: { account_manager: i % 2 ? 'a' : 'b' } })),
    rules: [
      { id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', title: ['Call {contacts}', '{client.name}: call {contacts}'][variant % 2] },
      { id: 'letters', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: '1 month' },
    ],
    // Every third variant hands a's clients to b from mid-March: events change calendars.
    ...(variant % 3 === 2 ? { handovers: [{ from: 'a', to: 'b', on: '2027-03-15', notice_from: 'leaving' }] } : {}),
  },
});

describe('a sync process killed at any moment', () => {
  it('loses and duplicates nothing, and skips nothing nobody deleted: after the next sync every calendar equals the plan', async () => {
    const config = writeConfig(company(0));
    const db = await tempDatabaseLocation();
    // Killed 20 times in the middle of its calls, the configuration changing in between.
    for (let k = 0; k < 20; k++) {
      const files = company(k);
      writeFileSync(join(config, 'touchbase.yaml'), (await import('yaml')).stringify(files['touchbase.yaml']));
      await fake.idle();
      expect(await sync(config, db, 1 + ((k * 7) % 23))).toBe(null);
    }
    await fake.idle();
    expect(await sync(config, db)).toBe(0);

    const database = await openMigrated(db);
    const touches = await database.selectFrom('touches').select(['id', 'employee_id', 'status', 'date', 'title', 'source', 'all_day']).execute();
    await database.destroy();
    const planned = touches.filter((t) => t.status === 'planned' && t.date >= '2027-03-01' && t.date <= '2027-05-30');
    for (const [employeeId, email] of [['a', 'a@corp.example'], ['b', 'b@corp.example']] as const) {
      const live = fake.events(email).filter((e) => e.status === 'confirmed');
      const mine = planned.filter((t) => t.employee_id === employeeId);
      // Exactly one event per entry (a call each; a day's letters together), each once.
      expect(live.map((e) => listedTouches(e.description ?? '').join(',')).sort(), email).toEqual([...expectedEntries(mine).values()].map((e) => e.members.join(',')).sort());
      for (const t of mine.filter((x) => !x.all_day)) expect(live.find((e) => e.id.startsWith(t.id.replace(/-/g, '')))!.summary).toBe(t.title);
    }
    // Nobody deleted anything: no touch was taken for skipped.
    expect(touches.filter((t) => t.status === 'skipped')).toEqual([]);
    // A second sync with nothing changed writes nothing.
    const writes = fake.writes().length;
    expect(await sync(config, db)).toBe(0);
    expect(fake.writes().length).toBe(writes);
  }, 300_000);
});
