import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { getInfo } from '../../storage/job-repository.ts';
import { publicUrl, reachableUrl } from '../../http/public-url.ts';
import { givenPublicUrl, recordedLinksBase } from '../../sync/event-links.ts';
import { mintSignInLink, SIGN_IN_LINK_MINUTES } from '../../dashboard/sign-in-links.ts';
import { BadInputError } from '../cli-error.ts';
import { clockFrom, configDir, databaseMissing, dbFile, readConfig, withDatabase, type GlobalOptions } from '../context.ts';
import type { Config } from '../../domain/types.ts';
import { resolve } from 'node:path';
import type { CliIO } from '../io.ts';
import { describe } from '../command-table.ts';
import { employeeOption } from '../employee-option.ts';

/**
 * `touchbase dashboard-link [--employee ID]`: a one-time sign-in link to the dashboard, for
 * companies without an identity provider (or to let a colleague in once). Whoever can run this
 * command on the server already holds the database, so it is as safe as the data itself.
 */
export function dashboardLinkCommand(program: Command, io: CliIO): void {
  program
    .command('dashboard-link')
    .description(describe('dashboard-link'))
    .option('--employee <employee>', 'the employee the link signs in: an id, e-mail or full name (default: the first director)')
    .option('--minutes <n>', `how long the link works (default ${SIGN_IN_LINK_MINUTES})`)
    .option('--now <instant>', 'what "now" is, as an ISO instant')
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions & { employee?: string; minutes?: string; now?: string }>();
      const minutes = o.minutes === undefined ? SIGN_IN_LINK_MINUTES : Number(o.minutes);
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 7 * 24 * 60) throw new BadInputError(`--minutes: expected a whole number from 1 to 10080, found ${JSON.stringify(o.minutes)}`);
      const config = await configOrLastApplied(o, io);
      const employee = employeeOption(config, o.employee, '--employee') ?? config.employees.find((e) => config.dashboard.directors.includes(e.role))?.id;
      if (!employee) throw new BadInputError(`no employee holds a director role (${config.dashboard.directors.join(', ')}): name one with --employee, or list roles under dashboard.directors`);
      const { url, expires } = await withDatabase(o, async (db) => {
        const served = (await getInfo(db)).url;
        const running = served ? reachableUrl(served) : undefined;
        // The daemon's public address as it recorded it (TOUCHBASE_PUBLIC_URL in the service's
        // environment, not this shell's), as `feeds` prints: its bind address (127.0.0.1 behind a
        // proxy) made a link that worked on the server only (QA).
        const base = (givenPublicUrl(config.settings) ?? await recordedLinksBase(db) ?? running ?? publicUrl(config.settings, {})).replace(/\/$/, '');
        return mintSignInLink(db, base, employee, clockFrom(o.now, config.settings.timezone).now(), minutes);
      });
      io.out(`${url}\n`);
      // In the company's zone, as a person there reads a clock (it was UTC: "until …T10:22:33.958Z" to a director in Moscow).
      const until = DateTime.fromISO(expires).setZone(config.settings.timezone);
      io.err(`signs in ${employee} once, until ${until.toFormat('yyyy-MM-dd HH:mm')} ${config.settings.timezone} (${expires})\n`);
      // --now in the past (a test company's date): the daemon, on this machine's clock, turns the link away.
      if (o.now !== undefined && Date.parse(expires) <= Date.now()) {
        io.err(`warning: that is already past by this machine's clock (--now ${o.now}): the daemon, on that clock, will say the link has expired: leave out --now for a link to use\n`);
      }
    });
}

/**
 * The configuration, or — while its files hold a broken edit — the one the daemon runs on (kept
 * in the database): the dashboard is where a director sees what is wrong, so a broken file must
 * not also lock them out of it.
 */
async function configOrLastApplied(o: GlobalOptions, io: CliIO): Promise<Config> {
  try {
    return await readConfig(o);
  } catch (error) {
    const { ConfigInvalidError } = await import('../../config/config-issue.ts');
    if (!(error instanceof ConfigInvalidError) || databaseMissing(dbFile(o))) throw error;
    const { readAcceptedConfig } = await import('../../storage/accepted-config.ts');
    const { checkSnapshot } = await import('../../config/load-config.ts');
    const kept = await withDatabase(o, (db) => readAcceptedConfig(db), { readOnly: true });
    const config = kept && resolve(kept.dir) === resolve(configDir(o)) ? checkSnapshot(kept).config : undefined;
    if (!config) throw error;
    // The message's first line ends in ":" before the errors listed under it: they are shown too.
    io.err(`warning: ${error.message.trimEnd()}\n— signing in with the configuration the daemon last ran on (the dashboard shows the errors)\n`);
    return config;
  }
}
