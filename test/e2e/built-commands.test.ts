import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../helpers/config-folder.ts';

/**
 * The built CLI (dist/, as `npx touchbase` and the service run it), not the sources the other
 * tests load in-process: a build that loads a library wrongly on one command's path fails only
 * here (QA: `once` and `sync` said "distance is not a function" on every configuration while
 * every in-process test passed). Each command a person runs first, on the shipped example.
 */
describe('the built command line runs the everyday commands on the shipped example', () => {
  it('validate, plan, once, sync, status, history, checks, report and feeds exit 0', () => {
    const dir = tempDir();
    const config = join(dir, 'config');
    cpSync(resolve('config'), config, { recursive: true });
    const env = {
      ...process.env, TOUCHBASE_FEEDS_DIR: join(dir, 'feeds'),
      TOUCHBASE_LINK_SECRET: 'l'.repeat(40), TOUCHBASE_FEED_SECRET: 'f'.repeat(40),
    };
    const run = (...args: string[]) => spawnSync(process.execPath, [resolve('src/touchbase.js'), ...args, '--config', config, '--db', join(dir, 't.sqlite')], { encoding: 'utf8', env, timeout: 120_000 });
    const now = ['--now', '2026-12-07T09:00:00+03:00'];
    for (const args of [['validate'], ['plan', '--no-save', ...now], ['once', ...now], ['sync', ...now], ['sync', '--dry-run', ...now], ['status'], ['history'],
      ['checks', ...now], ['report', 'punctuality', ...now], ['feeds'], ['accept-removals'], ['plan', '--employee', 'ivanova', ...now]]) {
      const r = run(...args);
      expect([args.join(' '), r.status, r.stderr.includes('is not a function')], r.stderr).toEqual([args.join(' '), 0, false]);
    }
  }, 240_000);
});
