import { Counter, Gauge, Registry } from 'prom-client';
import type { DateTime } from 'luxon';
import type { DB } from '../storage/database.ts';
import { addDays } from '../planner/dates.ts';
import { writeQueueSummary } from '../storage/calendar-sync-repository.ts';
import { openTouchesOn, overdueTouchCount, pingDatabase, touchCountsByStatus } from '../storage/health-queries.ts';
import { databaseOutOfReach } from '../storage/database-errors.ts';
import type { WorkReport } from './work.ts';
import type { InstanceStatus } from './shared-work-view.ts';

/**
 * The daemon's Prometheus metrics, in a registry of its own (state belongs to the instance,
 * not to prom-client's global one). Counts of touches are read from the database at scrape
 * time, so they are right even after a restart; counters of this process's work are kept here.
 */
export class DaemonMetrics {
  readonly registry = new Registry();
  readonly #operations: Counter<'result'>;
  readonly #providerErrors: Counter<'provider' | 'code'>;
  readonly #lastSync: Gauge<'provider'>;
  readonly #jobRuns: Counter<'job' | 'result'>;
  readonly #jobSeconds: Gauge<'job'>;
  readonly #reloads: Counter<'result'>;
  readonly #configValid: Gauge;

  /**
   * `instances`: the daemons sharing the database, when this one shares it (one series each, live
   * or dead). `gone`: whether the database file was deleted or replaced under the daemon (its
   * connection still answers, from a file nobody will read again): out of reach as well.
   */
  constructor(db: DB, today: () => string, overdueAfterDays: () => number = () => 2, instances?: () => Promise<readonly InstanceStatus[]>, gone: () => boolean = () => false) {
    const registers = [this.registry];
    // Read from the database at each scrape: while it is out of reach (PostgreSQL restarting), a
    // series read from it keeps its last value, and the process's own figures and
    // touchbase_database_up 0 are still served — a scrape that fails as a whole shows nothing at all.
    const fromDatabase = async (read: () => Promise<void>) => {
      if (gone()) return;
      try {
        await read();
      } catch (error) {
        if (!databaseOutOfReach(error)) throw error;
      }
    };
    new Gauge({
      name: 'touchbase_database_up', help: '1 while the database answers a query, 0 while it cannot be reached (the series read from it then keep their last values).', registers,
      async collect() {
        this.set(0);
        await fromDatabase(async () => {
          await pingDatabase(db);
          this.set(1);
        });
      },
    });
    if (instances) {
      new Gauge({
        name: 'touchbase_daemon_instance_up', help: 'Daemons sharing this database: 1 while its heartbeat is within its lease, 0 once dead (listed for a day).',
        labelNames: ['instance', 'host', 'pid', 'version'], registers,
        async collect() {
          await fromDatabase(async () => {
            const all = await instances();
            this.reset();
            for (const i of all) this.set({ instance: i.id, host: i.host, pid: String(i.pid), version: i.version }, i.live ? 1 : 0);
          });
        },
      });
      new Gauge({
        name: 'touchbase_calendar_claims', help: 'Employees\' calendars each daemon sharing this database is working on now (live claims).', labelNames: ['instance'], registers,
        async collect() {
          await fromDatabase(async () => {
            const all = await instances();
            this.reset();
            for (const i of all) this.set({ instance: i.id }, i.claims);
          });
        },
      });
    }
    new Gauge({
      name: 'touchbase_touches', help: 'Touches recorded, by status (planned, done, skipped, cancelled).', labelNames: ['status'], registers,
      async collect() {
        await fromDatabase(async () => {
          const counts = await touchCountsByStatus(db);
          this.reset();
          for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
        });
      },
    });
    new Gauge({
      name: 'touchbase_touches_due_today', help: 'Open touches due today (company time zone).', registers,
      async collect() {
        await fromDatabase(async () => this.set(await openTouchesOn(db, today())));
      },
    });
    new Gauge({
      name: 'touchbase_touches_overdue', help: 'Open touches overdue: still open overdue.after days after their day, or moved forward as overdue (as in `touchbase report overdue`).', registers,
      async collect() {
        await fromDatabase(async () => this.set(await overdueTouchCount(db, addDays(today(), -overdueAfterDays()))));
      },
    });
    new Gauge({
      name: 'touchbase_outbox_operations', help: 'Calendar writes still to make, by state (pending: to do or waiting for a retry or a paused calendar; unresolved: a write whose answer was lost, to read back; failed: refused as invalid).', labelNames: ['status'], registers,
      async collect() {
        await fromDatabase(async () => {
          const q = await writeQueueSummary(db);
          this.reset();
          this.set({ status: 'pending' }, q.pending);
          this.set({ status: 'unresolved' }, q.unresolved);
          this.set({ status: 'failed' }, q.failed);
        });
      },
    });
    this.#operations = new Counter({ name: 'touchbase_sync_operations_total', help: 'Calendar writes by result since the daemon started.', labelNames: ['result'], registers });
    this.#providerErrors = new Counter({ name: 'touchbase_provider_errors_total', help: 'Calendar provider errors by provider and code.', labelNames: ['provider', 'code'], registers });
    this.#lastSync = new Gauge({ name: 'touchbase_last_successful_sync_timestamp_seconds', help: 'When a sync last finished without errors, per provider (Unix time).', labelNames: ['provider'], registers });
    this.#jobRuns = new Counter({ name: 'touchbase_job_runs_total', help: 'Daemon job runs by job and result.', labelNames: ['job', 'result'], registers });
    this.#jobSeconds = new Gauge({ name: 'touchbase_job_last_duration_seconds', help: 'How long the last run of each job took.', labelNames: ['job'], registers });
    this.#reloads = new Counter({ name: 'touchbase_config_reloads_total', help: 'Configuration reloads by result (applied, rejected).', labelNames: ['result'], registers });
    this.#configValid = new Gauge({ name: 'touchbase_config_last_reload_valid', help: '1 if the last configuration change was valid, 0 if it was rejected (the daemon runs on the last valid one).', registers });
    this.#configValid.set(1);
    for (const result of ['written', 'retried', 'failed']) this.#operations.inc({ result }, 0);
  }

  recordWork(report: WorkReport, at: DateTime): void {
    this.#operations.inc({ result: 'written' }, report.written);
    this.#operations.inc({ result: 'retried' }, report.retried);
    this.#operations.inc({ result: 'failed' }, report.failed);
    for (const [key, n] of report.errors) {
      const [provider, code] = key.split(':') as [string, string];
      this.#providerErrors.inc({ provider, code }, n);
    }
    for (const p of report.providers) if (p.ok) this.#lastSync.set({ provider: p.provider }, Math.floor(at.toSeconds()));
  }

  /** A service's error that failed a whole job (the feed folder full), counted as its report would count it. */
  recordProviderError(provider: string, code: string): void {
    this.#providerErrors.inc({ provider, code });
  }

  recordJob(job: string, result: 'ok' | 'failed' | 'superseded', seconds: number): void {
    this.#jobRuns.inc({ job, result });
    this.#jobSeconds.set({ job }, seconds);
  }

  recordReload(applied: boolean): void {
    this.#reloads.inc({ result: applied ? 'applied' : 'rejected' });
    this.#configValid.set(applied ? 1 : 0);
  }

  /** The files are back to the running configuration after a rejection: valid again, though nothing was reloaded. */
  markConfigValid(): void {
    this.#configValid.set(1);
  }

  /** Started on the last valid configuration because the files are not: as a rejected change. */
  markConfigInvalid(): void {
    this.#configValid.set(0);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
