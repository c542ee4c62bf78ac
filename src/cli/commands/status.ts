import { existsSync } from 'node:fs';
import { readSnapshot } from '../../config/snapshot.ts';
import { moreErrorsLine } from '../../config/config-issue.ts';
import { SUPERSEDED_RUN } from '../../daemon/time-limits.ts';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { systemClock } from '../../clock.ts';
import { isDaemonRunning } from '../../storage/daemon-lock.ts';
import { fileGoneUnderDaemon } from '../../storage/database.ts';
import { isPostgresLocation } from '../../storage/location.ts';
import { daemonStatus, UNTIL_NEXT_SYNC, type JobStatus } from '../../daemon/status.ts';
import { BadInputError } from '../cli-error.ts';
import { dbFile, withDatabase, type GlobalOptions } from '../context.ts';
import { givenConfigTranslator } from '../cli-language.ts';
import { renderTable } from '../text-table.ts';
import type { CliIO } from '../io.ts';
import type { MessageKey, Translator } from '../../i18n/translator.ts';

/** Whether the configuration files now differ from those the daemon last applied or rejected (unreadable: not said). */
function configChangedSince(dir: string | undefined, hash: string | undefined): boolean {
  if (!dir || !hash) return false;
  try {
    return readSnapshot(dir).hash !== hash;
  } catch {
    return false;
  }
}

