import { runCli } from './cli/program.ts';
import { closeErrors, closeOutput, outlivesOutput, outputFailed } from './cli/io.ts';
import { writesFinished } from './unfinished-writes.ts';
import { umaskFor } from './storage/private-files.ts';
import { redactLocation } from './storage/location.ts';

// What touchbase creates (database, lock, feeds) is its user's alone, however it is started.
process.umask(umaskFor());

// The one entry point: `npm start`, `npm run touchbase -- …` and the `touchbase` bin.
let done: Promise<number> | undefined;

// A reader that stops early (`touchbase plan | head`) is not an error: nothing more is printed,
// and the process ends once what it was writing is written (a first plan is written while it is
// printed; `once` syncs after printing). If that failed, the command tells it as always, and
// its exit code is the process's.
// A service (the daemon) goes on without it: nothing more is printed.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') {
    // A full disk, a device error: said as what it is, the exit status a failure's (it was a
    // stack trace). A service goes on (its output is its log's, not its work).
    if (outlivesOutput()) return;
    process.stderr.write(`touchbase: ${outputFailed(error.code ?? 'EIO').message}\n`);
    process.exit(1);
  }
  if (!closeOutput() || outlivesOutput()) return;
  void writesFinished().then(async (failed) => process.exit(failed && done ? await done : 0));
});
// Standard error's reader gone (`2>&1 | head`): what would be said there is lost, not the process.
process.stderr.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  closeErrors();
});

// A password in a --db URL would stand in `ps` and /proc/PID/cmdline, for any local user to read,
// for the daemon's whole life (QA): the process's title is its arguments with the password hidden
// (the arguments themselves are read from process.argv, which keeps them).
const args = process.argv.slice(2);
const shown = args.map((a) => a.replace(/postgres(?:ql)?:\/\/.*$/is, (url) => redactLocation(url)));
if (shown.some((a, i) => a !== args[i])) process.title = ['touchbase', ...shown].join(' ');

done = runCli(args);
process.exitCode = await done;
