import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeedFiles } from '../../src/sync/feed-files.ts';
import { tempDir } from '../helpers/config-folder.ts';

describe('a feed folder that is full', () => {
  it('is named with what to do, its draft is not left beside the feeds, and the feed in place stays the last one written whole', async () => {
    const dir = tempDir();
    const feed = join(dir, 'anna-token.ics');
    writeFileSync(feed, 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n');
    // Its draft is written to a device that is always full: the write fails with ENOSPC, as on a full disk.
    symlinkSync('/dev/full', `${feed}.tmp`);
    const files = new FeedFiles();
    let recorded = false;
    await files.write(feed, Buffer.alloc(64 * 1024, 'x'), 'anna', async () => {
      recorded = true;
    });
    const error = await files.finish().then(() => undefined, (e: unknown) => e as Error & { code?: string });
    // Whose feed, not its file: the file's name is the feed's address, and this goes to the log, status and /readyz (QA 2026-12-06).
    expect(error?.message).toBe(`the feed folder ${dir} is full (ENOSPC): the feed of anna was not written (the feed in place is the last one written whole); make room or give TOUCHBASE_FEEDS_DIR another folder — the next sync writes the feeds again`);
    expect(error?.message).not.toContain('anna-token');
    expect(error?.code).toBe('ENOSPC');
    expect(recorded).toBe(false);
    expect(existsSync(`${feed}.tmp`)).toBe(false);
    expect(readFileSync(feed, 'utf8')).toBe('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n');
  });
});
