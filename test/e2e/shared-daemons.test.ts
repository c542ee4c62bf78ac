import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { stringify } from 'yaml';
import { openMigrated, type DB } from '../../src/storage/database.ts';
import { horizonWindow } from '../../src/plan-service.ts';
import { GoogleCalendarFake, type LoggedRequest } from '../fakes/google-calendar-fake.ts';
import { GraphCalendarFake } from '../fakes/graph-calendar-fake.ts';
import { SETTINGS, client, configOf, employee, tempDir, writeConfig } from '../helpers/config-folder.ts';
import { expectedEntries, listedTouches } from '../helpers/calendar-entries.ts';
import { isAlive, processesWithMarker, startRealDaemon, type RealDaemon } from '../helpers/real-daemon.ts';
import { cli } from '../helpers/run-cli.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';

/**
 * Several real daemons (processes) sharing one database with shared work forced on (as on
 * PostgreSQL), against the Google fake (three employees) and the Graph fake (two on Outlook). Short leases (TOUCHBASE_INSTANCE_LEASE) make a
 * takeover take seconds; a per-user limit over a 2-second window makes the rate checkable.
 */
const USERS = ['a@corp.example', 'b@corp.example', 'c@corp.example'] as const;
/** Outlook mailboxes (Graph allows 4 requests in flight per mailbox, across every daemon). */
const OUTLOOK = ['d@corp.example', 'e@corp.example'] as const;
const LEASE_MS = 3_000;
const RATE = { limit: 12, windowMs: 2_000 };
/** What the fake allows: our limit, plus room for requests that reach it later than they left. */
const FAKE_LIMIT = 20;

let fake: GoogleCalendarFake;
let graph: GraphCalendarFake;
let env: Record<string, string>;
const dbs: DB[] = [];

beforeEach(async () => {
  fake = new GoogleCalendarFake();
  const url = await fake.start();
  fake.latencyMs = 5;
  fake.rateWindowMs = RATE.windowMs;
  fake.perUserPerMinute = FAKE_LIMIT;
  USERS.forEach((u, i) => fake.refreshTokens.set(`rt-${i}`, u));
  graph = new GraphCalendarFake();
  const graphUrl = await graph.start();
  graph.latencyMs = 5;
  const tokens = join(tempDir(), 'tokens.json');
  writeFileSync(tokens, JSON.stringify(Object.fromEntries(USERS.map((u, i) => [u, `rt-${i}`]))));
  env = {
    GOOGLE_OAUTH_CLIENT_ID: 'cid', GOOGLE_OAUTH_CLIENT_SECRET: 'shh', GOOGLE_REFRESH_TOKENS_FILE: tokens,
    GOOGLE_API_ROOT_URL: `${url}/`, GOOGLE_TOKEN_URL: `${url}/token`, GOOGLE_TIMEOUT_MS: '2500',
    MS_TENANT_ID: 'contoso', MS_CLIENT_ID: 'client-id', MS_CLIENT_SECRET: 'client-secret', MS_AUTHORITY_HOST: graphUrl, MS_GRAPH_BASE_URL: graphUrl,
    // On SQLite, `on` is refused: the tests' own value shares the work on one file (on PostgreSQL it is on).
    TOUCHBASE_SHARED_WORK: 'sqlite-tests', TOUCHBASE_INSTANCE_LEASE: `${LEASE_MS}ms`,
    TOUCHBASE_CALENDAR_RATES: `google=${RATE.limit}/${RATE.windowMs}ms`,
    // Links in events must not depend on which daemon wrote them.
    TOUCHBASE_PUBLIC_URL: 'http://touchbase.test',
  };
});
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.destroy();
  await fake.stop();
  await graph.stop();
});

const company = (title: string) => ({
  settings: { ...SETTINGS.settings, calendar: 'google', horizon: '60 days' },
  employees: [
    ...USERS.map((u, i) => employee(`e${i}`, 'account_manager', { email: u })),
    ...OUTLOOK.map((u, i) => ({ ...employee(`e${USERS.length + i}`, 'account_manager', { email: u }), calendar: 'microsoft' })),
  ],
  clients: Array.from({ length: 15 }, (_, i) => client(`c${i}`, { roles: ['buyer', 'ceo'], team: { account_manager: `e${i % (USERS.length + OUTLOOK.length)}` } })),
  rules: [
    { id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '2 weeks', title },
    { id: 'letters', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: '1 month' },
  ],
});

