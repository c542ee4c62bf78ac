import { Worker } from 'node:worker_threads';
import type { Touch } from '../domain/types.ts';
import { BULK_LOAD_ROWS, enterBulkLoadJournal, leaveBulkLoadJournal, tableIsEmpty } from './bulk-load-journal.ts';
import { withOwnConnection, type DB } from './database.ts';
import { SNAPSHOT_IDS_PART, type SnapshotRequest } from './plan-snapshot-rows.ts';
import { emptySummary, type SaveSummary } from './plan-save-rules.ts';
import { INSERTED_VALUES } from './touch-rows-written.ts';
import type { LoadAnswer, LoadMessage, LoadStart } from './first-plan-load-worker-main.ts';
import { finishBeforeExit } from '../unfinished-writes.ts';

/**
 * A first plan (hundreds of thousands of touches into an empty table) is written by a thread of
 * its own while this one writes the plan out: better-sqlite3 is synchronous, so the rows, the
 * indexes built after them and the commit (4–5 s for a 10,000-client year) would otherwise come
 * before the output on the same core, and the machine has another. The thread is handed the rows
 * a few batches ahead of what it has taken (memory stays flat) and opens a connection of its own,
 * in the same transaction rules as savePlan's: everything or nothing, the indexes dropped and
 * made again, the plan's snapshot kept if no one wrote touches since its history was read. This
 * connection switches to the rollback journal first if it is the database's only one
 * (bulk-load-journal.ts), so the thread's connection opens in it; kysely's lock is held
 * throughout, so nothing else of this process uses the database meanwhile.
 *
 * Returns undefined, having done nothing (nor called `alongside`), when the table is not empty
 * or the database is not a file: savePlan then saves as usual. When both the load and
 * `alongside` fail, the load's error is the one thrown; when only `alongside` fails, the plan is
 * saved all the same (as when the output fails after savePlan) and its error is thrown.
 */
export async function loadFirstPlanInThread(
  db: DB, touches: readonly Touch[], nowIso: string, record: SnapshotRequest | undefined, alongside: () => Promise<void>,
): Promise<SaveSummary | undefined> {
  if (touches.length < BULK_LOAD_ROWS) return undefined;
  const outcome = await withOwnConnection(db, async (sqlite, file) => {
    if (file === ':memory:' || sqlite.inTransaction || !tableIsEmpty(sqlite, 'touches')) return undefined;
    const journal = enterBulkLoadJournal(sqlite);
    try {
      const thread = new LoaderThread({ file, nowIso, snapshot: record && { readAt: record.readAt, window: record.window } });
      try {
        let begun: Extract<LoadAnswer, { type: 'begun' }>;
        try {
          begun = expect(await thread.next(), 'begun');
        } catch (error) {
          // A thread that cannot start (an installation without its file, say) costs only time: saved here instead.
          // SQLite's own errors (a full disk, a locked file) are the database's, here as there.
          if (/^SQLITE_/.test(String((error as { code?: unknown }).code))) throw error;
          process.emitWarning(`the thread that writes a first plan did not start (${(error as Error).message}): written before it is shown instead`);
          return undefined;
        }
        if (!begun.empty) return undefined;
        // The rows first: the thread has its first batches before the output's first chunk is made.
        // Handed over as it settles (a failure a rejection): a process that ends early, its reader
        // gone, then ends with the command's exit code and error, not 0 (main.ts).
        const loading = finishBeforeExit(feed(thread, touches, record)).then(() => undefined, (error: unknown) => ({ error }));
        const showing = alongside().then(() => undefined, (error: unknown) => ({ error }));
        const loaded = await loading;
        const shown = await showing;
        // The load's error is explained as the database's (withOwnConnection); the output's is not about it.
        if (loaded) throw loaded.error;
        return { summary: { ...emptySummary(), inserted: touches.length }, shown };
      } finally {
        await thread.end();
      }
    } finally {
      if (journal) leaveBulkLoadJournal(sqlite);
    }
  });
  if (outcome?.shown) throw outcome.shown.error;
  return outcome?.summary;
}

/**
 * Rows per message to the thread, and how many messages may wait for it: a few megabytes held
 * for it at a time. A batch's ids are a part of the snapshot's (SNAPSHOT_IDS_PART, the same
 * size): the parts are then those of a save made in this thread.
 */
const BATCH = SNAPSHOT_IDS_PART;
const AHEAD = 3;

