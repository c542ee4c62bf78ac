import { join } from 'node:path';
import { Daemon, type DaemonOptions } from '../../src/daemon/daemon.ts';
import { InProcessRunner } from '../../src/daemon/in-process-runner.ts';
import type { CalendarPort, ProviderName } from '../../src/calendar/port.ts';
import type { SyncOptions } from '../../src/sync/sync-calendars.ts';
import { tempDir } from './config-folder.ts';
import { tempDatabaseLocation } from './test-backend.ts';
import type { ManualClock } from './manual-clock.ts';

const running: Daemon[] = [];

/** Stops every daemon a test started (afterEach). */
export async function stopAll(): Promise<void> {
  await Promise.all(running.splice(0).map((d) => d.stop()));
}

/**
 * A daemon on a configuration folder whose jobs run in-process with the test's clock and
 * calendar fakes, on a free port. `dbFile` and `feedDir` may be given to restart on the same data.
 */
export async function daemonUnderTest(o: {
  configDir: string; clock: ManualClock; dbFile?: string; feedDir?: string;
  ports?: Partial<Record<ProviderName, CalendarPort>>; dispatch?: SyncOptions['dispatch']; apiToken?: string; watch?: DaemonOptions['watch'];
} & Partial<DaemonOptions>): Promise<{ daemon: Daemon; dbFile: string; feedDir: string }> {
  // The run's backend: a SQLite file, or a fresh PostgreSQL database in the postgres project.
  const dbFile = o.dbFile ?? await tempDatabaseLocation({ file: join(tempDir(), 'touchbase.sqlite') });
  const feedDir = o.feedDir ?? join(tempDir(), 'feeds');
  const daemon = new Daemon({
    configDir: o.configDir, dbFile, feedDir, clock: o.clock, apiToken: o.apiToken, watch: o.watch ?? false,
    http: { host: '127.0.0.1', port: 0 }, shared: o.shared, logger: o.logger, limits: o.limits,
    runner: o.runner ?? ((db) => new InProcessRunner({ db, clock: o.clock, feedDir, ports: o.ports, dispatch: o.dispatch })),
  });
  running.push(daemon);
  return { daemon, dbFile, feedDir };
}

/** Starts the daemon and waits for its first sync to finish. */
export async function startedAndSynced(daemon: Daemon): Promise<void> {
  const synced = nextFinished(daemon, 'sync');
  await daemon.start();
  await synced;
}

/**
 * Waits until the daemon's own loop sleeps between passes: a test that drives the scheduler
 * itself (runDue with a moved clock) must not race the loop's pass still running in the
 * background (on PostgreSQL its queries take long enough for the two to interleave).
 */
export async function loopAsleep(daemon: Daemon, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!daemon.scheduler.sleeping) {
    if (performance.now() > deadline) throw new Error(`the daemon's loop did not go to sleep within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The next finished run of a job (a listener on the daemon's typed event, never a sleep). */
export function nextFinished(daemon: Daemon, job: string): Promise<string> {
  return new Promise((resolve) => {
    const listener = (run: { job: string; summary: string }) => {
      if (run.job !== job) return;
      daemon.off('job:finished', listener);
      resolve(run.summary);
    };
    daemon.on('job:finished', listener);
  });
}
