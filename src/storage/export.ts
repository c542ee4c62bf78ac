import { createHash, type Hash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import type { DateTime } from 'luxon';
import { MIGRATION_NAMES, type DB } from './database.ts';
import type { Database } from './schema.ts';
import {
  dialectTraits, EXPORT_FORMAT, EXPORT_VERSION, EXPORTED_TABLES, localValuePolicy, toFileValue, type DialectTraits, type ExportTable,
} from './export-format.ts';

/** Rows read per query: a page is read by key (after the last row of the previous one), so memory stays flat. */
const PAGE = 1000;

export interface ExportOptions {
  /** Written as exported_at. */
  readonly now: DateTime;
  /** Also write the link and feed secrets (see localValuePolicy). */
  readonly includeSecrets: boolean;
}

export interface ExportSummary {
  readonly schema: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly sha256: string;
  /** Names of secrets the database has that the file does not carry (without --include-secrets). */
  readonly secretsLeftOut: readonly string[];
  /** Names of secrets the file carries (with --include-secrets, those the database holds). */
  readonly secretsWritten: readonly string[];
}

/**
 * Writes the whole history of the database to `out` as an export file (see export-format.ts),
 * from one read-only transaction: a daemon writing meanwhile changes nothing in the file. Waits
 * for `out` to drain (a slow disk or reader holds the export, not memory); does not end `out`.
 *
 * @example await exportDatabase(db, createWriteStream('backup.ndjson'), { now: clock.now(), includeSecrets: false })
 */
export async function exportDatabase(db: DB, out: Writable, options: ExportOptions): Promise<ExportSummary> {
  return writeExport(db, out, EXPORTED_TABLES, MIGRATION_NAMES.at(-1)!, options);
}

/** exportDatabase with the tables and schema name given (a database at an older schema, in the tests of import's upgrade path). */
export async function writeExport(db: DB, out: Writable, tables: readonly ExportTable[], schema: string, options: ExportOptions): Promise<ExportSummary> {
  const output = new HashedOutput(out);
  const counts: Record<string, number> = {};
  const secretsLeftOut: string[] = [];
  const secretsWritten: string[] = [];
  // Repeatable read: PostgreSQL's snapshot for the whole transaction (SQLite's deferred
  // transaction reads one snapshot from its first read to its end anyway).
  await db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (trx) => {
    // "included" only when there are secrets to include: those given in the environment are
    // never stored, and a file that claims them would be restored without their values.
    const held = options.includeSecrets && (await trx.selectFrom('local_secrets').select('name').execute()).some((r) => localValuePolicy(r.name) === 'secret');
    const header = { format: EXPORT_FORMAT, version: EXPORT_VERSION, schema, exported_at: options.now.toUTC().toISO(), secrets: held ? 'included' : 'omitted' };
    await output.write(`${JSON.stringify(header)}\n`);
    const traits = dialectTraits(trx);
    for (const t of tables) {
      counts[t.name] = 0;
      for await (const page of pagesOf(trx, t, traits)) {
        let chunk = '';
        for (const row of page) {
          if (t.name === 'local_secrets') {
            const policy = localValuePolicy(String(row.name));
            if (policy === 'never') continue;
            if (policy === 'secret' && !options.includeSecrets) {
              secretsLeftOut.push(String(row.name));
              continue;
            }
            if (policy === 'secret') secretsWritten.push(String(row.name));
          }
          const values: Record<string, unknown> = {};
          for (const c of t.columns) values[c.name] = toFileValue(c, row[c.name], t.name);
          chunk += `${JSON.stringify({ table: t.name, row: values })}\n`;
          counts[t.name]!++;
        }
        await output.write(chunk);
      }
    }
  });
  const sha256 = output.digest();
  await output.write(`${JSON.stringify({ counts, sha256 })}\n`);
  return { schema, counts, sha256, secretsLeftOut, secretsWritten };
}

/**
 * A table's rows in key order (byte order for text, on both databases), a page at a time,
 * each page read after the last key of the one before: a row-value comparison both SQLite
 * and PostgreSQL answer from the primary key's index.
 */
export async function* pagesOf(trx: Kysely<Database>, t: ExportTable, traits: DialectTraits): AsyncGenerator<Record<string, unknown>[]> {
  // Table names come from EXPORTED_TABLES (or the database's own catalogue), never from input.
  const db = trx as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const keyColumns = t.key.map((k) => t.columns.find((c) => c.name === k)!);
  const keyRefs = keyColumns.map((c) => traits.sortable(c));
  let after: unknown[] | undefined;
  for (;;) {
    let query = db.selectFrom(t.name).select(t.columns.map((c) => c.name));
    if (after) query = query.where(sql<boolean>`(${sql.join(keyRefs)}) > (${sql.join(after)})`);
    for (const ref of keyRefs) query = query.orderBy(ref);
    const rows = await query.limit(PAGE).execute();
    if (rows.length > 0) yield rows;
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = t.key.map((k) => last[k]);
  }
}

/** The output with a running SHA-256 of what went into it, written with backpressure. */
class HashedOutput {
  readonly #out: Writable;
  readonly #hash: Hash = createHash('sha256');

  constructor(out: Writable) {
    this.#out = out;
  }

  async write(text: string): Promise<void> {
    if (text === '') return;
    if (this.#out.errored) throw this.#out.errored;
    if (this.#out.destroyed || this.#out.writableEnded) throw new Error('the output was closed before the export was complete');
    this.#hash.update(text);
    if (!this.#out.write(text)) await drained(this.#out);
  }

  digest(): string {
    return this.#hash.copy().digest('hex');
  }
}

/** Resolves on 'drain'; rejects if the output fails or closes first (a reader that went away must not hang the export). */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      out.off('drain', onDrain).off('error', onError).off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onError = (error: Error) => done(error);
    const onClose = () => done(new Error('the output was closed before the export was complete'));
    out.on('drain', onDrain).on('error', onError).on('close', onClose);
  });
}
