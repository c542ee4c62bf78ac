import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * The postgres project's setup file: with a database URL the feeds' default folder is ./db/feeds
 * of the working directory (there is no database file to put them beside), which in a test run
 * is this repository. Each test file gets a folder of its own instead (a test that sets
 * TOUCHBASE_FEEDS_DIR itself still wins), removed after it.
 */
const dir = mkdtempSync(join(tmpdir(), 'touchbase-pg-feeds-'));
process.env.TOUCHBASE_FEEDS_DIR = join(dir, 'feeds');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
