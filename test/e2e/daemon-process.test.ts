import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { startRealDaemon } from '../helpers/real-daemon.ts';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('the real touchbase daemon process', () => {
  it('starts on a copy of the example company, serves /healthz and a feed, and stops cleanly on SIGTERM', async () => {
    const d = startRealDaemon();
    try {
      const [, base] = await d.out.waitFor(/status: +(http:\/\/127\.0\.0\.1:(\d+))\/status/);
      expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok\n');
      // The first plan and sync run in a job process; the log line says when they are done.
      await d.out.waitFor(/"job":"sync".*"msg":"plan: \d+ new/, 90_000);
      // The busiest employee's feed (some have nothing in the horizon).
      const feed = readdirSync(d.feeds).filter((f) => f.endsWith('.ics')).sort((a, b) => statSync(join(d.feeds, b)).size - statSync(join(d.feeds, a)).size)[0]!;
      const res = await fetch(`${base}/feeds/${feed}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/calendar');
      const ics = (await res.text()).replace(/\r?\n[ \t]/g, '');
      expect(ics).toContain('BEGIN:VEVENT');
      // --port 0 chose a port: the one-click links in the events point at it, not at settings.http.port.
      const links = [...ics.matchAll(/(https?:\/\/[^/\s\\]+)\/a\//g)].map((m) => m[1]);
      expect(links.length).toBeGreaterThan(0);
      expect(new Set(links)).toEqual(new Set([base]));
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      // Standard output is not a terminal here: it is the log, one JSON object per line, the banner too.
      const outLines = d.out.text().split('\n').filter((l) => l.trim() !== '');
      expect(outLines.filter((l) => { try { JSON.parse(l); return false; } catch { return true; } })).toEqual([]);

      // Edits to the configuration are validated in a job process: a valid one is applied,
      // a broken one is reported with its place while the daemon goes on.
      const rules = join(d.config, 'rules.yaml');
      const text = readFileSync(rules, 'utf8');
      writeFileSync(rules, text.replace('every: 6 months', 'every: 4 months'));
      await d.out.waitFor(/"msg":"configuration reloaded"/);
      writeFileSync(rules, `${text}\n  - { id: broken, ours: nobody, theirs: ceo, kind: call, every: 1 month }\n`);
      const [rejected] = await d.out.waitFor(/[^\n]*"msg":"configuration change rejected[^\n]*/);
      expect(rejected).toContain('rules.yaml:');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);

      // What it created is its user's alone: the database (secrets in it), the lock, the feeds.
      for (const file of [d.db, `${d.db}-wal`, `${d.db}-shm`, `${d.db}.daemon-lock`, `${d.db}.daemon-pid`]) {
        expect(existsSync(file), file).toBe(true);
        expect(mode(file), file).toBe('600');
      }
      expect(mode(d.feeds)).toBe('700');
      for (const f of readdirSync(d.feeds)) expect(mode(join(d.feeds, f)), f).toBe('600');
    } finally {
      d.child.kill('SIGTERM');
    }
    const { code } = await d.exited;
    expect(code).toBe(0);
    expect(d.out.text()).toContain('"msg":"touchbase daemon stopped"');
    // No token in the log: the feed addresses are not printed when the output is not a terminal.
    expect(d.out.text()).not.toMatch(/\/feeds\/[A-Za-z0-9_-]{32}\.ics/);
  }, 120_000);

  it('bound to 0.0.0.0, names its status, health and metrics addresses by the machine\'s name, as its dashboard\'s (QA readme F9)', async () => {
    const d = startRealDaemon({ args: ['--host', '0.0.0.0'] });
    try {
      const [line, host, port] = await d.out.waitFor(/[^\n]*status: +http:\/\/([^:/]+):(\d+)\/status[^\n]*/);
      expect(host).toBe(hostname());
      expect(line).toContain(`health: http://${hostname()}:${port}/healthz   metrics: http://${hostname()}:${port}/metrics`);
      expect(line).toContain(`dashboard: http://${hostname()}:${port}/dashboard/`);
      expect(line).not.toContain('0.0.0.0');
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      d.child.kill('SIGTERM');
    }
    expect((await d.exited).code).toBe(0);
  }, 120_000);
});
