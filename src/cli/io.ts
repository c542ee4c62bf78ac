import { once } from 'node:events';

/** Where commands print: the process by default, buffers in tests. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Resolves when what was printed has been taken by the output (long outputs wait for it, so memory stays flat). */
  drain?(): Promise<void>;
}

export const processIO: CliIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  drain: async () => {
    if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
  },
};
