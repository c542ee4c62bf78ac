/**
 * How many business events are worked on at once, and how many may wait. Each is a job process
 * that reads the configuration (about 200 MB at 10,000 clients); a CRM's burst of webhooks
 * started one per request, 30 at once took 3 GB, and they fought over the database's lock (QA).
 * Those over the waiting room are told to come back (503, Retry-After): a sender's retry of the
 * same ref records nothing twice.
 */
export class EventGate {
  readonly #concurrency: number;
  readonly #maxWaiting: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(concurrency = 2, maxWaiting = 50) {
    this.#concurrency = concurrency;
    this.#maxWaiting = maxWaiting;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#concurrency) {
      if (this.#waiting.length >= this.#maxWaiting) throw new EventsBusyError(this.#maxWaiting);
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else this.#running++;
    try {
      return await work();
    } finally {
      // The slot goes to the next waiting event, or is freed.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}

/** More events wait than the gate keeps: nothing was recorded; the sender tries again later. */
export class EventsBusyError extends Error {
  /** Read by the HTTP layer: a 503 with Retry-After, not a 500. */
  readonly tryAgainLater: string;

  constructor(waiting: number) {
    super(`${waiting} business events are already waiting to be recorded; nothing was recorded`);
    this.tryAgainLater = this.message;
  }
}
