import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { feedApp } from '../../src/http/feed-server.ts';
import { cli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/config-folder.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';

describe('feed server', () => {
  it('serves a synced feed at its token URL and 404s anything else', async () => {
    const db = await tempDatabaseLocation();
    await cli('sync', '--config', 'config', '--db', db, '--now', '2027-01-11T08:00:00+03:00');
    const feeds = await cli('feeds', '--config', 'config', '--db', db, '--base-url', 'https://touchbase.example');
    const url = /https:\/\/touchbase\.example(\/feeds\/[A-Za-z0-9_-]{32}\.ics)/.exec(feeds.out)![1]!;
    // Beside a SQLite file; the postgres project's own folder otherwise (test/helpers/postgres-feeds-dir.ts).
    const app = feedApp(process.env.TOUCHBASE_FEEDS_DIR ?? join(db, '..', 'feeds'));
    const res = await app.request(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/calendar');
    const cal = new ICAL.Component(ICAL.parse(await res.text()));
    expect(cal.getAllSubcomponents('vevent').length).toBeGreaterThan(0);
    expect((await app.request('/feeds/orlov.ics')).status).toBe(404);
    expect((await app.request('/feeds/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics')).status).toBe(404);
    expect((await app.request('/feeds/..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
  });
});
