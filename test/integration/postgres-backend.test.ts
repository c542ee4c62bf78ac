import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DaemonAlreadyRunningError } from '../../src/cli/known-errors.ts';
import { DatabaseProblemError, openMigrated } from '../../src/storage/database.ts';
import { acquireDaemonLock, isDaemonRunning } from '../../src/storage/daemon-lock.ts';
import { PostgresDaemonLock } from '../../src/storage/postgres/advisory-lock.ts';
import { pgModule } from '../../src/storage/postgres/pg-module.ts';
import { SETTINGS, client, configOf, employee, tempDir } from '../helpers/config-folder.ts';
import { DateTime } from 'luxon';
import { planWithHistory } from '../../src/plan-service.ts';
import { refreshDashboardSafely } from '../../src/dashboard/refresh.ts';
import { syncCompany } from '../helpers/sync-company.ts';
import { tempDatabase, tempDatabaseLocation } from '../helpers/temp-database.ts';
import { appendHistory, historyMark, historyPoint, passHistoryPoint } from '../../src/storage/touch-history.ts';
import { withPlanLock } from '../../src/storage/work-locks.ts';
import { inTransaction } from '../../src/storage/transactions.ts';

/**
 * PostgreSQL's own promises (the postgres project only): the counterparts of the SQLite-file
 * tests (a server that does not answer, a newer schema, the daemon lock) and the round trip
 * SQLite → PostgreSQL → export, byte for byte.
 */

const NOW = '2027-03-01T08:00:00+03:00';
const LATER = '2027-04-05T08:00:00+03:00';
const EXPORTED_AT = '2027-04-06T00:00:00Z';

