import type { ConfigIssue } from '../config/config-issue.ts';

/**
 * How many of the clients with planned touches a configuration may drop at once before it is
 * held for a person to confirm: more than a tenth of them, and at least three. A CRM export
 * that came out empty or cut short (a script that failed half-way, a file read while it was
 * being written) is a configuration without those clients, valid in every field: planned on,
 * it would cancel their touches and delete their events from every calendar. A failure is not
 * a decision, so it waits; a director who really dropped them says so once
 * (`touchbase accept-removals`, or `--allow-removals`). A few clients leaving, the everyday
 * case, goes through.
 */
export const REMOVAL_GUARD = { share: 0.1, atLeast: 3 } as const;

export interface RemovalVerdict {
  /** Clients with open (planned) touches that the configuration no longer has. */
  readonly gone: readonly string[];
  /** Of them, those nobody accepted to lose. */
  readonly unaccepted: readonly string[];
  /** How many clients have open (planned) touches. */
  readonly withTouches: number;
  /** Held: too many go at once. */
  readonly held: boolean;
}

/**
 * Compares the clients the database plans for with those of the configuration.
 * `accepted`: clients a person already said may go.
 */
export function removalVerdict(withTouches: readonly string[], configured: Iterable<string>, accepted: ReadonlySet<string> = new Set()): RemovalVerdict {
  const kept = new Set(configured);
  const gone = withTouches.filter((id) => !kept.has(id)).sort();
  const unaccepted = gone.filter((id) => !accepted.has(id));
  const held = unaccepted.length >= REMOVAL_GUARD.atLeast && unaccepted.length > withTouches.length * REMOVAL_GUARD.share;
  return { gone, unaccepted, withTouches: withTouches.length, held };
}

/**
 * The error of a held configuration, for the command line and the daemon alike (the daemon goes on
 * with its last accepted configuration). `how`: what the reader runs to let the clients go.
 */
export function removalIssue(configDir: string, verdict: RemovalVerdict, how: string): ConfigIssue {
  const names = verdict.unaccepted.slice(0, 5).join(', ') + (verdict.unaccepted.length > 5 ? ', …' : '');
  const most = Math.max(REMOVAL_GUARD.atLeast - 1, Math.floor(verdict.withTouches * REMOVAL_GUARD.share));
  return {
    // The configuration as a whole (which file lost them is not known): the folder, without a line.
    file: configDir, line: 0, column: 0, field: 'clients',
    expected: `at most ${most} of the ${verdict.withTouches} clients with planned touches to leave at once`,
    found: `${verdict.unaccepted.length} gone (${names}): an export that came out empty or cut short? Their touches are kept until `
      + `the file is whole again; if they are meant to go, ${how}`,
    rank: 3,
  };
}
