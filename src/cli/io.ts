import { once } from 'node:events';

/** Where commands print: the process by default, buffers in tests. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Resolves when what was printed has been taken by the output (long outputs wait for it, so memory stays flat). */
  drain?(): Promise<void>;
}

/** Whether standard output's reader went away (main.ts): then nothing more is written to it. */
let outputClosed = false;

/** Marks standard output as gone; returns false if it already was. */
export function closeOutput(): boolean {
  if (outputClosed) return false;
  outputClosed = true;
  return true;
}

export const processIO: CliIO = {
  out: (text) => {
    if (!outputClosed) process.stdout.write(text);
  },
  err: (text) => process.stderr.write(text),
  drain: async () => {
    // Drained, or gone (its error is main.ts's to handle).
    if (!outputClosed && process.stdout.writableNeedDrain) await Promise.race([once(process.stdout, 'drain'), once(process.stdout, 'close')]).catch(() => undefined);
  },
};
