import { DateTime } from 'luxon';
import { TIMED_KINDS, type Client, type Config, type Employee, type Handover, type Rule, type Touch } from '../domain/types.ts';
import { contactsFor, selects } from '../domain/selector.ts';
import { fillTitle } from '../domain/title-template.ts';
import { approximateDays } from '../domain/duration.ts';
import { own } from '../domain/safe-keys.ts';
import { addDays, addDuration, assertIsoDate, daysBetween, lastStepBefore, localDate, maxDate, minDate } from './dates.ts';
import { campaignDemands } from './campaign-demands.ts';
import { demand, titleValue, type Demand, type UnitOwn, type Window } from './demand.ts';
import { handoverDemands } from './handover-demands.ts';
import { resolutionOrder, type Pin, type PlannerHistory, type Resolution } from './history.ts';
import { chainIdentity, chainSources, chainStart } from './chain-start.ts';
import { overflowSpan, Placer, type Placement, type PlacementRequest } from './placement.ts';
import { calendarRuleDemands, ruleShared, ruleUnits, STEP_DAYS } from './rule-demands.ts';
import { periodsOverlapping } from './periods.ts';
import { WorkCalendar } from './work-calendar.ts';
import { MinHeap } from './min-heap.ts';
import { MAX_PLAN_TOUCHES, planSize, type PlanSize } from './plan-size.ts';
import { touchKey } from '../domain/touch-id.ts';
import { epochDay, isoInZone } from './zoned-time.ts';

export interface PlanWindow {
  /** First local date, inclusive. */
  readonly from: string;
  /** Last local date, inclusive. */
  readonly to: string;
}

export interface PlanWarning {
  readonly touch: string;
  readonly source: string;
  readonly client: string;
  /** Whose touch it is (absent in plans recorded before it was kept: shown to everyone's filter). */
  readonly employee?: string;
  readonly window: { readonly from: string; readonly to: string };
  readonly message: string;
  /** A sequence step whose days passed before it was ever planned, too late to place from today (#lateStep). */
  readonly missedStep?: true;
}

export interface PlanResult {
  readonly touches: readonly Touch[];
  readonly warnings: readonly PlanWarning[];
  /**
   * Whether the plan may differ at another hour of the same day (a slot or an end within a day
   * of `now` was weighed against it); false: every `now` with the same date in every zone gives it.
   */
  readonly hourOfNow?: boolean;
  /**
   * Touches recorded on a day of the window that the plan now puts after it (#recordedInWindow),
   * and a chain's recorded after it that move with it (#movedAfter): to be saved on their new
   * day, not shown — a plan of the same window made after that save does not list them either,
   * and a plan is what its window holds.
   */
  readonly movedPast?: readonly Touch[];
}

/** Where a chain of `anchor: last` touches is in its walk. */
interface ChainCursor {
  /** The chain's place among chains due the same day (a hash of its series, not the clients' order). */
  readonly order: number;
  readonly rule: Rule;
  readonly spread: number;
  readonly shared: ReturnType<typeof ruleShared>;
  readonly unit: UnitOwn;
  readonly base: string;
  anchorDate: string | undefined;
  k: number;
  /** The place of the chain's first touch after the last resolved one (chain-start.ts): only it can be overdue. */
  readonly first: number;
}

