/**
 * Calendar sync at scale against the local Google fake with 20 ms latency: the initial push
 * of about 20,000 touches for the demo company's ~440 employees, a sync with nothing changed,
 * and one with 1% of the touches changed. Prints writes per changed touch, wall time and the
 * request rate reached.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { schedulesSchema } from '../../src/config/schema.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { Config } from '../../src/domain/types.ts';
import { openMigrated } from '../../src/storage/database.ts';
import { planWithHistory } from '../../src/plan-service.ts';
import { syncCalendars } from '../../src/sync/sync-calendars.ts';
import { GoogleCalendar } from '../../src/calendar/google/google-calendar.ts';
import type { Clock } from '../../src/clock.ts';
import { GoogleCalendarFake } from '../fakes/google-calendar-fake.ts';
import { GraphCalendarFake } from '../fakes/graph-calendar-fake.ts';
import { MicrosoftCalendar } from '../../src/calendar/microsoft/microsoft-calendar.ts';
import type { CalendarPort } from '../../src/calendar/port.ts';

export async function syncBench(base: Config, row: (what: string, value: string, target: string, ok?: boolean) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'touchbase-sync-bench-'));
  const fake = new GoogleCalendarFake();
  const graphFake = new GraphCalendarFake();
  const url = await fake.start();
  const graphUrl = await graphFake.start();
  try {
    fake.latencyMs = 20;
    graphFake.latencyMs = 20;
    // Half the company on Google, half on Outlook.
    const employees = base.employees.map((e, i) => ({ ...e, calendar: i % 2 ? 'microsoft' as const : 'google' as const, email: e.email ?? `${e.id}@demo.example` }));
    const tokens = new Map(employees.filter((e) => e.calendar === 'google').map((e) => [e.email!, `rt-${e.id}`]));
    for (const [email, token] of tokens) fake.refreshTokens.set(token, email);
    const config: Config = { ...base, employees };
    const port = new GoogleCalendar({ auth: { kind: 'oauth', clientId: 'c', clientSecret: 's', refreshTokens: tokens }, rootUrl: `${url}/`, tokenUrl: `${url}/token` });
    const microsoft = new MicrosoftCalendar({ credentials: { tenantId: 'demo', clientId: 'client-id', clientSecret: 'client-secret', authorityHost: graphUrl }, graphBaseUrl: graphUrl });
    const db = await openMigrated(join(dir, 'bench.sqlite'));
    const now = DateTime.fromISO('2027-01-11T08:00:00+03:00');
    // The plan's instant, running on in real time: the rate limits (Google's per user and per
    // project, 9,000 calls a minute) count real minutes. A clock standing still never let a
    // window pass, and the push waited on the project's limit for ever.
    const started = performance.now();
    const clock: Clock = { now: () => now.plus({ milliseconds: performance.now() - started }) };
    // About 20,000 touches: the demo company's next 16 days.
    const window = { from: '2027-01-11', to: '2027-01-26' };
    await planWithHistory(db, config, window, now, true);
    const options = { feedDir: join(dir, 'feeds'), ports: { google: port, microsoft }, dispatch: { concurrency: 48 } };

    const writes = () => fake.writes().length + graphFake.writes().length;
    const requests = () => fake.log.length + graphFake.log.length;
    let t = performance.now();
    let before = writes();
    const first = await syncCalendars(db, config, clock, options);
    const firstMs = performance.now() - t;
    const pushed = first.dispatched!.done;
    row('sync: initial push', `${pushed} touches, ${employees.length} calendars (Google and Outlook), ${(firstMs / 1000).toFixed(1)} s (Google's half held to its project limit, 9,000 calls a minute)`, '');
    row('  write calls per touch', (( writes() - before) / pushed).toFixed(2), '1.0', writes() - before === pushed);
    row('  reads (Outlook looks its tag up before a create)', `${first.calls.reads}`, `≤ ${pushed} (one per Outlook create)`, first.calls.reads <= pushed);
    row('  requests per minute reached', String(Math.round((requests() / firstMs) * 60_000)), '(fakes: 20 ms latency)');
    const throttled = graphFake.throttled;
    row('  Outlook mailbox concurrency (429s)', String(throttled), '0', throttled === 0);

    t = performance.now();
    before = writes();
    const idle = await syncCalendars(db, config, clock, { ...options, readCalendars: false });
    const idleMs = performance.now() - t;
    row('sync: nothing changed (push side)', `${(idleMs / 1000).toFixed(2)} s, ${writes() - before} writes, ${idle.calls.reads} reads`, '≤ 1 s, 0 writes, 0 reads', idleMs <= 1000 && writes() === before && idle.operations.length === 0 && idle.calls.reads === 0);
    t = performance.now();
    const reads = requests();
    const withReads = await syncCalendars(db, config, clock, options);
    const readMs = performance.now() - t;
    const calendars = employees.length;
    row('  with reading every calendar for user edits', `${(readMs / 1000).toFixed(2)} s, ${withReads.calls.reads} reads (${requests() - reads} requests with pages and tokens), ${withReads.dispatched!.done} writes`, `one listing per calendar (${calendars}), 0 writes`, withReads.dispatched!.done === 0 && withReads.calls.reads <= calendars);

    // 1% of the timed touches change (their title, in their event's summary): exactly one write per
    // calendar event they are in. (All-day touches of an employee's day share one event, whose
    // text a changed title may leave as it was.)
    const touches = await db.selectFrom('touches').select('id').where('status', '=', 'planned').where('all_day', '=', 0).execute();
    const changed = touches.filter((_, i) => i % 100 === 0).map((r) => r.id);
    for (let i = 0; i < changed.length; i += 500) {
      await db.updateTable('touches').set((eb) => ({ title: eb('title', '||', ' (updated)') })).where('id', 'in', changed.slice(i, i + 500)).execute();
    }
    const changedIds = new Set(changed);
    const entries = await db.selectFrom('calendar_sync').select('members').where('desired', '=', 'present').execute();
    const events = entries.filter((e) => (JSON.parse(e.members) as string[]).some((id) => changedIds.has(id))).length;
    before = writes();
    t = performance.now();
    const onePercent = await syncCalendars(db, config, clock, options);
    const changeMs = performance.now() - t;
    const perChange = (writes() - before) / events;
    row('sync: 1% changed', `${changed.length} touches in ${events} calendar events, ${(changeMs / 1000).toFixed(2)} s`, '');
    row('  write calls per changed event', perChange.toFixed(2), '1.0', perChange === 1 && onePercent.dispatched!.failed === 0);
    row('  reads', `${onePercent.calls.reads} (one listing per calendar; a changed event is updated, not looked up)`, `≤ ${calendars}`, onePercent.calls.reads <= calendars);
    row('  dropped events', String(first.dispatched!.failed + onePercent.dispatched!.failed), '0', first.dispatched!.failed + onePercent.dispatched!.failed === 0);
    await db.destroy();
    await rateShare(row);
  } finally {
    await fake.stop();
    await graphFake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * How much of Google's per-user rate one busy calendar gets: 2,000 touches for one employee,
 * the fake limiting to 600 requests a minute on a virtual clock that the dispatcher's waits
 * advance (so the measure takes seconds, not minutes).
 */
