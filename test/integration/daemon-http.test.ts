import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request, type Server } from 'node:http';
import { connect } from 'node:net';
import { listen } from '../../src/http/feed-server.ts';
import { openMigrated } from '../../src/storage/database.ts';
import { tempDir, writeConfig } from '../helpers/config-folder.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { NOW, syncCompany, touchIdOf } from '../helpers/sync-company.ts';
import { daemonUnderTest, nextFinished, startedAndSynced, stopAll } from '../helpers/daemon-under-test.ts';
import { feedLinks } from '../helpers/feed-links.ts';
import { workflowCompany } from '../helpers/workflow-company.ts';
import { InProcessRunner } from '../../src/daemon/in-process-runner.ts';

afterEach(stopAll);

const TOKEN = 'an-api-token-of-at-least-32-characters';

/** The one-click links in the feeds, by action, for each touch uid. */

async function started(clock = new ManualClock(NOW)) {
  const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
  const d = await daemonUnderTest({ configDir, clock, apiToken: TOKEN });
  await startedAndSynced(d.daemon);
  return { ...d, clock };
}

async function historyOf(dbFile: string, touchId: string) {
  const db = await openMigrated(dbFile);
  try {
    const touch = await db.selectFrom('touches').selectAll().where('id', '=', touchId).executeTakeFirstOrThrow();
    const events = await db.selectFrom('touch_events').select(['type', 'detail']).where('touch_id', '=', touchId).where('type', '!=', 'planned').orderBy('seq').execute();
    return { touch, events: events.map((e) => [e.type, e.detail]) };
  } finally {
    await db.destroy();
  }
}

