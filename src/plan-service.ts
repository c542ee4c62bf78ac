import { handOverOpenTouches } from './workflows/leavers-touches.ts';
import * as crypto from 'node:crypto';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DateTime } from 'luxon';
import type { Config, Touch } from './domain/types.ts';
import { MAX_PLAN_DAYS, planTouches, type PlanOptions, type PlanResult, type PlanWarning, type PlanWindow } from './planner/plan.ts';
import { addDays, addDuration, minDate } from './planner/dates.ts';
import { extendPlanReach, knownPlanReach, lastPlannedDay } from './storage/last-planned-day.ts';
import { handoverChains } from './domain/team.ts';
import type { DB } from './storage/database.ts';
import { loadHistory, savePlan, type SaveSummary } from './storage/touch-repository.ts';
import { withPlanLock } from './storage/work-locks.ts';
import { dialectOf } from './storage/dialect.ts';
import {
  forgetPlanSnapshot, keepsPlanSnapshots, readPlanSnapshot, readTouchesFingerprint, showSnapshotTouches, SnapshotRowMissing, type SnapshotRequest,
} from './storage/plan-snapshots.ts';
import type { TouchJson } from './storage/touch-rows.ts';
import { overdueRule } from './planner/overdue-rule.ts';
import { emptySummary, type SaveScope } from './storage/plan-save-rules.ts';
import { sourceApplies } from './domain/source-applies.ts';
import { clientById } from './domain/config-index.ts';
import { periodsOverlapping } from './planner/periods.ts';
import type { PlannerHistory } from './planner/history.ts';
import { boundHeapGrowth, collectAfterPlan } from './heap-growth.ts';

/** Today (in the company's zone) to today + settings.horizon: what goes into calendars. */
export function horizonWindow(config: Config, now: DateTime): PlanWindow {
  const from = now.setZone(config.settings.timezone).toISODate()!;
  return { from, to: addDuration(from, config.settings.horizon) };
}

/** A plan, what its save did (undefined when not saved), and the stored touches the save cancelled. */
export interface Planned {
  readonly result: PlanResult;
  readonly saved: SaveSummary | undefined;
  readonly cancelled: ReadonlySet<string>;
}

/**
 * Plans a window from the recorded history and, unless `save` is false, records the plan
 * (stable ids, pinned dates) so that later runs and `done`/`skip` find the same touches.
 * `alongside` is given the plan's touches while it is saved (savePlan's `alongside`: it must not
 * use the database), or once it is planned when it is not saved. With `throughRecorded` (the
 * passes: once, sync, the daemon's), a plan that is saved covers the window as far as anything
 * is recorded (recordedWindow), and its touches are those of that window.
 */
export async function planWithHistory(
  db: DB, config: Config, window: PlanWindow, now: DateTime, save: boolean, onlyClients?: readonly string[],
  alongside?: (touches: readonly Touch[]) => Promise<void>, throughRecorded = false,
): Promise<Planned> {
  if (!save) return planAndSave(db, config, window, now, save, onlyClients, alongside);
  // A plan that is saved is worked out and saved while no other process plans (daemons sharing
  // a PostgreSQL database). What goes with it (a plan printed to a `| less`) runs after, not
  // holding the others up; on SQLite (no lock) it runs beside the first plan's load, as before.
  if (alongside && dialectOf(db) === 'postgres') {
    const planned = await withPlanLock(db, () => planAndSave(db, config, window, now, save, onlyClients, undefined, throughRecorded));
    await alongside(planned.result.touches);
    return planned;
  }
  return withPlanLock(db, () => planAndSave(db, config, window, now, save, onlyClients, alongside, throughRecorded));
}

async function planAndSave(
  db: DB, config: Config, window: PlanWindow, now: DateTime, save: boolean, onlyClients?: readonly string[],
  alongside?: (touches: readonly Touch[]) => Promise<void>, throughRecorded = false,
): Promise<Planned> {
  const history = await loadHistory(db, onlyClients && { clients: onlyClients, heldFrom: window.from, holders: holdersOf(config, onlyClients) });
  // Read under the plan's lock, so no other plan records further meanwhile.
  const planned = save && throughRecorded ? await recordedWindow(db, window) : window;
  const result = planBounded(config, history, planned, now, { ...(onlyClients ? { onlyClients: new Set(onlyClients) } : {}), chainsAfterWindow: save && throughRecorded });
  const withSave = alongside && (() => alongside(result.touches));
  if (!save) {
    await withSave?.();
    return { result, saved: undefined, cancelled: new Set() };
  }
  const cancelled: string[] = [];
  const saved = await savePlan(db, toSave(result), planned, now.toUTC().toISO()!, { ...saveScope(config, now, onlyClients), cancelledInto: cancelled }, undefined, withSave);
  // The workflows' touches change hands with the plan's (a handover written or changed), and a
  // removed employee's open touches of the days before today with those after; the late ones
  // that no longer apply are cancelled, and counted with the plan's.
  saved.cancelled += await handOverOpenTouches(db, config, now);
  return { result, saved, cancelled: new Set(cancelled) };
}

