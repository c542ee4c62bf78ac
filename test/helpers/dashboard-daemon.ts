import { join } from 'node:path';
import { Daemon, type DaemonOptions } from '../../src/daemon/daemon.ts';
import { InProcessRunner } from '../../src/daemon/in-process-runner.ts';
import { dashboardBanner } from '../../src/dashboard/banner.ts';
import { tempDir, writeConfig } from './config-folder.ts';
import type { ManualClock } from './manual-clock.ts';
import { nextFinished } from './daemon-under-test.ts';
import { recordHistory } from './dashboard-company.ts';

const running: Daemon[] = [];

/** Stops every daemon started here (afterEach). */
export async function stopDashboardDaemons(): Promise<void> {
  await Promise.all(running.splice(0).map((d) => d.stop()));
}

/**
 * A daemon in-process (jobs in-process on the test's clock) on a configuration and a database
 * that already holds a recorded history, started, with its first sync and daily checks done.
 */
export async function dashboardDaemon(o: { config: unknown; clock: ManualClock; dashboard?: DaemonOptions['dashboard']; history?: boolean; dbFile?: string; logger?: DaemonOptions['logger'] }): Promise<{ daemon: Daemon; dbFile: string; configDir: string }> {
  const configDir = writeConfig({ 'touchbase.yaml': o.config });
  const dbFile = o.dbFile ?? join(tempDir(), 'touchbase.sqlite');
  const feedDir = join(tempDir(), 'feeds');
  if (o.history !== false) await recordHistory(dbFile);
  const daemon = new Daemon({
    configDir, dbFile, feedDir, clock: o.clock, watch: false, http: { host: '127.0.0.1', port: 0 }, dashboard: o.dashboard, logger: o.logger,
    runner: (db) => new InProcessRunner({ db, clock: o.clock, feedDir }),
  });
  running.push(daemon);
  const synced = nextFinished(daemon, 'sync');
  const checked = nextFinished(daemon, 'daily');
  await daemon.start();
  await Promise.all([synced, checked]);
  return { daemon, dbFile, configDir };
}

/** The one-time sign-in link the daemon's banner prints at a terminal. */
export async function printedLink(daemon: Daemon): Promise<string> {
  const banner = await dashboardBanner(daemon.dashboard, true);
  const m = /(http:\/\/\S+\/dashboard\/auth\/link\/[A-Za-z0-9_-]+)/.exec(banner);
  if (!m) throw new Error(`no sign-in link in the banner:\n${banner}`);
  return m[1]!;
}
