import { once } from 'node:events';

/** Where commands print: the process by default, buffers in tests. */
export interface CliIO {
  out(text: string): void;
  /**
   * Bytes already encoded as UTF-8, the buffer the writer's own from then on (long outputs: see
   * format-touches.ts). Without it, they are decoded and given to out.
   */
  outBytes?(bytes: Uint8Array): void;
  err(text: string): void;
  /** Resolves when what was printed has been taken by the output (long outputs wait for it, so memory stays flat). */
  drain?(): Promise<void>;
}

/** Whether standard output's reader went away (main.ts): then nothing more is written to it. */
let outputClosed = false;

/** Whether this process goes on when its output's reader goes away (the daemon, a feed server). */
let outlives = false;

/**
 * A service outlives its output: a `| tee` or `| logger` that died, or a journald restarted,
 * must not stop the daemon (its feeds, links and API). What it would print is dropped.
 */
export function outliveOutput(): void {
  outlives = true;
}

export function outlivesOutput(): boolean {
  return outlives;
}

/** Marks standard output as gone; returns false if it already was. */
export function closeOutput(): boolean {
  if (outputClosed) return false;
  outputClosed = true;
  return true;
}

/** Whether standard error's reader went away (main.ts). */
let errorsClosed = false;

export function closeErrors(): void {
  errorsClosed = true;
}

export const processIO: CliIO = {
  out: (text) => {
    if (!outputClosed) process.stdout.write(text);
  },
  outBytes: (bytes) => {
    if (!outputClosed) process.stdout.write(bytes);
  },
  err: (text) => {
    if (!errorsClosed) process.stderr.write(text);
  },
  drain: async () => {
    // Drained, or gone (its error is main.ts's to handle).
    if (!outputClosed && process.stdout.writableNeedDrain) await Promise.race([once(process.stdout, 'drain'), once(process.stdout, 'close')]).catch(() => undefined);
  },
};
