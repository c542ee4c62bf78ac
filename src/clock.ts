import { DateTime } from 'luxon';

/** The only source of "now" in touchbase; tests and `--now` pass a fixed one. */
export interface Clock {
  now(): DateTime;
}

export const systemClock: Clock = { now: () => DateTime.now() };

export function fixedClock(instant: DateTime): Clock {
  return { now: () => instant };
}
