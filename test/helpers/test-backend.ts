import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, inject } from 'vitest';
import pg from 'pg';
import { tempDir } from './config-folder.ts';
import { TEMPLATE_DATABASE } from './postgres-template.ts';

/** The database tests run on: the postgres project sets TOUCHBASE_TEST_BACKEND (vitest.config.ts). */
export type TestBackend = 'sqlite' | 'postgres';

export function testBackend(): TestBackend {
  return process.env.TOUCHBASE_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';
}


const made: string[] = [];
afterEach(async () => {
  if (made.length === 0) return;
  const admin = new pg.Client(inject('postgresAdminUrl'));
  await admin.connect();
  try {
    // FORCE: a connection the test left open (a daemon killed mid-run) does not keep its database.
    for (const name of made.splice(0)) await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
});

/**
 * Where a test's own database is, for the backend of this run: a SQLite file (`file`, or one in
 * a fresh folder), or a fresh PostgreSQL database — migrated already unless `empty` — dropped
 * after the test. For tests that open it themselves, or hand it to a CLI or daemon process.
 */
export async function tempDatabaseLocation(options: { file?: string; empty?: boolean } = {}): Promise<string> {
  if (testBackend() === 'sqlite') return options.file ?? join(tempDir(), 't.sqlite');
  const name = `touchbase_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const adminUrl = inject('postgresAdminUrl');
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  try {
    // CREATE DATABASE … TEMPLATE fails while another session is connected to the template:
    // only postgres-server.ts ever connects to it, before any test.
    await admin.query(options.empty ? `create database ${name}` : `create database ${name} template ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  made.push(name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