/**
 * The window a pass's plan that saves covers: the one asked for (the horizon), its end taken on to the last day with
 * a planned touch of the planner recorded. A longer `plan` (the README's year) records touches the
 * horizon does not reach; re-planned only as far as the horizon, they kept a client's former
 * owner, or a client gone from the configuration, for months (its owner still "holding" it in
 * the dashboard and the reports). Covered, a change of the configuration moves, reassigns or
 * cancels them as it does the horizon's. The same end for a pass of some clients as for everyone's
 * (what re-planning all of them would give). Never past the last day a `plan` was asked for (its
 * reach): the planner records after a window's end what it moved there from inside it (a chain's
 * touch behind an earlier one done late: PlanResult.movedPast), and a window taken on to that
 * touch recorded every rule's touches of the days it took in, the next one further still. After
 * the reach, such a touch only moves with its chain (PlanOptions.chainsAfterWindow), until the
 * horizon, or a `plan` of its days, reaches it. The calendars and feeds still get the horizon
 * only (sync-calendars.ts takes its own window).
 */
export async function recordedWindow(db: DB, window: PlanWindow): Promise<PlanWindow> {
  const reach = await knownPlanReach(db, window.to);
  if (reach <= window.to) return window;
  const last = await lastPlannedDay(db, addDays(window.to, 1));
  if (last === undefined) return window;
  const to = minDate(last, reach);
  if (to <= window.to) return window;
  // No further than the planner plans at once (a touch moved ten years on by hand stays where it is).
  return { from: window.from, to: minDate(to, addDays(window.from, MAX_PLAN_DAYS - 1)) };
}

/** What a plan saves: its touches, and those it moved past its window (PlanResult.movedPast). */
function toSave(result: PlanResult): readonly Touch[] {
  return result.movedPast ? [...result.touches, ...result.movedPast] : result.touches;
}

/**
 * planTouches with the heap kept near what is live (heap-growth.ts): its growth bounded from the
 * first plan of the process, and one full collection after a large plan, whose working state
 * died with it. Every plan that plans goes through here (one read back from its snapshot does not).
 */
function planBounded(config: Config, history: PlannerHistory, window: PlanWindow, now: DateTime, options: PlanOptions = {}): PlanResult {
  boundHeapGrowth();
  const result = planTouches(config, history, window, now, options);
  collectAfterPlan(result.touches.length);
  return result;
}

/**
 * Everyone who can hold a touch of these clients: their teams (every role the configuration uses
 * is resolved into the team), and whoever takes over from one of them by a handover, as many
 * hops as the planner follows. Handover letters go from the leaver, the client's sales director or the successor — all
 * of them in that set.
 */
export function holdersOf(config: Config, clientIds: readonly string[]): string[] {
  const wanted = new Set(clientIds);
  const chainOf = handoverChains(config.handovers);
  const holders = new Set<string>();
  for (const c of config.clients) if (wanted.has(c.id)) for (const id of Object.values(c.team)) for (const at of chainOf(id)) holders.add(at);
  return [...holders];
}

function saveScope(config: Config, now: DateTime, onlyClients?: readonly string[]): SaveScope {
  return {
    onlyClients, clients: new Set(config.clients.map((c) => c.id)), leavers: new Set(config.handovers.map((h) => h.from)),
    applies: sourceApplies(config, now.setZone(config.settings.timezone).toISODate()!), periodOf: cadencePeriodOf(config),
  };
}

/** The period of a calendar rule's cadence as configured now that holds a day, for a client (plan-save-rules.ts cadenceChanged). */
function cadencePeriodOf(config: Config): NonNullable<SaveScope['periodOf']> {
  const rules = new Map(config.rules.filter((r) => r.anchor === 'calendar' && r.every && !r.after).map((r) => [`rule:${r.id}`, r]));
  return (source, clientId, day) => {
    const rule = rules.get(source);
    if (!rule) return undefined;
    return periodsOverlapping(rule.every!, day, day, clientById(config, clientId)?.since)[0]?.window;
  };
}

