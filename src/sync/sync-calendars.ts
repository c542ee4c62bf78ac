import { existsSync } from 'node:fs';
import type { DateTime } from 'luxon';
import { join } from 'node:path';
import type { Clock } from '../clock.ts';
import type { Config, Employee } from '../domain/types.ts';
import { horizonWindow } from '../plan-service.ts';
import { addDays } from '../planner/dates.ts';
import type { DB } from '../storage/database.ts';
import type { CalendarOwner, CalendarPort, DesiredEvent, ProviderName } from '../calendar/port.ts';
import { IcsCalendar } from '../calendar/ics/ics-calendar.ts';
import { setupHint } from '../calendar/setup-hint.ts';
import { KEEP_CANCELLED_DAYS, KEEP_PAST_DAYS, renderFeed } from '../calendar/ics/feed.ts';
import { feedSecret, feedToken } from '../calendar/ics/feed-token.ts';
import { eventLinks } from './event-links.ts';
import { applyDesired, dirtySyncRows, forgetOtherReadFailures, stateOf, syncRowsFrom, type Want } from '../storage/calendar-sync-repository.ts';
import { applyFeedEvents, employeesInFeeds, feedFingerprints, purgeOldFeedEvents, recordRenderedFeed, renderedFeeds, type FeedWant } from '../storage/feed-repository.ts';
import { employeesWithEventsElsewhere, employeesWithPendingWrites, touchesChangedSince } from '../storage/sync-queries.ts';
import type { CalendarSyncRow } from '../storage/schema.ts';
import { nextStep, type Step } from '../domain/sync-state.ts';
import { desiredState, rowKey } from './desired-state.ts';
import { CalendarGateway, type GatewayOptions } from './calendar-gateway.ts';
import { Reconciler, type DispatchResult, type ReconcilerDeps } from './reconciler.ts';
import { observeCalendars, observeFormerCalendars, observeHandedOver, type ObserveResult } from './observe-calendars.ts';
import { RemoteChanges } from './remote-changes.ts';
import { claimFeedsFolder, FEEDS_OWNER_FILE, FeedFiles, makeFeedFolder, removeStaleFeedFiles } from './feed-files.ts';
import { FEEDS_OWNER_VALUE, localSecret } from '../storage/local-secrets.ts';
import { translator } from '../i18n/translator.ts';
import { deleteLeftovers, followAddressChanges, forgetRemovedEmployees, type FormerCalendarsResult } from './former-calendars.ts';
import { calendarLeftovers, leftoverMailboxes } from '../storage/calendar-addresses.ts';

