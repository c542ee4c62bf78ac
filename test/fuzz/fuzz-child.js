// A child process that runs fuzz cases (test/fuzz/fuzz-case.ts) one at a time for the fuzz
// test, which kills it when a case runs past its deadline. Registers tsx as the CLI does.
import { register } from 'tsx/esm/api';

register();
const { runCase } = await import('./fuzz-case.ts');
process.on('message', (request) => {
  // The fuzz test's own check that a case which never ends is caught: this one never ends.
  if (request.company === 'never-ends') for (;;);
  process.send(runCase(request));
});
process.on('disconnect', () => process.exit(0));
process.send('ready');
