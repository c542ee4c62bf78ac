import { counted } from '../domain/english-count.ts';
import type { DateTime } from 'luxon';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { hostname } from 'node:os';
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { ServerType } from '@hono/node-server';
import { systemClock, type Clock } from '../clock.ts';
import { ConfigInvalidError, formatWarning, shownIssueLines, type ConfigIssue, type ConfigWarning } from '../config/config-issue.ts';
import { readSnapshot, type ConfigSnapshot } from '../config/snapshot.ts';
import { feedSecret, feedToken } from '../calendar/ics/feed-token.ts';
import { foldWriteAheadLog, openMigrated, openReadOnly, type DB } from '../storage/database.ts';
import { localValue, requireStrongSecret } from '../storage/local-secrets.ts';
import { feedFolderMode, feedsAccess, notADatabaseFile, prepareFeedFolder } from '../storage/private-files.ts';
import { DatabaseProblemError } from '../storage/database-errors.ts';
import { configFolderIssue } from '../config/config-folder-issue.ts';
import { CronSchedule } from './cron-schedule.ts';
import { acquireDaemonLock, isDaemonRunning, type HeldDaemonLock } from '../storage/daemon-lock.ts';
import { isPostgresLocation, redactLocation } from '../storage/location.ts';
import { ConfigWatcher } from './config-watcher.ts';
import type { IsWorkday } from '../http/action-links.ts';
import type { RecordedLink } from '../http/daemon-app.ts';
import { readAcceptedConfig, saveAcceptedConfig } from '../storage/accepted-config.ts';
import { ProcessRunner, type CheckResult, type ConfigSummary, type JobRunner, type ProcessNotice, type ServedAddress } from './job-runner.ts';
import { JobProcessEndedError } from './job-process-handle.ts';
import { DaemonMetrics } from './metrics.ts';
import { Scheduler, type Job, type JobRun, type SchedulerDeps, type SchedulerEvents } from './scheduler.ts';
import { allJobStates, getInfo, jobState, recordCutShort, recordInterrupted, setInfo } from '../storage/job-repository.ts';
import { databaseFileChange, databaseFileIdentity, setAsideLogsOfReplacedFile, setAsideStaleSideFiles, sideFilesIdentity } from '../storage/database-file.ts';
import { hasDueWrites } from '../storage/calendar-sync-repository.ts';
import { leftoverSummary } from '../storage/calendar-addresses.ts';
import { claimableWork, releaseAllClaims } from '../storage/calendar-claims.ts';
import { deregisterInstance, heartbeat, listInstances, pruneInstances, registerInstance, sharedWorkOf } from '../storage/daemon-instances.ts';
import { DaemonAlreadyRunningError } from '../cli/known-errors.ts';
import { recordRemovals, removalsOf } from '../removal-check.ts';
import { removalIssue } from '../domain/removal-guard.ts';
import { removalRecords } from '../storage/removal-acceptance.ts';
import { DEFAULT_SHARED_WORK, type SharedWorkSettings } from './shared-work.ts';
import type { SharedRun } from './dispatch-pass.ts';
import { sharedWorkView } from './shared-work-view.ts';
import { historyMark, historyPoint, othersWroteSince } from '../storage/touch-history.ts';
import { givenPublicUrl, recordServedUrl } from '../sync/event-links.ts';
import { publicUrl, reachableUrl } from '../http/public-url.ts';
import { startLeftovers } from './start-leftovers.ts';
import { withServedAddress } from './served-address.ts';
import { daemonStatus, type DaemonStatus } from './status.ts';
import { silentLogger, type Logger } from './logger.ts';
import { readinessOf, type Readiness, type RunningJob } from './readiness.ts';
import { EventGate } from './event-gate.ts';
import { DEFAULT_LIMITS, SUPERSEDED_RUN, SupersededError, TimeLimitError, withinLimit, type JobLimits } from './time-limits.ts';
import { serveDaemonHttp } from './daemon-http.ts';
import { feedFolderFailure, makeFeedFolder } from '../sync/feed-files.ts';
import { currentUser } from '../current-user.ts';
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
  readonly http?: { host?: string | undefined; port?: number | undefined } | false;
  /** Watch the configuration folder for changes (default true). */
  readonly watch?: boolean | { debounceMs?: number; pollMs?: number };
  readonly apiToken?: string | undefined;
  /** Time limits of jobs and checks, and the grace period of a stop (defaults: DEFAULT_LIMITS). */
  readonly limits?: Partial<JobLimits>;
  /** The dashboard's sign-in settings and public address (default: one-time links only); false: no dashboard. */
  readonly dashboard?: { readonly auth: DashboardAuth; readonly publicUrl?: string | undefined } | false;
  /**
   * Several daemons sharing the database (README, "Running several daemons"): the backend
   * decides unless `enabled` says; leases and intervals (defaults: DEFAULT_SHARED_WORK).
   */
  readonly shared?: Partial<SharedWorkSettings>;
}

export interface DaemonEvents {
  'job:started': SchedulerEvents['job:started'];
  'job:finished': SchedulerEvents['job:finished'];
  'job:failed': SchedulerEvents['job:failed'];
  'config:applied': [{ hash: string; reason: string }];
  'config:rejected': [{ issues: readonly ConfigIssue[]; reason: string }];
  /** A change could not be applied for another reason than its content (the database could not be written). */
  'config:failed': [{ error: string; reason: string }];
  'link:recorded': [RecordedLink];
  /** The daemon cannot go on (its lock taken by another daemon): it must stop, with an error. */
  fatal: [string];
  /** A dispatch pass of a daemon sharing the database finished (its one-line summary). */
  'dispatch:finished': [{ summary: string; written: number }];
}

/** The daemon was stopped before it had started. */
export class DaemonStoppedError extends Error {}

/**
 * touchbase as a service: holds the lock on the database, keeps the last valid configuration,
 * runs the jobs on their schedules (re-plan and sync, read calendars, daily checks), serves
 * HTTP, and reloads the configuration when its files change. Start and stop are idempotent;
 * every process it starts ends with it.
 */
