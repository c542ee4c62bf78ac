import type { DateTime } from 'luxon';
import { cancelInapplicableTouches } from './inapplicable-touches.ts';
import type { Config, Employee } from '../domain/types.ts';
import type { DB } from '../storage/database.ts';
import type { TouchRow } from '../storage/schema.ts';
import { holderOn } from '../domain/team.ts';
import { employeesWithTouches, handOverTouches, openTouchesOf, openWorkflowTouchesOf } from '../storage/touch-moves.ts';
import { touchesByIds } from '../storage/sync-queries.ts';
import { clientById, employeeById } from '../domain/config-index.ts';
import { addDays } from '../planner/dates.ts';
import { isoInZone, localToMs } from '../planner/zoned-time.ts';
import { escalatedTouchOf, heirOf } from './overdue.ts';
import { nextFreeStart, nextWorkday, wallClockOf, workflowTouchId } from './workflow-touch.ts';
import { heldTimes } from '../storage/workflow-repository.ts';

/**
 * After each plan that is saved, open touches of days before today whose rule or handover no
 * longer applies to their client are cancelled (inapplicable-touches.ts); then open touches that the plan does not make again change hands
 * with the plan's own: first those of employees gone from the configuration, then those of clients
 * whose team changed, then the leavers' (a gone employee's touch given to someone who has since
 * handed over moves on at once).
 * Returns how many were cancelled: the plan's save counts them with its own (a client removed
 * loses its late touches here and its later ones in the save, and the user reads one figure).
 */
export async function handOverOpenTouches(db: DB, config: Config, now: DateTime): Promise<number> {
  // What no longer applies goes first: cancelled, not given on.
  const cancelled = await cancelInapplicableTouches(db, config, now);
  await giveGoneEmployeesTouches(db, config, now);
  await giveReassignedClientsTouches(db, config, now);
  await handOverLeaversTouches(db, config, now);
  return cancelled;
}

/**
 * The workflows' open touches (an event's letter, a silence alert, an escalation, a digest) that
 * a leaver holds on a day from their handover on go to whoever holds their clients that day.
 * Trigger and silence touches are given to the holder of their day when made; a handover written
 * after that (a leaver's last day is often entered late) left them in the calendar of someone
 * gone until they were overdue. Late ones from before the leaver's day stay theirs: the overdue
 * check gives them on. An escalation is not given to the person whose touch it escalates.
 */
export async function handOverLeaversTouches(db: DB, config: Config, now: DateTime): Promise<number> {
  if (config.handovers.length === 0) return 0;
  const first = config.handovers.reduce((min, h) => (h.on < min ? h.on : min), config.handovers[0]!.on);
  const rows = await openWorkflowTouchesOf(db, [...new Set(config.handovers.map((h) => h.from))], first);
  const moves = rows.flatMap((touch) => {
    const to = employeeById(config, holderOn(config.handovers, touch.employee_id, touch.date));
    return to && to.id !== touch.employee_id ? [{ touch, holder: to }] : [];
  });
  return giveOn(db, config, moves, now);
}

/**
 * The open touches of employees gone from the configuration without a handover go to whoever
 * holds the touch's role for its client today (history: reassigned, cause `plan`). The plan
 * gives such an employee's touches from today on to them; those of the days before (yesterday's
 * call not marked yet) and the workflows' were in nobody's calendar until the overdue check moved
 * them, `overdue.after` days later. A touch with no such holder (a digest) stays.
 */
export async function giveGoneEmployeesTouches(db: DB, config: Config, now: DateTime): Promise<number> {
  const known = new Set(config.employees.map((e) => e.id));
  const gone = (await employeesWithTouches(db)).filter((id) => !known.has(id));
  if (gone.length === 0) return 0;
  const today = now.setZone(config.settings.timezone).toISODate()!;
  const moves = (await openTouchesOf(db, gone)).flatMap((touch) => {
    const heir = heirOf(config, touch, clientById(config, touch.client_id), today);
    return heir ? [{ touch, holder: heir, cause: 'plan' as const, detail: `from ${touch.employee_id}, no longer in the configuration` }] : [];
  });
  return giveOn(db, config, moves, now);
}

/**
 * The workflows' open touches of today on (an event's call, a silence alert, an escalation) at a
 * client whose role another holds now (its account manager changed in the CRM export): to whoever
 * holds that role for the client on the touch's day, as the plan gives its own touches. Left
 * with the former holder, they stayed in their calendar and kept the client on their dashboard.
 * A digest is its reader's and stays; one whose role nobody holds now stays too.
 */