/** `touchbase status`: is the daemon running, what ran last, what runs next, what waits. */
export function statusCommand(program: Command, io: CliIO): void {
  program
    .command('status')
    .description("is the daemon running; each job's last run, result and next run; calendar writes waiting; calendars whose last read failed (when, since when, the calendar's reason) until a read works; the last configuration error")
    .option('--format <format>', 'table or json', 'table')
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions & { format: string }>();
      if (!['table', 'json'].includes(o.format)) throw new BadInputError(`--format: expected table or json, found ${JSON.stringify(o.format)}`);
      const file = dbFile(o);
      if (file === ':memory:' || (!isPostgresLocation(file) && !existsSync(file))) {
        // Deleted under a running daemon: said so, not "start the daemon" beside the one running (QA).
        if (file !== ':memory:' && await isDaemonRunning(file)) throw fileGoneUnderDaemon(file);
        throw new BadInputError(`no database at ${file}: start the daemon first ("npm start")`);
      }
      const status = await withDatabase(o, (db) => daemonStatus(db, systemClock.now()), { readOnly: true });
      // Daemons sharing the database hold no lock: their registry says whether they run.
      const live = status.instances.filter((i) => i.live);
      const running = live.length > 0 || await isDaemonRunning(file);
      // Files changed that the daemon never took in (it could not record them: a full disk), while it says all is applied.
      // (With a rejection recorded, the files differ from what it applied: that is the rejection, said below.)
      const configPending = running && status.configErrors.length === 0 && configChangedSince(status.configDir, status.configHash);
      if (o.format === 'json') {
        io.out(`${JSON.stringify({ running, ...status, configPending }, null, 2)}\n`);
        return;
      }
      // The company's language when given its configuration (it reports the last configuration error itself).
      const tr = givenConfigTranslator(o);
      const at = (iso: string | null | undefined) => statusTime(iso ?? null, status.timezone);
      // A daemon that works alone (its lock held, none of the registry live) is the one running,
      // whatever daemons that shared the work once left in the registry (QA: "0 running; 1 DEAD",
      // the running one not named).
      const alone = running && live.length === 0;
      if (status.instances.length > 0 && !alone) {
        const dead = live.length < status.instances.length ? tr.t('cli.status.dead', { n: String(status.instances.length - live.length) }) : '';
        io.out(`${tr.t('cli.status.daemons', { live: String(live.length), dead })}\n`);
        io.out(renderTable((['cli.col.instance', 'cli.col.host', 'cli.col.pid', 'cli.col.version', 'cli.col.address', 'cli.col.started', 'cli.col.heartbeat', 'cli.col.state', 'cli.col.calendarsHeld'] as const).map((k) => tr.t(k)), status.instances.map((i) => [
          i.id.slice(0, 8), i.host, String(i.pid), i.version, i.url || tr.t('cli.status.noHttp'), at(i.startedAt), at(i.heartbeatAt),
          tr.t(i.live ? 'cli.state.running' : 'cli.state.dead'), String(i.claims),
        ])));
      } else {
        io.out(`${running ? tr.t('cli.status.running', { pid: String(status.pid), since: at(status.startedAt), url: status.url || tr.t('cli.status.noHttp') })
          : tr.t('cli.status.notRunning', { stopped: status.stoppedAt ? tr.t('cli.status.stopped', { at: at(status.stoppedAt) }) : '' })}\n`);
      }
      if (status.configErrors.length > 0) {
        // With no daemon running, nothing runs on anything: the next start does, on the last valid one (QA: "not running" over "running on").
        io.out(`${tr.t(running ? 'cli.status.configRejected' : 'cli.status.configRejectedStopped')}\n`);
        for (const e of status.configErrors) io.out(`  ${e}\n`);
        const more = moreErrorsLine(status.configErrors.length, status.configErrorCount);
        if (more) io.out(`  ${more}\n`);
      } else if (!configPending) io.out(`${tr.t(status.startedAt === undefined ? 'cli.status.configNoDaemon' : 'cli.status.configOk')}\n`);
      if (configPending) io.out(`${tr.t('cli.status.configPending', { dir: status.configDir! })}\n`);
      io.out('\n');
      // Job names, schedules and what each job did (its own summary, an error's words) are shown as the daemon recorded them.
      io.out(renderTable((['cli.col.job', 'cli.col.schedule', 'cli.col.lastRun', 'cli.col.result', 'cli.col.nextRun', 'cli.col.whatItDid'] as const).map((k) => tr.t(k)), status.jobs.map((j) => [
        j.name, j.schedule ?? '', at(j.lastStarted), ...resultAndNext(j, running, tr, at),
        // A run still marked running (or cut short by a kill) has done nothing it can say yet: the
        // summary beside it was the run before's ("nothing changed" beside a sync killed after 49 writes, QA).
        j.lastResult === 'failed' ? (j.lastError ?? '') : j.lastResult === 'running' ? '' : (j.lastSummary ?? ''),
        // Whole: a failure's words end with what to do (QA: "the feed folder … may not be writ…").
      ]), 1000));
      const outbox = status.outbox;
      io.out(`\n${tr.t('cli.status.writes', { pending: String(outbox.pending), dueNow: String(outbox.dueNow), failed: String(outbox.failed) })}\n`);
      for (const w of status.waitingEmployees) io.out(`${tr.t('cli.status.waits', { employee: w.employee, until: w.until === UNTIL_NEXT_SYNC ? tr.t('cli.status.nextSync') : statusTime(w.until, status.timezone, true), error: w.error })}\n`);
      for (const r of status.refusedWrites) io.out(`${tr.t('cli.status.refused', { employee: r.employee, provider: r.provider, n: String(r.count), error: r.error })}\n`);
      if (status.unreadCalendars.length > 0) {
        io.out(`${tr.t('cli.status.unread', { n: String(status.unreadCalendars.length) })}\n`);
        for (const u of status.unreadCalendars) {
          const since = u.since === u.failedAt ? '' : tr.t('cli.status.failingSince', { since: at(u.since) });
          io.out(`${tr.t('cli.status.readFailed', { employee: u.employee, provider: u.provider, at: at(u.failedAt), since, error: u.error })}\n`);
        }
      }
      if (status.leftovers.count > 0) {
        const lastError = status.leftovers.lastError ? tr.t('cli.status.lastError', { error: status.leftovers.lastError }) : '';
        io.out(`${tr.t('cli.status.leftovers', { n: String(status.leftovers.count), lastError })}\n`);
      }
      // Each calendar service as the daemon's last sync left it, under a heading of its own (they
      // were lines of "ics.state: ok" under the list of waiting writes, as if they were some).
      const services = providerStates(status.providers);
      if (services.length > 0) {
        io.out(`${tr.t('cli.status.services')}\n`);
        for (const s of services) {
          const lastOk = s.lastOk ? tr.t('cli.status.lastOk', { at: at(s.lastOk) }) : '';
          io.out(`  ${s.provider}: ${s.state === 'ok' ? tr.t('cli.status.serviceOk') : s.state === 'errors' ? tr.t('cli.status.serviceErrors') : s.state ?? ''}${lastOk}\n`);
        }
      }
    });
}

