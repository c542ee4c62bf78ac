import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openMigrated } from '../../src/storage/database.ts';
import { GoogleCalendarFake } from '../fakes/google-calendar-fake.ts';
import { SETTINGS, client, employee, tempDir, writeConfig } from '../helpers/config-folder.ts';

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

const posts = () => fake.log.filter((r) => r.method === 'POST' && r.path.endsWith('/events')).length;

/**
 * Runs `touchbase sync` as its own process. With `killAfterPosts`, SIGKILLs it the moment the
 * fake has received that many more inserts: while a request is in flight, its answer unsent.
 */
function sync(config: string, db: string, killAfterPosts?: number): Promise<number | null> {
  return new Promise((done) => {
    const start = posts();
    const child = spawn(process.execPath, [resolve('src/touchbase.js'), 'sync', '--config', config, '--db', db, '--now', NOW], { env, stdio: 'ignore' });
    const watch = killAfterPosts === undefined ? undefined : setInterval(() => {
      if (posts() - start >= killAfterPosts) child.kill('SIGKILL');
    }, 1);
    child.on('exit', (code) => {
      if (watch) clearInterval(watch);
      done(code);
    });
  });
}

describe('a sync process killed at any moment', () => {
  it('loses and duplicates nothing: after the next sync every calendar equals the plan', async () => {
    const config = writeConfig({
      'touchbase.yaml': {
        settings: { ...SETTINGS.settings, calendar: 'google' },
        employees: [employee('a', 'account_manager', { email: 'a@corp.example' }), employee('b', 'account_manager', { email: 'b@corp.example' })],
        clients: Array.from({ length: 12 }, (_, i) => client(`c${i}`, { roles: ['buyer', 'buyer', 'ceo'], team: { account_manager: i % 2 ? 'a' : 'b' } })),
        rules: [
          { id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month' },
          { id: 'letters', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: '1 month' },
        ],
      },
    });
    const db = join(tempDir(), 't.sqlite');
    // Killed again and again in the middle of its writes.
    const progress: number[] = [];
    const count = () => fake.events('a@corp.example').length + fake.events('b@corp.example').length;
    for (const n of [1, 7, 13, 19, 25]) {
      expect(await sync(config, db, n)).toBe(null);
      progress.push(count());
    }
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThan(progress[i - 1]!);
    expect(await sync(config, db)).toBe(0);

    const database = await openMigrated(db);
    const planned = await database.selectFrom('touches').select(['id', 'employee_id']).where('status', '=', 'planned')
      .where('date', '>=', '2027-03-01').where('date', '<=', '2027-05-30').execute();
    await database.destroy();
    for (const [employeeId, email] of [['a', 'a@corp.example'], ['b', 'b@corp.example']] as const) {
      const live = fake.events(email).filter((e) => e.status === 'confirmed').map((e) => e.id).sort();
      expect(live, email).toEqual(planned.filter((t) => t.employee_id === employeeId).map((t) => t.id.replace(/-/g, '')).sort());
    }
    // Each event was inserted once at most: a retry after a kill adopts instead of inserting again.
    const inserted = fake.log.filter((r) => r.method === 'POST' && r.path.endsWith('/events')).map((r) => (r.body as { id: string }).id);
    const created = new Set(fake.events('a@corp.example').concat(fake.events('b@corp.example')).map((e) => e.id));
    expect(created.size).toBe(planned.length);
    expect(progress.at(-1)).toBeLessThan(planned.length);
    expect(inserted.length).toBeGreaterThanOrEqual(planned.length);
  }, 120_000);
});
