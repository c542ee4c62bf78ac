import { counted } from '../domain/english-count.ts';
import type { SyncReport } from '../sync/sync-calendars.ts';
import { CommandFailedError } from './cli-error.ts';
import type { CliIO } from './io.ts';
import type { Translator } from '../i18n/translator.ts';

/**
 * What of a pass's calendar work needs someone to know, on standard error, the same after `sync`
 * and `once`: calendars paused or not read (and why), writes refused as invalid, employees
 * skipped, old addresses still to clean. Refused credentials fail the command: a scheduler (cron,
 * systemd) then sees that someone must reconnect the calendar. `once` used to end 0 and print
 * nothing of it while an employee's writes waited for a new token.
 */
/** The writes a pass left waiting on calendars (refused, slowed down), for its summary line: ", 3 held by …". */
export function waitingWrites(d: NonNullable<SyncReport['dispatched']>, tr: Translator): string {
  return `${d.held ? tr.t('cli.writes.held', { n: String(d.held) }) : ''}${d.slowed ? tr.t('cli.writes.slowed', { n: String(d.slowed) }) : ''}${d.unanswered ? tr.t('cli.writes.unanswered', { n: String(d.unanswered) }) : ''}`;
}

/** What left calendars no longer used at a pass — an address followed, employees gone from the configuration — said the same after `sync` and `once`. */
export function formerCalendarLines(report: SyncReport, tr: Translator): string {
  const former = report.formerCalendars;
  let out = '';
  for (const [employee, m] of former?.moved ?? []) out += `${tr.t('cli.sync.addressChanged', { employee, from: m.from, n: String(m.events) })}\n`;
  if (former?.removed?.events.length) out += `${tr.t('cli.sync.gone', { employees: former.removed.employees.join(', '), n: String(former.removed.events.length) })}\n`;
  return out;
}

export function reportCalendarTrouble(report: SyncReport, io: CliIO): void {
  const d = report.dispatched;
  for (const [employee, why] of d?.paused ?? []) io.err(`  ${employee}: paused — ${why}\n`);
  if (d && d.failed > 0) io.err(`  ${d.failed} refused as invalid by the calendar: they wait for their touch to change; "touchbase status" lists them by employee, with the reason\n`);
  for (const [employee, why] of report.reconciled?.unreadable ?? []) io.err(`  ${employee}: calendar not read — ${why}\n`);
  const waiting = report.formerCalendars?.waiting;
  // Each goes once its touch is written at the new address (which may be the one refusing) and the old calendar lets us.
  if (waiting) io.err(`  ${waiting} events still to delete at addresses their employees no longer use: each goes once its touch is written at the new address and the old calendar lets us (tried again at the next sync)\n`);
  for (const [employee, why] of report.skipped) io.err(`  ${employee}: skipped — ${why}\n`);
  // Refused credentials need someone to act (a scheduler sees a failure); a quota or a rate limit passes by itself.
  // Refused when written to or when read: a revoked connection with nothing to write is refused all the same.
  const refused = [...new Map([...(d?.paused ?? []), ...(report.reconciled?.unreadable ?? [])])].filter(([, why]) => why.startsWith('auth:'));
  if (refused.length > 0) {
    throw new CommandFailedError(`${counted(refused.length, 'calendar')} refused touchbase's credentials (${refused.map(([e]) => e).join(', ')}): their changes wait until the connection works again (README, Calendars)`);
  }
}
