import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { tempDir, writeConfig } from '../helpers/config-folder.ts';
import { NOW, syncCompany } from '../helpers/sync-company.ts';
import { daemonUnderTest, startedAndSynced, stopAll } from '../helpers/daemon-under-test.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { InProcessRunner } from '../../src/daemon/in-process-runner.ts';
import { readSnapshot } from '../../src/config/snapshot.ts';

/**
 * Saves that keep coming (a script writing an export every few seconds, faster than a check of
 * the whole company) stop the check of the save before: without a bound, none was ever applied
 * for as long as the stream lasted, and nothing said so. Past `supersedeMs`, the check under
 * way is let finish and applied, and the newest files are checked after it.
 */

afterEach(stopAll);

const CHECK_MS = 150;
const SAVE_EVERY_MS = 40;

describe('a stream of configuration saves', () => {
  it('is applied while it lasts, at the latest a check after the bound; the last save is applied once it stops', async () => {
    const sections = syncCompany('ics', { clients: 2 });
    const dir = writeConfig({ 'touchbase.yaml': sections });
    const clock = new ManualClock(NOW);
    let checks = 0;
    const feedDir = join(tempDir(), 'feeds');
    const { daemon } = await daemonUnderTest({
      configDir: dir, clock, feedDir, limits: { supersedeMs: 600 },
      // A check of a big company takes longer than the saves are apart.
      runner: (db) => {
        const runner = new InProcessRunner({ db, clock, feedDir });
        const check = runner.check.bind(runner);
        runner.check = async (snapshot, control) => {
          checks++;
          await new Promise((r) => setTimeout(r, CHECK_MS));
          return check(snapshot, control);
        };
        return runner;
      },
    });
    await startedAndSynced(daemon);
    const applied: { at: number; hash: string }[] = [];
    daemon.on('config:applied', ({ hash }) => applied.push({ at: performance.now(), hash }));

    const started = performance.now();
    let saves = 0;
    while (performance.now() - started < 2_500) {
      sections.clients[0]!.name = `Client renamed ${++saves}`;
      writeFileSync(join(dir, 'touchbase.yaml'), stringify(sections));
      daemon.requestReload('file changed');
      await new Promise((r) => setTimeout(r, SAVE_EVERY_MS));
    }
    const stopped = performance.now();
    // Applied during the stream, about every bound plus a check, not only after it.
    const during = applied.filter((a) => a.at < stopped).map((a) => a.at);
    expect(during.length).toBeGreaterThanOrEqual(2);
    expect(during[0]! - started).toBeLessThan(600 + 4 * CHECK_MS + 500);

    // The last save is the one the daemon runs on once the files rest.
    expect(await daemon.reload('test')).toBe(true);
    expect(applied.at(-1)!.hash).toBe(readSnapshot(dir).hash);
    // One check at a time, each of the files as they are when it starts: about one per check's time, not one per save.
    expect(checks).toBeLessThan(saves / 2);
    expect((await daemon.status()).configErrors).toEqual([]);
  });
});
