import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FeedFiles } from '../../src/sync/feed-files.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'touchbase-feed-files-'));
  dirs.push(d);
  return d;
}

/** A feed's text: Cyrillic and Romanian letters take two bytes each, so bytes ≠ characters. */
const text = (i: number) => `BEGIN:VCALENDAR\r\nSUMMARY:Звонок ${i} — Mulțumim, Ștefan\r\n${'DESCRIPTION:Поздравление с Новым годом\r\n'.repeat(5000)}END:VCALENDAR\r\n`;

describe('FeedFiles', () => {
  it('creates each feed owner-only (0640 with TOUCHBASE_FEEDS_MODE=group) whatever the umask it runs under', async () => {
    const previous = process.umask(0o022);
    try {
      for (const [access, mode] of [[undefined, '600'], ['group', '640']] as const) {
        const before = process.env.TOUCHBASE_FEEDS_MODE;
        if (access) process.env.TOUCHBASE_FEEDS_MODE = access;
        try {
          const file = join(folder(), 'feed.ics');
          const files = new FeedFiles();
          await files.write(file, Buffer.from(text(0)), 'anna', async () => {});
          await files.finish();
          expect((statSync(file).mode & 0o777).toString(8), access ?? 'private').toBe(mode);
        } finally {
          if (before === undefined) delete process.env.TOUCHBASE_FEEDS_MODE;
          else process.env.TOUCHBASE_FEEDS_MODE = before;
        }
      }
    } finally {
      process.umask(previous);
    }
  });

  it('keeps several files in flight while the caller goes on, and records each once it is in place', async () => {
    const dir = folder();
    const files = new FeedFiles();
    const recorded: string[] = [];
    const record = (file: string, i: number) => async () => {
      // Recorded only when the whole file is where readers look for it.
      expect(readFileSync(file, 'utf8')).toBe(text(i));
      recorded.push(file);
    };
    const file = (i: number) => join(dir, `feed-${i}.ics`);
    for (let i = 0; i < 4; i++) await files.write(file(i), Buffer.from(text(i)), 'anna', record(file(i), i));
    // Four writes begun without waiting for any (a completion needs this thread to be free).
    expect(recorded).toEqual([]);
    // The fifth waits for the oldest.
    await files.write(file(4), Buffer.from(text(4)), 'anna', record(file(4), 4));
    expect(recorded).toContain(file(0));
    for (let i = 5; i < 12; i++) await files.write(file(i), Buffer.from(text(i)), 'anna', record(file(i), i));
    await files.finish();
    expect(recorded.sort()).toEqual(Array.from({ length: 12 }, (_, i) => file(i)).sort());
    for (let i = 0; i < 12; i++) expect(readFileSync(file(i), 'utf8')).toBe(text(i));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a file that cannot be written fails once, keeps its last version, and the files in flight beside it are written', async () => {
    const dir = folder();
    const file = (i: number) => join(dir, `feed-${i}.ics`);
    writeFileSync(file(1), 'the last version');
    // Where feed 1 would be written first, a folder: its write fails (EISDIR).
    mkdirSync(`${file(1)}.tmp`);
    const files = new FeedFiles();
    const recorded: string[] = [];
    for (let i = 0; i < 3; i++) await files.write(file(i), Buffer.from(text(i)), 'anna', async () => void recorded.push(file(i)));
    const failed = await files.finish().then(() => undefined, (e: unknown) => e as Error & { code?: string });
    expect(failed?.code).toBe('EISDIR');
    // Node's words named the file, whose name is the feed's address (QA 2026-12-06): its code and call, and whose feed, instead.
    expect(failed?.message).toBe(`the feed folder ${dir}: the feed of anna was not written (the feed in place is the last one written whole): EISDIR on open — the next sync writes the feeds again`);
    expect(readFileSync(file(1), 'utf8')).toBe('the last version');
    expect(recorded.sort()).toEqual([file(0), file(2)]);
    for (const i of [0, 2]) expect(readFileSync(file(i), 'utf8')).toBe(text(i));
    // Told once: nothing is left to fail.
    await expect(files.finish()).resolves.toBeUndefined();
    expect(existsSync(`${file(0)}.tmp`)).toBe(false);
  });

  it('a failed write is thrown at the next write that waits for it', async () => {
    const dir = folder();
    const file = (i: number) => join(dir, `feed-${i}.ics`);
    mkdirSync(`${file(0)}.tmp`);
    const files = new FeedFiles();
    for (let i = 0; i < 4; i++) await files.write(file(i), Buffer.from(text(i)), 'anna', async () => undefined);
    await expect(files.write(file(4), Buffer.from(text(4)), 'anna', async () => undefined)).rejects.toMatchObject({ code: 'EISDIR' });
    await files.finish();
    for (const i of [1, 2, 3]) expect(readFileSync(file(i), 'utf8')).toBe(text(i));
  });
});
