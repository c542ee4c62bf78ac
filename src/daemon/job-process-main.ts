// A daemon job in its own process: validate the configuration snapshot, or plan and sync.
// A check loads only the configuration code: a reload is answered sooner.
import type { JobAnswer, JobTask } from './job-runner.ts';
import { checkOf } from './config-check.ts';

const stopping = new AbortController();

async function run(task: JobTask): Promise<JobAnswer> {
  const snapshot = { dir: task.dir, files: new Map(task.files), hash: task.hash };
  const { result, config } = checkOf(snapshot);
  if (task.kind === 'check') return { type: 'check', result };
  if (!config) return { type: 'error', message: 'the configuration given to the job is not valid' };
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
  if (process.connected) process.send!(a, () => process.disconnect());
}

// Ctrl-C and a service manager's SIGTERM reach the whole process group: the daemon decides
// when a job stops (it sends "stop"); if the daemon is gone, the job stops the same way.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
process.on('disconnect', () => stopping.abort());
process.on('message', (m: JobTask | 'stop') => {
  if (m === 'stop') {
    stopping.abort();
    return;
  }
  run(m).then(answer, (error: unknown) => answer({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
});
process.send!('ready');
