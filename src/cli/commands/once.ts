import type { SaveSummary } from '../../storage/plan-save-rules.ts';
import type { Command } from 'commander';
import type { Touch } from '../../domain/types.ts';
import { addDays } from '../../planner/dates.ts';
import { planAndSync } from '../../sync/pass.ts';
import { mergeByTime, sortTouches, storedTouches, workflowTouches } from '../../storage/touch-repository.ts';
import { providersFromEnv } from '../../calendar/providers-from-env.ts';
import { feedDir } from './sync.ts';
import { horizonWindow } from '../../plan-service.ts';
import { undecreedNote } from '../../planner/work-calendar.ts';
import { clockFrom, configDir, describeDatabase, readConfig, withDatabase, type GlobalOptions } from '../context.ts';
import { writeTouches } from '../format-touches.ts';
import type { CliIO } from '../io.ts';
import { finishBeforeExit } from '../../unfinished-writes.ts';
import { allowRemovalsOption, guardRemovals } from '../removals.ts';
import { formerCalendarLines, reportCalendarTrouble, waitingWrites } from '../calendar-trouble.ts';
import { cliTranslator, counts } from '../cli-language.ts';
import type { Translator } from '../../i18n/translator.ts';

/**
 * One pass of what the daemon does, for a quick look or a cron job: validate the
 * configuration, record the plan, put the horizon into the calendars (the iCalendar feeds at
 * least) and print the next 30 days.
 */
export function onceCommand(program: Command, io: CliIO): void {
  allowRemovalsOption(program
    .command('once'))
    .description('plan and sync once (what the daemon does on each run) and print the next 30 days')
    .option('--now <instant>', 'what "now" is, as an ISO instant')
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions & { now?: string; allowRemovals: boolean }>();
      const config = await readConfig(o);
      const clock = clockFrom(o.now, config.settings.timezone);
      const tr = cliTranslator(config);
      const now = clock.now();
      const horizon = horizonWindow(config, now);
      const window = { from: horizon.from, to: addDays(horizon.from, 29) };
      // Printed first: a reader that stops early (`touchbase once | head`) still gets the pass's
      // sync, and its failure (main.ts).
      const { saved, report, warnings, full } = await finishBeforeExit(withDatabase(o, async (db) => {
        await guardRemovals(db, config, { configDir: configDir(o), allow: o.allowRemovals }, io);
        // The workflows' touches of the 30 days (a business event's call, a silence alert), which
        // the planner does not make: read before the pass, as what is printed beside a plan being
        // saved must not use the database (a first plan's thread holds it until it is loaded).
        let others = await workflowTouches(db, window, now, config);
        // A database that holds such touches is no first plan's: the table is then printed once
        // the pass has recorded everything, so that it names whoever a handover written since
        // gave them to (QA: the leaver, while `plan` right after named the successor).
        const afterSave = others.length > 0;
        // The horizon is planned once (as far as anything changed since the last pass); its
        // first 30 days are printed before the calendars are worked out: a first plan's while a
        // thread of its own saves it, so that the plan is let go before the sync.
        const pass = await planAndSync(db, config, clock, {
          feedDir: feedDir(o), ports: await providersFromEnv(), listOperations: false, keepTouches: () => false, beforeSyncAfterSave: afterSave,
          beforeSync: async (planned) => {
            if (afterSave && planned) others = await workflowTouches(db, window, now, config);
            // A pass that planned everyone has the 30 days; an incremental one planned only the
            // clients a change reached, so they are read back as stored (as when nothing changed).
            // The planner's touches have none of the workflows': those are put in their places among the plan's, as `plan` does.
            const touches = planned ? withWorkflowTouches(planned.filter((t) => t.date <= window.to), others) : await storedTouches(db, window, now, config);
            // Its heading and table in the company's language, as the lines after it.
            io.out(`${tr.t('cli.once.heading', { company: config.settings.company, from: window.from, to: window.to })}\n`);
            io.out(`${tr.t('cli.once.where', { config: configDir(o), db: describeDatabase(o) })}\n\n`);
            await writeTouches(touches, 'table', now, io, { config });
          },
        });
        return { saved: pass.planned?.saved, report: pass.synced, warnings: pass.planned?.result.warnings ?? [], full: pass.scope.full };
      }));
      if (saved) io.out(`\n${recorded(saved, tr)}\n`);
      // A sequence step its client's late arrival in the CRM made too late to place: said, not lost
      // (the plan's other warnings are `touchbase plan`'s; this pass names only the clients it planned).
      for (const w of warnings) if (w.missedStep) io.err(`warning: ${w.source} at ${w.client}: ${w.message}\n`);
      // The others (a touch with no free slot in its period, one kept on its day over a cap) counted,
      // not listed: a pass printed nothing of them, and a cap a handover overfilled went unseen (QA).
      // A pass that planned some clients (what changed) has theirs only: said so (QA: "20 more" beside plan's 155).
      const unlisted = warnings.filter((w) => !w.missedStep).length;
      const whose = full ? 'the plan has' : 'the clients this pass planned have';
      if (unlisted > 0) io.err(`note: ${whose} ${unlisted} more warning${unlisted === 1 ? '' : 's'} (touches with no free slot, or kept on their day over a cap): "touchbase plan --no-save" lists them\n`);
      const undecreed = undecreedNote(config, horizon.from, horizon.to);
      if (undecreed) io.err(`note: ${undecreed}\n`);
      const d = report.dispatched!;
      io.out(`${tr.t('cli.once.calendars', {
        written: tr.t('cli.once.written', counts(d.done)), retried: d.retried ? tr.t('cli.once.retried', { n: String(d.retried) }) : '',
        waiting: waitingWrites(d, tr), feeds: tr.t('cli.once.feeds', counts(report.feeds.length)), dir: feedDir(o),
      })}\n`);
      // What leaves calendars with an employee gone from the configuration, and a new address followed: as `sync` says it (QA: `once` said nothing).
      io.out(formerCalendarLines(report, tr));
      reportCalendarTrouble(report, io);
    });
}

/** What the pass recorded, as `plan` says it on standard error (saveCounts), in the company's language. */
function recorded(s: SaveSummary, tr: Translator): string {
  return tr.t('cli.once.recorded', {
    new: String(s.inserted), moved: String(s.rescheduled), reassigned: String(s.reassigned), cancelled: String(s.cancelled),
    restored: s.restored ? tr.t('cli.once.restored', { n: String(s.restored) }) : '', unchanged: String(s.unchanged + s.updated),
  });
}

function withWorkflowTouches(planned: readonly Touch[], workflows: readonly Touch[]): Touch[] {
  const ids = new Set(planned.map((t) => t.id));
  const others = workflows.filter((t) => !ids.has(t.id));
  return others.length === 0 ? [...planned] : [...mergeByTime(planned, sortTouches(others))];
}
