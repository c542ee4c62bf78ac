import type { Command } from 'commander';
import { configDir, describeDatabase, readConfig, withDatabase, type GlobalOptions } from '../context.ts';
import type { CliIO } from '../io.ts';
import { recordRemovals, removalsOf } from '../../removal-check.ts';
import { howMany, shortList } from '../removals.ts';
import { describe } from '../command-table.ts';
import { guardedClients, losesContacts } from '../../domain/removal-guard.ts';

/**
 * A person's word that the clients the configuration dropped are meant to go: the daemon (which
 * held the configuration) applies it within seconds, and `plan`, `once` and `sync` plan on.
 */
export function acceptRemovalsCommand(program: Command, io: CliIO): void {
  program
    .command('accept-removals')
    .description(describe('accept-removals'))
    .action(async (_o, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions>();
      const config = await readConfig(o);
      const guarded = guardedClients(config);
      await withDatabase(o, async (db) => {
        const verdict = await removalsOf(db, guarded);
        if (verdict.unaccepted.length === 0) {
          io.out(`nothing to accept: the configuration in ${configDir(o)} keeps every client, contact, rule and campaign with planned touches in ${describeDatabase(o)}`
            + `${verdict.gone.length ? ` (the ${verdict.gone.length} it drops were accepted before)` : ''}\n`);
          return;
        }
        await recordRemovals(db, verdict.unaccepted, guarded);
        io.out(`accepted: ${howMany(verdict)} with planned touches leave the plan${losesContacts(verdict.unaccepted) ? ' or lose every contact' : ''} (${shortList(verdict.unaccepted)}).\n`
          + 'Their planned touches are cancelled at the next plan (a daemon on this database applies the configuration within seconds); '
          + 'their history stays, and a client (or rule) that comes back gets its touches back.\n');
      }, { existing: true });
    });
}
