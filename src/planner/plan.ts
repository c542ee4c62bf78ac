import { DateTime } from 'luxon';
import type { Config, Employee, Handover, Rule, Touch } from '../domain/types.ts';
import { selects } from '../domain/selector.ts';
import { fillTitle } from '../domain/title-template.ts';
import { approximateDays } from '../domain/duration.ts';
import { addDays, addDuration, daysBetween, localDate, maxDate } from './dates.ts';
import { campaignDemands } from './campaign-demands.ts';
import { demand, titleValue, type Demand } from './demand.ts';
import { handoverDemands } from './handover-demands.ts';
import type { PlannerHistory } from './history.ts';
import { Placer, type Placement, type PlacementRequest } from './placement.ts';
import { calendarRuleDemands, ruleShared, ruleUnits } from './rule-demands.ts';
import { WorkCalendar } from './work-calendar.ts';
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
  readonly window: { readonly from: string; readonly to: string };
  readonly message: string;
}

export interface PlanResult {
  readonly touches: readonly Touch[];
  readonly warnings: readonly PlanWarning[];
}

/** How far a chain of `anchor: last` touches is projected at most (a safety stop). */
const MAX_CHAIN = 400;

export interface PlanOptions {
  /**
   * Re-plan only these clients (after a change to them): the recorded meetings and calls
   * of everyone else stay where they are and take their employees' time.
   */
  readonly onlyClients?: ReadonlySet<string>;
}

/**
 * The contact plan: every touch due in [window.from, window.to] (plus overdue `anchor: last`
 * touches before it), pure in its inputs. `now` decides what is overdue and keeps new
 * touches out of the past.
 */
export function planTouches(config: Config, history: PlannerHistory, window: PlanWindow, now: DateTime, options: PlanOptions = {}): PlanResult {
  const only = options.onlyClients;
  if (!only) return new PlanRun(config, history, window, now).run();
  const subset: Config = { ...config, clients: config.clients.filter((c) => only.has(c.id)) };
  return new PlanRun(subset, history, window, now, only).run();
}

class PlanRun {
  readonly #calendar: WorkCalendar;
  readonly #placer: Placer;
  readonly #employees: Map<string, Employee>;
  readonly #handoverFrom: Map<string, Handover>;
  readonly #today = new Map<string, string>();
  readonly #touches: Touch[] = [];
  /** Start instant of each touch in #touches (-1 for all-day), for sorting. */
  readonly #startMs: number[] = [];
  readonly #seeds: number[] = [];
  readonly #nowMs: number;
  readonly #warnings: PlanWarning[] = [];

  constructor(
    private readonly config: Config,
    private readonly history: PlannerHistory,
    private readonly window: PlanWindow,
    private readonly now: DateTime,
    private readonly onlyClients?: ReadonlySet<string>,
  ) {
    this.#calendar = new WorkCalendar(config.settings.workdays);
    this.#placer = new Placer(this.#calendar);
    this.#employees = new Map(config.employees.map((e) => [e.id, e]));
    this.#handoverFrom = new Map(config.handovers.map((h) => [h.from, h]));
    this.#nowMs = now.toMillis();
  }

  run(): PlanResult {
    const { from, to } = this.window;
    if (this.onlyClients) this.#reserveOthers(this.onlyClients);
    // All-day touches take no one's time: each goes straight to its day. Meetings and calls
    // compete for slots: earlier placements first, so that whatever is new fits around them.
    const fresh: Demand[] = [];
    const take = (d: Demand) => {
      if (this.#keepPinned(d)) return;
      if (d.durationMinutes === 0) this.#placeFresh(d);
      else fresh.push(d);
    };
    calendarRuleDemands(this.config, from, to, this.#todayOf(undefined), take);
    campaignDemands(this.config, from, to, this.#todayOf(undefined), take);
    handoverDemands(this.config, this.#calendar, from, to, take);
    for (const rule of this.config.rules) if (rule.anchor === 'last') this.#planChains(rule);
    // An order that depends only on each touch's identity (its hash), not on the configuration's order.
    fresh.sort((a, b) => a.seed - b.seed || (a.id < b.id ? -1 : 1));
    for (const d of fresh) this.#placeFresh(d);
    // Chronological: local date, then start instant (all-day first), then a stable tie-break.
    const keyed = this.#touches.map((t, i) => ({ t, day: epochDay(t.date), at: this.#startMs[i]!, seed: this.#seeds[i]! }));
    keyed.sort((a, b) => a.day - b.day || a.at - b.at || a.seed - b.seed || (a.t.id < b.t.id ? -1 : 1));
    return { touches: keyed.map((k) => k.t), warnings: this.#warnings };
  }

  /** The time other clients' recorded meetings and calls take from the employees involved. */
  #reserveOthers(only: ReadonlySet<string>): void {
    const involved = new Set<string>();
    for (const client of this.config.clients) for (const id of Object.values(client.team)) involved.add(id);
    for (const h of this.config.handovers) if (involved.has(h.from)) involved.add(h.to);
    for (const employee of involved) {
      for (const pin of this.history.timedPinsByEmployee.get(employee) ?? []) {
        if (only.has(pin.client!)) continue;
        this.#placer.reserve(pin.employee, pin.date, pin.startMs!, pin.endMs!);
      }
    }
  }

  #keepPinned(d: Demand, keepsOverdue = false): boolean {
    const pin = this.history.pins.get(d.id);
    if (!pin) return false;
    // What was done, or what the employee chose, stays where it is.
    const resolved = this.history.resolutions.has(d.id) || pin.fixed === true;
    const request = this.#request(d, pin.date);
    const start = pin.startMs ?? (pin.start ? DateTime.fromISO(pin.start).toMillis() : undefined);
    const kept = this.#placer.tryKeep(request, pin.date, start, resolved);
    if (kept) {
      this.#emit(d, request.employee, kept, keepsOverdue);
      return true;
    }
    if (resolved) {
      // Even where today's rules would not put it (a day off, another period); its time is
      // still taken, so nothing new is put on top of it.
      const end = start !== undefined ? start + d.durationMinutes * 60_000 : undefined;
      if (start !== undefined && end !== undefined) this.#placer.reserve(pin.employee, pin.date, start, end);
      this.#emit(d, this.#employees.get(pin.employee) ?? request.employee, { date: pin.date, start, end }, keepsOverdue);
      return true;
    }
    return false;
  }

  #placeFresh(d: Demand & { placeFrom?: string }, keepsOverdue = false): Placement | undefined {
    const request = this.#request(d);
    const placed = this.#placer.place(request);
    if (!placed) {
      this.#warnings.push({ touch: d.id, source: d.source, client: d.client.id, window: d.window, message: d.overflow
        ? `no working day with free time for ${request.employee.id} between ${d.window.from} and ${addDays(d.window.to, 31)}`
        : `not planned: ${request.employee.id} has no free slot (meetings_per_day, working hours shared with the client) on any working day from ${d.window.from} to ${d.window.to}` });
      return undefined;
    }
    this.#emit(d, request.employee, placed, keepsOverdue);
    return placed;
  }

