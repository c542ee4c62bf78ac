// Entry of a daemon job's child process: registers tsx (the sources are TypeScript), then
// runs the job. See job-runner.ts.
import { register } from 'tsx/esm/api';

register();
await import('./job-process-main.ts');
