import { saveCounts } from '../../storage/plan-save-rules.ts';
import { Option, type Command } from 'commander';
import { addDuration, daysBetween } from '../../planner/dates.ts';
import { planWindowReusing } from '../../plan-service.ts';
import { MAX_PLAN_DAYS, type PlanWarning } from '../../planner/plan.ts';
import { undecreedNote } from '../../planner/work-calendar.ts';
import { BadInputError } from '../cli-error.ts';
import { clientOption, unknownClient } from '../client-option.ts';
import { clockFrom, configDir, databaseMissing, dbFile, parseDateOption, readConfig, withDatabase, type GlobalOptions } from '../context.ts';
import { mayWrite } from '../../storage/database.ts';
import { writeJson, writeTouches, TOUCH_FORMATS, type TouchFormat } from '../format-touches.ts';
import type { TouchJson } from '../../storage/touch-rows.ts';
import type { CliIO } from '../io.ts';
import type { Touch } from '../../domain/types.ts';
import { eventLinks } from '../../sync/event-links.ts';
import { storedFeedEvents } from '../../storage/feed-repository.ts';
import { storedTouchDetails } from '../../storage/sync-queries.ts';
import { carriedPlannerTouches, mergeByTime, resolvedPlannerTouches, sortTouches, workflowTouches } from '../../storage/touch-repository.ts';
import { allowRemovalsOption, guardRemovals, warnRemovals } from '../removals.ts';
import { employeeOption } from '../employee-option.ts';

interface PlanOptions extends GlobalOptions {
  from?: string;
  to?: string;
  client?: string;
  employee?: string;
  format: TouchFormat;
  now?: string;
  save: boolean;
  excel: boolean;
  allowRemovals: boolean;
}

/** Warnings listed one by one up to this many; beyond, one line for each rule, employee and kind of trouble. */
const LISTED_WARNINGS = 50;

/**
 * A plan's warnings as printed: each, or when there are more than LISTED_WARNINGS (an impossible
 * cadence over three years gave 147,708 lines), counted by source, employee and what they say,
 * with the first of each.
 */
