import { EventEmitter } from 'node:events';
import type { ServerType } from '@hono/node-server';
import { sql } from 'kysely';
import { systemClock, type Clock } from '../clock.ts';
import { ConfigInvalidError, formatIssue, type ConfigIssue } from '../config/config-issue.ts';
import { readSnapshot, type ConfigSnapshot } from '../config/snapshot.ts';
import { feedSecret, feedToken } from '../calendar/ics/feed-token.ts';
import { openMigrated, type DB } from '../storage/database.ts';
import { daemonApp } from '../http/daemon-app.ts';
import { listen } from '../http/feed-server.ts';
import { eventsRoute } from '../http/events-api.ts';
import { linkSecret, type LinkOutcome } from '../http/action-links.ts';
import { CronSchedule } from './cron-schedule.ts';
import { DaemonLock } from './daemon-lock.ts';
import { ConfigWatcher } from './config-watcher.ts';
import { ProcessRunner, type ConfigSummary, type JobRunner } from './job-runner.ts';
import { DaemonMetrics } from './metrics.ts';
import { Scheduler, type Job, type JobRun, type SchedulerDeps, type SchedulerEvents } from './scheduler.ts';
import { getInfo, setInfo } from './job-store.ts';
import { daemonStatus, type DaemonStatus } from './status.ts';
import { silentLogger, type Logger } from './logger.ts';
import type { WorkKind } from './work.ts';
import { Dashboard } from '../dashboard/dashboard.ts';
import type { DashboardAuth } from '../dashboard/settings.ts';

export interface DaemonOptions {
  readonly configDir: string;
  readonly dbFile: string;
  readonly feedDir: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Where jobs run (default: a child process per job). Tests run them in-process with fakes. */
  readonly runner?: (db: () => DB) => JobRunner;
  readonly sleep?: SchedulerDeps['sleep'];
  readonly random?: () => number;
  /** Host and port instead of settings.http (port 0: any free port); false: no HTTP server. */
  readonly http?: { host?: string; port?: number } | false;
  /** Watch the configuration folder for changes (default true). */
  readonly watch?: boolean;
  readonly apiToken?: string;
  /** The dashboard's sign-in settings and public address (default: one-time links only); false: no dashboard. */
  readonly dashboard?: { readonly auth: DashboardAuth; readonly publicUrl?: string } | false;
}

export interface DaemonEvents {
  'job:finished': SchedulerEvents['job:finished'];
  'job:failed': SchedulerEvents['job:failed'];
  'config:applied': [{ hash: string; reason: string }];
  'config:rejected': [{ issues: readonly ConfigIssue[]; reason: string }];
  'link:recorded': [LinkOutcome];
}

/**
 * touchbase as a service: holds the lock on the database, keeps the last valid configuration,
 * runs the jobs on their schedules (re-plan and sync, read calendars, daily checks), serves
 * HTTP, and reloads the configuration when its files change. Start and stop are idempotent.
 */
export class Daemon extends EventEmitter<DaemonEvents> {
  readonly #o: DaemonOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  #lock: DaemonLock | undefined;
  #db: DB | undefined;
  #runner: JobRunner | undefined;
  #scheduler: Scheduler | undefined;
  #metrics: DaemonMetrics | undefined;
  #server: ServerType | undefined;
  #dashboard: Dashboard | undefined;
  #watcher: ConfigWatcher | undefined;
  #snapshot: ConfigSnapshot | undefined;
  #summary: ConfigSummary | undefined;
  #schedules: CronSchedule[] = [];
  #lastFingerprint: string | undefined;
  #configError: readonly ConfigIssue[] | undefined;
  #url = '';
  #started: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;
  #reloading: Promise<boolean> = Promise.resolve(true);

  constructor(options: DaemonOptions) {
    super();
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger();
  }