/** The real touchbase command in a process of its own; the database only by the environment when `url` is given. */
function touchbase(args: string[], env: NodeJS.ProcessEnv = {}) {
  const base: NodeJS.ProcessEnv = { ...process.env, TOUCHBASE_LINK_SECRET: '', TOUCHBASE_FEED_SECRET: '', ...env };
  delete base.TOUCHBASE_PUBLIC_URL;
  const r = spawnSync(process.execPath, [resolve('src/touchbase.js'), ...args], { encoding: 'utf8', timeout: 90_000, killSignal: 'SIGKILL', env: base });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

describe('PostgreSQL', () => {
  it('stores flags, identities, days and instants in real columns and gives back exactly what SQLite gives', async () => {
    const db = await tempDatabase();
    const types = await sql<{ table_name: string; column_name: string; data_type: string; collation_name: string | null }>`
      select table_name, column_name, data_type, collation_name from information_schema.columns
      where table_schema = current_schema() and (table_name, column_name) in (('touches', 'all_day'), ('touches', 'date'), ('touches', 'created_at'),
        ('touch_events', 'seq'), ('calendar_sync', 'dirty'), ('touches', 'id'), ('touches', 'start_at')) order by table_name, column_name`.execute(db);
    expect(types.rows.map((r) => `${r.table_name}.${r.column_name} ${r.data_type}${r.collation_name ? ` ${r.collation_name}` : ''}`)).toEqual([
      'calendar_sync.dirty boolean', 'touch_events.seq bigint', 'touches.all_day boolean', 'touches.created_at timestamp with time zone',
      'touches.date date', 'touches.id text C', 'touches.start_at text C',
    ]);
    await db.insertInto('touches').values({
      id: 'b', source: 'rule:x', series: 's', kind: 'call', client_id: 'c', contact_ids: '[]', employee_id: 'e', date: '2027-01-02',
      start_at: '2027-01-02T10:00:00.000+03:00', end_at: '2027-01-02T10:15:00.000+03:00', all_day: 1, title: 't', window_from: '2027-01-01', window_to: '2027-01-31',
      remind: '[]', status: 'planned', resolved_at: null, resolved_date: null, resolved_by: null, note: null,
      created_at: '2027-01-01T05:00:00.000Z', updated_at: '2027-01-01T05:00:00.120Z', moved_by_user: 0, overdue_from: null, body: null,
    }).execute();
    expect(await db.selectFrom('touches').select(['all_day', 'moved_by_user', 'date', 'created_at', 'updated_at', 'start_at']).executeTakeFirst()).toEqual({
      all_day: 1, moved_by_user: 0, date: '2027-01-02', created_at: '2027-01-01T05:00:00.000Z', updated_at: '2027-01-01T05:00:00.120Z', start_at: '2027-01-02T10:00:00.000+03:00',
    });
    const n = await db.selectFrom('touches').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    expect(n).toEqual({ n: 1 });
    // Text sorts in byte order, as SQLite's: upper case before lower, '-' before digits.
    await db.insertInto('touches').values(['a', 'B', 'a-1', 'a1', 'Я', 'я'].map((id) => ({
      id, source: 'rule:x', series: 's', kind: 'call', client_id: 'c', contact_ids: '[]', employee_id: 'e', date: '2027-01-02', start_at: 's', end_at: 'e', all_day: 0, title: 't',
      window_from: '2027-01-01', window_to: '2027-01-31', remind: '[]', status: 'planned' as const, resolved_at: null, resolved_date: null, resolved_by: null, note: null,
      created_at: '2027-01-01T05:00:00.000Z', updated_at: '2027-01-01T05:00:00.000Z', moved_by_user: 0, overdue_from: null, body: null,
    }))).execute();
    expect((await db.selectFrom('touches').select('id').orderBy('id').execute()).map((r) => r.id)).toEqual(['B', 'a', 'a-1', 'a1', 'b', 'Я', 'я']);
  });

  it('a server that does not answer, or refuses the password: a clear message, never the password', async () => {
    const secret = 'hunter2-secret';
    const closed = `postgres://touchbase:${secret}@127.0.0.1:1/touchbase`;
    const down = touchbase(['status'], { TOUCHBASE_DATABASE_URL: closed });
    expect(down.code).toBe(1);
    expect(down.err).toContain('cannot connect to the PostgreSQL server of postgres://touchbase:***@127.0.0.1:1/touchbase');
    expect(down.err + down.out).not.toContain(secret);

    const wrong = withPassword(await tempDatabaseLocation(), secret);
    const file = join(tempDir(), 'url');
    writeFileSync(file, `${wrong}\n`, { mode: 0o600 });
    const refused = touchbase(['status'], { TOUCHBASE_DATABASE_URL_FILE: file });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/PostgreSQL refused the password of the role in postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/touchbase_t_/);
    // Wherever the URL came from (--db too): not only the variable.
    expect(refused.err).toContain('Check the password in the database URL (--db, TOUCHBASE_DATABASE_URL, or the file TOUCHBASE_DATABASE_URL_FILE names)');
    expect(refused.err + refused.out).not.toContain(secret);
    // A server without TLS asked for it: said so, with what to do.
    const tls = touchbase(['status'], { TOUCHBASE_DATABASE_URL: `${await tempDatabaseLocation()}?sslmode=require` });
    expect(tls.code).toBe(1);
    expect(tls.err).toContain('does not accept TLS (SSL) connections, which the URL asks for (sslmode)');
  });

  it('a database written by a newer touchbase is refused, naming the migration it does not know', async () => {
    const location = await tempDatabaseLocation();
    const db = await openMigrated(location);
    await sql`insert into kysely_migration (name, timestamp) values ('0010_later', '2030-01-01T00:00:00.000Z')`.execute(db);
    await db.destroy();
    const error = await openMigrated(location).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseProblemError);
    expect((error as DatabaseProblemError).problem).toBe('newer-version');
    expect((error as Error).message).toContain('migration 0010_later, which this version does not know');
    // Wherever the URL came from: --db too, not only the variable (QA).
    expect((error as Error).message).toContain('or point --db or TOUCHBASE_DATABASE_URL (whichever gave this URL) at a backup made before that upgrade');
    expect((error as Error).message).not.toContain(new URL(location).password);
  });

  it('one daemon per database: a session advisory lock, named holder, free again when released', async () => {
    const location = await tempDatabaseLocation();
    expect(await isDaemonRunning(location)).toBe(false);
    const held = await acquireDaemonLock(location, { pid: 4242, startedAt: '2027-03-01T05:00:00.000Z' });
    try {
      const second = await acquireDaemonLock(location, { pid: 4343, startedAt: '2027-03-01T06:00:00.000Z' }).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(DaemonAlreadyRunningError);
      expect((second as Error).message).toContain('another touchbase daemon is already running on postgres://postgres:***@');
      expect((second as Error).message).toContain('(pid 4242, started 2027-03-01T05:00:00.000Z)');
      expect(await isDaemonRunning(location)).toBe(true);
      // Another database of the same server has its own daemon.
      expect(await isDaemonRunning(await tempDatabaseLocation())).toBe(false);
    } finally {
      await held.release();
    }
    expect(await isDaemonRunning(location)).toBe(false);
  });

  it('a daemon lock whose session ends (a server restart) is taken again; taken by another daemon meanwhile, its holder hears it must stop', async () => {
    const location = await tempDatabaseLocation();
    const heard: string[] = [];
    const watch = { lost: () => heard.push('lost'), regained: () => heard.push('regained'), taken: (m: string) => heard.push(`taken: ${m}`) };
    const held = await PostgresDaemonLock.acquire(location, { pid: 4242, startedAt: '2027-03-01T05:00:00.000Z' }, watch, 100);
    const admin = new (pgModule().Client)({ connectionString: location });
    await admin.connect();
    const endSession = () => admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name like 'touchbase daemon pid 4242 %' and datname = current_database()");
    const until = async (what: () => boolean) => {
      for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 25));
    };
    let other: Awaited<ReturnType<typeof acquireDaemonLock>> | undefined;
    try {
      await endSession();
      await until(() => heard.includes('regained'));
      expect(heard).toEqual(['lost', 'regained']);
      expect(await isDaemonRunning(location)).toBe(true);
      // Lost again, and another daemon starts before this one's session is back: it has the lock now.
      await endSession();
      await until(() => heard.length > 2);
      other = await acquireDaemonLock(location, { pid: 4343, startedAt: '2027-03-01T06:00:00.000Z' });
      await until(() => heard.length > 3);
      expect(heard.slice(2)).toEqual(['lost', expect.stringMatching(/^taken: another touchbase daemon is already running on .*\(pid 4343, started 2027-03-01T06:00:00\.000Z\)/)]);
    } finally {
      await admin.end();
      await other?.release();
      await held.release();
    }
  });

  it('export from SQLite, import into PostgreSQL, export again: the same bytes; history goes on after the imported lines', async () => {
    const dir = tempDir();
    const config = join(dir, 'config');
    mkdirSync(config);
    writeFileSync(join(config, 'touchbase.yaml'), stringify(syncCompany('ics', { clients: 3 })));
    const sqliteFile = join(dir, 'a', 'touchbase.sqlite');
    const env = { TOUCHBASE_FEEDS_DIR: join(dir, 'feeds') };
    const ok = (args: string[], db: string) => {
      const r = touchbase([...args, '--config', config, '--db', db], env);
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
      return r.out;
    };
    ok(['once', '--now', NOW], sqliteFile);
    const plan = JSON.parse(ok(['plan', '--no-save', '--now', NOW, '--from', '2027-03-01', '--to', '2027-03-31', '--format', 'json'], sqliteFile)) as { id: string; date: string }[];
    const [done, skipped] = plan.sort((x, y) => x.date.localeCompare(y.date) || x.id.localeCompare(y.id));
    ok(['done', done!.id, '--at', `${done!.date}T15:00:00+03:00`, '--now', `${done!.date}T18:00:00+03:00`, '--note', 'agreed a visit — в мае'], sqliteFile);
    ok(['skip', skipped!.id, '--at', `${skipped!.date}T10:00:00+03:00`, '--now', `${skipped!.date}T18:00:00+03:00`, '--reason', 'closed this week'], sqliteFile);
    ok(['checks', '--now', LATER], sqliteFile);
    // An Outlook event leaving a calendar not read yet (its flags, 0/1 in SQLite, booleans in PostgreSQL).
    const side = await openMigrated(sqliteFile);
    await side.insertInto('calendar_sync').values({
      entry_id: done!.id, entry_date: done!.date, members: JSON.stringify([done!.id]), employee_id: 'anna', provider: 'microsoft', event_key: done!.id.replace(/-/g, ''),
      desired: 'absent', desired_hash: null, remote: 'present', remote_id: 'AAMk1', remote_etag: 'W/"1"', remote_hash: 'h', remote_start: `${done!.date}T09:00:00.000+03:00`,
      remote_end: `${done!.date}T09:30:00.000+03:00`, inflight_op: null, inflight_at: null, inflight_hash: null, inflight_start: null, inflight_end: null, attempts: 0,
      next_attempt_at: null, last_error: null, failed_hash: null, dirty: 1, updated_at: LATER, leaving_unread: 1,
    }).execute();
    await side.destroy();
    const exportFile = join(dir, 'backup.ndjson');
    ok(['export', '--out', exportFile, '--include-secrets', '--now', EXPORTED_AT], sqliteFile);
    const text = readFileSync(exportFile, 'utf8');

    const url = await tempDatabaseLocation({ empty: true });
    const imported = touchbase(['import', exportFile], { ...env, TOUCHBASE_DATABASE_URL: url });
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toContain('into postgres://postgres:***@');
    expect(imported.out).not.toContain(new URL(url).password);
    const again = touchbase(['export', '--include-secrets', '--now', EXPORTED_AT], { ...env, TOUCHBASE_DATABASE_URL: url });
    expect(again.code, again.err).toBe(0);
    expect(again.out).toBe(text);
    expect(text).toContain('"leaving_unread":true');

    // Both databases answer alike.
    for (const args of [['history', '--format', 'json'], ['plan', '--no-save', '--now', LATER, '--from', '2027-03-01', '--to', '2027-05-30', '--format', 'json'],
      ['report', 'coverage', '--now', LATER, '--format', 'json'], ['report', 'overdue', '--now', LATER, '--format', 'json']]) {
      expect(ok(args, url), args.join(' ')).toBe(ok(args, sqliteFile));
    }
    // The identity continues after the imported lines (setval).
    const history = JSON.parse(ok(['history', '--format', 'json'], url)) as { seq: number }[];
    const last = Math.max(...history.map((h) => h.seq));
    const open = (JSON.parse(ok(['plan', '--no-save', '--now', LATER, '--from', '2027-04-06', '--to', '2027-05-30', '--format', 'json'], url)) as { id: string; status: string }[])
      .find((t) => t.status === 'planned')!;
    ok(['skip', open.id, '--reason', 'after the move'], url);
    const after = JSON.parse(ok(['history', '--format', 'json'], url)) as { seq: number; type: string }[];
    expect(after.filter((h) => h.seq > last).map((h) => [h.seq, h.type])).toEqual([[last + 1, 'skipped']]);
  }, 240_000);
});

