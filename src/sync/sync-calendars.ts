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
import { eventLinks } from './event-links.ts';
import { applyDesired, dirtySyncRows, stateOf, syncRowsFrom, type Want } from '../storage/calendar-sync-repository.ts';
import type { CalendarSyncRow } from '../storage/schema.ts';
import { nextStep, type Step } from '../domain/sync-state.ts';
import { desiredState, eventOf, rowKey } from './desired-state.ts';
import { CalendarGateway, type GatewayOptions } from './calendar-gateway.ts';
import { Reconciler, type DispatchResult, type ReconcilerDeps } from './reconciler.ts';
import { observeCalendars, type ObserveResult } from './observe-calendars.ts';
import { RemoteChanges } from './remote-changes.ts';

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
  /** Rate limits, waits and pacing of the calls (tests inject a fake clock's). */
  readonly dispatch?: Pick<GatewayOptions, 'perMinute' | 'sleep' | 'readPolicy'> & Pick<ReconcilerDeps, 'concurrency' | 'random' | 'onProgress' | 'signal' | 'policy'>;
}

/** A call the sync makes (or, in a dry run, would make) for one calendar entry in one calendar. */
export interface SyncOperation {
  readonly op: Exclude<Step, 'none'>;
  /** The entry: a meeting's or call's touch id, or the id of a day's all-day touches of one source. */
  readonly entryId: string;
  readonly employeeId: string;
  readonly provider: string;
  readonly title: string | undefined;
}

export interface SyncReport {
  readonly window: { from: string; to: string };
  /** Calls this sync's changes of the plan ask for. */
  readonly operations: readonly SyncOperation[];
  /** Calls still to make from earlier runs (waiting for a retry, or a paused calendar). */
  readonly waiting: number;
  readonly dispatched: DispatchResult | undefined;
  /** Deleted and moved events found in the employees' calendars. */
  readonly reconciled: ObserveResult | undefined;
  /** Calendar calls made: reads (listings, read-backs) and writes. */
  readonly calls: { readonly reads: number; readonly writes: number };
  /** Employees left out, and why (no calendar, provider not configured). */
  readonly skipped: ReadonlyMap<string, string>;
  readonly feeds: readonly { employee: string; token: string; file: string }[];
}

/**
 * One sync: what employees did in their calendars (read first), the plan's touches of the
 * horizon recorded as the desired state of each calendar, then each calendar brought to it
 * (docs/sync-states.md), and the feeds written. A second run with nothing changed writes nothing.
 */
export async function syncCalendars(db: DB, config: Config, clock: Clock, options: SyncOptions): Promise<SyncReport> {
  const now = clock.now();
  const nowIso = now.toUTC().toISO()!;
  const window = horizonWindow(config, now);
  const ports: Partial<Record<ProviderName, CalendarPort>> = { ics: new IcsCalendar(db, clock), ...options.ports };
  const gateway = new CalendarGateway({ ports, clock, ...options.dispatch });
  const employees = new Map(config.employees.filter((e) => !options.employee || e.id === options.employee).map((e) => [e.id, e]));
  const skipped = new Map<string, string>();
  for (const e of employees.values()) {
    if (e.calendar === 'none') skipped.set(e.id, 'calendar: none');
    else if (!ports[e.calendar]) skipped.set(e.id, `no ${e.calendar} connection is configured: ${setupHint(e.calendar)}`);
  }

  const links = await eventLinks(db, config);
  const remoteChanges = new RemoteChanges(db, config, links);
  // First, what the employees did in their calendars (not in a dry run: it reads nothing).
  const reconciled = options.dryRun || options.readCalendars === false ? undefined
    : await observeCalendars(db, config, gateway, remoteChanges, window, [...employees.keys()].filter((id) => !skipped.has(id)), nowIso, options.dispatch?.concurrency);
  const desired = await desiredState(db, config, window, links, now, options.employee);

  if (options.dryRun) {
    const { operations, waiting } = await wouldDo(db, desired.wants, desired.events, window, options.employee);
    return { window, operations, waiting, reconciled, dispatched: undefined, calls: { reads: 0, writes: 0 }, skipped, feeds: [] };
  }
  const changes = await applyDesired(db, desired.wants, { from: window.from, employee: options.employee }, nowIso);
  const operations: SyncOperation[] = [];
  for (const c of changes) {
    const op = nextStep(stateOf(c.row));
    if (op !== 'none') operations.push({ op, entryId: c.row.entry_id, employeeId: c.row.employee_id, provider: c.row.provider, title: eventOf(desired, c.row)?.title });
  }
  const changed = new Set(changes.map((c) => rowKey(c.row.entry_id, c.row.employee_id, c.row.provider)));
  const waiting = (await dirtySyncRows(db, options.employee)).filter((r) => !changed.has(rowKey(r.entry_id, r.employee_id, r.provider))).length;
  const owners = new Map<string, CalendarOwner>(config.employees.map((e) => [e.id, { employeeId: e.id, email: e.email, timezone: e.timezone }]));
  const dispatched = await new Reconciler({
    db, gateway, owners, clock, skip: skipped, changes: remoteChanges, eventFor: (row) => eventOf(desired, row), ...options.dispatch,
  }).runDue(options.employee);

  const feeds = await writeFeeds(db, config, [...employees.values()], options.feedDir, now);
  return { window, operations, waiting, reconciled, dispatched, calls: { reads: gateway.reads, writes: gateway.writes }, skipped, feeds };
}

/**
 * The calls a sync would make now, without writing anything (a dry run): those the plan's
 * changes ask for, and how many are still to do from earlier runs (a retry, a paused calendar).
 */
async function wouldDo(
  db: DB, wants: readonly Want[], events: ReadonlyMap<string, { title: string }>,
  window: { from: string }, employee?: string,
): Promise<{ operations: SyncOperation[]; waiting: number }> {
  const rows = new Map<string, CalendarSyncRow>();
  for (const r of await syncRowsFrom(db, window.from, employee)) rows.set(rowKey(r.entry_id, r.employee_id, r.provider), r);
  const out: SyncOperation[] = [];
  let waiting = 0;
  const wanted = new Set<string>();
  for (const w of wants) {
    const k = rowKey(w.entryId, w.employeeId, w.provider);
    wanted.add(k);
    const row = rows.get(k);
    if (row?.dirty && row.desired === 'present' && row.desired_hash === w.hash) {
      waiting++;
      continue;
    }
    const state = row ? { ...stateOf(row), desired: 'present' as const, desiredHash: w.hash }
      : { desired: 'present' as const, desiredHash: w.hash, remote: 'none' as const, remoteHash: null, inflight: null, failedHash: null };
    const op = nextStep(state);
    if (op !== 'none') out.push({ op, entryId: w.entryId, employeeId: w.employeeId, provider: w.provider, title: events.get(k)?.title });
  }
  for (const [k, row] of rows) {
    if (wanted.has(k)) continue;
    if (row.dirty && row.desired === 'absent') {
      waiting++;
      continue;
    }
    const op = nextStep({ ...stateOf(row), desired: 'absent', desiredHash: null });
    if (op !== 'none') out.push({ op, entryId: row.entry_id, employeeId: row.employee_id, provider: row.provider, title: undefined });
  }
  return { operations: out, waiting };
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
