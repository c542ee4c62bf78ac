import { Worker } from 'node:worker_threads';
import type { PageRequest, RenderedResponse } from './page-types.ts';
import type { RenderAnswer } from './render-worker-main.ts';

export interface RendererOptions {
  /** A renderer unused this long ends its thread (its memory goes back); the next page starts one. */
  readonly idleMs?: number;
  /** A page not rendered within this long is answered with an error (and the thread replaced). */
  readonly timeoutMs?: number;
}

/**
 * Renders dashboard pages in a worker thread with its own read-only database connection.
 * Started on the first page (or ahead, when someone opens the sign-in page), ended after a
 * while unused, replaced when it fails or hangs.
 */
export class PageRenderer {
  readonly #dbFile: string;
  readonly #idleMs: number;
  readonly #timeoutMs: number;
  #worker: { thread: Worker; ready: Promise<void> } | undefined;
  readonly #pending = new Map<number, { resolve: (r: RenderedResponse) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  #seq = 0;
  #idle: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(dbFile: string, o: RendererOptions = {}) {
    this.#dbFile = dbFile;
    this.#idleMs = o.idleMs ?? 10 * 60_000;
    this.#timeoutMs = o.timeoutMs ?? 20_000;
  }

  async render(request: PageRequest): Promise<RenderedResponse> {
    if (this.#closed) throw new Error('the dashboard renderer is closed');
    const worker = this.#start();
    clearTimeout(this.#idle);
    await worker.ready;
    const id = ++this.#seq;
    return new Promise<RenderedResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`the dashboard page took longer than ${this.#timeoutMs} ms`));
        // A renderer stuck on one page would hold up every other: start afresh.
        void this.#stop(worker.thread, new Error('the dashboard renderer was restarted after a page timed out'));
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      worker.thread.postMessage({ id, request });
    });
  }

  /** Starts the thread ahead of the first page (it takes a few seconds to load). */
  warm(): void {
    if (this.#closed) return;
    this.#start();
    if (this.#pending.size === 0) this.#armIdle();
  }

  #start(): { thread: Worker; ready: Promise<void> } {
    if (this.#worker) return this.#worker;
    // A small young generation: pages make short-lived strings, and collecting them often keeps the
    // daemon's memory near its idle size; the old generation's cap is a guard against a runaway page.
    const thread = new Worker(new URL('./render-worker.js', import.meta.url), {
      workerData: { dbFile: this.#dbFile }, resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 384 },
    });
    // The daemon's own lifetime decides; an idle renderer never keeps the process up.
    thread.unref();
    const ready = new Promise<void>((resolve, reject) => {
      thread.once('message', () => resolve());
      thread.once('error', reject);
      thread.once('exit', (code) => reject(new Error(`the dashboard renderer ended (exit code ${code}) before it was ready`)));
    });
    ready.catch(() => undefined);
    thread.on('message', (m: RenderAnswer | 'ready') => {
      if (m === 'ready') return;
      const pending = this.#pending.get(m.id);
      if (!pending) return;
      this.#pending.delete(m.id);
      clearTimeout(pending.timer);
      if ('error' in m) pending.reject(new Error(m.error));
      else pending.resolve(m.response);
      if (this.#pending.size === 0) this.#armIdle();
    });
    thread.on('error', (error) => void this.#stop(thread, error));
    thread.on('exit', () => void this.#stop(thread, new Error('the dashboard renderer ended')));
    this.#worker = { thread, ready };
    return this.#worker;
  }

  #armIdle(): void {
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => {
      if (this.#pending.size === 0 && this.#worker) void this.#stop(this.#worker.thread, new Error('idle'));
    }, this.#idleMs);
    this.#idle.unref();
  }

  async #stop(thread: Worker, reason: Error): Promise<void> {
    if (this.#worker?.thread !== thread) return;
    this.#worker = undefined;
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(reason);
      this.#pending.delete(id);
    }
    await thread.terminate();
  }

  /** Ends the thread (at the daemon's stop). Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#idle);
    if (this.#worker) await this.#stop(this.#worker.thread, new Error('the dashboard renderer is closed'));
  }

  /** Whether a thread is running now (for tests and the bench). */
  get running(): boolean {
    return this.#worker !== undefined;
  }
}