export function warningLines(warnings: readonly PlanWarning[]): string[] {
  const line = (w: PlanWarning) => `warning: ${w.source} at ${w.client}: ${w.message}`;
  if (warnings.length <= LISTED_WARNINGS) return warnings.map(line);
  const groups = new Map<string, { first: PlanWarning; count: number }>();
  for (const w of warnings) {
    const key = `${w.source}|${w.employee ?? ''}|${w.message.split(':')[0]}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { first: w, count: 1 });
  }
  const sorted = [...groups.values()].sort((a, b) => b.count - a.count);
  const lines = sorted.slice(0, LISTED_WARNINGS).map((g) => (g.count === 1 ? line(g.first)
    : `warning: ${g.first.source}${g.first.employee ? ` (${g.first.employee})` : ''}: ${g.count.toLocaleString('en')} touches, the first at ${g.first.client}: ${g.first.message}`));
  if (sorted.length > LISTED_WARNINGS) lines.push(`(and ${(sorted.length - LISTED_WARNINGS).toLocaleString('en')} more kinds of warning: "--format json" of a shorter period, or --client, lists them)`);
  return [`${warnings.length.toLocaleString('en')} warnings:`, ...lines];
}

export function planCommand(program: Command, io: CliIO): void {
  allowRemovalsOption(program
    .command('plan'))
    .description('show the contact plan for a period and record it (stable ids for done/skip)')
    .option('--from <date>', 'first day, YYYY-MM-DD (default: today in the company zone)')
    .option('--to <date>', 'last day, YYYY-MM-DD (default: --from plus settings.horizon)')
    .option('--client <id>', 'only this client')
    .option('--employee <employee>', 'only this employee (an id, e-mail or full name)')
    .addOption(new Option('--format <format>', 'output format').choices(TOUCH_FORMATS as string[]).default('table'))
    .option('--now <instant>', 'what "now" is, as an ISO instant, to reproduce a plan')
    .option('--no-save', 'do not record the plan in the database')
    .option('--excel', 'CSV for Excel in a comma-decimal locale (Russian, Romanian): ";" between cells, a byte-order mark, CRLF', false)
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<PlanOptions>();
      // As report's: a flag that would change nothing is a mistake said, not ignored.
      if (o.excel && o.format !== 'csv') throw new BadInputError(`--excel: it is a form of CSV, so give --format csv (found --format ${o.format})`);
      const config = await readConfig(o);
      const now = clockFrom(o.now, config.settings.timezone).now();
      const from = o.from ? parseDateOption('--from', o.from) : now.setZone(config.settings.timezone).toISODate()!;
      const to = o.to ? parseDateOption('--to', o.to) : addDuration(from, config.settings.horizon);
      if (to < from) throw new BadInputError(`--to ${to} is before --from ${from}`);
      if (daysBetween(from, to) >= MAX_PLAN_DAYS) throw new BadInputError(`--from/--to: expected a period of at most ${MAX_PLAN_DAYS} days (ten years), found ${from} to ${to}`);
      if (o.client) {
        // Its id, or its CRM code or name as the export writes it.
        const id = clientOption(config, o.client);
        if (id === undefined) throw unknownClient(config, o.client);
        o.client = id;
      }
      o.employee = employeeOption(config, o.employee, '--employee');
      // A plan not saved, of a database that is not there: planned with no history, and none is made.
      const preview = !o.save && databaseMissing(dbFile(o));
      const { warnings, saved, recordedFrom } = await withDatabase(preview ? { ...o, db: ':memory:' } : o, async (db) => {
        if (o.save && !preview) await guardRemovals(db, config, { configDir: configDir(o), allow: o.allowRemovals }, io);
        else if (!preview && !o.allowRemovals) await warnRemovals(db, config, configDir(o), io, { refused: 'recording this plan would be refused (so would once, sync and a running daemon)', shown: 'below is the plan as it would be recorded' });
        // Touches the workflows made (business events, silence alerts, escalations, digests) are
        // part of the period too, though the planner does not make them.
        // So are the touches done or skipped that the plan no longer makes (a cadence changed since),
        // and the open ones their employees moved here from an earlier period (a snooze into January).
        // Not the open ones of a client gone from the configuration: the save cancels them (after the plan is shown).
        const configured = new Set(config.clients.map((c) => c.id));
        const others = [...await workflowTouches(db, { from, to }, now, config), ...await resolvedPlannerTouches(db, { from, to }), ...await carriedPlannerTouches(db, { from, to }, now, config)]
          .filter((t) => t.status !== 'planned' || t.client === '*' || configured.has(t.client));
        // An export carries the same one-click links as the calendar events it stands for.
        const links = o.format === 'ics' ? await eventLinks(db, config) : undefined;
        // And each event as its feed has it: its SEQUENCE (so that a calendar takes the import as
        // news), a touch's outcome, a workflow's text.
        const stored = o.format === 'ics' ? { feeds: await storedFeedEvents(db), details: await storedTouchDetails(db, { from, to }, o.employee) } : undefined;
        // The workflows' touches the plan does not have, in their places among the plan's; then the filters.
        const shown = <T extends Touch | TouchJson>(planned: Iterable<T>, inPlan: { has(id: string): boolean }, cancelled?: ReadonlySet<string>) => {
          // Not those this save cancelled (a late call of a cadence since changed): read before it, they were still open.
          const all = mergeByTime(planned, sortTouches(others.filter((t) => !inPlan.has(t.id) && !cancelled?.has(t.id))));
          return o.client || o.employee ? only(all, (t) => (!o.client || t.client === o.client) && (!o.employee || t.employee === o.employee)) : all;
        };
        // With nothing changed since the last plan of this window, its touches are read back and
        // written out as they are read (as JSON, the database makes each one's text).
        if (o.format === 'json') return planWindowReusing(db, config, { from, to }, now, o.save, (planned, inPlan, cancelled) => writeJson(shown(planned, inPlan, cancelled), io), true);
        return planWindowReusing(db, config, { from, to }, now, o.save, (planned, inPlan, cancelled) => writeTouches(shown(planned, inPlan, cancelled), o.format, now, io, { config, links, stored, excel: o.excel }));
      }, { readOnly: !o.save && !preview && !mayWrite(dbFile(o)), existing: false });
      // With --client or --employee, the warnings of what is shown; the others' are counted, not
      // listed (a plan of one client printed the whole company's capacity warnings).
      const shownWarnings = warnings.filter((w) => (!o.client || w.client === o.client) && (!o.employee || w.employee === undefined || w.employee === o.employee));
      for (const line of warningLines(shownWarnings)) io.err(`${line}\n`);
      const undecreed = undecreedNote(config, from, to);
      if (undecreed) io.err(`note: ${undecreed}\n`);
      if (shownWarnings.length < warnings.length) {
        const others = o.client && o.employee ? 'other clients and employees' : o.client ? 'other clients' : 'other employees';
        io.err(`(${warnings.length - shownWarnings.length} warnings about ${others}: "touchbase plan" without ${o.client && o.employee ? '--client and --employee' : o.client ? '--client' : '--employee'} lists them)\n`);
      }
      // Days before today are shown as they would have been planned; nobody was asked to do them.
      // (Those recorded before are shown as they stand, overdue or done: the note is about the others.)
      if (saved && recordedFrom) io.err(`the days before ${recordedFrom} are shown, not recorded again: a touch of theirs never recorded before was in nobody's calendar (it is not overdue); those recorded earlier show as they stand\n`);
      if (saved && (o.format === 'table' || o.client || o.employee)) {
        // The plan is one: a filter shows part of it, what is recorded is the whole company's.
        io.err(`recorded the company's plan for ${recordedFrom && recordedFrom > to ? 'none of this period (it is over)' : `${recordedFrom ?? from} to ${to}`}${o.client || o.employee ? ` (shown: ${[o.client, o.employee].filter(Boolean).join(', ')})` : ''}: `
          + `${saveCounts(saved)}\n`);
      }
    });
}

function* only<T>(touches: Iterable<T>, shown: (t: T) => boolean): Generator<T> {
  for (const t of touches) if (shown(t)) yield t;
}
