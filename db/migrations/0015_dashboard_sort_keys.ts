import type { Kysely } from 'kysely';

/**
 * The clients table of the dashboard sorts names and industries as people read them, not by code
 * point: "Ștefan" beside "Stefan" and before "Tractor", "Ёлка" beside "Елена", "Client 2" before
 * "Client 10". Neither database sorts so by itself (SQLite's only collations are binary ones, and
 * better-sqlite3 cannot add one), so the job that writes the snapshot stores each client's rank
 * under the company language's collation (dashboard/refresh.ts) and the table sorts by it. The
 * snapshots stored so far are made again (SNAPSHOT_FORMAT). Each column is added only if missing:
 * SQLite's schema changes are not in a transaction of kysely's migrator, so a process stopped
 * half-way runs the rest at its next start.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of SORT_KEYS) {
    if (!await hasColumn(db, column)) await db.schema.alterTable('dashboard_clients').addColumn(column, 'integer').execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of SORT_KEYS) {
    if (await hasColumn(db, column)) await db.schema.alterTable('dashboard_clients').dropColumn(column).execute();
  }
}

const SORT_KEYS = ['name_order', 'industry_order'] as const;

async function hasColumn(db: Kysely<unknown>, column: string): Promise<boolean> {
  const table = (await db.introspection.getTables()).find((t) => t.name === 'dashboard_clients');
  return table?.columns.some((c) => c.name === column) ?? false;
}
