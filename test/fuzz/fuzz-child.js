// A child process that runs fuzz cases (test/fuzz/fuzz-case.ts) one at a time for the fuzz
// test, which kills it when a case runs past its deadline. Registers tsx as the CLI does.
import { register } from 'tsx/esm/api';

register();
const { runCase } = await import('./fuzz-case.ts');
process.on('message', (request) => process.send(runCase(request)));
process.on('disconnect', () => process.exit(0));
process.send('ready');
