import { DateTime } from 'luxon';
import type { Clock } from '../../src/clock.ts';

/** A clock that moves only when the test says so (forward or back). */
export class ManualClock implements Clock {
  #now: DateTime;

  constructor(start: string | DateTime) {
    this.#now = typeof start === 'string' ? DateTime.fromISO(start, { setZone: true }) : start;
  }

  now(): DateTime {
    return this.#now;
  }

  set(to: string | DateTime): void {
    this.#now = typeof to === 'string' ? DateTime.fromISO(to, { setZone: true }) : to;
  }

  advance(ms: number): void {
    this.#now = this.#now.plus({ milliseconds: ms });
  }
}