async function rateShare(row: (what: string, value: string, target: string, ok?: boolean) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'touchbase-rate-bench-'));
  const fake = new GoogleCalendarFake();
  const url = await fake.start();
  try {
    let t = DateTime.fromISO('2027-01-11T08:00:00+03:00').toMillis();
    fake.now = () => t;
    fake.perUserPerMinute = 600;
    fake.refreshTokens.set('rt', 'busy@demo.example');
    const google = new GoogleCalendar({ auth: { kind: 'oauth', clientId: 'c', clientSecret: 's', refreshTokens: new Map([['busy@demo.example', 'rt']]) }, rootUrl: `${url}/`, tokenUrl: `${url}/token` });
    // Every call also takes 20 ms of virtual time, as over a real network.
    const after = async <T>(p: Promise<T>) => {
      const v = await p;
      t += 20;
      return v;
    };
    const port: CalendarPort = {
      provider: 'google',
      create: (o, e) => after(google.create(o, e)),
      update: (o, id, e) => after(google.update(o, id, e)),
      remove: (o, id) => after(google.remove(o, id)),
      read: (o, k) => after(google.read(o, k)),
      listTagged: (o, f, to) => after(google.listTagged(o, f, to)),
    };
    const db = await openMigrated(join(dir, 'rate.sqlite'));
    const config = busyCompany();
    const clock = { now: () => DateTime.fromMillis(t) };
    await planWithHistory(db, config, { from: '2027-01-11', to: '2027-04-10' }, clock.now(), true);
    const start = t;
    const report = await syncCalendars(db, config, clock, {
      feedDir: join(dir, 'feeds'), ports: { google: port }, readCalendars: false,
      dispatch: { sleep: async (ms) => { t += ms; } },
    });
    const minutes = (t - start) / 60_000;
    const share = report.dispatched!.done / (minutes * 600);
    const refused = fake.log.filter((r) => r.method === 'POST').length - report.dispatched!.done - 1;
    row('one busy Google calendar: share of its rate limit', `${Math.round(share * 100)}% (${report.dispatched!.done} writes in ${minutes.toFixed(1)} virtual min)`, '≥ 80%, nothing dropped', share >= 0.8 && report.dispatched!.failed === 0 && report.dispatched!.retried === 0);
    row('  requests refused for the rate', String(Math.max(0, refused)), '0');
    await db.destroy();
  } finally {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One account manager with 700 buyers to call monthly: about 2,000 touches in a quarter. */
function busyCompany(): Config {
  const hours = { start: 8 * 60, end: 20 * 60 };
  const clients = Array.from({ length: 700 }, (_, i) => ({
    id: `c${i}`, name: `Client ${i}`, tier: undefined, industry: undefined, country: 'RU', timezone: 'Europe/Moscow', stage: 'active' as const,
    since: undefined, stageSince: undefined, lastContact: undefined, newUntil: undefined, hours, team: { account_manager: 'busy' }, contacts: [{ id: `c${i}-buyer`, name: `Buyer ${i}`, role: 'buyer', email: undefined, phone: undefined }],
  }));
  return {
    settings: { company: 'Busy', timezone: 'Europe/Moscow', country: 'RU', workdays: [1, 2, 3, 4, 5], hours, horizon: { n: 90, unit: 'days' }, calendar: 'google',
      schedules: schedulesSchema.parse({}), http: { host: '127.0.0.1', port: 8787, publicUrl: undefined }, language: 'en', calendarChanges: {} },
    employees: [{ id: 'busy', name: 'Busy Manager', email: 'busy@demo.example', role: 'account_manager', timezone: 'Europe/Moscow', country: 'RU', calendar: 'google', hours, meetingsPerDay: undefined }],
    clients,
    // Calls, each its own event: all-day letters share one event per day (63 writes in a quarter), which never reaches the rate.
    rules: [{ id: 'calls', ours: 'account_manager', theirs: ['buyer'], kind: 'call', every: { n: 1, unit: 'months' }, after: undefined, for: {}, per: 'contact', anchor: 'calendar', durationMinutes: 15, remind: [15], title: undefined }],
    campaigns: [], holidays: [], handovers: [], triggers: [], silence: undefined,
    overdue: { afterDays: 2, escalateTo: undefined, escalateFor: ['ceo'], escalateKinds: ['meeting'] }, digest: { to: [] }, dashboard: { directors: [] },
  };
}
