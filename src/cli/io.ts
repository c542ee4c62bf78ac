import { once } from 'node:events';
import { fstatSync, writeSync } from 'node:fs';
import { CommandFailedError } from './cli-error.ts';
import { refusalOf, refusalWords } from '../file-system-refusal.ts';

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

/**
 * Standard output is a file (`touchbase plan --format json > plan.json`): written here whole, or
 * the command fails. Node's own writer for a file takes a short write (the disk filling up) for
 * all of it: the file was cut off mid-object and the command ended 0 (QA).
 */
const outputIsFile = (() => {
  try {
    return fstatSync(1).isFile();
  } catch {
    return false;
  }
})();

function writeWhole(bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) {
    let n: number;
    try {
      n = writeSync(1, bytes, done, bytes.length - done);
    } catch (error) {
      throw outputFailed((error as NodeJS.ErrnoException).code ?? 'EIO');
    }
    // Nothing taken and no error: a full disk, as the next write would say.
    if (n === 0) throw outputFailed('ENOSPC');
    done += n;
  }
}

/** The output could not be written: the command fails, saying so and what to do. */
export function outputFailed(code: string): CommandFailedError {
  const words = refusalWords(code);
  const why = !words ? ` (${code})` : `: where it goes ${words}${refusalOf(code) === 'full' ? ': free space on that disk (df -h) and run it again' : ''}`;
  return new CommandFailedError(`cannot write the output${why}; what was written of it is incomplete`);
}

export const processIO: CliIO = {
  out: (text) => {
    if (outputClosed) return;
    if (outputIsFile && !outlives) writeWhole(Buffer.from(text));
    else process.stdout.write(text);
  },
  outBytes: (bytes) => {
    if (outputClosed) return;
    if (outputIsFile && !outlives) writeWhole(bytes);
    else process.stdout.write(bytes);
  },
  err: (text) => {
    if (!errorsClosed) process.stderr.write(text);
  },
  drain: async () => {
    // Drained, or gone (its error is main.ts's to handle).
    if (!outputClosed && process.stdout.writableNeedDrain) await Promise.race([once(process.stdout, 'drain'), once(process.stdout, 'close')]).catch(() => undefined);
  },
};
