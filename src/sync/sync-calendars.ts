import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import type { DateTime } from 'luxon';
import { join } from 'node:path';
import type { Clock } from '../clock.ts';
import type { Config, Employee } from '../domain/types.ts';
import { horizonWindow } from '../plan-service.ts';
import type { DB } from '../storage/database.ts';
import type { CalendarOwner, CalendarPort, ProviderName } from '../calendar/port.ts';
import { IcsCalendar } from '../calendar/ics/ics-calendar.ts';
import { setupHint } from '../calendar/setup-hint.ts';
import { KEEP_CANCELLED_DAYS, renderFeed } from '../calendar/ics/feed.ts';
import { feedSecret, feedToken } from '../calendar/ics/feed-token.ts';
import { desiredEvent } from './desired-events.ts';
import { eventLinks } from './event-links.ts';
import { planSync, type Desired, type SyncOperation } from './sync-plan.ts';
import { enqueue, recordedEvents } from './outbox.ts';
import { Dispatcher, type DispatcherDeps, type DispatchResult } from './dispatcher.ts';
import { reconcile, type ReconcileResult } from './reconcile.ts';

export interface SyncOptions {
  readonly employee?: string;
  readonly dryRun?: boolean;
  /** Where the iCalendar feed files are written. */
  readonly feedDir: string;
  /** Providers other than the embedded feed, when configured (Google, Microsoft). */
  readonly ports?: Partial<Record<ProviderName, CalendarPort>>;
  /**
   * Read the employees' calendars for events they deleted or moved (default true). A
   * frequent sync can skip it and leave it to a slower schedule: it costs a listing per calendar.
   */
  readonly readCalendars?: boolean;
  /** Rate limits and the wait function of the dispatcher (tests inject a fake clock's). */
  readonly dispatch?: Pick<DispatcherDeps, 'perMinute' | 'sleep' | 'concurrency' | 'random' | 'onProgress' | 'signal'>;
}

export interface SyncReport {
  readonly window: { from: string; to: string };
  readonly operations: readonly SyncOperation[];
  /** Operations already waiting in the outbox from an earlier run. */
  readonly waiting: number;
  readonly dispatched: DispatchResult | undefined;
  /** Deleted and moved events found in the employees' calendars. */
  readonly reconciled: ReconcileResult | undefined;
  /** Employees left out, and why (no calendar, provider not configured). */
  readonly skipped: ReadonlyMap<string, string>;
  readonly feeds: readonly { employee: string; token: string; file: string }[];
}

/**
 * One sync: the plan's touches of the horizon against what the calendars hold → the
 * operations, stored in the outbox → carried out → the feeds written. A second run with
 * nothing changed writes nothing.
 */
export async function syncCalendars(db: DB, config: Config, clock: Clock, options: SyncOptions): Promise<SyncReport> {
  const now = clock.now();
  const window = horizonWindow(config, now);
  const ports: Partial<Record<ProviderName, CalendarPort>> = { ics: new IcsCalendar(db, clock), ...options.ports };
  const employees = new Map(config.employees.filter((e) => !options.employee || e.id === options.employee).map((e) => [e.id, e]));
  const skipped = new Map<string, string>();
  for (const e of employees.values()) {
    if (e.calendar === 'none') skipped.set(e.id, 'calendar: none');
    else if (!ports[e.calendar]) skipped.set(e.id, `no ${e.calendar} connection is configured: ${setupHint(e.calendar)}`);
  }

  const links = await eventLinks(db, config);
  // First, what the employees did in their calendars (not in a dry run: it reads nothing).
  const reconciled = options.dryRun || options.readCalendars === false ? undefined
    : await reconcile(db, config, ports, window, [...employees.keys()].filter((id) => !skipped.has(id)), now.toUTC().toISO()!, links);

  let q = db.selectFrom('touches').selectAll().where('status', 'in', ['planned', 'done']).where('date', '>=', window.from).where('date', '<=', window.to);
  if (options.employee) q = q.where('employee_id', '=', options.employee);
  const desired = new Map<string, Desired>();
  for (const touch of await q.execute()) {
    const e = employees.get(touch.employee_id);
    if (!e || skipped.has(e.id)) continue;
    desired.set(touch.id, { employeeId: e.id, provider: e.calendar as ProviderName, event: desiredEvent(touch, config, links) });
  }
  const recorded = await recordedEvents(db, window.from, window.to);
  for (const [touchId, r] of recorded) {
    const keep = (!options.employee || r.employeeId === options.employee) && !skipped.has(r.employeeId);
    if (!keep) recorded.delete(touchId);
  }
  const planned = planSync(desired, recorded);
  // Intents already in the outbox (waiting for a retry, or for a paused employee) are not new.
  const queued = await queuedIntents(db);
  const operations = planned.filter((op) => !queued.has(intentKey(op)));
  const waiting = planned.length - operations.length;
  if (options.dryRun) return { window, operations, waiting, reconciled, dispatched: undefined, skipped, feeds: [] };

  await enqueue(db, planned, now.toUTC().toISO()!);
  const owners = new Map<string, CalendarOwner>(config.employees.map((e) => [e.id, { employeeId: e.id, email: e.email, timezone: e.timezone }]));
  const dispatched = await new Dispatcher({ db, ports, owners, clock, ...options.dispatch }).runDue(options.employee);

  const feeds = await writeFeeds(db, config, [...employees.values()], options.feedDir, now);
  return { window, operations, waiting, reconciled, dispatched, skipped, feeds };
}