describe('a session the server ends while touchbase holds its connection (a restart, a failover, pg_terminate_backend)', () => {
  it('is an error of the work that used it, not a crash of the process; the next work gets a new connection (QA: a raw stack trace ended the job process)', async () => {
    const location = await tempDatabaseLocation();
    const db = await tempDatabase(location);
    const admin = new (pgModule().Client)({ connectionString: location });
    await admin.connect();
    const endOthers = () => admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    const pause = () => new Promise((r) => setTimeout(r, 300));
    try {
      // The plan lock's connection, idle while the work runs: its end is heard, and the work goes on to its own answer.
      expect(await withPlanLock(db, async () => {
        await endOthers();
        await pause();
        return 'the work ended';
      })).toBe('the work ended');
      // A transaction's connection, idle between two statements: the next statement fails, as the database's error.
      const failed = await inTransaction(db, async (trx) => {
        await trx.selectFrom('touches').select('id').execute();
        await endOthers();
        await pause();
        return trx.selectFrom('touches').select('id').execute();
      }).then(() => undefined, (error: unknown) => error);
      expect(failed).toBeInstanceOf(Error);
      // Nothing broken is given out again.
      expect(await db.selectFrom('touches').select('id').execute()).toEqual([]);
      expect(await withPlanLock(db, async () => db.selectFrom('touches').select('id').execute())).toEqual([]);
    } finally {
      await admin.end();
    }
  });
});

