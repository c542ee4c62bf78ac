import type { CalendarOwner, CalendarPort, ProviderName } from '../calendar/port.ts';
import { IcsCalendar } from '../calendar/ics/ics-calendar.ts';
import { horizonWindow } from '../plan-service.ts';
import { claimDueCalendars, releaseClaim, type CalendarKey } from '../storage/calendar-claims.ts';
import { CalendarGateway } from '../sync/calendar-gateway.ts';
import { forEachConcurrently } from '../sync/concurrently.ts';
import { desiredState, eventOf } from '../sync/desired-state.ts';
import { eventLinks } from '../sync/event-links.ts';
import { Reconciler, type DispatchResult } from '../sync/reconciler.ts';
import { RemoteChanges } from '../sync/remote-changes.ts';
import type { WorkDeps } from './work.ts';

/** The instance a dispatch pass works for, and how long its claims last. */
export interface SharedRun {
  readonly holder: string;
  readonly claimTtlMs: number;
}

/**
 * One dispatch pass of one daemon among several sharing the database: it claims calendars
 * with calls due that no live instance is working (work a stopped or killed instance left,
 * writes whose retry came due), works out those employees' desired events again — the
 * reconciler needs each row's event content, which only the run that computed it held — and
 * works their rows. It plans nothing and records no desired state: a row whose content changed
 * since its sync (the hash differs) waits for the next sync. A write the dead instance sent
 * without an answer is still in flight in its row: it is read back before anything else.
 */
export async function dispatchDue(deps: WorkDeps, shared: SharedRun): Promise<{ result: DispatchResult; calendars: number }> {
  const { db, config, clock } = deps;
  const now = clock.now();
  const known = new Map(config.employees.map((e) => [e.id, e]));
  const ports: Partial<Record<ProviderName, CalendarPort>> = { ics: new IcsCalendar(db, clock), ...deps.ports };
  const claimed = await claimDueCalendars(db, shared.holder, now.toUTC().toISO()!, now.plus({ milliseconds: shared.claimTtlMs }).toUTC().toISO()!);
  const total: DispatchResult = { done: 0, retried: 0, failed: 0, settled: 0, deletedByUser: 0, movedByUser: 0, paused: new Map(), held: 0, slowed: 0, unanswered: 0, errors: new Map(), elsewhere: 0, fenced: 0 };
  // Calendars this configuration does not know how to reach (an employee removed, a provider
  // not configured here) are let go at once: the sync that follows a change settles them.
  const workable = new Map<string, CalendarKey[]>();
  for (const key of claimed) {
    const e = known.get(key.employeeId);
    if (e && e.calendar === key.provider && ports[key.provider as ProviderName]) workable.set(key.employeeId, [...(workable.get(key.employeeId) ?? []), key]);
    else await releaseClaim(db, key, shared.holder);
  }
  if (workable.size === 0) return { result: total, calendars: 0 };
  const window = horizonWindow(config, now);
  const links = await eventLinks(db, config);
  const changes = new RemoteChanges(db, config, links);
  const gateway = new CalendarGateway({ ports, clock, ...deps.dispatch, sharedRates: db });
  const owners = new Map<string, CalendarOwner>(config.employees.map((e) => [e.id, { employeeId: e.id, email: e.email, timezone: e.timezone }]));
  await forEachConcurrently([...workable.entries()], deps.dispatch?.concurrency ?? 8, async ([employee, keys]) => {
    try {
      if (deps.signal.aborted) return;
      const desired = await desiredState(db, config, window, links, now, employee);
      const result = await new Reconciler({
        db, gateway, owners, clock, changes, eventFor: (row) => eventOf(desired, row), ...deps.dispatch, signal: deps.signal,
        claims: { holder: shared.holder, ttlMs: shared.claimTtlMs },
      }).runDue(employee);
      merge(total, result);
    } finally {
      // The reconciler releases what it worked; a calendar it never reached (stopped) is let go here.
      for (const key of keys) await releaseClaim(db, key, shared.holder);
    }
  });
  return { result: total, calendars: [...workable.values()].reduce((n, keys) => n + keys.length, 0) };
}

function merge(into: DispatchResult, r: DispatchResult): void {
  into.done += r.done;
  into.retried += r.retried;
  into.failed += r.failed;
  into.settled += r.settled;
  into.deletedByUser += r.deletedByUser;
  into.movedByUser += r.movedByUser;
  into.elsewhere += r.elsewhere;
  into.fenced += r.fenced;
  into.held += r.held;
  into.slowed += r.slowed;
  into.unanswered += r.unanswered;
  for (const [k, v] of r.paused) into.paused.set(k, v);
  for (const [k, v] of r.errors) into.errors.set(k, (into.errors.get(k) ?? 0) + v);
}
