import type { Command } from 'commander';
import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import type { CliIO } from './io.ts';
import { ConfigInvalidError } from '../config/config-issue.ts';
import { countRemovals, describeRemoval, guardedClients, isContactKey, isProgrammeKey, losesContacts, removalIssue, type RemovalVerdict } from '../domain/removal-guard.ts';
import { recordRemovals, removalsOf } from '../removal-check.ts';

/** The option of the commands that record a plan: a configuration that drops many clients at once is planned on all the same. */
export function allowRemovalsOption(command: Command): Command {
  return command.option('--allow-removals', 'plan on even if the configuration drops many clients, rules or campaigns with planned touches at once (their touches are cancelled)', false);
}

/**
 * Before a plan is recorded: a configuration that drops too many of the clients the database
 * plans for (an export that came out empty or cut short) is refused, nothing changed, unless
 * `--allow-removals` says they are meant to go (recorded, so a daemon on the database lets them go too).
 */
export async function guardRemovals(db: DB, config: Config, o: { configDir: string; allow: boolean }, io: CliIO): Promise<void> {
  const guarded = guardedClients(config);
  const verdict = await removalsOf(db, guarded);
  if (!verdict.held) return recordRemovals(db, [], guarded);
  if (!o.allow) throw new ConfigInvalidError([removalIssue(o.configDir, verdict, 'run again with --allow-removals (or "touchbase accept-removals", for a daemon on this database)')]);
  await recordRemovals(db, verdict.unaccepted, guarded);
  io.err(`--allow-removals: ${countRemovals(verdict.unaccepted)} leave the plan${losesContacts(verdict.unaccepted) ? ' or lose every contact' : ''} (${shortList(verdict.unaccepted)}); their planned touches are cancelled\n`);
}

/**
 * A dry run or a plan not saved changes nothing: it says that the real thing would be refused, and
 * shows what it would do with them gone (a director previewing a new export learns it before the daemon does).
 */
export async function warnRemovals(db: DB, config: Config, configDir: string, io: CliIO, what: { refused: string; shown: string } = { refused: 'a sync would refuse this configuration', shown: 'below is what it would do' }): Promise<void> {
  const verdict = await removalsOf(db, guardedClients(config));
  const how = losesContacts(verdict.unaccepted) ? 'are gone from, or have no contact left in,' : 'are gone from';
  if (verdict.held) io.err(`warning: ${what.refused}: ${howMany(verdict)} with planned touches ${how} ${configDir} (${shortList(verdict.unaccepted)}); ${what.shown} with --allow-removals\n`);
}

/** How many of what went: "7 of the 10 clients", "6 rules and campaigns", "40 contacts", "3 clients and 6 rules and campaigns". */
export function howMany(verdict: RemovalVerdict): string {
  return verdict.unaccepted.some((key) => isProgrammeKey(key) || isContactKey(key)) ? countRemovals(verdict.unaccepted) : `${verdict.unaccepted.length} of the ${verdict.withTouches} clients`;
}

/** The first of these gone clients (clients left with no contact, rules, campaigns), and how many more. */
export function shortList(ids: readonly string[], shown = 10): string {
  return ids.slice(0, shown).map(describeRemoval).join(', ') + (ids.length > shown ? `, … ${ids.length - shown} more` : '');
}
