import { Command, CommanderError } from 'commander';
import { EXIT_BAD_INPUT, EXIT_OK, reportError, terminalSafe } from './cli-error.ts';
import { processIO, type CliIO } from './io.ts';
import { COMMANDS } from './command-table.ts';

/**
 * The program, with the code of `command` loaded (and only that: a command starts without the
 * libraries of every other one). The other commands are listed by name and description, for
 * `touchbase --help` and for commander's "did you mean".
 */
export async function buildProgram(io: CliIO, command?: string): Promise<Command> {
  const program = new Command('touchbase')
    .description('touchbase: keeps every client in touch with several of our people, in their calendars')
    .option('--config <dir>', 'configuration folder (default: $TOUCHBASE_CONFIG or ./config)')
    .option('--db <file-or-url>', 'the database: a SQLite file, or a postgres:// URL (default: $TOUCHBASE_DATABASE_URL_FILE, $TOUCHBASE_DATABASE_URL, $TOUCHBASE_DB, or db/touchbase.sqlite)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(terminalSafe(s)) })
    .exitOverride();
  const entry = command === undefined ? undefined : COMMANDS[command];
  if (entry) (await entry.load())(program, io);
  for (const [name, { description }] of Object.entries(COMMANDS)) {
    if (program.commands.some((c) => c.name() === name)) continue;
    // Only listed: it is never run from here (its module is loaded when it is asked for).
    program.command(name).description(description).allowUnknownOption().allowExcessArguments();
  }
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(terminalSafe(s)) });
  return program;
}

/** The command asked for: the first argument that is not a global option or its value. */
export function commandOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--config' || a === '--db') {
      i++;
      continue;
    }
    if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/** Runs the CLI and returns the exit status: 0 success, 1 runtime failure, 2 bad input. */
export async function runCli(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  try {
    const program = await buildProgram(io, commandOf(argv));
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
