import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Daemon } from '../../src/daemon/daemon.ts';
import { writeConfig } from '../helpers/config-folder.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { NOW, syncCompany } from '../helpers/sync-company.ts';
import { daemonUnderTest, nextFinished, startedAndSynced, stopAll } from '../helpers/daemon-under-test.ts';
import { testBackend } from '../helpers/test-backend.ts';

afterEach(() => stopAll());

function nextFailed(daemon: Daemon, job: string): Promise<string> {
  return new Promise((resolve) => {
    const listener = (run: { job: string; error: Error }) => {
      if (run.job !== job) return;
      daemon.off('job:failed', listener);
      resolve(run.error.message);
    };
    daemon.on('job:failed', listener);
  });
}

describe('a sync that cannot write the feeds (a full disk)', () => {
  it('leaves the iCalendar service in error in status and /readyz, and counts it, until a sync writes them again (QA: "ics: ok" while no feed could be written)', async () => {
    if (testBackend() !== 'sqlite') return;
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const { daemon, feedDir } = await daemonUnderTest({ configDir, clock: new ManualClock(NOW) });
    await startedAndSynced(daemon);
    expect((await daemon.status()).providers).toMatchObject({ 'ics.state': 'ok' });
    // Every feed's draft goes to a device that is always full: each write fails with ENOSPC.
    const feeds = readdirSync(feedDir).filter((f) => f.endsWith('.ics'));
    expect(feeds.length).toBeGreaterThan(0);
    for (const f of feeds) symlinkSync('/dev/full', join(feedDir, `${f}.tmp`));
    const failed = nextFailed(daemon, 'sync');
    writeFileSync(join(configDir, 'touchbase.yaml'), stringify(syncCompany('ics', { title: 'Ring {contacts}' })));
    await daemon.reload('test');
    expect(await failed).toMatch(/^the feed folder .* is full \(ENOSPC\)/);
    expect((await daemon.status()).providers).toMatchObject({ 'ics.state': 'errors' });
    const ready = await (await fetch(`${daemon.url}/readyz`)).json() as { providers: Record<string, string> };
    expect(ready.providers['ics.state']).toBe('errors');
    expect(await (await fetch(`${daemon.url}/metrics`)).text()).toMatch(/touchbase_provider_errors_total\{provider="ics",code="ENOSPC"\} [1-9]/);
    // Room again: the next sync writes them, and the service is ok.
    for (const f of feeds) rmSync(join(feedDir, `${f}.tmp`), { force: true });
    const synced = nextFinished(daemon, 'sync');
    daemon.scheduler.request('sync');
    await synced;
    expect((await daemon.status()).providers).toMatchObject({ 'ics.state': 'ok' });
  });
});