describe('two processes planning into one database at once (daemons sharing PostgreSQL)', () => {
  it('both plans are saved, one after the other (no duplicate touch, no failure on the touches\' key), and both dashboard refreshes too', async () => {
    const config = configOf({
      ...SETTINGS,
      employees: [employee('am', 'account_manager')],
      clients: Array.from({ length: 400 }, (_, i) => client(`c${i}`, { roles: ['buyer', 'ceo'] })),
      rules: [
        { id: 'calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month' },
        { id: 'letters', ours: 'account_manager', theirs: 'ceo', kind: 'letter', every: '1 month' },
      ],
    });
    const location = await tempDatabaseLocation();
    // Two connections of their own, as two daemons have.
    const a = await tempDatabase(location);
    const b = await openMigrated(location);
    const now = DateTime.fromISO('2027-03-01T08:00:00+03:00');
    const window = { from: '2027-03-01', to: '2027-08-31' };
    const [first, second] = await Promise.all([planWithHistory(a, config, window, now, true), planWithHistory(b, config, window, now, true)]);
    await b.destroy();
    const touches = await a.selectFrom('touches').select('id').execute();
    expect(new Set(touches.map((t) => t.id)).size).toBe(touches.length);
    expect(touches.length).toBe(first.result.touches.length);
    // The one that waited found the other's plan saved: nothing new to insert.
    expect([first.saved!.inserted, second.saved!.inserted].sort((x, y) => x - y)).toEqual([0, touches.length]);
    // And the dashboard's snapshot, refreshed by both at once: one after the other, no collision on its keys.
    const c = await openMigrated(location);
    const refreshed = await Promise.all([refreshDashboardSafely(a, config, now), refreshDashboardSafely(c, config, now)]);
    expect(refreshed).toEqual(['', '']);
    // What goes with a plan (printed to a slow `| less`) does not hold the others' plans up: one made meanwhile ends.
    let meanwhile: Awaited<ReturnType<typeof planWithHistory>> | undefined;
    await planWithHistory(a, config, window, now, true, undefined, async () => {
      meanwhile = await planWithHistory(c, config, window, now, true);
    });
    await c.destroy();
    expect(meanwhile!.saved!.inserted).toBe(0);
  });
});

