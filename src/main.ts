import { runCli } from './cli/program.ts';

// A reader that stops early (`touchbase plan | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// The one entry point: `npm start`, `npm run touchbase -- …` and the `touchbase` bin.
process.exitCode = await runCli(process.argv.slice(2));
