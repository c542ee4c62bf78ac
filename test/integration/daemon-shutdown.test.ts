import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import parsePrometheus from 'parse-prometheus-text-format';
import { openMigrated } from '../../src/storage/database.ts';
import type { GoogleCalendarFake } from '../fakes/google-calendar-fake.ts';
import { googleClient, startGoogleFake } from '../helpers/google-fake.ts';
import { writeConfig } from '../helpers/config-folder.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { A, B, HORIZON, NOW, syncCompany } from '../helpers/sync-company.ts';
import { daemonUnderTest, nextFinished, stopAll } from '../helpers/daemon-under-test.ts';
import { expectedEntries, listedTouches } from '../helpers/calendar-entries.ts';

let fake: GoogleCalendarFake;
let url: string;
beforeEach(async () => {
  ({ fake, url } = await startGoogleFake());
  fake.latencyMs = 5;
});
afterEach(async () => {
  await stopAll();
  await fake.stop();
});

const google = () => googleClient(url);

describe('stopping the daemon in the middle of a sync', () => {
  it('loses nothing and duplicates nothing: what was written is recorded, the rest waits and is written after the restart', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('google', { clients: 10 }) });
    const clock = new ManualClock(NOW);
    let stopping: Promise<void> | undefined;
    const first = await daemonUnderTest({
      configDir, clock, ports: { google: google() },
      dispatch: { onProgress: (finished) => { if (finished === 8) stopping ??= first.daemon.stop(); } },
    });
    await first.daemon.start();
    await new Promise<void>((resolve) => { const wait = () => (stopping ? resolve() : setImmediate(wait)); wait(); });
    await stopping;

    const db = await openMigrated(first.dbFile);
    const inCalendars = [...fake.events(A), ...fake.events(B)].filter((e) => e.status !== 'cancelled');
    const recorded = await db.selectFrom('calendar_sync').select('event_key').where('remote', '=', 'present').execute();
    const waiting = await db.selectFrom('calendar_sync').select('inflight_op').where('dirty', '=', 1).execute();
    const planned = await db.selectFrom('touches').select(['id', 'employee_id', 'date', 'source', 'all_day']).where('status', '=', 'planned').where('date', '>=', HORIZON.from).where('date', '<=', HORIZON.to).execute();
    const entries = [...expectedEntries(planned).values()].map((e) => e.members.join(','));
    await db.destroy();
    // Stopped part-way: some written (each one recorded), the rest still to do, nothing left unresolved.
    expect(inCalendars.length).toBeGreaterThan(0);
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((w) => w.inflight_op === null)).toBe(true);
    expect(recorded.map((r) => r.event_key).sort()).toEqual(inCalendars.map((e) => e.id).sort());
    expect(recorded.length + waiting.length).toBe(entries.length);

    const second = await daemonUnderTest({ configDir, clock, dbFile: first.dbFile, feedDir: first.feedDir, ports: { google: google() } });
    const synced = nextFinished(second.daemon, 'sync');
    await second.daemon.start();
    second.daemon.scheduler.request('sync');
    await synced;
    const after = [...fake.events(A), ...fake.events(B)].filter((e) => e.status !== 'cancelled');
    expect(after.map((e) => listedTouches(e.description ?? '').join(',')).sort()).toEqual(entries.sort());
    // One create per event, ever: nothing was sent twice.
    expect(fake.writes().filter((w) => w.method === 'POST').length).toBe(entries.length);
  });
});

describe('provider errors in /metrics and /readyz', () => {
  it('counts errors by provider and code, and sets the last successful sync only when a sync went well', async () => {
    const configDir = writeConfig({ 'touchbase.yaml': syncCompany('google') });
    const clock = new ManualClock(NOW);
    fake.script({ kind: 'fail', status: 503, reason: 'backendError' }, { method: 'POST', times: 1 });
    const { daemon } = await daemonUnderTest({ configDir, clock, ports: { google: google() } });
    const first = nextFinished(daemon, 'daily'); // at the first start: sync, then the daily checks
    await daemon.start();
    await first;
    const metrics = async () => new Map(parsePrometheus(await (await fetch(`${daemon.url}/metrics`)).text()).map((f) => [f.name, f]));
    let m = await metrics();
    expect(m.get('touchbase_provider_errors_total')!.metrics).toEqual([{ labels: { provider: 'google', code: 'temporary' }, value: '1' }]);
    expect(m.get('touchbase_last_successful_sync_timestamp_seconds')!.metrics).toEqual([]);
    expect(await (await fetch(`${daemon.url}/readyz`)).json()).toMatchObject({ ready: true, providers: { 'google.state': 'errors' } });
    // The retry is due later: the next sync writes it and all is well.
    clock.set(NOW.plus({ minutes: 10 }));
    const second = nextFinished(daemon, 'sync');
    daemon.scheduler.request('sync');
    await second;
    m = await metrics();
    expect(m.get('touchbase_last_successful_sync_timestamp_seconds')!.metrics).toEqual([{ labels: { provider: 'google' }, value: String(NOW.plus({ minutes: 10 }).toSeconds()) }]);
    expect(Number(m.get('touchbase_sync_operations_total')!.metrics.find((x) => x.labels?.result === 'retried')!.value)).toBe(1);
  });
});
