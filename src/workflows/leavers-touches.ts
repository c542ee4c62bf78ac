import type { DateTime } from 'luxon';
import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import { employeeById } from '../domain/config-index.ts';
import { holderOn } from '../domain/team.ts';
import { handOverTouches, openWorkflowTouchesOf } from '../storage/touch-moves.ts';

/**
 * The workflows' open touches (an event's letter, a silence alert, an escalation, a digest) that
 * a leaver holds on a day from their handover on go to whoever holds their clients that day, at
 * the same day and time. Trigger and silence touches are given to the holder of their day when
 * made; a handover written after that (a leaver's last day is often entered late) left them in
 * the calendar of someone gone until they were overdue. The plan's own touches change hands when
 * it is made again; this runs after each plan that is saved, so both move at the same moment.
 * Late ones from before the leaver's day stay theirs: the overdue check gives them on.
 */
export async function handOverLeaversTouches(db: DB, config: Config, now: DateTime): Promise<number> {
  if (config.handovers.length === 0) return 0;
  const first = config.handovers.reduce((min, h) => (h.on < min ? h.on : min), config.handovers[0]!.on);
  const rows = await openWorkflowTouchesOf(db, [...new Set(config.handovers.map((h) => h.from))], first);
  const moves = rows.flatMap((touch) => {
    const to = holderOn(config.handovers, touch.employee_id, touch.date);
    return to !== touch.employee_id && employeeById(config, to) ? [{ touch, to }] : [];
  });
  return handOverTouches(db, moves, now.toUTC().toISO()!);
}