export interface SyncOptions {
  readonly employee?: string;
  /**
   * Only these employees' calendars (an incremental pass: the people a change reaches), plus
   * those with calls still to make and those whose touches changed since `since`.
   */
  readonly scope?: { readonly employees: ReadonlySet<string>; readonly since: number };
  readonly dryRun?: boolean;
  /**
   * The database is a throwaway copy (`sync --dry-run` on SQLite: storage/preview-copy.ts): a dry
   * run may then change it as the sync would (an address change moves its rows) to list the calls.
   */
  readonly throwaway?: boolean;
  /** Where the iCalendar feed files are written. */
  readonly feedDir: string;
  /** Providers other than the embedded feed, when configured (Google, Microsoft). */
  readonly ports?: Partial<Record<ProviderName, CalendarPort>>;
  /**
   * Read the employees' calendars for events they deleted or moved (default true). A
   * frequent sync can skip it and leave it to a slower schedule: it costs a listing per calendar.
   */
  readonly readCalendars?: boolean;
  /**
   * List the operations one by one (default true: a dry run's table, a caller that looks at
   * them). false: only their number (`changes`) — a first sync of a large company makes a
   * million of them, and holding each with its title was a fifth of the process's memory.
   */
  readonly listOperations?: boolean;
  /** Rate limits, waits and pacing of the calls (tests inject a fake clock's). */
  readonly dispatch?: Pick<GatewayOptions, 'perMinute' | 'rates' | 'sharedRates' | 'sleep' | 'readPolicy'> & Pick<ReconcilerDeps, 'concurrency' | 'random' | 'onProgress' | 'signal' | 'policy' | 'claims'>;
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
  /** Calls this sync's changes of the plan ask for (empty unless options.listOperations). */
  readonly operations: readonly SyncOperation[];
  /** How many calls this sync's changes of the plan ask for (listed or not). */
  readonly changes: number;
  /** Calls still to make from earlier runs (waiting for a retry, or a paused calendar). */
  readonly waiting: number;
  readonly dispatched: DispatchResult | undefined;
  /** Deleted and moved events found in the employees' calendars. */
  readonly reconciled: ObserveResult | undefined;
  /** Calendar calls that got their answer — reads (listings' pages, read-backs) and writes — and those that failed. */
  readonly calls: { readonly reads: number; readonly writes: number; readonly failedReads: number; readonly failedWrites: number };
  /** Employees left out, and why (no calendar, provider not configured). */
  readonly skipped: ReadonlyMap<string, string>;
  readonly feeds: readonly { employee: string; token: string; file: string }[];
  /** Calendars whose address changed, and our events left in ones no longer used (sync/former-calendars.ts); undefined in a dry run. */
  readonly formerCalendars: FormerCalendarsResult | undefined;
  /** The employees whose calendars this sync worked out (all of them, or the scope of an incremental pass). */
  readonly employees: number;
}

/**
 * One sync: what employees did in their calendars (read first), the plan's touches of the
 * horizon recorded as the desired state of each calendar, then each calendar brought to it
 * (docs/sync-states.md), and the feeds written. One employee at a time, so memory holds one
 * calendar's events, not the company's. A second run with nothing changed writes nothing.
 */
