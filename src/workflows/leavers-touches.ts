import type { DateTime } from 'luxon';
import type { Config } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import { holderOn } from '../domain/team.ts';
import { employeesWithTouches, handOverTouches, openTouchesOf, openWorkflowTouchesOf } from '../storage/touch-moves.ts';
import { clientById, employeeById } from '../domain/config-index.ts';
import { heirOf } from './overdue.ts';

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

/**
 * The open touches of employees gone from the configuration without a handover go to whoever
 * holds the touch's role for its client today, at the same day and time (history: reassigned,
 * cause `plan`). The plan gives such an employee's touches from today on to them; those of the
 * days before (yesterday's call not marked yet) were in nobody's calendar until the overdue check
 * moved them, `overdue.after` days later. A touch with no such holder (a digest, an escalation)
 * stays: the overdue check and the reports still see it.
 */
export async function giveGoneEmployeesTouches(db: DB, config: Config, now: DateTime): Promise<number> {
  const known = new Set(config.employees.map((e) => e.id));
  const gone = (await employeesWithTouches(db)).filter((id) => !known.has(id));
  if (gone.length === 0) return 0;
  const today = now.setZone(config.settings.timezone).toISODate()!;
  const moves = (await openTouchesOf(db, gone)).flatMap((touch) => {
    const heir = heirOf(config, touch, clientById(config, touch.client_id), today);
    return heir ? [{ touch, to: heir.id, cause: 'plan' as const, detail: `from ${touch.employee_id}, no longer in the configuration` }] : [];
  });
  return handOverTouches(db, moves, now.toUTC().toISO()!);
}
