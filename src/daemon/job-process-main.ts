// A daemon job in its own process: validate the configuration snapshot, or plan and sync.
// A check loads only the configuration code: a reload is answered sooner.
// The listeners come first and the configuration code is loaded after them, so that a "stop"
// or a closed channel during the load is not missed.
import type { JobAnswer, JobTask } from './job-runner.ts';
import { startOrphanWatchdog } from './orphan-watchdog.ts';

const stopping = new AbortController();
let busy = false;

async function run(task: JobTask): Promise<JobAnswer> {
  const [{ checkOf }, { withServedAddress }] = await Promise.all([import('./config-check.ts'), import('./served-address.ts')]);
  const snapshot = { dir: task.dir, files: new Map(task.files), hash: task.hash };
  const { result, config: checked } = checkOf(snapshot);
  if (task.kind === 'check') return { type: 'check', result };
  if (!checked) return { type: 'error', message: 'the configuration given to the job is not valid' };
  const config = withServedAddress(checked, task.served);
  const [{ systemClock }, { providersFromEnv }, { openMigrated }, { recordEvent }, { doWork }] = await Promise.all([
    import('../clock.ts'), import('../calendar/providers-from-env.ts'), import('../storage/database.ts'), import('./in-process-runner.ts'), import('./work.ts'),
  ]);
  const db = await openMigrated(task.dbFile);
  try {
    if (task.kind === 'event') return { type: 'event', result: await recordEvent(db, config, task.event!, systemClock.now()) };
    const report = await doWork(task.kind, { db, config, clock: systemClock, feedDir: task.feedDir, ports: providersFromEnv(), signal: stopping.signal });
    return { type: 'work', report };
  } finally {
    await db.destroy();
  }
}

function answer(a: JobAnswer): void {
  busy = false;
  if (process.connected) process.send!(a, () => stop());
  else stop();
}

/**
 * Stop: the work in flight finishes its calendar calls and answers (what it did not start
 * stays in the outbox); an idle process ends at once. The daemon kills the process group if
 * it does not end within its grace period (a job busy in a loop never reads "stop").
 */
function stop(): void {
  stopping.abort();
  if (busy) return;
  if (process.connected) process.disconnect();
  process.exit(0);
}

// "stop" from the daemon, the daemon gone (the IPC channel closed), or a signal sent to this
// process itself: all mean the same. Ctrl-C in the daemon's terminal does not reach this
// process (it leads its own process group): the daemon decides when a job stops.
process.on('message', (m: JobTask | 'stop') => {
  if (m === 'stop') return stop();
  if (stopping.signal.aborted) return answer({ type: 'error', message: 'the job process was stopping' });
  busy = true;
  run(m).then(answer, (error: unknown) => answer({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
});
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Let go of while this module was loading (the daemon is stopping): nothing to do.
if (!process.connected) stop();
// Loaded while the process waits for its task (a spare loads it while a save settles).
await import('./config-check.ts');
await startOrphanWatchdog(3_000);
// The daemon may have let go while this process was loading (it is stopping): nothing to do.
if (process.connected) process.send!('ready', () => undefined);
else stop();