export async function syncCalendars(db: DB, config: Config, clock: Clock, options: SyncOptions): Promise<SyncReport> {
  const now = clock.now();
  const nowIso = now.toUTC().toISO()!;
  const window = horizonWindow(config, now);
  // What the calendars should show starts a few days back: a call marked done the next morning
  // (or skipped after its day) has its event follow — ✓ and no reminder, or gone — as the
  // README promises; from today only, it kept its open title for good. The calendars are still
  // read from today on (what an employee does to last week's events decides nothing).
  const shown = recentWindow(config, window);
  const ports: Partial<Record<ProviderName, CalendarPort>> = { ics: new IcsCalendar(db, clock), ...options.ports };
  const gateway = new CalendarGateway({ ports, clock, ...options.dispatch });
  const all = new Map(config.employees.filter((e) => !options.employee || e.id === options.employee).map((e) => [e.id, e]));
  const skipped = new Map<string, string>();
  for (const e of all.values()) {
    if (e.calendar === 'none') skipped.set(e.id, 'calendar: none');
    else if (!ports[e.calendar]) skipped.set(e.id, `no ${e.calendar} connection is configured: ${setupHint(e.calendar)}`);
  }

  const links = await eventLinks(db, config);
  const remoteChanges = new RemoteChanges(db, config, links);
  // Calendars being left (an address changed, Google or Outlook given up): what the employee did
  // there since the last read is taken in before their events are written elsewhere.
  // Whenever the events would move (the daemon's frequent sync reads no calendar otherwise: it
  // follows a changed address all the same), and only for those whose new calendar is worked on.
  const former = options.dryRun ? undefined
    : await observeFormerCalendars(db, config, gateway, remoteChanges, window, [...all.keys()].filter((id) => !skipped.has(id)), nowIso);
  // One that could not be read for now: its employee's calendars wait (nothing read, moved or written) for the next sync.
  for (const [id, reason] of former?.waiting ?? []) skipped.set(id, reason);
  // And touches handed to another employee: their events, before they leave the calendar they are in.
  const handedOver = options.dryRun || options.employee ? undefined
    : await observeHandedOver(db, config, gateway, remoteChanges, window, nowIso, options.scope?.since);
  if (former && handedOver) {
    former.deleted += handedOver.deleted;
    former.moved += handedOver.moved;
  }
  const reading = !options.dryRun && options.readCalendars !== false;
  // An address changed since the events were written: they move before any read looks for them there.
  const moved = options.dryRun && !options.throwaway ? undefined
    : await followAddressChanges(db, config, gateway, [...all.keys()].filter((id) => !skipped.has(id)), window.from, nowIso);
  // Employees gone from the configuration: their events leave their calendars (not in a sync of
  // one employee; a dry run lists them).
  const removed = options.employee ? undefined
    : await forgetRemovedEmployees(db, config, window.from, now.minus({ days: KEEP_CANCELLED_DAYS }).toUTC().toISO()!, nowIso, options.dryRun);
  // First, what the employees did in their calendars (not in a dry run: it reads nothing).
  const reconciled = !reading ? undefined
    : await observeCalendars(db, config, gateway, remoteChanges, window, [...all.keys()].filter((id) => !skipped.has(id)), nowIso, options.dispatch?.concurrency);
  if (reconciled && former) {
    reconciled.deleted += former.deleted;
    reconciled.moved += former.moved;
  }
  // Failed reads of calendars no employee has now (gone from the configuration, moved to another provider) are no one's to report.
  if (!options.dryRun && !options.employee) {
    await forgetOtherReadFailures(db, new Set(config.employees.filter((e) => e.calendar === 'google' || e.calendar === 'microsoft').map((e) => `${e.id}\u0000${e.calendar}`)));
  }

  // Whose calendars to work out: everyone's, or the pass's scope and whoever has calls waiting or touches changed since.
  // Not those whose calendar being left could not be read: what they want moves nowhere yet (a
  // feed's switch unapplied too, or its Google events' deletion would come before that read).
  let chosen = [...all.values()].filter((e) => !former?.waiting.has(e.id));
  if (options.scope) {
    const reach = new Set([...options.scope.employees, ...await employeesWithPendingWrites(db), ...(await touchesChangedSince(db, options.scope.since)).employees]);
    chosen = chosen.filter((e) => reach.has(e.id));
  }
  // The embedded feeds are ours: written in bulk from the desired state, one transaction per
  // employee (a test may inject its own feed port instead, to put the feeds through the reconciler).
  const bulkFeeds = !options.ports?.ics;
  // Every operation is counted; it is made (with its title) only when they are listed.
  const listed: SyncOperation[] = [];
  let changeCount = 0;
  const listing = options.listOperations !== false || options.dryRun === true;
  const note = (operation: () => SyncOperation) => {
    changeCount++;
    if (listing) listed.push(operation());
  };
  const kept = new Map<string, DesiredEvent>();
  let waiting = 0;
  let feedWrites = 0;
  const purgeBefore = now.minus({ days: KEEP_CANCELLED_DAYS }).toUTC().toISO()!;
  // Employees moved to the feed from Google or Outlook: their events there are deleted (below).
  const switched = bulkFeeds ? await employeesWithEventsElsewhere(db, 'ics', window.from) : new Set<string>();
  // And the other way: employees moved from the feed to Google or Outlook (or to none) have their
  // feed's events cancelled, or a feed they still subscribe to would repeat their calendar.
  // (Read off the table's key: whose feed has any event; those with only cancelled ones find nothing to do.)
  const leftFeed = bulkFeeds && chosen.some((e) => e.calendar !== 'ics') ? await employeesInFeeds(db) : new Set<string>();
  // The feeds' events of several employees are written in one transaction, up to FEED_BATCH
  // events: one transaction each wrote again, at each commit, the pages of the events' key index
  // that its few hundred events fell on at random (760 MB written and 1.4 GB read for a
  // 10,000-client company's first sync, a quarter of it in commits). Memory holds a batch.
  let batch: { employees: string[]; wants: FeedWant[]; titles: Map<string, string> } = { employees: [], wants: [], titles: new Map() };
  const writeFeedBatch = async () => {
    if (batch.employees.length === 0) return;
    const { employees, wants, titles } = batch;
    batch = { employees: [], wants: [], titles: new Map() };
    const changes = await applyFeedEvents(db, employees, wants, { from: shown.from, purgeBefore }, nowIso, options.dryRun);
    // Listed employee by employee, as when each had its transaction (a feed that loses an event to them last).
    const order = new Map(employees.map((id, i) => [id, i]));
    const sorted = changes.map((c, i) => ({ c, at: order.get(c.employeeId) ?? employees.length, i })).sort((a, b) => a.at - b.at || a.i - b.i);
    for (const { c } of sorted) note(() => ({ op: c.op, entryId: entryIdOf(c.key), employeeId: c.employeeId, provider: 'ics', title: titles.get(entryIdOf(c.key)) }));
    feedWrites += changes.length;
  };
  for (const e of chosen) {
    if (e.calendar !== 'ics' && leftFeed.has(e.id)) {
      const changes = await applyFeedEvents(db, [e.id], [], { from: window.from, purgeBefore }, nowIso, options.dryRun);
      for (const c of changes) note(() => ({ op: c.op, entryId: entryIdOf(c.key), employeeId: e.id, provider: 'ics', title: undefined }));
      feedWrites += changes.length;
    }
    if (e.calendar === 'none') continue;
    const desired = await desiredState(db, config, shown, links, now, e.id);
    const title = (entryId: string, provider: string) => desired.events.get(rowKey(entryId, e.id, provider))?.title;
    if (bulkFeeds && e.calendar === 'ics') {
      batch.employees.push(e.id);
      for (const w of desired.wants) {
        const event = desired.events.get(rowKey(w.entryId, w.employeeId, w.provider))!;
        batch.wants.push({ employeeId: w.employeeId, key: event.key, date: w.date, hash: w.hash, payload: JSON.stringify(event) });
        if (listing) batch.titles.set(w.entryId, event.title);
      }
      if (batch.wants.length >= FEED_BATCH || switched.has(e.id)) await writeFeedBatch();
      if (!switched.has(e.id)) continue;
      // Their touches are in the feed now: the events in the calendar they used before are not
      // wanted there any more (the reconciler deletes them), or they would have each touch twice.
      if (options.dryRun) {
        const would = await wouldDo(db, [], desired.events, shown, e.id);
        for (const op of would.operations) note(() => op);
        waiting += would.waiting;
        continue;
      }
      for (const c of await applyDesired(db, [], { from: shown.from, employee: e.id, skipProvider: 'ics' }, nowIso)) {
        const op = nextStep(stateOf(c.row));
        if (op !== 'none') note(() => ({ op, entryId: c.row.entry_id, employeeId: e.id, provider: c.row.provider, title: undefined }));
      }
      continue;
    }
    if (options.dryRun) {
      // After an address change every row is to write again: listed as this sync's calls, not as waiting ones.
      const would = await wouldDo(db, desired.wants, desired.events, shown, e.id, moved?.has(e.id));
      for (const op of would.operations) note(() => op);
      waiting += would.waiting;
      continue;
    }
    const changes = await applyDesired(db, desired.wants, { from: shown.from, employee: e.id, skipProvider: bulkFeeds ? 'ics' : undefined }, nowIso);
    const changed = new Set<string>();
    for (const c of changes) {
      const op = nextStep(stateOf(c.row));
      changed.add(rowKey(c.row.entry_id, c.row.employee_id, c.row.provider));
      if (op !== 'none') note(() => ({ op, entryId: c.row.entry_id, employeeId: e.id, provider: c.row.provider, title: title(c.row.entry_id, c.row.provider) }));
    }
    // Only the events of rows with a call to make are kept for the reconciler.
    for (const row of await dirtySyncRows(db, e.id)) {
      const k = rowKey(row.entry_id, row.employee_id, row.provider);
      const event = desired.events.get(k);
      if (event) kept.set(k, event);
      if (!changed.has(k)) waiting++;
    }
  }
  await writeFeedBatch();
  if (options.dryRun) {
    // The events an address change leaves at the old address, to delete there.
    if (moved?.size) {
      for (const mailbox of await leftoverMailboxes(db)) {
        if (!moved.has(mailbox.employee_id)) continue;
        for (const l of await calendarLeftovers(db, mailbox, Number.MAX_SAFE_INTEGER)) {
          note(() => ({ op: 'delete', entryId: entryIdOf(l.event_key), employeeId: l.employee_id, provider: l.provider, title: `(at ${l.address})` }));
        }
      }
    }
    // And the events of employees gone from the configuration: deleted there, cancelled in their feed.
    for (const r of removed?.events ?? []) {
      note(() => ({ op: 'delete', entryId: entryIdOf(r.key), employeeId: r.employeeId, provider: r.provider, title: `(gone from the configuration${r.address ? `; at ${r.address}` : ''})` }));
    }
    return {
      window, operations: listed, changes: changeCount, waiting, reconciled, dispatched: undefined, calls: { reads: gateway.reads, writes: 0, failedReads: gateway.failedReads, failedWrites: 0 }, skipped, feeds: [],
      formerCalendars: undefined, employees: chosen.length,
    };
  }
  const owners = new Map<string, CalendarOwner>(config.employees.map((e) => [e.id, { employeeId: e.id, email: e.email, timezone: e.timezone }]));
  const dispatched = await new Reconciler({
    db, gateway, owners, clock, skip: skipped, changes: remoteChanges, eventFor: (row) => kept.get(rowKey(row.entry_id, row.employee_id, row.provider)), listedLive: reconciled?.listedLive, ...options.dispatch,
  }).runDue(options.employee);
  // Written to the feeds (in the same transactions as the rest of their changes).
  dispatched.done += feedWrites;
  const leftovers = await deleteLeftovers(db, config, gateway);
  const feeds = await writeFeeds(db, config, [...all.values()], options.feedDir, now, options.scope ? new Set(chosen.map((e) => e.id)) : undefined, !options.employee);
  return {
    window, operations: listed, changes: changeCount, waiting, reconciled, dispatched, calls: { reads: gateway.reads, writes: gateway.writes, failedReads: gateway.failedReads, failedWrites: gateway.failedWrites }, skipped, feeds,
    formerCalendars: { moved: moved ?? new Map(), ...leftovers, removed }, employees: chosen.length,
  };
}

