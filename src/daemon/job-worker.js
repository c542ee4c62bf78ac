// Entry of a daemon job's worker thread: registers tsx in this thread (loader hooks are per
// thread in Node 20), then runs the TypeScript job. See job-runner.ts.
import { register } from 'tsx/esm/api';

register();
await import('./job-worker-main.ts');