/** Sends a body of `bytes` (chunked when no length is given) and returns the status. */
function postRaw(url: string, bytes: number, opts: { chunked: boolean }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...(opts.chunked ? {} : { 'content-length': String(bytes) }) } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('the public status page', () => {
  it('says whether things run and how many writes wait, not the errors, ids or addresses /api/status gives behind its token', async () => {
    const { daemon } = await started();
    const html = await (await fetch(`${daemon.url}/status`)).text();
    const shown = JSON.parse(html.slice(html.indexOf('<pre>') + 5, html.indexOf('</pre>')).replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'")) as Record<string, unknown>;
    expect(Object.keys(shown).sort()).toEqual(['calendarWrites', 'configuration', 'details', 'jobs', 'running', 'startedAt']);
    expect(shown.running).toBe(true);
    expect(shown.configuration).toBe('ok');
    expect(html).not.toContain('"pid"');
    expect(html).not.toContain(daemon.url);
  });
});

describe('HTTP hardening', () => {
  it('sign-out without a session answers without waiting for a body sent slowly; a request must arrive within 30 s, and connections are capped (QA security F2)', async () => {
    const { daemon } = await started();
    const { hostname, port } = new URL(daemon.url);
    const socket = connect(Number(port), hostname);
    const answer = new Promise<string>((resolve) => socket.once('data', (data) => resolve(String(data))));
    socket.write('POST /dashboard/sign-out HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n_');
    const first = await Promise.race([answer, new Promise<string>((resolve) => setTimeout(() => resolve('no answer in 5 s'), 5_000))]);
    socket.destroy();
    expect(first.split('\r\n')[0]).toBe('HTTP/1.1 303 See Other');
    const server = (await listen({ fetch: () => new Response('ok') }, '127.0.0.1', 0)).server as Server;
    try {
      expect([server.requestTimeout, server.headersTimeout <= 30_000, server.maxConnections]).toEqual([30_000, true, 1_000]);
    } finally {
      server.close();
    }
  });

  it('HTML pages carry a CSP that allows only their own nonce, nosniff, DENY framing, no referrer; link pages are not cached', async () => {
    const { daemon, feedDir } = await started();
    const [a] = feedLinks(feedDir);
    for (const path of ['/status', a!.done, a!.skip]) {
      const res = await fetch(`${daemon.url}${path}`);
      expect(res.status, path).toBe(200);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toMatch(/default-src 'none'/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/form-action 'self'/);
      const nonce = /script-src 'nonce-([^']+)'/.exec(csp)![1]!;
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      // Every style and script block carries this response's nonce; nothing inline runs without it.
      const tags = [...html.matchAll(/<(script|style)([^>]*)>/g)];
      expect(tags.length).toBeGreaterThan(0);
      for (const [, , attrs] of tags) expect(attrs).toBe(` nonce="${nonce}"`);
      expect(html).not.toMatch(/\son\w+=/); // no inline event handlers
    }
    // The done page has no script at all (test/browser/one-click-links.test.ts); a second request gets another nonce.
    const first = await fetch(`${daemon.url}${a!.done}`);
    const second = await fetch(`${daemon.url}${a!.done}`);
    expect(await first.text()).not.toContain('<script');
    expect(first.headers.get('content-security-policy')).not.toBe(second.headers.get('content-security-policy'));
  });

  it('request bodies over 1 MB are refused with 413, announced or streamed, and a normal event still works', async () => {
    const { daemon } = await started();
    expect(await postRaw(`${daemon.url}/api/events`, 5 * 1024 * 1024, { chunked: false })).toBe(413);
    expect(await postRaw(`${daemon.url}/api/events`, 5 * 1024 * 1024, { chunked: true })).toBe(413);
    const ok = await fetch(`${daemon.url}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ event: 'no.such.event', client: 'c0' }) });
    expect(ok.status).toBe(422); // read and answered: under the limit
  });
});

describe('the one-click pages', () => {
  it('skip asks for a reason (an empty one is refused), records it as the CLI does, and offers undo', async () => {
    const { daemon, dbFile, feedDir } = await started();
    // What the daemon logs of each link pressed ("outcome recorded from a calendar link").
    const recorded: string[] = [];
    daemon.on('link:recorded', (o) => recorded.push(`${o.action} ${o.touch.status}`));
    const [a] = feedLinks(feedDir);
    const touchId = touchIdOf(a!.uid.slice(0, 32));
    const page = await (await fetch(`${daemon.url}${a!.skip}`)).text();
    expect(page).toContain('<textarea id="reason" name="reason"');
    expect(page).not.toContain('<script'); // no link page submits itself
    const empty = await fetch(`${daemon.url}${a!.skip}`, { method: 'POST', body: new URLSearchParams({ reason: '   ' }) });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Give a reason');
    expect((await historyOf(dbFile, touchId)).touch.status).toBe('planned');

    const synced = nextFinished(daemon, 'sync');
    const res = await fetch(`${daemon.url}${a!.skip}`, { method: 'POST', body: new URLSearchParams({ reason: 'their office is closed until Monday' }) });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('skipped (their office is closed until Monday)');
    await synced;
    let h = await historyOf(dbFile, touchId);
    expect(h.touch).toMatchObject({ status: 'skipped', note: 'their office is closed until Monday' });

    // Undo: opening its link changes nothing; pressing the button reopens the touch, once.
    const undo = /action="\.\.\/u\/([^"]+)"/.exec(html)![1]!;
    expect((await fetch(`${daemon.url}/u/${undo}`)).status).toBe(200);
    expect((await historyOf(dbFile, touchId)).touch.status).toBe('skipped');
    const resynced = nextFinished(daemon, 'sync');
    const undone = await fetch(`${daemon.url}/u/${undo}`, { method: 'POST' });
    expect(undone.status).toBe(200);
    expect(await undone.text()).toContain('is open again');
    await resynced; // the calendar follows
    h = await historyOf(dbFile, touchId);
    expect(h.touch).toMatchObject({ status: 'planned', note: null, resolved_at: null });
    expect(h.events).toEqual([['skipped', 'their office is closed until Monday'], ['restored', 'undone from the calendar link (it had been skipped)']]);
    expect((await fetch(`${daemon.url}/u/${undo}`, { method: 'POST' })).status).toBe(410);
    // The event's own link works again.
    expect((await fetch(`${daemon.url}${a!.done}`, { method: 'POST' })).status).toBe(200);
    // The undo is told as an undo (it was logged as "done" before: the touch had been skipped).
    expect(recorded).toEqual(['skip skipped', 'undo planned', 'done done']);
  });

  it('done takes the employee\'s note if they give one (as done --note records it); one too long is refused, nothing recorded; none is fine', async () => {
    const { daemon, dbFile, feedDir } = await started();
    const [a, b] = feedLinks(feedDir);
    const page = await (await fetch(`${daemon.url}${a!.done}`)).text();
    expect(page).toContain('<textarea id="note" name="note" rows="3" maxlength="500"></textarea>');
    // A form that cannot be read — a broken multipart body, a connection dropped halfway — is no
    // click without a note: nothing is recorded, the link stays usable (QA: recorded as done, its note lost).
    const broken = await fetch(`${daemon.url}${a!.done}`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: 'note=wants the new price list' });
    expect(broken.status).toBe(400);
    expect(await broken.text()).toContain('The form did not arrive whole, so nothing was recorded. Send it again.');
    const { hostname, port } = new URL(daemon.url);
    const socket = connect({ host: hostname, port: Number(port) });
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST ${a!.done} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nnote=wants+the+new+pr`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await historyOf(dbFile, touchIdOf(a!.uid.slice(0, 32)))).touch.status).toBe('planned');
    const long = await fetch(`${daemon.url}${a!.done}`, { method: 'POST', body: new URLSearchParams({ note: 'x'.repeat(501) }) });
    expect(long.status).toBe(400);
    expect(await long.text()).toContain('The note is 501 characters long; keep it within 500.');
    expect((await historyOf(dbFile, touchIdOf(a!.uid.slice(0, 32)))).touch.status).toBe('planned');
    const noted = await fetch(`${daemon.url}${a!.done}`, { method: 'POST', body: new URLSearchParams({ note: '  wants the new price list\u001b[2J\n by Friday ' }) });
    expect(noted.status).toBe(200);
    expect((await historyOf(dbFile, touchIdOf(a!.uid.slice(0, 32)))).touch).toMatchObject({ status: 'done', note: 'wants the new price list [2J by Friday' }); // one line, no escape code
    expect((await fetch(`${daemon.url}${b!.done}`, { method: 'POST' })).status).toBe(200);
    expect((await historyOf(dbFile, touchIdOf(b!.uid.slice(0, 32)))).touch).toMatchObject({ status: 'done', note: 'marked done from the calendar link' });
  });

  it('undo of done works for 15 minutes, not after, and not with a forged token', async () => {
    const { daemon, dbFile, feedDir, clock } = await started();
    const [a, b] = feedLinks(feedDir);
    const undoOf = async (link: string) => /action="\.\.\/u\/([^"]+)"/.exec(await (await fetch(`${daemon.url}${link}`, { method: 'POST' })).text())![1]!;
    const undoA = await undoOf(a!.done);
    const undoB = await undoOf(b!.done);
    clock.set(NOW.plus({ minutes: 14 }));
    expect((await fetch(`${daemon.url}/u/${undoA}`, { method: 'POST' })).status).toBe(200);
    expect((await historyOf(dbFile, touchIdOf(a!.uid.slice(0, 32)))).touch.status).toBe('planned');
    clock.set(NOW.plus({ minutes: 16 }));
    const late = await fetch(`${daemon.url}/u/${undoB}`, { method: 'POST' });
    expect(late.status).toBe(410);
    expect(await late.text()).toContain('Too late to undo');
    expect((await historyOf(dbFile, touchIdOf(b!.uid.slice(0, 32)))).touch.status).toBe('done');
    const forged = undoB.replace(/\.[^.]+$/, `.${'A'.repeat(22)}`);
    expect((await fetch(`${daemon.url}/u/${forged}`, { method: 'POST' })).status).toBe(404);
  });
});

