import { DateTime } from 'luxon';

/**
 * An all-day event's reminder as Google and Exchange count it: real minutes before its local
 * midnight (the API's "minutes before the start"). Ours are a wall time (sync/desired-events.ts
 * allDayReminders: `D` days before, at the start of work, in minutes of 24-hour days), which a
 * feed's TRIGGER keeps as days; sent as they are, across a change of clocks a reminder came an
 * hour early or late ("14 days" before 31 March: 08:00, not 09:00 — QA).
 */
function exactMinutesBefore(start: DateTime, wallMinutes: number): number {
  const days = Math.ceil(wallMinutes / 1440);
  const at = days * 1440 - wallMinutes;
  const remindAt = start.minus({ days }).set({ hour: Math.floor(at / 60), minute: at % 60 });
  return Math.round(start.diff(remindAt, 'minutes').minutes);
}

const known = new Map<string, number[]>();

/**
 * An all-day event's reminders (wall minutes) as real minutes before its day's midnight in
 * `zone`. Worked out once per day, zone and list: a sync's thousands of all-day events share a
 * few dozen of them.
 */
export function allDayMinutesIn(date: string, zone: string, wallMinutes: readonly number[]): number[] {
  const key = `${date}|${zone}|${wallMinutes.join(',')}`;
  let minutes = known.get(key);
  if (!minutes) {
    const start = DateTime.fromISO(date, { zone });
    minutes = wallMinutes.map((m) => exactMinutesBefore(start, m));
    if (known.size > 100_000) known.clear();
    known.set(key, minutes);
  }
  return minutes;
}
