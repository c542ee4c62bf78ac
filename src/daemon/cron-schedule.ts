import { DateTime } from 'luxon';
import { createTask, parse, type ScheduledTask } from 'node-cron';

/**
 * A five-field cron expression in one time zone that answers "the first tick after this
 * instant" for any instant given (croner's `nextRun(prev)`), so the run loop can compare
 * the expected with the actual time and tests can use fixed instants. node-cron parses the
 * expression and decides whether an instant matches (its day-of-month, weekday and `L`
 * rules); the walk over candidate times is ours, in luxon, because node-cron only answers
 * "next" from the machine's clock.
 */
export class CronSchedule {
  readonly expression: string;
  readonly zone: string;
  readonly #minutes: number[];
  readonly #hours: number[];
  readonly #task: ScheduledTask;

  constructor(expression: string, zone: string) {
    const fields = parse(expression);
    this.expression = expression;
    this.zone = zone;
    this.#minutes = [...fields.minute].sort((a, b) => a - b);
    this.#hours = [...fields.hour].sort((a, b) => a - b);
    // A task that is never started: only its matcher is used.
    this.#task = createTask(expression, () => undefined, { timezone: zone });
  }

  /**
   * The first tick strictly after `after`. A local time that does not exist (the hour skipped
   * when clocks go forward) has no tick; a local time that happens twice (clocks go back) ticks once.
   */
  nextAfter(after: DateTime): DateTime {
    const local = after.setZone(this.zone);
    let day = local.startOf('day');
    // On the first day, wall times before `after` cannot be later than it: skip them cheaply.
    let floor = local.hour * 60 + local.minute;
    // Five years covers "29 February on a Monday" and the like; beyond that the expression never fires.
    for (let i = 0; i < 366 * 5; i++, day = day.plus({ days: 1 }), floor = -1) {
      let dayChecked = false;
      for (const hour of this.#hours) {
        for (const minute of this.#minutes) {
          if (hour * 60 + minute < floor && dayChecked) continue;
          const t = day.set({ hour, minute, second: 0, millisecond: 0 });
          if (t.hour !== hour || t.minute !== minute) continue; // skipped by a DST gap
          if (!dayChecked) {
            // Every hour and minute tried is allowed, so a mismatch here is the day's (weekday, day of month, month).
            if (!this.#task.match(t.toJSDate())) break;
            dayChecked = true;
          }
          if (t > after) return t;
        }
        if (!dayChecked) break;
      }
    }
    throw new Error(`the schedule "${this.expression}" has no time in the next five years`);
  }

  /** Releases node-cron's registry entry. */
  dispose(): void {
    void this.#task.destroy();
  }
}

/** The expression's next `count` ticks after `after`, for status output. */
export function upcoming(schedule: CronSchedule, after: DateTime, count: number): DateTime[] {
  const out: DateTime[] = [];
  let t = after;
  for (let i = 0; i < count; i++) out.push((t = schedule.nextAfter(t)));
  return out;
}