export class Daemon extends EventEmitter<DaemonEvents> {
  readonly #o: DaemonOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #limits: JobLimits;
  /** Aborted by stop(): checks and events in flight end, no new work starts. */
  readonly #stopping = new AbortController();
  /** Business events received over HTTP, worked on a few at a time. */
  readonly #events = new EventGate();
  #lock: HeldDaemonLock | undefined;
  #db: DB | undefined;
  #runner: JobRunner | undefined;
  #scheduler: Scheduler | undefined;
  #metrics: DaemonMetrics | undefined;
  #server: ServerType | undefined;
  #dashboard: Dashboard | undefined;
  #watcher: ConfigWatcher | undefined;
  /** The SQLite file opened (device and inode): one deleted or replaced under the daemon stops its work. */
  #dbIdentity: string | undefined;
  #dbChangeLogged = false;
  /** Its write-ahead log and index as opened with it (database-file.ts setAsideStaleSideFiles). */
  #sideFiles: string | undefined;
  #walFold: NodeJS.Timeout | undefined;
  #snapshot: ConfigSnapshot | undefined;
  #summary: ConfigSummary | undefined;
  #schedules: CronSchedule[] = [];
  #lastFingerprint: string | undefined;
  #configError: readonly ConfigIssue[] | undefined;
  #url = '';
  #served: ServedAddress | undefined;
  #started: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;
  #reloading: Promise<boolean | 'superseded'> = Promise.resolve(true);
  /** The check of the latest save: a newer save aborts it (its files changed again). */
  #reloadCheck: AbortController | undefined;
  /** When the oldest save not yet settled (applied or rejected) was made (performance.now()). */
  #unsettledSince: number | undefined;
  /** The job in flight: what it works on, and how to stop it when a newer configuration arrives. */
  #work: { hash: string; abort: AbortController } | undefined;
  #running: RunningJob | undefined;
  /** Jobs and dispatch passes run one at a time (one job process doing work at a time). */
  #workChain: Promise<unknown> = Promise.resolve();
  /** Set when several daemons share the database: this one's id in the registry and its settings. */
  #shared: (SharedWorkSettings & { readonly id: string }) | undefined;
  #heartbeats: NodeJS.Timeout | undefined;
  /** While a configuration is held for dropping many clients: looks for `accept-removals` having let them go. */
  #acceptanceWatch: NodeJS.Timeout | undefined;
  #dispatchLoop: Promise<void> | undefined;
  /**
   * The due work a dispatch pass left behind, and when: until it changes, another pass would
   * usually do nothing new — but only for a claim's time, so work a pass could not move for a
   * passing reason (a claim lost mid-calendar, a calendar another instance held for a moment)
   * is never left waiting for the next sync.
   */
  #afterDispatch: { due: string; atMs: number } | undefined;