export async function giveReassignedClientsTouches(db: DB, config: Config, now: DateTime): Promise<number> {
  const today = now.setZone(config.settings.timezone).toISODate()!;
  const moves = (await openWorkflowTouchesOf(db, 'anyone', today)).flatMap((touch) => {
    const heir = heirOf(config, touch, clientById(config, touch.client_id), touch.date);
    // Where a handover of its holder's already takes it, the leavers' step gives it on, as a handover.
    if (!heir || heir.id === holderOn(config.handovers, touch.employee_id, touch.date)) return [];
    return [{ touch, holder: heir, cause: 'plan' as const, detail: `from ${touch.employee_id}, who no longer holds that role for the client` }];
  });
  return giveOn(db, config, moves, now);
}

/** A touch to give on: to whom, and what its history line says. */
interface Move {
  readonly touch: TouchRow;
  readonly holder: Employee;
  readonly cause?: 'handover' | 'plan';
  readonly detail?: string;
}

/**
 * The moves made, each at the time retimed gives it among what its new holder already holds,
 * but for an escalation that would go to the person whose touch it escalates; how many changed hands.
 */
async function giveOn(db: DB, config: Config, moves: readonly Move[], now: DateTime): Promise<number> {
  const kept = await withoutSelfEscalations(db, moves);
  if (kept.length === 0) return 0;
  // Earliest first: the first to come takes the time, the next one goes after it.
  const ordered = [...kept].sort((a, b) => (a.touch.start_at < b.touch.start_at ? -1 : a.touch.start_at > b.touch.start_at ? 1 : a.touch.id < b.touch.id ? -1 : 1));
  const from = ordered.reduce((d, m) => (m.touch.date < d ? m.touch.date : d), ordered[0]!.touch.date);
  const to = ordered.reduce((d, m) => (m.touch.date > d ? m.touch.date : d), from);
  const held = await heldTimes(db, [...new Set(ordered.map((m) => m.holder.id))], from, addDays(to, FREE_TIME_DAYS));
  const given = ordered.map(({ touch, holder, cause, detail }) => {
    let busy = held.get(holder.id);
    if (!busy) held.set(holder.id, (busy = []));
    return { touch, to: retimed(config, touch, holder, busy), cause, detail };
  });
  return handOverTouches(db, given, now.toUTC().toISO()!);
}

/** How far after its day a touch given on looks for time its new holder has free. */
const FREE_TIME_DAYS = 14;

/**
 * Where a touch lands for its new holder: its day if that is a working day of theirs (else the
 * next one), at the same wall-clock time in their zone (the time it was written in, for someone
 * gone), as the overdue check moves a late touch — or, where they already hold that time
 * (`busy`, which takes this one's), at their next free time: a successor is not given a call on
 * top of one of their own.
 */
function retimed(config: Config, touch: TouchRow, holder: Employee, busy: [number, number][]): { employee: string; date: string; start: string; end: string } {
  const client = clientById(config, touch.client_id);
  const day = nextWorkday(config, holder, client, touch.date);
  if (touch.all_day) return { employee: holder.id, date: day, start: day, end: addDays(day, 1) };
  const { wallMinutes, durationMs } = wallClockOf(config, touch);
  const wanted = localToMs(holder.timezone, day, wallMinutes);
  const clash = busy.some(([s, e]) => s < wanted + durationMs && e > wanted);
  const { date, startMs } = clash ? nextFreeStart(config, holder, client, wanted, Math.ceil(durationMs / 60_000), busy) : { date: day, startMs: wanted };
  busy.push([startMs, startMs + durationMs]);
  return { employee: holder.id, date, start: isoInZone(startMs, holder.timezone), end: isoInZone(startMs + durationMs, holder.timezone) };
}

/**
 * An escalation goes up to someone about another's touch (an overdue meeting, a silent client's
 * alert): given on to that same person (a director handing over to the account manager), it
 * would ask them to chase themselves. Such a move is left out.
 */
async function withoutSelfEscalations<M extends { touch: TouchRow; holder: { id: string } }>(db: DB, moves: readonly M[]): Promise<readonly M[]> {
  const subjectOf = (t: TouchRow) => {
    if (!t.source.startsWith('escalation:')) return undefined;
    return escalatedTouchOf(t.series) ?? workflowTouchId(t.series.slice('escalation:'.length));
  };
  const subjects = [...new Set(moves.map((m) => subjectOf(m.touch)).filter((id) => id !== undefined))];
  if (subjects.length === 0) return moves;
  const holders = new Map((await touchesByIds(db, subjects)).map((r) => [r.id, r.employee_id]));
  const movedTo = new Map(moves.map((m) => [m.touch.id, m.holder.id]));
  return moves.filter((m) => {
    const subject = subjectOf(m.touch);
    if (subject === undefined) return true;
    const holder = movedTo.get(subject) ?? holders.get(subject);
    return holder !== m.holder.id;
  });
}
