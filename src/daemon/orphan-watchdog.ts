import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/**
 * Ends this job process if the daemon that started it is gone (killed with SIGKILL, crashed)
 * while the job's own thread is too busy to notice: a worker thread watches the parent pid
 * and, once it changed (the process was re-parented) and `graceMs` passed without the process
 * ending by itself, kills the process group. A job busy in a loop cannot be left behind.
 * Resolves once the watch is armed: before that, the job must not start.
 */
export async function startOrphanWatchdog(graceMs: number, everyMs = 500): Promise<Worker> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const parent = process.ppid;
    const timer = setInterval(() => {
      if (process.ppid === parent) return;
      clearInterval(timer);
      setTimeout(() => {
        try { process.kill(-process.pid, 'SIGKILL'); } catch { process.kill(process.pid, 'SIGKILL'); }
      }, workerData.graceMs);
    }, workerData.everyMs);
    parentPort.postMessage('armed');
  `;
  // No loader hooks in it (execArgv: []): it starts in milliseconds and needs nothing of the job.
  const worker = new Worker(code, { eval: true, workerData: { graceMs, everyMs }, execArgv: [] });
  await once(worker, 'message');
  worker.unref(); // it never keeps the process alive by itself
  return worker;
}