describe('a link pressed twice at once', () => {
  it('records it once and says "already used" to the other presses, never a server error (PostgreSQL lets both find it unused)', async () => {
    const { daemon, dbFile, feedDir } = await started();
    const [a, b] = feedLinks(feedDir);
    const press = (path: string) => fetch(`${daemon.url}${path}`, { method: 'POST' }).then(async (r) => ({ status: r.status, text: await r.text() }));
    for (let round = 0; round < 3; round++) {
      const link = round === 0 ? a!.done : round === 1 ? b!.skip : a!.snooze;
      const answers = await Promise.all(Array.from({ length: 6 }, () => press(link)));
      const statuses = answers.map((x) => x.status);
      expect(statuses.filter((s) => s >= 500), JSON.stringify(statuses)).toEqual([]);
      if (round === 0) expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    }
    const { events } = await historyOf(dbFile, touchIdOf(a!.uid.slice(0, 32)));
    expect(events.filter(([type]) => type === 'done')).toHaveLength(1);
    // The undo link of that click, pressed twice at once: one undo.
    const undo = /action="\.\.\/u\/([^"]+)"/.exec((await press(feedLinks(feedDir).find((l) => l.uid !== a!.uid)!.done)).text)![1]!;
    const undone = await Promise.all(Array.from({ length: 4 }, () => press(`/u/${undo}`)));
    expect(undone.map((x) => x.status).filter((s) => s >= 500)).toEqual([]);
    expect(undone.map((x) => x.status).filter((s) => s === 200)).toHaveLength(1);
  });
});