/** A plan that would hold more touches than MAX_PLAN_TOUCHES: refused before anything is planned. */
export class PlanTooLargeError extends Error {
  constructor(readonly size: PlanSize, readonly window: PlanWindow) {
    super(`the plan of ${window.from} to ${window.to} would hold about ${size.touches.toLocaleString('en')} touches, more than the ${MAX_PLAN_TOUCHES.toLocaleString('en')} `
      + `touchbase plans at once${size.largest ? ` (${size.largest.source} makes about ${size.largest.touches.toLocaleString('en')} of them: check its \`every\` and whom it reaches)` : ''}; `
      + 'plan a shorter period (--from/--to), or make the cadence less frequent');
    this.name = 'PlanTooLargeError';
  }
}

/** How far a chain of `anchor: last` touches is projected at most (a safety stop). */
const MAX_CHAIN = 400;
/** The longest window planned at once: ten years (the horizon is at most three). */
export const MAX_PLAN_DAYS = 3660;

export interface PlanOptions {
  /**
   * Re-plan only these clients (after a change to them): the recorded meetings and calls
   * of everyone else stay where they are and take their employees' time.
   */
  readonly onlyClients?: ReadonlySet<string>;
  /**
   * Walk each chain on through its touches recorded after the window, and save those it moves
   * (#recordedAfter): for the passes, after whose window only such touches are recorded. Not for
   * a `plan` of some days, after which a year may be recorded that it does not see.
   */
  readonly chainsAfterWindow?: boolean;
}

/**
 * The contact plan: every touch due in [window.from, window.to] (plus overdue `anchor: last`
 * touches before it), pure in its inputs. `now` decides what is overdue and keeps new
 * touches out of the past.
 */
/** A recorded timed touch's start (epoch ms), from the pin's number or its ISO instant; undefined for all-day. */
function startOf(pin: Pin): number | undefined {
  return pin.startMs ?? (pin.start ? DateTime.fromISO(pin.start).toMillis() : undefined);
}

export function planTouches(config: Config, history: PlannerHistory, window: PlanWindow, now: DateTime, options: PlanOptions = {}): PlanResult {
  assertIsoDate(window.from, 'plan window, first day');
  assertIsoDate(window.to, 'plan window, last day');
  if (window.to < window.from) return { touches: [], warnings: [] };
  if (daysBetween(window.from, window.to) >= MAX_PLAN_DAYS) throw new RangeError(`a plan window of at most ${MAX_PLAN_DAYS} days (ten years), found ${window.from} to ${window.to}`);
  if (!now.isValid) throw new RangeError('the time to plan from is not a valid instant');
  const only = options.onlyClients;
  const after = options.chainsAfterWindow === true;
  const planned = only ? { ...config, clients: config.clients.filter((c) => only.has(c.id)) } : config;
  const size = planSize(planned, window);
  if (size.touches > MAX_PLAN_TOUCHES) throw new PlanTooLargeError(size, window);
  return new PlanRun(planned, history, window, now, only, after).run();
}

/**
 * The contacts that two rules' meetings or calls can reach (a buyer of the monthly calls and of
 * the check-ins): the only ones whose days the placer keeps apart. A rule's `for` is asked as on
 * today and as on no day (a client onboarding now is active later in the window), so that a stage
 * changing within the plan's window keeps them in.
 */
function sharedContacts(config: Config, today: string): ReadonlySet<string> {
  const timed = config.rules.filter((r) => TIMED_KINDS.has(r.kind));
  const shared = new Set<string>();
  if (timed.length < 2) return shared;
  for (const client of config.clients) {
    // A client's contacts are its own: counted client by client (a rule reaches each contact once).
    let rules: Map<string, number> | undefined;
    for (const rule of timed) {
      if (!selects(rule.for, client, today) && !selects(rule.for, client, undefined)) continue;
      for (const contact of contactsFor(rule.theirs, client.contacts)) {
        rules ??= new Map();
        const n = (rules.get(contact.id) ?? 0) + 1;
        rules.set(contact.id, n);
        if (n === 2) shared.add(contact.id);
      }
    }
  }
  return shared;
}

class PlanRun {
  readonly #calendar: WorkCalendar;
  readonly #placer: Placer;
  readonly #employees: Map<string, Employee>;
  readonly #handoverFrom: Map<string, Handover>;
  readonly #today = new Map<string, string>();
  readonly #touches: Touch[] = [];
  readonly #movedPast: Touch[] = [];
  /** Start instant of each touch in #touches (-1 for all-day), for sorting. */
  readonly #startMs: number[] = [];
  readonly #seeds: number[] = [];
  readonly #nowMs: number;
  readonly #warnings: PlanWarning[] = [];
  /** The sources of `anchor: last` rules: their touches' days move with the chain (PlacementRequest.movable). */
  readonly #lastAnchored: ReadonlySet<string>;
  /** The sources of one-off sequence steps (rules with `after`): see #lateStep. */
  readonly #steps: ReadonlySet<string>;
  /** The contacts two rules' meetings or calls can reach (sharedContacts): the only ones the placer keeps apart. */
  readonly #shared: ReadonlySet<string>;
  #nearNow = false;

  constructor(
    private readonly config: Config,
    private readonly history: PlannerHistory,
    private readonly window: PlanWindow,
    private readonly now: DateTime,
    private readonly onlyClients?: ReadonlySet<string>,
    private readonly chainsAfterWindow = false,
  ) {
    this.#calendar = new WorkCalendar(config.settings.workdays, config.settings.calendarChanges);
    this.#shared = sharedContacts(config, localDate(now, config.settings.timezone));
    this.#placer = new Placer(this.#calendar, this.#shared);
    this.#employees = new Map(config.employees.map((e) => [e.id, e]));
    this.#handoverFrom = new Map(config.handovers.map((h) => [h.from, h]));
    this.#nowMs = now.toMillis();
    this.#lastAnchored = chainSources(config);
    this.#steps = new Set(config.rules.filter((r) => r.after !== undefined).map((r) => `rule:${r.id}`));
  }

  run(): PlanResult {
    const { from, to } = this.window;
    this.#reserveHeld(this.onlyClients);
    // Meetings and calls compete for slots, so the order is: first what each person already
    // holds where it is (done, moved by them, or planned and still valid); then touches that
    // change hands (a new owner, a handover) kept at their hour where the new holder is free;
    // then whatever is new, around all that. Nobody's planned call is displaced by another's
    // change — and re-planning some clients gives what re-planning all of them would.
    const later: Demand[] = [];
    const take = (demanded: Demand) => {
      const d = this.#announcing(demanded);
      if (this.#doneUnderAnotherCadence(d)) return;
      if (this.#lateNotice(d)) return;
      if (this.#lateStep(d, later)) return;
      // A cancelled touch coming back (its client back in the export) takes its day only after
      // every touch still in a calendar is kept, the chains' too: re-planned with its client alone,
      // it could not have displaced them, and a full plan must give the same (QA: it moved another
      // client's check-in call off its day).
      if (this.history.pins.get(d.id)?.cancelled || !this.#keepPinned(d, false, true)) later.push(d);
    };
    calendarRuleDemands(this.config, from, to, this.#todayOf(undefined), take);
    campaignDemands(this.config, from, to, this.#todayOf(undefined), take);
    handoverDemands(this.config, this.#calendar, from, to, this.#todayOf(undefined), take);
    const chains = this.#keepChains();
    const fresh: Demand[] = [];
    for (const d of later) {
      if (this.#keepPinned(d)) continue;
      // All-day touches take no one's time: each goes straight to its day.
      if (d.durationMinutes === 0) this.#placeFresh(d);
      else fresh.push(d);
    }
    // Each demand is let go once placed (a touch keeps nothing of it): a year of a 10,000-client
    // company is 364,000 of them, which need not all live until the plan's end.
    later.length = 0;
    // The chains' recorded touches changing hands are kept too, as the others' just were: only
    // their new touches come after the new ones below (review: a check-in handed over lost its
    // hour to a new call).
    const waiting = chains.filter((c) => this.#keepChain(c, false));
    // An order that depends only on each touch's identity (its hash), not on the configuration's order.
    fresh.sort((a, b) => a.seed - b.seed || (a.id < b.id ? -1 : 1));
    for (let i = 0; i < fresh.length; i++) {
      const d = fresh[i]!;
      fresh[i] = undefined!;
      this.#placeFresh(d);
    }
    // The chains' new touches last: their days move with the day a chain was last done, so they
    // give way to the touches whose day comes from their period — the contacts' days and the
    // employee's time alike. Placed first, a short week's check-ins filled a day up to its
    // meetings_per_day and pushed a monthly call off its own day, onto a buyer's check-in.
    this.#followChains(waiting);
    // Chronological: local date, then start instant (all-day first), then a stable tie-break;
    // sorted as positions with the keys in flat arrays, not an object per touch.
    const touches = this.#touches;
    const day = touches.map((t) => epochDay(t.date));
    const at = this.#startMs;
    const seed = this.#seeds;
    const order = touches.map((_, i) => i);
    order.sort((a, b) => day[a]! - day[b]! || at[a]! - at[b]! || seed[a]! - seed[b]! || (touches[a]!.id < touches[b]!.id ? -1 : 1));
    return {
      touches: order.map((i) => touches[i]!), warnings: this.#warnings, hourOfNow: this.#nearNow || this.#placer.weighedNow,
      ...(this.#movedPast.length ? { movedPast: this.#movedPast } : {}),
    };
  }

  /**
   * Time taken before anything is placed: done meetings and calls (they stay in calendars,
   * marked ✓), the planned ones workflows made (an event's call, a digest: no plan moves them),
   * the ones their holder moved or the daily check moved forward as late (fixed: they stay where
   * they are, and a late one of a period before the window is no demand of this plan at all) and,
   * when re-planning some clients, the other clients' planned ones.
   */
  #reserveHeld(only: ReadonlySet<string> | undefined): void {
    for (const pins of this.history.timedPinsByEmployee.values()) {
      for (const pin of pins) {
        if (pin.date < this.window.from) continue;
        // A late one the check put there (not one its holder chose: that is theirs, as planned) is what flexes (Placer.tryKeep).
        if (pin.done || pin.workflow || pin.fixed || (only && !only.has(pin.client!))) this.#placer.reserve(pin.employee, pin.date, pin.startMs!, pin.endMs!, pin.overdueFrom !== undefined && !pin.movedByUser, pin.uncapped);
      }
    }
  }

  /** A fixed pin whose time #reserveHeld took (timed, in the window, its holder's): kept as it is, not weighed again. */
  #heldFixed(pin: Pin): boolean {
    return pin.fixed === true && !pin.cancelled && pin.startMs !== undefined && pin.endMs !== undefined && pin.client !== undefined && pin.date >= this.window.from;
  }

  /**
   * A one-off sequence step whose days have passed (an onboarding welcome of a client the CRM
   * export brought in a week after its `since`). Never stored, it was missed: up to STEP_DAYS
   * late (as long as its own window) it goes on a day from today, its window still saying when
   * it was due; later than that, a warning names it (rule-demands.ts MISSED_STEP_DAYS) — a fresh
   * installation does not send every old client its welcome today, nor is one lost unsaid. Stored,
   * it is history (done, skipped, cancelled, left undone on its day, moved by its holder or the
   * daily check), except one an earlier plan placed after its days this way: kept like any
   * recorded touch, and restored like one once cancelled. Returns whether it was dealt with here; otherwise it goes on as any demand.
   */
  #lateStep(d: Demand, later: Demand[]): boolean {
    // A handover's introduction is one too: the successor's letter, a few days late, still introduces them.
    const intro = isHandoverLetter(d, 'intro');
    if (!intro && !this.#steps.has(d.source)) return false;
    // Its holder's today, or the company's where that is later (a holder west of it, before their
    // midnight): a step whose days ended before the plan's window went nowhere (review).
    const today = maxDate(this.#todayOf(this.#ownerId(d, d.window.to)), this.#todayOf(undefined));
    if (d.window.to >= today) return false;
    // Of a period the plan's window reaches (a plan of past days): what any touch of it would be.
    const inWindow = d.window.to >= this.window.from;
    const late: Demand & { placeFrom: string } = { ...d, placeFrom: today };
    const pin = this.history.pins.get(d.id);
    if (pin) {
      // One an earlier plan placed after its days, then cancelled (its client gone from the
      // configuration for a while, an export cut short): it was never done, skipped or left
      // undone, so it comes back as any cancelled touch does — on its day while that is ahead,
      // else from today while it is no more than STEP_DAYS late. As history it was the one touch
      // of a returning client that never came back.
      const restored = pin.cancelled && pin.date > d.window.to && (pin.date >= today || daysBetween(d.window.to, today) <= STEP_DAYS);
      if (!restored && (pin.cancelled || pin.fixed || pin.date <= d.window.to)) return !inWindow;
      if (!this.#keepPinned(d, true, true) && !this.#keepLate(late, true)) later.push(late);
      return true;
    }
    // An introduction by a successor who has left too by now (a chain written in late) is theirs no more to send.
    const successorLeft = intro && (this.#handoverFrom.get(d.employee!)?.on ?? '9999') <= today;
    if (!successorLeft && daysBetween(d.window.to, today) <= STEP_DAYS) {
      later.push(late);
      return true;
    }
    // One warning a client for a handover's introductions, as for its notices (not one a contact).
    if (!intro || this.#firstMissed(d, 'intro')) {
      const employee = this.#request(d, d.window.to).employee.id;
      const why = successorLeft ? `and ${d.employee} has handed their clients over too since` : `and more than ${STEP_DAYS} days late it is not placed from today`;
      this.#warnings.push({ touch: d.id, source: d.source, client: d.client.id, employee, window: d.window, missedStep: true,
        message: `missed: due ${d.window.from} to ${d.window.to}, before it was first planned (${intro ? 'the handover, its date, the client or its contacts' : 'the client, or the rule,'} came into the configuration after those days); it is in no calendar, ${why} — do it by hand if it still matters` });
    }
    return !inWindow;
  }

  /**
   * A handover's "your manager changes" letter for the day it announces now. The contact's
   * notices are a chain — its own id, then one numbered after it in its series for each time it
   * was told again — and the last one done says what the contact was told: when that is another
   * day than `on` now (the handover put off or brought forward since), the contact is told again
   * by the next touch of the chain, and the ones done stay in the history as they were. One not
   * done yet keeps its id and moves with its days, as any touch (QA: a handover put off was never
   * announced again where its notice had gone; review: a notice given a new id with each date
   * left the undone old one behind, to go overdue and be sent for a day no longer true).
   */
  #announcing(d: Demand): Demand {
    if (!isHandoverLetter(d, 'notice')) return d;
    const done: { demand: Demand; told: Window }[] = [];
    let current = d;
    for (let k = 1; ; k++) {
      const resolution = this.history.resolutions.get(current.id);
      if (resolution?.status !== 'done' || !resolution.window) break;
      done.push({ demand: current, told: resolution.window });
      current = { ...d, ...touchKey(`${d.series}|${k}`) };
    }
    const last = done.at(-1);
    const kept = last && this.#toldThisDay(d, last.told) ? last.demand : current;
    if (last && kept === current) this.#retold.add(current.id);
    // The ones done before, as the history has them (a plan of their days lists them).
    for (const { demand, told } of done) if (demand !== kept) this.#keepPinned({ ...demand, window: told });
    return kept;
  }

  /** Notices that tell a contact again (#announcing): a late one was told another day, not never told. */
  readonly #retold = new Set<string>();

  /**
   * Whether a notice done in the period `told` announced the handover's `on` as it is now: it
   * ended before `on` with no working day between (of the notifier and the contact, as its days
   * were counted) — not a period that merely moved with a day off added since, or a director in
   * another country, while `on` stayed (review).
   */
  #toldThisDay(d: Demand, told: Window): boolean {
    const on = this.#handoverFrom.get(d.source.split(':')[1] ?? '')?.on;
    if (on === undefined) return true;
    if (told.to >= on || daysBetween(told.to, on) > 31) return false;
    const notifier = this.#employees.get(d.employee ?? '')?.country ?? this.config.settings.country;
    return this.#calendar.workdaysBetween(addDays(told.to, 1), addDays(on, -1), notifier, d.client.country).length === 0;
  }

  /** Whether this is the first missed letter of its kind of a handover at its client (one warning a client). */
  #firstMissed(d: Demand, kind: 'notice' | 'intro'): boolean {
    const key = `${d.source}|${d.client.id}|${kind}`;
    if (this.#lettersMissed.has(key)) return false;
    this.#lettersMissed.add(key);
    return true;
  }

  readonly #lettersMissed = new Set<string>();

  /**
   * A handover's "your manager changes" letter whose days passed before it was ever planned (the
   * handover written in after them, a day or two before `on` or later): not sent after the change,
   * which it announces, nor dropped without a word — one warning a client names it (QA: a
   * handover written late lost every notice unsaid, and its report said 0 as if there were none
   * to send). Not planned on its past days either, in a plan of past days: saved, it would be
   * moved on as overdue and sent after all (review). Recorded, it is history. Returns whether it
   * was dealt with here.
   */
  #lateNotice(d: Demand): boolean {
    // By the company's today, as handoverDemands chose the late ones.
    if (!isHandoverLetter(d, 'notice') || d.window.to >= this.#todayOf(undefined)) return false;
    // Recorded: as it stands in a plan of past days, history before the window.
    if (this.history.pins.has(d.id)) return d.window.to < this.window.from;
    if (this.#firstMissed(d, 'notice')) {
      const why = this.#retold.has(d.id)
        ? 'after its contacts were told another day, the handover\'s date was brought forward to before them'
        : 'before they were first planned (the handover, its date, the client or its contacts came into the configuration after those days)';
      this.#warnings.push({ touch: d.id, source: d.source, client: d.client.id, employee: d.employee!, window: d.window, missedStep: true,
        message: `missed: the "your manager changes" letters to its contacts were due ${d.window.from} to ${d.window.to}, ${why}; they are in no calendar and are not sent after the change — tell them by hand if it still matters (the successor's introductions go as planned)` });
    }
    return true;
  }

  /**
   * A rule's period already covered by a touch done under the rule's earlier cadence: monthly
   * calls made quarterly in March, the March call done — the first quarter has its call, and
   * "one touch per period" plans no second. (A touch of another period of the same cadence done
   * late, February's call on 3 March, is February's: March still gets its own.)
   */
  #doneUnderAnotherCadence(d: Demand): boolean {
    if (!d.source.startsWith('rule:')) return false;
    const done = this.history.lastDoneBySeries.get(d.series);
    if (!done?.window || done.touchId === d.id || done.date < d.window.from || done.date > d.window.to) return false;
    // Of a period that overlaps this one: December's monthly call done on 5 January is December's, not the first quarter's.
    if (done.window.to < d.window.from || done.window.from > d.window.to) return false;
    const rule = this.config.rules.find((r) => `rule:${r.id}` === d.source);
    if (!rule?.every || rule.anchor !== 'calendar') return false;
    const [same] = periodsOverlapping(rule.every, done.window.from, done.window.from, d.client.since);
    return !(same && same.window.from === done.window.from && same.window.to === done.window.to);
  }