/** Bumped when what a snapshot's basis covers changes meaning: older snapshots no longer hold. */
const SNAPSHOT_VERSION = 1;

/**
 * This build of touchbase (its running module's size and time): an upgrade may plan differently
 * from the same inputs, so a snapshot made by another build never holds.
 */
const CODE_STAMP = (() => {
  try {
    const s = statSync(fileURLToPath(import.meta.url));
    return `${s.size}:${Math.round(s.mtimeMs)}`;
  } catch {
    return 'unknown';
  }
})();

/**
 * planWithHistory for a whole company's window, which reads the last plan of the same window
 * back from storage (db/migrations/0010_plan_snapshots.ts) instead of planning again when
 * nothing it depends on changed: the configuration, each zone's date (and the hour, when the
 * plan weighed slots against it), and the stored touches (none added, none with a history line
 * since, no plan saved that wrote anything). The touches come back in the plan's order with the
 * same fields (those their rows cannot give are kept whole in the snapshot), so the output is the
 * same as the plan's. Like the daemon's pass (sync/change-scope.ts), it takes a plan made from
 * its own saved result to be that result again.
 */
export function planWindowReusing(db: DB, config: Config, window: PlanWindow, now: DateTime, save: boolean, show: ShowTouches<Touch>): Promise<Reused>;
/** The same, where a touch read back may come as its JSON text (for `plan --format json`). */
export function planWindowReusing(db: DB, config: Config, window: PlanWindow, now: DateTime, save: boolean, show: ShowTouches<Touch | TouchJson>, asJson: true): Promise<Reused>;
export async function planWindowReusing(
  db: DB, config: Config, window: PlanWindow, now: DateTime, save: boolean, show: ShowTouches<Touch> | ShowTouches<Touch | TouchJson>, asJson = false,
): Promise<Reused> {
  const shown = async (result: PlanResult, cancelled: ReadonlySet<string> = new Set()) => {
    let ids: Set<string> | undefined;
    await show(result.touches, { has: (id) => (ids ??= new Set(result.touches.map((t) => t.id))).has(id) }, cancelled);
  };
  const today = now.setZone(config.settings.timezone).toISODate()!;
  // The passes keep what it records up to date as far as it goes (recordedWindow); what it records,
  // that is: from today on. A reach not known yet is first taken from what is recorded.
  if (save && window.to >= today) {
    await knownPlanReach(db, horizonWindow(config, now).to);
    await extendPlanReach(db, window.to);
  }
  if (window.from < today) {
    // A period that starts before today is shown whole and recorded from today on (recordedFrom).
    const history = await loadHistory(db);
    const planned = planBounded(config, history, window, now);
    // Not overdue either, unless recorded before (then it was in a calendar, and is late) — shown
    // so whether it is saved or not (--no-save showed January's never-recorded touches overdue).
    const result = { ...planned, touches: planned.touches.map((t) => (t.overdue && t.date < today && !history.pins.has(t.id) ? { ...t, overdue: false } : t)) };
    if (!save) {
      await shown(result);
      return { warnings: result.warnings, saved: undefined, reused: false, hourOfNow: result.hourOfNow };
    }
    const recorded = recordedFrom(window, today);
    const saved = recorded
      ? await savePlan(db, toSave(result).filter((t) => t.date >= recorded.from), recorded, now.toUTC().toISO()!, saveScope(config, now), undefined, (cancelled) => shown(result, cancelled))
      : (await shown(result), emptySummary());
    if (recorded) saved.cancelled += await handOverOpenTouches(db, config, now);
    return { warnings: result.warnings, saved, reused: false, hourOfNow: result.hourOfNow, recordedFrom: today };
  }
  if (!keepsPlanSnapshots(db)) {
    const { result, saved, cancelled } = await planWithHistory(db, config, window, now, save);
    await shown(result, cancelled);
    return { warnings: result.warnings, saved, reused: false, hourOfNow: result.hourOfNow };
  }
  const key = `${window.from}..${window.to}`;
  const basis = basisOf(config, now);
  const overdue = overdueRule(config, now);
  const snapshot = await readPlanSnapshot(db, key);
  const fingerprint = await readTouchesFingerprint(db);
  if (snapshot && (snapshot.basis === `${basis.day}|${fingerprint}` || snapshot.basis === `${basis.hour}|${fingerprint}`)) {
    // Shown as they are read (nothing is shown if a write came in since the fingerprint was read).
    let count = 0;
    const counted = function* (touches: Iterable<Touch | TouchJson>) {
      for (const t of touches) {
        count++;
        yield t;
      }
    };
    // Read as JSON text only when asked (asJson): otherwise every one is a Touch, as the first overload says.
    const showRead = show as ShowTouches<Touch | TouchJson>;
    const read = await showSnapshotTouches(db, snapshot, fingerprint, overdue, (touches, planned) => showRead(counted(touches), planned), asJson)
      .catch(async (error: unknown) => {
        // Not to fail the same way at the next run: that run plans again.
        if (error instanceof SnapshotRowMissing && save) await forgetPlanSnapshot(db, key);
        throw error;
      });
    if (read) {
      const saved = save ? { inserted: 0, rescheduled: 0, reassigned: 0, updated: 0, cancelled: 0, restored: 0, unchanged: count } : undefined;
      return { warnings: JSON.parse(snapshot.warnings) as PlanWarning[], saved, reused: true, hourOfNow: undefined };
    }
  }
  const history = await loadHistory(db);
  const result = planBounded(config, history, window, now);
  if (!save) {
    await shown(result);
    return { warnings: result.warnings, saved: undefined, reused: false, hourOfNow: result.hourOfNow };
  }
  const record: SnapshotRequest = {
    readAt: fingerprint,
    window: key,
    make: (apart) => {
      const whole: Touch[] = [];
      for (const t of result.touches) {
        if (apart.has(t.id) || overdue(t.status, t.employee, t.date, history.pins.get(t.id)?.overdueFrom ?? null) !== t.overdue) whole.push(t);
      }
      let first = window.from;
      let last = window.to;
      for (const t of result.touches) {
        if (t.date < first) first = t.date;
        if (t.date > last) last = t.date;
      }
      return {
        basis: result.hourOfNow ? basis.hour : basis.day,
        apart: JSON.stringify(whole), warnings: JSON.stringify(result.warnings), first_date: first, last_date: last,
      };
    },
  };
  // Shown while a first plan is written by a thread of its own, else after the save. A plan that
  // moved touches past its window saves them too, and keeps no snapshot (its touches are not all it saves).
  const saved = await savePlan(db, toSave(result), window, now.toUTC().toISO()!, saveScope(config, now), result.movedPast ? undefined : record, (cancelled) => shown(result, cancelled));
  saved.cancelled += await handOverOpenTouches(db, config, now);
  return { warnings: result.warnings, saved, reused: false, hourOfNow: result.hourOfNow };
}

