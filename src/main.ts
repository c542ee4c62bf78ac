import { runCli } from './cli/program.ts';
import { closeOutput } from './cli/io.ts';
import { writesFinished } from './unfinished-writes.ts';

// The one entry point: `npm start`, `npm run touchbase -- …` and the `touchbase` bin.
let done: Promise<number> | undefined;

// A reader that stops early (`touchbase plan | head`) is not an error: nothing more is printed,
// and the process ends once what it was writing is written (a first plan is written while it is
// printed; `once` syncs after printing). If that failed, the command tells it as always, and
// its exit code is the process's.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  if (!closeOutput()) return;
  void writesFinished().then(async (failed) => process.exit(failed && done ? await done : 0));
});

done = runCli(process.argv.slice(2));
process.exitCode = await done;
