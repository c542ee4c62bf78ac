/**
 * Every job has a time limit: a job over it is asked to stop and, if it does not, killed with
 * its process group; it is reported as failed ("timed out after N s") and the next run goes
 * on. The defaults fit the first plan and sync of a 10,000-client company (about 3 minutes
 * measured) with a wide margin; a configuration check of that company takes about 2 s.
 */
export interface JobLimits {
  /** A job (sync, calendars, daily, digest). */
  readonly jobMs: number;
  /** A configuration check (start, reload) and a business event. */
  readonly checkMs: number;
  /** How long a process asked to stop has before it is killed. */
  readonly stopGraceMs: number;
  /** How long after a start or an accepted edit a process waits with the configuration read (0: none; job-runner.ts, warmMs). */
  readonly warmMs: number;
  /**
   * How long saves that keep coming may keep stopping the check of the one before (a script
   * writing an export every second): past it, the check under way is let finish and applied,
   * and the newer files are checked after it.
   */
  readonly supersedeMs: number;
}

export const DEFAULT_LIMITS: JobLimits = { jobMs: 30 * 60_000, checkMs: 2 * 60_000, stopGraceMs: 2_000, warmMs: 10 * 60_000, supersedeMs: 30_000 };

/** The run went over its limit. Its message is what `touchbase status`, the log and /readyz show. */
export class TimeLimitError extends Error {
  /** Read by the HTTP layer: an event over its limit is a 503 to its sender, who sends it again (its ref recorded once), not a 500. */
  get tryAgainLater(): string {
    return `not worked out within its time limit (${formatSeconds(this.limitMs)} s, TOUCHBASE_CHECK_TIMEOUT); it may have been recorded`;
  }

  constructor(readonly limitMs: number, readonly detail = '') {
    super(`timed out after ${formatSeconds(limitMs)} s${detail ? `: ${detail}` : ''}`);
  }

  withDetail(detail: string): TimeLimitError {
    return new TimeLimitError(this.limitMs, detail);
  }
}

/** A run stopped because what it worked on is obsolete (a newer configuration, a newer save). */
export class SupersededError extends Error {}

/** How a run stopped for a newer configuration's says it (its record's error starts so). */
export const SUPERSEDED_RUN = 'stopped: a newer configuration was applied while it ran';

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? String(s) : s.toFixed(1);
}

const UNITS: Record<string, number> = { s: 1, sec: 1, secs: 1, second: 1, seconds: 1, m: 60, min: 60, mins: 60, minute: 60, minutes: 60, h: 3600, hour: 3600, hours: 3600 };

/** "90", "90 s", "30 minutes", "2h" → milliseconds; undefined when it is none of those. */
export function parseLimit(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = m[2] ? UNITS[m[2].toLowerCase()] : 1;
  const ms = Math.round(Number(m[1]) * (unit ?? Number.NaN) * 1000);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** The limits from TOUCHBASE_JOB_TIMEOUT, TOUCHBASE_CHECK_TIMEOUT and TOUCHBASE_WARM_FOR (defaults otherwise). */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): JobLimits {
  const read = (name: string, fallback: number, min: number, none = ''): number => {
    const text = env[name];
    if (!text) return fallback;
    const ms = parseLimit(text);
    if (ms === undefined || ms < min) {
      throw new RangeError(`${name}: expected a duration of at least ${min / 1000} s, like "30 minutes", "90 s" or "2h"${none}, found ${JSON.stringify(text)}`);
    }
    return ms;
  };
  // "0" (or "off") keeps no process waiting: every job and check starts from nothing.
  const warm = env.TOUCHBASE_WARM_FOR?.trim();
  return {
    ...DEFAULT_LIMITS, jobMs: read('TOUCHBASE_JOB_TIMEOUT', DEFAULT_LIMITS.jobMs, 10_000), checkMs: read('TOUCHBASE_CHECK_TIMEOUT', DEFAULT_LIMITS.checkMs, 5_000),
    warmMs: warm === '0' || warm?.toLowerCase() === 'off' ? 0 : read('TOUCHBASE_WARM_FOR', DEFAULT_LIMITS.warmMs, 1_000, ', or 0 (off) for none'),
  };
}

/**
 * Runs `start` with a signal that aborts when `outer` does or when `limitMs` passes. A run
 * over its limit rejects with a TimeLimitError (even if it then answered: it was late), saying
 * whether it stopped when asked or had to be killed. A runner that cannot be stopped at all
 * (in-process work that never settles) is abandoned `graceMs` (plus a second) after the abort.
 */
export async function withinLimit<T>(o: { limitMs: number; graceMs: number; outer?: AbortSignal }, start: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const control = new AbortController();
  const onOuter = () => control.abort(o.outer!.reason);
  if (o.outer?.aborted) onOuter();
  else o.outer?.addEventListener('abort', onOuter, { once: true });
  const limit = setTimeout(() => control.abort(new TimeLimitError(o.limitMs)), o.limitMs);
  let abandon: NodeJS.Timeout | undefined;
  const abandoned = new Promise<never>((_, reject) => {
    const onAbort = () => {
      abandon = setTimeout(() => reject(control.signal.reason instanceof Error ? control.signal.reason : new Error('stopped')), o.graceMs + 1_000);
    };
    if (control.signal.aborted) onAbort();
    else control.signal.addEventListener('abort', onAbort, { once: true });
  });
  abandoned.catch(() => undefined);
  const timedOut = () => control.signal.reason instanceof TimeLimitError ? control.signal.reason as TimeLimitError : undefined;
  try {
    const result = await Promise.race([start(control.signal), abandoned]);
    const late = timedOut();
    if (late) throw late.withDetail('it stopped when asked; what it finished is kept, and the next run goes on');
    return result;
  } catch (error) {
    const late = timedOut();
    if (late && !(error instanceof TimeLimitError)) {
      const killed = (error as { end?: { killed?: boolean } }).end?.killed;
      throw late.withDetail(killed ? 'its process did not stop when asked and was killed; the next run goes on'
        : 'it was stopped; the next run goes on');
    }
    throw error;
  } finally {
    clearTimeout(limit);
    clearTimeout(abandon);
    o.outer?.removeEventListener('abort', onOuter);
  }
}