  get scheduler(): Scheduler {
    if (!this.#scheduler) throw new Error('the daemon is not started');
    return this.#scheduler;
  }

  /** The HTTP server's address (empty without a server). */
  get url(): string {
    return this.#url;
  }

  /** The directors' dashboard on the HTTP server (undefined without one). */
  get dashboard(): Dashboard | undefined {
    return this.#dashboard;
  }

  get summary(): ConfigSummary {
    if (!this.#summary) throw new Error('the daemon is not started');
    return this.#summary;
  }

  /**
   * Takes the lock, validates the configuration (an invalid one at start is an error: there
   * is no earlier valid one to run on), starts HTTP, the watcher and the run loop.
   */
  start(): Promise<void> {
    this.#started ??= this.#start();
    return this.#started;
  }

  async #start(): Promise<void> {
    const startedAt = this.#clock.now().toUTC().toISO()!;
    // The configuration first: an invalid one at start writes nothing anywhere, not even a lock file.
    this.#runner = this.#o.runner?.(() => this.#db!) ?? new ProcessRunner({ dbFile: this.#o.dbFile, feedDir: this.#o.feedDir });
    let snapshot: ConfigSnapshot;
    try {
      snapshot = readSnapshot(this.#o.configDir);
    } catch (error) {
      throw new ConfigInvalidError([{ file: this.#o.configDir, line: 1, column: 1, field: '', expected: 'a configuration folder', found: (error as Error).message }]);
    }
    const check = await this.#runner.check(snapshot);
    if (!check.ok) throw new ConfigInvalidError(check.issues);
    this.#lock = DaemonLock.acquire(this.#o.dbFile, { pid: process.pid, startedAt });
    try {
      const db = (this.#db = await openMigrated(this.#o.dbFile));
      this.#apply(snapshot, check.summary);
      const settings = check.summary.settings;
      this.#metrics = new DaemonMetrics(db, () => this.#clock.now().setZone(this.summary.settings.timezone).toISODate()!);
      this.#scheduler = new Scheduler({ db, clock: this.#clock, jobs: this.#jobs(), sleep: this.#o.sleep, random: this.#o.random });
      this.#observe(this.#scheduler);
      if (this.#o.http !== false) await this.#listen(this.#o.http?.host ?? settings.http.host, this.#o.http?.port ?? settings.http.port);
      await setInfo(db, { pid: String(process.pid), started_at: startedAt, url: this.#url, config_dir: this.#o.configDir, stopped_at: '' });
      await this.#recordConfigState();
      if (this.#o.watch !== false) {
        this.#watcher = new ConfigWatcher(this.#o.configDir, () => void this.reload('a configuration file changed'), { onFirstEvent: () => this.#runner?.prepare?.() });
        this.#watcher.start();
      }
      this.#log.info({ config: this.#o.configDir, db: this.#o.dbFile, clients: check.summary.clients, employees: check.summary.employees.length, http: this.#url || 'off' }, 'touchbase daemon started');
      this.#scheduler.start();
    } catch (error) {
      await this.#close();
      throw error;
    }
  }

  #apply(snapshot: ConfigSnapshot, summary: ConfigSummary): void {
    this.#snapshot = snapshot;
    this.#summary = summary;
    for (const s of this.#schedules) s.dispose();
    const { schedules, timezone } = summary.settings;
    this.#schedules = [schedules.sync, schedules.calendars, schedules.daily, schedules.digest].map((e) => new CronSchedule(e, timezone));
  }

  #jobs(): Job[] {
    const [sync, calendars, daily, digest] = this.#schedules as [CronSchedule, CronSchedule, CronSchedule, CronSchedule];
    return [
      { name: 'sync', schedule: sync, run: (run) => this.#syncJob(run) },
      // The daily checks also run at the very first start: silent and overdue clients show at once.
      { name: 'daily', schedule: daily, run: (run) => this.#work('daily', run) },
      { name: 'calendars', schedule: calendars, run: (run) => this.#work('calendars', run), firstStart: 'wait' },
      { name: 'digest', schedule: digest, run: (run) => this.#work('digest', run), firstStart: 'wait' },
    ];
  }

  /** The frequent job re-plans and syncs only when something changed since it last did. */
  async #syncJob(run: JobRun): Promise<string> {
    const before = await this.#fingerprint();
    if (run.reason === 'schedule' && before === this.#lastFingerprint) return 'nothing changed';
    const summary = await this.#work('sync', run);
    this.#lastFingerprint = await this.#fingerprint();
    return summary;
  }

  /**
   * What a plan depends on besides the clock: the configuration, the day, the history (every
   * outcome, move and plan is a touch event), and calendar writes waiting for their retry.
   */
  async #fingerprint(): Promise<string> {
    const db = this.#db!;
    const now = this.#clock.now();
    const seq = await db.selectFrom('touch_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
    const due = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending').where('next_attempt_at', '<=', now.toUTC().toISO()!).executeTakeFirst();
    if (Number(due?.n ?? 0) > 0) return `retries due at ${now.toISO()}`;
    return `${this.#snapshot!.hash}|${now.setZone(this.summary.settings.timezone).toISODate()}|${seq?.seq ?? 0}`;
  }

  async #work(kind: WorkKind, run: JobRun): Promise<string> {
    const report = await this.#runner!.work(kind, this.#snapshot!, run.signal);
    const now = this.#clock.now();
    this.#metrics!.recordWork(report, now);
    const info: Record<string, string> = {};
    for (const p of report.providers) {
      if (p.ok) info[`provider.${p.provider}.last_ok`] = now.toUTC().toISO()!;
      info[`provider.${p.provider}.state`] = p.ok ? 'ok' : 'errors';
    }
    info[`provider_errors`] = JSON.stringify(report.errors);
    await setInfo(this.#db!, info);
    for (const [employee, why] of report.paused) this.#log.warn({ employee, reason: why }, 'calendar paused for this employee');
    return report.summary;
  }

  #observe(scheduler: Scheduler): void {
    scheduler.on('job:finished', (r) => {
      this.#metrics!.recordJob(r.job, 'ok', r.durationMs / 1000);
      const level = r.summary === 'nothing changed' ? 'debug' : 'info';
      this.#log[level]({ job: r.job, reason: r.reason, ms: r.durationMs }, r.summary);
      this.emit('job:finished', r);
    });
    scheduler.on('job:failed', (r) => {
      this.#metrics!.recordJob(r.job, 'failed', 0);
      this.#log.error({ job: r.job, reason: r.reason, failures: r.failures, retryAt: r.retryAt.toISO() }, `job failed: ${r.error.message}`);
      this.emit('job:failed', r);
    });
    scheduler.on('clock:backwards', (e) => this.#log.warn(e, 'the clock is behind the last run: waiting for it, nothing runs twice'));
    scheduler.on('timer:late', (e) => this.#log.warn(e, 'woke up late (the machine slept or the clock jumped): catching up'));
  }

  async #listen(host: string, port: number): Promise<void> {
    const db = this.#db!;
    if (this.#o.dashboard !== false) {
      const o = this.#o.dashboard;
      this.#dashboard = new Dashboard({
        db, dbFile: this.#o.dbFile, clock: this.#clock, log: this.#log, auth: o?.auth ?? { oidc: undefined, sessionSecret: undefined },
        baseUrl: () => (o?.publicUrl || this.summary.settings.http.publicUrl || this.#url).replace(/\/$/, ''),
        configIssues: () => this.#configError ?? [],
        people: () => ({
          company: this.summary.settings.company, language: this.summary.settings.language,
          directors: this.summary.directors, employees: this.summary.employees,
        }),
      });
    }
    const app = daemonApp({
      feedDir: this.#o.feedDir, db, clock: this.#clock, apiToken: this.#o.apiToken,
      linkSecret: () => linkSecret(db),
      zoneOf: (id) => this.summary.employees.find((e) => e.id === id)?.timezone ?? this.summary.settings.timezone,
      readiness: () => this.readiness(),
      status: () => this.status(),
      metrics: this.#metrics!,
      routes: (app) => this.#dashboard?.mount(app),
      onOutcome: (outcome) => {
        this.#log.info({ touch: outcome.result === 'recorded' ? outcome.touch.id : undefined, action: outcome.result === 'recorded' ? outcome.action : undefined }, 'outcome recorded from a calendar link');
        this.emit('link:recorded', outcome);
        this.#scheduler?.request('sync');
      },
      api: (api) => {
        api.post('/sync', (c) => {
          this.#scheduler?.request('sync');
          return c.json({ requested: 'sync' }, 202);
        });
        api.post('/reload', async (c) => c.json({ applied: await this.reload('requested over the API') }));
        eventsRoute(api, async (event) => {
          const result = await this.#runner!.event(this.#snapshot!, event);
          if (result.ok) {
            this.#log.info({ event: event.name, client: event.client, created: result.outcome.created }, 'business event received');
            if (result.outcome.created) this.#scheduler?.request('sync');
          }
          return result;
        });
      },
    });
    const { server, url } = await listen(app, host, port);
    this.#server = server;
    this.#url = url;
  }

  /**
   * Reads the configuration folder again. A valid change is applied and re-planned at once;
   * an invalid one is reported with its places and the daemon goes on with the last valid one.
   */
  reload(reason: string): Promise<boolean> {
    // Reloads run one after the other: a burst of saves ends with the last state of the files.
    this.#reloading = this.#reloading.then(() => this.#reload(reason), () => this.#reload(reason));
    return this.#reloading;
  }

  async #reload(reason: string): Promise<boolean> {
    if (!this.#scheduler || this.#stopped) return false;
    let snapshot: ConfigSnapshot;
    try {
      snapshot = readSnapshot(this.#o.configDir);
    } catch (error) {
      return this.#reject([{ file: this.#o.configDir, line: 1, column: 1, field: '', expected: 'a readable configuration folder', found: (error as Error).message }], reason);
    }
    if (snapshot.hash === this.#snapshot?.hash) {
      if (this.#configError) {
        this.#configError = undefined;
        await this.#recordConfigState();
      }
      return true;
    }
    const check = await this.#runner!.check(snapshot);
    if (!check.ok) return this.#reject(check.issues, reason);
    const before = this.#summary!.settings;
    this.#apply(snapshot, check.summary);
    this.#configError = undefined;
    this.#scheduler.setJobs(this.#jobs());
    if (JSON.stringify(before.http) !== JSON.stringify(check.summary.settings.http)) {
      this.#log.warn({ http: check.summary.settings.http }, 'settings.http changed: the server keeps its address until the daemon restarts');
    }
    this.#metrics!.recordReload(true);
    await this.#recordConfigState();
    this.#log.info({ reason, clients: check.summary.clients, employees: check.summary.employees.length }, 'configuration reloaded');
    this.emit('config:applied', { hash: snapshot.hash, reason });
    this.#scheduler.request('sync');
    return true;
  }

  async #reject(issues: readonly ConfigIssue[], reason: string): Promise<false> {
    this.#configError = issues;
    this.#metrics!.recordReload(false);
    await this.#recordConfigState();
    this.#log.error({ reason, errors: issues.map(formatIssue) }, `configuration change rejected (${issues.length} errors); still running on the last valid configuration`);
    this.emit('config:rejected', { issues, reason });
    return false;
  }

  async #recordConfigState(): Promise<void> {
    const s = this.summary.settings;
    await setInfo(this.#db!, {
      config_hash: this.#snapshot!.hash, config_errors: JSON.stringify((this.#configError ?? []).map(formatIssue)),
      schedules: JSON.stringify(s.schedules), timezone: s.timezone,
    });
  }

  async readiness(): Promise<{ ready: boolean; [k: string]: unknown }> {
    const db = this.#db!;
    let database = 'ok';
    try {
      await sql`select 1`.execute(db);
    } catch (error) {
      database = (error as Error).message;
    }
    const info = await getInfo(db);
    const sync = await db.selectFrom('daemon_jobs').select(['last_result', 'last_finished_at']).where('name', '=', 'sync').executeTakeFirst();
    const providers = Object.fromEntries(Object.entries(info).filter(([k]) => k.startsWith('provider.')).map(([k, v]) => [k.slice('provider.'.length), v]));
    const firstSyncDone = !!sync?.last_finished_at;
    return {
      ready: database === 'ok' && firstSyncDone, database, firstSync: firstSyncDone ? 'done' : 'running',
      config: this.#configError ? 'last change rejected; running on the last valid configuration' : 'ok', providers,
    };
  }

  status(): Promise<DaemonStatus> {
    return daemonStatus(this.#db!, this.#clock.now());
  }

  /** The feed address of each employee on the iCalendar feed. */
  async feeds(baseUrl: string): Promise<{ employee: string; url: string }[]> {
    const secret = await feedSecret(this.#db!);
    return this.summary.employees.filter((e) => e.calendar === 'ics').map((e) => ({ employee: e.id, url: `${baseUrl}/feeds/${feedToken(secret, e.id)}.ics` }));
  }

  /**
   * Stops taking new work, lets the job in flight finish its calls (what it did not start stays
   * in the outbox), closes the server and the database, and releases the lock. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      await this.#started?.catch(() => undefined);
      this.#log.info('stopping: finishing the calendar calls in flight');
      this.#watcher?.stop();
      await this.#scheduler?.stop();
      await this.#reloading.catch(() => undefined);
      if (this.#db) await setInfo(this.#db, { stopped_at: this.#clock.now().toUTC().toISO()! }).catch(() => undefined);
      await this.#close();
      this.#log.info('touchbase daemon stopped');
    })();
    return this.#stopped;
  }

  async #close(): Promise<void> {
    this.#watcher?.stop();
    this.#runner?.close?.();
    const server = this.#server as import('node:http').Server | undefined;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections(); // feed readers keep connections alive; they reconnect later
      await closed;
    }
    this.#server = undefined;
    await this.#dashboard?.close();
    for (const s of this.#schedules) s.dispose();
    await this.#db?.destroy();
    this.#db = undefined;
    this.#lock?.release();
  }
}