/**
 * What prints a plan: its touches in the plan's order, as an iterable that may be read from
 * storage as it goes (read it once, before the promise settles), which ids the plan has, and
 * which stored touches its save cancelled (read before it, they are no longer what is planned).
 */
export type ShowTouches<T> = (touches: Iterable<T>, planned: { has(id: string): boolean }, cancelled?: ReadonlySet<string>) => Promise<void>;

/**
 * The part of a period a plan records: from today on. The touches of its days before today were
 * never asked of anyone — recorded, a plan of last year on a new database would make them all
 * overdue the next morning (moved into today's calendars by the hundred) and missed in every
 * report. Touches recorded there before (done, skipped, planned in time) stay as they are.
 */
export function recordedFrom(window: PlanWindow, today: string): PlanWindow | undefined {
  const from = window.from < today ? today : window.from;
  return from <= window.to ? { from, to: window.to } : undefined;
}

export interface Reused {
  readonly warnings: readonly PlanWarning[];
  readonly saved: SaveSummary | undefined;
  /** Whether the touches were read back from the window's last plan. */
  readonly reused: boolean;
  /** Whether the plan weighed slots against the hour of now (unknown when read back). */
  readonly hourOfNow: boolean | undefined;
  /** A period that starts before today is recorded from this day on (recordedFrom). */
  readonly recordedFrom?: string;
}

/** What a plan depends on besides the stored touches: the configuration and the date in every zone (or the instant). */
function basisOf(config: Config, now: DateTime): { day: string; hour: string } {
  const zones = [...new Set([config.settings.timezone, ...config.employees.map((e) => e.timezone)])].sort();
  const today = zones.map((z) => `${z}:${now.setZone(z).toISODate()}`).join(',');
  const configHash = crypto.createHash('sha256').update(JSON.stringify(config)).digest('base64url');
  const day = `v${SNAPSHOT_VERSION}|${CODE_STAMP}|${configHash}|${today}`;
  return { day, hour: `${day}|${now.toUTC().toISO()}` };
}