  /**
   * Keeps a touch where it was put before, if that is still valid. With `sameHolder`, only a
   * touch its holder keeps (not one changing hands, which waits until every holder's own are kept).
   */
  #keepPinned(d: Demand & { placeFrom?: string }, keepsOverdue = false, sameHolder = false): boolean {
    const pin = this.history.pins.get(d.id);
    if (!pin) return false;
    // Cancelled on a day now past (its client gone from an export for a while, a rule off and on
    // again): not kept there, where the plan of today never records it and the daily check never
    // moves it, so the period had no touch at all. Placed again, from today while its period runs.
    if (pin.cancelled && pin.date < this.#todayOf(pin.employee) && !this.history.resolutions.has(d.id)) return false;
    const request = this.#request(d, pin.date);
    const start = startOf(pin);
    if (this.history.resolutions.has(d.id)) {
      // Done or skipped: it stays as it is (a done one's time is already taken, see #reserveHeld).
      const end = pin.endMs ?? (start !== undefined ? start + d.durationMinutes * 60_000 : undefined);
      this.#emit(d, this.#employees.get(pin.employee) ?? request.employee, { date: pin.date, start, end }, keepsOverdue);
      return true;
    }
    // What the employee chose (moved in their calendar) stays where it is too — with the length
    // they gave it there (a call made an hour long is not cut back to the rule's 15 minutes, nor
    // written back so at the event's next change).
    const resolved = pin.fixed === true;
    // Changing hands (a handover, a new owner), even where its holder had moved it: after every
    // holder's own touches are kept, so that none of theirs is displaced by it.
    if (sameHolder && request.employee.id !== pin.employee) return false;
    const chosenMinutes = pin.movedByUser === true && start !== undefined && pin.endMs !== undefined && pin.endMs > start && d.durationMinutes > 0
      ? Math.round((pin.endMs - start) / 60_000) : d.durationMinutes;
    if (resolved && request.employee.id === pin.employee && d.durationMinutes > 0 && this.#heldFixed(pin)) {
      // Its time is already taken (#reserveHeld), before anything new was placed around it.
      this.#emit(d, request.employee, { date: pin.date, start, end: start! + chosenMinutes * 60_000 }, keepsOverdue);
      return true;
    }
    const kept = this.#placer.tryKeep(chosenMinutes === d.durationMinutes ? request : { ...request, durationMinutes: chosenMinutes }, pin.date, start, resolved || this.#pastFullWindow(d, pin));
    if (kept) {
      this.#emit(d, request.employee, kept, keepsOverdue);
      return true;
    }
    if (resolved && request.employee.id !== pin.employee) {
      // Changing hands where the new holder is not free at its time: on its day (the one its
      // holder chose, inside its period or not) at their first free time, rather than left in the
      // calendar of someone who no longer holds it.
      const moved = this.#placer.keepOverCap({ ...request, durationMinutes: chosenMinutes, from: minDate(request.from, pin.date), to: maxDate(request.to, pin.date) }, pin.date, start);
      if (moved) {
        this.#emit(d, request.employee, moved, keepsOverdue);
        return true;
      }
    }
    if (resolved) {
      // Even where today's rules would not put it (a day off, another period); its time is
      // still taken, so nothing new is put on top of it.
      const end = start !== undefined ? start + chosenMinutes * 60_000 : undefined;
      if (start !== undefined && end !== undefined) this.#placer.reserve(pin.employee, pin.date, start, end);
      this.#emit(d, this.#employees.get(pin.employee) ?? request.employee, { date: pin.date, start, end }, keepsOverdue);
      return true;
    }
    return false;
  }

