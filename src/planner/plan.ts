import { DateTime } from 'luxon';
import type { Config, Employee, Handover, Rule, Touch } from '../domain/types.ts';
import { TIMED_KINDS } from '../domain/types.ts';
import { selects } from '../domain/selector.ts';
import { fillTitle } from '../domain/title-template.ts';
import { approximateDays } from '../domain/duration.ts';
import { addDays, addDuration, localDate, maxDate } from './dates.ts';
import { campaignDemands } from './campaign-demands.ts';
import { contactValues, demand, DEFAULT_TITLES, type Demand } from './demand.ts';
import { handoverDemands } from './handover-demands.ts';
import type { PlannerHistory } from './history.ts';
import { Placer, type Placement, type PlacementRequest } from './placement.ts';
import { calendarRuleDemands, ruleUnits } from './rule-demands.ts';
import { WorkCalendar } from './work-calendar.ts';

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
  readonly message: string;
}

export interface PlanResult {
  readonly touches: readonly Touch[];
  readonly warnings: readonly PlanWarning[];
}

/** How far a chain of `anchor: last` touches is projected at most (a safety stop). */
const MAX_CHAIN = 400;

/**
 * The contact plan: every touch due in [window.from, window.to] (plus overdue `anchor: last`
 * touches before it), pure in its inputs. `now` decides what is overdue and keeps new
 * touches out of the past.
 */
export function planTouches(config: Config, history: PlannerHistory, window: PlanWindow, now: DateTime): PlanResult {
  return new PlanRun(config, history, window, now).run();
}

class PlanRun {
  readonly #calendar: WorkCalendar;
  readonly #placer: Placer;
  readonly #employees: Map<string, Employee>;
  readonly #handoverFrom: Map<string, Handover>;
  readonly #today = new Map<string, string>();
  readonly #touches: Touch[] = [];
  readonly #warnings: PlanWarning[] = [];

  constructor(
    private readonly config: Config,
    private readonly history: PlannerHistory,
    private readonly window: PlanWindow,
    private readonly now: DateTime,
  ) {
    this.#calendar = new WorkCalendar(config.settings.workdays);
    this.#placer = new Placer(this.#calendar);
    this.#employees = new Map(config.employees.map((e) => [e.id, e]));
    this.#handoverFrom = new Map(config.handovers.map((h) => [h.from, h]));
  }

