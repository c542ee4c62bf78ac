import { runCli } from './cli/program.ts';

// The one entry point: `npm start`, `npm run touchbase -- …` and the `touchbase` bin.
process.exitCode = await runCli(process.argv.slice(2));
