import { MAX_NOTE, plainNote } from '../../domain/plain-text.ts';
import { instantOutOfRange } from '../../domain/instant-range.ts';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { markDone, markSkipped, findTouch } from '../../storage/touch-repository.ts';
import { BadInputError } from '../cli-error.ts';
import { clockFrom, databaseMissing, dbFile, readConfigOrLastApplied, withDatabase, type GlobalOptions } from '../context.ts';
import type { CliIO } from '../io.ts';
import type { Config } from '../../domain/types.ts';
import { employeeById } from '../../domain/config-index.ts';
import { addDays } from '../../planner/dates.ts';
import { withdrawSettledAlerts, type Withdrawn } from '../../workflows/daily.ts';
import { cliTranslator, counts } from '../cli-language.ts';
import type { Translator } from '../../i18n/translator.ts';
import { employeeOption } from '../employee-option.ts';

interface OutcomeOptions extends GlobalOptions {
  at?: string;
  note?: string;
  reason?: string;
  by?: string;
  now?: string;
}

/** `done ID` and `skip ID --reason`: what happened to a touch, recorded in the history; said in the company's language. */
export function doneCommand(program: Command, io: CliIO): void {
  program
    .command('done')
    .argument('<id>', 'touch id (or its first 8 characters, as `plan` and `history` show)')
    .description('record a touch as done')
    .option('--at <instant>', 'when it was done, ISO date or instant (default: now)')
    .option('--note <text>', 'how it went')
    .option('--by <employee>', 'who did it: an id, e-mail or full name (default: the touch\'s employee)')
    .option('--now <instant>', 'what "now" is, as an ISO instant')
    .action(async (id: string, _o, cmd: Command) => {
      const o = cmd.optsWithGlobals<OutcomeOptions>();
      const config = await readConfigOrLastApplied(o, (text) => io.err(text));
      o.by = employeeOption(config, o.by, '--by');
      checkLength('--note', o.note);
      refuseMissingDatabase(o);
      const row = await withDatabase(o, async (db) => {
        const touch = await findTouch(db, id);
        const at = instant(o.at, o.now, config, touch.employee_id);
        notLongBefore(at, touch, o.at);
        const done = await markDone(db, touch.id, { at: at.toUTC().toISO()!, date: at.toISODate()!, by: o.by, note: o.note === undefined ? undefined : plainNote(o.note) || undefined });
        return { ...done, withdrawn: await withdrawSettledAlerts(db, config, clockFrom(o.now, config.settings.timezone).now(), done.client_id, done.id) };
      });
      const tr = cliTranslator(config);
      io.out(`${tr.t('cli.done', { title: row.title, id: row.id, date: row.resolved_date ?? '', by: row.resolved_by ?? '' })}\n${withdrawnLine(row.withdrawn, tr)}`);
    });

}

export function skipCommand(program: Command, io: CliIO): void {
  program
    .command('skip')
    .argument('<id>', 'touch id (or its first 8 characters)')
    .description('record a touch as skipped, with the reason')
    .requiredOption('--reason <text>', 'why it will not happen')
    .option('--at <instant>', 'when it was decided (default: now)')
    .option('--now <instant>', 'what "now" is, as an ISO instant')
    .action(async (id: string, _o, cmd: Command) => {
      const o = cmd.optsWithGlobals<OutcomeOptions>();
      const config = await readConfigOrLastApplied(o, (text) => io.err(text));
      if (!plainNote(o.reason ?? '')) throw new BadInputError('--reason: expected a reason, found nothing');
      checkLength('--reason', o.reason);
      refuseMissingDatabase(o);
      const row = await withDatabase(o, async (db) => {
        const touch = await findTouch(db, id);
        const at = instant(o.at, o.now, config, touch.employee_id);
        const skipped = await markSkipped(db, touch.id, { at: at.toUTC().toISO()!, date: at.toISODate()!, by: undefined, note: plainNote(o.reason!) });
        return { ...skipped, withdrawn: await withdrawSettledAlerts(db, config, clockFrom(o.now, config.settings.timezone).now(), skipped.client_id, skipped.id) };
      });
      const tr = cliTranslator(config);
      io.out(`${tr.t('cli.skipped', { title: row.title, id: row.id, note: row.note ?? '' })}\n${withdrawnLine(row.withdrawn, tr)}`);
    });
}