  constructor(options: DaemonOptions) {
    super();
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger();
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
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

  get limits(): JobLimits {
    return this.#limits;
  }

  #calendar: { summary: ConfigSummary; isWorkday: IsWorkday } | undefined;
  /**
   * Each employee's working days (their weekends and their country's holidays), for a snooze:
   * the holiday calendars (~30 MB) are loaded at the first snooze, not at start.
   */
  async #workdays(): Promise<IsWorkday> {
    const summary = this.summary;
    if (this.#calendar?.summary === summary) return this.#calendar.isWorkday;
    const { WorkCalendar } = await import('../planner/work-calendar.ts');
    const calendar = new WorkCalendar(summary.settings.workdays, summary.settings.calendarChanges);
    const countries = new Map(summary.employees.map((e) => [e.id, e.country]));
    const isWorkday: IsWorkday = (employee, date) => calendar.isWorkday(date, countries.get(employee) ?? summary.settings.country);
    this.#calendar = { summary, isWorkday };
    return isWorkday;
  }

  /** This daemon's id in the instance registry (undefined unless it shares the database with others). */
  get instanceId(): string | undefined {
    return this.#shared?.id;
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
    requireStrongSecret('TOUCHBASE_API_TOKEN', this.#o.apiToken);
    // The configuration first: an invalid one at start writes nothing anywhere, not even a lock file.
    this.#runner = this.#o.runner?.(() => this.#db!) ?? new ProcessRunner({
      dbFile: this.#o.dbFile, feedDir: this.#o.feedDir, graceMs: this.#limits.stopGraceMs, warmMs: this.#limits.warmMs, onProcess: (n) => this.#onProcess(n),
    });
    let snapshot: ConfigSnapshot;
    try {
      snapshot = readSnapshot(this.#o.configDir);
    } catch (error) {
      throw new ConfigInvalidError([configFolderIssue(this.#o.configDir, error)]);
    }
    let check: CheckResult;
    try {
      check = await this.#check(snapshot, this.#stopping.signal);
    } catch (error) {
      await this.#runner.close?.();
      if (this.#stopping.signal.aborted) throw new DaemonStoppedError('stopped before it had started');
      if (error instanceof TimeLimitError) throw new Error(`the check of the configuration in ${this.#o.configDir} ${error.message}; run "touchbase validate" to see where it hangs`);
      throw error;
    }
    // Broken files at start (a reboot after a bad edit): the configuration this database last ran
    // on, if one was kept, so that feeds and links stay up; the error is told as for an edit.
    let startIssues: readonly ConfigIssue[] | undefined;
    if (!check.ok) {
      const kept = await this.#lastApplied(snapshot.hash);
      if (!kept) {
        await this.#runner.close?.();
        throw new ConfigInvalidError(check.issues, check.explaining);
      }
      startIssues = check.issues;
      snapshot = kept.snapshot;
      check = kept.check;
    }
    const valid = check as CheckResult & { ok: true };
    if (this.#stopping.signal.aborted) {
      await this.#runner.close?.();
      throw new DaemonStoppedError('stopped before it had started');
    }
    // A folder or another file given for the database: said before its lock file is made beside it.
    const wrongFile = isPostgresLocation(this.#o.dbFile) || this.#o.dbFile === ':memory:' ? undefined : notADatabaseFile(this.#o.dbFile);
    if (wrongFile) {
      await this.#runner.close?.();
      throw new DatabaseProblemError('cannot-open', this.#o.dbFile, wrongFile);
    }
    const leftovers = startLeftovers(this.#o.dbFile, this.#o.feedDir);
    try {
      const shared = { ...DEFAULT_SHARED_WORK, ...this.#o.shared };
      // A daemon alone on its database holds the lock (SQLite's side file, PostgreSQL's advisory
      // lock); daemons that share the work (PostgreSQL's default) hold none — the claims and the
      // registry coordinate them — and do not start beside one that works alone. Forced on for
      // SQLite, that is the tests' several daemons on one file.
      const sharing = shared.enabled ?? isPostgresLocation(this.#o.dbFile);
      if (!sharing) {
        this.#lock = await acquireDaemonLock(this.#o.dbFile, { pid: process.pid, startedAt }, {
          lost: (error) => this.#log.error({ err: error.message }, 'the daemon lock was lost (its database session ended): taken again as soon as the database answers'),
          regained: () => this.#log.warn('the daemon lock was taken again: this is again the one daemon of this database'),
          // Two daemons each working alone would plan and write side by side: this one stops (exit 1).
          taken: (message) => {
            this.#log.error({ err: message }, 'the daemon lock was taken by another daemon while this one had lost it: stopping');
            this.emit('fatal', message);
          },
        });
      } else await this.#refuseBesideLoneDaemon();
      this.#setAsideLogOfKilledDaemon();
      // Daemons that share the work hold no lock: one of another version beside them is the operator's to stop (README, Scaling out).
      const db = (this.#db = await openMigrated(this.#o.dbFile, { ownDaemon: true }));
      this.#dbIdentity = databaseFileIdentity(this.#o.dbFile);
      this.#sideFiles = this.#dbIdentity === undefined ? undefined : sideFilesIdentity(this.#o.dbFile);
      if (this.#dbIdentity !== undefined) this.#lock?.recordFiles?.({ db: this.#dbIdentity, side: this.#sideFiles });
      // What links, the API and the jobs wrote, folded into the file itself now and then (a copy of it is whole).
      this.#walFold = setInterval(() => void foldWriteAheadLog(db).catch(() => undefined), WAL_FOLD_MS);
      this.#walFold.unref();
      if (sharedWorkOf(db, sharing)) this.#shared = { ...shared, id: randomUUID() };
      else await this.#refuseBesideSharing(db);
      // Made first so that a refusal is said as the feed folder's, with what to do.
      makeFeedFolder(this.#o.feedDir, feedFolderMode(feedsAccess()));
      const tightened = prepareFeedFolder(this.#o.feedDir, feedsAccess());
      if (tightened.length) this.#log.warn({ files: tightened.length, folder: this.#o.feedDir }, 'feed files were readable by other users: made readable by the owner only');
      // Many clients gone at once (an export cut short?): not started on it, nothing cancelled.
      const held = await this.#heldRemovals(db, valid.summary);
      if (held) throw new ConfigInvalidError([held]);
      this.#apply(snapshot, valid.summary);
      if (startIssues) {
        this.#configError = startIssues;
        this.#log.error({ errors: shownIssueLines(startIssues) }, `the configuration has ${counted(startIssues.length, 'error')}: started on the last valid configuration this database ran on (fix the files: they are applied as soon as they are valid)`);
      } else await this.#keepApplied(snapshot);
      const settings = valid.summary.settings;
      this.#metrics = new DaemonMetrics(db, () => this.#clock.now().setZone(this.summary.settings.timezone).toISODate()!, () => this.summary.overdueAfterDays,
        this.#shared ? async () => (await sharedWorkView(db, this.#clock.now(), this.#shared?.id)).instances : undefined, () => this.databaseFileProblem() !== undefined);
      if (startIssues) this.#metrics.markConfigInvalid();
      // Alone on the database, a run still marked running is one the last daemon never finished
      // (killed: kill -9, a power cut, the OOM killer): it runs again first, as after a stop.
      if (!this.#shared) {
        const cut = await recordCutShort(db, this.#clock.now().toUTC().toISO()!);
        if (cut.length) this.#log.warn({ jobs: cut }, 'runs the last daemon never finished (it was killed): they run again now');
      }
      this.#scheduler = new Scheduler({ db, clock: this.#clock, jobs: this.#jobs(), sleep: this.#o.sleep, random: this.#o.random });
      this.#observe(this.#scheduler);
      if (this.#o.http !== false) {
        await this.#listen(this.#o.http?.host ?? settings.http.host, this.#o.http?.port ?? settings.http.port);
        // Links in events point here (unless a public address is configured), whoever writes
        // them: a `touchbase sync` from a shell writes the same event text as the daemon.
        // Daemons sharing a database each serve at their own address: the first one's is kept,
        // or every sync by another instance would rewrite every event's links (set
        // TOUCHBASE_PUBLIC_URL to the address in front of them all: README, "Running several daemons").
        // A public address given to the daemon (TOUCHBASE_PUBLIC_URL in its service's environment
        // file) is recorded as such: a `touchbase sync` from a shell without that variable wrote
        // the daemon's bind address into every event (http://127.0.0.1:8787/a/…).
        const given = givenPublicUrl(settings);
        if (given) await recordServedUrl(db, given);
        else if (!this.#shared || (await localValue(db, LINKS_BASE_KEY)) === undefined) {
          await recordServedUrl(db, publicUrl(withServedAddress({ settings } as Parameters<typeof withServedAddress>[0], this.#served).settings, {}));
        }
      }
      await setInfo(db, {
        pid: String(process.pid), started_at: startedAt, url: this.#url, config_dir: this.#o.configDir, stopped_at: '',
        limits: JSON.stringify({ job: this.#limits.jobMs, check: this.#limits.checkMs }),
      });
      await this.#recordConfigState();
      if (this.#shared) {
        await this.#register(startedAt);
        // Checked again once registered: a lone daemon starting at this very moment either saw
        // this one in the registry (and refused) or holds its lock by now (and this one refuses).
        await this.#refuseBesideLoneDaemon().catch(async (error: unknown) => {
          await deregisterInstance(db, this.#shared!.id).catch(() => undefined);
          throw error;
        });
      }
      if (this.#o.watch !== false) {
        const w = typeof this.#o.watch === 'object' ? this.#o.watch : {};
        this.#watcher = new ConfigWatcher(this.#o.configDir, () => this.requestReload('a configuration file changed'), { ...w, onFirstEvent: () => this.#runner?.prepare?.() });
        this.#watcher.start();
      }
      this.#log.info({
        config: this.#o.configDir, db: redactLocation(this.#o.dbFile), clients: valid.summary.clients, employees: valid.summary.employees.length, http: this.#url || 'off',
        ...(this.#shared ? { instance: this.#shared.id } : {}),
      }, this.#shared ? 'touchbase daemon started, sharing the work with the other daemons on this database' : 'touchbase daemon started');
      this.#logWarnings(valid);
      // A restart is when what the daemon was stopped for takes effect: files edited while it was
      // down, a new TOUCHBASE_FEED_SECRET (a leaked feed address is cut off only once the feeds
      // are written under their new names), a new version. Its sync runs at once, not at the next
      // tick; with nothing changed it finds so in a fraction of a second. (A first start runs it anyway.)
      if ((await jobState(db, 'sync')).watermark) this.#scheduler.request('sync');
      this.#scheduler.start();
      if (this.#shared) this.#dispatchLoop = this.#dispatchEvery(this.#shared.dispatchEveryMs);
    } catch (error) {
      // Only a start that held the lock removes what it created: without it (another daemon on
      // this path, or sharing the work) the files may be another daemon's, made a moment ago.
      const alone = this.#lock !== undefined;
      await this.#close(alone ? () => leftovers.removeFiles() : undefined);
      if (alone) leftovers.removeFolders();
      throw error;
    }
  }

  /**
   * The job processes' verdict on a configuration. A process that ended without answering is no
   * verdict on the files (a failure is never taken for "rejected"): asked once more, of a fresh
   * process; a second such end, or a time-out, is the error.
   */
  async #check(snapshot: ConfigSnapshot, outer: AbortSignal): Promise<CheckResult> {
    const once = () => withinLimit({ limitMs: this.#limits.checkMs, graceMs: this.#limits.stopGraceMs, outer }, (signal) => this.#runner!.check(snapshot, { signal }));
    try {
      return await once();
    } catch (error) {
      if (!(error instanceof JobProcessEndedError) || outer.aborted) throw error;
      this.#log.warn({ err: error.message }, 'the configuration check ended without an answer: checked again');
      return once();
    }
  }

  #onProcess(n: ProcessNotice): void {
    if (n.event === 'read ahead') this.#log.debug({ jobPid: n.pid }, 'configuration checked as read ahead by the waiting job process');
    else if (n.event === 'warmed') this.#log.debug({ jobPid: n.pid }, 'job process waiting with the configuration read');
    else if (n.event === 'ended') this.#log.debug({ jobPid: n.pid, code: n.code, signal: n.signal, killed: n.killed }, n.killed ? 'job process killed' : 'job process ended');
    else this.#log.debug({ jobPid: n.pid, purpose: n.purpose }, n.event === 'started' ? `job process started (${n.purpose})` : `spare job process used (${n.purpose})`);
  }

  #apply(snapshot: ConfigSnapshot, summary: ConfigSummary): void {
    this.#snapshot = snapshot;
    this.#summary = summary;
    // Edits come in bursts: the next one (and the jobs meanwhile) find the configuration read.
    this.#runner?.keepWarm?.(snapshot);
    for (const s of this.#schedules) s.dispose();
    const { schedules, timezone } = summary.settings;
    this.#schedules = [schedules.sync, schedules.calendars, schedules.daily, schedules.digest].map((e) => new CronSchedule(e, timezone));
  }

  #jobs(): Job[] {
    const [sync, calendars, daily, digest] = this.#schedules as [CronSchedule, CronSchedule, CronSchedule, CronSchedule];
    return [
      { name: 'sync', schedule: sync, run: (run) => this.#syncJob(run) },
      // The daily checks also run at the very first start: silent and overdue clients show at once.
      { name: 'daily', schedule: daily, run: (run) => this.#runWork('daily', run) },
      // Reading calendars is for Google and Outlook; with only iCalendar feeds (nothing to read)
      // it is the sync's run, and as cheap when nothing changed.
      { name: 'calendars', schedule: calendars, run: (run) => (this.#readsCalendars() ? this.#runWork('calendars', run) : this.#syncJob(run)), firstStart: 'wait' },
      { name: 'digest', schedule: digest, run: (run) => this.#runWork('digest', run), firstStart: 'wait' },
    ];
  }

  #readsCalendars(): boolean {
    return this.summary.employees.some((e) => e.calendar !== 'ics');
  }

  /** The frequent job re-plans and syncs only when something changed since it last did. */
  async #syncJob(run: JobRun): Promise<string> {
    const before = await this.#fingerprint();
    if (run.reason === 'schedule' && before === this.#lastFingerprint) return 'nothing changed';
    // Before the pass: what it covers starts at or after this (its point is taken at its start).
    const seq = await historyPoint(this.#db!);
    const summary = await this.#runWork('sync', run);
    // Taken after the pass, so that its own plan's lines do not make the next tick run again;
    // but a line someone else wrote meanwhile may not be in what the pass covered: then it does.
    const after = await this.#fingerprint();
    this.#lastFingerprint = await othersWroteSince(this.#db!, seq) ? before : after;
    return summary;
  }

  /**
   * What a plan depends on besides the clock: the configuration, the day, the history (every
   * outcome, move and plan is a touch event), and calendar writes waiting for their retry.
   * Events still to delete from calendars no longer used (a removed employee's, when their
   * calendar did not answer) are tried again every few minutes, hourly once they failed often:
   * they are no touch's change, and nothing else would bring the sync back to them.
   */
  async #fingerprint(): Promise<string> {
    const db = this.#db!;
    const now = this.#clock.now();
    const seq = await historyMark(db);
    if (await hasDueWrites(db, now.toUTC().toISO()!)) return `retries due at ${now.toISO()}`;
    const leftovers = await leftoverSummary(db);
    const every = leftovers.attempts > 3 ? 60 : 5;
    const retry = leftovers.count > 0 ? `|${leftovers.count} to delete, try ${Math.floor(now.toMillis() / (every * 60_000))}` : '';
    // The links the last pass wrote too: a pass by another process (`touchbase sync` from a shell
    // with other secrets or another address) changes them, and this daemon's next tick puts its
    // own back (it said "nothing changed" and left them until something else did).
    const links = linksOfBasis(await localValue(db, PASS_BASIS_KEY));
    return `${this.#snapshot!.hash}|${now.setZone(this.summary.settings.timezone).toISODate()}|${seq}${retry}|${links}`;
  }

  /**
   * One job in the runner, within its time limit. It is stopped when the daemon stops, and
   * when a newer configuration is applied while it runs on an older one (it is obsolete; the
   * sync that follows the change runs at once).
   */
  #runWork(kind: WorkKind, run: Pick<JobRun, 'job' | 'signal'>): Promise<string> {
    const work = this.#workChain.then(() => this.#runWorkNow(kind, run));
    this.#workChain = work.catch(() => undefined);
    return work;
  }

  async #runWorkNow(kind: WorkKind, run: Pick<JobRun, 'job' | 'signal'>): Promise<string> {
    // A job process would open the path anew: an empty database where the history was.
    const problem = this.databaseFileProblem();
    if (problem) throw new Error(problem);
    const snapshot = this.#snapshot!;
    const abort = new AbortController();
    this.#work = { hash: snapshot.hash, abort };
    this.#running = { job: run.job, startedMs: performance.now(), limitMs: this.#limits.jobMs };
    let report;
    try {
      report = await withinLimit({ limitMs: this.#limits.jobMs, graceMs: this.#limits.stopGraceMs, outer: AbortSignal.any([run.signal, abort.signal]) },
        (signal) => this.#runner!.work(kind, snapshot, { signal, served: this.#served, shared: this.#sharedRun() }));
    } catch (error) {
      if (abort.signal.aborted && abort.signal.reason instanceof SupersededError) throw abort.signal.reason;
      // Remembered until a run of this job succeeds (whatever fails in between): /readyz says so.
      if (error instanceof TimeLimitError) await setInfo(this.#db!, { [`timeout.${run.job}`]: `${error.message} (at ${this.#clock.now().toUTC().toISO()})` });
      // The feeds could not be written (a full disk, a folder not writable): the iCalendar
      // service is in error until a sync writes them, not "ok" as the last one that did left it (QA).
      const feeds = error instanceof Error ? feedFolderFailure(error.message) : undefined;
      if (feeds) {
        this.#metrics!.recordProviderError('ics', feeds.code);
        await setInfo(this.#db!, { 'provider.ics.state': 'errors' }).catch(() => undefined);
      }
      throw error;
    } finally {
      this.#work = undefined;
      this.#running = undefined;
    }
    // Answered, but cut short: not a success (the scheduler records an interruption by the stop,
    // which runs it again at the next start, or a newer configuration's sync follows at once).
    if (report.stopped) {
      if (abort.signal.aborted && abort.signal.reason instanceof SupersededError) throw abort.signal.reason;
      throw new Error(`stopped before it finished (${report.summary})`);
    }
    const now = this.#clock.now();
    this.#metrics!.recordWork(report, now);
    const info: Record<string, string> = {};
    for (const p of report.providers) {
      if (p.ok) info[`provider.${p.provider}.last_ok`] = now.toUTC().toISO()!;
      info[`provider.${p.provider}.state`] = p.ok ? 'ok' : 'errors';
    }
    info[`provider_errors`] = JSON.stringify(report.errors);
    info[`timeout.${run.job}`] = '';
    await setInfo(this.#db!, info);
    for (const [employee, why] of report.paused) this.#log.warn({ employee, reason: why }, 'calendar paused for this employee');
    for (const [employee, why] of report.unread ?? []) this.#log.warn({ employee, reason: why }, 'calendar not read for this employee: the moves and deletions made there wait for a read that works');
    // What made a provider "errors" in status (a 503, a timeout, a 429): said here, as status points here for it (QA: only counts were).
    if (report.errors.length > 0) {
      const said = report.errors.map(([kind, n]) => `${kind} ×${n}`).join(', ');
      this.#log.warn({ errors: Object.fromEntries(report.errors) }, `calendar calls failed: ${said} (each retried later; touchbase status lists the writes waiting)`);
    }
    if (report.missed) {
      const more = report.missed.count > report.missed.first.length ? ` (the first ${report.missed.first.length}; touchbase plan lists them all)` : '';
      this.#log.warn({ missed: report.missed.first, count: report.missed.count }, `the plan missed ${report.missed.count} touch${report.missed.count === 1 ? '' : 'es'} due before ${report.missed.count === 1 ? 'it was' : 'they were'} first planned${more}`);
    }
    if (kind === 'dispatch') this.emit('dispatch:finished', { summary: report.summary, written: report.written });
    return report.summary;
  }

  /** Daemons that share the work must not start beside one that works alone (it writes without claims). */
  async #refuseBesideLoneDaemon(): Promise<void> {
    if (!(await isDaemonRunning(this.#o.dbFile))) return;
    throw new DaemonAlreadyRunningError(`a touchbase daemon working alone (TOUCHBASE_SHARED_WORK=off) is running on ${redactLocation(this.#o.dbFile)}: `
      + 'stop it, or start every daemon of this database the same way');
  }

  /** A daemon that works alone must not start beside daemons that share the work (it would write without claims). */
  async #refuseBesideSharing(db: DB): Promise<void> {
    const live = (await listInstances(db, this.#clock.now())).filter((i) => i.live);
    if (live.length === 0) return;
    throw new DaemonAlreadyRunningError(`${live.length} touchbase daemon${live.length > 1 ? 's' : ''} sharing the work already run${live.length > 1 ? '' : 's'} on ${redactLocation(this.#o.dbFile)} `
      + `(${live.map((i) => `pid ${i.pid} on ${i.host}`).join(', ')}); stop ${live.length > 1 ? 'them' : 'it'} first, or start this one sharing the work too (see README, Running several daemons)`);
  }

  #sharedRun(): SharedRun | undefined {
    return this.#shared && { holder: this.#shared.id, claimTtlMs: this.#shared.claimTtlMs };
  }

  /** Into the registry of daemons on this database, with a heartbeat every few seconds. */
  async #register(startedAt: string): Promise<void> {
    const s = this.#shared!;
    const me = { id: s.id, host: hostname(), pid: process.pid, version: VERSION, url: this.#url, started_at: startedAt, lease_ms: s.instanceLeaseMs };
    await registerInstance(this.#db!, me, this.#clock.now().toUTC().toISO()!);
    this.#heartbeats = setInterval(() => void (async () => {
      const db = this.#db;
      if (!db || this.#stopping.signal.aborted) return;
      const now = this.#clock.now();
      try {
        // Pruned as long dead (this machine slept past the others' patience): back in the registry.
        if (!(await heartbeat(db, s.id, now.toUTC().toISO()!))) {
          await registerInstance(db, me, now.toUTC().toISO()!);
          this.#log.warn({ instance: s.id }, 'this daemon had been taken for dead (its heartbeat stopped for a while): registered again');
        }
        await pruneInstances(db, now.minus({ milliseconds: s.forgetAfterMs }).toUTC().toISO()!);
        await this.#resumeRunsOfDead(db, now);
      } catch (error) {
        this.#log.warn({ error: (error as Error).message }, 'heartbeat failed: tried again shortly');
      }
    })(), s.heartbeatMs);
    this.#heartbeats.unref();
  }

  /**
   * Runs marked running whose daemon is dead (its heartbeat past its lease): recorded as
   * interrupted and due now, so that a live daemon runs them at its next pass.
   */
  async #resumeRunsOfDead(db: DB, now: DateTime): Promise<void> {
    const running = (await allJobStates(db)).filter((j) => j.last_result === 'running' && j.last_started_at);
    if (running.length === 0) return;
    const info = await getInfo(db);
    const instances = await listInstances(db, now);
    const live = new Set(instances.filter((i) => i.live).map((i) => i.id));
    for (const job of running) {
      const owner = info[`${RUN_OWNER}${job.name}`];
      if (!owner || live.has(owner)) continue;
      const dead = instances.find((i) => i.id === owner);
      if (!dead) continue;
      // The owner is written just after a run is claimed, so a run claimed since by a live
      // daemon may name the one before it — for a moment, not for a lease. A run started after
      // the dead one's last heartbeat is its own once it has named it that long: it was killed
      // before its next heartbeat (QA: killed 7 s after its start, in its first daily check, whose
      // run then showed as running, and was never run again while the other daemons lived).
      const started = Date.parse(job.last_started_at!);
      const lastBeat = Date.parse(dead.heartbeatAt);
      const lease = this.#shared!.instanceLeaseMs;
      if (started > lastBeat && now.toMillis() - started <= lease) continue;
      // Nor one started once the dead one's lease was over: it cannot be its, but a live daemon's
      // whose owner could not be written (a database blip) — run twice at once, else.
      if (started > lastBeat + lease) continue;
      const who = `pid ${dead.pid} on ${dead.host}`;
      if (await recordInterrupted(db, job.name, job.last_started_at!, now.toUTC().toISO()!, who)) {
        this.#log.warn({ job: job.name, instance: owner }, `the run of ${job.name} by a daemon that stopped answering (${who}) was cut short: it runs again now`);
        this.#scheduler?.request(job.name);
      }
    }
  }

  /**
   * Every daemon sharing the database looks for calendar writes nobody is working on (left by
   * an instance that stopped or died, or whose retry came due) and works them
   * (dispatch-pass.ts), in a job process like any job; not while this daemon runs a job of its
   * own (its sync dispatches anyway), and not again while the due work is what its last pass
   * left (rows only the next sync can move), for up to a claim's time.
   */
  async #dispatchEvery(everyMs: number): Promise<void> {
    const stopping = this.#stopping.signal;
    while (!stopping.aborted) {
      try {
        await sleepFor(everyMs, undefined, { signal: stopping });
      } catch {
        return;
      }
      try {
        await this.#dispatchIfDue();
      } catch (error) {
        if (!stopping.aborted) this.#log.warn({ error: (error as Error).message }, 'dispatch pass failed: tried again at the next one');
      }
    }
  }

  async #dispatchIfDue(): Promise<void> {
    if (this.#work || !this.#db || !this.#shared) return;
    const due = await this.#dueWork();
    const last = this.#afterDispatch;
    if (due === '' || (due === last?.due && performance.now() - last.atMs < this.#shared.claimTtlMs)) return;
    const summary = await this.#runWork('dispatch', { job: 'dispatch', signal: this.#stopping.signal });
    this.#afterDispatch = { due: await this.#dueWork(), atMs: performance.now() };
    this.#log[/ 0 written, 0 settled/.test(summary) ? 'debug' : 'info']({ job: 'dispatch' }, summary);
  }

  /** The calendars with calls due that this daemon may claim, as a fingerprint ('' when none). */
  async #dueWork(): Promise<string> {
    const calendars = new Map(this.summary.employees.map((e) => [e.id, e.calendar]));
    const due = (await claimableWork(this.#db!, this.#shared!.id, this.#clock.now().toUTC().toISO()!, 1000))
      .filter((c) => calendars.get(c.employeeId) === c.provider);
    return due.map((c) => `${c.employeeId}:${c.provider}:${c.rows}:${c.latest}`).join('|');
  }

  #observe(scheduler: Scheduler): void {
    scheduler.on('job:started', (r) => {
      // Whose run it is, for the other daemons sharing the database: should this one die, they
      // find the run's owner gone and run it again (#resumeRunsOfDead).
      if (this.#shared) void setInfo(this.#db!, { [`${RUN_OWNER}${r.job}`]: this.#shared.id }).catch(() => undefined);
      this.emit('job:started', r);
    });
    scheduler.on('job:finished', (r) => {
      this.#metrics!.recordJob(r.job, 'ok', r.durationMs / 1000);
      const level = r.summary === 'nothing changed' ? 'debug' : 'info';
      this.#log[level]({ job: r.job, reason: r.reason, due: r.due.toUTC().toISO(), ms: r.durationMs }, r.summary);
      if (this.#db) void foldWriteAheadLog(this.#db).catch(() => undefined);
      this.emit('job:finished', r);
    });
    scheduler.on('job:failed', (r) => {
      this.#metrics!.recordJob(r.job, r.superseded ? 'superseded' : 'failed', r.durationMs / 1000);
      // Cut short by a stop, or for a newer configuration's run (a routine save during a sync),
      // is no failure to alert on: it runs again at the next start, or at once.
      const routine = r.interrupted || r.superseded;
      this.#log[routine ? 'info' : 'error']({ job: r.job, reason: r.reason, due: r.due.toUTC().toISO(), failures: r.failures, retryAt: r.retryAt.toISO(), ms: r.durationMs },
        routine ? `job ${r.job} ${r.error.message}` : `job ${r.job} failed: ${r.error.message}`);
      this.emit('job:failed', r);
    });
    scheduler.on('clock:backwards', (e) => this.#log.warn(e, 'the clock is behind the last run: waiting for it, nothing runs twice'));
    scheduler.on('timer:late', (e) => this.#log.warn(e, 'woke up late (the machine slept or the clock jumped): catching up'));
    scheduler.on('loop:error', (e) => this.#log.error({ error: e.error.message, retryInMs: e.retryInMs }, 'the schedule could not be read or claimed in the database: tried again shortly'));
  }

  async #listen(host: string, port: number): Promise<void> {
    const db = this.#db!;
    if (this.#o.dashboard !== false) {
      const o = this.#o.dashboard;
      this.#dashboard = new Dashboard({
        db, dbFile: this.#o.dbFile, clock: this.#clock, log: this.#log, auth: o?.auth ?? { oidc: undefined, sessionSecret: undefined },
        baseUrl: () => (o?.publicUrl || this.summary.settings.http.publicUrl || reachableUrl(this.#url)).replace(/\/$/, ''),
        configIssues: () => this.#configError ?? [],
        people: () => ({
          company: this.summary.settings.company, language: this.summary.settings.language,
          directors: this.summary.directors, employees: this.summary.employees,
        }),
      });
    }
    const { server, url, address } = await serveDaemonHttp({
      host, port, db, feedDir: this.#o.feedDir, clock: this.#clock, apiToken: this.#o.apiToken,
      zoneOf: (id) => this.summary.employees.find((e) => e.id === id)?.timezone ?? this.summary.settings.timezone,
      workdays: () => this.#workdays(),
      language: () => this.summary.settings.language,
      readiness: () => this.readiness(),
      // As /readyz says it: these pages answer anyone, so without the folder (the log names it whole).
      unavailable: () => this.databaseFileProblem()?.replaceAll(this.#o.dbFile, basename(this.#o.dbFile)),
      status: () => this.status(),
      metrics: this.#metrics!,
      routes: (app) => this.#dashboard?.mount(app),
      onOutcome: (outcome) => {
        this.#log.info({ touch: outcome.touch.id, action: outcome.action }, 'outcome recorded from a calendar link');
        this.emit('link:recorded', outcome);
        this.#scheduler?.request('sync');
      },
      requestSync: () => this.#scheduler?.request('sync'),
      onServerError: (error, request) => {
        const code = (error as { code?: unknown }).code;
        // A client that hung up mid-request is its own doing, not the daemon's error: anyone could fill the error log so (QA).
        if (error.message === 'aborted' || code === 'ECONNRESET') this.#log.info({ request, err: error.message }, 'a client hung up before its request was read');
        else this.#log.error({ request, err: error.message, code }, 'an HTTP request failed');
      },
      reload: () => this.reload('requested over the API'),
      configErrors: () => shownIssueLines(this.#configError ?? []),
      receiveEvent: async (event) => {
        // A few at a time, the time limit counted from when its turn comes (event-gate.ts).
        const result = await this.#events.run(() => withinLimit({ limitMs: this.#limits.checkMs, graceMs: this.#limits.stopGraceMs, outer: this.#stopping.signal },
          (signal) => this.#runner!.event(this.#snapshot!, event, { signal, served: this.#served })));
        if (result.ok) {
          this.#log.info({ event: event.name, client: event.client, created: result.outcome.created }, 'business event received');
          if (result.outcome.created) this.#scheduler?.request('sync');
        }
        return result;
      },
    });
    this.#server = server;
    this.#url = url;
    this.#served = address;
  }

  /**
   * A reload nobody waits for (a file changed, SIGHUP): if it fails for something other than
   * the configuration — the database cannot be written, a full disk — that is logged, and the
   * daemon runs on as it was (an unhandled failure here ended the process).
   */
  requestReload(reason: string): void {
    this.reload(reason).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      this.#log.error({ reason, error: message }, 'configuration change not applied; still running on the last applied configuration (tried again at the next change, or SIGHUP)');
      this.emit('config:failed', { error: message, reason });
    });
  }

  /**
   * Reads the configuration folder again. A valid change is applied and re-planned at once;
   * an invalid one is reported with its places and the daemon goes on with the last valid one.
   * A newer reload makes the check of an older one obsolete: it is stopped, and both callers
   * get the newer one's answer.
   */
  reload(reason: string): Promise<boolean> {
    const now = performance.now();
    const waited = now - (this.#unsettledSince ?? now);
    if (waited < this.#limits.supersedeMs) this.#reloadCheck?.abort(new SupersededError('the files changed again'));
    else this.#log.info({ reason, waitedMs: Math.round(waited) }, 'the configuration keeps changing: the files being checked are applied if valid, then the newer ones are checked');
    this.#unsettledSince ??= now;
    const check = (this.#reloadCheck = new AbortController());
    const mine = this.#reloading.then(() => this.#reload(reason, check.signal), () => this.#reload(reason, check.signal));
    this.#reloading = mine;
    // Settled: nothing waits any more, unless a newer save came meanwhile (it waits from now).
    const settled = (r: unknown) => {
      if (r !== 'superseded') this.#unsettledSince = check === this.#reloadCheck ? undefined : performance.now();
    };
    mine.then(settled, settled);
    return mine.then((r) => (r === 'superseded' ? this.#reloadsSettled() : r));
  }

  async #reloadsSettled(): Promise<boolean> {
    for (;;) {
      const last = this.#reloading;
      const r = await last.catch(() => false as const);
      if (last === this.#reloading) return r === true;
    }
  }

  async #reload(reason: string, superseded: AbortSignal): Promise<boolean | 'superseded'> {
    if (!this.#scheduler || this.#stopped) return false;
    if (superseded.aborted) return 'superseded';
    let snapshot: ConfigSnapshot;
    try {
      snapshot = readSnapshot(this.#o.configDir);
    } catch (error) {
      // The file or folder that could not be read, when the error names it (a chmod 000 of crm/contacts.csv), else the folder.
      const { path, code } = error as NodeJS.ErrnoException;
      const unreadable = typeof path === 'string' && path !== this.#o.configDir ? path : undefined;
      // The folder itself: said as what happened to it, not as Node's words, nor at a line of a folder (QA).
      const folder = code === 'ENOENT' ? 'nothing at that path (ENOENT): the folder was renamed, moved or deleted'
        : code === 'EACCES' || code === 'EPERM' ? `a folder user ${currentUser()} may not read (${code})`
        : code === 'ENOTDIR' ? 'a file, not a folder (ENOTDIR)' : (error as Error).message;
      return this.#reject([{
        file: unreadable ?? this.#o.configDir, line: unreadable ? 1 : 0, column: unreadable ? 1 : 0, field: '',
        expected: unreadable ? 'a file of the configuration folder that can be read' : 'a readable configuration folder', found: unreadable ? (error as Error).message : folder,
      }], reason);
    }
    if (snapshot.hash === this.#snapshot?.hash) {
      // Back to the files of the running configuration (an error undone): nothing to apply,
      // but the rejection is over — for `status`, /readyz and the metric alike.
      if (this.#configError) {
        this.#configError = undefined;
        this.#metrics!.markConfigValid();
        await this.#recordConfigState();
        this.#log.info({ reason }, 'configuration back to the running one: the rejected change is gone');
      } else {
        // Asked for by a person (systemctl reload, the API): answered in the log, even with nothing to do.
        const asked = reason === 'SIGHUP' || reason === 'requested over the API';
        this.#log[asked ? 'info' : 'debug']({ reason }, 'configuration unchanged: nothing to apply');
      }
      return true;
    }
    let check: CheckResult;
    try {
      check = await this.#check(snapshot, AbortSignal.any([superseded, this.#stopping.signal]));
    } catch (error) {
      if (superseded.aborted || this.#stopping.signal.aborted) return 'superseded';
      const found = error instanceof TimeLimitError ? `the check ${error.message}` : `the check failed: ${(error as Error).message}`;
      return this.#reject([{ file: this.#o.configDir, line: 1, column: 1, field: '', expected: 'a configuration that can be checked (run "touchbase validate")', found }], reason);
    }
    // Answered after all, but the files changed again meanwhile (or the daemon is stopping): the newer reload decides.
    if (superseded.aborted || this.#stopping.signal.aborted) return 'superseded';
    if (!check.ok) return this.#reject(check.issues, reason, check.explaining);
    // Valid, but it drops many of the clients the plan holds at once: held until a person accepts it.
    const held = await this.#heldRemovals(this.#db!, check.summary);
    if (superseded.aborted || this.#stopping.signal.aborted) return 'superseded';
    if (held) {
      await this.#awaitAcceptance();
      return this.#reject([held], reason);
    }
    const before = this.#summary!.settings;
    this.#apply(snapshot, check.summary);
    this.#configError = undefined;
    this.#scheduler.setJobs(this.#jobs());
    if (JSON.stringify(before.http) !== JSON.stringify(check.summary.settings.http)) {
      this.#log.warn({ http: check.summary.settings.http }, 'settings.http changed: the server keeps its address until the daemon restarts');
    }
    this.#metrics!.recordReload(true);
    await this.#recordConfigState();
    await this.#keepApplied(snapshot);
    this.#log.info({ reason, clients: check.summary.clients, employees: check.summary.employees.length }, 'configuration reloaded');
    this.#logWarnings(check);
    this.emit('config:applied', { hash: snapshot.hash, reason });
    // A job still working on the previous configuration is obsolete (it may even be stuck on it).
    if (this.#work && this.#work.hash !== snapshot.hash) this.#work.abort.abort(new SupersededError(`${SUPERSEDED_RUN}; the sync for it runs at once`));
    this.#scheduler.request('sync');
    return true;
  }

  /** Keeps the applied configuration for a start on broken files; a failure to keep it changes nothing now, and is said. */
  async #keepApplied(snapshot: ConfigSnapshot): Promise<void> {
    try {
      await saveAcceptedConfig(this.#db!, snapshot);
    } catch (error) {
      this.#log.warn({ error: (error as Error).message }, 'the applied configuration could not be kept in the database: a start on broken files would find the one before (tried again at the next change)');
    }
  }

  /**
   * The configuration this database last ran on (saveAcceptedConfig), checked again (a newer
   * touchbase may judge it otherwise); undefined when there is none, it is the broken one itself,
   * or it no longer passes. Read without writing anything: a database that is not there has none.
   */
  async #lastApplied(broken: string): Promise<{ snapshot: ConfigSnapshot; check: CheckResult & { ok: true } } | undefined> {
    if (!isPostgresLocation(this.#o.dbFile) && !existsSync(this.#o.dbFile)) return undefined;
    let kept: ConfigSnapshot | undefined;
    let db: DB | undefined;
    try {
      const reading = (db = openReadOnly(this.#o.dbFile));
      kept = await readAcceptedConfig(reading);
    } catch (error) {
      this.#log.warn({ error: (error as Error).message }, 'the last valid configuration could not be read from the database');
      return undefined;
    } finally {
      await db?.destroy();
    }
    // Another folder's (the daemon started with another --config) is not this one's to run on.
    if (!kept || kept.hash === broken || resolve(kept.dir) !== resolve(this.#o.configDir)) return undefined;
    const check = await this.#check(kept, this.#stopping.signal).catch(() => undefined);
    return check?.ok ? { snapshot: kept, check } : undefined;
  }

  /**
   * A valid configuration's warnings, as `validate` says them: applied without a word, a CSV
   * header's columns read as attributes (QA) went unseen in the daemon's log.
   */
  #logWarnings(check: CheckResult & { ok: true }): void {
    const said = check.warnings;
    if (!said || said.count === 0) return;
    const more = said.count > said.first.length ? ` (the first ${said.first.length}; "touchbase validate" lists them all)` : '';
    this.#log.warn({ warnings: said.first, count: said.count }, `the configuration has ${said.count} warning${said.count === 1 ? '' : 's'}${more}`);
  }

  async #heldRemovals(db: DB, summary: ConfigSummary): Promise<ConfigIssue | undefined> {
    // The summary is what the guard is given: its clients' ids and those with no contact.
    const verdict = await removalsOf(db, summary);
    if (!verdict.held) await recordRemovals(db, [], summary);
    return verdict.held ? removalIssue(this.#o.configDir, verdict, `run "touchbase accept-removals" with this configuration and database: this daemon applies it within seconds`) : undefined;
  }

  /**
   * Reloads once the clients accepted to leave change (`touchbase accept-removals`, maybe from
   * another machine on a shared database); stops looking when no configuration is rejected.
   */
  async #awaitAcceptance(): Promise<void> {
    // The contacts' number too: a plan run from a shell right after `accept-removals` records it,
    // and forgets the contacts accepted (review: the list alone was then as before, and no reload came).
    const key = async (db: DB) => {
      const kept = await removalRecords(db);
      return `${[...kept.accepted].join('\n')}\u0000${kept.contacts ?? ''}`;
    };
    let seen = await key(this.#db!);
    if (this.#acceptanceWatch) return;
    this.#acceptanceWatch = setInterval(() => void (async () => {
      const db = this.#db;
      if (!db || this.#stopping.signal.aborted || !this.#configError) {
        clearInterval(this.#acceptanceWatch);
        this.#acceptanceWatch = undefined;
        return;
      }
      const now = await key(db);
      if (now === seen) return;
      seen = now;
      await this.reload('clients accepted to leave the plan (touchbase accept-removals)');
    })().catch((error: unknown) => this.#log.warn({ error: (error as Error).message }, 'looking for accepted removals failed: tried again shortly')), ACCEPTANCE_POLL_MS);
    this.#acceptanceWatch.unref();
  }

  async #reject(issues: readonly ConfigIssue[], reason: string, explaining: readonly ConfigWarning[] = []): Promise<false> {
    this.#configError = issues;
    this.#metrics!.recordReload(false);
    await this.#recordConfigState();
    const read = explaining.length > 0 ? { read: explaining.map(formatWarning) } : {};
    this.#log.error({ reason, errors: shownIssueLines(issues), ...read }, `configuration change rejected (${issues.length} ${issues.length === 1 ? 'error' : 'errors'}); still running on the last valid configuration`);
    this.emit('config:rejected', { issues, reason });
    return false;
  }

  async #recordConfigState(): Promise<void> {
    const s = this.summary.settings;
    await setInfo(this.#db!, {
      config_hash: this.#snapshot!.hash, config_errors: JSON.stringify(shownIssueLines(this.#configError ?? [])),
      schedules: JSON.stringify(s.schedules), timezone: s.timezone,
    });
  }

  /** The database file deleted or replaced since it was opened (said once in the log), or undefined. */
  databaseFileProblem(): string | undefined {
    const problem = databaseFileChange(this.#o.dbFile, this.#dbIdentity);
    if (problem && !this.#dbChangeLogged) {
      this.#dbChangeLogged = true;
      this.#log.error({ db: redactLocation(this.#o.dbFile) }, problem);
    }
    return problem;
  }

  readiness(): Promise<Readiness> {
    const problem = this.databaseFileProblem();
    // Without the folder it is in (readiness.ts: /readyz answers anyone); the log names it whole.
    const said = problem?.replaceAll(this.#o.dbFile, basename(this.#o.dbFile));
    if (said) return Promise.resolve({ ready: false, database: said, reasons: [said] });
    return readinessOf(this.#db!, {
      configRejected: !!this.#configError, running: this.#running, nowMs: performance.now(),
      shared: this.#shared && { now: this.#clock.now(), self: this.#shared.id },
    });
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
   * Stops taking new work, asks the job in flight to stop (it finishes its calendar calls and
   * what it did not start stays in the outbox; it is killed after the grace period if it does
   * not stop), ends every process it started, closes the server and the database, and releases
   * the lock. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#stopping.abort(new Error('the daemon is stopping'));
      this.#watcher?.stop();
      await this.#started?.catch(() => undefined);
      if (!this.#db) return;
      this.#log.info('stopping: finishing the calendar calls in flight');
      await this.#scheduler?.stop();
      await this.#dispatchLoop;
      await this.#workChain;
      await this.#reloading.catch(() => undefined);
      if (this.#shared) {
        // Out of the registry, and its calendars free for the others at once (not after their leases).
        clearInterval(this.#heartbeats);
        await releaseAllClaims(this.#db, this.#shared.id).catch(() => undefined);
        await deregisterInstance(this.#db, this.#shared.id).catch(() => undefined);
      }
      await setInfo(this.#db, { stopped_at: this.#clock.now().toUTC().toISO()! }).catch(() => undefined);
      await this.#close();
      this.#log.info('touchbase daemon stopped');
    })();
    return this.#stopped;
  }

  /**
   * The database file deleted or replaced while it ran (a restore by `mv`): the old file's log and
   * index, left at the path, set aside before the next daemon opens the file now there.
   */
  #setAsideStaleLog(): void {
    if (!databaseFileChange(this.#o.dbFile, this.#dbIdentity)) return;
    try {
      const moved = setAsideStaleSideFiles(this.#o.dbFile, this.#sideFiles, this.#clock.now().toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'"));
      if (moved.length) this.#log.warn({ files: moved.map(redactLocation) }, 'the database file was replaced or deleted while the daemon had it open: the old file\'s write-ahead log is set aside, not to be applied to the file now there');
    } catch (error) {
      this.#log.error({ err: (error as Error).message }, 'the old database file\'s write-ahead log could not be set aside: move the -wal and -shm files beside the database away before starting again');
    }
  }

  /** #setAsideStaleLog's work, at the next start, for a daemon killed before it could do it. */
  #setAsideLogOfKilledDaemon(): void {
    const previous = this.#lock?.previousFiles;
    if (!previous) return;
    let moved: string[];
    try {
      moved = setAsideLogsOfReplacedFile(this.#o.dbFile, previous, this.#clock.now().toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'"));
    } catch (error) {
      this.#lock?.keepRecord?.();
      throw new Error(`the database file ${redactLocation(this.#o.dbFile)} was replaced while the last daemon, since killed, had the old one open, and the old file's write-ahead log was not set aside (${(error as Error).message})`);
    }
    if (moved.length) this.#log.warn({ files: moved.map(redactLocation) }, 'the database file was replaced while the last daemon (killed, not stopped) had the old one open: the old file\'s write-ahead log is set aside, not to be applied to the file now there');
  }

  /** Kills every process the daemon started, now (a second signal, the process exiting). */
  killNow(): void {
    this.#runner?.killNow?.();
  }

  /** Ends everything it started; `beforeUnlock` runs with the database closed and the lock still held. */
  async #close(beforeUnlock?: () => void): Promise<void> {
    this.#watcher?.stop();
    clearInterval(this.#heartbeats);
    clearInterval(this.#acceptanceWatch);
    clearInterval(this.#walFold);
    await this.#runner?.close?.();
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
    this.#setAsideStaleLog();
    beforeUnlock?.();
    await this.#lock?.release();
  }
}

/** How often the write-ahead log is folded into the database file besides after each job (storage/database.ts foldWriteAheadLog). */
const WAL_FOLD_MS = 60_000;
/** Where sync/event-links.ts records the address links point at. */
const LINKS_BASE_KEY = 'links.base_url';
/** daemon_info's key naming the instance that runs a job (`run.owner.sync`). */
const RUN_OWNER = 'run.owner.';
/** The last pass's basis (sync/pass.ts). */
const PASS_BASIS_KEY = 'sync.basis';

/** The links' hash of a stored pass basis ('' when there is none or it cannot be read). */
function linksOfBasis(text: string | undefined): string {
  try {
    return text ? String((JSON.parse(text) as { links?: unknown }).links ?? '') : '';
  } catch {
    return '';
  }
}
/** How often a held configuration looks for its clients accepted to leave (a small read of the database). */
const ACCEPTANCE_POLL_MS = 2_000;

/** This touchbase's version (package.json), as the instance registry shows it: from the sources (src/daemon) or the build (dist). */
const VERSION = ((): string => {
  for (const path of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'touchbase' && pkg.version) return pkg.version;
    } catch {
      // not there from this file's place: the other one
    }
  }
  return 'unknown';
})();
