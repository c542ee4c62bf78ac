import type { Command } from 'commander';
import { addDays } from '../../planner/dates.ts';
import { planWithHistory } from '../../plan-service.ts';
import { clockFrom, configDir, dbFile, readConfig, withDatabase, type GlobalOptions } from '../context.ts';
import { formatTouches } from '../format-touches.ts';
import type { CliIO } from '../io.ts';

/**
 * The main job until the daemon exists: validate the configuration, record the plan and
 * print the next 30 days of touches.
 */
export function startCommand(program: Command, io: CliIO): void {
  program
    .command('start')
    .description('the main job: plan and record the next 30 days and print them')
    .option('--now <instant>', 'what "now" is, as an ISO instant')
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions & { now?: string }>();
      const config = readConfig(o);
      const now = clockFrom(o.now).now();
      const from = now.setZone(config.settings.timezone).toISODate()!;
      const window = { from, to: addDays(from, 29) };
      const { result, saved } = await withDatabase(o, (db) => planWithHistory(db, config, window, now, true));
      io.out(`${config.settings.company}: the next 30 days (${window.from} to ${window.to})\n`);
      io.out(`configuration ${configDir(o)}, database ${dbFile(o)}\n\n`);
      io.out(formatTouches(result.touches, 'table', now, config.settings.company));
      if (saved) io.out(`\nrecorded: ${saved.inserted} new, ${saved.rescheduled} moved, ${saved.cancelled} cancelled, ${saved.unchanged + saved.updated} unchanged\n`);
    });
}
