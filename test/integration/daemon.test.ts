import { connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/daemon/logger.ts';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { stringify } from 'yaml';
import parsePrometheus from 'parse-prometheus-text-format';
import { openMigrated } from '../../src/storage/database.ts';
import { DaemonAlreadyRunningError } from '../../src/storage/daemon-lock.ts';
import { writeConfig } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { NOW, syncCompany, touchIdOf } from '../helpers/sync-company.ts';
import { daemonUnderTest, loopAsleep, nextFinished, startedAndSynced, stopAll } from '../helpers/daemon-under-test.ts';
import { feedLinks } from '../helpers/feed-links.ts';

afterEach(async () => {
  await stopAll();
  vi.unstubAllEnvs();
});

const companyFolder = (opts: Parameters<typeof syncCompany>[1] = {}) => writeConfig({ 'touchbase.yaml': syncCompany('ics', opts) });

async function touchesOf(dbFile: string) {
  const db = await openMigrated(dbFile);
  try {
    return await db.selectFrom('touches').selectAll().where('status', '!=', 'cancelled').orderBy('id').execute();
  } finally {
    await db.destroy();
  }
}

/** The one-click links in the employee's iCalendar feed, by action, for each touch uid. */

/** A daemon that works alone (PostgreSQL's default is to share the work; SQLite's is this). */
const ALONE = { enabled: false } as const;

describe('touchbase daemon', () => {
  it('a second daemon on the same database refuses to start, with a clear message', async () => {
    const configDir = companyFolder();
    const clock = new ManualClock(NOW);
    const first = await daemonUnderTest({ configDir, clock, shared: ALONE });
    await startedAndSynced(first.daemon);
    const second = await daemonUnderTest({ configDir, clock, dbFile: first.dbFile, shared: ALONE });
    await expect(second.daemon.start()).rejects.toThrow(DaemonAlreadyRunningError);
    await expect(second.daemon.start()).rejects.toThrow(/another touchbase daemon is already running on .*(touchbase\.sqlite|touchbase_t_\w+) \(pid \d+/);
    await first.daemon.stop();
    const third = await daemonUnderTest({ configDir, clock, dbFile: first.dbFile, shared: ALONE });
    await third.daemon.start();
  });

  it('an invalid edit is reported with its place and the old plan keeps running; a valid one is applied', async () => {
    const configDir = companyFolder();
    const clock = new ManualClock(NOW);
    const { daemon, dbFile } = await daemonUnderTest({ configDir, clock, watch: true });
    await startedAndSynced(daemon);
    const before = await touchesOf(dbFile);

    const broken = syncCompany('ics');
    broken.rules[0]!.ours = 'nobody_has_this_role';
    const rejected = once(daemon, 'config:rejected');
    writeFileSync(join(configDir, 'touchbase.yaml'), stringify(broken));
    const [{ issues }] = (await rejected) as [{ issues: { file: string; line: number; field: string }[] }];
    expect(issues[0]).toMatchObject({ file: expect.stringContaining('touchbase.yaml'), field: expect.stringContaining('ours') });
    expect(issues[0]!.line).toBeGreaterThan(1);
    expect((await daemon.status()).configErrors[0]).toContain('nobody_has_this_role');
    // The daemon goes on with the last valid configuration.
    daemon.scheduler.request('sync');
    await nextFinished(daemon, 'sync');
    expect((await touchesOf(dbFile)).map((t) => [t.id, t.title, t.date])).toEqual(before.map((t) => [t.id, t.title, t.date]));
    expect((await fetch(`${daemon.url}/readyz`)).status).toBe(200);

    const applied = once(daemon, 'config:applied');
    const synced = nextFinished(daemon, 'sync');
    writeFileSync(join(configDir, 'touchbase.yaml'), stringify(syncCompany('ics', { title: 'Call {contacts} at {client.name}' })));
    await applied;
    await synced;
    const after = await touchesOf(dbFile);
    expect(after.filter((t) => t.kind === 'call').every((t) => t.title.startsWith('Call '))).toBe(true);
    expect(after.map((t) => t.id)).toEqual(before.map((t) => t.id));
    expect((await daemon.status()).configErrors).toEqual([]);
  });

  it('a restart while the files hold a broken edit starts on the last valid configuration (feeds and links stay up), says so, and applies the files once they are fixed', async () => {
    const configDir = companyFolder();
    const clock = new ManualClock(NOW);
    const first = await daemonUnderTest({ configDir, clock, shared: ALONE });
    await startedAndSynced(first.daemon);
    const before = await touchesOf(first.dbFile);
    await first.daemon.stop();

    const broken = syncCompany('ics');
    broken.rules[0]!.ours = 'nobody_has_this_role';
    writeFileSync(join(configDir, 'touchbase.yaml'), stringify(broken));
    // Without a database that ran before, nothing to fall back on: refused, as always.
    const fresh = await daemonUnderTest({ configDir, clock, shared: ALONE });
    await expect(fresh.daemon.start()).rejects.toThrow(/nobody_has_this_role/);

    const again = await daemonUnderTest({ configDir, clock, dbFile: first.dbFile, shared: ALONE, watch: true });
    await again.daemon.start();
    expect((await again.daemon.status()).configErrors[0]).toContain('nobody_has_this_role');
    expect((await fetch(`${again.daemon.url}/readyz`)).status).toBe(200);
    expect((await touchesOf(first.dbFile)).map((t) => [t.id, t.title, t.date, t.status])).toEqual(before.map((t) => [t.id, t.title, t.date, t.status]));
    const metrics = await (await fetch(`${again.daemon.url}/metrics`)).text();
    expect(metrics).toMatch(/^touchbase_config_last_reload_valid 0$/m);
    // A director can still sign in to the dashboard, which shows what is wrong.
    const link = await cli('dashboard-link', '--config', configDir, '--db', first.dbFile, '--employee', 'anna');
    expect(link.code, `${link.err}|${link.out}`).toBe(0);
    expect(link.out).toMatch(/\/dashboard\/auth\/link\//);
    // The error itself, not only its count.
    expect(link.err).toMatch(/^warning: the configuration has 1 error[^\n]*\n[^\n]*touchbase\.yaml:\d+:\d+: [^\n]+\n— signing in with the configuration the daemon last ran on/m);

    const applied = once(again.daemon, 'config:applied');
    writeFileSync(join(configDir, 'touchbase.yaml'), stringify(syncCompany('ics', { title: 'Call {contacts} at {client.name}' })));
    await applied;
    expect((await again.daemon.status()).configErrors).toEqual([]);
  });

  it('a restart syncs at once, not at the next tick: a new TOUCHBASE_FEED_SECRET cuts the old feed addresses off, and files edited while it was down are applied', async () => {
    const configDir = companyFolder();
    const clock = new ManualClock(NOW);
    vi.stubEnv('TOUCHBASE_FEED_SECRET', 'the-old-feed-secret-0123456789abcdef');
    const first = await daemonUnderTest({ configDir, clock, shared: ALONE });
    await startedAndSynced(first.daemon);
    const feeds = () => readdirSync(first.feedDir).filter((f) => f.endsWith('.ics')).sort();
    const old = feeds();
    expect(old.length).toBeGreaterThan(0);
    await first.daemon.stop();

    // Restarted a minute later, well within the sync's 5-minute tick: the clock does not move on.
    clock.advance(60_000);
    vi.stubEnv('TOUCHBASE_FEED_SECRET', 'the-new-feed-secret-0123456789abcdef');
    writeFileSync(join(configDir, 'touchbase.yaml'), stringify(syncCompany('ics', { title: 'Call {contacts} at {client.name}' })));
    const again = await daemonUnderTest({ configDir, clock, dbFile: first.dbFile, feedDir: first.feedDir, shared: ALONE });
    const synced = nextFinished(again.daemon, 'sync');
    await again.daemon.start();
    const ran = await Promise.race([synced, new Promise<string>((r) => setTimeout(() => r('no sync at start'), 15_000))]);
    expect(ran).not.toBe('no sync at start');
    const now = feeds();
    expect(now).toHaveLength(old.length);
    expect(now.filter((f) => old.includes(f))).toEqual([]);
    const calls = (await touchesOf(first.dbFile)).filter((t) => t.status === 'planned' && t.kind === 'call');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((t) => !t.title.startsWith('Call '))).toEqual([]);
  });

  it('a public address given to the daemon by TOUCHBASE_PUBLIC_URL is what a `touchbase sync` from a shell without it writes too; a shell pass with other links is put right at the next tick', async () => {
    const configDir = companyFolder();
    const clock = new ManualClock(NOW);
    vi.stubEnv('TOUCHBASE_PUBLIC_URL', 'https://tb.example.com');
    const { daemon, dbFile, feedDir } = await daemonUnderTest({ configDir, clock, shared: ALONE });
    await startedAndSynced(daemon);
    const bases = () => new Set(readdirSync(feedDir).filter((f) => f.endsWith('.ics'))
      .flatMap((f) => [...readFileSync(join(feedDir, f), 'utf8').replace(/\r\n[ \t]/g, '').matchAll(/(https?:\/\/[^/\s]+)\/a\//g)].map((m) => m[1])));
    expect(bases()).toEqual(new Set(['https://tb.example.com']));
    // An operator's shell: no TOUCHBASE_PUBLIC_URL there (it is in the service's environment file).
    vi.stubEnv('TOUCHBASE_PUBLIC_URL', '');
    vi.stubEnv('TOUCHBASE_FEEDS_DIR', feedDir);
    const shell = await cli('sync', '--config', configDir, '--db', dbFile, '--now', NOW.toISO()!);
    expect(shell.code, shell.err).toBe(0);
    expect(shell.out).toMatch(/: 0 changes/);
    expect(bases()).toEqual(new Set(['https://tb.example.com']));
    // A shell with another link secret rewrites every event; the daemon's next tick puts them back.
    vi.stubEnv('TOUCHBASE_PUBLIC_URL', 'https://elsewhere.example');
    expect((await cli('sync', '--config', configDir, '--db', dbFile, '--now', NOW.toISO()!)).code).toBe(0);
    expect(bases()).toEqual(new Set(['https://elsewhere.example']));
    vi.stubEnv('TOUCHBASE_PUBLIC_URL', 'https://tb.example.com');
    await loopAsleep(daemon);
    clock.set('2027-03-01T08:05:00+03:00');
    expect(await daemon.scheduler.runDue()).toContain('sync');
    expect(bases()).toEqual(new Set(['https://tb.example.com']));
  });

  it('SIGHUP-style reload of an unchanged folder changes nothing and runs nothing, and says so in the log', async () => {
    const configDir = companyFolder();
    const clock = new ManualClock(NOW);
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _e, done) => { lines.push(chunk.toString()); done(); } });
    const { daemon } = await daemonUnderTest({ configDir, clock, logger: await createLogger({ level: 'info', destination }) });
    await startedAndSynced(daemon);
    let applied = 0;
    daemon.on('config:applied', () => applied++);
    expect(await daemon.reload('SIGHUP')).toBe(true);
    expect(applied).toBe(0);
    expect(lines.some((l) => /"reason":"SIGHUP".*"msg":"configuration unchanged: nothing to apply"/.test(l))).toBe(true);
  });

  it('logs the touches its plan missed before they were first planned: a handover written in on its day (QA: its notices were nowhere)', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': { ...syncCompany('ics'), handovers: [{ from: 'anna', to: 'boris', on: '2027-03-01', notice_from: 'leaving' }] } });
    const clock = new ManualClock(NOW);
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _e, done) => { lines.push(chunk.toString()); done(); } });
    const { daemon } = await daemonUnderTest({ configDir, clock, logger: await createLogger({ level: 'info', destination }) });
    await startedAndSynced(daemon);
    const missed = lines.map((l) => JSON.parse(l) as { msg: string; missed?: string[]; count?: number }).filter((l) => l.missed);
    expect(missed).toHaveLength(1);
    expect(missed[0]!.msg).toMatch(/^the plan missed \d+ touch/);
    expect(missed[0]!.missed!.every((m) => /^handover:anna:boris at \S+: missed: the "your manager changes" letters/.test(m))).toBe(true);
    expect(missed[0]!.count).toBe(missed[0]!.missed!.length);
    // The next day's first pass plans all again and misses the same: logged once, not at every plan for a month.
    await loopAsleep(daemon);
    lines.length = 0;
    clock.set(NOW.plus({ days: 1, minutes: 5 }).toISO()!);
    expect(await daemon.scheduler.runDue()).toContain('sync');
    expect(lines.some((l) => /"msg":"sync: plan: /.test(l) || /"job":"sync"/.test(l))).toBe(true);
    expect(lines.filter((l) => l.includes('"missed"'))).toEqual([]);
  });

  it('a client that hangs up mid-request is logged as such, not as the daemon\'s error (QA: anyone could fill the error log)', async () => {
    const configDir = companyFolder();
    const clock = new ManualClock(NOW);
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _e, done) => { lines.push(chunk.toString()); done(); } });
    const token = 'secret-token-12345-of-at-least-32-chars';
    const { daemon } = await daemonUnderTest({ configDir, clock, apiToken: token, logger: await createLogger({ level: 'info', destination }) });
    await startedAndSynced(daemon);
    const { hostname, port } = new URL(daemon.url);
    const socket = connect({ host: hostname, port: Number(port) });
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"event":`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.destroy();
    const deadline = Date.now() + 5_000;
    while (!lines.some((l) => l.includes('a client hung up before its request was read')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lines.filter((l) => l.includes('a client hung up before its request was read'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('an HTTP request failed'))).toEqual([]);
  });

  it('a link of a touch closed as missed (a later one of its series made it pointless) says so, not that someone skipped it (QA)', async () => {
    const configDir = companyFolder();
    const clock = new ManualClock(NOW);
    const { daemon, dbFile, feedDir } = await daemonUnderTest({ configDir, clock });
    await startedAndSynced(daemon);
    const [a] = feedLinks(feedDir) as [ReturnType<typeof feedLinks>[0]];
    const { recordOutcome } = await import('../../src/storage/touch-outcomes.ts');
    const db = await openMigrated(dbFile);
    try {
      await recordOutcome(db, touchIdOf(a.uid.slice(0, 32)), { status: 'skipped', at: NOW.toUTC().toISO()!, by: null, detail: 'closed as missed: a later touch of its series (0123abcd) is overdue too', cause: 'overdue' });
    } finally {
      await db.destroy();
    }
    const page = await fetch(`${daemon.url}${a.done}`);
    expect(page.status).toBe(409);
    const text = await page.text();
    expect(text).toContain('closed as missed (a later touch with the same person made it pointless)');
    expect(text).not.toContain('already skipped');
  });

  it('the one-click links record done, skip and snooze once each, and refuse forged and reused tokens', async () => {
    const configDir = companyFolder();
    const clock = new ManualClock(NOW);
    const { daemon, dbFile, feedDir } = await daemonUnderTest({ configDir, clock });
    await startedAndSynced(daemon);
    const links = feedLinks(feedDir);
    expect(links.length).toBeGreaterThan(3);
    const [a, b, c] = links as [typeof links[0], typeof links[0], typeof links[0]];
    const post = (path: string, form?: Record<string, string>) => fetch(`${daemon.url}${path}`, { method: 'POST', ...(form ? { body: new URLSearchParams(form) } : {}) });

    // Opening a link (what a mail scanner does) records nothing; the page has a button to press.
    const page = await fetch(`${daemon.url}${a.done}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    const touchOf = async (link: { uid: string }) => (await touchesOf(dbFile)).find((t) => t.id === touchIdOf(link.uid.slice(0, 32)))!;
    expect((await touchOf(a)).status).toBe('planned');

    const done = await post(a.done);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('marked as done');
    expect((await post(a.done)).status).toBe(410);
    expect((await post(a.skip)).status).toBe(409); // already done
    // Opened again, a used link says so at once: no button that only then refuses.
    const again = await fetch(`${daemon.url}${a.done}`);
    expect(again.status).toBe(410);
    expect(await again.text()).not.toContain('<form method="post"');
    const otherAction = await fetch(`${daemon.url}${a.skip}`);
    expect(otherAction.status).toBe(409);
    expect(await otherAction.text()).not.toContain('<form method="post"');
    // An undo link: the real one opens with its button; a forged one is refused when opened.
    const undo = /action="\.\.\/u\/([^"]+)"/.exec(await (await post(b.done)).text())![1]!;
    expect((await fetch(`${daemon.url}/u/${undo}`)).status).toBe(200);
    const forgedUndo = await fetch(`${daemon.url}/u/${undo.slice(0, -3)}${undo.endsWith('AAA') ? 'BBB' : 'AAA'}`);
    expect(forgedUndo.status).toBe(404);
    expect(await forgedUndo.text()).not.toContain('<form method="post"');
    // Put back as it was (the rest of the test skips b); then the used undo link is refused when opened.
    expect((await fetch(`${daemon.url}/u/${undo}`, { method: 'POST' })).status).toBe(200);
    expect(await (await fetch(`${daemon.url}/u/${undo}`)).text()).not.toContain('<form method="post"');

    const forged = a.done.slice(0, -3) + (a.done.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await post(forged)).status).toBe(404);
    expect((await post(`/a/done.${'0'.repeat(32)}.0.${'A'.repeat(22)}`)).status).toBe(404);

    expect((await touchOf(a)).status).toBe('done');
    expect((await post(b.skip, { reason: 'their office is closed until Monday' })).status).toBe(200);
    expect((await touchOf(b)).status).toBe('skipped');

    const synced = nextFinished(daemon, 'sync');
    expect((await post(c.snooze)).status).toBe(200);
    expect((await post(c.snooze)).status).toBe(410);
    await synced; // the link asked for a sync: the calendar follows

    const db = await openMigrated(dbFile);
    const events = await db.selectFrom('touch_events').innerJoin('touches', 'touches.id', 'touch_events.touch_id')
      .select(['touch_events.type', 'touch_events.detail', 'touches.status', 'touches.moved_by_user', 'touch_events.from_date', 'touch_events.to_date'])
      .where('touch_events.type', 'in', ['done', 'skipped', 'rescheduled']).orderBy('touch_events.seq').execute();
    await db.destroy();
    expect(events.map((e) => [e.type, e.detail])).toEqual([
      ['done', 'marked done from the calendar link'],
      ['done', 'marked done from the calendar link'], // b, then undone
      ['skipped', 'their office is closed until Monday'],
      ['rescheduled', 'snoozed a week from the calendar link'],
    ]);
    const snoozed = events[3]!;
    expect(Date.parse(snoozed.to_date!) - Date.parse(snoozed.from_date!)).toBe(7 * 86_400_000);
    expect(snoozed.moved_by_user).toBe(1);
    // The rewritten event carries a fresh snooze link; the used one stays used. (The sync awaited
    // above may be one the done and skip links asked for, still running when the snooze came: the
    // one the snooze asked for runs after it.)
    const rewritten = () => feedLinks(feedDir).find((l) => l.uid === c.uid && l.snooze !== c.snooze);
    for (const deadline = performance.now() + 20_000; !rewritten() && performance.now() < deadline;) await new Promise((r) => setTimeout(r, 50));
    const fresh = rewritten()!;
    expect(fresh, 'the snoozed touch\'s event rewritten with a fresh link').toBeDefined();
    // The done and skip links of the event before the snooze are out of date (QA security F1).
    const outdated = await post(c.done);
    expect(outdated.status).toBe(410);
    expect(await outdated.text()).toContain('out of date');
    expect((await post(fresh.snooze)).status).toBe(200);
  });

  it('/metrics is Prometheus text with the touches, sync results and last successful sync', async () => {
    const configDir = companyFolder();
    const clock = new ManualClock(NOW);
    const { daemon, dbFile } = await daemonUnderTest({ configDir, clock });
    await startedAndSynced(daemon);
    const res = await fetch(`${daemon.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const families = new Map(parsePrometheus(await res.text()).map((f) => [f.name, f]));
    const planned = (await touchesOf(dbFile)).filter((t) => t.status === 'planned').length;
    expect(families.get('touchbase_touches')!.metrics.find((m) => m.labels?.status === 'planned')!.value).toBe(String(planned));
    expect(Number(families.get('touchbase_sync_operations_total')!.metrics.find((m) => m.labels?.result === 'written')!.value)).toBe(planned);
    expect(families.get('touchbase_last_successful_sync_timestamp_seconds')!.metrics[0]).toMatchObject({ labels: { provider: 'ics' }, value: String(NOW.toSeconds()) });
    for (const name of ['touchbase_touches_due_today', 'touchbase_touches_overdue', 'touchbase_provider_errors_total', 'touchbase_job_runs_total']) expect(families.has(name)).toBe(true);
  });

  it('the API refuses requests without the bearer token, and is off without one configured', async () => {
    const configDir = companyFolder();
    const clock = new ManualClock(NOW);
    const { daemon } = await daemonUnderTest({ configDir, clock, apiToken: 'test-token-0123456789abcdef0123456789' });
    await startedAndSynced(daemon);
    expect((await fetch(`${daemon.url}/api/status`)).status).toBe(401);
    expect((await fetch(`${daemon.url}/api/status`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    // Another scheme, or "Bearer" alone: 401 in JSON too, as documented (not a bare 400).
    for (const authorization of ['Basic dGVzdDp0ZXN0', 'Bearer']) {
      const refused = await fetch(`${daemon.url}/api/status`, { headers: { authorization } });
      expect([refused.status, await refused.json()], authorization).toEqual([401, { error: 'send Authorization: Bearer <TOUCHBASE_API_TOKEN>' }]);
    }
    // A known address with another method: 405 with the method it takes.
    const wrongMethod = await fetch(`${daemon.url}/api/status`, { method: 'POST', headers: { authorization: 'Bearer test-token-0123456789abcdef0123456789' } });
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'GET']);
    const getSync = await fetch(`${daemon.url}/api/sync`, { headers: { authorization: 'Bearer test-token-0123456789abcdef0123456789' } });
    expect([getSync.status, getSync.headers.get('allow')]).toEqual([405, 'POST']);
    const ok = await fetch(`${daemon.url}/api/status`, { headers: { authorization: 'Bearer test-token-0123456789abcdef0123456789' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ jobs: expect.arrayContaining([expect.objectContaining({ name: 'sync', lastResult: 'ok' })]) });
    await daemon.stop();

    const open = await daemonUnderTest({ configDir, clock });
    await startedAndSynced(open.daemon);
    const off = await fetch(`${open.daemon.url}/api/status`, { headers: { authorization: 'Bearer anything' } });
    expect(off.status).toBe(503);
    expect(await off.json()).toMatchObject({ error: expect.stringContaining('TOUCHBASE_API_TOKEN') });
  });

  it('touchbase status says whether the daemon runs, what its jobs did and when they run next', async () => {
    const configDir = companyFolder();
    const clock = new ManualClock(NOW);
    const { daemon, dbFile } = await daemonUnderTest({ configDir, clock, shared: ALONE });
    await startedAndSynced(daemon);
    const running = await cli('status', '--db', dbFile);
    expect(running.code).toBe(0);
    // Every time in the company's zone (Europe/Moscow), none in UTC.
    expect(running.out).toMatch(/daemon: running \(pid \d+, since \d{4}-\d\d-\d\d \d\d:\d\d \+03\)/);
    expect(running.out).toMatch(/^calendar services at the daemon's last sync \(a sync from the command line says its own\):\n  ics: ok \(last run without an error 2027-03-01 08:00 \+03\)$/m);
    expect(running.out).not.toMatch(/\d\dZ|\+00:00|UTC/);
    expect(running.out).toMatch(/sync +\*\/5 \* \* \* \* .* ok .*2027-03-01 08:05 .*plan: \d+ new/);
    expect(running.out).toMatch(/daily +30 6 \* \* \* .*2027-03-02 06:30/);
    await daemon.stop();
    const stopped = await cli('status', '--db', dbFile, '--format', 'json');
    expect(JSON.parse(stopped.out)).toMatchObject({ running: false, outbox: { pending: 0 }, jobs: expect.arrayContaining([expect.objectContaining({ name: 'sync', lastResult: 'ok' })]) });
  });

  it('touchbase systemd-unit prints a unit that runs this daemon', async () => {
    const r = await cli('systemd-unit', '--user', 'touchbase', '--db', '/var/lib/touchbase/touchbase.sqlite');
    expect(r.out).toContain(`ExecStart=${process.execPath} `);
    expect(r.out).toMatch(/src\/touchbase\.js daemon --config \S+ --db \/var\/lib\/touchbase\/touchbase\.sqlite/);
    expect(r.out).toContain('User=touchbase');
    expect(r.out).toContain('ExecReload=/bin/kill -HUP $MAINPID');
    // Bad input (exit status 2) waits for someone to fix it, not restarted every 10 s.
    expect(r.out).toContain('Restart=on-failure\nRestartSec=10\n');
    expect(r.out).toContain('RestartPreventExitStatus=2\n');
    // A name that would end the line or add a setting to the unit is refused.
    const bad = await cli('systemd-unit', '--user', 'bad user;x\nExecStartPre=/bin/sh');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--user: expected a user name');
    expect(bad.out).toBe('');
  });

  it('touchbase systemd-unit, run from any folder, names this installation\'s files, and quotes a path with a space', () => {
    const root = resolve(import.meta.dirname, '..', '..');
    const r = spawnSync(process.execPath, [join(root, 'src', 'touchbase.js'), 'systemd-unit', '--config', '/etc/touch base/config', '--db', '/var/lib/touchbase/db 1.sqlite'], { cwd: tmpdir(), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`WorkingDirectory=${root}\n`);
    expect(r.stdout).toContain(`ExecStart=${process.execPath} ${join(root, 'src', 'touchbase.js')} daemon --config "/etc/touch base/config" --db "/var/lib/touchbase/db 1.sqlite"\n`);
    expect(existsSync(join(root, 'README.md'))).toBe(true);
    expect(r.stdout).toContain(`Documentation=file://${root}/README.md`);
    // A PostgreSQL URL given with --db stays out of the unit (a password), and it says where it goes.
    const pg = spawnSync(process.execPath, [join(root, 'src', 'touchbase.js'), 'systemd-unit', '--db', 'postgres://touchbase:s3cret@db.example:5432/touchbase'], { cwd: tmpdir(), encoding: 'utf8' });
    expect(pg.status, pg.stderr).toBe(0);
    expect(pg.stdout).not.toContain('s3cret');
    expect(pg.stderr).toContain('warning: the PostgreSQL URL is not written into the unit');
    expect(pg.stderr).toContain('TOUCHBASE_DATABASE_URL_FILE');
  });

  it('runs each job on its schedule from settings, in the company zone: the daily checks at their hour, the digest on Monday', async () => {
    const sections = syncCompany('ics');
    const configDir = writeConfig({ 'touchbase.yaml': { ...sections, settings: { ...sections.settings, schedules: { daily: '0 7 * * *', calendars: '0 * * * *', sync: '*/10 * * * *' } } } });
    const clock = new ManualClock('2027-03-01T08:00:00+03:00'); // a Monday
    const { daemon } = await daemonUnderTest({ configDir, clock });
    const firstChecks = nextFinished(daemon, 'daily'); // the daily checks also run at the very first start
    await startedAndSynced(daemon);
    await firstChecks;
    await loopAsleep(daemon);
    clock.set('2027-03-01T08:09:59+03:00');
    expect(await daemon.scheduler.runDue()).toEqual([]);
    clock.set('2027-03-01T09:00:00+03:00');
    const finished: { job: string; summary: string }[] = [];
    daemon.on('job:finished', (r: { job: string; summary: string }) => finished.push({ job: r.job, summary: r.summary }));
    expect(await daemon.scheduler.runDue()).toEqual(['sync', 'calendars']);
    // Only iCalendar feeds: there is no calendar to read, and nothing changed since the sync before it.
    expect(finished.map((f) => f.job)).toEqual(['sync', 'calendars']);
    expect(finished[1]!.summary).toBe('nothing changed');
    clock.set('2027-03-02T06:59:00+03:00'); // the next morning: sync and calendars catch up, daily not yet
    expect(await daemon.scheduler.runDue()).toEqual(['sync', 'calendars']);
    clock.set('2027-03-02T07:00:00+03:00');
    expect(await daemon.scheduler.runDue()).toEqual(['sync', 'daily', 'calendars']);
    clock.set('2027-03-08T08:00:00+03:00');
    expect(await daemon.scheduler.runDue()).toContain('digest');
    const jobs = (await daemon.status()).jobs.map((j) => [j.name, j.nextRun]);
    expect(jobs).toEqual(expect.arrayContaining([['daily', '2027-03-09T07:00:00.000+03:00'], ['digest', '2027-03-15T08:00:00.000+03:00']]));
  });

  it('health, readiness and the status page answer', async () => {
    const configDir = companyFolder();
    const clock = new ManualClock(NOW);
    const { daemon } = await daemonUnderTest({ configDir, clock });
    await startedAndSynced(daemon);
    expect(await (await fetch(`${daemon.url}/healthz`)).text()).toBe('ok\n');
    expect(await (await fetch(`${daemon.url}/readyz`)).json()).toMatchObject({ ready: true, database: 'ok', providers: { 'ics.state': 'ok' } });
    expect(await (await fetch(`${daemon.url}/status`)).text()).toContain('&quot;name&quot;: &quot;sync&quot;');
  });
});
