import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DaemonMetrics } from '../../src/daemon/metrics.ts';
import { openDatabase } from '../../src/storage/database.ts';

/** A port nothing listens on: PostgreSQL stopped. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('/metrics while the database cannot be reached', () => {
  it('serves the process\'s own figures and touchbase_database_up 0, what is read from the database as last read (the scrape failed as a whole)', async () => {
    const db = openDatabase(`postgres://touchbase:pw@127.0.0.1:${await closedPort()}/touchbase`);
    try {
      const metrics = new DaemonMetrics(db, () => '2027-03-01', () => 2, async () => { throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }); });
      metrics.recordJob('sync', 'ok', 1.5);
      const text = await metrics.text();
      expect(text).toContain('touchbase_database_up 0');
      expect(text).toContain('touchbase_job_runs_total{job="sync",result="ok"} 1');
      expect(text).not.toMatch(/^touchbase_touches\{/m);
      expect(text).not.toMatch(/^touchbase_outbox_operations\{/m);
      expect(text).not.toMatch(/^touchbase_daemon_instance_up\{/m);
    } finally {
      await db.destroy();
    }
  });
});
