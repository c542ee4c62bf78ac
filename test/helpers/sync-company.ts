import { DateTime } from 'luxon';
import { expect } from 'vitest';
import { SETTINGS, client, configOf, employee } from './config-folder.ts';
import { fixedClock, type Clock } from '../../src/clock.ts';
import type { Config } from '../../src/domain/types.ts';
import type { DB } from '../../src/storage/database.ts';
import { writeQueueSummary } from '../../src/storage/calendar-sync-repository.ts';
import type { SyncReport } from '../../src/sync/sync-calendars.ts';

/** The small company the provider sync tests share: Anna in Moscow, Boris in Bucharest. */
export const NOW = DateTime.fromISO('2027-03-01T08:00:00+03:00');
export const HORIZON = { from: '2027-03-01', to: '2027-05-30' };
export const A = 'anna@corp.example';
export const B = 'boris@corp.example';

/** Sections of the configuration, with a given calendar provider and a few variations. */
export function syncCompany(
  calendar: 'ics' | 'google' | 'microsoft',
  opts: { title?: string; clients?: number; handover?: boolean; anna?: { email?: string; calendar?: 'ics' | 'google' | 'microsoft' }; boris?: { email?: string } } = {},
) {
  return {
    settings: { ...SETTINGS.settings, calendar, horizon: '90 days' },
    employees: [{ ...employee('anna', 'account_manager', { email: opts.anna?.email ?? A }), ...(opts.anna?.calendar ? { calendar: opts.anna.calendar } : {}) }, employee('boris', 'account_manager', { email: opts.boris?.email ?? B, country: 'RO', timezone: 'Europe/Bucharest' })],
    clients: Array.from({ length: opts.clients ?? 4 }, (_, i) => client(`c${i}`, { roles: ['buyer', 'ceo'], team: { account_manager: i % 2 ? 'boris' : 'anna' } })),
    rules: [
      { id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', ...(opts.title ? { title: opts.title } : {}) },
      { id: 'letters', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: '1 month' },
    ],
    ...(opts.handover ? { handovers: [{ from: 'anna', to: 'boris', on: '2027-04-01', notice_from: 'leaving' }] } : {}),
  };
}

/** The company without its calls rule: their touches are cancelled and their events deleted (until the rule is back). */
export function withoutCalls(sections: ReturnType<typeof syncCompany>) {
  return { ...sections, rules: sections.rules.filter((r) => r.id !== 'calls') };
}

/** A touch id from an event key (the id without dashes). */
export function touchIdOf(key: string): string {
  return key.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
}

/** What the provider tests' own setup gives: a database and a plan-and-sync through the provider's real client. */
interface ProviderSync {
  readonly db: DB;
  readonly sync: (config: Config, clock?: Clock) => Promise<SyncReport>;
}

/**
 * A 400 page that is not the service's own error (a proxy in front: plain HTTP sent to its HTTPS
 * port) refuses nothing — the writes are retried and all land once it is put right — while the
 * service's own 400 (`serviceRefusal`, scripted on the fake) still refuses the event it is about.
 */
export async function expectProxyPageRetried<F>(o: {
  readonly calendar: 'google' | 'microsoft';
  readonly setup: () => Promise<ProviderSync>;
  readonly fake: { script(fault: F | { kind: 'raw'; status: number; body: string; contentType?: string }, opts: { method: string; times: number }): void; clearFaults(): void };
  readonly serviceRefusal: F;
  readonly expectCalendarsEqualPlan: (db: DB) => Promise<void>;
}): Promise<void> {
  const sections = (opts: Parameters<typeof syncCompany>[1] = {}) => syncCompany(o.calendar, opts);
  const { db, sync } = await o.setup();
  o.fake.script({ kind: 'raw', status: 400, contentType: 'text/html', body: '<html><head><title>400 The plain HTTP request was sent to HTTPS port</title></head><body><center><h1>400 Bad Request</h1></center><hr><center>nginx</center></body></html>' }, { method: 'POST', times: 10_000 });
  const first = await sync(configOf(sections()));
  expect(first.dispatched!.failed).toBe(0);
  expect((await writeQueueSummary(db)).refused).toEqual([]);
  o.fake.clearFaults();
  await sync(configOf(sections()), fixedClock(NOW.plus({ hours: 6 })));
  expect((await writeQueueSummary(db)).failed).toBe(0);
  await o.expectCalendarsEqualPlan(db);
  o.fake.script(o.serviceRefusal, { method: 'POST', times: 1 });
  const again = await sync(configOf(sections({ clients: 6 })), fixedClock(NOW.plus({ hours: 7 })));
  expect(again.dispatched!.failed).toBe(1);
  await db.destroy();
}