/** Hands the touches' rows to the thread as it takes them, then the snapshot with the end; resolves at the commit. */
async function feed(thread: LoaderThread, touches: readonly Touch[], record: SnapshotRequest | undefined): Promise<void> {
  let next = 0;
  let waiting = 0;
  while (next < touches.length || waiting > 0) {
    while (waiting < AHEAD && next < touches.length) {
      const end = Math.min(next + BATCH, touches.length);
      thread.send(encodeRows(touches, next, end));
      next = end;
      waiting++;
    }
    expect(await thread.next(), 'took');
    waiting--;
  }
  // A first plan's rows all reproduce their touches: none is kept apart in the snapshot.
  thread.send({ type: 'end', snapshot: record?.make(new Set()) });
  expect(await thread.next(), 'done');
}

/**
 * The rows of touches[from, to) as the thread takes them: each touch's own values (its id, title,
 * …: INSERTED_VALUES) in a list, row after row, and the values many touches share once in a
 * dictionary, each row's as indexes into it (handed over, not copied). Copied as arrays of
 * values, the 5.5 million strings of a 10,000-client year were serialised here and made again
 * there (0.7 s here, and a second of the thread's garbage collection).
 */
function encodeRows(touches: readonly Touch[], from: number, to: number): LoadMessage & { type: 'rows' } {
  const index = new Map<unknown, number>();
  const values: unknown[] = [];
  const own: unknown[] = [];
  const cells = new Uint32Array((to - from) * SHARED.length);
  let c = 0;
  for (let i = from; i < to; i++) {
    const t = touches[i]!;
    for (const of of OWN) own.push(of(t));
    for (const of of SHARED) {
      const v = of(t);
      let at = index.get(v);
      if (at === undefined) {
        at = values.length;
        values.push(v);
        index.set(v, at);
      }
      cells[c++] = at;
    }
  }
  return { type: 'rows', rows: to - from, own, values, cells, last: to === touches.length };
}

const OWN = INSERTED_VALUES.filter((v) => v.own).map((v) => v.of);
// (The thread takes them back in the same order: first-plan-load-worker-main.ts IS_OWN.)
const SHARED = INSERTED_VALUES.filter((v) => !v.own).map((v) => v.of);

/** The answer if it is of that type; the thread's failure (SQLite's error, its code kept) otherwise. */
function expect<K extends Exclude<LoadAnswer['type'], 'failed'>>(answer: LoadAnswer, type: K): Extract<LoadAnswer, { type: K }> {
  if (answer.type === 'failed') throw Object.assign(new Error(answer.message), { code: answer.code });
  if (answer.type !== type) throw new Error(`the first plan's loader answered ${answer.type} where ${type} was expected`);
  return answer as Extract<LoadAnswer, { type: K }>;
}

/** The thread, its answers taken one at a time in order; an error or an end of the thread is a failure. */
class LoaderThread {
  readonly #thread: Worker;
  readonly #answers: LoadAnswer[] = [];
  #waiter: { resolve: (a: LoadAnswer) => void; reject: (e: Error) => void } | undefined;
  #ended: Error | undefined;
  readonly #exited: Promise<void>;

  constructor(start: LoadStart) {
    // A small young generation: the thread's garbage is a batch's few thousand values at a time,
    // and the plan's own peak leaves little room under the process's (README, Performance).
    this.#thread = new Worker(new URL('./first-plan-load-worker.js', import.meta.url), { workerData: start, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    this.#thread.on('message', (a: LoadAnswer) => {
      if (this.#waiter) {
        this.#waiter.resolve(a);
        this.#waiter = undefined;
      } else this.#answers.push(a);
    });
    const stop = (e: Error) => {
      this.#ended ??= e;
      this.#waiter?.reject(e);
      this.#waiter = undefined;
    };
    this.#thread.on('error', stop);
    this.#exited = new Promise((resolve) => {
      this.#thread.once('exit', (code) => {
        stop(new Error(`the first plan's loader ended (exit code ${code}) before its answer`));
        resolve();
      });
    });
  }

  send(m: LoadMessage): void {
    // Posted to a thread that has ended, a message is dropped (its end is its answer).
    this.#thread.postMessage(m, m.type === 'rows' ? [m.cells.buffer as ArrayBuffer] : []);
  }

  next(): Promise<LoadAnswer> {
    const answer = this.#answers.shift();
    if (answer) return Promise.resolve(answer);
    if (this.#ended) return Promise.reject(this.#ended);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /**
   * Ends the thread and waits for it: asked to roll back whatever it has not committed (it closes
   * its connection, then ends), stopped if it does not within 10 s. Nothing more is asked of it.
   */
  async end(): Promise<void> {
    this.send({ type: 'abort' });
    const timer = setTimeout(() => void this.#thread.terminate(), 10_000);
    await this.#exited;
    clearTimeout(timer);
  }
}
