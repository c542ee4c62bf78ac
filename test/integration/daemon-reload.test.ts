import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import parsePrometheus from 'parse-prometheus-text-format';
import { writeConfig } from '../helpers/config-folder.ts';
import { cli } from '../helpers/run-cli.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { NOW, syncCompany } from '../helpers/sync-company.ts';
import { daemonUnderTest, startedAndSynced, stopAll } from '../helpers/daemon-under-test.ts';

afterEach(stopAll);

async function configValidGauge(url: string): Promise<string> {
  const families = parsePrometheus(await (await fetch(`${url}/metrics`)).text());
  return families.find((f) => f.name === 'touchbase_config_last_reload_valid')!.metrics[0]!.value;
}

describe('the daemon follows saves by rename, and a fixed file ends the rejection everywhere', () => {
  it('sed -i breaks it, git checkout restores it: status, /readyz and the metric agree again; later edits are applied', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('ics') });
    const file = join(configDir, 'touchbase.yaml');
    const git = (...args: string[]) => execFileSync('git', ['-C', configDir, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { stdio: 'ignore' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'company');
    const clock = new ManualClock(NOW);
    const { daemon, dbFile } = await daemonUnderTest({ configDir, clock, watch: { debounceMs: 100, pollMs: 0 } });
    await startedAndSynced(daemon);

    const rejected = once(daemon, 'config:rejected');
    execFileSync('sed', ['-i', 's/ours: account_manager/ours: nobody_has_this_role/', file]);
    await rejected;
    expect((await cli('status', '--db', dbFile)).out).toContain('the last change was REJECTED');
    expect(await configValidGauge(daemon.url)).toBe('0');
    expect(((await (await fetch(`${daemon.url}/readyz`)).json()) as { config: string }).config).toMatch(/rejected/);

    // Back to the running configuration's files: nothing to apply, but the rejection is over.
    git('checkout', '--', 'touchbase.yaml');
    const deadline = performance.now() + 10_000;
    while ((await daemon.status()).configErrors.length > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect((await cli('status', '--db', dbFile)).out).toContain('configuration: ok');
    expect(await configValidGauge(daemon.url)).toBe('1');
    expect(((await (await fetch(`${daemon.url}/readyz`)).json()) as { config: string }).config).toBe('ok');

    // And the same file, saved again (by rename, then in place), is still followed.
    const applied = once(daemon, 'config:applied');
    writeFileSync(`${file}.new`, stringify(syncCompany('ics', { title: 'Call {contacts}' })));
    renameSync(`${file}.new`, file);
    await applied;
    const again = once(daemon, 'config:applied');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Call {contacts}', 'Ring {contacts}'));
    await again;
  });
});
