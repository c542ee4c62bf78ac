import type { Command } from 'commander';
import { Daemon, DaemonStoppedError } from '../../daemon/daemon.ts';
import { createLogger, logLevelFromEnv } from '../../daemon/logger.ts';
import { limitsFromEnv, type JobLimits } from '../../daemon/time-limits.ts';
import { calendarRatesFromEnv, sharedWorkFromEnv, type SharedWorkSettings } from '../../daemon/shared-work.ts';
import { checkSecretsFromEnv } from '../../storage/local-secrets.ts';
import { feedsAccess } from '../../storage/private-files.ts';
import { BadInputError } from '../cli-error.ts';
import { apiToken } from '../api-token.ts';
import { configDir, dbFile, type GlobalOptions } from '../context.ts';
import { outliveOutput, type CliIO } from '../io.ts';
import { feedDir } from './sync.ts';
import { dashboardAuthFromEnv, type DashboardAuth } from '../../dashboard/settings.ts';
import { dashboardBanner } from '../../dashboard/banner.ts';
import { publicUrlFromEnv, reachableUrl } from '../../http/public-url.ts';
import { calendarSettingsFromEnv } from '../../calendar/providers-from-env.ts';

/** Everything the environment sets for the daemon, checked before anything starts (bad values: exit 2). */
function daemonEnvironment(database: string): { token: string | undefined; limits: JobLimits; auth: DashboardAuth; shared: SharedWorkSettings; logLevel: string } {
  const token = apiToken();
  checkSecretsFromEnv(process.env, token);
  try {
    feedsAccess();
    // The job processes read TOUCHBASE_CALENDAR_RATES themselves: a bad value stops the start here instead.
    calendarRatesFromEnv();
    // So do the calendars' variables (a GOOGLE_TIMEOUT_MS, a key file not there) and the public address.
    calendarSettingsFromEnv();
    publicUrlFromEnv();
    return { token, limits: limitsFromEnv(), auth: dashboardAuthFromEnv(), shared: sharedWorkFromEnv(process.env, database), logLevel: logLevelFromEnv() };
  } catch (error) {
    throw new BadInputError((error as Error).message);
  }
}

