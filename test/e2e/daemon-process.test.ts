import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { tempDir } from '../helpers/config-folder.ts';

/** Lines the process printed so far, and a promise for the first one matching. */
function watchOutput(stream: NodeJS.ReadableStream) {
  let text = '';
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    for (const w of [...waiters]) {
      const m = text.match(w.re);
      if (m) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m); }
    }
  });
  return {
    text: () => text,
    waitFor: (re: RegExp) => new Promise<RegExpMatchArray>((resolve) => {
      const m = text.match(re);
      if (m) resolve(m); else waiters.push({ re, resolve });
    }),
  };
}

describe('the real touchbase daemon process', () => {
  it('starts on a copy of the example company, serves /healthz and a feed, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const config = join(dir, 'config');
    cpSync(resolve('config'), config, { recursive: true });
    const feeds = join(dir, 'feeds');
    const child = spawn(process.execPath, [resolve('src/touchbase.js'), 'daemon', '--config', config, '--db', join(dir, 'touchbase.sqlite'), '--port', '0'], {
      env: { ...process.env, TOUCHBASE_FEEDS_DIR: feeds, TOUCHBASE_PUBLIC_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = watchOutput(child.stdout!);
    const exited = once(child, 'exit');
    try {
      const [, base] = await out.waitFor(/status: +(http:\/\/127\.0\.0\.1:\d+)\/status/);
      expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok\n');
      // The first plan and sync run in a worker thread; the log line says when they are done.
      await out.waitFor(/"job":"sync".*"msg":"plan: \d+ new/);
      // The busiest employee's feed (some have nothing in the horizon).
      const feed = readdirSync(feeds).filter((f) => f.endsWith('.ics')).sort((a, b) => statSync(join(feeds, b)).size - statSync(join(feeds, a)).size)[0]!;
      const res = await fetch(`${base}/feeds/${feed}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/calendar');
      expect(await res.text()).toContain('BEGIN:VEVENT');
      expect((await fetch(`${base}/readyz`)).status).toBe(200);

      // Edits to the configuration are validated in a job process: a valid one is applied,
      // a broken one is reported with its place while the daemon goes on.
      const rules = join(config, 'rules.yaml');
      const text = readFileSync(rules, 'utf8');
      writeFileSync(rules, text.replace('every: 6 months', 'every: 4 months'));
      await out.waitFor(/"msg":"configuration reloaded"/);
      writeFileSync(rules, `${text}\n  - { id: broken, ours: nobody, theirs: ceo, kind: call, every: 1 month }\n`);
      const [rejected] = await out.waitFor(/[^\n]*"msg":"configuration change rejected[^\n]*/);
      expect(rejected).toContain('rules.yaml:');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await exited;
    expect(code).toBe(0);
    expect(out.text()).toContain('"msg":"touchbase daemon stopped"');
    // No token in the log: the feed addresses are not printed when the output is not a terminal.
    expect(out.text()).not.toMatch(/\/feeds\/[A-Za-z0-9_-]{32}\.ics/);
  }, 60_000);
});
