import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isPostgresLocation } from '../../storage/location.ts';
import type { Command } from 'commander';
import { syncCalendars, type SyncReport } from '../../sync/sync-calendars.ts';
import { planAndSync } from '../../sync/pass.ts';
import { horizonWindow, planWithHistory } from '../../plan-service.ts';
import { withPreviewCopy } from '../../storage/preview-copy.ts';
import { providersFromEnv } from '../../calendar/providers-from-env.ts';
import { setupHint } from '../../calendar/setup-hint.ts';
import { IcsCalendar } from '../../calendar/ics/ics-calendar.ts';
import { startFeedServer } from '../../http/feed-server.ts';
import { reachableUrl } from '../../http/public-url.ts';
import { givenPublicUrl, linksBaseUrl } from '../../sync/event-links.ts';
import { CalendarError } from '../../calendar/port.ts';
import { feedSecret, feedToken } from '../../calendar/ics/feed-token.ts';
import { BadInputError, CommandFailedError } from '../cli-error.ts';
import { clockFrom, configDir, databaseMissing, dbFile, readConfig, readConfigOrLastApplied, withDatabase, type GlobalOptions } from '../context.ts';
import { requireStrongSecret } from '../../storage/local-secrets.ts';
import { publicUrl } from '../../http/public-url.ts';
import type { Settings } from '../../domain/types.ts';
import { allowRemovalsOption, guardRemovals, warnRemovals } from '../removals.ts';
import { mayWrite } from '../../storage/database.ts';
import { renderTable } from '../text-table.ts';
import { outliveOutput, type CliIO } from '../io.ts';
import { describe } from '../command-table.ts';
import { formerCalendarLines, reportCalendarTrouble, waitingWrites } from '../calendar-trouble.ts';
import { cliTranslator, counts } from '../cli-language.ts';
import type { MessageKey, Translator } from '../../i18n/translator.ts';
import { employeeOption } from '../employee-option.ts';

interface SyncOptions extends GlobalOptions {
  allowRemovals: boolean;
  full: boolean;
  dryRun: boolean;
  employee?: string;
  now?: string;
}

/** A line every 2 seconds on long syncs: how many writes are done of how many. */
function progressPrinter(io: CliIO): (finished: number, total: number) => void {
  let last = Date.now();
  return (finished, total) => {
    const now = Date.now();
    if (total < 200 || (now - last < 2000 && finished !== total)) return;
    last = now;
    io.err(`  calendar writes: ${finished}/${total} (${Math.round((finished / total) * 100)}%)\n`);
  };
}

export function feedDir(o: GlobalOptions): string {
  const file = dbFile(o);
  // Beside the SQLite file; with PostgreSQL, where the default file would be (db/feeds). Set
  // empty (`TOUCHBASE_FEEDS_DIR=` as in .env.example), it is not set.
  const given = process.env.TOUCHBASE_FEEDS_DIR?.trim();
  const dir = given || join(file === ':memory:' ? '.' : isPostgresLocation(file) ? resolve('db') : dirname(file), 'feeds');
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new BadInputError(`${given ? 'TOUCHBASE_FEEDS_DIR: ' : ''}expected a folder for the feed files, found ${dir}, which is a file`);
  return dir;
}

