import { Command, CommanderError } from 'commander';
import { EXIT_BAD_INPUT, EXIT_OK, reportError } from './cli-error.ts';
import { processIO, type CliIO } from './io.ts';
import { validateCommand } from './commands/validate.ts';
import { planCommand } from './commands/plan.ts';
import { outcomeCommands } from './commands/outcomes.ts';
import { historyCommand } from './commands/history.ts';
import { migrateCommand } from './commands/migrate.ts';
import { demoDataCommand } from './commands/demo-data.ts';
import { schemaCommand } from './commands/schema.ts';
import { onceCommand } from './commands/once.ts';
import { calendarsCommand, syncCommands } from './commands/sync.ts';
import { daemonCommand } from './commands/daemon.ts';
import { statusCommand } from './commands/status.ts';
import { systemdUnitCommand } from './commands/systemd-unit.ts';
import { workflowCommands } from './commands/workflows.ts';
import { dashboardLinkCommand } from './commands/dashboard-link.ts';

export function buildProgram(io: CliIO): Command {
  const program = new Command('touchbase')
    .description('touchbase: keeps every client in touch with several of our people, in their calendars')
    .option('--config <dir>', 'configuration folder (default: $TOUCHBASE_CONFIG or ./config)')
    .option('--db <file>', 'SQLite database (default: $TOUCHBASE_DB or db/touchbase.sqlite)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();
  for (const add of [daemonCommand, statusCommand, onceCommand, validateCommand, planCommand, workflowCommands, outcomeCommands, historyCommand, syncCommands, calendarsCommand, migrateCommand, demoDataCommand, schemaCommand, systemdUnitCommand, dashboardLinkCommand]) add(program, io);
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  return program;
}

/** Runs the CLI and returns the exit status: 0 success, 1 runtime failure, 2 bad input. */
export async function runCli(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT_OK;
      return EXIT_BAD_INPUT;
    }
    return reportError(error, { write: (s: string) => { io.err(s); return true; } } as NodeJS.WritableStream);
  }
}