function intentKey(op: SyncOperation): string {
  return `${op.touchId}|${op.employeeId}|${op.op}|${op.op === 'delete' ? '' : JSON.stringify(op.event)}`;
}

async function queuedIntents(db: DB): Promise<Set<string>> {
  const rows = await db.selectFrom('outbox').select(['touch_id', 'employee_id', 'op', 'payload']).where('status', '=', 'pending').execute();
  return new Set(rows.map((r) => `${r.touch_id}|${r.employee_id}|${r.op}|${r.payload ?? ''}`));
}

/**
 * Writes the feed file of each employee on the iCalendar feed whose events changed since it
 * was last written (or whose file is missing). Rendering is the slow part of a sync of a large
 * company, and most runs change a few calendars.
 */
async function writeFeeds(db: DB, config: Config, employees: readonly Employee[], dir: string, now: DateTime): Promise<{ employee: string; token: string; file: string }[]> {
  const feeds: { employee: string; token: string; file: string }[] = [];
  const secret = await feedSecret(db);
  mkdirSync(dir, { recursive: true });
  // Cancelled events stay in a feed for a while so subscribers drop them, then go for good.
  await db.deleteFrom('ics_events').where('status', '=', 'cancelled').where('updated_at', '<', now.minus({ days: KEEP_CANCELLED_DAYS }).toUTC().toISO()!).execute();
  const stats = new Map((await db.selectFrom('ics_events')
    .select(['employee_id', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('updated_at').as('last'), (eb) => eb.fn.sum<number>('sequence').as('changes')])
    .groupBy('employee_id').execute()).map((r) => [r.employee_id, `${r.n}|${r.last}|${r.changes}`]));
  const rendered = new Map((await db.selectFrom('ics_feeds').selectAll().execute()).map((r) => [r.employee_id, r.fingerprint]));
  for (const e of employees) {
    if (e.calendar !== 'ics') continue;
    const token = feedToken(secret, e.id);
    const file = join(dir, `${token}.ics`);
    const name = `${e.name} — ${config.settings.company} touches`;
    const fingerprint = `${name}|${stats.get(e.id) ?? 'empty'}`;
    feeds.push({ employee: e.id, token, file });
    if (rendered.get(e.id) === fingerprint && existsSync(file)) continue;
    const text = await renderFeed(db, e.id, name, now);
    // Written beside and renamed: a reader never sees half a feed.
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    await db.insertInto('ics_feeds').values({ employee_id: e.id, fingerprint, rendered_at: now.toUTC().toISO()! })
      .onConflict((oc) => oc.column('employee_id').doUpdateSet({ fingerprint, rendered_at: now.toUTC().toISO()! })).execute();
  }
  return feeds;
}