export function syncCommand(program: Command, io: CliIO): void {
  allowRemovalsOption(program
    .command('sync'))
    .description(describe('sync'))
    .option('--dry-run', 'print the operations without writing anything', false)
    .option('--employee <employee>', 'only this employee (an id, e-mail or full name)')
    .option('--now <instant>', 'what "now" is, as an ISO instant')
    .option('--no-read-calendars', 'do not read the calendars for events employees deleted or moved (faster)')
    .option('--full', 're-plan and rewrite every calendar, not only what changed since the last sync', false)
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<SyncOptions & { readCalendars: boolean }>();
      const config = await readConfig(o);
      o.employee = employeeOption(config, o.employee, '--employee');
      const clock = clockFrom(o.now, config.settings.timezone);
      const report = await withDatabase(o, async (db) => {
        const options = {
          employee: o.employee, dryRun: o.dryRun, feedDir: feedDir(o), ports: await providersFromEnv(), readCalendars: o.readCalendars,
          dispatch: { onProgress: progressPrinter(io) },
        };
        // The calendars follow the plan of the horizon, re-planned as far as anything changed. A
        // dry run does the same on a throwaway copy of the database (the plan saved there, the
        // calls listed, not made), so it shows what the configuration's changes would do; where
        // there is no copy to make (PostgreSQL), it compares with the plan as last recorded.
        if (!o.dryRun) {
          await guardRemovals(db, config, { configDir: configDir(o), allow: o.allowRemovals }, io);
          return (await planAndSync(db, config, clock, { ...options, full: o.full, listOperations: false })).synced;
        }
        await warnRemovals(db, config, configDir(o), io);
        const previewed = await withPreviewCopy(db, async (copy) => {
          await planWithHistory(copy, config, horizonWindow(config, clock.now()), clock.now(), true, undefined, undefined, true);
          return syncCalendars(copy, config, clock, { ...options, throwaway: true });
        });
        if (!previewed) io.err('(compared with the plan as last recorded: run "touchbase plan" first to see what changes of the configuration would do)\n');
        return previewed?.value ?? syncCalendars(db, config, clock, options);
        // A dry run writes nothing, a database at a mistyped --db included (QA).
      }, { existing: o.dryRun });
      // In the company's language; ids, addresses, titles and the calendars' reasons as they are.
      const tr = cliTranslator(config);
      if (o.dryRun) {
        if (report.waiting > 0) io.out(`${tr.t('cli.sync.alreadyWaiting', counts(report.waiting))}\n`);
        io.out(report.operations.length === 0 ? `${tr.t('cli.sync.nothing')}\n`
          : renderTable([tr.t('cli.col.operation'), tr.t('col.employee'), tr.t('cli.col.calendar'), tr.t('cli.col.entry'), tr.t('col.title')], report.operations.map((op) => [
            tr.t(OPERATIONS[op.op]), op.employeeId, op.provider, op.entryId.slice(0, 8), op.title ?? '',
          ])));
      } else {
        const d = report.dispatched!;
        io.out(`${tr.t('cli.sync.summary', {
          from: report.window.from, to: report.window.to, changes: String(report.changes), waiting: String(report.waiting),
          done: String(d.done), retried: String(d.retried), failed: String(d.failed), held: waitingWrites(d, tr),
          settled: d.settled ? tr.t('cli.sync.settled', { n: String(d.settled) }) : '', calls: callCounts(report.calls, tr),
        })}\n`);
        // Found by the listing, and by reading back a write whose answer was lost.
        const moved = (report.reconciled?.moved ?? 0) + d.movedByUser;
        const deleted = (report.reconciled?.deleted ?? 0) + d.deletedByUser;
        if (moved || deleted) io.out(`${tr.t('cli.sync.reconciled', { moved: String(moved), deleted: String(deleted) })}\n`);
        io.out(formerCalendarLines(report, tr));
      }
      reportCalendarTrouble(report, io);
    });

}