/** Feed events written in one transaction at most (a batch ends with the employee who fills it). */
const FEED_BATCH = 5000;

/** Days before today whose events still follow their touches (at least the overdue grace, after which an open touch moves to today). */
const RECENT_DAYS = 7;

/** The horizon with its last days before today: what a sync writes into the calendars. */
function recentWindow(config: Config, horizon: { from: string; to: string }): { from: string; to: string } {
  return { from: addDays(horizon.from, -Math.max(RECENT_DAYS, config.overdue.afterDays + 1)), to: horizon.to };
}

/** The entry id of an event key (the entry's UUID without dashes, and any generation suffix). */
function entryIdOf(key: string): string {
  return key.slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
}

/**
 * The calls a sync would make now, without writing anything (a dry run): those the plan's
 * changes ask for, and how many are still to do from earlier runs (a retry, a paused calendar).
 */
async function wouldDo(
  db: DB, wants: readonly Want[], events: ReadonlyMap<string, { title: string }>,
  window: { from: string }, employee?: string, allNew = false,
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
    if (!allNew && row?.dirty && row.desired === 'present' && row.desired_hash === w.hash) {
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

/** The feeds' form: raised when the rendering changes, so that every feed is written again once. */
const FEED_FORMAT = 2;

/**
 * Writes the feed file of each employee on the iCalendar feed whose events changed since it
 * was last written (or whose file is missing). Rendering is the slow part of a sync of a large
 * company, and most runs change a few calendars.
 *
 * `worked`: the employees whose events this pass brought up to date (an incremental pass's); the
 * others' events are as their feeds were last written, so only a missing file of theirs is
 * written again. Without it (a full pass), every feed is checked, and when `everyone`'s are
 * (not a sync of one employee) the files no current feed names are removed.
 */
async function writeFeeds(
  db: DB, config: Config, employees: readonly Employee[], dir: string, now: DateTime, worked: ReadonlySet<string> | undefined, everyone: boolean,
): Promise<{ employee: string; token: string; file: string }[]> {
  const feeds: { employee: string; token: string; file: string }[] = [];
  const secret = await feedSecret(db);
  // Cancelled events stay in a feed for a while so subscribers drop them, then go for good: an
  // employee's as their events are applied, everyone's here at a full pass (at least daily: a new
  // day makes one).
  // Events of days long before what a sync writes go too (KEEP_PAST_DAYS): counted from the start
  // of that, so that nothing a sync still writes is purged, and written again, at every pass.
  const written = recentWindow(config, horizonWindow(config, now));
  if (!worked) await purgeOldFeedEvents(db, now.minus({ days: KEEP_CANCELLED_DAYS }).toUTC().toISO()!, addDays(written.from, -KEEP_PAST_DAYS));
  // Feeds of employees who left the feed for another calendar, or the configuration, are written
  // on while they hold cancelled events, so a subscribed calendar drops them.
  const inFeeds = everyone || employees.some((e) => e.calendar !== 'ics') ? await employeesInFeeds(db) : new Set<string>();
  const present = new Set(employees.map((e) => e.id));
  const former = everyone ? [...inFeeds].filter((id) => !present.has(id)).sort() : [];
  const owners = [
    ...employees.filter((e) => e.calendar === 'ics' || inFeeds.has(e.id)).map((e) => ({ id: e.id, name: e.name, zone: e.timezone, current: e.calendar === 'ics' })),
    ...former.map((id) => ({ id, name: id, zone: config.settings.timezone, current: false })),
  ];
  // A company with no feed (Google and Outlook only) neither makes nor claims the folder: it
  // claimed the default one, and another database's sync there was then refused (QA).
  if (owners.length === 0 && !existsSync(join(dir, FEEDS_OWNER_FILE))) return feeds;
  makeFeedFolder(dir);
  claimFeedsFolder(dir, await localSecret(db, FEEDS_OWNER_VALUE, undefined));
  const changed = worked && new Set([...worked, ...former]);
  const stats = await feedFingerprints(db, changed && owners.filter((o) => changed.has(o.id)).map((o) => o.id));
  const rendered = await renderedFeeds(db);
  const nowIso = now.toUTC().toISO()!;
  const writer = new FeedFiles();
  const { t } = translator(config.settings.language);
  const tokens = new Set<string>();
  try {
    for (const e of owners) {
      const token = feedToken(secret, e.id);
      tokens.add(token);
      const file = join(dir, `${token}.ics`);
      // In the company's language: it is the calendar's name in the employee's calendar app.
      const name = t('feed.name', { employee: e.name, company: config.settings.company });
      if (e.current) feeds.push({ employee: e.id, token, file });
      if (changed && !changed.has(e.id)) {
        if (existsSync(file)) continue;
        for (const [id, stat] of await feedFingerprints(db, [e.id])) stats.set(id, stat);
      }
      // FEED_FORMAT: a feed written by an earlier version is written again once in the new form.
      const fingerprint = `${FEED_FORMAT}|${name}|${stats.get(e.id) ?? 'empty'}`;
      if (rendered.get(e.id) === fingerprint && existsSync(file)) continue;
      const bytes = await renderFeed(db, e.id, name, now, e.zone);
      await writer.write(file, bytes, e.id, () => recordRenderedFeed(db, e.id, fingerprint, nowIso));
    }
  } catch (error) {
    // The file being written is finished (or not) before the caller goes on; the first error is the one told.
    await writer.finish().catch(() => undefined);
    throw error;
  }
  await writer.finish();
  if (!worked && everyone) removeStaleFeedFiles(dir, tokens);
  return feeds;
}