describe('a burst of business events (a CRM\'s webhooks)', () => {
  it('is worked a few at a time, each recorded once; past the waiting room the sender is told 503 with Retry-After, and nothing is recorded for it (QA: 30 job processes, 3 GB)', { timeout: 60_000 }, async () => {
    const configDir = writeConfig({ 'touchbase.yaml': workflowCompany() });
    const clock = new ManualClock(NOW);
    let now = 0;
    let most = 0;
    const feedDir = join(tempDir(), 'feeds');
    const d = await daemonUnderTest({
      configDir, clock, apiToken: TOKEN, feedDir,
      runner: (db) => {
        const inner = new InProcessRunner({ db, clock, feedDir });
        return {
          check: (s, c) => inner.check(s, c), work: (k, s, c) => inner.work(k, s, c),
          event: async (s, e, c) => {
            most = Math.max(most, ++now);
            try {
              await new Promise((resolve) => setTimeout(resolve, 150));
              return await inner.event(s, e, c);
            } finally {
              now--;
            }
          },
        };
      },
    });
    await startedAndSynced(d.daemon);
    const send = (ref: string) => fetch(`${d.daemon.url}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ event: 'order.shipped', client: 'alpha', ref }) });
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => send(`S-${i}`)));
    expect(most).toBeLessThanOrEqual(2);
    const created = answers.filter((a) => a.status === 201).length;
    const busy = answers.filter((a) => a.status === 503);
    expect(created + busy.length).toBe(60);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy[0]!.headers.get('retry-after')).toBe('60');
    expect((await busy[0]!.json() as { error: string }).error).toMatch(/business events are already waiting to be recorded; nothing was recorded: send it again in a minute/);
    const db = await openMigrated(d.dbFile);
    try {
      expect((await db.selectFrom('business_events').select('ref').execute()).length).toBe(created);
    } finally {
      await db.destroy();
    }
  });
});

describe('a business event over its time limit', () => {
  it('is a 503 with Retry-After that says it may have been recorded (the same ref is recorded once), not a 500 (QA)', { timeout: 30_000 }, async () => {
    const configDir = writeConfig({ 'touchbase.yaml': workflowCompany() });
    const clock = new ManualClock(NOW);
    const feedDir = join(tempDir(), 'feeds');
    const d = await daemonUnderTest({
      configDir, clock, apiToken: TOKEN, feedDir, limits: { checkMs: 2_000, stopGraceMs: 100 },
      runner: (db) => {
        const inner = new InProcessRunner({ db, clock, feedDir });
        return {
          check: (s, c) => inner.check(s, c), work: (k, s, c) => inner.work(k, s, c),
          event: async (s, e, c) => {
            await new Promise((resolve) => setTimeout(resolve, 3_000));
            return inner.event(s, e, c);
          },
        };
      },
    });
    await startedAndSynced(d.daemon);
    const answer = await fetch(`${d.daemon.url}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ event: 'order.shipped', client: 'alpha', ref: 'S-1' }) });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('60');
    expect((await answer.json() as { error: string }).error).toBe('not worked out within its time limit (2 s, TOUCHBASE_CHECK_TIMEOUT); it may have been recorded: send it again in a minute (the same ref is recorded once)');
  });
});
