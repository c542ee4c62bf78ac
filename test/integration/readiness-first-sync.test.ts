import { describe, expect, it } from 'vitest';
import { readinessOf } from '../../src/daemon/readiness.ts';
import { UNDER_DAEMON } from '../../src/storage/database.ts';
import { claimRun, recordFailure, recordSuccess } from '../../src/storage/job-repository.ts';
import { tempDatabase } from '../helpers/temp-database.ts';
import { sql } from 'kysely';

describe('readiness and the first sync', () => {
  it('a first sync that failed (a full feed disk) is no first sync done: not ready, and why; once one has worked, a later failure does not undo it', async () => {
    const db = await tempDatabase();
    const ready = () => readinessOf(db, { configRejected: false, running: undefined, nowMs: 0 });
    expect(await ready()).toMatchObject({ ready: false, firstSync: 'running', reasons: ['the first sync has not finished yet'] });
    await claimRun(db, 'sync', '2027-03-01T06:00:00.000Z');
    await recordFailure(db, 'sync', '2027-03-01T06:00:05.000Z', 5000, 'the feed folder /srv/feeds is full (ENOSPC)', '2027-03-01T06:00:35.000Z');
    expect(await ready()).toMatchObject({ ready: false, firstSync: 'failed', reasons: ['no sync has worked yet (why: touchbase status, or the log)'] });
    // The error's text (a path, a file, a server) is not for anyone who reaches /readyz (security review 2026-12-06).
    expect(JSON.stringify(await ready())).not.toContain('/srv/feeds');
    await claimRun(db, 'sync', '2027-03-01T06:01:00.000Z', true);
    await recordSuccess(db, 'sync', '2027-03-01T06:01:05.000Z', 5000, 'written');
    expect(await ready()).toMatchObject({ ready: true, firstSync: 'done' });
    await claimRun(db, 'sync', '2027-03-01T06:05:00.000Z');
    await recordFailure(db, 'sync', '2027-03-01T06:05:05.000Z', 5000, 'the feed folder /srv/feeds is full (ENOSPC)', '2027-03-01T06:05:35.000Z');
    expect(await ready()).toMatchObject({ ready: true, firstSync: 'done' });
    await db.destroy();
  });

  it('a database a newer touchbase upgraded under the daemon makes it unready, and says to restart it (QA 2026-12-06)', async () => {
    const db = await tempDatabase();
    const ready = () => readinessOf(db, { configRejected: false, running: undefined, nowMs: 0 });
    await claimRun(db, 'sync', '2027-03-01T06:00:00.000Z');
    await recordSuccess(db, 'sync', '2027-03-01T06:00:05.000Z', 5000, 'written');
    expect(await ready()).toMatchObject({ ready: true });
    // What the next version's first command writes (its jobs here then fail on "written by a newer version").
    await sql`insert into kysely_migration (name, timestamp) values ('0099_future', '2027-03-01T07:00:00.000Z')`.execute(db);
    const after = await ready();
    expect(after.ready).toBe(false);
    expect(after.reasons).toEqual([expect.stringMatching(/a newer version of touchbase upgraded the database since this daemon started \(migration 0099_future\): .*restarted/)]);
    await db.destroy();
  });

  it('jobs refused because touchbase was upgraded under the daemon make it unready, and say to restart it (review 2026-12-06)', async () => {
    const db = await tempDatabase();
    const ready = () => readinessOf(db, { configRejected: false, running: undefined, nowMs: 0 });
    await claimRun(db, 'sync', '2027-03-01T06:00:00.000Z');
    await recordSuccess(db, 'sync', '2027-03-01T06:00:05.000Z', 5000, 'written');
    await claimRun(db, 'sync', '2027-03-01T06:05:00.000Z');
    // What the new version's job process answers the old daemon (refuseUnderDaemon).
    await recordFailure(db, 'sync', '2027-03-01T06:05:01.000Z', 1000, `db/touchbase.sqlite needs upgrading to this version of touchbase (migration 0021_next), and ${UNDER_DAEMON} (pid 4242), of an older version`, '2027-03-01T06:05:31.000Z');
    const r = await ready();
    expect(r.ready).toBe(false);
    expect(r.reasons).toEqual([expect.stringContaining('restart the daemon')]);
    await db.destroy();
  });
});
