import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach } from 'vitest';

/**
 * The postgres project's setup file: with a database URL the feeds' default folder is ./db/feeds
 * of the working directory (there is no database file to put them beside), which in a test run
 * is this repository. Each test gets a folder of its own instead — each has its own database,
 * and a feed folder belongs to one database (sync/feed-files.ts, claimFeedsFolder) — removed
 * after its file. A test that sets TOUCHBASE_FEEDS_DIR itself still wins.
 */
const dir = mkdtempSync(join(tmpdir(), 'touchbase-pg-feeds-'));
let n = 0;
process.env.TOUCHBASE_FEEDS_DIR = join(dir, 'feeds');
beforeEach(() => {
  process.env.TOUCHBASE_FEEDS_DIR = join(dir, `feeds-${++n}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