describe('the history point a pass starts the next one from (daemons sharing PostgreSQL)', () => {
  it('is never past a line a longer transaction has numbered and not yet committed; writers meanwhile do not wait', async () => {
    const location = await tempDatabaseLocation();
    const a = await tempDatabase(location);
    const b = await openMigrated(location);
    const touch = (id: string) => ({
      id, source: 'rule:calls', series: `rule:calls|acme|${id}`, kind: 'call', client_id: 'acme', contact_ids: '[]', employee_id: 'anna',
      date: '2027-03-02', start_at: '2027-03-02T10:00:00.000+03:00', end_at: '2027-03-02T10:30:00.000+03:00', all_day: 0, title: 'call',
      window_from: '2027-03-02', window_to: '2027-03-02', remind: '[]', status: 'planned' as const, resolved_at: null, resolved_date: null,
      resolved_by: null, note: null, created_at: EXPORTED_AT, updated_at: EXPORTED_AT, moved_by_user: 0, overdue_from: null, body: null,
    });
    const line = (id: string) => ({ touch_id: id, type: 'rescheduled' as const, at: EXPORTED_AT, employee_id: 'anna', from_date: '2027-03-02', to_date: '2027-03-03', detail: null, cause: 'overdue' as const });
    await a.insertInto('touches').values(['t1', 't2', 't3'].map(touch)).execute();
    // A long transaction (the daily checks) numbers its line; a link's line, numbered after it, commits first.
    let finish!: () => void;
    const open = new Promise<void>((r) => (finish = r));
    let numbered!: () => void;
    const hasNumbered = new Promise<void>((r) => (numbered = r));
    const long = a.transaction().execute(async (trx) => {
      await appendHistory(trx as unknown as typeof a, [line('t1')]);
      numbered();
      await open;
    });
    await hasNumbered;
    let point: number | undefined;
    let settled: Promise<unknown> = Promise.resolve();
    try {
      await appendHistory(b, [line('t2')]);
      settled = passHistoryPoint(b).then((p) => (point = p));
      await new Promise((r) => setTimeout(r, 400));
      expect(point, 'a point taken while a lower line is uncommitted').toBeUndefined();
      // Another writer is not held up by the pass waiting for its point.
      await appendHistory(b, [line('t3')]);
      const [mark, last] = [await historyMark(b), await historyPoint(b)];
      finish();
      await settled;
      // The daemon's tick sees the line committed late, though the last number is the same.
      expect(await historyPoint(b)).toBe(last);
      expect(await historyMark(b)).not.toBe(mark);
      // Every line up to the point is there to read: the next pass misses none.
      const seqs = (await b.selectFrom('touch_events').select('seq').orderBy('seq').execute()).map((r) => Number(r.seq));
      expect(seqs.filter((s) => s <= point!)).toEqual(seqs);
    } finally {
      finish();
      await long;
      await settled;
      await b.destroy();
    }
  });
});