/** `touchbase daemon` — what `npm start` runs: the service, until SIGINT/SIGTERM. */
export function daemonCommand(program: Command, io: CliIO): void {
  program
    .command('daemon')
    .description('the service (what npm start runs); see The daemon')
    .option('--host <host>', 'address to listen on (default: settings.http.host, 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default: settings.http.port, 8787)')
    .addHelpText('after', `
Ctrl-C or SIGTERM stops it, and every process it started, within seconds; SIGHUP reloads
the configuration. Environment: TOUCHBASE_JOB_TIMEOUT (default 30 minutes) and
TOUCHBASE_CHECK_TIMEOUT (default 2 minutes) limit each job and configuration check;
TOUCHBASE_WARM_FOR (default 10 minutes; 0: none) keeps a job process waiting with the
configuration read after a start or an edit;
TOUCHBASE_API_TOKEN(_FILE), TOUCHBASE_LINK_SECRET and TOUCHBASE_FEED_SECRET must be at
least 32 characters; TOUCHBASE_FEEDS_MODE=group keeps the feeds readable by their group.
Several daemons on one database: TOUCHBASE_INSTANCE_LEASE, TOUCHBASE_CALENDAR_RATES,
TOUCHBASE_SHARED_WORK (see README, Running several daemons).`)
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions & { host?: string; port?: string }>();
      const port = o.port === undefined ? undefined : Number(o.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new BadInputError(`--port: expected a port number, found ${JSON.stringify(o.port)}`);
      const { token, limits, auth, shared, logLevel } = daemonEnvironment(dbFile(o));
      const tty = process.stdout.isTTY === true;
      // Its feeds, links and API stay up when whatever reads its output goes away.
      outliveOutput();
      const logger = await createLogger({ level: logLevel, pretty: tty });
      const daemon = new Daemon({
        configDir: configDir(o), dbFile: dbFile(o), feedDir: feedDir(o), logger, apiToken: token, limits,
        http: { host: o.host, port }, dashboard: { auth, publicUrl: publicUrlFromEnv() }, shared,
      });

      // The signals are ours from the start: a SIGTERM while the configuration is being checked
      // stops that check's process too, instead of killing the daemon and orphaning it.
      let signals = 0;
      let stopRequested = false;
      let requestStop!: () => void;
      const stopped = new Promise<void>((resolve) => (requestStop = resolve));
      const stop = (signal: string) => {
        signals++;
        if (signals > 1) {
          logger.warn({ signal }, 'second signal: stopping now; unfinished calendar writes are retried at the next start');
          daemon.killNow();
          // The shell's code for the signal that forced it: 128 + 2 (SIGINT) or 128 + 15 (SIGTERM).
          process.exit(signal === 'SIGTERM' ? 143 : 130);
        }
        logger.info({ signal }, 'stopping (send the signal again to force)');
        stopRequested = true;
        void daemon.stop().catch((error: unknown) => logger.error({ error: String(error) }, 'stop failed')).finally(requestStop);
      };
      // The daemon cannot go on (another daemon took its lock while its database session was
      // lost): it stops, and the process ends with an error for the service manager to see.
      daemon.once('fatal', () => {
        process.exitCode = 1;
        if (stopRequested) return;
        stopRequested = true;
        void daemon.stop().catch((error: unknown) => logger.error({ error: String(error) }, 'stop failed')).finally(requestStop);
      });
      const onInt = () => stop('SIGINT');
      const onTerm = () => stop('SIGTERM');
      const onHup = () => daemon.requestReload('SIGHUP');
      // However this process ends, no job process outlives it.
      const onExit = () => daemon.killNow();
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      process.on('SIGHUP', onHup);
      process.on('exit', onExit);
      try {
        try {
          await daemon.start();
        } catch (error) {
          if (error instanceof DaemonStoppedError) return;
          throw error;
        }
        if (!stopRequested) await printBanner(daemon, io, tty, logger);
        await stopped;
        // Nothing should be left to keep the process alive; if something is, it must not keep a stopped daemon around.
        setTimeout(() => {
          logger.warn('something kept the stopped daemon alive: exiting');
          process.exit(process.exitCode ?? 0);
        }, 2_000).unref();
      } finally {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        process.off('SIGHUP', onHup);
        await daemon.stop();
        process.off('exit', onExit);
      }
    });
}

async function printBanner(daemon: Daemon, io: CliIO, tty: boolean, logger: { info(msg: string): void }): Promise<void> {
  const settings = daemon.summary.settings;
  // Addresses people (and monitoring probes) can open: bound to 0.0.0.0 or ::, the machine's name,
  // as the dashboard's and the feeds' addresses have it (QA readme F9: status, health and metrics said 0.0.0.0).
  const here = reachableUrl(daemon.url);
  const base = publicUrlFromEnv() || settings.http.publicUrl || here;
  const feeds = await daemon.feeds(base.replace(/\/$/, ''));
  if (!tty) {
    // Standard output is the log (journald, a shipper): the same facts as one JSON line.
    const lines = [
      `${settings.company}: touchbase is running (pid ${process.pid})`,
      `status: ${here}/status   health: ${here}/healthz   metrics: ${here}/metrics`,
      ...(await dashboardBanner(daemon.dashboard, false)).split('\n'),
      `${feeds.length} iCalendar feeds: "npx touchbase feeds" prints their addresses`,
    ];
    logger.info(lines.map((l) => l.trim().replace(/[.;]$/, '')).filter(Boolean).join('; '));
    return;
  }
  io.out(`\n${settings.company}: touchbase is running (pid ${process.pid}).\n`);
  io.out(`  status:  ${here}/status   health: ${here}/healthz   metrics: ${here}/metrics\n`);
  io.out(await dashboardBanner(daemon.dashboard, tty));
  // Feed addresses are secrets (whoever has one reads that calendar): shown to a person at a
  // terminal, never written to a log.
  io.out(`  iCalendar feeds (subscribe in Google, Outlook or Apple Calendar):\n`);
  for (const f of feeds) io.out(`    ${f.employee.padEnd(14)} ${f.url}\n`);
  io.out(`  Ctrl-C stops it; "npx touchbase status" says what it is doing.\n\n`);
}