function start(shared: { config: string; db: string }): RealDaemon {
  return startRealDaemon({ shared, env });
}

async function started(d: RealDaemon): Promise<string> {
  const [, base] = await d.out.waitFor(/status: +(http:\/\/127\.0\.0\.1:\d+)\/status/, 90_000);
  return base!;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 90_000, explain?: () => Promise<string>): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}${explain ? `\n${await explain()}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Why the calendars are not settled: the rows still dirty, and what each daemon logged last (a failure says where it stuck). */
function unsettled(db: DB, daemons: readonly RealDaemon[]): () => Promise<string> {
  return async () => {
    const rows = await db.selectFrom('calendar_sync')
      .select(['employee_id', 'provider', 'entry_id', 'inflight_op', 'attempts', 'next_attempt_at', 'last_error', 'desired_hash', 'updated_at'])
      .where('dirty', '=', 1).limit(20).execute();
    const claims = await db.selectFrom('calendar_claims').selectAll().execute();
    const logs = daemons.map((d) => `daemon ${d.child.pid}:\n${d.out.text().split('\n').slice(-40).join('\n')}`);
    return [`dirty rows: ${JSON.stringify(rows, null, 1)}`, `claims: ${JSON.stringify(claims)}`, ...logs].join('\n');
  };
}

async function reader(file: string): Promise<DB> {
  const db = await openMigrated(file);
  dbs.push(db);
  return db;
}

/** No calendar write left to make, and the calendars hold something. */
async function settled(db: DB): Promise<boolean> {
  const dirty = await db.selectFrom('calendar_sync').select('entry_id').where('dirty', '=', 1).limit(1).executeTakeFirst();
  const rows = await db.selectFrom('calendar_sync').select('entry_id').limit(1).executeTakeFirst();
  return rows !== undefined && dirty === undefined;
}

const live = (user: string) => fake.events(user).filter((e) => e.status === 'confirmed');
const creates = (): LoggedRequest[] => fake.log.filter((r) => r.method === 'POST' && r.path.endsWith('/events'));

/** Every planned touch of the horizon (as of the test's start and end) is in exactly one live event of its employee's calendar, Google's or Outlook's. */
async function expectEveryTouchOnce(db: DB, config: ReturnType<typeof configOf>, startedAt: DateTime): Promise<void> {
  const [w1, w2] = [horizonWindow(config, startedAt), horizonWindow(config, DateTime.now())];
  const from = w1.from > w2.from ? w1.from : w2.from;
  const to = w1.to < w2.to ? w1.to : w2.to;
  const touches = await db.selectFrom('touches').select(['id', 'employee_id', 'status', 'date', 'title', 'source', 'all_day']).where('status', '=', 'planned').execute();
  const calendars = [
    ...USERS.map((user) => ({ user, texts: live(user).map((e) => e.description ?? '') })),
    ...OUTLOOK.map((user) => ({ user, texts: graph.events(user).map((e) => e.body?.content ?? '') })),
  ];
  calendars.forEach(({ user, texts }, i) => {
    const listed = texts.map((text) => listedTouches(text).join(','));
    // No touch twice, no event twice.
    expect(new Set(listed).size, user).toBe(listed.length);
    const mine = touches.filter((t) => t.employee_id === `e${i}` && t.date >= from && t.date <= to);
    expect(mine.length, user).toBeGreaterThan(3);
    for (const entry of expectedEntries(mine).values()) expect(listed, `${user}: ${entry.members.join(',')}`).toContain(entry.members.join(','));
  });
  // Graph's limit of 4 requests in flight per mailbox held across the daemons: none refused.
  expect(graph.throttled).toBe(0);
}

/** Each user's requests as the fake received them: never more than the limit in any window. */
function expectRateHeld(): void {
  for (const user of USERS) {
    const times = fake.log.filter((r) => r.user === user).map((r) => r.at).sort((a, b) => a - b);
    expect(times.length, user).toBeGreaterThan(RATE.limit);
    let most = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= RATE.windowMs) j++;
      most = Math.max(most, i - j + 1);
    }
    expect(most, `${user}: most requests in any ${RATE.windowMs} ms`).toBeLessThanOrEqual(FAKE_LIMIT);
  }
}

/** The daemons' log lines of finished and failed runs of their jobs (a run stopped by the configuration change fails, and is retried). */
function runs(daemons: readonly RealDaemon[]): { job: string; reason: string; due: string; pid: number }[] {
  return daemons.flatMap((d) => d.out.text().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => typeof l.job === 'string' && typeof l.due === 'string')
    .map((l) => ({ job: l.job as string, reason: l.reason as string, due: l.due as string, pid: d.child.pid! })));
}

describe('several daemons sharing one database', () => {
  it('three daemons while the plan changes: every touch in its Google or Outlook calendar once, each event created once, every scheduled run once, the rate and the mailbox limit held', async () => {
    const startedAt = DateTime.now();
    const config = writeConfig({ 'touchbase.yaml': company('Call {contacts}') });
    const db = await tempDatabaseLocation({ file: join(tempDir(), 'touchbase.sqlite') });
    const shared = { config, db };
    // The first one migrates the database; the others start on it together.
    const daemons = [start(shared)];
    const base = await started(daemons[0]!);
    daemons.push(start(shared), start(shared));
    await Promise.all(daemons.slice(1).map(started));
    const reading = await reader(db);
    await until('the first sync written to the calendars', () => settled(reading), 90_000, unsettled(reading, daemons));

    // Every daemon sees all three, alive: /readyz, /metrics and `touchbase status` list them.
    const pids = daemons.map((d) => d.child.pid).sort();
    const ready = await (await fetch(`${base}/readyz`)).json() as { instances: { live: boolean; pid: number; self?: boolean }[] };
    expect(ready.instances.filter((i) => i.live).map((i) => i.pid).sort()).toEqual(pids);
    expect(ready.instances.filter((i) => i.self).map((i) => i.pid)).toEqual([daemons[0]!.child.pid]);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect([...metrics.matchAll(/^touchbase_daemon_instance_up\{[^}]*pid="(\d+)"[^}]*\} 1$/gm)].map((m) => Number(m[1])).sort()).toEqual(pids);
    const status = await cli('status', '--db', db, '--format', 'json');
    expect(status.code).toBe(0);
    const shown = JSON.parse(status.out) as { running: boolean; instances: { pid: number; live: boolean }[] };
    expect(shown.running).toBe(true);
    expect(shown.instances.map((i) => [i.pid, i.live]).sort()).toEqual(pids.map((p) => [p, true]));
    const table = await cli('status', '--db', db);
    expect(table.out).toContain('daemons: 3 running on this database, sharing the work');

    // The plan changes: every daemon reloads and asks for a sync; the calls change title.
    writeFileSync(join(config, 'touchbase.yaml'), stringify(company('{client.name}: call {contacts}')));
    await until('the new titles in the calendars', async () => (await settled(reading))
      && USERS.every((u) => live(u).filter((e) => e.start.dateTime).every((e) => e.summary?.includes(': call')))
      && OUTLOOK.every((u) => graph.events(u).filter((e) => !e.isAllDay).every((e) => e.subject?.includes(': call'))));
    // The first start's daily checks ran on one of them (after its first sync).
    await until('the daily checks run', async () => runs(daemons).some((r) => r.job === 'daily'));
    await until('the calendars settled again', () => settled(reading), 90_000, unsettled(reading, daemons));
    await fake.idle();
    await graph.idle();

    await expectEveryTouchOnce(reading, configOf(company('{client.name}: call {contacts}')), startedAt);
    // Each event was created once: no create was sent twice, by one daemon or by two.
    const ids = creates().map((r) => (r.body as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
    // Every scheduled run (the first runs included) ran on one daemon only.
    const scheduled = runs(daemons).filter((r) => r.reason !== 'requested');
    const keys = scheduled.map((r) => `${r.job}@${r.due}`);
    expect(new Set(keys).size, JSON.stringify(scheduled)).toBe(keys.length);
    expect(scheduled.filter((r) => r.job === 'sync' && r.reason === 'first run')).toHaveLength(1);
    expect(scheduled.filter((r) => r.job === 'daily' && r.reason === 'first run'), JSON.stringify(runs(daemons))).toHaveLength(1);
    expectRateHeld();

    // A clean stop takes each out of the registry and lets go of its claims.
    for (const d of daemons) d.child.kill('SIGTERM');
    for (const d of daemons) expect((await d.exited).code).toBe(0);
    expect(await reading.selectFrom('daemon_instances').selectAll().execute()).toEqual([]);
    expect(await reading.selectFrom('calendar_claims').selectAll().execute()).toEqual([]);
  }, 240_000);

  // The two daemons after the kill start together: each checks that no lone daemon runs, which
  // once made one refuse the other (the check took the lock for a moment; daemon-lock-checks.test.ts).
  it('a daemon killed mid-sync while the calendar holds its calls: its claims expire, the others finish, nothing is written twice', async () => {
    const startedAt = DateTime.now();
    const config = writeConfig({ 'touchbase.yaml': company('Call {contacts}') });
    const db = await tempDatabaseLocation({ file: join(tempDir(), 'touchbase.sqlite') });
    const shared = { config, db };
    // The calendar holds a's first creates for a while (they land after the daemon is gone).
    fake.script({ kind: 'stall', ms: 1_200 }, { method: 'POST', user: USERS[0], times: 2 });
    const first = start(shared);
    await started(first);
    await until('a create held by the calendar', async () => creates().some((r) => r.user === USERS[0]));
    // The daemon and its job process (which leads a process group of its own) die at once, as with the machine.
    process.kill(-first.child.pid!, 'SIGKILL');
    for (const pid of processesWithMarker(first.marker)) process.kill(pid, 'SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    await until('every process of the killed daemon gone', async () => processesWithMarker(first.marker).length === 0, 10_000);
    const held = (creates().find((r) => r.user === USERS[0])!.body as { id: string }).id;
    const killedAt = fake.log.length;
    const reading = await reader(db);
    expect(await settled(reading)).toBe(false);
    // It died holding a's calendar: nobody may take it before the claim runs out.
    const dead = (await reading.selectFrom('daemon_instances').select(['id', 'pid']).execute()).find((i) => Number(i.pid) === first.child.pid)!;
    const claims = await reading.selectFrom('calendar_claims').select(['employee_id', 'holder']).where('expires_at', '>', new Date().toISOString()).execute();
    expect(claims).toContainEqual({ employee_id: 'e0', holder: dead.id });

    const others = [start(shared), start(shared)];
    const base = await started(others[0]!);
    await started(others[1]!);
    await until('the calendars finished by the others', () => settled(reading), 90_000, unsettled(reading, others));
    await fake.idle();
    await graph.idle();
    // The killed one shows as dead; the two others as live.
    const ready = await (await fetch(`${base}/readyz`)).json() as { instances: { live: boolean; pid: number }[] };
    expect(ready.instances.filter((i) => !i.live).map((i) => i.pid)).toEqual([first.child.pid]);
    expect(ready.instances.filter((i) => i.live).map((i) => i.pid).sort()).toEqual(others.map((d) => d.child.pid).sort());
    expect((await cli('status', '--db', db)).out).toMatch(/daemons: 2 running on this database, sharing the work; 1 DEAD/);

    await expectEveryTouchOnce(reading, configOf(company('Call {contacts}')), startedAt);
    // The held create landed after its sender died: the others did not send it again…
    expect(live(USERS[0]).map((e) => e.id)).toContain(held);
    // …read back (the event itself, or a listing of the calendar) before anything else was written there.
    const after = fake.log.slice(killedAt).filter((r) => r.user === USERS[0]);
    expect(after.findIndex((r) => r.method === 'GET' && (r.path.endsWith(`/events/${held}`) || r.path.endsWith('/events'))))
      .toBeLessThan(after.findIndex((r) => r.method !== 'GET'));
    const ids = creates().map((r) => (r.body as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(fake.pendingFaults()).toBe(0);
    expect(isAlive(first.child.pid!)).toBe(false);
    expectRateHeld();
    for (const d of others) d.child.kill('SIGTERM');
    for (const d of others) expect((await d.exited).code).toBe(0);
  }, 240_000);
});
