// A daemon job in its own thread: validate the configuration snapshot, or plan and sync.
import { parentPort, workerData } from 'node:worker_threads';
import { systemClock } from '../clock.ts';
import { providersFromEnv } from '../calendar/providers-from-env.ts';
import { openMigrated } from '../storage/database.ts';
import { checkOf, type WorkerAnswer, type WorkerTask } from './job-runner.ts';
import { doWork } from './work.ts';

const task = workerData as WorkerTask;
const stopping = new AbortController();
parentPort!.on('message', (m) => {
  if (m === 'stop') stopping.abort();
});

async function main(): Promise<WorkerAnswer> {
  const snapshot = { dir: task.dir, files: new Map(task.files), hash: task.hash };
  const { result, config } = checkOf(snapshot);
  if (task.kind === 'check') return { type: 'check', result };
  if (!config) return { type: 'error', message: 'the configuration given to the job is not valid' };
  const db = await openMigrated(task.dbFile);
  try {
    const report = await doWork(task.kind, { db, config, clock: systemClock, feedDir: task.feedDir, ports: providersFromEnv(), signal: stopping.signal });
    return { type: 'work', report };
  } finally {
    await db.destroy();
  }
}

main().then(
  (answer) => parentPort!.postMessage(answer),
  (error: unknown) => parentPort!.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies WorkerAnswer),
).finally(() => parentPort!.close());
