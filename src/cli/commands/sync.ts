import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { syncCalendars } from '../../sync/sync-calendars.ts';
import { planWithHistory } from '../../plan-service.ts';
import { addDuration } from '../../planner/dates.ts';
import { feedSecret, feedToken } from '../../calendar/ics/feed.ts';
import { BadInputError } from '../cli-error.ts';
import { clockFrom, dbFile, readConfig, withDatabase, type GlobalOptions } from '../context.ts';
import { renderTable } from '../format-touches.ts';
import type { CliIO } from '../io.ts';

interface SyncOptions extends GlobalOptions {
  dryRun: boolean;
  employee?: string;
  now?: string;
}

export function feedDir(o: GlobalOptions): string {
  const file = dbFile(o);
  return process.env.TOUCHBASE_FEEDS_DIR ?? join(file === ':memory:' ? '.' : dirname(file), 'feeds');
}

export function syncCommands(program: Command, io: CliIO): void {
  program
    .command('sync')
    .description('put the touches of the horizon into each employee\'s calendar (iCalendar feed for now)')
    .option('--dry-run', 'print the operations without writing anything', false)
    .option('--employee <id>', 'only this employee')
    .option('--now <instant>', 'what "now" is, as an ISO instant')
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<SyncOptions>();
      const config = readConfig(o);
      if (o.employee && !config.employees.some((e) => e.id === o.employee)) throw new BadInputError(`--employee: no employee has the id ${JSON.stringify(o.employee)}`);
      const clock = clockFrom(o.now);
      const report = await withDatabase(o, async (db) => {
        // The calendars follow the plan of the horizon: re-plan and record it first (a dry run
        // writes nothing and compares with the plan as last recorded).
        if (!o.dryRun) {
          const from = clock.now().setZone(config.settings.timezone).toISODate()!;
          await planWithHistory(db, config, { from, to: addDuration(from, config.settings.horizon) }, clock.now(), true);
        }
        return syncCalendars(db, config, clock, { employee: o.employee, dryRun: o.dryRun, feedDir: feedDir(o) });
      });
      if (o.dryRun) {
        io.out(report.operations.length === 0 ? 'Nothing to change: every calendar matches the plan.\n'
          : renderTable(['operation', 'employee', 'calendar', 'touch', 'title'], report.operations.map((op) => [
            op.op, op.employeeId, op.provider, op.touchId.slice(0, 8), op.op === 'delete' ? '' : op.event.title,
          ])));
      } else {
        const d = report.dispatched!;
        io.out(`sync ${report.window.from} to ${report.window.to}: ${report.operations.length} operations; ${d.done} written, ${d.retried} to retry, ${d.failed} failed\n`);
        for (const [employee, why] of d.paused) io.err(`  ${employee}: paused — ${why}\n`);
      }
      for (const [employee, why] of report.skipped) io.err(`  ${employee}: skipped — ${why}\n`);
    });

  program
    .command('feeds')
    .description('each employee\'s iCalendar feed address (subscribe to it in Google, Outlook or Apple Calendar)')
    .option('--base-url <url>', 'public address of the touchbase server (default: $TOUCHBASE_PUBLIC_URL or http://127.0.0.1:8787)')
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions & { baseUrl?: string }>();
      const config = readConfig(o);
      const base = (o.baseUrl ?? process.env.TOUCHBASE_PUBLIC_URL ?? 'http://127.0.0.1:8787').replace(/\/$/, '');
      const secret = await withDatabase(o, (db) => feedSecret(db));
      const rows = config.employees.filter((e) => e.calendar === 'ics').map((e) => {
        const token = feedToken(secret, e.id);
        return [e.id, e.name, `${base}/feeds/${token}.ics`, join(feedDir(o), `${token}.ics`)];
      });
      io.out(rows.length ? renderTable(['employee', 'name', 'feed URL', 'file'], rows) : 'No employee uses the iCalendar feed (calendar: ics).\n');
    });
}
