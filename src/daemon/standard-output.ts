import { writeSync } from 'node:fs';

/**
 * The daemon's log lines to standard output, written at once and never waited on. A service
 * must not stop for its output: pino's default buffers and flushes at exit, and that flush
 * loops for ever when the reader is gone (sonic-boom retries every error of a synchronous
 * flush) — a daemon whose `| tee` died hung, deaf even to SIGTERM; a synchronous sonic-boom
 * instead sleeps and retries while a pipe is full, freezing the service behind a slow reader.
 * Here a full pipe (EAGAIN: standard output is non-blocking once Node has touched it) drops the
 * line, and the next line that gets through says how many were dropped; a reader gone (EPIPE,
 * or any other error) drops every line from then on. There is no buffer, so nothing to flush.
 */
export class StandardOutput {
  readonly #fd: number;
  #closed = false;
  #dropped = 0;

  constructor(fd = 1) {
    this.#fd = fd;
  }

  write(line: string): boolean {
    if (this.#closed) return true;
    if (this.#dropped > 0 && this.#put(`${JSON.stringify({ level: 40, time: Date.now(), pid: process.pid, msg: `${this.#dropped} log lines dropped: the reader of the output was too slow` })}\n`)) this.#dropped = 0;
    if (!this.#put(line)) this.#dropped++;
    return true;
  }

  /** Whether the whole line went out. */
  #put(line: string): boolean {
    let rest = Buffer.from(line);
    try {
      while (rest.length > 0) rest = rest.subarray(writeSync(this.#fd, rest));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
        // Cut part-way: end the cut line, so the next one starts on its own.
        if (rest.length < Buffer.byteLength(line)) this.#tryEnd();
        return false;
      }
      this.#closed = true;
      return false;
    }
  }

  #tryEnd(): void {
    try {
      writeSync(this.#fd, '\n');
    } catch {
      // Still full: the next line follows the cut one.
    }
  }
}
