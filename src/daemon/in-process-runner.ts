import type { Clock } from '../clock.ts';
import type { Config } from '../domain/types.ts';
import type { CalendarPort, ProviderName } from '../calendar/port.ts';
import type { ConfigSnapshot } from '../config/snapshot.ts';
import type { DB } from '../storage/database.ts';
import type { DateTime } from 'luxon';
import type { CheckResult, EventResult, JobRunner, RunControl } from './job-runner.ts';
import { withServedAddress } from './served-address.ts';
import { checkOf } from './config-check.ts';
import { EventRejectedError, receiveEvent, type BusinessEvent } from '../workflows/trigger-events.ts';
import { doWork, type WorkDeps, type WorkKind, type WorkReport } from './work.ts';

/** Records an event; a refusal (unknown name or client) is an answer, not a failure. */
export async function recordEvent(db: DB, config: Config, event: BusinessEvent, now: DateTime): Promise<EventResult> {
  try {
    return { ok: true, outcome: await receiveEvent(db, config, event, now) };
  } catch (error) {
    if (error instanceof EventRejectedError) return { ok: false, error: error.message };
    throw error;
  }
}

/**
 * Runs jobs in the daemon's own process with an injected clock and calendar ports: what the
 * tests use, where time is fake and the fakes live in the same process.
 */
export class InProcessRunner implements JobRunner {
  readonly #deps: Omit<WorkDeps, 'config' | 'signal' | 'db'> & { db: () => DB };
  #cached: { hash: string; config: Config } | undefined;

  /** `db` is asked for when a job runs: the daemon opens the database only after the configuration proved valid. */
  constructor(deps: { db: () => DB; clock: Clock; feedDir: string; ports?: Partial<Record<ProviderName, CalendarPort>>; dispatch?: WorkDeps['dispatch'] }) {
    this.#deps = { ports: {}, ...deps };
  }

  async check(snapshot: ConfigSnapshot, _control?: RunControl): Promise<CheckResult> {
    const { result, config } = checkOf(snapshot);
    if (config) this.#cached = { hash: snapshot.hash, config };
    return result;
  }

  async work(kind: WorkKind, snapshot: ConfigSnapshot, control: RunControl): Promise<WorkReport> {
    return doWork(kind, { ...this.#deps, db: this.#deps.db(), config: withServedAddress(this.#config(snapshot), control.served), signal: control.signal, shared: control.shared });
  }

  async event(snapshot: ConfigSnapshot, event: BusinessEvent, control: RunControl): Promise<EventResult> {
    return recordEvent(this.#deps.db(), withServedAddress(this.#config(snapshot), control.served), event, this.#deps.clock.now());
  }

  #config(snapshot: ConfigSnapshot): Config {
    if (this.#cached?.hash !== snapshot.hash) {
      const { config } = checkOf(snapshot);
      if (!config) throw new Error('the configuration given to the job is not valid');
      this.#cached = { hash: snapshot.hash, config };
    }
    return this.#cached.config;
  }
}
