import type { Command } from 'commander';
import { migrate, openDatabase } from '../../storage/database.ts';
import { dbFile, type GlobalOptions } from '../context.ts';
import type { CliIO } from '../io.ts';

export function migrateCommand(program: Command, io: CliIO): void {
  program
    .command('migrate')
    .description('create or upgrade the database schema (other commands do this automatically)')
    .action(async (_o, cmd: Command) => {
      const file = dbFile(cmd.optsWithGlobals<GlobalOptions>());
      const db = openDatabase(file);
      try {
        const results = await migrate(db, file);
        io.out(results.length === 0 ? `${file}: up to date\n` : results.map((r) => `${file}: ${r.migrationName} ${r.status}\n`).join(''));
      } finally {
        await db.destroy();
      }
    });
}
