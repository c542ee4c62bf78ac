// A daemon job in its own process: validate the configuration snapshot, or plan and sync.
// A check loads only the configuration code: a reload is answered sooner.
// The listeners come first and the configuration code is loaded after them, so that a "stop"
// or a closed channel during the load is not missed.
import type { Config } from '../domain/types.ts';
import type { CheckResult, JobAnswer, JobTask } from './job-runner.ts';
import { startOrphanWatchdog } from './orphan-watchdog.ts';
import { errorCodeOf } from '../storage/database-errors.ts';

const stopping = new AbortController();
let busy = false;

/**
 * The configuration a passed check read, kept for the job that follows it (the same files); or,
 * in a warm process, the configuration the daemon runs on, read ahead of the next job or edit.
 */
let kept: Read & { readonly config: Config } | undefined;
/** A warm-up in progress: a task waits for it (it may be reading the very files the task brings). */
let warming: Promise<void> = Promise.resolve();

/** A task's configuration files, checked: the configuration when they are valid. */
interface Read {
  readonly hash: string;
  readonly config: Config | undefined;
  readonly result: CheckResult;
}

async function readFiles(task: JobTask): Promise<Read> {
  const { checkOf } = await import('./config-check.ts');
  return { hash: task.hash, ...checkOf({ dir: task.dir, files: new Map(task.files), hash: task.hash }) };
}

async function run(task: JobTask): Promise<JobAnswer> {
  await warming;
  const { withServedAddress } = await import('./served-address.ts');
  // The same bytes check the same way: what was read ahead (or by the check before) is reused;
  // any other configuration kept is let go before these files are read (not both in memory).
  const ahead = kept?.hash === task.hash ? kept : undefined;
  kept = undefined;
  const read = ahead ?? await readFiles(task);
  if (task.kind === 'check') {
    if (!read.config || stopping.signal.aborted) return { type: 'check', result: read.result };
    // Stay for the sync of this configuration, its code loading meanwhile: an edit reaches
    // the calendars without reading 10,000 clients twice.
    kept = { ...read, config: read.config };
    void loadWork().catch(() => undefined);
    return { type: 'check', result: read.result, stays: true, readAhead: ahead !== undefined };
  }
  if (!read.config) return { type: 'error', message: 'the configuration given to the job is not valid' };
  const config = withServedAddress(read.config, task.served);
  const [{ systemClock }, { providersFromEnv }, { openMigrated }, { recordEvent }, { doWork }, { calendarRatesFromEnv }] = await loadWork();
  const db = await openMigrated(task.dbFile);
  try {
    if (task.kind === 'event') return { type: 'event', result: await recordEvent(db, config, task.event!, systemClock.now()) };
    const report = await doWork(task.kind, {
      db, config, clock: systemClock, feedDir: task.feedDir, ports: await providersFromEnv(), signal: stopping.signal, shared: task.shared,
      dispatch: { rates: calendarRatesFromEnv() },
    });
    return { type: 'work', report };
  } finally {
    await db.destroy();
  }
}

/**
 * Reads the configuration ahead, with the code of the jobs, so that the next edit's check reads
 * its files with code already compiled and the job after it starts at once (the daemon keeps one
 * such process for a while after each change: edits come in bursts). Not a task: no answer.
 */
function warmUp(task: JobTask): void {
  warming = warming.then(async () => {
    if (stopping.signal.aborted || kept?.hash === task.hash) return;
    kept = undefined; // the configuration it replaces: not both in memory
    const read = await readFiles(task);
    if (read.config) kept = { ...read, config: read.config };
    await loadWork();
    // The hashes of its clients and employees too, which the next pass compares (~0.1 s at 10,000 clients).
    if (read.config && !stopping.signal.aborted) (await import('../domain/config-hashes.ts')).readAhead(read.config);
    // Told to the daemon (its debug log, and the bench, which measures an edit made after this).
    if (process.connected && !stopping.signal.aborted) process.send!('warmed', () => undefined);
  }).catch(() => undefined);
}

function loadWork() {
  return Promise.all([
    import('../clock.ts'), import('../calendar/providers-from-env.ts').then(async (m) => (await m.loadProviderLibraries(), m)), import('../storage/database.ts'), import('./in-process-runner.ts'), import('./work.ts'),
    import('./shared-work.ts'),
  ]);
}

function answer(a: JobAnswer): void {
  busy = false;
  const stays = a.type === 'check' && a.stays === true;
  if (process.connected) process.send!(a, () => (stays ? undefined : stop()));
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
process.on('message', (m: JobTask | 'stop' | { readonly warm: JobTask }) => {
  if (m === 'stop') return stop();
  if ('warm' in m) return warmUp(m.warm);
  if (stopping.signal.aborted) return answer({ type: 'error', message: 'the job process was stopping' });
  busy = true;
  run(m).then(answer, (error: unknown) => answer({ type: 'error', message: error instanceof Error ? error.message : String(error), ...errorCodeOf(error) }));
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
