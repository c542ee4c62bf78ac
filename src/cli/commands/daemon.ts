import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Daemon } from '../../daemon/daemon.ts';
import { createLogger } from '../../daemon/logger.ts';
import { BadInputError } from '../cli-error.ts';
import { configDir, dbFile, type GlobalOptions } from '../context.ts';
import type { CliIO } from '../io.ts';
import { feedDir } from './sync.ts';
import { dashboardAuthFromEnv, DashboardSettingsError, type DashboardAuth } from '../../dashboard/settings.ts';
import { dashboardBanner } from '../../dashboard/banner.ts';

/** TOUCHBASE_API_TOKEN, or the first line of the file TOUCHBASE_API_TOKEN_FILE names. */
export function apiToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TOUCHBASE_API_TOKEN_FILE) {
    try {
      return readFileSync(env.TOUCHBASE_API_TOKEN_FILE, 'utf8').split(/\r?\n/)[0]!.trim() || undefined;
    } catch (error) {
      throw new BadInputError(`TOUCHBASE_API_TOKEN_FILE: cannot read ${env.TOUCHBASE_API_TOKEN_FILE} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  return env.TOUCHBASE_API_TOKEN || undefined;
}

/** `touchbase daemon` — what `npm start` runs: the service, until SIGINT/SIGTERM. */
export function daemonCommand(program: Command, io: CliIO): void {
  program
    .command('daemon')
    .description('run touchbase as a service: re-plan and sync on schedule, serve feeds, health, metrics and one-click links (Ctrl-C stops)')
    .option('--host <host>', 'address to listen on (default: settings.http.host, 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default: settings.http.port, 8787)')
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions & { host?: string; port?: string }>();
      const port = o.port === undefined ? undefined : Number(o.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new BadInputError(`--port: expected a port number, found ${JSON.stringify(o.port)}`);
      const tty = process.stdout.isTTY === true;
      let auth: DashboardAuth;
      try {
        auth = dashboardAuthFromEnv();
      } catch (error) {
        if (error instanceof DashboardSettingsError) throw new BadInputError(error.message);
        throw error;
      }
      const logger = await createLogger({ pretty: tty });
      const daemon = new Daemon({
        configDir: configDir(o), dbFile: dbFile(o), feedDir: feedDir(o), logger, apiToken: apiToken(),
        http: { host: o.host, port }, dashboard: { auth, publicUrl: process.env.TOUCHBASE_PUBLIC_URL },
      });
      await daemon.start();

      const settings = daemon.summary.settings;
      const base = process.env.TOUCHBASE_PUBLIC_URL || settings.http.publicUrl || daemon.url;
      const feeds = await daemon.feeds(base.replace(/\/$/, ''));
      io.out(`\n${settings.company}: touchbase is running (pid ${process.pid}).\n`);
      io.out(`  status:  ${daemon.url}/status   health: ${daemon.url}/healthz   metrics: ${daemon.url}/metrics\n`);
      io.out(await dashboardBanner(daemon.dashboard, tty));
      // Feed addresses are secrets (whoever has one reads that calendar): shown to a person at a
      // terminal, never written to a log.
      if (tty) {
        io.out(`  iCalendar feeds (subscribe in Google, Outlook or Apple Calendar):\n`);
        for (const f of feeds) io.out(`    ${f.employee.padEnd(14)} ${f.url}\n`);
      } else {
        io.out(`  ${feeds.length} iCalendar feeds: "npx touchbase feeds" prints their addresses.\n`);
      }
      io.out(`  Ctrl-C stops it; "npx touchbase status" says what it is doing.\n\n`);

      await new Promise<void>((resolve) => {
        let signals = 0;
        const stop = (signal: string) => {
          signals++;
          if (signals > 1) {
            logger.warn({ signal }, 'second signal: stopping now; unfinished calendar writes are retried at the next start');
            process.exit(130);
          }
          logger.info({ signal }, 'stopping (send the signal again to force)');
          daemon.stop().then(resolve, (error: unknown) => {
            logger.error({ error: String(error) }, 'stop failed');
            resolve();
          });
        };
        process.on('SIGINT', () => stop('SIGINT'));
        process.on('SIGTERM', () => stop('SIGTERM'));
        process.on('SIGHUP', () => void daemon.reload('SIGHUP'));
      });
    });
}
