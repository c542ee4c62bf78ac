import { employeeById } from '../../domain/config-index.ts';
import { DateTime } from 'luxon';
import type { Command } from 'commander';
import { clientOption } from '../client-option.ts';
import { eventTouches, receiveEvent, EventRejectedError } from '../../workflows/trigger-events.ts';
import { runDailyWorkflows } from '../../workflows/daily.ts';
import { runWeeklyDigest } from '../../workflows/digest.ts';
import { syncCalendars } from '../../sync/sync-calendars.ts';
import { providersFromEnv } from '../../calendar/providers-from-env.ts';
import { isDaemonRunning } from '../../storage/daemon-lock.ts';
import { getInfo } from '../../storage/job-repository.ts';
import { loadReportContext } from '../../reports/report-data.ts';
import { REPORT_NAMES, isReportName, reportOf } from '../../reports/registry.ts';
import { translator, type Translator } from '../../i18n/translator.ts';
import { cliTranslator, counts } from '../cli-language.ts';
import { excelCsv, REPORT_FORMATS, renderReport, type ReportFormat } from '../../reports/report.ts';
import type { Config } from '../../domain/types.ts';
import type { DB } from '../../storage/database.ts';
import { touchesByIds } from '../../storage/sync-queries.ts';
import type { Clock } from '../../clock.ts';
import { BadInputError, CommandFailedError } from '../cli-error.ts';
import { clockFrom, configDir, dbFile, readConfig, readConfigOrLastApplied, withDatabase, type GlobalOptions } from '../context.ts';
import { allowRemovalsOption, guardRemovals } from '../removals.ts';
import type { CliIO } from '../io.ts';
import { describe } from '../command-table.ts';
import { apiToken } from '../api-token.ts';
import { feedDir } from './sync.ts';
import { listInstances } from '../../storage/daemon-instances.ts';

export function eventCommand(program: Command, io: CliIO): void {
  program
    .command('event <name>')
    .description('a business event (order.shipped, invoice.sent…) becomes a touch for the right employee, in their calendar at once')
    .requiredOption('--client <id>', 'the client it concerns')
    .option('--ref <ref>', 'what it is about (an order number): the same event, client and ref makes one touch')
    .option('--at <instant>', 'when it happened, as an ISO instant with its offset, e.g. 2027-03-02T14:30:00+03:00 (default now)')
    .option('--now <instant>', 'what "now" is, as an ISO instant')
    .action(async (name: string, _o, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions & { client: string; ref?: string; at?: string; now?: string }>();
      const config = await readConfigOrLastApplied(o, (text) => io.err(text));
      // Its id, or its CRM code or name as the export writes it (an unknown one is the event's refusal, below).
      o.client = clientOption(config, o.client) ?? o.client;
      const clock = clockFrom(o.now, config.settings.timezone);
      const tr = cliTranslator(config);
      const event = { name, client: o.client, ref: o.ref, at: o.at };
      // Refused before the database is opened: a mistyped --db becomes no empty database for an event that was never taken.
      try {
        eventTouches(config, event, clock.now());
      } catch (error) {
        if (error instanceof EventRejectedError) throw new BadInputError(error.message);
        throw error;
      }
      const outcome = await withDatabase(o, async (db) => {
        let result;
        try {
          result = await receiveEvent(db, config, event, clock.now());
        } catch (error) {
          if (error instanceof EventRejectedError) throw new BadInputError(error.message);
          throw error;
        }
        const touches = await touchesByIds(db, result.touchIds);
        // The event is recorded by now: a calendar that cannot be written (its feed folder
        // another database's, a provider refusing) is a failure to report as such — not a
        // refused input (exit 2 said "nothing is recorded", and a retry then said "already recorded").
        let synced = '';
        let syncError: Error | undefined;
        if (result.created) {
          try {
            synced = await intoCalendars(db, config, o, touches.map((t) => t.employee_id), clock, tr);
          } catch (error) {
            syncError = error as Error;
          }
        }
        return { result, touches, synced, syncError };
      });
      // An event without --ref is known by its time (stored in UTC): shown as the company's clock reads it.
      const known = o.ref === undefined ? DateTime.fromISO(outcome.result.ref, { setZone: true }) : undefined;
      const ref = known?.isValid ? known.setZone(config.settings.timezone).toFormat('yyyy-MM-dd HH:mm ZZ') : outcome.result.ref;
      const what = { name, client: o.client, ref };
      io.out(`${tr.t(outcome.result.created ? 'cli.event.recorded' : 'cli.event.already', what)}\n`);
      for (const t of outcome.touches) io.out(`  ${t.id.slice(0, 8)}  ${t.start_at}  ${t.employee_id}  ${t.title} (${tr.t('cli.event.dueBy', { date: t.window_to })})\n`);
      if (outcome.synced) io.out(`  ${outcome.synced}\n`);
      if (outcome.syncError) {
        throw new CommandFailedError(`the event and its touch are recorded, but the calendars were not written: ${outcome.syncError.message} — the next sync (or the daemon) puts the touch there once that is fixed`);
      }
    });

}

