import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { systemClock } from '../../clock.ts';
import { isDaemonRunning } from '../../storage/daemon-lock.ts';
import { isPostgresLocation } from '../../storage/location.ts';
import { daemonStatus, type JobStatus } from '../../daemon/status.ts';
import { BadInputError } from '../cli-error.ts';
import { dbFile, withDatabase, type GlobalOptions } from '../context.ts';
import { renderTable } from '../format-touches.ts';
import type { CliIO } from '../io.ts';

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
      if (file === ':memory:' || (!isPostgresLocation(file) && !existsSync(file))) throw new BadInputError(`no database at ${file}: start the daemon first ("npm start")`);
      const status = await withDatabase(o, (db) => daemonStatus(db, systemClock.now()), { readOnly: true });
      // Daemons sharing the database hold no lock: their registry says whether they run.
      const live = status.instances.filter((i) => i.live);
      const running = live.length > 0 || await isDaemonRunning(file);
      if (o.format === 'json') {
        io.out(`${JSON.stringify({ running, ...status }, null, 2)}\n`);
        return;
      }
      if (status.instances.length > 0) {
        io.out(`daemons: ${live.length} running on this database, sharing the work${live.length < status.instances.length ? `; ${status.instances.length - live.length} DEAD (no heartbeat within their lease)` : ''}\n`);
        io.out(renderTable(['instance', 'host', 'pid', 'version', 'address', 'started', 'last heartbeat', 'state', 'calendars held'], status.instances.map((i) => [
          i.id.slice(0, 8), i.host, String(i.pid), i.version, i.url || 'no HTTP server', short(i.startedAt, status.timezone), short(i.heartbeatAt, status.timezone),
          i.live ? 'running' : 'DEAD', String(i.claims),
        ])));
      } else {
        io.out(running ? `daemon: running (pid ${status.pid}, since ${short(status.startedAt ?? null, status.timezone)}) at ${status.url || 'no HTTP server'}\n`
          : `daemon: not running${status.stoppedAt ? ` (stopped ${short(status.stoppedAt ?? null, status.timezone)})` : ''}\n`);
      }
      if (status.configErrors.length > 0) {
        io.out(`configuration: the last change was REJECTED; running on the last valid one:\n`);
        for (const e of status.configErrors) io.out(`  ${e}\n`);
      } else io.out('configuration: ok\n');
      io.out('\n');
      io.out(renderTable(['job', 'schedule', 'last run', 'result', 'next run', 'what it did'], status.jobs.map((j) => [
        j.name, j.schedule ?? '', short(j.lastStarted, status.timezone), result(j, running), short(j.nextRun ?? null, status.timezone),
        j.lastResult === 'failed' ? (j.lastError ?? '') : (j.lastSummary ?? ''),
      ])));
      io.out(`\ncalendar writes: ${status.outbox.pending} waiting (${status.outbox.dueNow} due now), ${status.outbox.failed} refused by the calendar (written again when their touch changes)\n`);
      for (const w of status.waitingEmployees) io.out(`  ${w.employee}: waits until ${short(w.until, status.timezone)} — ${w.error}\n`);
      for (const r of status.refusedWrites) io.out(`  ${r.employee} (${r.provider}): ${r.count} refused — ${r.error}\n`);
      if (status.unreadCalendars.length > 0) {
        io.out(`calendars not read: ${status.unreadCalendars.length} — the moves and deletions made there wait for a read that works (read again at each sync that reads the calendars)\n`);
        for (const u of status.unreadCalendars) {
          const since = u.since === u.failedAt ? '' : `, failing since ${short(u.since, status.timezone)}`;
          io.out(`  ${u.employee} (${u.provider}): last read failed ${short(u.failedAt, status.timezone)}${since} — ${u.error}\n`);
        }
      }
      if (status.leftovers.count > 0) {
        io.out(`events to delete from calendars no longer used (an old address, an employee removed): ${status.leftovers.count} waiting${status.leftovers.lastError ? ` — last error: ${status.leftovers.lastError}` : ''} (tried again at the next sync)\n`);
      }
      // "google.last_ok" is a time, shown in the company's zone as every other one here.
      for (const [provider, state] of Object.entries(status.providers)) io.out(`  ${provider}: ${provider.endsWith('.last_ok') ? short(state, status.timezone) : state}\n`);
    });
}

function short(iso: string | null, zone: string): string {
  if (!iso) return '';
  const t = DateTime.fromISO(iso, { zone });
  return t.isValid ? t.toFormat('yyyy-MM-dd HH:mm ZZZZ') : iso;
}

/** A job's result for the table; a run past its time limit while the daemon runs shows as STUCK. */
function result(j: JobStatus, daemonRunning: boolean): string {
  // Cut short by a stop (SIGTERM, a restart, kill -9): no failure of the job's own, it runs again at the start.
  if (j.lastResult === 'failed' && j.lastError?.startsWith('interrupted:')) return 'interrupted';
  if (j.lastResult === 'failed') return `FAILED ×${j.failuresInARow}`;
  if (j.lastResult === 'running' && daemonRunning && j.runningSeconds !== undefined) {
    return j.overLimit ? `STUCK ${j.runningSeconds} s (limit ${j.limitSeconds} s)` : `running ${j.runningSeconds} s`;
  }
  return j.lastResult ?? '';
}