  /** `anchor: last`: each touch due `every` after the previous one; the first after the last done. */
  #planChains(rule: Rule): void {
    const spread = Math.min(7, Math.round(approximateDays(rule.every!) / 10));
    const shared = ruleShared(rule, this.config.settings.language);
    for (const client of this.config.clients) {
      if (!selects(rule.for, client, this.#todayOf(undefined))) continue;
      for (const unit of ruleUnits(rule, client)) {
        const last = this.history.lastBySeries.get(unit.series);
        const base = last?.touchId ?? 'start';
        let anchorDate = last?.date ?? client.since;
        for (let k = 1; k <= MAX_CHAIN; k++) {
          const due = anchorDate ? addDuration(anchorDate, rule.every!) : this.#todayOf(client.team[rule.ours]);
          if (due > this.window.to) break;
          const window = { from: due, to: addDays(due, spread) };
          const d = demand(shared, `${unit.series}|after:${base}|${k}`, window, unit);
          let date: string | undefined;
          if (this.#keepPinned(d, k === 1)) date = this.history.pins.get(d.id)!.date;
          else {
            // Only the first touch after the last done one can be overdue. It is never dropped:
            // first planned after its due days have passed, it goes on the next working day
            // from today, flagged overdue, with its window saying when it was due.
            const today = this.#todayOf(this.#ownerId(d, due));
            date = this.#placeFresh(window.to < today ? { ...d, placeFrom: today } : d, k === 1)?.date;
          }
          if (!date) break;
          // After an overdue touch the cadence goes on from today, not from the missed day.
          anchorDate = maxDate(date, this.#todayOf(this.#ownerId(d, date)));
        }
      }
    }
  }

  #request(d: Demand & { placeFrom?: string }, knownDate?: string): PlacementRequest {
    let employee = this.#employees.get(d.employee ?? d.client.team[d.role]!)!;
    const from = d.placeFrom ?? d.window.from;
    const to = d.placeFrom ? addDays(d.placeFrom, daysBetween(d.window.from, d.window.to)) : d.window.to;
    const request = {
      seed: d.seed, client: d.client, from, to, mode: d.mode,
      durationMinutes: d.durationMinutes, overflow: d.overflow, employee, notBefore: undefined as string | undefined,
      notBeforeMs: this.#nowMs,
    };
    if (!d.employee && this.#handoverFrom.size > 0) {
      // Follow handovers: a touch on or after `on` belongs to the successor.
      for (let hops = 0; hops < 10; hops++) {
        const h = this.#handoverFrom.get(employee.id);
        if (!h) break;
        const date = knownDate ?? this.#placer.tentativeDate(request);
        if (!date || date < h.on) break;
        employee = this.#employees.get(h.to)!;
        request.employee = employee;
      }
    }
    request.notBefore = this.#todayOf(employee.id);
    return request;
  }

  #ownerId(d: Demand, date: string): string {
    if (d.employee) return d.employee;
    const holder = d.client.team[d.role]!;
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

  /** Records the touch if it falls in the window (or, with `keepsOverdue`, is overdue before it). */
  #emit(d: Demand, employee: Employee, p: Placement, keepsOverdue: boolean): void {
    const resolution = this.history.resolutions.get(d.id);
    const status = resolution?.status ?? 'planned';
    if (p.date > this.window.to) return;
    const today = this.#todayOf(employee.id);
    const overdue = status === 'planned' && (d.window.to < today || (p.end === undefined ? p.date < today : p.end <= this.now.toMillis()));
    if (p.date < this.window.from && !(keepsOverdue && overdue)) return;
    let start: string;
    let end: string;
    if (p.start === undefined || p.end === undefined) {
      start = p.date;
      end = addDays(p.date, 1);
    } else {
      start = isoInZone(p.start, employee.timezone);
      end = isoInZone(p.end, employee.timezone);
    }
    this.#startMs.push(p.start ?? -1);
    this.#seeds.push(d.seed);
    this.#touches.push({
      id: d.id, source: d.source, series: d.series, kind: d.kind, client: d.client.id,
      contacts: d.contactIds, employee: employee.id, date: p.date, start, end,
      allDay: p.start === undefined,
      title: this.#title(d, employee),
      window: d.window, remind: d.remind, status, overdue,
    });
  }
}