export function reportCommand(program: Command, io: CliIO): void {
  program
    .command('report <name>')
    .description(describe('report'))
    .option('--format <format>', 'table, csv or json', 'table')
    .option('--excel', 'CSV for Excel opened by a double click, as the dashboard\'s download: a byte-order mark (Cyrillic and ș, ț read right), CRLF', false)
    .option('--now <instant>', 'what "now" is, as an ISO instant')
    .action(async (name: string, _o, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions & { format: string; now?: string; excel: boolean }>();
      if (o.excel && o.format !== 'csv') throw new BadInputError(`--excel: it is a form of CSV, so give --format csv (found --format ${o.format})`);
      if (!isReportName(name)) throw new BadInputError(`report: expected one of ${REPORT_NAMES.join(', ')}, found ${JSON.stringify(name)}`);
      if (!REPORT_FORMATS.includes(o.format as ReportFormat)) throw new BadInputError(`--format: expected table, csv or json, found ${JSON.stringify(o.format)}`);
      const config = await readConfigOrLastApplied(o, (text) => io.err(text));
      const today = clockFrom(o.now, config.settings.timezone).now().setZone(config.settings.timezone).toISODate()!;
      const report = await withDatabase(o, async (db) => reportOf(name, await loadReportContext(db, config, today)), { readOnly: true });
      const tr = translator(config.settings.language);
      io.out(o.excel ? excelCsv(report, tr) : renderReport(report, o.format as ReportFormat, tr));
    });

}

export function checksCommand(program: Command, io: CliIO): void {
  allowRemovalsOption(program
    .command('checks')
    .description('run the daily checks now (overdue, silence, escalations; --digest: the weekly digest too), as the daemon does each morning')
    .option('--digest', 'also make this week\'s director digests', false)
    .option('--now <instant>', 'what "now" is, as an ISO instant'))
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions & { digest: boolean; now?: string; allowRemovals: boolean }>();
      const config = await readConfig(o);
      const now = clockFrom(o.now, config.settings.timezone).now();
      const r = await withDatabase(o, async (db) => {
        // The checks cancel what no longer applies to a client gone: an export cut short is refused first, as by a plan.
        await guardRemovals(db, config, { configDir: configDir(o), allow: o.allowRemovals }, io);
        return { daily: await runDailyWorkflows(db, config, now), digest: o.digest ? await runWeeklyDigest(db, config, now) : undefined };
      });
      // What the checks did, in the company's language, as the reports and the digest they make.
      const tr = cliTranslator(config);
      const d = r.daily;
      io.out(`${tr.t('cli.checks.overdue', { moved: String(d.overdueMoved), escalated: String(d.overdueEscalated) })}\n`);
      io.out(`${tr.t('cli.checks.silence', {
        silent: tr.t('cli.checks.silentClients', counts(d.silent)), alerts: tr.t('cli.checks.newAlerts', counts(d.silenceAlerts)),
        escalated: String(d.silenceEscalated), cleared: tr.t('cli.checks.alerts', counts(d.cleared)),
      })}\n`);
      // QA: the checks cancelled a deleted handover's letters and said nothing, nor did the pass after them.
      if (d.cancelled > 0) io.out(`${tr.t('cli.checks.cancelled', counts(d.cancelled))}\n`);
      if (r.digest !== undefined) io.out(`${tr.t('cli.checks.digest', { n: String(r.digest) })}\n`);
      io.out(`${tr.t('cli.checks.next')}\n`);
    });
}

/**
 * Into the calendars at once: the running daemon is asked to sync (with the API token when
 * set); without a daemon, this process syncs the employees concerned itself.
 */
async function intoCalendars(db: DB, config: Config, o: GlobalOptions, employees: readonly string[], clock: Clock, tr: Translator): Promise<string> {
  // Daemons that share the work hold no lock: their registry says they run (and where one serves).
  const live = (await listInstances(db, clock.now())).filter((i) => i.live);
  if (live.length > 0 || await isDaemonRunning(dbFile(o))) {
    const url = live.find((i) => i.url)?.url || (await getInfo(db)).url;
    // What was recorded stays recorded: a token that cannot be read only means no request to the daemon.
    let token: string | undefined;
    try {
      token = apiToken();
    } catch {
      token = undefined;
    }
    if (url && token) {
      const res = await fetch(`${url}/api/sync`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
      if (res?.ok) return tr.t('cli.event.daemonNow');
      // A token the daemon does not take (rotated there, an old one here): said, not passed over as "no token".
      if (res?.status === 401 || res?.status === 403) return tr.t('cli.event.tokenRefused', { status: String(res.status) });
    }
    return tr.t('cli.event.daemonLater');
  }
  // Said only when the calendars took it: a refused or failed write is told, with why (the event
  // is recorded all the same, and its touch is written at the next sync).
  const notYet: string[] = [];
  // Someone with no calendar (calendar: none) has nothing to write to: said as such, not as a calendar that has yet to take it.
  const people = [...new Set(employees)];
  const calendarless = people.filter((id) => employeeById(config, id)?.calendar === 'none');
  const noCalendar = calendarless.length > 0 ? tr.t('cli.event.noCalendar', { employees: calendarless.join(', ') }) : '';
  for (const employee of people) {
    if (calendarless.includes(employee)) continue;
    const report = await syncCalendars(db, config, clock, { employee, feedDir: feedDir(o), ports: await providersFromEnv(), readCalendars: false });
    const d = report.dispatched;
    const why = report.skipped.get(employee) ?? d?.paused.get(employee)
      ?? (d && d.failed > 0 ? tr.t('cli.event.refused') : undefined)
      ?? (d && d.retried > 0 ? tr.t('cli.event.noAnswer', { errors: [...d.errors.keys()].join(', ') || tr.t('cli.event.anError') }) : undefined);
    if (why) notYet.push(`${employee}: ${why}`);
  }
  // (Why a calendar was not written, as the sync says it — its provider's words — stays as said.)
  if (calendarless.length === people.length) return noCalendar;
  return [notYet.length === 0 ? tr.t('cli.event.inCalendar') : tr.t('cli.event.notYet', { why: notYet.join('; ') }), noCalendar].filter(Boolean).join('; ');
}
