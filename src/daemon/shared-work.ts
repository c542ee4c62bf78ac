import type { ProviderName } from '../calendar/port.ts';
import type { RateLimit } from '../sync/rate-limiter.ts';
import { parseLimit } from './time-limits.ts';
import { isPostgresLocation } from '../storage/location.ts';

/**
 * How several daemons on one database share the work (README, "Running several daemons").
 * Whether they do is the database backend's to say (PostgreSQL: yes; SQLite: one daemon holds
 * the lock); `enabled` overrides it.
 */
export interface SharedWorkSettings {
  /** undefined: the backend decides. true on SQLite is for tests only (several daemons on one file). */
  readonly enabled?: boolean | undefined;
  /** An instance whose heartbeat is older than this is dead. */
  readonly instanceLeaseMs: number;
  readonly heartbeatMs: number;
  /** A calendar claim's lease: longer than a calendar call's time-out (30 s), so a takeover comes after a late write landed. */
  readonly claimTtlMs: number;
  /** How often each instance looks for calendar writes nobody is working on. */
  readonly dispatchEveryMs: number;
  /** How long dead instances stay listed (then they are forgotten). */
  readonly forgetAfterMs: number;
}

export const DEFAULT_SHARED_WORK: SharedWorkSettings = {
  instanceLeaseMs: 30_000, heartbeatMs: 5_000, claimTtlMs: 60_000, dispatchEveryMs: 10_000, forgetAfterMs: 24 * 3600_000,
};

/** The settings that follow from one lease: a heartbeat six times in it, claims twice as long, a dispatch pass three times in it. */
export function sharedWorkForLease(leaseMs: number): Omit<SharedWorkSettings, 'enabled'> {
  return { instanceLeaseMs: leaseMs, heartbeatMs: Math.max(50, Math.round(leaseMs / 6)), claimTtlMs: 2 * leaseMs, dispatchEveryMs: Math.max(100, Math.round(leaseMs / 3)), forgetAfterMs: DEFAULT_SHARED_WORK.forgetAfterMs };
}

/**
 * The value of TOUCHBASE_SHARED_WORK that shares the work on a SQLite file: touchbase's own
 * tests of several daemons on one machine. Said so in its name, so that nobody sets it by chance.
 */
export const SQLITE_TESTS_SHARING = 'sqlite-tests';

/**
 * TOUCHBASE_SHARED_WORK (on/off: forces it; unset: the backend decides) and
 * TOUCHBASE_INSTANCE_LEASE (default 30 s; the heartbeat, claims and dispatch follow from it).
 * `on` for a SQLite `database` is refused: it dropped the one-daemon lock without a word (an
 * env file copied from a PostgreSQL host), and SQLite has one writer at a time; only the tests'
 * own value (SQLITE_TESTS_SHARING) shares the work there.
 */
export function sharedWorkFromEnv(env: NodeJS.ProcessEnv = process.env, database?: string): SharedWorkSettings {
  const flag = env.TOUCHBASE_SHARED_WORK?.trim().toLowerCase();
  let enabled: boolean | undefined;
  if (flag === undefined || flag === '') enabled = undefined;
  else if (['1', 'on', 'true', 'yes'].includes(flag)) enabled = true;
  else if (['0', 'off', 'false', 'no'].includes(flag)) enabled = false;
  else if (flag === SQLITE_TESTS_SHARING) enabled = true;
  else throw new RangeError(`TOUCHBASE_SHARED_WORK: expected on or off, found ${JSON.stringify(env.TOUCHBASE_SHARED_WORK)}`);
  if (enabled && flag !== SQLITE_TESTS_SHARING && database !== undefined && !isPostgresLocation(database)) {
    throw new RangeError(`TOUCHBASE_SHARED_WORK=${env.TOUCHBASE_SHARED_WORK!.trim()}: the database is a SQLite file, which one daemon works on alone, holding its lock `
      + '(SQLite has one writer at a time); several daemons share the work on PostgreSQL only — unset TOUCHBASE_SHARED_WORK (or set it to off) here');
  }
  const leaseText = env.TOUCHBASE_INSTANCE_LEASE;
  if (!leaseText) return { ...DEFAULT_SHARED_WORK, enabled };
  const lease = parseLimit(leaseText) ?? (/^\s*\d+\s*ms\s*$/i.test(leaseText) ? Number.parseInt(leaseText, 10) : undefined);
  if (lease === undefined || lease < 300) throw new RangeError(`TOUCHBASE_INSTANCE_LEASE: expected a duration like "30 s" (at least 300 ms), found ${JSON.stringify(leaseText)}`);
  return { ...sharedWorkForLease(lease), enabled };
}

/**
 * TOUCHBASE_CALENDAR_RATES: the per-user limits of the providers, e.g. "google=500/60s" (the
 * default) or "google=1000/60s,microsoft=600/60s" for a workspace whose quota was raised.
 */
export function calendarRatesFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<Record<ProviderName, RateLimit>> | undefined {
  const text = env.TOUCHBASE_CALENDAR_RATES?.trim();
  if (!text) return undefined;
  const rates: Partial<Record<ProviderName, RateLimit>> = {};
  for (const part of text.split(',')) {
    const m = /^\s*(google|microsoft)\s*=\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min)?\s*$/i.exec(part);
    const limit = m ? Number(m[2]) : 0;
    if (!m || limit < 1) throw new RangeError(`TOUCHBASE_CALENDAR_RATES: expected provider=calls/window like "google=500/60s", found ${JSON.stringify(part.trim())}`);
    const unit = (m[4] ?? 's').toLowerCase();
    const windowMs = Number(m[3]) * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000);
    if (!(windowMs >= 100)) throw new RangeError(`TOUCHBASE_CALENDAR_RATES: the window of ${JSON.stringify(part.trim())} is shorter than 100 ms`);
    rates[m[1]!.toLowerCase() as ProviderName] = { limit, windowMs };
  }
  return rates;
}