  /**
   * A touch recorded past its window when that was full (an overflow), its window unchanged since:
   * kept there like any recorded day. Placed again at every plan, it moved with whatever else
   * changed — and a chain's later touches with it (QA: check-ins pushed past the New Year holidays
   * all moved when a rule was added). One whose window has moved (its chain's anchor did) is placed anew.
   */
  #pastFullWindow(d: Demand, pin: Pin): boolean {
    if (!d.overflow || pin.overflowOf !== `${d.window.from} ${d.window.to}`) return false;
    const span = overflowSpan(d.window.from, d.window.to, d.mode);
    return pin.date >= span.from && pin.date <= span.to;
  }

  /**
   * A chain's late first touch already put on a day after its due days (the plan of an earlier
   * day): kept there, the day past or not, as any touch is — so that the morning check finds it
   * late and moves it forward as overdue. Put again on each plan's today, it was never overdue
   * and moved every day, its chain with it.
   */
  #keepLate(d: Demand, keepsOverdue: boolean): boolean {
    const pin = this.history.pins.get(d.id);
    if (!pin || pin.cancelled || pin.date <= d.window.to || this.history.resolutions.has(d.id)) return false;
    const request = this.#request(d, pin.date);
    if (request.employee.id !== pin.employee) return false;
    const kept = this.#placer.tryKeep(request, pin.date, startOf(pin), true);
    if (!kept) return false;
    this.#emit(d, request.employee, kept, keepsOverdue);
    return true;
  }

  /**
   * A greeting first planned when no working day is left up to its holiday (a campaign, or a
   * client, added on the weekend before a Monday holiday, or on the holiday): on the holiday's
   * belated day, the first working day after it — where the daily check moves one not sent in
   * time — and not at all once that day is past. It was silently not planned (QA), while one
   * planned the day before and not sent was greeted belatedly. 'none': nothing to place.
   */
  #belatedGreeting(d: Demand, r: PlacementRequest): PlacementRequest | 'none' | undefined {
    const today = r.notBefore;
    // Nothing of its days taken by time yet: placed as any touch (the everyday case, asked nothing more).
    if (!d.source.startsWith('campaign:') || today === undefined || today <= d.window.from) return undefined;
    const { country: ours } = r.employee;
    const { country: theirs } = r.client;
    // A window with no working day at all (a client ours from the Saturday before a Monday holiday)
    // is never greeted, whatever day it is planned on: no working day of ours came before it.
    if (this.#calendar.workdaysBetween(d.window.from, d.window.to, ours, theirs).length === 0) return undefined;
    // Only days taken by time.
    if (d.window.to >= today && this.#calendar.workdaysBetween(today < d.window.from ? d.window.from : today, d.window.to, ours, theirs).length > 0) return undefined;
    const day = this.#calendar.shiftWorkdays(d.window.to, 1, ours, theirs);
    // Recorded there, it is shown there by a plan of days before it too (QA: `plan --from` the 1st
    // showed it on the 5th, overdue, and on its day the save cancelled it).
    const pin = this.history.pins.get(d.id);
    if (day >= today || (pin !== undefined && !pin.cancelled && pin.date === day)) return { ...r, from: day, to: day, overflow: false };
    // Its belated day past too: a greeting of the plan's own past days (`plan --from` earlier) is
    // shown where it falls, as before; none otherwise.
    return d.window.to >= this.window.from ? undefined : 'none';
  }

  /** An end before now (noting whether the answer could change within the day, see PlanResult.hourOfNow). */
  #endedByNow(end: number): boolean {
    if (Math.abs(end - this.#nowMs) < 24 * 60 * 60_000) this.#nearNow = true;
    return end <= this.#nowMs;
  }

  #placeFresh(d: Demand & { placeFrom?: string }, keepsOverdue = false): Placement | undefined {
    let request = this.#request(d);
    const belated = this.#belatedGreeting(d, request);
    if (belated === 'none') return undefined;
    if (belated) request = belated;
    // Placed before, where its time no longer holds: its day first ("keeps every recorded day and time that is still valid")
    // — on its day's side of a handover, not the side its hash would pick: the leaver's days with room took a
    // touch recorded on the successor's, off its day and back to the leaver (QA).
    const pin = this.history.pins.get(d.id);
    const before = pin?.date;
    // (Only a day this period may still be placed on: a chain's window moved since is placed anew — review.)
    const reach = d.overflow ? overflowSpan(request.from, request.to, d.mode).to : request.to;
    if (before !== undefined && !belated && !pin!.cancelled && before >= request.from && before <= reach
      && ((request.hardTo !== undefined && before > request.hardTo) || (request.hardFrom !== undefined && before < request.hardFrom))) {
      const side = this.#request(d, before);
      if (!this.#leaversSideIsOver(side)) request = side;
    }
    if (before !== undefined) request = { ...request, preferDate: before };
    let placed = this.#placer.place(request);
    if (!placed) {
      // Already in a calendar, on a day of this side: kept there over the cap rather than cancelled
      // (#keptOverCap) — before the other side of a handover is tried, which would move it off
      // the day it may have been agreed for.
      const kept = this.#keptOverCap(d, request, true);
      if (kept) {
        this.#emit(d, kept.employee, kept.placed, keepsOverdue);
        return kept.placed;
      }
    }
    const ownSide = request;
    if (!placed && (request.hardFrom !== undefined || request.hardTo !== undefined)) {
      // A handover splits the period and this side is full: the other side of `on` may have room
      // (then the touch belongs to whoever is responsible on the day it lands) — unless that side
      // is the leaver's and already past: then it is not planned, with a warning, rather than lost there.
      // (Only a side inside the period: a handover of 2029 is no other side of a day of 2027, and
      // a warning then named the successor, whose room was never the question.)
      const other = request.hardTo !== undefined ? addDays(request.hardTo, 1) : addDays(request.hardFrom!, -1);
      const otherSide = this.#withOwnerOn(request, own(d.client.team, d.role)!, other);
      if (other >= d.window.from && other <= d.window.to && !this.#leaversSideIsOver(otherSide)) {
        request = otherSide;
        placed = this.#placer.place(request);
      }
    }
    if (!placed) {
      // On a day of the other side, that side full too: kept there all the same.
      const kept = this.#keptOverCap(d, ownSide, false);
      if (kept) {
        this.#emit(d, kept.employee, kept.placed, keepsOverdue);
        return kept.placed;
      }
    }
    if (!placed) {
      // A period with no working day at all (the New Year week in Russia, a Saturday of a daily
      // rule) has nothing to place: the calendar's, not a mistake anyone can fix, and warned for
      // every client at every plan it drowned the warnings that are.
      if (!d.overflow && this.#calendar.workdaysBetween(d.window.from, d.window.to, request.employee.country, request.client.country).length === 0) return undefined;
      // The days tried, its window and past it: from today for a touch already late (QA: a chain's first, due in 2020, named 2020's days).
      const past = overflowSpan(request.from, request.to, d.mode);
      this.#warnings.push({ touch: d.id, source: d.source, client: d.client.id, employee: request.employee.id, window: d.window, message: d.overflow
        ? `no working day with free time for ${request.employee.id} between ${minDate(request.from, past.from)} and ${maxDate(request.to, past.to)}`
        : `not planned: ${request.employee.id} has no free slot (meetings_per_day, working hours shared with the client) on any working day from ${d.window.from} to ${d.window.to}` });
      return undefined;
    }
    this.#emit(d, request.employee, placed, keepsOverdue);
    return placed;
  }

  /**
   * A touch already in a calendar, in this period, that its period has no free slot for: kept on
   * its day over the day's cap rather than cancelled — late touches the daily check moved forward
   * fill days, and an on-time touch pushed from them to the period's end would otherwise vanish
   * from the calendar. So too one changing hands (a new owner, a handover) whose new holder's
   * days are full: on its day, at their first free time, with them (QA: a sales director's
   * quarter-end meetings given to a director at the cap were cancelled, with no warning). Not a
   * cancelled one: it is in no calendar, and kept on its day, now past, it was shown as overdue by
   * every plan and recorded by none (QA: a cadence changed and changed back lost February's call
   * with no warning). A late one (its day past, still open) stays there too, as one with room does:
   * the morning check moves it forward.
   */
  #keptOverCap(d: Demand, request: PlacementRequest, thisSide: boolean): { employee: Employee; placed: Placement } | undefined {
    const pin = this.history.pins.get(d.id);
    if (!pin || pin.cancelled || this.history.resolutions.has(d.id)) return undefined;
    // Whoever holds it on its day (a handover's side), bound to that side's days. Its day on the
    // other side is kept only once that side was tried too, and had no room (review: kept over
    // the leaver's cap while the leaver had free days before leaving).
    // (By its date: a touch the leaver held before the handover was written may lie on the successor's side — QA.)
    const otherSide = (request.hardTo !== undefined && pin.date > request.hardTo) || (request.hardFrom !== undefined && pin.date < request.hardFrom);
    if (thisSide === otherSide) return undefined;
    let onItsDay = otherSide ? this.#request(d, pin.date) : request;
    const changing = pin.employee !== onItsDay.employee.id;
    // A touch that may go past its window (a chain's check-in, from today when late) is kept on a
    // day of the span it may go to (QA: a handover's successor at the cap lost its check-ins).
    if (d.overflow && pin.date > onItsDay.to && pin.date <= overflowSpan(onItsDay.from, onItsDay.to, d.mode).to) onItsDay = { ...onItsDay, to: pin.date };
    let kept = this.#placer.keepOverCap(onItsDay, pin.date, startOf(pin));
    let day = pin.date;
    if (!kept && changing) {
      // Its day is none of the new holder's (a holiday of their country, no hours shared with the
      // client that day): the nearest that is, in its period and on their side, over the cap all
      // the same — rather than lost (QA: a client given to a Romanian owner lost its 25 December call).
      const lo = maxDate(maxDate(onItsDay.from, onItsDay.hardFrom ?? onItsDay.from), onItsDay.notBefore ?? onItsDay.from);
      const hi = minDate(onItsDay.to, onItsDay.hardTo ?? onItsDay.to);
      for (let k = 1; !kept && (addDays(pin.date, k) <= hi || addDays(pin.date, -k) >= lo); k++) {
        for (const c of [addDays(pin.date, k), addDays(pin.date, -k)]) {
          if (kept || c < lo || c > hi) continue;
          kept = this.#placer.keepOverCap(onItsDay, c, undefined);
          if (kept) day = c;
        }
      }
    }
    if (!kept) return undefined;
    const { overCap, ...placed } = kept;
    const id = onItsDay.employee.id;
    const how = `${day === pin.date ? 'kept on' : `moved from ${pin.date} to`} ${day} ${overCap ? `over ${id}'s meetings_per_day` : `at ${id}'s first free time`}`;
    this.#warnings.push({ touch: d.id, source: d.source, client: d.client.id, employee: id, window: d.window,
      message: changing
        ? `${how}: it was in ${pin.employee}'s calendar, and no other day of its period has a free slot for ${id}`
        : `${how}: it is in their calendar, and no other day of its period has a free slot` });
    return { employee: onItsDay.employee, placed };
  }

  /**
   * `anchor: last`: each touch due `every` after the previous one; the first after the last
   * done. Each chain is walked as far as its holders keep what they hold; the cursors returned
   * go on (#followChains) once everyone's kept touches are in place.
   */
  #keepChains(): ChainCursor[] {
    const waiting: ChainCursor[] = [];
    const units: { rule: Rule; spread: number; shared: ReturnType<typeof ruleShared>; client: Client; unit: UnitOwn }[] = [];
    for (const rule of this.config.rules) {
      if (rule.anchor !== 'last') continue;
      const spread = Math.min(7, Math.round(approximateDays(rule.every!) / 10));
      const shared = ruleShared(rule, this.config.settings.language);
      for (const client of this.config.clients) {
        if (!selects(rule.for, client, this.#todayOf(undefined))) continue;
        for (const unit of ruleUnits(rule, client)) units.push({ rule, spread, shared, client, unit });
      }
    }
    const resolved = this.#resolvedBySeries(new Set(units.map((u) => u.unit.series)));
    const planned = (id: string) => {
      const pin = this.history.pins.get(id);
      return pin !== undefined && !pin.cancelled && !this.history.resolutions.has(id);
    };
    for (const { rule, spread, shared, client, unit } of units) {
      const last = this.history.lastBySeries.get(unit.series);
      const from = last ? chainStart(unit.series, resolved.get(unit.series) ?? [], planned) : { base: 'start', k: 1 };
      const anchor = 'last' in from ? from.last : last;
      const cursor: ChainCursor = { order: touchKey(unit.series).seed, rule, spread, shared, unit, base: from.base, anchorDate: anchor?.date ?? client.since, k: from.k, first: from.k };
      if (this.#keepChain(cursor)) waiting.push(cursor);
    }
    return waiting;
  }

  /** The resolved touches of these series, oldest first (as lastBySeries orders them). */
  #resolvedBySeries(series: ReadonlySet<string>): Map<string, Resolution[]> {
    const bySeries = new Map<string, Resolution[]>();
    if (series.size === 0) return bySeries;
    for (const r of this.history.resolutions.values()) {
      if (!series.has(r.series)) continue;
      const list = bySeries.get(r.series);
      if (list) list.push(r);
      else bySeries.set(r.series, [r]);
    }
    for (const list of bySeries.values()) list.sort(resolutionOrder);
    return bySeries;
  }

  /**
   * Places the chains' touches not kept, earliest due first across all chains (then by each
   * chain's hash): where two chains want the same day's last slot, the one due first has it,
   * whatever the order of the clients' rows. Walked chain by chain, the client first in the
   * export took it (QA: reversing clients.csv moved 224 touches of a year's plan).
   */
  #followChains(chains: readonly ChainCursor[]): void {
    const queue = new MinHeap<{ readonly c: ChainCursor; readonly due: string }>(({ c: a, due: da }, { c: b, due: db }) =>
      da < db || (da === db && (a.order < b.order || (a.order === b.order && a.unit.series < b.unit.series))));
    for (const c of chains) queue.push({ c, due: this.#chainDue(c) });
    for (let next = queue.pop(); next; next = queue.pop()) {
      const { c } = next;
      if (!this.#chainStep(c, false)) continue;
      c.k++;
      if (c.k < c.first + MAX_CHAIN) queue.push({ c, due: this.#chainDue(c) });
    }
  }

  /** When the chain's touch at the cursor is due: `every` after the last one, else today. */
  #chainDue(c: ChainCursor): string {
    return c.anchorDate ? addDuration(c.anchorDate, c.rule.every!) : this.#todayOf(own(c.unit.client.team, c.rule.ours));
  }

  /**
   * Walks a chain on from its cursor, keeping what is recorded (with `sameHolder`, only what its
   * holder keeps, not what changes hands): stops at the first touch not simply kept and returns
   * true (the cursor then points at it, for #followChains).
   */
  #keepChain(c: ChainCursor, sameHolder = true): boolean {
    for (; c.k < c.first + MAX_CHAIN; c.k++) {
      const step = this.#chainStep(c, true, sameHolder);
      if (step !== true) return step === 'wait';
    }
    return false;
  }

  /**
   * The chain's touch at the cursor: kept where it was put, or (unless `keptOnly`: then 'wait')
   * placed. True when the chain goes on to its next touch; false at its end.
   */
  #chainStep(c: ChainCursor, keptOnly: boolean, sameHolder = keptOnly): boolean | 'wait' {
    const due = this.#chainDue(c);
    const window = { from: due, to: addDays(due, c.spread) };
    const d = demand(c.shared, chainIdentity(c.unit.series, c.base, c.k), window, c.unit);
    if (due > this.window.to && !this.#recordedInWindow(d.id) && !this.#recordedAfter(d.id)) return false;
    // Only the first touch after the last done one can be overdue. It is never dropped:
    // first planned after its due days have passed, it goes on the next working day from
    // today, flagged overdue, with its window saying when it was due — and stays there
    // (even once its hour has passed) like any other touch, until the day is over.
    const today = this.#todayOf(this.#ownerId(d, due));
    const late = window.to < today ? { ...d, placeFrom: today } : d;
    let date: string | undefined;
    // Kept where it was put: in its own days (past ones too: then it shows as overdue), or
    // on or after today where it went once it was late.
    const first = c.k === c.first;
    if (this.#keepPinned(d, first, sameHolder) || (late !== d && (this.#keepLate(late, first) || this.#keepPinned(late, first, sameHolder)))) date = this.history.pins.get(d.id)!.date;
    else if (keptOnly) return 'wait';
    else date = this.#placeFresh(late, first)?.date;
    if (!date) return false;
    // A touch still open after its day: the later ones stay due `every` after the day it was
    // due on (as if done then), not after the day it is on now — the daily check moves it each
    // morning, and they followed it, every one rescheduled every day (QA: 62 moves of one call
    // in five months). Open when the next one's day comes, that one steps on by `every` (it
    // never falls on or before the open one). Done, it anchors the chain where it was done
    // (chainStart).
    const current = maxDate(date, this.#todayOf(this.#ownerId(d, date)));
    // (The day it was due as recorded, while it is where it was recorded: not once cancelled and back.)
    const pin = this.history.pins.get(d.id);
    const dueOn = (pin && !pin.cancelled && pin.date === date ? pin.overdueFrom : undefined) ?? date;
    c.anchorDate = dueOn < current ? lastStepBefore(dueOn, c.rule.every!, current) : current;
    return true;
  }

  /**
   * A touch recorded on a day of this window that the plan now puts after it (a chain's, an
   * earlier touch of it moved forward as overdue; one pushed to its period's last days): placed
   * on its new day all the same, and saved there (PlanResult.movedPast). Left out, the save took
   * it for a touch no longer in the plan — cancelled, then restored once a later window reached
   * it, each morning adding the pair to its history.
   */
  #recordedInWindow(id: string): boolean {
    const pin = this.history.pins.get(id);
    return pin !== undefined && !pin.cancelled && pin.date >= this.window.from && pin.date <= this.window.to;
  }

  /**
   * A chain's touch recorded after this window (moved there by an earlier plan, as above): the
   * chain is walked on through it, and it goes where the touches before it now put it. Left where
   * it was, the one before it could be moved onto its day — two touches of one chain on a day
   * (the passes plan no further than `plan` was asked to: plan-service.ts recordedWindow).
   */
  #recordedAfter(id: string): boolean {
    if (!this.chainsAfterWindow) return false;
    const pin = this.history.pins.get(id);
    return pin !== undefined && !pin.cancelled && pin.date > this.window.to;
  }

  /** Recorded after the window, and placed on another day or hour, or for someone else, now: saved so (movedPast). */
  #movedAfter(id: string, p: Placement, employee: string): boolean {
    const pin = this.history.pins.get(id)!;
    return this.#recordedAfter(id) && (pin.date !== p.date || pin.startMs !== p.start || pin.endMs !== p.end || pin.employee !== employee);
  }

  #request(d: Demand & { placeFrom?: string }, knownDate?: string): PlacementRequest {
    const employee = this.#employees.get(d.employee ?? own(d.client.team, d.role)!)!;
    const from = d.placeFrom ?? d.window.from;
    const to = d.placeFrom ? addDays(d.placeFrom, daysBetween(d.window.from, d.window.to)) : d.window.to;
    const request = {
      seed: d.seed, client: d.client, from, to, mode: d.mode,
      durationMinutes: d.durationMinutes, overflow: d.overflow, employee, notBefore: undefined as string | undefined,
      notBeforeMs: this.#nowMs, contacts: d.contactIds, series: d.series, movable: this.#lastAnchored.has(d.source),
    };
    if (!d.employee && this.#handoverFrom.has(employee.id)) {
      // Follow handovers: whoever is responsible on the touch's day holds it — the leaver before
      // `on`, the successor from `on` — and it is placed only on days of that person's, so the
      // first plan and every later one agree (a placement may not drift across `on`).
      // A window with no working day at all (New Year holidays) goes by its first day.
      const owned: PlacementRequest = this.#withOwnerOn(request, employee.id, knownDate ?? this.#placer.tentativeDate(request) ?? request.from);
      // The current period, its leaver's side over (`on` has passed): still to be done, so from
      // today by the successor, as any touch of a current period goes from today. (On the
      // leaver's past days it would be in no one's calendar: not saved, never overdue.)
      if (knownDate === undefined && owned.hardTo !== undefined && this.#leaversSideIsOver(owned)) return this.#withOwnerOn(request, employee.id, addDays(owned.hardTo, 1));
      return owned;
    }
    request.notBefore = this.#todayOf(employee.id);
    return request;
  }

  /** Whether a request is bound to a leaver's days that are all past, in a period that is not. */
  #leaversSideIsOver(r: PlacementRequest): boolean {
    return r.hardTo !== undefined && r.notBefore !== undefined && r.hardTo < r.notBefore && r.notBefore <= r.to;
  }

  /** The request for whoever holds the role on `date` (following handovers), bound to their days. */
  #withOwnerOn<R extends PlacementRequest>(request: R, holder: string, date: string): R {
    let employee = this.#employees.get(holder)!;
    const periodCountry = employee.country;
    let hardFrom: string | undefined;
    let hardTo: string | undefined;
    for (let hops = 0; hops < 10; hops++) {
      const h = this.#handoverFrom.get(employee.id);
      if (!h) break;
      if (date < h.on) {
        hardTo = addDays(h.on, -1);
        break;
      }
      hardFrom = h.on;
      employee = this.#employees.get(h.to)!;
    }
    return { ...request, employee, hardFrom, hardTo, periodCountry, notBefore: this.#todayOf(employee.id) };
  }

  #ownerId(d: Demand, date: string): string {
    if (d.employee) return d.employee;
    const holder = own(d.client.team, d.role)!;
    return this.#handoverFrom.has(holder) ? this.#request(d, date).employee.id : holder;
  }

  readonly #todayByEmployee = new Map<string | undefined, string>();
  #todayOf(employeeId: string | undefined): string {
    let known = this.#todayByEmployee.get(employeeId);
    if (known === undefined) {
      known = this.#todayInZoneOf(employeeId);
      this.#todayByEmployee.set(employeeId, known);
    }
    return known;
  }

  #todayInZoneOf(employeeId: string | undefined): string {
    const zone = (employeeId && this.#employees.get(employeeId)?.timezone) || this.config.settings.timezone;
    let today = this.#today.get(zone);
    if (!today) {
      today = localDate(this.now, zone);
      this.#today.set(zone, today);
    }
    return today;
  }

  /**
   * Titles repeat for every period of a unit: one string per (unit, template, employee).
   * A unit is recognised by its contact-id list, which all its demands share.
   */
  readonly #titles = new WeakMap<readonly string[], Map<string, Map<string, string>>>();
  #title(d: Demand, employee: Employee): string {
    let byTemplate = this.#titles.get(d.contactIds);
    if (!byTemplate) {
      byTemplate = new Map();
      this.#titles.set(d.contactIds, byTemplate);
    }
    let byEmployee = byTemplate.get(d.title);
    if (!byEmployee) {
      byEmployee = new Map();
      byTemplate.set(d.title, byEmployee);
    }
    let title = byEmployee.get(employee.id);
    if (title === undefined) {
      title = fillTitle(d.title, (k) => titleValue(d, employee, this.config.settings.company, k));
      byEmployee.set(employee.id, title);
    }
    return title;
  }

  /**
   * Records the touch if it falls in the window (or, with `keepsOverdue`, is overdue before it; or
   * was recorded in it and now goes after it: #recordedInWindow; or is a chain's recorded after
   * it, moved: #movedAfter).
   */
  #emit(d: Demand, placedFor: Employee, p: Placement, keepsOverdue: boolean): void {
    const resolution = this.history.resolutions.get(d.id);
    const employee = this.#standingHolder(d, p) ?? placedFor;
    const status = resolution?.status ?? 'planned';
    // A meeting or call takes its contacts' day (not a skipped one: it did not take place), so
    // that another rule's, placed after it, goes on another day where its window has one.
    // Messages are not noted: a letter or greeting on the day of a call is no second call.
    if (p.start !== undefined && status !== 'skipped') this.#placer.noteContacts(d.contactIds, d.series, p.date, this.#lastAnchored.has(d.source));
    const past = p.date > this.window.to;
    if (past && !this.#recordedInWindow(d.id) && !(this.#lastAnchored.has(d.source) && this.#movedAfter(d.id, p, employee.id))) return;
    const today = this.#todayOf(employee.id);
    // Late: due before today (an anchor-last touch that was missed is kept even before the window).
    const late = status === 'planned' && (d.window.to < today || (p.end === undefined ? p.date < today : this.#endedByNow(p.end)));
    // Before the window, only what was due before today: a window that starts after today does not
    // list the late touches placed between today and its start (they are in today's plan).
    if (p.date < this.window.from && !(keepsOverdue && late && p.date < today)) return;
    // Overdue means what the daily check and the reports mean (workflows/overdue.ts isOverdue):
    // still open `overdue.after` days after its day, or already moved forward as overdue. A touch
    // a new installation plans for today is due, not overdue.
    const overdue = status === 'planned' && (this.history.pins.get(d.id)?.overdueFrom !== undefined || addDays(p.date, this.config.overdue.afterDays) < today);
    const date = this.#day(p.date);
    let start: string;
    let end: string;
    if (p.start === undefined || p.end === undefined) {
      start = date;
      end = this.#day(addDays(date, 1));
    } else {
      start = isoInZone(p.start, employee.timezone);
      end = isoInZone(p.end, employee.timezone);
    }
    // A done or skipped touch stays whose it was (a re-plan never changes it): its client given
    // to someone else since, or its employee gone, the plan still shows who did it.
    const recorded = resolution && this.history.pins.get(d.id)?.employee;
    if (!past) {
      this.#startMs.push(p.start ?? -1);
      this.#seeds.push(d.seed);
    }
    (past ? this.#movedPast : this.#touches).push({
      id: d.id, source: d.source, series: d.series, kind: d.kind, client: d.client.id,
      contacts: d.contactIds, employee: recorded || employee.id, date, start, end,
      allDay: p.start === undefined,
      title: this.#title(d, employee),
      window: this.#window(d.window), remind: d.remind, status, overdue,
    });
  }

  /**
   * Whose a recorded open touch kept on its day before today is: whoever holds it as it stands
   * (the morning's check gives a leaver's late touches to the successor), not whoever the rules
   * would give that day — a plan of a period begun before today shows those days as they were
   * recorded, and records from today on only (plan-service.ts recordedFrom).
   */
  #standingHolder(d: Demand, p: Placement): Employee | undefined {
    const pin = this.history.pins.get(d.id);
    if (!pin || pin.cancelled || pin.date !== p.date || this.history.resolutions.has(d.id)) return undefined;
    return p.date < this.#todayOf(pin.employee) ? this.#employees.get(pin.employee) : undefined;
  }

  /*
   * A plan holds every touch it makes (800,000 for a 50,000-client company's 90 days): the days
   * and periods they carry are kept once each, not once per touch.
   */
  readonly #days = new Map<string, string>();
  #day(day: string): string {
    const kept = this.#days.get(day);
    if (kept !== undefined) return kept;
    this.#days.set(day, day);
    return day;
  }

  readonly #windows = new Map<string, Touch['window']>();
  #window(w: Touch['window']): Touch['window'] {
    const key = w.from + w.to;
    const kept = this.#windows.get(key);
    if (kept !== undefined) return kept;
    const one = { from: this.#day(w.from), to: this.#day(w.to) };
    this.#windows.set(key, one);
    return one;
  }
}

/** Whether a demand is a handover's letter of that kind (handover-demands.ts names its series so). */
function isHandoverLetter(d: Demand, kind: 'notice' | 'intro'): boolean {
  return d.source.startsWith('handover:') && d.series.endsWith(`|${kind}`);
}