  run(): PlanResult {
    const { from, to } = this.window;
    const fixed = [
      ...calendarRuleDemands(this.config, from, to),
      ...campaignDemands(this.config, from, to),
      ...handoverDemands(this.config, this.#calendar, from, to),
    ];
    // Earlier placements first, so that whatever is new fits around them and nothing moves.
    const fresh: Demand[] = [];
    for (const d of fixed) if (!this.#keepPinned(d)) fresh.push(d);
    for (const rule of this.config.rules) if (rule.anchor === 'last') this.#planChains(rule);
    fresh.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const d of fresh) this.#placeFresh(d);
    this.#touches.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.employee < b.employee ? -1 : a.employee > b.employee ? 1 : a.id < b.id ? -1 : 1));
    return { touches: this.#touches, warnings: this.#warnings };
  }

  #keepPinned(d: Demand, keepsOverdue = false): boolean {
    const pin = this.history.pins.get(d.id);
    if (!pin) return false;
    const resolved = this.history.resolutions.has(d.id);
    const request = this.#request(d, pin.date);
    const start = pin.start ? DateTime.fromISO(pin.start).toMillis() : undefined;
    const kept = this.#placer.tryKeep(request, pin.date, start, resolved);
    if (kept) {
      this.#emit(d, request.employee, kept, keepsOverdue);
      return true;
    }
    if (resolved) {
      // What was done stays where it happened, even if today's rules would not put it there.
      const end = start !== undefined ? start + d.durationMinutes * 60_000 : undefined;
      this.#emit(d, this.#employees.get(pin.employee) ?? request.employee, { date: pin.date, start, end }, keepsOverdue);
      return true;
    }
    return false;
  }

  #placeFresh(d: Demand, keepsOverdue = false): Placement | undefined {
    const request = this.#request(d);
    const placed = this.#placer.place(request);
    if (!placed) {
      this.#warnings.push({ touch: d.id, source: d.source, client: d.client.id, message: d.overflow
        ? `no working day with free time for ${request.employee.id} between ${d.from} and ${addDays(d.to, 31)}`
        : `not planned: ${request.employee.id} has no free slot (meetings_per_day, working hours shared with the client) on any working day from ${d.from} to ${d.to}` });
      return undefined;
    }
    this.#emit(d, request.employee, placed, keepsOverdue);
    return placed;
  }

  /** `anchor: last`: each touch due `every` after the previous one; the first after the last done. */
  #planChains(rule: Rule): void {
    const spread = Math.min(7, Math.round(approximateDays(rule.every) / 10));
    for (const client of this.config.clients) {
      if (!selects(rule.for, client)) continue;
      for (const unit of ruleUnits(rule, client)) {
        const last = this.history.lastBySeries.get(unit.series);
        const base = last?.touchId ?? 'start';
        let anchorDate = last?.date ?? client.since;
        for (let k = 1; k <= MAX_CHAIN; k++) {
          const due = anchorDate ? addDuration(anchorDate, rule.every) : this.#todayOf(client.team[rule.ours]);
          if (due > this.window.to) break;
          const d = demand({
            identity: `${unit.series}|after:${base}|${k}`,
            source: `rule:${rule.id}`, series: unit.series, kind: rule.kind, client, contacts: unit.contacts,
            role: rule.ours, from: due, to: addDays(due, spread), mode: 'spread', overflow: true,
            durationMinutes: TIMED_KINDS.has(rule.kind) ? rule.durationMinutes : 0, remind: rule.remind,
            title: rule.title ?? DEFAULT_TITLES[rule.kind], titleValues: { ...contactValues(client, unit.contacts), 'rule.id': rule.id },
          });
          let date: string | undefined;
          // Only the first touch after the last done one can be overdue; it is never dropped.
          if (this.#keepPinned(d, k === 1)) date = this.history.pins.get(d.id)!.date;
          else date = this.#placeFresh(d, k === 1)?.date;
          if (!date) break;
          // After an overdue touch the cadence goes on from today, not from the missed day.
          anchorDate = maxDate(date, this.#todayOf(this.#ownerId(d, date)));
        }
      }
    }
  }

  #request(d: Demand, knownDate?: string): PlacementRequest & { employee: Employee } {
    let employee = this.#employees.get(d.employee ?? d.client.team[d.role]!)!;
    const base = {
      seed: d.seed, client: d.client, from: d.from, to: d.to, mode: d.mode, durationMinutes: d.durationMinutes, overflow: d.overflow,
    };
    if (!d.employee) {
      // Follow handovers: a touch on or after `on` belongs to the successor.
      for (let hops = 0; hops < 10; hops++) {
        const h = this.#handoverFrom.get(employee.id);
        if (!h) break;
        const date = knownDate ?? this.#placer.tentativeDate({ ...base, employee, notBefore: undefined });
        if (!date || date < h.on) break;
        employee = this.#employees.get(h.to)!;
      }
    }
    return { ...base, employee, notBefore: this.#todayOf(employee.id) };
  }

  #ownerId(d: Demand, date: string): string {
    return this.#request(d, date).employee.id;
  }

  #todayOf(employeeId: string | undefined): string {
    const zone = (employeeId && this.#employees.get(employeeId)?.timezone) || this.config.settings.timezone;
    let today = this.#today.get(zone);
    if (!today) {
      today = localDate(this.now, zone);
      this.#today.set(zone, today);
    }
    return today;
  }

  /** Records the touch if it falls in the window (or, with `keepsOverdue`, is overdue before it). */
  #emit(d: Demand, employee: Employee, p: Placement, keepsOverdue: boolean): void {
    const resolution = this.history.resolutions.get(d.id);
    const status = resolution?.status ?? 'planned';
    if (p.date > this.window.to) return;
    const overdue = status === 'planned' && (p.end === undefined ? p.date < this.#todayOf(employee.id) : p.end <= this.now.toMillis());
    if (p.date < this.window.from && !(keepsOverdue && overdue)) return;
    let start: string;
    let end: string;
    if (p.start === undefined || p.end === undefined) {
      start = p.date;
      end = addDays(p.date, 1);
    } else {
      start = DateTime.fromMillis(p.start, { zone: employee.timezone }).toISO()!;
      end = DateTime.fromMillis(p.end, { zone: employee.timezone }).toISO()!;
    }
    this.#touches.push({
      id: d.id, source: d.source, series: d.series, kind: d.kind, client: d.client.id,
      contacts: d.contacts.map((c) => c.id), employee: employee.id, date: p.date, start, end,
      allDay: p.start === undefined,
      title: fillTitle(d.title, { ...d.titleValues, 'employee.name': employee.name, company: this.config.settings.company }),
      window: { from: d.from, to: d.to }, remind: d.remind, status, overdue,
    });
  }
}

