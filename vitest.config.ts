import { defineConfig } from 'vitest/config';

/**
 * The tests that run on PostgreSQL too (the postgres project): storage, sync, workflow and
 * export/import tests, each opening its database through test/helpers/temp-database.ts, which
 * gives a fresh PostgreSQL database per call there. Not in it, on purpose: tests about SQLite
 * files themselves (database-trouble: full disk, read-only files, file modes; daemon-security,
 * daemon-cli and e2e/daemon-process: the modes of the database, lock and pid files beside it;
 * the SQLite side of daemon locks), tests that never open a database, and export-import.test.ts (its files are
 * SQLite's; the round trip SQLite → PostgreSQL → export is in postgres-backend.test.ts). The
 * PostgreSQL counterparts are in postgres-backend.test.ts, which runs in the postgres project only.
 */
export const POSTGRES_TESTS = [
  'test/integration/storage.test.ts',
  'test/integration/touch-outcomes.test.ts',
  'test/integration/link-versions.test.ts',
  'test/integration/daily-workflows.test.ts',
  'test/integration/reports.test.ts',
  'test/integration/events.test.ts',
  'test/integration/ics-sync.test.ts',
  'test/integration/feed-batch-listing.test.ts',
  'test/integration/google-sync.test.ts',
  'test/integration/microsoft-sync.test.ts',
  'test/integration/postgres-backend.test.ts',
  'test/integration/incremental-pass.test.ts',
  'test/integration/sync-convergence.test.ts',
  'test/integration/sync-crash.test.ts',
  'test/integration/scheduler.test.ts',
  'test/integration/plan-idempotence.test.ts',
  'test/integration/plan-and-overdue.test.ts',
  'test/integration/cadence-change.test.ts',
  'test/integration/daemon.test.ts',
  'test/integration/daemon-http.test.ts',
  'test/integration/dashboard-order.test.ts',
  'test/integration/daemon-shutdown.test.ts',
  'test/integration/daemon-removed-employee.test.ts',
  'test/integration/former-calendars.test.ts',
  'test/integration/daemon-reload.test.ts',
  'test/integration/shared-daemon.test.ts',
  'test/integration/shared-work-storage.test.ts',
  'test/integration/calendar-claims-sync.test.ts',
  'test/e2e/shared-daemons.test.ts',
  'test/integration/daemon-limits.test.ts',
  'test/e2e/daemon-stop.test.ts',
  'test/integration/daemon-lock-checks.test.ts',
  'test/integration/feed-server.test.ts',
  'test/integration/google-cli.test.ts',
  'test/integration/removal-guard.test.ts',
  'test/integration/inapplicable-touches.test.ts',
  'test/integration/beyond-horizon.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'sqlite', include: ['test/**/*.test.ts'], exclude: ['test/integration/postgres-backend.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: POSTGRES_TESTS,
          env: { TOUCHBASE_TEST_BACKEND: 'postgres' },
          // One server for the run (embedded, or TOUCHBASE_TEST_DATABASE_URL), stopped at the end.
          globalSetup: ['test/helpers/postgres-server.ts'],
          // Feeds of a database URL would default to ./db/feeds, inside this repository.
          setupFiles: ['test/helpers/postgres-feeds-dir.ts'],
          testTimeout: 60_000,
          // Dropping the databases a property test made (one per sequence) takes a while.
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