/** The daemon's "google.state" and "google.last_ok", one entry a service. */
function providerStates(providers: Readonly<Record<string, string>>): { provider: string; state?: string; lastOk?: string }[] {
  const byProvider = new Map<string, { provider: string; state?: string; lastOk?: string }>();
  for (const [key, value] of Object.entries(providers)) {
    const dot = key.lastIndexOf('.');
    const provider = dot < 0 ? key : key.slice(0, dot);
    const entry = byProvider.get(provider) ?? { provider };
    byProvider.set(provider, entry);
    if (key.endsWith('.last_ok')) entry.lastOk = value;
    else entry.state = value;
  }
  return [...byProvider.values()];
}

/** A stored instant as status shows it: to the minute, in the company's zone; with `roundUp`, an end not yet reached. */
export function statusTime(iso: string | null, zone: string, roundUp = false): string {
  if (!iso) return '';
  let t = DateTime.fromISO(iso, { zone });
  // A wait's end shown to the minute is its next whole minute: "waits until 03:11" read at
  // 03:11:30 of a wait until 03:11:48 looked over, and the retry had not come yet.
  if (roundUp && t.isValid && (t.second > 0 || t.millisecond > 0)) t = t.startOf('minute').plus({ minutes: 1 });
  // Its offset as the plan's table writes one (10:00 +03), not a name of the machine's locale ("GMT+3").
  return t.isValid ? t.toFormat('yyyy-MM-dd HH:mm ZZ').replace(/:00$/, '') : iso;
}

/** A job's result and next run for the table: cut short with no daemon running, it runs first at the next start, whatever its schedule says (QA: "tomorrow 06:30"). */
function resultAndNext(j: JobStatus, daemonRunning: boolean, tr: Translator, at: (iso: string | undefined) => string): [string, string] {
  const shown = result(j, daemonRunning, tr);
  return [shown, !daemonRunning && shown === tr.t('cli.result.interrupted') ? tr.t('cli.status.atNextStart') : at(j.nextRun)];
}

/** A job's result for the table; a run past its time limit while the daemon runs shows as STUCK. */
function result(j: JobStatus, daemonRunning: boolean, tr: Translator): string {
  // Cut short by a stop (SIGTERM, a restart, kill -9): no failure of the job's own, it runs again at the start.
  // Stopped for a newer configuration's run, which follows at once: no failure either.
  if (j.lastResult === 'failed' && (j.lastError?.startsWith('interrupted:') || j.lastError?.startsWith(SUPERSEDED_RUN))) return tr.t('cli.result.interrupted');
  if (j.lastResult === 'failed') return tr.t('cli.result.failedTimes', { n: String(j.failuresInARow) });
  // Marked running, no daemon to run it (killed with SIGKILL): the next start records it so (QA:
  // "daemon: not running" above a job "running").
  if (j.lastResult === 'running' && !daemonRunning) return tr.t('cli.result.interrupted');
  if (j.lastResult === 'running' && daemonRunning && j.runningSeconds !== undefined) {
    return j.overLimit ? tr.t('cli.result.stuck', { seconds: String(j.runningSeconds), limit: String(j.limitSeconds) }) : tr.t('cli.result.runningFor', { seconds: String(j.runningSeconds) });
  }
  // A job that waits for its first tick (the digest, at a first start) has no result yet: blank read as nothing wrong, and "ok" as a run.
  if (j.lastResult === null) return tr.t('cli.result.notYet');
  const key = RESULTS[j.lastResult];
  return key ? tr.t(key) : j.lastResult;
}

/** The results a job's run records, as words. */
const RESULTS: Readonly<Record<string, MessageKey>> = { ok: 'cli.result.ok', running: 'cli.result.running', failed: 'cli.result.failed' };
