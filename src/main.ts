import { runCli } from './cli/program.ts';
import { closeOutput } from './cli/io.ts';
import { writesFinished } from './unfinished-writes.ts';

// A reader that stops early (`touchbase plan | head`) is not an error: nothing more is printed,
// and the process ends once what it was writing to the database is written (a first plan is
// written while it is printed).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  if (!closeOutput()) return;
  void writesFinished().then(() => process.exit(0));
});

// The one entry point: `npm start`, `npm run touchbase -- …` and the `touchbase` bin.
process.exitCode = await runCli(process.argv.slice(2));