/** The alerts this outcome ended (an escalation of it, the client's silence alert), withdrawn at once: each kind by its own reason. */
function withdrawnLine(withdrawn: Withdrawn, tr: Translator): string {
  return (withdrawn.closed ? `${tr.t('cli.closedMissed', counts(withdrawn.closed))}\n` : '')
    + (withdrawn.closedOthers ? `${tr.t('cli.closedMissedOthers', counts(withdrawn.closedOthers))}\n` : '')
    + (withdrawn.overdue ? `${tr.t('cli.withdrawn.overdue', counts(withdrawn.overdue))}\n` : '')
    + (withdrawn.silence ? `${tr.t('cli.withdrawn.silence', counts(withdrawn.silence))}\n` : '')
    + (withdrawn.silenceSkipped ? `${tr.t('cli.withdrawn.silenceSkipped', counts(withdrawn.silenceSkipped))}\n` : '');
}

/** How long before its window a touch may have been done (a call made a few weeks early still counts). */
const EARLY_DAYS = 31;

/**
 * Done long before the touch's window (`--at 2026-…` for a touch of 2027) is a typo, not an early
 * call: recorded, it would count as done on time, and a done touch is not done again.
 */
function notLongBefore(at: DateTime, touch: { window_from: string; window_to: string }, text: string | undefined): void {
  const earliest = addDays(touch.window_from, -EARLY_DAYS);
  if (at.toISODate()! < earliest) {
    // Without --at, the day is today: said so, not "found undefined".
    const found = text === undefined ? `today, ${at.toISODate()!} (no --at)` : JSON.stringify(text);
    throw new BadInputError(`--at: expected a day from ${earliest} on (at most ${EARLY_DAYS} days before the touch's window, ${touch.window_from} to ${touch.window_to}), `
      + `found ${found}: ${text === undefined ? 'this touch is for a later period; mark it when it is done then' : 'a typo in the date? A touch done that early belongs to an earlier period'}`);
  }
}

/**
 * The moment in the employee's own zone, so "done on" is their local date. Not later than
 * today: an outcome is recorded once it happened, and a mistyped year would count as done
 * (punctuality, silence) for years.
 */
function instant(text: string | undefined, nowText: string | undefined, config: Config, employee: string): DateTime {
  const zone = employeeById(config, employee)?.timezone ?? config.settings.timezone;
  const now = clockFrom(nowText, config.settings.timezone).now().setZone(zone);
  if (!text) return now;
  // Without an offset, the employee's own wall time (not the machine's: a server in UTC recorded 10:00 as 13:00 Moscow).
  // (With its offset as written, which the range check reads; then in the employee's zone.)
  const written = /^\d{4}-\d{2}-\d{2}$/.test(text) ? DateTime.fromISO(text, { zone }).set({ hour: 12 }) : DateTime.fromISO(text, { zone, setZone: true });
  if (!written.isValid) throw new BadInputError(`--at: expected an ISO date or instant like 2027-02-09T15:30+03:00, found ${JSON.stringify(text)}`);
  const problem = instantOutOfRange(written);
  if (problem) throw new BadInputError(`--at: ${problem} (in ${JSON.stringify(text)})`);
  const at = written.setZone(zone);
  if (at.toISODate()! > now.toISODate()!) {
    throw new BadInputError(`--at: expected a moment that has come (an outcome is recorded once it happened), found ${JSON.stringify(text)}, after today (${now.toISODate()} in ${zone})`);
  }
  return at;
}

/** A note or reason goes into the calendar event: as long as a link's form allows, no longer. */
function checkLength(option: string, text: string | undefined): void {
  const length = text === undefined ? 0 : [...plainNote(text)].length;
  if (length > MAX_NOTE) throw new BadInputError(`${option}: expected at most ${MAX_NOTE} characters (it goes into the calendar event), found ${length}`);
}

/**
 * No database at --db: no touch is there to mark, and a mistyped path must not become a new empty
 * database (which then answered every later command with an empty history instead of this).
 */
function refuseMissingDatabase(o: GlobalOptions): void {
  const file = dbFile(o);
  if (databaseMissing(file)) throw new BadInputError(`no database at ${file}: no touch of it can be marked (is --db the daemon's database? TOUCHBASE_DB names it for every command; on a new installation, run "touchbase plan" to record the plan)`);
}