export function feedsCommand(program: Command, io: CliIO): void {
  program
    .command('feeds')
    .description(describe('feeds'))
    .option('--base-url <url>', 'public address of the touchbase server (default: $TOUCHBASE_PUBLIC_URL, settings.http.public_url, the address the daemon serves at, or http://host:port)')
    .option('--serve', 'serve the feeds over HTTP until stopped (Ctrl-C)', false)
    .option('--host <host>', 'address to listen on with --serve', '127.0.0.1')
    .option('--port <port>', 'port to listen on with --serve', '8787')
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions & { baseUrl?: string; serve: boolean; host: string; port: string }>();
      // It only reads: a broken edit saved a minute ago does not keep an employee from their feed's address (QA).
      const config = await readConfigOrLastApplied(o, (text) => io.err(text));
      // The feed secret is generated (written) on first use; a user who may not write reads the one there is.
      // (No feed at all needs no secret: nothing to read or make.)
      const noDatabase = databaseMissing(dbFile(o));
      const { secret, base } = !config.employees.some((e) => e.calendar === 'ics') ? { secret: '', base: '' } : noDatabase ? addressesWithoutDatabase(dbFile(o), config.settings, o.baseUrl, io) : await withDatabase(o, async (db) => ({
        secret: await feedSecret(db), base: (o.baseUrl ?? await linksBaseUrl(db, config.settings)).replace(/\/$/, ''),
      }), { readOnly: !mayWrite(dbFile(o)) });
      let served: Awaited<ReturnType<typeof startFeedServer>> | undefined;
      if (o.serve) {
        outliveOutput();
        const port = Number(o.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new BadInputError(`--port: expected a port number, found ${JSON.stringify(o.port)}`);
        served = await startFeedServer(feedDir(o), o.host, port);
      }
      // Served here, the feeds are at this server's address, unless a public one is given or set
      // (a proxy in front of it): not at the daemon's, which may not run.
      const explicit = o.baseUrl ?? givenPublicUrl(config.settings);
      // Listening on every interface (--host 0.0.0.0, the README's example): this machine's name, not an address no calendar can open (QA).
      const at = served && !explicit ? reachableUrl(served.url) : base;
      const rows = config.employees.filter((e) => e.calendar === 'ics').map((e) => {
        const token = feedToken(secret, e.id);
        return [e.id, e.name, `${at}/feeds/${token}.ics`, join(feedDir(o), `${token}.ics`)];
      });
      // In the company's language; the warning below, on standard error, stays English.
      const tr = cliTranslator(config);
      io.out(rows.length ? renderTable([tr.t('col.employee'), tr.t('cli.col.name'), tr.t('cli.col.feedUrl'), tr.t('cli.col.file')], rows, Number.POSITIVE_INFINITY) : `${tr.t('cli.feeds.none')}\n`);
      // Files that are not there: no sync yet, another feed folder, or — most often — a shell
      // without the daemon's TOUCHBASE_FEED_SECRET, whose addresses are not the daemon's.
      const missing = rows.filter((r) => !existsSync(r[3]!));
      if (missing.length > 0 && !noDatabase) {
        io.err(`warning: ${missing.length === rows.length ? 'none of these feed files is' : `${missing.length} of these ${rows.length} feed files ${missing.length === 1 ? 'is' : 'are'} not`} in ${feedDir(o)}: `
          + (missing.length === rows.length
            ? 'these addresses answer 404 until a sync writes them. If the daemon runs with another TOUCHBASE_FEED_SECRET (its service\'s environment file), run this command with that one: the addresses depend on it\n'
            : 'a sync writes them (an employee added since the last one)\n'));
      }
      if (served) {
        const { server, url } = served;
        io.out(`${tr.t('cli.feeds.serving', { url })}\n`);
        await new Promise<void>((resolve) => {
          const stop = () => server.close(() => resolve());
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      }
    });
}

/**
 * A new installation's feed addresses before any run made its database: TOUCHBASE_FEED_SECRET's.
 * Without it they would depend on a secret not made yet — and a mistyped --db made a database
 * and printed addresses nothing would ever serve.
 */
function addressesWithoutDatabase(file: string, settings: Settings, baseUrl: string | undefined, io: CliIO): { secret: string; base: string } {
  const fromEnv = process.env.TOUCHBASE_FEED_SECRET;
  if (!fromEnv) {
    throw new BadInputError(`no database at ${file}: the feed addresses depend on the secret kept there, made by the first run ("touchbase once" or the daemon) — check --db and TOUCHBASE_DB, or set TOUCHBASE_FEED_SECRET`);
  }
  requireStrongSecret('TOUCHBASE_FEED_SECRET', fromEnv);
  io.err(`warning: no database at ${file} yet (check --db and TOUCHBASE_DB if there should be one): these addresses are TOUCHBASE_FEED_SECRET's, and answer once the daemon (or "touchbase once") runs on that database with the same secret\n`);
  return { secret: fromEnv, base: (baseUrl ?? givenPublicUrl(settings) ?? publicUrl(settings, {})).replace(/\/$/, '') };
}

/** `calendars check`: can we read and write each employee's calendar? One line each. */
export function calendarsCommand(program: Command, io: CliIO): void {
  const calendars = program.command('calendars').description(describe('calendars'));
  calendars
    .command('check')
    .description('try to read and write each employee\'s calendar and say, per employee, whether it works')
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions>();
      const config = await readConfig(o);
      const ports = await providersFromEnv();
      // Each line in the company's language; the setup hint and the calendar's reason as they are said.
      const tr = cliTranslator(config);
      let failures = 0;
      await withDatabase(o, async (db) => {
        const all = { ics: new IcsCalendar(db, clockFrom(undefined)), ...ports };
        for (const e of config.employees) {
          if (e.calendar === 'none') {
            io.out(`${e.id.padEnd(16)} none       ${tr.t('cli.check.none')}\n`);
            continue;
          }
          const port = all[e.calendar];
          if (!port) {
            failures++;
            io.out(`${e.id.padEnd(16)} ${e.calendar.padEnd(10)} ${tr.t('cli.check.notConfigured', { hint: setupHint(e.calendar) })}\n`);
            continue;
          }
          const owner = { employeeId: e.id, email: e.email, timezone: e.timezone };
          const probe = { key: `touchbaseprobe${Buffer.from(e.id).toString('hex').slice(0, 40)}`.toLowerCase().replace(/[^a-v0-9]/g, '0'), touchId: 'probe', title: 'touchbase connection check', description: 'Created and deleted by "touchbase calendars check".', allDay: true, start: '2000-01-03', end: '2000-01-04', timezone: e.timezone, reminders: [], contentHash: 'probe' };
          try {
            await port.read(owner, probe.key);
            try {
              const created = await port.create(owner, probe);
              await port.remove(owner, created.providerId);
            } catch (error) {
              // An earlier check's probe, deleted: the calendar answered, writing works.
              if (!(error instanceof CalendarError && (error.code === 'not_found' || error.code === 'id_taken'))) throw error;
            }
            io.out(`${e.id.padEnd(16)} ${e.calendar.padEnd(10)} ${tr.t('cli.check.ok')}\n`);
          } catch (error) {
            failures++;
            const ce = error instanceof CalendarError ? error : new CalendarError('unknown', (error as Error).message);
            io.out(`${e.id.padEnd(16)} ${e.calendar.padEnd(10)} ${tr.t('cli.check.failed', { code: ce.code, message: ce.message })}\n`);
          }
        }
      });
      // Said with the exit status too, so scripts and monitoring can rely on it.
      if (failures > 0) throw new CommandFailedError(`${failures} of ${config.employees.filter((e) => e.calendar !== 'none').length} calendars failed the check`);
    });
}

/**
 * The calendar calls of a sync for its summary line: those that got their answer, and those that
 * failed apart — "(4 reads, 0 writes; 3 reads failed)", not "(7 reads, 0 writes)" while 3 failed.
 */
export function callCounts(calls: SyncReport['calls'], tr: Translator): string {
  const reads = (n: number) => tr.t('cli.sync.reads', counts(n));
  const writes = (n: number) => tr.t('cli.sync.writes', counts(n));
  const failed = [calls.failedReads ? reads(calls.failedReads) : '', calls.failedWrites ? writes(calls.failedWrites) : ''].filter(Boolean);
  return `${reads(calls.reads)}, ${writes(calls.writes)}${failed.length ? tr.t('cli.sync.callsFailed', { calls: failed.join(tr.t('cli.sync.and')) }) : ''}`;
}

/** The operations of a dry run, as words. */
const OPERATIONS: Readonly<Record<SyncReport['operations'][number]['op'], MessageKey>> = { read: 'cli.op.read', create: 'cli.op.create', update: 'cli.op.update', delete: 'cli.op.delete' };
