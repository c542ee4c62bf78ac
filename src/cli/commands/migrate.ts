import type { Command } from 'commander';
import { migrate, openDatabase, refuseChangedUnderDaemon, refuseUnderDaemon } from '../../storage/database.ts';
import { dbFile, type GlobalOptions } from '../context.ts';
import { redactLocation } from '../../storage/location.ts';
import type { CliIO } from '../io.ts';

export function migrateCommand(program: Command, io: CliIO): void {
  program
    .command('migrate')
    .description('create or upgrade the database schema (other commands do this automatically)')
    .action(async (_o, cmd: Command) => {
      const file = dbFile(cmd.optsWithGlobals<GlobalOptions>());
      // A database deleted or replaced under the daemon is not created or upgraded anew (as for every other command).
      await refuseChangedUnderDaemon(file);
      const db = openDatabase(file);
      try {
        await refuseUnderDaemon(db, file);
        const results = await migrate(db, file);
        const shown = redactLocation(file);
        io.out(results.length === 0 ? `${shown}: up to date\n` : results.map((r) => `${shown}: ${r.migrationName} ${r.status}\n`).join(''));
      } finally {
        await db.destroy();
      }
    });
}
