import type { Hours } from '../domain/types.ts';
import { localDateOf, localToMs } from './zoned-time.ts';

/** An interval of instants, epoch milliseconds, end exclusive. */
export type Interval = readonly [number, number];

/**
 * Working hours of one local day as instants: wall-clock times, so 09:00 stays 09:00 on
 * the day a DST change happens at night.
 */
export function workingInterval(zone: string, isoDate: string, hours: Hours): Interval {
  return [localToMs(zone, isoDate, hours.start), localToMs(zone, isoDate, hours.end)];
}

/**
 * The longest stretch inside the employee's working hours on `employeeDate` that is also
 * inside the client's working hours on a client working day, or undefined. The client's
 * local date may differ from the employee's (far-apart zones); each party's day is checked
 * in its own zone.
 */
export function sharedHours(
  employeeZone: string, employeeHours: Hours, employeeDate: string,
  clientZone: string, clientHours: Hours, isClientWorkday: (isoDate: string) => boolean,
): Interval | undefined {
  let best: Interval | undefined;
  for (const s of sharedStretches(employeeZone, employeeHours, employeeDate, clientZone, clientHours, isClientWorkday)) {
    if (!best || s[1] - s[0] > best[1] - best[0]) best = s;
  }
  return best;
}

/**
 * Every stretch of the employee's working hours on `employeeDate` inside the client's on a
 * client working day, earliest first: one, or two where the employee's day spans two of the
 * client's (zones far apart), or none.
 */
export function sharedStretches(
  employeeZone: string, employeeHours: Hours, employeeDate: string,
  clientZone: string, clientHours: Hours, isClientWorkday: (isoDate: string) => boolean,
): Interval[] {
  const [a, b] = workingInterval(employeeZone, employeeDate, employeeHours);
  const first = localDateOf(clientZone, a);
  const last = localDateOf(clientZone, b - 1);
  const stretches: Interval[] = [];
  for (const clientDate of first === last ? [first] : [first, last]) {
    if (!isClientWorkday(clientDate)) continue;
    const [c, d] = workingInterval(clientZone, clientDate, clientHours);
    const from = Math.max(a, c);
    const to = Math.min(b, d);
    if (to > from) stretches.push([from, to]);
  }
  return stretches;
}

/** Longest overlap in minutes over reference days in every season (winter and summer time). */
export function longestSharedHours(employeeZone: string, employeeHours: Hours, clientZone: string, clientHours: Hours): number {
  return sharedHoursOverYear(employeeZone, employeeHours, clientZone, clientHours).longest;
}

/**
 * The longest and the shortest working time an employee and a client share on a day, over a
 * year's seasons: where one zone keeps summer time and the other does not (Bucharest and
 * Moscow), the two differ by an hour.
 */
export function sharedHoursOverYear(employeeZone: string, employeeHours: Hours, clientZone: string, clientHours: Hours): { longest: number; shortest: number } {
  let longest = 0;
  let shortest = Number.POSITIVE_INFINITY;
  for (const date of ['2027-01-13', '2027-04-14', '2027-07-14', '2027-10-13']) {
    const shared = sharedHours(employeeZone, employeeHours, date, clientZone, clientHours, () => true);
    const minutes = shared ? (shared[1] - shared[0]) / 60_000 : 0;
    longest = Math.max(longest, minutes);
    shortest = Math.min(shortest, minutes);
  }
  return { longest, shortest };
}
