import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { utimes, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
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

describe('feed server: what calendar apps poll with', () => {
  const token = 'abcdefghijklmnopqrstuvwxyz012345';
  const feed = (summary: string) => `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//touchbase//EN\r\n${
    Array.from({ length: 40 }, (_, i) => `BEGIN:VEVENT\r\nUID:${i}@touchbase\r\nDTSTAMP:20270111T080000Z\r\nDTSTART:20270111T080000Z\r\nSUMMARY:${summary} ${i}\r\nEND:VEVENT\r\n`).join('')
  }END:VCALENDAR\r\n`;

  it('answers an unchanged feed 304 by its ETag or its Last-Modified, and a changed one in full', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, `${token}.ics`), feed('Звонок: ООО «Ромашка»'));
    const app = feedApp(dir);
    const first = await app.request(`/feeds/${token}.ics`);
    expect(first.status).toBe(200);
    const tag = first.headers.get('etag');
    const lastModified = first.headers.get('last-modified');
    expect(tag).toMatch(/^W\/"[0-9a-f]+"$/);
    expect(lastModified).toMatch(/GMT$/);
    expect(await first.text()).toBe(feed('Звонок: ООО «Ромашка»'));

    const byTag = await app.request(`/feeds/${token}.ics`, { headers: { 'if-none-match': tag! } });
    expect(byTag.status).toBe(304);
    expect(await byTag.text()).toBe('');
    const byDate = await app.request(`/feeds/${token}.ics`, { headers: { 'if-modified-since': lastModified! } });
    expect(byDate.status).toBe(304);
    // An ETag that does not match wins over a date that would: the feed is sent.
    const staleTag = await app.request(`/feeds/${token}.ics`, { headers: { 'if-none-match': 'W/"0"', 'if-modified-since': lastModified! } });
    expect(staleTag.status).toBe(200);
    const unreadableDate = await app.request(`/feeds/${token}.ics`, { headers: { 'if-modified-since': 'yesterday' } });
    expect(unreadableDate.status).toBe(200);
    // Only the date format a server sends counts, and not a date still to come (a client's clock
    // ahead): "2099" and tomorrow withheld the feed's changes until then.
    for (const date of ['2099', 'Dec 31 2099', new Date(Date.now() + 86_400_000).toUTCString()]) {
      expect((await app.request(`/feeds/${token}.ics`, { headers: { 'if-modified-since': date } })).status, date).toBe(200);
    }
    // HEAD says the feed's length, as a GET not gzipped does.
    const head = await app.request(`/feeds/${token}.ics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('vary')).toContain('Accept-Encoding');
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(await (await app.request(`/feeds/${token}.ics`)).text())));

    // The feed rewritten (a touch moved), its file dated later: both validators now miss.
    await writeFile(join(dir, `${token}.ics`), feed('Встреча: ООО «Ромашка»'));
    const later = new Date(Date.parse(lastModified!) + 60_000);
    await utimes(join(dir, `${token}.ics`), later, later);
    const afterTag = await app.request(`/feeds/${token}.ics`, { headers: { 'if-none-match': tag! } });
    expect(afterTag.status).toBe(200);
    expect(afterTag.headers.get('etag')).not.toBe(tag);
    expect(await afterTag.text()).toContain('Встреча');
    const afterDate = await app.request(`/feeds/${token}.ics`, { headers: { 'if-modified-since': lastModified! } });
    expect(afterDate.status).toBe(200);
  });

  it('sends the feed gzipped to a client that accepts it, the same bytes once unzipped', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, `${token}.ics`), feed('Поздравление с Днём бухгалтера — Mulțumim'));
    const res = await feedApp(dir).request(`/feeds/${token}.ics`, { headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toContain('Accept-Encoding');
    const zipped = Buffer.from(await res.arrayBuffer());
    expect(zipped.length).toBeLessThan(Buffer.byteLength(feed('Поздравление с Днём бухгалтера — Mulțumim')) / 3);
    expect(gunzipSync(zipped).toString('utf8')).toBe(feed('Поздравление с Днём бухгалтера — Mulțumim'));
    const plain = await feedApp(dir).request(`/feeds/${token}.ics`);
    expect(plain.headers.get('content-encoding')).toBeNull();
  });
});
